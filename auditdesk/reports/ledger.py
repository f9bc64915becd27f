"""整改台账: the rectification table as .xlsx for company HR to fill in (re-imported at 跟诊)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import owner_only
from auditdesk.models.finding import RectificationStatus

COLUMNS = [
    ("序号", 6), ("问题编号", 12), ("领域", 12), ("问题", 40), ("法律依据", 32), ("整改建议", 40),
    ("整改期限", 12), ("负责人", 12), ("状态", 14), ("企业整改情况", 40), ("完成日期", 12), ("备注", 20),
]  # fmt: skip
HR_COLUMNS = {"状态", "企业整改情况", "完成日期", "备注"}
"""The columns HR fills in; the rest are ours and are read back only to match rows."""


def write_ledger(context: dict[str, Any], out: Path) -> Path:
    """Write the findings of a report context as the 整改台账 workbook (atomically)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    company = context["company"]["name"]
    ws.append([f"{company} 整改台账（{context['report']['union']}，{context['report']['date']}）"])
    ws.append([c for c, _w in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DCE6F2")
    hr_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, (name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=i)
        cell.font = Font(bold=True)
        cell.fill = hr_fill if name in HR_COLUMNS else header_fill
        ws.column_dimensions[cell.column_letter].width = width
    for f in context["findings"]:
        ws.append([f["no"], f["ref"], f["area"], f["title"], f["basis"], f["remedy"], f["due"],
                   f["owner"], f["status"], "", "", ""])  # fmt: skip
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    statuses = ",".join(
        s.label for s in RectificationStatus if s is not RectificationStatus.VERIFIED_CLOSED
    )
    rule = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    ws.add_data_validation(rule)
    rule.add(f"I3:I{max(3, ws.max_row)}")
    ws.freeze_panes = "E3"
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
