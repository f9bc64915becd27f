"""Turn payroll files into typed rows: plan each sheet (header, mapping, pay month), then parse it.

``plan_workbook`` is what the import wizard previews and the mapping step edits; ``read_payroll``
runs the whole import (progress + cancel) and is what ``payroll inspect`` reports on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, repeat
from operator import mul, sub
from pathlib import Path
from typing import Any

from auditdesk.errors import AuditDeskError
from auditdesk.models.payroll import (
    IDENTITY_FIELDS,
    CellProblem,
    ColumnInfo,
    ColumnMapping,
    FieldKind,
    FileReport,
    ImportResult,
    PayrollField,
    PayrollRow,
    SheetReport,
    SkippedRow,
    SkipReason,
)
from auditdesk.payroll import layout
from auditdesk.payroll.layout import Header, PeriodGuess, cell_ref, column_letter
from auditdesk.payroll.mapping import choose_fields
from auditdesk.payroll.readers import RawSheet, RawWorkbook, read_workbook
from auditdesk.payroll.values import PARSERS, CellValueError, find_period, is_empty
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress, paused_gc

BATCH = 2000
_SAMPLE_ROWS = 200
_MEMO_LIMIT = 200_000


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

    def skipped(self) -> dict[int, SkipReason]:
        """Rows (0-based, as in ``sheet.rows``) the import will skip, with the reason; for previews."""
        if self.header is None:
            return {}
        fields = self.field_columns()
        identity_cols = [fields[f] for f in IDENTITY_FIELDS if f in fields]
        first = self.header.first_data_row
        width = max((len(r) for r in self.sheet.rows), default=0)
        data = [r if len(r) == width else [*r, *([""] * (width - len(r)))]
                for r in self.sheet.rows[first:]]  # fmt: skip
        return {
            first + i: reason for i, reason in _classify(data, self.header, identity_cols).items()
        }


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


class _Memo(dict[Any, Any]):
    """Parse each distinct raw value of a column once (payroll columns repeat a lot: 0, 22 days,
    a 300-yuan allowance). Failures are remembered as the exception."""

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        super().__init__()
        self.parse = parse
        self.failed = False

    def __missing__(self, raw: Any) -> Any:
        try:
            value = self.parse(raw)
        except CellValueError as exc:
            value = exc
            self.failed = True
        if len(self) < _MEMO_LIMIT:
            self[raw] = value
        return value


class _NumberMemo(_Memo):
    """The same for money, hours and days, with the common case — a float in whole cents, which
    is what Excel holds for nearly every amount — converted inline (see values.parse_money)."""

    def __missing__(self, raw: Any) -> Any:
        if type(raw) is float and -1e13 < raw < 1e13:
            if raw.is_integer():
                value: Any = Decimal(int(raw))
            else:
                cents = round(raw * 100)
                if abs(raw * 100 - cents) < 1e-6:
                    value = Decimal(cents).scaleb(-2)
                else:
                    return super().__missing__(raw)
            if len(self) < _MEMO_LIMIT:
                self[raw] = value
            return value
        return super().__missing__(raw)


_CENT = Decimal("0.01")


def _whole_cents(raw: Sequence[Any], types: set[type]) -> list[Decimal] | None:
    """A money column of mostly distinct floats, all in whole cents, converted without a Python
    call per cell; ``None`` when the column needs the cell-by-cell path (text, blanks, repeated
    values that the memo shares, sub-cent amounts, huge numbers)."""
    if not raw or types != {float} or len(set(raw)) * 4 < len(raw):
        return None
    scaled = [v * 100 for v in raw]
    try:
        cents = list(map(round, scaled))
    except (ValueError, OverflowError):  # NaN or infinity: let the cell parser report it
        return None
    if max(map(abs, map(sub, scaled, cents))) >= 1e-6 or max(map(abs, cents)) >= 10**15:
        return None
    return list(map(mul, map(Decimal, cents), repeat(_CENT)))


def _memo_for(field: PayrollField) -> _Memo:
    parse = PARSERS[field.kind]
    if field.kind in (FieldKind.MONEY, FieldKind.NUMBER):
        return _NumberMemo(parse)
    return _Memo(parse)


def _without_booleans(col: Sequence[Any], types: set[type]) -> Sequence[Any]:
    # True == 1 == 1.0 share a dict key; booleans (never payroll values) must not borrow a number's
    # parse, so they are turned into text first.
    if bool in types:
        return [("TRUE" if v else "FALSE") if type(v) is bool else v for v in col]
    return col


def _classify(
    data: list[list[Any]], header: Header, identity_cols: list[int]
) -> dict[int, SkipReason]:
    """Skip reasons by index into ``data``. A row whose first identity cell holds an ordinary value
    is a data row; only the others are examined closely (小计, 合计, 制表…, blank)."""
    if not identity_cols:
        return {}

    def ordinary(v: Any, c: int) -> bool:
        if v is None or v == "":
            return False
        if type(v) is not str:
            return True
        return not layout.looks_like_label(v) and v.strip() not in header.parts.get(c, ())

    first_col = identity_cols[0]
    reasons: dict[int, SkipReason] = {}
    for i, row in enumerate(data):
        if ordinary(row[first_col], first_col):
            continue
        if any(ordinary(row[c], c) for c in identity_cols[1:]):
            continue  # another identity cell names the employee
        reason = layout.classify_row(row, header, identity_cols)
        if reason is not None:
            reasons[i] = reason
    return reasons


def parse_sheet(
    plan: SheetPlan,
    file_name: str,
    *,
    keep_rows: bool = True,
    release: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[SheetReport, list[PayrollRow]]:
    """Parse the data rows of a planned sheet, column by column.

    Each column's distinct values are parsed once; rows are assembled at the end. With
    ``release`` the sheet's raw rows are dropped once copied, so peak memory stays near the larger
    of raw and typed data rather than their sum.
    """
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
    first = header.first_data_row
    fields = plan.field_columns()
    identity_cols = [fields[f] for f in IDENTITY_FIELDS if f in fields]
    width = max((len(r) for r in sheet.rows), default=0)
    data = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in sheet.rows[first:]]
    if release:
        sheet.rows = sheet.rows[:first]
    n = len(data)
    name = sheet.name
    steps = len(fields) + 2
    progress(0, steps, f"{file_name} · {name}")
    skip = _classify(data, header, identity_cols)
    skipped = [
        SkippedRow(row=first + i + 1, reason=reason, text=_row_text(data[i]))
        for i, reason in sorted(skip.items())
    ]
    wanted = sorted(set(fields.values()))
    all_columns = list(zip(*data, strict=True)) if data else [()] * width
    transposed = {c: all_columns[c] for c in wanted}
    del all_columns
    del data
    problems: list[tuple[int, int, CellProblem]] = []
    parsed_by_field: dict[PayrollField, list[Any]] = {}
    for step, (field, c) in enumerate(fields.items(), start=1):
        check_cancel(cancel)
        types = set(map(type, transposed[c]))
        raw = _without_booleans(transposed[c], types)
        memo = _memo_for(field)
        fast = _whole_cents(raw, types) if field.kind is FieldKind.MONEY else None
        parsed = fast if fast is not None else list(map(memo.__getitem__, raw))
        if memo.failed:
            for i, v in enumerate(parsed):
                if type(v) is CellValueError and i not in skip:
                    problems.append((i, c, CellProblem(
                        file=file_name, sheet=name, cell=cell_ref(first + i, c),
                        value=str(raw[i])[:80], reason=v.reason, field=field,
                    )))  # fmt: skip
            parsed = [None if type(v) is CellValueError else v for v in parsed]
        parsed_by_field[field] = parsed
        del raw, memo
        progress(step, steps, f"{file_name} · {name}")
    del transposed
    check_cancel(cancel)
    period_col = fields.get(PayrollField.PERIOD) if plan.period_override is None else None
    fixed_period = plan.period_override or plan.period.period
    from_column = parsed_by_field.pop(PayrollField.PERIOD, None)
    if period_col is not None and from_column is not None:
        row_periods = [p if p is not None else fixed_period for p in from_column]
    else:
        row_periods = [fixed_period] * n
    keep = [i not in skip for i in range(n)]
    for i, p in enumerate(row_periods):
        if p is None and keep[i]:
            keep[i] = False
            c = period_col if period_col is not None else 0
            problems.append((i, c, CellProblem(
                file=file_name, sheet=name, cell=cell_ref(first + i, c), value="",
                reason="无法确定该行的工资月份，此行未导入", field=PayrollField.PERIOD,
            )))  # fmt: skip
    count = sum(keep)
    periods = {p for p, k in zip(row_periods, keep, strict=True) if k and p is not None}
    out: list[PayrollRow] = []
    if keep_rows:
        template: dict[str, Any] = dict.fromkeys(_ROW_FIELDS)
        template.update(source_file=file_name, source_sheet=name)
        keys = ["source_row", "period", *(f.value for f in parsed_by_field)]
        varying = [range(first + 1, first + 1 + n), row_periods, *parsed_by_field.values()]
        # map() keeps the per-row work in C: copy the template (a presized dict, cheaper than
        # building one), then write the kept row's values into it.
        records = list(map(dict.copy, repeat(template, count)))
        updates = map(zip, repeat(keys), compress(zip(*varying), keep))  # noqa: B905
        deque(map(dict.update, records, updates), maxlen=0)
        out = list(map(_trusted_row, records))
    progress(steps, steps, f"{file_name} · {name}")
    source = "工资月份列" if period_col is not None else plan.period.source
    if plan.period_override:
        source = "导入时指定"
    problems.sort(key=lambda p: (p[0], p[1]))
    report = report.model_copy(
        update={
            "periods": sorted(periods),
            "period_source": source,
            "data_rows": count,
            "skipped_rows": skipped,
            "problems": [p for _, _, p in problems],
        }
    )
    return report, out


def _row_text(row: list[Any]) -> str:
    return " ".join(str(v).strip() for v in row if not is_empty(v))[:60]


_ROW_FIELDS = tuple(PayrollRow.model_fields)
_ALL_FIELDS_SET = set(_ROW_FIELDS)
"""Shared by every trusted row: 60,000 copies of a 35-name set would cost more memory than the
rows' values. Frozen models never add to it, and ``model_copy`` copies it before changing it."""


def _trusted_row(values: dict[str, Any]) -> PayrollRow:
    """Build a row from values the parsers have already typed and checked.

    Validating 60,000 rows through pydantic would cost more than reading the workbook; this is
    what ``model_construct`` does, without its per-field Python loop. ``values`` must hold every
    field (the importer starts from a template of ``None``). Tests compare the result with a
    validated row.
    """
    row = object.__new__(PayrollRow)
    object.__setattr__(row, "__dict__", values)
    object.__setattr__(row, "__pydantic_fields_set__", _ALL_FIELDS_SET)
    object.__setattr__(row, "__pydantic_extra__", None)
    object.__setattr__(row, "__pydantic_private__", None)
    return row


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
    if period is not None and find_period(period) != period:
        raise AuditDeskError(f"“{period}”不是有效的工资月份，应为 YYYY-MM，如 2025-07")
    with paused_gc():
        return _read_payroll(paths, mapping, profile, period, keep_rows, progress, cancel)


def _read_payroll(
    paths: Sequence[Path],
    mapping: ColumnMapping | None,
    profile: ColumnMapping | None,
    period: str | None,
    keep_rows: bool,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> ImportResult:
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
