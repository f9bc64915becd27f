"""The 整改台账 prints: landscape, one page wide, header repeated, borders, HR's columns the only
editable ones, dates as date cells — all read back with openpyxl."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from auditdesk.reports.context import build_context
from auditdesk.reports.ledger import COLUMNS, HR_COLUMNS, write_ledger
from auditdesk.reports.variables import specimen


@pytest.fixture
def sheet(tmp_path: Path) -> Any:
    data = specimen()
    first = data.findings[0]
    undated = first.model_copy(update={"id": "F2" + first.id[2:], "title": "无期限的问题",
                                       "due_date": None})  # fmt: skip
    data.findings = [first, undated]
    out = write_ledger(build_context(data, "rectification"), tmp_path / "整改台账.xlsx")
    return openpyxl.load_workbook(out).active


def test_page_setup_landscape_fitted_to_width_with_repeated_header(sheet: Any) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.print_area == f"'整改台账'!$A$1:${chr(64 + len(COLUMNS))}$4"
    assert "&P" in sheet.oddFooter.center.text
    assert "&N" in sheet.oddFooter.center.text


def test_every_table_cell_has_thin_borders(sheet: Any) -> None:
    cells = [c for row in sheet.iter_rows(min_row=2, max_row=4, max_col=len(COLUMNS)) for c in row]
    assert len(cells) == 3 * len(COLUMNS)
    for cell in cells:
        for side in (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom):
            assert side.style == "thin", cell.coordinate


def test_only_hr_columns_are_editable(sheet: Any) -> None:
    assert sheet.protection.sheet is True
    assert not sheet.protection.password  # anyone may unprotect it; it guards against slips
    header = [c.value for c in sheet[2]]
    assert header[-2:] == ["核验结论", "核验人"]
    for row in sheet.iter_rows(min_row=3, max_row=4, max_col=len(COLUMNS)):
        for name, cell in zip(header, row, strict=True):
            assert cell.protection.locked is (name not in HR_COLUMNS), (name, cell.coordinate)
    assert {h for h in header if h in HR_COLUMNS} == {"状态", "企业整改情况", "完成日期", "备注"}


def test_dates_are_date_cells(sheet: Any) -> None:
    header = [c.value for c in sheet[2]]
    due = header.index("整改期限") + 1
    done = header.index("完成日期") + 1
    cell = sheet.cell(row=3, column=due)
    assert isinstance(cell.value, datetime)
    assert cell.value.date() == specimen().findings[0].due_date
    assert cell.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=4, column=due).value == "待定"
    assert sheet.cell(row=3, column=done).number_format == "yyyy-mm-dd"
    ranges = {str(v.sqref): v.type for v in sheet.data_validations.dataValidation}
    letter = chr(64 + done)
    assert ranges[f"{letter}3:{letter}4"] == "date"
