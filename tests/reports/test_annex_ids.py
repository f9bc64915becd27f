"""The 内部资料 annex: an ID number whose check character is wrong is no reliable birth date, so
neither an age nor a birth date is printed from it (the rules say the same: 无法据此核对年龄);
and nowhere does a birth date stand beside a masked ID number."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt

from auditdesk.services import payroll, reports
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

BAD_CHECK = "31011519900501290X"  # E0043 in s2: the check character should be 2
_DATE = re.compile(r"(19|20)\d{2}(-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日)")


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    return demo_audit_with_payroll(ws)


def _annex_rows(path: Path) -> list[dict[str, str]]:
    table = docx.Document(str(path)).tables[0]
    headers = [c.text for c in table.rows[0].cells]
    return [dict(zip(headers, (c.text for c in r.cells), strict=True)) for r in table.rows[1:]]


@pytest.mark.parametrize("unmasked", [False, True])
def test_no_age_or_birth_date_from_an_id_with_a_wrong_check_character(
    ws: Workspace, audit_id: str, tmp_path: Path, unmasked: bool
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "annex.docx", kind="annex", unmasked=unmasked)
    rows = _annex_rows(out)
    bad = [r for r in rows if r["工号"] == "E0043"]
    assert bad, [r["工号"] for r in rows]
    for row in bad:
        assert row["出生日期/年龄"] == "待核实（身份证号校验位不符）"
        assert row["身份证号"] == (BAD_CHECK if unmasked else "310115********290X")
    grid = docx.Document(str(out)).tables[0]._tbl.tblGrid.gridCol_lst
    assert int(grid[3].w) >= 8 * Pt(10) + 2 * Mm(1.9)  # 待核实（身份证号 on one line, then the rest
    good = [r for r in rows if r["工号"] != "E0043" and r["身份证号"] != "—"]
    assert good
    for row in good:  # a valid number still gives the age (masked) or the birth date (full)
        if unmasked:
            assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", row["出生日期/年龄"]), row
        else:
            assert re.fullmatch(r"当月 \d+ 周岁", row["出生日期/年龄"]), row


def test_no_birth_date_beside_a_masked_id_in_any_document(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    for group in payroll.group_findings(payroll.check_audit(ws, audit_id)):
        payroll.adopt_group(ws, audit_id, group)
    for kind in ("annex", "report", "rectification"):
        out = reports.export(ws, audit_id, tmp_path / f"{kind}.docx", kind=kind)
        d = docx.Document(str(out))
        texts = [p.text for p in d.paragraphs]
        texts += [c.text for t in d.tables for r in t.rows for c in r.cells]
        for text in texts:
            if "********" in text:  # a masked ID number: no birth date in the same cell or line
                assert not re.search(
                    r"出生|19\d{2}-\d{2}-\d{2}|19\d{2}年\d{1,2}月\d{1,2}日", text
                ), (
                    kind,
                    text,
                )
        for table in d.tables:
            for row in table.rows:
                cells = [c.text for c in row.cells]
                if any("********" in c for c in cells):
                    assert not any(re.search(r"19\d{2}", c) and _DATE.search(c) for c in cells), (
                        kind,
                        cells,
                    )


def test_no_document_prints_a_birth_date_or_month_from_a_mistyped_number(
    ws: Workspace, tmp_path: Path
) -> None:
    """Someone past the statutory age by a number whose check character is wrong: no document
    prints the birth date, nor the month the age would have been reached (either gives the masked
    digits back), and the annex says the age is to verify."""
    from datetime import date

    from auditdesk.services import audits, demo
    from tests.builders.payroll_files import HEADER, SheetSpec, write_xlsx
    from tests.builders.payroll_rows import born

    number = born(date(1958, 4, 20))
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    line = ["E0009", "钱大海", "生产部", bad, date(2024, 3, 1), 22, 22, 3000, 300, 0, 200, 3500,
            0, 0, 3500, date(2025, 8, 10)]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx",
                      [SheetSpec("工资", [["2025年7月工资表"], list(HEADER), line], text_columns=[3])])  # fmt: skip
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [path], period="2025-07")
    for group in payroll.group_findings(payroll.check_audit(ws, aid)):
        payroll.adopt_group(ws, aid, group)
    assert any(
        "AGE.PAST_RETIREMENT" in g.ref for g in payroll.group_findings(payroll.check_audit(ws, aid))
    )
    for kind in ("annex", "report", "rectification"):
        out = reports.export(ws, aid, tmp_path / f"{kind}.docx", kind=kind)
        d = docx.Document(str(out))
        text = "\n".join([p.text for p in d.paragraphs]
                         + [c.text for t in d.tables for r in t.rows for c in r.cells])  # fmt: skip
        for leak in ("1958", "19580420", "2018-04", "2018年4月", "2018-05", "2018年5月"):
            assert leak not in text, (kind, leak)
        if kind == "annex":
            row = next(r for r in _annex_rows(out) if r["工号"] == "E0009")
            assert row["出生日期/年龄"] == "待核实（身份证号校验位不符）"
