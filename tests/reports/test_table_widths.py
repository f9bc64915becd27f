"""Table columns wide enough for what they hold (read from the written .docx): in the 跟诊记录 the
header 问题编号 and a deadline 2026年12月31日 each stay on one line, the 问题 column is the widest;
in the report's landscape 整改建议 table the same for 问题编号, 领域 and 期限. At 10 pt, CJK
characters are 1 em, digits allowed 0.6 em (a wider Latin substitute font), LibreOffice adds
about a quarter em where CJK meets digits, and each cell has Word's 0.19 cm margins."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from auditdesk.services import followups, reports, visit
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
