"""The report's layout, read back from the written .docx with python-docx: 目录, summary, indents,
keep-with-next, the landscape remedies section, table widths, heading numbering, the law list."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from auditdesk.models.common import Area
from auditdesk.models.finding import Citation, Finding, FindingOrigin, MoneyKind, Severity
from auditdesk.reports.laws import LAWS, Level, chinese_number, law_list, merge_articles
from auditdesk.reports.summary import chinese_numeral, top_risks
from auditdesk.services import audits, demo, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def report(ws: Workspace, tmp_path: Path) -> Path:
    """The demo audit with two payroll samples imported and every finding adopted."""
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [SAMPLES / "s1-simple.xlsx", SAMPLES / "s3-gbk.csv"])
    visit.gather_findings(ws, aid, by="陈静")
    for group in payroll.group_findings(payroll.check_audit(ws, aid)):
        payroll.adopt_group(ws, aid, group)
    reports.export(ws, aid, tmp_path / "整改建议书.docx", kind="rectification")
    return reports.export(ws, aid, tmp_path / "报告.docx")


def _style_value(para: Paragraph, attr: str) -> object:
    """A paragraph-format value, from the paragraph or else its style chain."""
    value = getattr(para.paragraph_format, attr)
    style = para.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attr)
        style = style.base_style
    return value


def _headings(d: Document) -> list[Paragraph]:
    return [p for p in d.paragraphs if p.style.name.startswith("Heading") and p.text.strip()]


def _after(d: Document, start: str, stop: str) -> list[str]:
    texts = [p.text for p in d.paragraphs]
    i = texts.index(start)
    j = texts.index(stop, i)
    return [t for t in texts[i + 1 : j] if t.strip()]


def _sections_of_tables(d: Document) -> list[tuple[int, int]]:
    """(table index, section index) for every table, walking the body in order."""
    out, section, table = [], 0, 0
    for el in d.element.body.iterchildren():
        if el.tag == f"{W}tbl":
            out.append((table, section))
            table += 1
        elif el.tag == f"{W}p" and el.find(f"{W}pPr/{W}sectPr") is not None:
            section += 1
    return out


def test_toc_field_and_update_on_open(report: Path) -> None:
    with zipfile.ZipFile(report) as zf:
        document = zf.read("word/document.xml").decode()
        settings = zf.read("word/settings.xml").decode()
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', document)
    assert '<w:updateFields w:val="true"/>' in settings
    d = docx.Document(str(report))
    assert "目　录" in [p.text for p in d.paragraphs[:12]]
    levels = {
        name: d.styles[name].element.pPr.find(f"{W}outlineLvl").get(f"{W}val")
        for name in ("Heading 1", "Heading 2", "Heading 3")
    }
    assert levels == {"Heading 1": "0", "Heading 2": "1", "Heading 3": "2"}
    names = [p.text for p in _headings(d)]
    assert names[:2] == ["摘　要", "一、体检概况"]


def test_executive_summary_ranks_top_risks(report: Path) -> None:
    d = docx.Document(str(report))
    lines = _after(d, "摘　要", "一、体检概况")
    ranked = [t for t in lines if re.match(r"^\d+．【", t)]
    assert 1 <= len(ranked) <= 5
    order = {s.label: s.rank for s in Severity}
    ranks = [order[re.match(r"^\d+．【(.+?)】", t).group(1)] for t in ranked]  # type: ignore[union-attr]
    assert ranks == sorted(ranks)
    for n, t in enumerate(ranked, start=1):
        assert t.startswith(f"{n}．")
        assert re.search(r"见问题 W\d+）$", t)
    assert any(t.startswith("共发现问题") and "不可相加" in t for t in lines)


def _finding(severity: Severity, kind: MoneyKind | None, amount: str | None, title: str) -> Finding:
    return Finding(
        audit_id="a", origin=FindingOrigin.PAYROLL, origin_ref="R", area=Area.PAY,
        severity=severity, title=title, money_kind=kind,
        money_at_stake=Decimal(amount) if amount else None,
    )  # fmt: skip


def test_top_risks_severity_then_money_within_a_kind() -> None:
    found = [
        _finding(Severity.HIGH, MoneyKind.CONTRIBUTIONS_OWED, "5000", "社保"),
        _finding(Severity.HIGH, MoneyKind.WAGES_OWED, "100", "工资少"),
        _finding(Severity.MEDIUM, MoneyKind.WAGES_OWED, "90000", "中等"),
        _finding(Severity.CRITICAL, None, None, "童工"),
        _finding(Severity.HIGH, MoneyKind.WAGES_OWED, "200", "工资多"),
        _finding(Severity.HIGH, None, None, "无金额"),
    ]
    top = top_risks(list(enumerate(found, start=1)), limit=5)
    # 应补缴社保 5,000 is not "more" than 应补发工资 200: unlike kinds are never compared by amount
    assert [r["title"] for r in top] == ["童工", "工资多", "工资少", "社保", "无金额"]
    assert [r["no"] for r in top] == [4, 5, 2, 1, 6]
    assert top[1]["money"] == "应补发工资约 ¥200.00"


def test_body_text_has_first_line_indent(report: Path) -> None:
    d = docx.Document(str(report))
    body = [p for p in d.paragraphs if p.text.startswith(("事实：", "整改建议：", "本次体检为"))]
    assert len(body) > 10
    for para in body:
        indent = _style_value(para, "first_line_indent")
        assert indent is not None, para.text[:20]
        assert indent >= Pt(20), para.text[:20]
    with zipfile.ZipFile(report) as zf:
        assert 'w:firstLineChars="200"' in zf.read("word/styles.xml").decode()
    cells = [p for t in d.tables for c in t.rows[0].cells for p in c.paragraphs]
    assert all(not _style_value(p, "first_line_indent") for p in cells)


def test_headings_keep_with_next(report: Path) -> None:
    d = docx.Document(str(report))
    paras = d.paragraphs
    findings = 0
    for i, para in enumerate(paras):
        if para.style.name.startswith("Heading") and para.text.strip():
            assert _style_value(para, "keep_with_next") is True, para.text
        if para.text.startswith("问题 "):
            # the severity stands in the heading's own paragraph (after a line break): LibreOffice
            # follows only the last link of a keep-with-next chain, and left a finding's heading
            # alone at the foot of a page when the severity was a paragraph of its own
            findings += 1
            _title, severity = para.text.split("\n")
            assert severity.startswith("严重程度：【"), para.text
            assert paras[i + 1].text.startswith("事实：")
    assert findings > 5


def test_remedies_table_in_a_landscape_section(report: Path) -> None:
    d = docx.Document(str(report))
    tables = dict(_sections_of_tables(d))
    remedies = next(i for i, t in enumerate(d.tables) if t.rows[0].cells[4].text == "整改建议")
    section = d.sections[tables[remedies]]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert d.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert d.sections[-1].orientation == WD_ORIENT.PORTRAIT  # 说明, signatures, appendix
    assert d.sections[-1].page_width < d.sections[-1].page_height


@pytest.mark.parametrize("name", ["报告.docx", "整改建议书.docx"])
def test_no_table_wider_than_the_text(report: Path, name: str) -> None:
    d = docx.Document(str(report.with_name(name)))
    for table, section_no in _sections_of_tables(d):
        section = d.sections[section_no]
        room = section.page_width - section.left_margin - section.right_margin
        grid = d.tables[table]._tbl.tblGrid.gridCol_lst
        width = sum(int(col.w) for col in grid)
        assert width <= room + Mm(0.5), (d.tables[table].rows[0].cells[0].text, width, room)


def test_score_table_area_names_fit_on_one_line(report: Path) -> None:
    """The 总体评价 table's 领域 column holds the longest area name (特殊时期用工调整, 8 characters
    at the 10 pt cell size) on one line: 8 x 10 pt plus Word's default 0.19 cm cell margins."""
    d = docx.Document(str(report))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "领域")
    first = int(table._tbl.tblGrid.gridCol_lst[0].w)
    longest = max(len(area.label) for area in Area)
    assert longest == 8
    assert first >= Pt(10) * longest + 2 * Mm(1.9), (first, Pt(10) * longest + 2 * Mm(1.9))


def test_numbering_never_reads_like_2_1(report: Path) -> None:
    d = docx.Document(str(report))
    headings = [p.text for p in _headings(d)]
    assert not [h for h in headings if re.match(r"^\d+\s*[.．]", h)]
    areas = [p.text for p in _headings(d) if p.style.name == "Heading 2"]
    assert "（一）体检范围与方式" in areas
    numbered = [
        h
        for h in areas
        if h.startswith("（") and h not in ("（一）体检范围与方式", "（二）体检依据")
    ]
    assert [re.match(r"^（(.+?)）", h).group(1) for h in numbered] == [  # type: ignore[union-attr]
        chinese_numeral(n) for n in range(1, len(numbered) + 1)
    ]
    findings = [p.text for p in _headings(d) if p.style.name == "Heading 3"]
    assert findings
    assert all(re.match(r"^问题 W\d+：", h) for h in findings)
    # a title starting with a digit ("1 名员工…") no longer follows a bare "N. "
    assert any(re.match(r"^问题 W\d+：\d", h) for h in findings)


def test_law_list_merged_sorted_and_titled(report: Path) -> None:
    d = docx.Document(str(report))
    lines = _after(d, "（二）体检依据", "二、总体评价")[1:]
    assert lines
    for n, line in enumerate(lines, start=1):
        assert line.startswith(f"{n}．")
    text = "\n".join(lines)
    assert "《中华人民共和国劳动合同法》（以下简称《劳动合同法》）" in text
    assert text.count("劳动合同法》（以下简称") == 1
    full = "\n".join(p.text for p in d.paragraphs) + "".join(
        c.text for t in d.tables for r in t.rows for c in r.cells
    )
    assert "《中华人民共和国劳动合同法》" not in full.replace(text, "")  # short name elsewhere
    for name, law in LAWS.items():
        if not law.titled:
            assert f"《{name}" not in full
    for line in lines:
        articles = [
            chinese_number(m)
            for m in re.findall(r"(?<![款项至])第([一二三四五六七八九十百零]+)条", line)
        ]
        assert articles == sorted(articles), line
    assert "《工资支付暂行规定》（劳部发〔1994〕489号）" in text or "工资支付暂行规定" not in text
    levels = [_level(line) for line in lines]
    assert levels == sorted(levels)
    assert levels[0] == Level.LAW


def _level(line: str) -> Level:
    found = [law.level for name, law in LAWS.items()
             if (f"《{law.full}》" in line if law.titled and not law.display else name in line)]  # fmt: skip
    return min(found, default=Level.OTHER)


def test_merge_articles_by_hand() -> None:
    assert merge_articles(["第三十八条", "第八条"]) == ("第八条、第三十八条", [])
    assert merge_articles(["第十六条至第十八条", "第十六条、第十八条", "第十五条"])[0] == (
        "第十五条、第十六条至第十八条"
    )
    assert (
        merge_articles(["第四十四条第二项、第三项", "第四十条"])[0]
        == "第四十条、第四十四条第二项、第三项"
    )
    assert merge_articles(["第五十条第一款", "第五十条"])[0] == "第五十条"
    assert merge_articles(["第四条、第五条（劳部发〔1994〕503 号）"]) == (
        "第四条、第五条",
        ["劳部发〔1994〕503号"],
    )
    assert chinese_number("一百零二") == 102
    assert chinese_number("十") == 10


def test_law_list_by_hand() -> None:
    rows = law_list([
        Citation(law="上海市最低工资标准调整通知", article="（历年调整文件所列扣除项目）"),
        Citation(law="工资支付暂行规定", article="第七条"),
        Citation(law="劳动合同法", article="第三十八条"),
        Citation(law="劳动法", article="第四十四条"),
        Citation(law="劳动合同法", article="第八条"),
    ])  # fmt: skip
    assert [r["line"] for r in rows] == [
        "《中华人民共和国劳动合同法》（以下简称《劳动合同法》）第八条、第三十八条",
        "《中华人民共和国劳动法》（以下简称《劳动法》）第四十四条",
        "《工资支付暂行规定》（劳部发〔1994〕489号）第七条",
        "上海市最低工资标准调整通知（历年调整文件所列扣除项目）",
    ]


def test_rectification_per_finding_blocks(report: Path) -> None:
    d = docx.Document(str(report.with_name("整改建议书.docx")))
    assert d.tables == []
    paras = d.paragraphs
    heads = [i for i, p in enumerate(paras) if re.match(r"^问题 W\d+：", p.text)]
    assert len(heads) > 5
    for i in heads:
        assert _style_value(paras[i], "keep_with_next") is True
        assert [paras[i + k].text[:5] for k in (1, 2, 3)] == [
            "法律依据：",
            "整改建议：",
            "整改期限：",
        ]
        assert _style_value(paras[i + 1], "first_line_indent") >= Pt(20)  # type: ignore[operator]
