"""Write the shipped Word templates (``audit_report.docx``, ``rectification.docx``) from code.

The .docx files are the user-editable artefacts (open them in Word or WPS and change wording,
fonts, logos); this script is how the shipped versions are made, so their structure is reviewable:

    .venv/bin/python report_templates/build_templates.py

Placeholders are docxtpl/Jinja: ``{{ company.name }}``; ``{%p for … %}`` repeats paragraphs,
``{%tr for … %}`` repeats table rows, ``{{r x }}`` inserts rich text (coloured severity). The
variables are the contract documented in README.md next to this file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

HERE = Path(__file__).resolve().parent
BODY_FONT, HEADING_FONT, LATIN = "宋体", "黑体", "Times New Roman"


def _east_asian(rpr_owner: object, east_asia: str, size: float | None = None) -> None:
    """Set Latin and East Asian fonts on a style or run, dropping theme fonts (Word prefers them)."""
    font = rpr_owner.font  # type: ignore[attr-defined]
    font.name = LATIN
    if size:
        font.size = Pt(size)
    rpr = rpr_owner.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def new_document() -> Document:  # type: ignore[valid-type]
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    _east_asian(doc.styles["Normal"], BODY_FONT, 11)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        style = doc.styles[name]
        _east_asian(style, HEADING_FONT, size)
        style.font.color.rgb = None
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # docDefaults carry minorEastAsia theme fonts: replace them
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
            fonts.set(qn("w:eastAsia"), BODY_FONT)
            fonts.set(qn("w:ascii"), LATIN)
            fonts.set(qn("w:hAnsi"), LATIN)
    _page_numbers(section.footer.paragraphs[0])
    return doc


def _field(paragraph: object, code: str) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def _page_numbers(paragraph: object) -> None:
    """第 X 页 共 Y 页, with PAGE and NUMPAGES fields Word and LibreOffice both update."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    paragraph.add_run("第 ")  # type: ignore[attr-defined]
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")  # type: ignore[attr-defined]
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")  # type: ignore[attr-defined]


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def loop_table(
    doc: object, headers: list[str], loop: str, cells: list[str], widths: list[int]
) -> Table:
    """A table with a repeated header row and one template row repeated by ``{%tr for … %}``."""
    table = doc.add_table(rows=4, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = h
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for i, c in enumerate(cells):
        table.rows[2].cells[i].text = c
    table.rows[3].cells[0].text = "{%tr endfor %}"
    table.autofit = False
    for i, w in enumerate(widths):  # the grid is what LibreOffice and WPS lay out by
        table._tbl.tblGrid.gridCol_lst[i].w = Mm(w)
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Mm(w)
    _repeat_header(table)
    return table


def p(doc: object, text: str, style: str | None = None) -> None:
    doc.add_paragraph(text, style=style)  # type: ignore[attr-defined]


def build_report() -> Path:
    doc = new_document()
    title = doc.add_paragraph("用工体检报告", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in ("受检单位：{{ company.name }}", "统一社会信用代码：{{ company.credit_code }}",
                 "报告编号：{{ report.number }}", "体检时间：{{ audit.dates }}",
                 "检查人员：{{ audit.auditors }}", "出具单位：{{ report.union }}",
                 "报告日期：{{ report.date }}"):  # fmt: skip
        para = doc.add_paragraph(line)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_page_break()

    p(doc, "一、体检概况", "Heading 1")
    p(
        doc,
        "本次体检为{{ audit.scope }}，依据 {{ audit.checklist_version }} 版检查清单，"
        "检查项目 {{ audit.items_total }} 项，已核查 {{ audit.items_answered }} 项。",
    )
    p(doc, "体检方式：{{ audit.method }}")
    p(doc, "{%p for v in audit.visits %}")
    p(doc, "{{ v.date }}　{{ v.kind }}（{{ v.channels }}）：{{ v.attendees }}")
    p(doc, "{%p endfor %}")
    p(doc, "工资表核查：{{ payroll.scope_text }}")

    p(doc, "二、总体评价", "Heading 1")
    p(doc, "总体得分 {{ summary.score }} 分，评级“{{ summary.rating }}”。{{ summary.veto_text }}")
    loop_table(doc, ["领域", "得分", "图示", "企业自评", "符合", "部分符合", "不符合", "待核实", "未答"],
               "a in summary.areas",
               ["{{ a.name }}", "{{ a.score }}", "{{ a.bar }}", "{{ a.self_score }}", "{{ a.compliant }}",
                "{{ a.partial }}", "{{ a.non_compliant }}", "{{ a.to_verify }}", "{{ a.unanswered }}"],
               [30, 16, 26, 14, 12, 14, 14, 14, 14])  # fmt: skip
    p(doc, "{%p if summary.chart %}")
    p(doc, "{{ summary.chart }}")
    p(doc, "{%p endif %}")

    p(doc, "三、发现的问题", "Heading 1")
    p(doc, "{%p if findings_by_area %}")
    p(doc, "共发现问题 {{ finding_count }} 项{{ money_text }}。")
    p(doc, "{%p for area in findings_by_area %}")
    p(doc, "{{ area.name }}", "Heading 2")
    p(doc, "{%p for f in area.findings %}")
    p(doc, "{{ f.no }}. {{ f.title }}", "Heading 3")
    p(doc, "严重程度：{{r f.severity }}")
    p(doc, "事实：{{ f.facts }}")
    p(doc, "法律依据：{{ f.basis }}")
    p(doc, "可能后果：{{ f.consequence }}")
    p(doc, "整改建议：{{ f.remedy }}")
    p(doc, "整改期限：{{ f.due }}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p else %}")
    p(doc, "未发现问题。")
    p(doc, "{%p endif %}")

    p(doc, "四、工资表核查", "Heading 1")
    p(doc, "{%p if payroll.present %}")
    p(
        doc,
        "核查 {{ payroll.rows }} 行工资数据（{{ payroll.employees }} 名员工，{{ payroll.periods }}），"
        "运行规则 {{ payroll.rules_run_count }} 条。{{ payroll.skipped_text }}",
    )
    p(doc, "{%p if payroll.groups %}")
    loop_table(doc, ["规则", "月份", "人数", "涉及金额", "严重程度"], "g in payroll.groups",
               ["{{ g.title }}", "{{ g.period }}", "{{ g.employees }}", "{{ g.total }}", "{{r g.severity }}"],
               [62, 22, 16, 30, 20])  # fmt: skip
    p(doc, "{%p else %}")
    p(doc, "工资表核查未发现问题。")
    p(doc, "{%p endif %}")
    p(doc, "{%p else %}")
    p(doc, "本次体检未导入工资表，未进行工资表核查。")
    p(doc, "{%p endif %}")

    p(doc, "五、整改建议与跟诊安排", "Heading 1")
    p(doc, "{%p if findings %}")
    loop_table(doc, ["序号", "领域", "问题", "法律依据", "整改建议", "期限", "负责人", "状态"],
               "f in findings",
               ["{{ f.no }}", "{{ f.area }}", "{{ f.title }}", "{{ f.basis }}", "{{ f.remedy }}",
                "{{ f.due }}", "{{ f.owner }}", "{{ f.status }}"],
               [10, 18, 30, 26, 34, 16, 14, 12])  # fmt: skip
    p(doc, "{%p else %}")
    p(doc, "未发现需要整改的问题。")
    p(doc, "{%p endif %}")
    p(doc, "跟诊安排：{{ report.followup }}")

    p(doc, "六、说明", "Heading 1")
    p(doc, "{{ report.limits }}")
    p(doc, "")
    p(doc, "检查人员（签字）：　　　　　　　　　　　企业负责人（签字）：")
    p(doc, "{{ report.union }}　　　　　　　　　　{{ report.date }}")

    p(doc, "附录一　受影响的员工月份（身份证号已遮盖）", "Heading 1")
    p(doc, "{%p if payroll.appendix %}")
    loop_table(doc, ["员工", "姓名", "身份证号", "月份", "问题", "金额"], "e in payroll.appendix",
               ["{{ e.employee }}", "{{ e.name }}", "{{ e.id_number }}", "{{ e.period }}",
                "{{ e.rule }}", "{{ e.amount }}"], [18, 16, 48, 18, 46, 24])  # fmt: skip
    p(doc, "{%p else %}")
    p(doc, "无。")
    p(doc, "{%p endif %}")
    p(doc, "附录二　引用的法律法规", "Heading 1")
    p(doc, "{%p for law in laws %}")
    p(doc, "《{{ law.name }}》{{ law.articles }}")
    p(doc, "{%p endfor %}")
    out = HERE / "audit_report.docx"
    doc.save(out)
    return out


def build_rectification() -> Path:
    doc = new_document()
    title = doc.add_paragraph("整改建议书", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p(doc, "{{ company.name }}：")
    p(
        doc,
        "{{ report.union }}于 {{ audit.dates }} 对贵单位开展了用工体检（{{ audit.scope }}）。"
        "现将尚未整改的问题及整改建议告知如下，请于期限内整改，并将整改情况书面反馈。",
    )
    p(doc, "{%p if findings %}")
    loop_table(doc, ["序号", "问题", "法律依据", "整改建议", "期限"], "f in findings",
               ["{{ f.no }}", "{{ f.title }}", "{{ f.basis }}", "{{ f.remedy }}", "{{ f.due }}"],
               [12, 46, 34, 50, 18])  # fmt: skip
    p(doc, "{%p else %}")
    p(doc, "经体检，未发现需要整改的问题。")
    p(doc, "{%p endif %}")
    p(doc, "")
    para = doc.add_paragraph("{{ report.union }}")
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para = doc.add_paragraph("{{ report.date }}")
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = HERE / "rectification.docx"
    doc.save(out)
    return out


def build_letter(kind: str) -> Path:
    """一函两书: 提示函 (notice), 意见书 (opinion, with its 送达回执 page), 建议书 (proposal).

    The wording lives in ``auditdesk/reports/letters.py`` (the issued content is stored and must
    render the same again); the template only lays out the formal parts: 文号, addressee, body,
    the problems by 问题编号, reply requirement, attachments, seal line and date, contact, 抄送.
    The body speaks as 本会; the seal line is ``letter.issuer`` (checked when rendering).
    """
    doc = new_document()

    def centred(text: str, style: str | None = None) -> None:
        doc.add_paragraph(text, style=style).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def right(text: str) -> None:
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    p(doc, "{%p if letter.draft %}")
    centred("草稿（未编号、未发出，不得作为正式函件使用）")
    p(doc, "{%p endif %}")
    centred("{{ letter.title }}", "Title")
    centred("{{ letter.number }}")
    p(doc, "{{ letter.recipient }}：")
    p(doc, "{{ letter.intro }}")
    p(doc, "{{ letter.items_intro }}")
    p(doc, "{%p for i in letter.problems %}")
    p(doc, "{{ i.no }}. {{ i.title }}（问题编号 {{ i.ref }}）")
    p(doc, "{%p endfor %}")
    p(doc, "{{ letter.details }}")
    p(doc, "{{ letter.request }}")
    p(doc, "附件：")
    p(doc, "{%p for a in letter.attachments %}")
    p(doc, "{{ a }}")
    p(doc, "{%p endfor %}")
    p(doc, "")
    right("{{ letter.issuer }}（盖章）")
    right("{{ letter.date }}")
    p(doc, "{%p if letter.preparer %}")
    p(doc, "{{ letter.preparer }}")
    p(doc, "{%p endif %}")
    p(doc, "{{ letter.contact }}")
    p(doc, "{%p if letter.address %}")
    p(doc, "{{ letter.address }}")
    p(doc, "{%p endif %}")
    p(doc, "{%p if letter.cc %}")
    p(doc, "{{ letter.cc }}")
    p(doc, "{%p endif %}")
    if kind == "opinion":
        doc.add_page_break()
        centred("送达回执", "Heading 1")
        for line in ("文书名称：{{ letter.receipt_doc }}", "受送达单位：{{ letter.company }}",
                     "送达单位：{{ letter.issuer }}", "送达方式：□ 直接送达　□ 邮寄送达　□ 其他：__________",
                     "收件人（签名）：____________________",
                     "收到日期：________年____月____日", "", "受送达单位（单位盖章）", "",
                     "说明：答复期限自收到本意见书之次日起计算。请受送达单位签收后将本回执交回"
                     "{{ letter.issuer }}。"):  # fmt: skip
            p(doc, line)
    out = HERE / f"{kind}.docx"
    doc.save(out)
    return out


def build_followup_record() -> Path:
    """跟诊记录: what the latest follow-up visit found, finding by finding."""
    doc = new_document()
    title = doc.add_paragraph("跟诊记录", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p(doc, "受检单位：{{ company.name }}")
    p(doc, "原体检：{{ audit.title }}（{{ audit.dates }}）")
    p(doc, "跟诊日期：{{ followup.date }}　　跟诊人员：{{ audit.auditors }}")
    p(
        doc,
        "核验情况：共 {{ followup.total }} 项，已核验关闭 {{ followup.closed }} 项，"
        "尚未整改到位 {{ followup.open }} 项。",
    )
    p(doc, "{%p if followup.rows %}")
    loop_table(doc, ["序号", "问题", "状态", "核验说明", "期限"], "r in followup.rows",
               ["{{ r.no }}", "{{ r.title }}", "{{ r.status }}", "{{ r.note }}", "{{ r.due }}"],
               [12, 56, 22, 50, 20])  # fmt: skip
    p(doc, "{%p else %}")
    p(doc, "无。")
    p(doc, "{%p endif %}")
    p(doc, "{{ followup.next }}")
    p(doc, "")
    for text in ("{{ report.union }}", "{{ report.date }}"):
        para = doc.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = HERE / "followup_record.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    made = [
        build_report(),
        build_rectification(),
        build_followup_record(),
        *(build_letter(k) for k in ("notice", "opinion", "proposal")),
    ]
    for path in made:
        print(f"wrote {path}")
