"""整改台账: the rectification table as .xlsx for company HR to fill in (re-imported at 跟诊)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import owner_only
from auditdesk.models.finding import RectificationStatus

COLUMNS = [
    ("序号", 5), ("问题编号", 10), ("领域", 9), ("问题", 28), ("法律依据", 22), ("整改建议", 28),
    ("整改期限", 11), ("负责人", 8), ("状态", 12), ("企业整改情况", 26), ("完成日期", 11), ("备注", 12),
    ("核验结论", 12), ("核验人", 8),
]  # fmt: skip
HR_COLUMNS = {"状态", "企业整改情况", "完成日期", "备注"}
"""The columns HR fills in (yellow, unlocked); the rest are the union's and are locked: read back
only to match rows (问题编号), or left for the union's 核验结论/核验人 at the 跟诊 visit (written by
hand on the printout; in the program a verifier closes findings)."""
DATE_COLUMNS = {"整改期限", "完成日期"}
DATE_FORMAT = "yyyy-mm-dd"
UNION_COLUMNS = {"核验结论", "核验人"}
"""Left blank for the union at the 跟诊 visit (green header)."""
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _as_date(text: str) -> date | str:
    """A context date (``2026年1月31日``, as the documents print it, or ``2026-01-31``) as a
    real date; ``待定``, ``立即整改（最迟 …）`` and the like stay text."""
    found = _CN_DATE.fullmatch(text)
    try:
        if found:
            return date(*(int(x) for x in found.groups()))
        return date.fromisoformat(text)
    except ValueError:
        return text


def write_ledger(context: dict[str, Any], out: Path) -> Path:
    """Write the findings of a report context as the 整改台账 workbook (atomically): 问题编号 is
    each finding's own (``W07``), as in the report, the 整改建议书 and the 跟诊记录; the deadlines
    are the documents' (never before the ledger's date).

    Printing: A4 landscape fitted to one page wide (as many pages long as needed), the title and
    header rows repeated on every page, thin borders on every cell of the table, 第 X 页 共 Y 页.
    Dates are date cells (``yyyy-mm-dd``). The sheet is protected without a password: only HR's
    columns (:data:`HR_COLUMNS`) can be edited, so 问题编号, with which the returned workbook is
    matched to the findings, and the union's columns stay as written.

    Raises:
        AuditDeskError: ``out`` cannot be written (an existing file is left as it was).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    company = context["company"]["name"]
    ws.append([f"{company} 整改台账（{context['report']['union']}，{context['report']['date']}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([c for c, _w in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DCE6F2")
    hr_fill = PatternFill("solid", fgColor="FFF2CC")
    union_fill = PatternFill("solid", fgColor="E2EFDA")
    for i, (name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=i)
        cell.font = Font(bold=True)
        cell.fill = (
            hr_fill if name in HR_COLUMNS else union_fill if name in UNION_COLUMNS else header_fill
        )
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    for row_no, f in enumerate(context["findings"], start=1):
        ws.append([row_no, f["no"], f["area"], f["title"], f["basis"], f["remedy"],
                   _as_date(f["due"]), f["owner"], f["status"], None, None, None, None, None])  # fmt: skip
    last = max(3, ws.max_row)
    names = [c for c, _w in COLUMNS]
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=len(COLUMNS)):
        for cell in row:
            name = names[cell.column - 1]
            cell.border = BORDER
            if cell.row == 2:
                continue
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in DATE_COLUMNS:
                cell.number_format = DATE_FORMAT
            if name in HR_COLUMNS:
                cell.protection = Protection(locked=False)
                cell.fill = hr_fill
        if row[0].row > 2:
            ws.row_dimensions[row[0].row].height = _row_height(row)
    _validations(ws, names, last)
    ws.freeze_panes = "E3"
    _print_setup(ws, last)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                    selectLockedCells=False, selectUnlockedCells=False)  # fmt: skip
    tmp = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.save(tmp)
        owner_only(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AuditDeskError(f"无法写入 {out}：{exc.strerror or exc}（文件是否正在 Excel 中打开？）",
                             location=str(out)) from exc  # fmt: skip
    return out


def _text_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _row_height(row: tuple[Any, ...]) -> float:
    """Points for a row whose wrapped text fits: Excel and LibreOffice do not grow a row written
    by openpyxl, and wrapped lines would print over the next row."""
    lines = 1
    for cell, (_name, width) in zip(row, COLUMNS, strict=False):
        if isinstance(cell.value, str):
            parts = cell.value.split("\n")
            lines = max(lines, sum(-(-_text_width(p) // max(width - 1, 1)) or 1 for p in parts))
    return 15.0 * lines + 2


def _column(names: list[str], name: str) -> str:
    return str(get_column_letter(names.index(name) + 1))


def _validations(ws: Any, names: list[str], last: int) -> None:
    """A drop-down of the statuses HR may choose, and a date check on 完成日期."""
    statuses = ",".join(
        s.label for s in RectificationStatus if s is not RectificationStatus.VERIFIED_CLOSED
    )
    rule = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True,
                          showErrorMessage=True, errorTitle="状态",
                          error="请从下拉列表中选择状态；“已核验关闭”由工会跟诊核验后填写。")  # fmt: skip
    ws.add_data_validation(rule)
    status = _column(names, "状态")
    rule.add(f"{status}3:{status}{last}")
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorTitle="完成日期",
                           error="请填写日期，例如 2026-12-10。")  # fmt: skip
    ws.add_data_validation(dates)
    done = _column(names, "完成日期")
    dates.add(f"{done}3:{done}{last}")


def _print_setup(ws: Any, last: int) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as the findings need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
