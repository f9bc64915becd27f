"""Table columns wide enough for what they hold (read from the written .docx): in the 跟诊记录 the
header 问题编号 and a deadline 2026年12月31日 each stay on one line, the 问题 column is the widest;
in the report's landscape 整改建议 table the same for 问题编号, 领域 and 期限. At 10 pt, CJK
characters are 1 em, digits allowed 0.6 em (a wider Latin substitute font), LibreOffice adds
about a quarter em where CJK meets digits, and each cell has Word's 0.19 cm margins."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from auditdesk.services import followups, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

MARGINS = 2 * Mm(1.9)
CJK, DIGIT, GAP = Pt(10), Pt(6), Pt(2.5)
LONG_DATE = 3 * CJK + 8 * DIGIT + 5 * GAP + MARGINS  # 2026年12月31日


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    return demo_audit_with_payroll(ws, adopt=3, plan=True)


def _widths(path: Path, first_header: str, *, contains: str) -> tuple[dict[str, int], int]:
    d = docx.Document(str(path))
    for table in d.tables:
        headers = [c.text for c in table.rows[0].cells]
        if headers[0] == first_header and contains in headers:
            grid = [int(c.w) for c in table._tbl.tblGrid.gridCol_lst]
            return dict(zip(headers, grid, strict=True)), sum(grid)
    raise AssertionError(f"no table {first_header}…{contains}")


def test_the_followup_records_columns_hold_their_text(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    first = visit.list_findings(ws, audit_id)[0]
    followups.record_followup_visit(
        ws, audit_id, date.today(), [followups.VisitResult(first.id, "fixed", "已补发")]
    )
    out = reports.export(ws, audit_id, tmp_path / "f.docx", kind="followup")
    widths, total = _widths(out, "问题编号", contains="核查结果")
    section = docx.Document(str(out)).sections[0]
    assert total <= section.page_width - section.left_margin - section.right_margin
    assert widths["问题编号"] >= 4 * CJK + MARGINS
    assert widths["期限"] >= LONG_DATE
    assert widths["核查结果"] >= 6 * CJK + MARGINS  # 未核查（当前：待整改）in two lines
    assert widths["问题"] == max(widths.values())
    rows = next(
        t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "问题编号"
    ).rows
    for row in rows[1:]:  # a finding's row is never split across two pages
        assert row._tr.trPr is not None
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_reports_remedy_table_holds_its_short_columns(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx")
    widths, _ = _widths(out, "问题编号", contains="整改建议")
    assert widths["问题编号"] >= 4 * CJK + MARGINS
    assert widths["领域"] >= 4 * CJK + MARGINS  # 工作时间, 社会保险
    assert widths["期限"] >= LONG_DATE


def _text_width(text: str) -> int:
    """``text`` on one line at 10 pt, by the measures above (EMU)."""
    wide = [ord(ch) > 0x2E7F for ch in text]
    gaps = sum(1 for a, b in pairwise(wide) if a != b)
    return sum(CJK if w else DIGIT for w in wide) + gaps * GAP


ANNEX_TYPICAL = {
    "工号": ["E0051", "HR-00123"],
    "姓名": ["欧阳晓明"],
    "身份证号": ["310114199005011234", "310114********123X"],
    "出生日期/年龄": ["2026年12月31日", "当月 35 周岁"],
    "月份": ["2025年12月"],
    "问题": ["未在一个月内订立书面劳动合同"],
    "金额": ["¥12,345.67", "待核实：¥1,234.00", "待核实：¥12,345.67", "赔偿风险（二倍工资等）"],
}


def test_the_annexs_columns_hold_their_header_and_a_typical_value(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    """The 内部资料 annex on A4 landscape: every header and a typical value of its column on one
    line (the 金额 column wrapped （赔偿风险（二倍工资等））), and every line of every amount
    written for the sample payroll too."""
    for group in payroll.group_findings(payroll.check_audit(ws, audit_id)):
        payroll.adopt_group(ws, audit_id, group)
    out = reports.export(ws, audit_id, tmp_path / "a.docx", kind="annex")
    widths, total = _widths(out, "工号", contains="金额")
    section = docx.Document(str(out)).sections[0]
    assert total <= section.page_width - section.left_margin - section.right_margin
    assert set(widths) == set(ANNEX_TYPICAL)
    for header, values in ANNEX_TYPICAL.items():
        for text in (header, *values):
            assert _text_width(text) + MARGINS <= widths[header], (header, text)
    table = next(t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "工号")
    amounts = [row.cells[-1].text for row in table.rows[1:]]
    assert any("赔偿风险" in a for a in amounts)
    for cell in amounts:
        for line in cell.split("\n"):
            assert _text_width(line) + MARGINS <= widths["金额"], line


@pytest.mark.parametrize(("first", "contains"), [("规则", "月份"), ("工号", "问题")])
def test_the_reports_month_columns_hold_a_chinese_month(
    ws: Workspace, audit_id: str, tmp_path: Path, first: str, contains: str
) -> None:
    """The 工资表核查 table and 附录一 print months as 2025年7月 (they wrapped “2025年6” / “月”)."""
    out = reports.export(ws, audit_id, tmp_path / "r.docx")
    widths, total = _widths(out, first, contains=contains)
    assert total <= Mm(160) + Mm(0.5)
    for header, width in widths.items():
        assert _text_width(header) + MARGINS <= width, header
    assert _text_width("2025年12月") + MARGINS <= widths["月份"]
