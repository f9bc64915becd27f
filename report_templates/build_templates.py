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
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

HERE = Path(__file__).resolve().parent
BODY_FONT, HEADING_FONT, LATIN = "宋体", "黑体", "Times New Roman"
MARGIN_MM = 25
BODY_STYLE, LIST_STYLE, CELL_STYLE = "Body Text", "Law List", "Table Text"
"""Body text has a first-line indent of two characters; list lines (laws, risks) hang instead;
table cells are set a size smaller (10 pt), with no indent."""


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
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    _east_asian(doc.styles["Normal"], BODY_FONT, 11)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        style = doc.styles[name]
        _east_asian(style, HEADING_FONT, size)
        style.font.color.rgb = None
        if name != "Title":  # a heading never ends a page: it keeps with the text under it
            style.paragraph_format.keep_with_next = True
    _indented_styles(doc)
    _update_fields_on_open(doc)
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


def _indented_styles(doc: object) -> None:
    """Body Text: first line indented two characters (``firstLineChars`` for Word and WPS, the
    same length in points for the rest); Law List: a two-character hanging indent."""
    styles = doc.styles  # type: ignore[attr-defined]
    body = styles[BODY_STYLE]
    body.base_style = styles["Normal"]
    body.paragraph_format.first_line_indent = Pt(22)
    body.paragraph_format.space_after = Pt(4)
    body.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    hanging = styles.add_style(LIST_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    hanging.base_style = styles["Normal"]
    hanging.paragraph_format.left_indent = Pt(22)
    hanging.paragraph_format.first_line_indent = Pt(-22)
    cell = styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    cell.font.size = Pt(10)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.1


def _update_fields_on_open(doc: object) -> None:
    """settings.xml ``w:updateFields``: Word offers to update the 目录 and page fields on open."""
    settings = doc.settings.element  # type: ignore[attr-defined]
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def text_width_mm(section: object) -> float:
    """Page width less the side margins, in mm."""
    sec = section  # type: ignore[assignment]
    return float((sec.page_width - sec.left_margin - sec.right_margin) / Mm(1))  # type: ignore[attr-defined]


def toc(doc: object, levels: str = "1-2") -> None:
    """目录: a TOC field over the outline levels ``levels``; Word fills it on open (updateFields),
    ``scripts/render_pages.py`` has LibreOffice update it before making the PDF."""
    heading = doc.add_paragraph("目　录")  # type: ignore[attr-defined]
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(heading.runs[0], HEADING_FONT, 16)
    para = doc.add_paragraph()  # type: ignore[attr-defined]
    run = para.add_run()
    for kind, text in (("begin", ""), ("", f'TOC \\o "{levels}" \\h \\z \\u'), ("separate", "")):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                el.set(qn("w:dirty"), "true")  # stale: update before showing
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        run._r.append(el)
    para.add_run("（打开文档时更新目录；如未显示，请在此处右键选择“更新域”。）")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    para.add_run()._r.append(end)


def new_section(doc: object, landscape: bool) -> None:
    """Start a section on a new page, A4 landscape or portrait, same margins and footer."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    wide, tall = Mm(297), Mm(210)
    section.page_width, section.page_height = (wide, tall) if landscape else (tall, wide)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)


def body(doc: object, text: str) -> object:
    """A body paragraph (first line indented)."""
    return doc.add_paragraph(text, style=BODY_STYLE)  # type: ignore[attr-defined]


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
    room = text_width_mm(doc.sections[-1])  # type: ignore[attr-defined]
    if sum(widths) > room + 0.5:
        raise ValueError(f"table {headers} is {sum(widths)} mm wide; the text is {room:.0f} mm")
    for i, w in enumerate(widths):  # the grid is what LibreOffice and WPS lay out by
        table._tbl.tblGrid.gridCol_lst[i].w = Mm(w)
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Mm(w)
    for row in table.rows:
        for c in row.cells:
            for para in c.paragraphs:
                para.style = doc.styles[CELL_STYLE]  # type: ignore[attr-defined]
    _repeat_header(table)
    cant_split = OxmlElement("w:cantSplit")  # a row is never split across two pages
    table.rows[2]._tr.get_or_add_trPr().append(cant_split)
    return table


def p(doc: object, text: str, style: str | None = None) -> object:
    return doc.add_paragraph(text, style=style)  # type: ignore[attr-defined]


def closing_cell(doc: object) -> object:
    """A borderless, one-cell table as wide as the text, whose row is never split across pages,
    with no cell margins (its text lines up with the body): a letter's closing request, 附件 and
    seal line with the date go in it, so that they move to the next page together.

    ``keep_with_next`` on each closing paragraph says the same to Word, but LibreOffice (7.4)
    follows only the last link of such a chain and left the seal line and date alone on a page;
    an unsplittable table row is kept whole by Word, WPS and LibreOffice alike. Returns the cell
    (``add_paragraph`` on it adds the block's lines); its one empty paragraph is removed."""
    table = doc.add_table(rows=1, cols=1)  # type: ignore[attr-defined]
    table.autofit = False
    width = Mm(text_width_mm(doc.sections[-1]))  # type: ignore[attr-defined]
    table._tbl.tblGrid.gridCol_lst[0].w = width
    cell = table.rows[0].cells[0]
    cell.width = width
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    empty = cell.paragraphs[0]._p
    empty.getparent().remove(empty)
    return cell


def keep(paragraph: object, *, whole: bool = False) -> object:
    """Keep ``paragraph`` on the page of the next one (and, with ``whole``, in one piece): set on
    a document's closing lines so that the signature and seal line never stand alone on a page."""
    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    fmt.keep_with_next = True
    if whole:
        fmt.keep_together = True
    return paragraph


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
    toc(doc)
    doc.add_page_break()

    p(doc, "摘　要", "Heading 1")
    body(
        doc, "总体得分 {{ summary.score }} 分，评级“{{ summary.rating }}”。{{ summary.veto_text }}"
    )
    p(doc, "{%p if findings %}")
    body(
        doc, "共发现问题 {{ finding_count }} 项（{{ summary.severity_counts }}）{{ money_text }}。"
    )
    body(doc, "需优先整改的主要风险（按严重程度排列，同等严重程度按涉及金额的类别和数额排列）：")
    p(doc, "{%p for r in summary.top_risks %}")
    p(doc, "{{ r.rank }}．【{{ r.severity_label }}】{{ r.title }}"
           "{% if r.money %}（{{ r.money }}）{% endif %}（{{ r.area }}，见问题 {{ r.no }}）", LIST_STYLE)  # fmt: skip
    p(doc, "{%p endfor %}")
    body(doc, "各问题的事实、依据和整改建议见第三部分，整改期限和跟诊安排见第五部分。")
    p(doc, "{%p else %}")
    body(doc, "{{ summary.no_findings }}")
    p(doc, "{%p endif %}")

    p(doc, "一、体检概况", "Heading 1")
    p(doc, "（一）体检范围与方式", "Heading 2")
    body(
        doc,
        "本次体检为{{ audit.scope }}，依据 {{ audit.checklist_version }} 版检查清单，"
        "检查项目 {{ audit.items_total }} 项，已核查 {{ audit.items_answered }} 项。",
    )
    body(doc, "体检方式：{{ audit.method }}")
    p(doc, "{%p for v in audit.visits %}")
    body(doc, "{{ v.date }}　{{ v.kind }}（{{ v.channels }}）：{{ v.attendees }}")
    p(doc, "{%p endfor %}")
    body(doc, "工资表核查：{{ payroll.scope_text }}")
    p(doc, "（二）体检依据", "Heading 2")
    p(doc, "{%p if laws %}")
    body(doc, "本报告引用以下法律、法规、规章和规范性文件（按效力层级排列，条文按序合并）：")
    p(doc, "{%p for law in laws %}")
    p(doc, "{{ loop.index }}．{{ law.line }}", LIST_STYLE)
    p(doc, "{%p endfor %}")
    p(doc, "{%p else %}")
    body(doc, "本报告未引用具体法律条文。")
    p(doc, "{%p endif %}")

    p(doc, "二、总体评价", "Heading 1")
    body(
        doc, "总体得分 {{ summary.score }} 分，评级“{{ summary.rating }}”。{{ summary.veto_text }}"
    )
    loop_table(doc, ["领域", "得分", "图示", "企业自评", "符合", "部分符合", "不符合", "待核实", "未答"],
               "a in summary.areas",
               ["{{ a.name }}", "{{ a.score }}", "{{ a.bar }}", "{{ a.self_score }}", "{{ a.compliant }}",
                "{{ a.partial }}", "{{ a.non_compliant }}", "{{ a.to_verify }}", "{{ a.unanswered }}"],
               [34, 16, 22, 14, 12, 14, 14, 14, 14])  # fmt: skip
    p(doc, "{%p if summary.chart %}")
    p(doc, "{{ summary.chart }}")
    p(doc, "{%p endif %}")

    p(doc, "三、发现的问题", "Heading 1")
    p(doc, "{%p if findings_by_area %}")
    body(doc, "共发现问题 {{ finding_count }} 项{{ money_text }}。")
    p(doc, "{%p for area in findings_by_area %}")
    p(doc, "{{ area.ordinal }}{{ area.name }}", "Heading 2")
    p(doc, "{%p for f in area.findings %}")
    # the severity on the heading's second line, in the heading's paragraph: LibreOffice follows
    # only the last link of a keep-with-next chain (heading → 严重程度 → 事实) and left a finding's
    # heading alone at the foot of a page
    heading = p(doc, "问题 {{ f.no }}：{{ f.title }}", "Heading 3")
    heading.runs[-1].add_break()  # type: ignore[attr-defined]
    label = heading.add_run("严重程度：")  # type: ignore[attr-defined]
    label.bold = False
    _east_asian(label, BODY_FONT, 11)
    heading.add_run("{{r f.severity }}")  # type: ignore[attr-defined]
    body(doc, "事实：{{ f.facts }}")
    body(doc, "法律依据：{{ f.basis }}")
    body(doc, "可能后果：{{ f.consequence }}")
    p(doc, "{%p if f.amount %}")
    body(doc, "涉及金额：{{ f.amount }}")
    p(doc, "{%p endif %}")
    body(doc, "整改建议：{{ f.remedy }}")
    body(doc, "整改期限：{{ f.due }}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p else %}")
    body(doc, "{{ summary.no_findings }}")
    p(doc, "{%p endif %}")

    p(doc, "四、工资表核查", "Heading 1")
    p(doc, "{%p if payroll.present %}")
    body(
        doc,
        "核查 {{ payroll.rows }} 行工资数据（{{ payroll.employees }} 名员工，{{ payroll.periods }}），"
        "运行规则 {{ payroll.rules_run_count }} 条。{{ payroll.skipped_text }}",
    )
    p(doc, "{%p if payroll.groups %}")
    loop_table(doc, ["规则", "月份", "人数", "金额（按类别）", "严重程度"], "g in payroll.groups",
               ["{{ g.title }}", "{{ g.period }}", "{{ g.employees }}", "{{ g.total }}", "{{r g.severity }}"],
               [58, 27, 14, 41, 20])  # fmt: skip
    p(doc, "{%p else %}")
    body(doc, "工资表核查未发现问题。")
    p(doc, "{%p endif %}")
    p(doc, "{%p else %}")
    body(doc, "本次体检未导入工资表，未进行工资表核查。")
    p(doc, "{%p endif %}")

    new_section(doc, landscape=True)  # eight columns need the width of a landscape page
    p(doc, "五、整改建议与跟诊安排", "Heading 1")
    p(doc, "{%p if findings %}")
    loop_table(doc, ["问题编号", "领域", "问题", "法律依据", "整改建议", "期限", "负责人", "状态"],
               "f in findings",
               ["{{ f.no }}", "{{ f.area }}", "{{ f.title }}", "{{ f.basis }}", "{{ f.remedy }}",
                "{{ f.due }}", "{{ f.owner }}", "{{ f.status }}"],
               [18, 19, 45, 45, 52, 36, 16, 16])  # fmt: skip
    p(doc, "{%p else %}")
    body(doc, "未发现需要整改的问题。")
    p(doc, "{%p endif %}")
    body(doc, "跟诊安排：{{ report.followup }}")
    new_section(doc, landscape=False)

    p(doc, "六、说明", "Heading 1")
    keep(body(doc, "{{ report.limits }}"), whole=True)  # with the signatures below it
    keep(p(doc, ""))
    keep(p(doc, "检查人员（签字）：　　　　　　　　　　　企业负责人（签字）："))
    p(doc, "{{ report.union }}　　　　　　　　　　{{ report.date }}")

    p(doc, "附录一　受影响的员工月份", "Heading 1")
    p(doc, "{%p if payroll.appendix %}")
    body(
        doc,
        "员工以工号和遮盖的姓名标识；姓名、身份证号、出生日期和个人金额见另附的人员明细（内部资料）。",
    )
    loop_table(doc, ["工号", "姓名", "月份", "问题"], "e in payroll.appendix",
               ["{{ e.employee }}", "{{ e.name }}", "{{ e.period }}", "{{ e.rule }}"],
               [26, 22, 27, 85])  # fmt: skip
    p(doc, "{%p else %}")
    body(doc, "无。")
    p(doc, "{%p endif %}")
    out = HERE / "audit_report.docx"
    doc.save(out)
    return out


def build_rectification() -> Path:
    """整改建议书: a letter; each finding a block (heading kept with its lines), no table."""
    doc = new_document()
    title = doc.add_paragraph("整改建议书", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = doc.add_paragraph("{{ report.number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p(doc, "{{ company.name }}：")
    body(
        doc,
        "{{ report.union }}于 {{ audit.dates }} 对贵单位开展了用工体检（{{ audit.scope }}）。"
        "现将尚未整改的问题及整改建议告知如下，请于期限内整改，并将整改情况书面反馈。",
    )
    p(doc, "{%p if findings %}")
    p(doc, "{%p for f in findings %}")
    p(doc, "问题 {{ f.no }}：{{ f.title }}", "Heading 3")
    body(doc, "法律依据：{{ f.basis }}")
    body(doc, "整改建议：{{ f.remedy }}")
    # the last block's deadline goes to the page of the signature, so it never stands alone
    p(doc, "{%p if loop.last %}")
    keep(body(doc, "整改期限：{{ f.due }}"))
    p(doc, "{%p else %}")
    body(doc, "整改期限：{{ f.due }}")
    p(doc, "{%p endif %}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p else %}")
    keep(body(doc, "经体检，未发现需要整改的问题。"))
    p(doc, "{%p endif %}")
    keep(p(doc, ""))
    para = keep(doc.add_paragraph("{{ report.union }}"))
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # type: ignore[attr-defined]
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

    def right_in(where: object, text: str) -> object:
        para = where.add_paragraph(text)  # type: ignore[attr-defined]
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return para

    p(doc, "{%p if letter.draft %}")
    centred("草稿（未编号、未发出，不得作为正式函件使用）")
    p(doc, "{%p endif %}")
    centred("{{ letter.title }}", "Title")
    centred("{{ letter.number }}")
    p(doc, "{{ letter.recipient }}：")
    body(doc, "{{ letter.intro }}")
    body(doc, "{{ letter.items_intro }}")
    p(doc, "{%p for i in letter.problems %}")
    body(doc, "问题 {{ i.no }}：{{ i.title }}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p if letter.to_verify %}")
    body(doc, "{{ letter.verify_intro }}")
    p(doc, "{%p for i in letter.to_verify %}")
    body(doc, "问题 {{ i.no }}：{{ i.title }}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p endif %}")
    body(doc, "{{ letter.details }}")
    # the closing request, 附件 and the seal line with its date stay on one page: the seal line
    # never stands alone on a page of its own (one unsplittable table row; see closing_cell)
    closing = closing_cell(doc)
    keep(body(closing, "{{ letter.request }}"), whole=True)
    keep(p(closing, "附件："))
    p(closing, "{%p for a in letter.attachments %}")
    keep(p(closing, "{{ a }}"))
    p(closing, "{%p endfor %}")
    keep(p(closing, ""))
    keep(right_in(closing, "{{ letter.issuer }}（盖章）"))
    right_in(closing, "{{ letter.date }}")
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
    number = doc.add_paragraph("{{ report.number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p(doc, "受检单位：{{ company.name }}")
    p(doc, "原体检：{{ audit.title }}（{{ audit.dates }}）")
    p(doc, "跟诊日期：{{ followup.date }}　　跟诊人员：{{ audit.auditors }}")
    p(doc, "核验情况：{{ followup.summary }}")
    p(doc, "{%p if followup.rows %}")
    loop_table(doc, ["问题编号", "问题", "核查结果", "核验说明", "期限"], "r in followup.rows",
               ["{{ r.no }}", "{{ r.title }}", "{{ r.status }}", "{{ r.note }}", "{{ r.due }}"],
               [19, 50, 27, 26, 38])  # fmt: skip
    p(doc, "{%p endif %}")
    verdict = keep(p(doc, "{{ followup.next }}"), whole=True)  # stays with the signatures
    verdict.paragraph_format.space_before = Pt(6)  # type: ignore[attr-defined]
    keep(p(doc, ""))
    keep(p(doc, "{{ followup.sign_company }}"))
    keep(p(doc, "{{ followup.sign_checkers }}"))
    keep(p(doc, ""))
    keep(doc.add_paragraph("{{ report.union }}")).alignment = WD_ALIGN_PARAGRAPH.RIGHT  # type: ignore[attr-defined]
    doc.add_paragraph("{{ report.date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = HERE / "followup_record.docx"
    doc.save(out)
    return out


def build_annex() -> Path:
    """人员明细（内部资料）: the personal data the report leaves out, as a separate document. A4
    landscape: seven columns, each wide enough for its header and a typical value on one line at
    10 pt (a four-character name, an 18-character ID number, 2026年12月31日, 2025年12月, the longest
    rule title, 待核实：¥12,345.67 and the longest money kind 赔偿风险（二倍工资等） on the line
    under it). The union and the date stand in one unsplittable cell (the date was left alone on
    a page of its own)."""
    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    header = doc.sections[0].header.paragraphs[0]
    header.text = "{{ annex.mark }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = doc.add_paragraph("{{ annex.mark }}")
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark.runs[0].bold = True
    title = doc.add_paragraph("用工体检报告附件：受影响员工明细", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p(doc, "受检单位：{{ company.name }}　　报告编号：{{ report.number }}")
    p(doc, "{{ annex.note }}{{ annex.id_note }}")
    p(doc, "{%p if annex.rows %}")
    loop_table(doc, ["工号", "姓名", "身份证号", "出生日期/年龄", "月份", "问题", "金额"], "e in annex.rows",
               ["{{ e.employee }}", "{{ e.name }}", "{{ e.id_number }}", "{{ e.birth }}", "{{ e.period }}",
                "{{ e.rule }}", "{{ e.amount }}"], [24, 20, 42, 36, 27, 54, 44])  # fmt: skip
    p(doc, "{{ annex.more }}")
    p(doc, "{%p else %}")
    p(doc, "无受影响的员工。")
    p(doc, "{%p endif %}")
    closing = closing_cell(doc)
    keep(p(closing, ""))
    for text in ("{{ report.union }}", "{{ report.date }}"):
        para = keep(p(closing, text))
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # type: ignore[attr-defined]
    out = HERE / "personal_annex.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    made = [
        build_report(),
        build_rectification(),
        build_followup_record(),
        build_annex(),
        *(build_letter(k) for k in ("notice", "opinion", "proposal")),
    ]
    for path in made:
        print(f"wrote {path}")
