"""Turn payroll files into typed rows: plan each sheet (header, mapping, pay month), then parse it.

``plan_workbook`` is what the import wizard previews and the mapping step edits; ``read_payroll``
runs the whole import (progress + cancel) and is what ``payroll inspect`` reports on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditdesk.models.payroll import (
    IDENTITY_FIELDS,
    CellProblem,
    ColumnInfo,
    ColumnMapping,
    FileReport,
    ImportResult,
    PayrollField,
    PayrollRow,
    SheetReport,
    SkippedRow,
)
from auditdesk.payroll import layout
from auditdesk.payroll.layout import Header, PeriodGuess, cell_ref, column_letter
from auditdesk.payroll.mapping import choose_fields
from auditdesk.payroll.readers import RawSheet, RawWorkbook, read_workbook
from auditdesk.payroll.values import PARSERS, CellValueError, is_empty, parse_period
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress

BATCH = 2000
_SAMPLE_ROWS = 200


@dataclass
class SheetPlan:
    """How a sheet will be read; ``note`` says why it will not be, when it will not."""

    sheet: RawSheet
    header: Header | None
    columns: list[ColumnInfo]
    period: PeriodGuess
    period_override: str | None = None
    note: str = ""

    def field_columns(self) -> dict[PayrollField, int]:
        return {c.field: c.index for c in self.columns if c.field is not None}


def _column_used(rows: list[list[Any]], start: int, col: int) -> bool:
    return any(col < len(r) and not is_empty(r[col]) for r in rows[start : start + _SAMPLE_ROWS])


def plan_sheet(
    sheet: RawSheet,
    file_name: str,
    *,
    mapping: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
    period: str | None = None,
) -> SheetPlan:
    """Find the header, choose a field per column and the sheet's pay month."""
    no_period = PeriodGuess(None, "")
    if sheet.hidden:
        return SheetPlan(sheet, None, [], no_period, period,
                         "工作表已隐藏，未导入（如需导入，请在 Excel/WPS 中取消隐藏）")  # fmt: skip
    if not any(any(not is_empty(v) for v in r) for r in sheet.rows):
        return SheetPlan(sheet, None, [], no_period, period, "空白工作表")
    extra = frozenset(
        k for m in (mapping, profile) if m is not None for k, f in m.columns.items() if f
    )
    header = layout.find_header(sheet.rows, sheet.merged, extra)
    if header is None:
        return SheetPlan(
            sheet, None, [], no_period, period,
            f"前 {layout.HEADER_SCAN_ROWS} 行中没有找到工资表的表头（至少要认出 "
            f"{layout.MIN_RECOGNISED} 个列名，如 工号、姓名、应发工资），未导入",
        )  # fmt: skip
    width = max((len(r) for r in sheet.rows), default=0)
    used = [
        c for c in range(width)
        if c in header.parts or _column_used(sheet.rows, header.first_data_row, c)
    ]  # fmt: skip
    choices = choose_fields(
        [(c, header.parts.get(c, ("",)), c in sheet.hidden_columns) for c in used],
        user=mapping,
        profile=profile,
    )
    columns = [
        ColumnInfo(
            index=c,
            column=column_letter(c),
            header=header.text(c),
            field=choices[c].field,
            confidence=choices[c].confidence,
            hidden=c in sheet.hidden_columns,
            source=choices[c].source,
        )
        for c in used
    ]
    guess = layout.sheet_period(sheet.name, sheet.rows[: header.rows[0]], file_name)
    plan = SheetPlan(sheet, header, columns, guess, period)
    fields = plan.field_columns()
    if not any(f in fields for f in IDENTITY_FIELDS):
        plan.note = "没有找到工号、姓名或身份证号列，无法识别员工，未导入；请在列映射中指定"
    elif period is None and guess.period is None and PayrollField.PERIOD not in fields:
        plan.note = (
            "无法确定工资月份：工作表名、标题和文件名中都没有年月，也没有月份列；"
            "请在导入时指定工资月份（命令行：--period YYYY-MM）"
        )
    return plan


def plan_workbook(
    workbook: RawWorkbook,
    *,
    mapping: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
    period: str | None = None,
) -> list[SheetPlan]:
    return [
        plan_sheet(s, workbook.name, mapping=mapping, profile=profile, period=period)
        for s in workbook.sheets
    ]


def parse_sheet(
    plan: SheetPlan,
    file_name: str,
    *,
    keep_rows: bool = True,
    release: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[SheetReport, list[PayrollRow]]:
    """Parse the data rows of a planned sheet. With ``release`` the raw rows are dropped as they
    are parsed, so peak memory stays near the larger of raw and typed data rather than their sum."""
    sheet = plan.sheet
    report = SheetReport(
        name=sheet.name,
        header_rows=[r + 1 for r in plan.header.rows] if plan.header else [],
        columns=plan.columns,
        note=plan.note,
    )
    if plan.note or plan.header is None:
        return report, []
    header = plan.header
    fields = plan.field_columns()
    identity_cols = [fields[f] for f in IDENTITY_FIELDS if f in fields]
    parsers = [
        (c, f.value, PARSERS[f.kind], f) for f, c in fields.items() if f is not PayrollField.PERIOD
    ]
    period_col = fields.get(PayrollField.PERIOD) if plan.period_override is None else None
    fixed_period = plan.period_override or plan.period.period
    rows = sheet.rows
    total = len(rows) - header.first_data_row
    skipped: list[SkippedRow] = []
    problems: list[CellProblem] = []
    out: list[PayrollRow] = []
    periods: set[str] = set()
    count = 0
    name = sheet.name
    for r in range(header.first_data_row, len(rows)):
        if (r - header.first_data_row) % BATCH == 0:
            check_cancel(cancel)
            progress(r - header.first_data_row, total, f"{file_name} · {name}")
        row = rows[r]
        if release:
            rows[r] = []
        if layout.needs_classification(row, identity_cols, header):
            reason = layout.classify_row(row, header, identity_cols)
            if reason is not None:
                text = " ".join(str(v).strip() for v in row if not is_empty(v))[:60]
                skipped.append(SkippedRow(row=r + 1, reason=reason, text=text))
                continue
        values: dict[str, Any] = {}
        width = len(row)
        for c, key, parse, field in parsers:
            if c >= width:
                continue
            raw = row[c]
            if raw == "" or raw is None:
                continue
            try:
                value = parse(raw)
            except CellValueError as exc:
                problems.append(CellProblem(file=file_name, sheet=name, cell=cell_ref(r, c),
                                            value=str(raw)[:80], reason=exc.reason, field=field))  # fmt: skip
                continue
            if value is not None:
                values[key] = value
        row_period = fixed_period
        if period_col is not None and period_col < width and not is_empty(row[period_col]):
            try:
                row_period = parse_period(row[period_col])
            except CellValueError as exc:
                problems.append(
                    CellProblem(file=file_name, sheet=name, cell=cell_ref(r, period_col),
                                value=str(row[period_col])[:80], reason=exc.reason,
                                field=PayrollField.PERIOD)
                )  # fmt: skip
        if row_period is None:
            problems.append(
                CellProblem(
                    file=file_name, sheet=name,
                    cell=cell_ref(r, period_col if period_col is not None else 0),
                    value="", reason="无法确定该行的工资月份，此行未导入",
                    field=PayrollField.PERIOD,
                )
            )  # fmt: skip
            continue
        count += 1
        periods.add(row_period)
        if keep_rows:
            out.append(
                PayrollRow(
                    source_file=file_name, source_sheet=name, source_row=r + 1,
                    period=row_period, **values,
                )
            )  # fmt: skip
    progress(total, total, f"{file_name} · {name}")
    source = "工资月份列" if period_col is not None else plan.period.source
    if plan.period_override:
        source = "导入时指定"
    report = report.model_copy(
        update={
            "periods": sorted(periods),
            "period_source": source,
            "data_rows": count,
            "skipped_rows": skipped,
            "problems": problems,
        }
    )
    return report, out


def read_payroll(
    paths: Sequence[Path],
    *,
    mapping: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
    period: str | None = None,
    keep_rows: bool = True,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Read and parse every sheet of every file.

    Args:
        paths: payroll files (.xlsx, .xlsm, .xls, .ods, .csv).
        mapping: a user-confirmed mapping (wins over everything else).
        profile: the company's saved mapping profile.
        period: ``YYYY-MM`` to use for every row, overriding what the files say.
        keep_rows: ``False`` for inspect, which needs only the reports.

    Raises:
        AuditDeskError: a file cannot be read at all (names the file); nothing is returned then.
            Sheets that cannot be imported are reported in their ``note`` instead.
        Cancelled: ``cancel`` was set.
    """
    files: list[FileReport] = []
    rows: list[PayrollRow] = []
    for i, path in enumerate(paths):
        check_cancel(cancel)
        progress(0, 1, f"读取 {path.name}（{i + 1}/{len(paths)}）")
        workbook = read_workbook(path)
        plans = plan_workbook(workbook, mapping=mapping, profile=profile, period=period)
        sheets: list[SheetReport] = []
        for plan in plans:
            report, parsed = parse_sheet(plan, workbook.name, keep_rows=keep_rows, release=True,
                                         progress=progress, cancel=cancel)  # fmt: skip
            plan.sheet.rows = []
            sheets.append(report)
            rows.extend(parsed)
        files.append(
            FileReport(file=workbook.name, path=str(path), format=workbook.format,
                       encoding=workbook.encoding, sha256=workbook.sha256, sheets=sheets)
        )  # fmt: skip
        del workbook, plans
    return ImportResult(files=files, rows=rows)
