"""Turn payroll files into typed rows: plan each sheet (header, mapping, pay month), then parse it.

``plan_workbook`` is what the import wizard previews and the mapping step edits; ``read_payroll``
runs the whole import (progress + cancel) and is what ``payroll inspect`` reports on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import itemgetter, mul, sub
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
from auditdesk.payroll import layout, values
from auditdesk.payroll.layout import Header, PeriodGuess, cell_ref, column_letter
from auditdesk.payroll.mapping import (
    ColumnChoice,
    MappingSource,
    choose_fields,
    is_overtime_part,
    looks_like_money_header,
    looks_like_rate,
    lost_tie,
    names_grand_total,
)
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
    needs_period: bool = False
    """The sheet has a header and employees but no pay month: counted, not imported."""
    day_columns: tuple[int, ...] = ()
    """Overtime columns counted in days, converted at 8 hours a day."""
    unmapped_money: list[str] = dataclass_field(default_factory=list)
    """Columns of amounts that no field was chosen for (``C 请假扣款``)."""
    money_units: dict[int, str] = dataclass_field(default_factory=dict)
    """Money columns written in 万元 or 千元 (by column index), converted to yuan."""
    year: layout.YearHint | None = None
    """The year(s) the sheet names and where, for a 月份 column written without one (``7月``)."""
    summed: dict[PayrollField, tuple[int, ...]] = dataclass_field(default_factory=dict)
    """Columns added into a field's own column, row by row (``休息日加班费`` and ``节假日加班费``
    into the ``工作日加班费`` column that holds the overtime pay)."""
    own_months: tuple[str, ...] = ()
    """With a month given at import: the months the sheet itself names (its 月份 column's, else
    its own pay month), to tell whether that month would file several months under one."""
    period_fill: str | None = None
    """The month given at import, for the rows of a 月份 column left blank, when the column's
    own months are kept (``yield_period``)."""
    period_remark: str = ""
    """What became of the month given at import on this sheet, when it differs from the sheet's."""

    def field_columns(self) -> dict[PayrollField, int]:
        return {c.field: c.index for c in self.columns if c.field is not None}

    def skipped(self) -> dict[int, SkipReason]:
        """Rows (0-based, as in ``sheet.rows``) the import will skip, with the reason; for previews."""
        if self.header is None:
            return {}
        fields = self.field_columns()
        identity_cols = [fields[f] for f in IDENTITY_FIELDS if f in fields]
        first = self.header.first_data_row
        width = max(map(len, self.sheet.rows), default=0)
        data = [r if len(r) == width else [*r, *([""] * (width - len(r)))]
                for r in self.sheet.rows[first:]]  # fmt: skip
        period = self.period_override or self.period.period
        return {
            first + i: reason
            for i, reason in _classify(data, self.header, identity_cols, period).items()
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
    accept_guesses: bool = False,
) -> SheetPlan:
    """Find the header, choose a field per column and the sheet's pay month.

    ``accept_guesses`` uses fields guessed below ``mapping.GUESS_THRESHOLD`` without confirmation
    (``payroll … --accept-guesses``); otherwise they are shown and left out.
    """
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
    width = max(map(len, sheet.rows), default=0)
    used = [
        c for c in range(width)
        if c in header.parts or _column_used(sheet.rows, header.first_data_row, c)
    ]  # fmt: skip
    headers = [(c, header.parts.get(c, ("",)), c in sheet.hidden_columns) for c in used]
    choices = choose_fields(headers, user=mapping, profile=profile)
    choices = _without_row_counter(choices, headers, sheet.rows, header, mapping, profile)
    guess = layout.sheet_period(sheet.name, sheet.rows[: header.rows[0]], file_name)
    sample = _table_sample(sheet.rows, header, choices, period or guess.period)
    sheet_unit = layout.money_unit_line(sheet.rows[: header.rows[0]])
    money_units = {
        c: unit
        for c in used
        if (unit := layout.money_unit_suffix(header.text(c)) or sheet_unit) is not None
    }
    columns = [
        _column_info(c, header, choices[c], c in sheet.hidden_columns, sample, accept_guesses,
                     layout.MONEY_UNITS.get(money_units.get(c, ""), 1))
        for c in used
    ]  # fmt: skip
    columns = _total_below_item(columns, sheet.rows, header.first_data_row)
    columns, summed, explained, astray = _overtime_parts(columns, sheet.rows, header.first_data_row)
    columns, lost = _tie_losers(columns, sheet.rows, header.first_data_row, explained + astray)
    lost |= set(astray)
    parts = {c for cols in summed.values() for c in cols}
    money_units = {
        c.index: money_units[c.index]
        for c in columns
        if c.index in money_units
        and (c.index in parts or (c.field is not None and c.field.kind is FieldKind.MONEY))
    }
    day_columns = tuple(
        c.index for c in columns if c.field in OT_HOUR_FIELDS and _counts_days(c.header)
    )
    plan = SheetPlan(sheet, header, columns, guess, period, day_columns=day_columns,
                     unmapped_money=_unmapped_money(columns, sample, lost), money_units=money_units,
                     year=layout.year_hint(sheet.name, sheet.rows[: header.rows[0]], file_name),
                     summed=summed)  # fmt: skip
    fields = plan.field_columns()
    if not any(f in fields for f in IDENTITY_FIELDS):
        plan.note = "没有找到工号、姓名或身份证号列，无法识别员工，未导入；请在列映射中指定"
    elif not any(f in fields for f in PAY_FIELDS) and not plan.unmapped_money:
        plan.note = (
            "不是工资表：没有应发、实发、基本工资等金额列（可能是考勤表、级别表或统计表），未导入"
        )
    elif _HELPER_SHEET.search(sheet.name) and not any(f in fields for f in PAY_TOTALS):
        plan.note = (
            f"工作表名“{sheet.name}”表明这是辅助表（考勤、级别、统计等），且没有应发或实发列，未导入；"
            "如确是工资表，请改名后再导入"
        )
    elif period is None and guess.period is None and PayrollField.PERIOD not in fields:
        plan.needs_period = True
        plan.note = (
            f"无法确定工资月份：{_no_period_reason(sheet.name, plan.year)}，也没有月份列；"
            "请在导入时指定工资月份（命令行：--period YYYY-MM）"
        )
    elif period is not None:
        plan.own_months = _own_months(plan)
    return plan


def _own_months(plan: SheetPlan) -> tuple[str, ...]:
    """The months a sheet names itself, sorted: its 月份 column's (a month without its year
    placed by the year the sheet names; unreadable cells left out), else its own pay month."""
    assert plan.header is not None
    col = plan.field_columns().get(PayrollField.PERIOD)
    if col is None:
        return (plan.period.period,) if plan.period.period else ()
    memo = _memo_for(PayrollField.PERIOD)
    found: set[str] = set()
    for row in plan.sheet.rows[plan.header.first_data_row :]:
        raw = row[col] if col < len(row) else None
        if is_empty(raw) or type(raw) is bool:
            continue
        value = memo[raw]
        if type(value) is str:
            found.add(value)
        elif plan.year is not None and (month := values.year_less_month(raw)) is not None:
            years = plan.year.years_for(month)
            if len(years) == 1:
                found.add(f"{years[0]:04d}-{month:02d}")
    return tuple(sorted(found))


def _month_list(months: Sequence[str]) -> str:
    shown = "、".join(months[:12])
    return f"{shown}等 {len(months)} 个月" if len(months) > 12 else shown


def yield_period(plans: Sequence[SheetPlan], period: str) -> None:
    """Settle what the month given at import (``--period``) does to a workbook's sheets, and say
    so on each sheet it changes.

    When the sheets' own months (``SheetPlan.own_months``: a 月份 column's, a sheet name's, a
    title's) are one month, or none, every row is filed under ``period`` as asked. When they are
    several (a 月份 column of 2025-06 and 2025-07, or sheets 6月 and 7月), filing them all under
    one month would make every employee a duplicate of themself: each row keeps the month its
    sheet names, and ``period`` serves only the rows that name none. Changes ``plans`` in place.
    """
    used = [p for p in plans if p.header is not None and not p.note]
    months = sorted({m for p in used for m in p.own_months})
    several = len(months) > 1
    for plan in used:
        if not plan.own_months or plan.own_months == (period,):
            continue
        if not several:
            plan.period_remark = (
                f"{_own_month_place(plan)}的工资月份为 {_month_list(plan.own_months)}，"
                f"已按导入时指定的 {period}（--period）导入"
            )
            continue
        column = PayrollField.PERIOD in plan.field_columns()
        plan.period_override = None
        plan.period_fill = period if column else None
        others = (
            ""
            if plan.own_months == tuple(months)
            else f"，本文件各工作表共有 {_month_list(months)}"
        )
        plan.period_remark = _kept_months_remark(plan, period, others)


def _own_month_place(plan: SheetPlan) -> str:
    """Where a sheet names its own month: `` C 列“月份”`` or ``本表按工作表名“6月”``."""
    assert plan.header is not None
    col = plan.field_columns().get(PayrollField.PERIOD)
    if col is not None:
        return f" {column_letter(col)} 列“{plan.header.text(col)}”"
    return f"本表按{plan.period.source}"


def _kept_months_remark(plan: SheetPlan, period: str, others: str) -> str:
    """The remark of a sheet whose own months were kept though ``period`` was given."""
    blank = (
        f"，该列空白或无法读取的行按 {period} 导入"
        if PayrollField.PERIOD in plan.field_columns() else ""
    )  # fmt: skip
    return (
        f"导入时指定了工资月份 {period}（--period），但{_own_month_place(plan)}的工资月份为 "
        f"{_month_list(plan.own_months)}{others}：都按 {period} 导入会把不同月份的工资算作同一月的"
        f"重复发放，故各行按文件所写的月份导入{blank}；如只核查 {period}，请只导入该月的工资"
        "（或先删去其他月份的行）"
    )


@dataclass
class _Relabelled:
    """A sheet whose one own month was filed under the month given at import."""

    file: int
    sheet: int
    month: str
    source: str
    remark: str
    kept: str


def _relabelled(plans: Sequence[SheetPlan], period: str, file: int) -> list[_Relabelled]:
    return [
        _Relabelled(
            file, j, plan.own_months[0], plan.period.source if PayrollField.PERIOD not in
            plan.field_columns() else "工资月份列", plan.period_remark,
            _kept_months_remark(plan, period, "{others}"),
        )
        for j, plan in enumerate(plans)
        if plan.period_override is not None and plan.period_remark and len(plan.own_months) == 1
    ]  # fmt: skip


def _unfile_across_files(
    rows: list[PayrollRow],
    files: list[FileReport],
    relabelled: list[_Relabelled],
    months: list[str],
) -> tuple[list[PayrollRow], list[FileReport]]:
    """Files whose own months differ though each names one (六月.xlsx, 七月.xlsx) under one
    ``--period``: every row of such a sheet goes back to its own month (``yield_period`` across
    files), its report saying so."""
    back = {(files[r.file].file, files[r.file].sheets[r.sheet].name): r.month for r in relabelled}
    rows = [
        row.model_copy(update={"period": month})
        if (month := back.get((row.source_file, row.source_sheet))) is not None
        else row
        for row in rows
    ]
    files = list(files)
    others = f"，导入的各文件共有 {_month_list(months)}"
    for r in relabelled:
        report = files[r.file]
        sheets = list(report.sheets)
        sheet = sheets[r.sheet]
        remarks = [
            r.kept.replace("{others}", others) if x == r.remark else x for x in sheet.remarks
        ]
        sheets[r.sheet] = sheet.model_copy(
            update={"periods": [r.month], "period_source": r.source, "remarks": remarks}
        )
        files[r.file] = report.model_copy(update={"sheets": sheets})
    return rows, files


def _no_period_reason(sheet_name: str, hint: layout.YearHint | None) -> str:
    """Why no pay month was found for a sheet: no year and month anywhere, or a span of months
    (2025.12-2026.01) that names no single one, the sheet name's month lying outside it."""
    if hint is None or len(hint.years) < 2:
        return "工作表名、标题和文件名中都没有年月"
    month = values.find_month(sheet_name)
    years = "、".join(map(str, hint.years))
    why = ""
    if month is not None:
        placed = hint.years_for(month)
        why = (
            f"，工作表名“{sheet_name}”的 {month} 月不在其中" if not placed
            else f"，工作表名“{sheet_name}”可能是 {' 或 '.join(map(str, placed))} 年的 {month} 月"
        )  # fmt: skip
    return f"{hint.where}跨 {years} 年，不是一个工资月份{why}"


OT_HOUR_FIELDS = (
    PayrollField.OT_HOURS_WORKDAY,
    PayrollField.OT_HOURS_RESTDAY,
    PayrollField.OT_HOURS_HOLIDAY,
)
HOURS_PER_DAY = Decimal(8)
"""Overtime given in days is converted at the statutory 8-hour day (国务院关于职工工作时间的规定 第三条)."""
_DAYS_UNIT = re.compile(r"天|日数|工日|\(日\)|（日）|\(d\)|（d）", re.IGNORECASE)
_HOURS_UNIT = re.compile(r"小时|时数|工时|时长|\(h\)|（h）", re.IGNORECASE)
_HELPER_SHEET = re.compile(
    r"考勤|出勤|打卡|级别|职级|等级|标准|参数|说明|目录|封面|模板|字典|统计|分析"
)
PAY_TOTALS = (PayrollField.GROSS_PAY, PayrollField.NET_PAY)
PAY_FIELDS = frozenset(
    f for f in PayrollField if f.kind is FieldKind.MONEY and f is not PayrollField.SI_BASE
)
"""A payroll sheet has at least one pay amount; a sheet of names and days is a helper sheet."""


def _counts_days(header: str) -> bool:
    """Whether an overtime column's header says it counts days (``节假日加班(天)``, ``加班天数``)."""
    return bool(_DAYS_UNIT.search(header)) and not _HOURS_UNIT.search(header)


def plan_workbook(
    workbook: RawWorkbook,
    *,
    mapping: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
    period: str | None = None,
    accept_guesses: bool = False,
) -> list[SheetPlan]:
    """Each sheet's plan (``plan_sheet``); with ``period``, what that month does to each sheet
    (``yield_period``)."""
    plans = [
        plan_sheet(
            s,
            workbook.name,
            mapping=mapping,
            profile=profile,
            period=period,
            accept_guesses=accept_guesses,
        )
        for s in workbook.sheets
    ]
    if period is not None:
        yield_period(plans, period)
    return plans


def _column_info(
    index: int,
    header: Header,
    choice: ColumnChoice,
    hidden: bool,
    sample: list[list[Any]],
    accept_guesses: bool,
    scale: int = 1,
) -> ColumnInfo:
    """What the import does with one column: the chosen field, unless the column's values are
    rates (0.08 in a money field) or the field is a guess below ``mapping.GUESS_THRESHOLD`` that
    nobody confirmed; then the field is shown as ``candidate`` with the reason, and not used.
    ``scale`` turns the column's figures into yuan (10000 for 万元) before judging them."""
    info = ColumnInfo(
        index=index, column=column_letter(index), header=header.text(index), field=choice.field,
        confidence=choice.confidence, hidden=hidden, source=choice.source, note=choice.note,
        candidate=choice.candidate,
    )  # fmt: skip
    field = choice.field
    if field is None:
        return info
    automatic = choice.source in (MappingSource.SYNONYM, MappingSource.GUESS)
    if (
        automatic
        and field.kind is FieldKind.MONEY
        and looks_like_rate([v * scale for v in _sample_numbers(sample, index) if v is not None])
    ):
        return info.model_copy(update={
            "field": None, "candidate": field, "source": MappingSource.NONE,
            "note": "数值是费率/比例（如 0.08），不是金额，未导入",
        })  # fmt: skip
    if info.needs_confirmation and not accept_guesses:
        return info.model_copy(update={
            "field": None, "candidate": field,
            "note": f"推测为“{field.label}”（相似度 {choice.confidence:.2f}），"
                    "需确认后才导入和核查",
        })  # fmt: skip
    return info


def _cell_amount(row: list[Any], col: int) -> Decimal | None:
    """The amount in a cell, 0 for a blank one; raises ``CellValueError`` for text."""
    if col >= len(row) or is_empty(row[col]):
        return Decimal(0)
    return values.parse_money(row[col]) or Decimal(0)


def _first_difference(
    rows: list[list[Any]], first: int, total: int, parts: Sequence[int]
) -> int | None:
    """The first row (0-based, from ``first`` on) where column ``total`` does not hold the sum of
    ``parts`` (one column: the same amount), or ``None`` when it does on every row. A blank cell
    counts as 0; a row where neither side is an amount (a repeated header, a signature) says
    nothing; a cell that is not an amount against one that is differs."""
    cols = (total, *parts)
    for r in range(first, len(rows)):
        row = rows[r]
        cells = [row[c] if c < len(row) else None for c in cols]
        if len(parts) == 1 and cells[0] == cells[1]:
            continue
        if all(type(v) in (int, float) or v is None for v in cells):
            numbers = [float(v) if v is not None else 0.0 for v in cells]
            if abs(numbers[0] - sum(numbers[1:])) < 0.005:
                continue
            return r
        try:
            own: Decimal | None = _cell_amount(row, total)
        except CellValueError:
            own = None
        try:
            added: Decimal | None = sum((_cell_amount(row, c) or Decimal(0) for c in parts),
                                        Decimal(0))  # fmt: skip
        except CellValueError:
            added = None
        if own is None and added is None:
            continue
        if own != added:
            return r
    return None


def _with_note(info: ColumnInfo, note: str) -> ColumnInfo:
    return info.model_copy(update={"note": f"{info.note}；{note}" if info.note else note})


def _amounts(row: list[Any], cols: Sequence[int]) -> list[Decimal] | None:
    """The amounts in ``cols`` of ``row``, or ``None`` unless every one is an amount."""
    try:
        found = [values.parse_money(row[c]) if c < len(row) else None for c in cols]
    except CellValueError:
        return None
    return None if None in found else [v for v in found if v is not None]


def _total_below_item(
    columns: list[ColumnInfo], rows: list[list[Any]], first: int
) -> list[ColumnInfo]:
    """应发合计 beside 应发工资 wins the tie as the total of every item; written after the
    deductions (应发工资 less 社保, labelled 应发合计 before 实发) it is below 应发工资 on some row
    and above it on none: then 应发工资 is the gross pay, and the total the column that lost.
    Only a choice made from the headers is changed (not the user's mapping or profile)."""
    field = PayrollField.GROSS_PAY
    winner = next((c for c in columns if c.field is field), None)
    if (
        winner is None or winner.source is not MappingSource.SYNONYM
        or not names_grand_total(winner.header)
    ):  # fmt: skip
        return columns
    for c in columns:
        if (
            c.field is not None or c.candidate is not field
            or not lost_tie(c.note) or names_grand_total(c.header)
        ):  # fmt: skip
            continue
        below = None
        for r in range(first, len(rows)):
            pair = _amounts(rows[r], (winner.index, c.index))
            if pair is None:
                continue
            if pair[0] > pair[1]:
                below = None
                break
            if pair[0] < pair[1] and below is None:
                below = r
        if below is None:
            continue
        note = (
            f"与 {c.column} 列“{c.header}”竞争“{field.label}”，未采用；金额小于 {c.column} 列"
            f"（如第 {below + 1} 行），且没有一行大于该列，是扣款后的金额，不是应发合计"
        )
        taken = c.model_copy(
            update={
                "field": field,
                "candidate": None,
                "note": "",
                "confidence": winner.confidence,
                "source": winner.source,
            }
        )
        lost = winner.model_copy(update={"field": None, "candidate": field, "note": note})
        swapped = {c.index: taken, winner.index: lost}
        return [swapped.get(x.index, x) for x in columns]
    return columns


def _overtime_parts(
    columns: list[ColumnInfo], rows: list[list[Any]], first: int
) -> tuple[list[ColumnInfo], dict[PayrollField, tuple[int, ...]], tuple[int, ...], tuple[int, ...]]:
    """Overtime pay split by kind (工作日加班费 / 休息日加班费 / 节假日加班费): the rules need the
    whole overtime pay, so the kinds' columns that lost ``加班费`` to the first of them are added
    into it row by row (returned as ``SheetPlan.summed``). Beside a total column (加班费合计) that
    took the field, they are its parts when they add up to it on every row, and said so.
    Returns the columns (the parts' notes saying which), the parts to add, the parts explained
    either way, and parts beside a total they do not add up to (unmapped money, said so)."""
    winner = next((c for c in columns if c.field is PayrollField.OT_PAY), None)
    if winner is None:
        return columns, {}, (), ()
    parts = [
        c for c in columns
        if c.field is None and c.candidate is PayrollField.OT_PAY and lost_tie(c.note)
        and is_overtime_part(c.header)
    ]  # fmt: skip
    if not parts:
        return columns, {}, (), ()
    indexes = tuple(c.index for c in parts)
    if is_overtime_part(winner.header):
        note = f"与 {winner.column} 列“{winner.header}”逐行相加，作为“加班费”导入和核查"
        summed = {PayrollField.OT_PAY: indexes}
    elif (r := _first_difference(rows, first, winner.index, indexes)) is None:
        note = f"是 {winner.column} 列“{winner.header}”的分项（各行相加等于该列），不另计"
        summed = {}
    else:
        note = (
            f"像是 {winner.column} 列“{winner.header}”的分项，但各项相加与该列不同"
            f"（如第 {r + 1} 行），计为未识别的金额列"
        )
        columns = [_with_note(c, note) if c.index in indexes else c for c in columns]
        return columns, {}, (), indexes
    columns = [_with_note(c, note) if c.index in indexes else c for c in columns]
    return columns, summed, indexes, ()


def _tie_losers(
    columns: list[ColumnInfo], rows: list[list[Any]], first: int, explained: Collection[int] = ()
) -> tuple[list[ColumnInfo], set[int]]:
    """Columns of amounts that lost their field to another column (two 应发工资 columns): an
    amount column the sum checks cannot explain, unless it holds the winner's amount on every
    row (a copy). ``explained`` columns (overtime parts) are left as they are. Returns the columns
    with the finding in their note, and the losers to count among the unmapped amount columns."""
    holder = {c.field: c for c in columns if c.field is not None}
    lost: set[int] = set()
    out = []
    for c in columns:
        winner = holder.get(c.candidate) if c.candidate is not None else None
        if (
            c.field is not None or winner is None or winner.field is None
            or winner.field.kind is not FieldKind.MONEY or not lost_tie(c.note)
            or c.index in explained
        ):  # fmt: skip
            out.append(c)
        elif (r := _first_difference(rows, first, winner.index, (c.index,))) is None:
            out.append(_with_note(c, f"各行金额与 {winner.column} 列相同，是其副本，不另计"))
        else:
            lost.add(c.index)
            out.append(_with_note(c, f"金额与 {winner.column} 列不同（如第 {r + 1} 行），"
                                     "计为未识别的金额列"))  # fmt: skip
    return out, lost


def _table_sample(
    rows: list[list[Any]], header: Header, choices: dict[int, ColumnChoice], period: str | None
) -> list[list[Any]]:
    """The first data rows of the table that the import will read: not its 小计/合计 rows, nor
    what lies below its end (notes, a rate table, another month's table), whose figures must not
    decide what a column is."""
    first = header.first_data_row
    raw = rows[first : first + _SAMPLE_ROWS]
    keep = [not any(isinstance(v, str) and layout.looks_like_label(v) for v in r) for r in raw]
    by_field = {choice.field: c for c, choice in choices.items() if choice.field is not None}
    identity_cols = [by_field[f] for f in IDENTITY_FIELDS if f in by_field]
    if identity_cols and raw:
        width = max(map(len, raw))
        padded = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in raw]
        for i in _classify(padded, header, identity_cols, period):
            keep[i] = False
    return [r for r, k in zip(raw, keep, strict=True) if k]


ROW_COUNTER_NOTE = "数值是 1、2、3… 的行序号，不是工号，未作工号导入"


def _counter_value(value: Any) -> int | None:
    """``value`` as a row count: a whole number, or digits without a leading zero (``001`` is an
    identifier); ``None`` otherwise."""
    if not isinstance(value, str):
        return values.whole_number(value)
    text = value.strip()
    if text.isascii() and text.isdigit() and not text.startswith("0"):
        return int(text)
    return None


def _is_row_counter(cells: list[Any]) -> bool:
    """Whether a column's cells count the rows: 1, 2, 3…, possibly starting again at 1 (per
    department); at least two of them, every one a count."""
    previous = 0
    for value in cells:
        number = _counter_value(value)
        if number is None or number not in (1, previous + 1):
            return False
        previous = number
    return len(cells) >= 2


def _without_row_counter(
    choices: dict[int, ColumnChoice],
    headers: list[tuple[int, tuple[str, ...], bool]],
    rows: list[list[Any]],
    header: Header,
    mapping: ColumnMapping | None,
    profile: ColumnMapping | None,
) -> dict[int, ColumnChoice]:
    """Leave out an automatically chosen 工号/编号 column that holds 1, 2, 3… (a 序号): the same
    number names another person in the next month's sheet, so as a 工号 it would join different
    people. The fields are chosen again without it (a real 工号 column beside it then gets the
    field); kept when nothing else would identify the employee, or when another column (序号)
    already counts the rows, so that 1, 2, 3… under 工号 are the company's real numbers."""
    counter = next((c for c in choices.values() if c.field is PayrollField.EMPLOYEE_ID), None)
    if counter is None or counter.source not in (MappingSource.SYNONYM, MappingSource.GUESS):
        return choices
    first = header.first_data_row
    sample = [
        r
        for r in rows[first : first + _SAMPLE_ROWS]
        if not any(isinstance(v, str) and layout.looks_like_label(v) for v in r)
    ]

    def cells(index: int) -> list[Any]:
        return [r[index] for r in sample if index < len(r) and not is_empty(r[index])]

    if not _is_row_counter(cells(counter.index)):
        return choices
    if any(h[0] != counter.index and _is_row_counter(cells(h[0])) for h in headers):
        return choices  # another column (序号) already counts the rows: these are real 工号
    rest = [h for h in headers if h[0] != counter.index]
    again = choose_fields(rest, user=mapping, profile=profile)
    if not any(c.field in IDENTITY_FIELDS for c in again.values()):
        return choices
    again[counter.index] = ColumnChoice(
        counter.index, None, counter.confidence, MappingSource.NONE, ROW_COUNTER_NOTE,
        PayrollField.EMPLOYEE_ID,
    )  # fmt: skip
    return again


def _sample_numbers(rows: list[list[Any]], index: int) -> list[Decimal | None]:
    out: list[Decimal | None] = []
    for row in rows:
        if index < len(row) and not is_empty(row[index]):
            try:
                out.append(values.parse_money(row[index]))
            except CellValueError:
                continue
    return out


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
    data: list[list[Any]], header: Header, identity_cols: list[int], period: str | None = None
) -> dict[int, SkipReason]:
    """Skip reasons by index into ``data``. A row whose first identity cell holds an ordinary value
    is a data row; only the others are examined closely (小计, 合计, 制表…, blank). Below a 合计 or
    signature row that follows employees, nothing is an employee (notes, scratch figures, a second
    small table) until the header is repeated.

    Another table below this one (a row of other column names, or a title naming a month other
    than ``period``, the sheet's own month) is not read through this table's columns: its rows are
    ``OTHER_TABLE`` until this header repeats, and after another month's title for good. A title
    naming this month (工资条 blocks), or any month when employees' rows come right below it (a
    caption such as 2025年6月入职员工), is skipped and the table goes on."""
    if not identity_cols:
        return {}

    seen: dict[int, dict[str, bool]] = {c: {} for c in identity_cols}

    def ordinary(v: Any, c: int) -> bool:
        if v is None or v == "":
            return False
        if type(v) is not str:
            return True
        known = seen[c].get(v)  # 工号 and names repeat month after month: judge each once
        if known is None:
            known = seen[c][v] = not (
                layout.looks_like_label(v)
                or v.strip() in header.parts.get(c, ())
                or layout.is_column_name(v)
                or layout.is_table_title(v)
            )
        return known

    first_col = identity_cols[0]
    first_column = list(map(itemgetter(first_col), data))
    # judged once per distinct value (cells are str, numbers, dates, None: all hashable)
    judged = {v: ordinary(v, first_col) for v in set(first_column)}
    first_ordinary = list(map(judged.__getitem__, first_column))
    del first_column, judged

    def data_follows(i: int) -> bool:
        """Whether the next filled row below ``i`` is an employee's: ``i`` is then a caption
        inside this table (2025年6月入职员工), not the title of another month's table."""
        for j in range(i + 1, len(data)):
            if any(not is_empty(v) for v in data[j]):
                return first_ordinary[j] or any(ordinary(data[j][c], c) for c in identity_cols[1:])
        return False

    reasons: dict[int, SkipReason] = {}
    ended = seen_data = False
    other = False  # inside another table: until this header repeats
    other_month = False  # inside another month's table: for good
    pending: int | None = None  # a 合计 row whose next row decides: block total or table end
    for i, row in enumerate(data):
        is_data = first_ordinary[i] or any(ordinary(row[c], c) for c in identity_cols[1:])
        if (
            is_data
            and not first_ordinary[i]
            and layout.classify_row(row, header, identity_cols)
            in (SkipReason.OTHER_TABLE, SkipReason.TITLE, SkipReason.HEADER_REPEAT)
        ):
            is_data = False  # 姓名 | 工时 | 时薪: another header, whatever its other cells hold
        lone = is_data and _lone_text(row, first_col)
        if lone:
            is_data = False  # 生产部 between two blocks, 8月10日发放7月工资 above a payslip
        if pending is not None:
            if is_data:
                reasons[pending] = SkipReason.SUBTOTAL  # employees go on: a block's total
            else:
                ended = True
            pending = None
        if not seen_data and layout.is_column_numbers(row):  # 栏次 right under the header
            reasons[i] = SkipReason.COLUMN_NUMBERS
            continue
        if is_data and not ended:
            seen_data = True
            continue
        reason = layout.classify_row(row, header, identity_cols)
        if lone and reason is None:
            reason = SkipReason.CAPTION
        if reason is SkipReason.TITLE and period is not None and not data_follows(i):
            named = find_period(" ".join(str(v) for v in row if isinstance(v, str)))
            if named is not None and named != period:
                reason = SkipReason.OTHER_TABLE
                other_month = True
        if reason is SkipReason.OTHER_TABLE:
            if not other:  # a caption right above the other table (临时工) belongs to it
                j = i - 1
                while j >= 0 and i - j <= 2 and _caption(data[j]):
                    reasons[j] = SkipReason.OTHER_TABLE
                    j -= 1
            ended = other = True
            reasons[i] = reason
            continue
        if ended:
            if reason is SkipReason.HEADER_REPEAT and not other_month:
                ended = other = False  # the same table goes on below
            elif other and reason is not SkipReason.BLANK:
                reason = SkipReason.OTHER_TABLE
            reasons[i] = reason or SkipReason.AFTER_END
            continue
        if reason is not None:
            reasons[i] = reason
            if reason is SkipReason.TOTAL and seen_data:
                pending = i
            elif reason is SkipReason.SIGNATURE and seen_data:
                ended = True
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
    if plan.header is None or (plan.note and not plan.needs_period):
        return report, []
    header = plan.header
    first = header.first_data_row
    fields = plan.field_columns()
    identity_cols = [fields[f] for f in IDENTITY_FIELDS if f in fields]
    width = max(map(len, sheet.rows), default=0)
    data = sheet.rows[first:]
    if min(map(len, data), default=width) < width:  # calamine pads its rows: rarely taken
        data = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in data]
    if release:
        sheet.rows = sheet.rows[:first]
    n = len(data)
    name = sheet.name
    steps = len(fields) + 2
    progress(0, steps, f"{file_name} · {name}")
    skip = _classify(data, header, identity_cols, plan.period_override or plan.period.period)
    # A row that looks blank or nameless only because its formulas have no saved result is an
    # employee the file does not show: each such cell is a problem below, and the row not "blank".
    lost_rows = {
        r - first
        for r, c in sheet.uncached_formulas
        if skip.get(r - first) in (SkipReason.BLANK, SkipReason.NO_EMPLOYEE) and c in identity_cols
    }
    for i in lost_rows:
        skip[i] = SkipReason.NO_EMPLOYEE
    skipped = [
        SkippedRow(row=first + i + 1, reason=reason, text=_row_text(data[i]))
        for i, reason in sorted(skip.items())
    ]
    if plan.needs_period:  # shown, so the user sees what --period would import
        return report.model_copy(update={"found_rows": n - len(skip), "skipped_rows": skipped}), []
    remarks = _end_remarks(skipped) + _other_table_remarks(skipped)
    own_month = plan.period_override is None and PayrollField.PERIOD not in fields
    if plan.period_remark:
        remarks.append(plan.period_remark)
    if plan.period.disagreeing and own_month:
        remarks.append(
            f"工资月份按{plan.period.source}定为 {plan.period.period}，但{plan.period.disagreeing}"
            "与之不同；如不对，请在导入时指定工资月份（命令行：--period YYYY-MM）"
        )
    for unit in sorted(set(plan.money_units.values())):
        letters = "、".join(column_letter(c) for c, u in plan.money_units.items() if u == unit)
        remarks.append(f"{letters} 列金额以{unit}为单位，已折算为元")
    hidden = sorted(i for r in sheet.hidden_rows if 0 <= (i := r - first) < n and i not in skip)
    name_col = fields.get(PayrollField.NAME, identity_cols[0] if identity_cols else None)
    for i in hidden[:_REMARK_LIMIT]:
        who = data[i][name_col] if name_col is not None else ""
        remarks.append(f"第 {first + i + 1} 行为隐藏行（{_row_label(who)}），已导入并在问题中注明")
    if len(hidden) > _REMARK_LIMIT:
        remarks.append(f"另有 {len(hidden) - _REMARK_LIMIT} 个隐藏行，已导入")
    formula_cells = sorted(
        (r - first, c)
        for r, c in sheet.uncached_formulas
        if 0 <= r - first < n
        and c in fields.values()
        and ((r - first) not in skip or (r - first) in lost_rows)
    )
    unmapped_money = plan.unmapped_money
    undated: list[int] = []  # rows whose month names no year the sheet can give: not imported
    problems: list[tuple[int, int, CellProblem]] = []
    for i, c, problem in _merged_down(sheet.merged, data, first, fields, skip):
        problems.append((i, c, problem.model_copy(update={"file": file_name, "sheet": name})))
    wanted = sorted(set(fields.values()))
    all_columns = list(zip(*data, strict=True)) if data else [()] * width
    transposed = {c: all_columns[c] for c in wanted}
    del all_columns
    parsed_by_field: dict[PayrollField, list[Any]] = {}
    last_use = {c: f for f, c in fields.items()}
    for step, (field, c) in enumerate(fields.items(), start=1):
        check_cancel(cancel)
        if field is PayrollField.PERIOD and plan.period_override is not None:
            continue  # every row takes the month given at import: the column is not read
        types = set(map(type, transposed[c]))
        raw = _without_booleans(transposed[c], types)
        memo = _memo_for(field)
        fast = _whole_cents(raw, types) if field.kind is FieldKind.MONEY else None
        parsed = fast if fast is not None else list(map(memo.__getitem__, raw))
        if memo.failed and field is PayrollField.PERIOD and plan.year is not None:
            parsed = _with_year(parsed, raw, plan, c, skip, remarks, undated)
        if memo.failed:
            for i, v in enumerate(parsed):
                if type(v) is CellValueError and i not in skip:
                    problems.append((i, c, CellProblem(
                        file=file_name, sheet=name, cell=cell_ref(first + i, c),
                        value=str(raw[i])[:80], reason=v.reason, field=field,
                    )))  # fmt: skip
            parsed = [None if type(v) is CellValueError else v for v in parsed]
        if c in plan.money_units and field.kind is FieldKind.MONEY:
            factor = layout.MONEY_UNITS[plan.money_units[c]]
            parsed = [None if v is None else v * factor for v in parsed]
        if c in plan.day_columns:
            parsed = [None if v is None else v * HOURS_PER_DAY for v in parsed]
            remarks.append(
                f"{column_letter(c)} 列“{header.text(c)}”按天计，已按每天 8 小时折算为加班小时数"
            )
        elif field in OT_HOUR_FIELDS and str in types:
            in_days = [i for i, v in enumerate(raw) if type(v) is str and _DAYS_UNIT.search(v)]
            for i in in_days:
                if parsed[i] is not None:
                    parsed[i] = parsed[i] * HOURS_PER_DAY
            if in_days:
                remarks.append(
                    f"{column_letter(c)} 列“{header.text(c)}”有 {len(in_days)} 个单元格按天填写"
                    f"（如 {cell_ref(first + in_days[0], c)}“{raw[in_days[0]]}”），"
                    "已按每天 8 小时折算为加班小时数"
                )
        parsed_by_field[field] = parsed
        del raw, memo
        if last_use[c] == field:  # the column's tuple goes once typed; its cells stay in ``data``
            transposed[c] = ()
        progress(step, steps, f"{file_name} · {name}")
    for field, added in plan.summed.items():
        if field in parsed_by_field:
            parsed_by_field[field] = _add_columns(plan, data, parsed_by_field[field], fields[field],
                                                  added, file_name, skip, problems, remarks)  # fmt: skip
    del transposed, data, last_use
    by_column = {c: f for f, c in fields.items()}
    for i, c in formula_cells:
        problems.append((i, c, CellProblem(
            file=file_name, sheet=name, cell=cell_ref(first + i, c), value="（公式）",
            reason=UNCACHED_FORMULA + ("；无法识别员工，此行未导入" if i in lost_rows else ""),
            field=by_column[c],
        )))  # fmt: skip
    check_cancel(cancel)
    period_col = fields.get(PayrollField.PERIOD) if plan.period_override is None else None
    fixed_period = plan.period_override or plan.period_fill or plan.period.period
    from_column = parsed_by_field.pop(PayrollField.PERIOD, None)
    if period_col is not None and from_column is not None:
        row_periods = [p if p is not None else fixed_period for p in from_column]
        for i in undated:
            row_periods[i] = None
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
        fixed = {"source_file": file_name, "source_sheet": name}
        columns: dict[str, list[Any]] = {
            "source_row": list(range(first + 1, first + 1 + n)),
            "period": row_periods,
            **{f.value: parsed for f, parsed in parsed_by_field.items()},
        }
        del row_periods
        parsed_by_field.clear()
        if hidden:
            flags = [False] * n
            for i in hidden:
                flags[i] = True
            columns["hidden"] = flags
        out = _build_rows(fixed, columns, keep)
    progress(steps, steps, f"{file_name} · {name}")
    source = "工资月份列" if period_col is not None else plan.period.source
    if plan.period_override:
        source = "导入时指定"
    elif plan.period_fill:
        source = f"工资月份列（空白的行按导入时指定的 {plan.period_fill}）"
    problems.sort(key=lambda p: (p[0], p[1]))
    report = report.model_copy(
        update={
            "periods": sorted(periods),
            "period_source": source,
            "data_rows": count,
            "skipped_rows": skipped,
            "problems": [p for _, _, p in problems],
            "hidden_rows": [first + i + 1 for i in hidden],
            "unmapped_money": unmapped_money,
            "remarks": remarks,
        }
    )
    return report, out


_NOT_MONEY = re.compile(
    r"序号|编号|工号|代码|账号|卡号|银行|电话|手机|年龄|工龄|司龄|天数|小时|时数|工时|人数|次数|比例|费率|%|累计|计税|基数"
    r"|(?<![a-z])(?:id|no|number|account|bank|phone|mobile|tel|age|hours?|hrs?|days?|rate|ytd"
    r"|cumulative|count|headcount)(?![a-z])",
    re.IGNORECASE,
)
"""Headers naming no amount of pay, in Chinese or English (ID No., Total Hours, Bank Account)."""


def _unmapped_money(
    columns: list[ColumnInfo], rows: list[list[Any]], lost: Collection[int] = ()
) -> list[str]:
    """Unmapped columns whose cells are mostly amounts (numbers that are not a 1, 2, 3… count),
    as ``C 请假扣款``; their headers do not name a count, a rate, a year-to-date total or a base.
    ``rows`` are the first data rows of the sheet; ``lost`` columns of amounts that lost their
    field to another column and are not its copy (``_tie_losers``), counted whatever their note."""
    found = []
    for info in columns:
        name = f"{info.column} {info.header or '（无表头）'}{HIDDEN_MARK if info.hidden else ''}"
        if info.index in lost:
            found.append(name)
            continue
        unconfirmed = (
            info.source is MappingSource.GUESS
            and info.candidate is not None
            and info.candidate.kind is FieldKind.MONEY
        )  # 话费补贴 guessed as 餐费补贴 and left out: an amount all the same
        if (
            info.field is not None
            or (info.note and not unconfirmed)
            or _NOT_MONEY.search(info.header)
        ):
            continue
        if looks_like_money_header(info.header):
            found.append(name)
            continue
        cells = [r[info.index] for r in rows if info.index < len(r) and not is_empty(r[info.index])]
        amounts = []
        for v in cells:
            try:
                amount = values.parse_money(v)
            except CellValueError:
                continue
            if amount is not None:
                amounts.append(amount)
        if not amounts or len(amounts) * 2 < len(cells):
            continue
        if amounts == [Decimal(i) for i in range(1, len(amounts) + 1)]:
            continue  # a row count (序号)
        found.append(name)
    return found


HIDDEN_MARK = "（隐藏列）"
"""Said after a hidden column's name wherever the import report names it: its amounts are read
like any other column's (the company hid them, it did not remove them)."""
UNCACHED_FORMULA = "单元格是公式，但文件中没有保存计算结果（请在 Excel/WPS 中打开并保存后再导入）"
_REMARK_LIMIT = 20


def _row_label(value: Any) -> str:
    text = str(value).strip() if not is_empty(value) else ""
    return text[:20] or "无姓名"


def _end_remarks(skipped: list[SkippedRow]) -> list[str]:
    after = [s for s in skipped if s.reason is SkipReason.AFTER_END and s.text]
    if not after:
        return []
    end = next(
        (s.row for s in skipped if s.reason in layout.TABLE_END and s.row < after[0].row), None
    )
    where = f"第 {end} 行合计/签字" if end else "表尾"
    return [
        f"{where}之后的 {len(after)} 行不是员工数据，未导入（第 {after[0].row} 行起：{after[0].text}）"
    ]


_FILLED_DOWN = (FieldKind.TEXT, FieldKind.PERIOD, FieldKind.DATE)
"""Kinds whose value, merged down over several rows, holds for each of them (部门, 月份, 发放日期)."""


def _merged_down(
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    data: list[list[Any]],
    first: int,
    fields: dict[PayrollField, int],
    skip: dict[int, SkipReason],
) -> list[tuple[int, int, CellProblem]]:
    """Cells merged down over several data rows of a mapped column. A month, a date or a text
    (部门) holds for every row it covers and is copied into them (``data`` is changed, row lists
    are copied first); an amount or an identity is not: each covered row gets a problem (file and
    sheet left blank for the caller) and no value. Indices are into ``data``."""
    by_column = {c: f for f, c in fields.items()}
    out: list[tuple[int, int, CellProblem]] = []
    for (r0, c0), (r1, c1) in merged:
        if r1 <= r0 or r0 < first:
            continue
        for c in range(c0, c1 + 1):
            field = by_column.get(c)
            if field is None:
                continue
            top = r0 - first
            if top >= len(data) or c >= len(data[top]):
                continue
            value = data[top][c]
            span = f"{cell_ref(r0, c)}:{cell_ref(r1, c)}"
            for i in range(top + 1, min(r1 - first, len(data) - 1) + 1):
                if i in skip or c >= len(data[i]) or not is_empty(data[i][c]):
                    continue
                if field.kind in _FILLED_DOWN and field not in IDENTITY_FIELDS:
                    data[i] = list(data[i])
                    data[i][c] = value
                    continue
                out.append((i, c, CellProblem(
                    file="", sheet="", cell=cell_ref(first + i, c), value="",
                    reason=f"合并单元格 {span} 的值只写在 {cell_ref(r0, c)}，"
                           "不能确定本行是否同为该值，本行未导入该项（请取消合并并逐行填写）",
                    field=field,
                )))  # fmt: skip
    return out


def _with_year(
    parsed: list[Any],
    raw: Sequence[Any],
    plan: SheetPlan,
    col: int,
    skip: dict[int, SkipReason],
    remarks: list[str],
    undated: list[int],
) -> list[Any]:
    """Pay months that failed to parse for want of a year (``7月``, ``八月``) given the year the
    sheet names (``plan.year``), with a remark per year naming a cell. A month the sheet's span
    of years cannot place (``2月`` under ``2025-2026年度``) takes the sheet's own pay month when
    that is the same month (file name ``2026-02``), else stays a failure saying why, its row put
    in ``undated`` (not to be imported under the sheet's month), named in a remark too: never
    given a year by guess. Indices are into the sheet's data rows."""
    hint = plan.year
    assert hint is not None
    assert plan.header is not None
    first = plan.header.first_data_row
    letter = column_letter(col)
    fallback = plan.period_override or plan.period_fill or plan.period.period
    years_text = "、".join(map(str, hint.years))
    out = list(parsed)
    dated: dict[int, list[int]] = {}
    undecided: list[int] = []
    own_month: list[int] = []
    for i, v in enumerate(parsed):
        if type(v) is CellValueError:
            month = values.year_less_month(raw[i])
            if month is None:
                continue
            years = hint.years_for(month)
            if len(years) == 1:
                out[i] = f"{years[0]:04d}-{month:02d}"
                dated.setdefault(years[0], []).append(i)
            elif fallback is not None and int(fallback[5:]) == month:
                out[i] = fallback
                own_month.append(i)
            else:
                out[i] = CellValueError(
                    f"“{raw[i]}”只写了月份，{hint.where}跨 {years_text} 年，"
                    f"无法确定是哪一年的{month}月"
                )
                undated.append(i)
                if i not in skip:
                    undecided.append(i)

    def cell(i: int) -> str:
        return f"{cell_ref(first + i, col)}“{raw[i]}”"

    if len(hint.years) == 1 and dated:
        year, found = next(iter(dated.items()))
        remarks.append(
            f"{letter} 列工资月份只写了月份（如 {cell(found[0])}），年份按{hint.where}取 {year} 年"
        )
    elif dated:
        parts = "，".join(
            f"{cell(found[0])}{'等 ' + str(len(found)) + ' 个单元格' if len(found) > 1 else ''}取 {year} 年"
            for year, found in sorted(dated.items())
        )
        remarks.append(f"{letter} 列工资月份只写了月份，年份按{hint.where}所跨的年月取：{parts}")
    if own_month:
        remarks.append(
            f"{letter} 列工资月份只写了月份（如 {cell(own_month[0])}），{hint.where}跨 {years_text} "
            f"年，年份按{plan.period.source}的 {fallback} 取"
        )
    if undecided:
        remarks.append(
            f"{letter} 列有 {len(undecided)} 个单元格只写了月份（"
            f"{'、'.join(map(cell, undecided[:5]))}{'等' if len(undecided) > 5 else ''}），"
            f"{hint.where}跨 {years_text} 年，无法确定其年份，这些行未导入；"
            "请在月份列写明年份（如 2026年1月）后再导入"
        )
    return out


def _add_columns(
    plan: SheetPlan,
    data: list[list[Any]],
    own: list[Any],
    col: int,
    added: tuple[int, ...],
    file_name: str,
    skip: dict[int, SkipReason],
    problems: list[tuple[int, int, CellProblem]],
    remarks: list[str],
) -> list[Any]:
    """A money field's parsed column ``own`` (from column ``col``) with the ``added`` columns'
    amounts added row by row (``SheetPlan.summed``), in yuan. A row where any of these cells
    cannot be read gets no value (a part of the sum is no sum); each such cell is a problem.
    Indices are into ``data``, the sheet's rows below the header."""
    assert plan.header is not None
    first = plan.header.first_data_row
    name = plan.sheet.name
    failed = {i for i, c, _ in problems if c == col}
    uncached = set(plan.sheet.uncached_formulas)
    out = list(own)
    memo = _NumberMemo(values.parse_money)
    for c in added:
        factor = layout.MONEY_UNITS.get(plan.money_units.get(c, ""), 1)
        for i, row in enumerate(data):
            raw = row[c] if c < len(row) else None
            if (first + i, c) in uncached:
                failed.add(i)
                if i not in skip:
                    problems.append((i, c, CellProblem(
                        file=file_name, sheet=name, cell=cell_ref(first + i, c), value="（公式）",
                        reason=UNCACHED_FORMULA, field=PayrollField.OT_PAY,
                    )))  # fmt: skip
                continue
            if is_empty(raw):
                continue
            value = memo[("TRUE" if raw else "FALSE") if type(raw) is bool else raw]
            if type(value) is CellValueError:
                failed.add(i)
                if i not in skip:
                    problems.append((i, c, CellProblem(
                        file=file_name, sheet=name, cell=cell_ref(first + i, c),
                        value=str(raw)[:80], reason=value.reason, field=PayrollField.OT_PAY,
                    )))  # fmt: skip
                continue
            if value is not None:
                value = value * factor if factor != 1 else value
                out[i] = value if out[i] is None else out[i] + value
    for i in failed:
        out[i] = None
    header = plan.header
    hidden = plan.sheet.hidden_columns
    names = "、".join(
        f"{column_letter(c)} 列“{header.text(c)}”{HIDDEN_MARK if c in hidden else ''}"
        for c in (col, *added)
    )
    remarks.append(f"{names}是分列的加班费，已逐行相加作为加班费导入和核查")
    return out


def _lone_text(row: list[Any], col: int) -> bool:
    """Whether the row's only filled cell is a text, though it stands in an identity column (a
    部门 caption, a 工资条 title): no employee's row holds nothing but one word. An employee's
    row is told by two cells (``col``, the first identity column, and the next one)."""
    if not is_empty(row[col]) and col + 1 < len(row) and not is_empty(row[col + 1]):
        return False
    return _only_text(row) is not None


def _caption(row: list[Any]) -> bool:
    """A row holding one short text and nothing else (临时工, 二、管理人员)."""
    text = _only_text(row)
    return text is not None and len(text.strip()) <= 20


def _only_text(row: list[Any]) -> str | None:
    """The row's only filled cell, when it is a text; ``None`` when the row has another filled
    cell, or none, or its one cell is not a text."""
    filled = [v for v in row if not is_empty(v)]
    return filled[0] if len(filled) == 1 and isinstance(filled[0], str) else None


def _other_table_remarks(skipped: list[SkippedRow]) -> list[str]:
    """One line per table found below this one, with its first row and how many rows it has."""
    out: list[str] = []
    start: SkippedRow | None = None
    count = 0
    for s in [*skipped, None]:
        if s is not None and s.reason is SkipReason.BLANK and start is not None:
            continue
        if s is not None and s.reason is SkipReason.OTHER_TABLE:
            if start is None:
                start, count = s, 0
            count += 1
            continue
        if start is not None:
            out.append(
                f"第 {start.row} 行起是另一张表（{start.text or '表头不同'}），共 {count} 行未导入；"
                "如需导入，请把它放到单独的工作表后再导入"
            )
            start = None
    return out[:_REMARK_LIMIT]


def _row_text(row: list[Any]) -> str:
    return " ".join(str(v).strip() for v in row if not is_empty(v))[:60]


_ROW_BATCH = 4096


def _build_rows(
    fixed: dict[str, Any], columns: dict[str, list[Any]], keep: list[bool]
) -> list[PayrollRow]:
    """The kept rows: the fields in ``fixed`` the same on every row, those in ``columns`` one
    value per row (of the sheet, kept or not), the others ``None``; not validated (the values
    come from the column parsers, already typed and checked).

    Rows are built a batch at a time from the end, and each batch's values are cut off the
    columns once written, so the columns shrink while the rows grow. ``columns`` are emptied.
    """
    batches: list[list[PayrollRow]] = []
    end = len(keep)
    while end > 0:
        start = max(0, end - _ROW_BATCH)
        kept = keep[start:end]
        count = sum(kept)
        if count == end - start:
            part = {k: c[start:end] for k, c in columns.items()}
        else:
            part = {k: list(compress(c[start:end], kept)) for k, c in columns.items()}
        batches.append(PayrollRow.trusted_columns(count, part, fixed))
        del part
        for column in columns.values():
            del column[start:]
        end = start
    batches.reverse()
    return list(chain.from_iterable(batches))


def read_payroll(
    paths: Sequence[Path],
    *,
    mapping: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
    period: str | None = None,
    keep_rows: bool = True,
    accept_guesses: bool = False,
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
        accept_guesses: use fields guessed below the confidence threshold without confirmation.

    Raises:
        AuditDeskError: a file cannot be read at all (names the file); nothing is returned then.
            Sheets that cannot be imported are reported in their ``note`` instead.
        Cancelled: ``cancel`` was set.
    """
    if period is not None and find_period(period) != period:
        raise AuditDeskError(f"“{period}”不是有效的工资月份，应为 YYYY-MM，如 2025-07")
    with paused_gc():
        return _read_payroll(
            paths, mapping, profile, period, keep_rows, accept_guesses, progress, cancel
        )


def _read_payroll(
    paths: Sequence[Path],
    mapping: ColumnMapping | None,
    profile: ColumnMapping | None,
    period: str | None,
    keep_rows: bool,
    accept_guesses: bool,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> ImportResult:
    wanted_rows = keep_rows
    files: list[FileReport] = []
    rows: list[PayrollRow] = []
    keep_rows = True  # copies between sheets are found on the rows; inspect drops them after
    all_months: set[str] = set()
    relabelled: list[_Relabelled] = []
    for i, path in enumerate(paths):
        check_cancel(cancel)
        progress(0, 1, f"读取 {path.name}（{i + 1}/{len(paths)}）")
        workbook = read_workbook(path)
        plans = plan_workbook(workbook, mapping=mapping, profile=profile, period=period,
                              accept_guesses=accept_guesses)  # fmt: skip
        if period is not None:
            all_months.update(m for p in plans if p.header is not None and not p.note
                              for m in p.own_months)  # fmt: skip
            relabelled += _relabelled(plans, period, len(files))
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
    if period is not None and len(all_months) > 1 and relabelled:
        rows, files = _unfile_across_files(rows, files, relabelled, sorted(all_months))
    rows, files = drop_copies(rows, files)
    files = flag_namesakes(rows, files)
    return ImportResult(files=files, rows=rows if wanted_rows else [])


_COMPARED = tuple(f.value for f in PayrollField if f.kind in (FieldKind.MONEY, FieldKind.NUMBER))


def _same_person(a: PayrollRow, b: PayrollRow) -> bool:
    if a.department and b.department and a.department != b.department:
        return False  # two people of one name in two departments, both on the minimum wage
    for f in ("id_number", "employee_id", "name"):
        x, y = getattr(a, f), getattr(b, f)
        if x and y:
            return bool(x == y)
    return False


def _same_figures(a: PayrollRow, b: PayrollRow) -> bool:
    shared = 0
    for f in _COMPARED:
        x, y = getattr(a, f), getattr(b, f)
        if x is None or y is None:
            continue
        if x != y:
            return False
        shared += 1
    return shared >= 2


def drop_copies(
    rows: list[PayrollRow], files: list[FileReport]
) -> tuple[list[PayrollRow], list[FileReport]]:
    """Count each employee-month once when another sheet repeats it.

    A row of a later sheet (or file) is a copy when an earlier sheet has the same person (ID
    number, else 工号, else name), the same month and the same figures in every amount both
    have (a department copy of the summary sheet). Copies are not kept; their sheet report lists
    them as skipped rows naming the original, and the rows within one sheet are never compared
    (two equal rows on one sheet are a duplicate for ``DATA.DUPLICATE`` to report).
    """
    sheets = {(r.source_file, r.source_sheet) for r in rows}
    if len(sheets) < 2:
        return rows, files
    index: dict[tuple[str, str], list[PayrollRow]] = {}
    kept: list[PayrollRow] = []
    copies: dict[tuple[str, str], list[tuple[PayrollRow, PayrollRow]]] = {}
    for row in rows:
        keys = [(row.period, v) for v in (row.id_number, row.employee_id, row.name) if v]
        original = next(
            (
                other
                for k in keys
                for other in index.get(k, ())
                if (other.source_file, other.source_sheet) != (row.source_file, row.source_sheet)
                and _same_person(other, row)
                and _same_figures(other, row)
            ),
            None,
        )
        if original is not None:
            copies.setdefault((row.source_file, row.source_sheet), []).append((row, original))
            continue
        kept.append(row)
        for k in keys:
            index.setdefault(k, []).append(row)
    if not copies:
        return rows, files
    return kept, [_report_copies(f, copies) for f in files]


def _report_copies(
    file: FileReport, copies: dict[tuple[str, str], list[tuple[PayrollRow, PayrollRow]]]
) -> FileReport:
    sheets = []
    for sheet in file.sheets:
        found = copies.get((file.file, sheet.name))
        if not found:
            sheets.append(sheet)
            continue
        extra = [
            SkippedRow(row=row.source_row, reason=SkipReason.COPY,
                       text=f"{row.name or row.employee_id or ''}，同 {orig.source_sheet}!{orig.source_row}"
                       + ("" if orig.source_file == file.file else f"（{orig.source_file}）"))
            for row, orig in found
        ]  # fmt: skip
        origins = sorted({orig.source_sheet for _, orig in found})
        remark = (
            f"{len(found)} 行与工作表「{'、'.join(origins)}」中的行相同（同一人、同一月、金额相同），"
            "视为副本，未重复计入"
        )
        sheets.append(sheet.model_copy(update={
            "data_rows": sheet.data_rows - len(found),
            "skipped_rows": sorted([*sheet.skipped_rows, *extra], key=lambda s: s.row),
            "remarks": [*sheet.remarks, remark],
        }))  # fmt: skip
    return file.model_copy(update={"sheets": sheets})


def flag_namesakes(rows: list[PayrollRow], files: list[FileReport]) -> list[FileReport]:
    """Remarks on rows that share a name and a month and have neither 工号 nor ID number.

    Everything after the import (the rules, the employee count, follow-ups) knows such a person by
    the name alone, so two people of one name become one. Where the file tells them apart (two
    部门 in one month) or may (two rows of one name in one month), each sheet holding such rows
    says so, naming the rows, and asks for a 工号 or ID number column; nothing is merged or split
    by guess. Rows are as ``drop_copies`` leaves them (a department copy of the summary is gone).
    """
    groups: dict[tuple[str, str], list[PayrollRow]] = {}
    for row in rows:
        if row.id_number or row.employee_id or not row.name:
            continue
        groups.setdefault((row.period, row.name.strip()), []).append(row)
    remarks: dict[tuple[str, str], list[str]] = {}
    many_files = len({r.source_file for r in rows}) > 1
    for (period, name), members in groups.items():
        if len(members) < 2:
            continue

        def where(r: PayrollRow) -> str:
            place = f"{r.source_file} " if many_files else ""
            dept = f" {r.department}" if r.department else ""
            return f"{place}{r.source_sheet}!{r.source_row}{dept}"

        listed = "、".join(map(where, members[:6])) + ("等" if len(members) > 6 else "")
        departments = {r.department.strip() for r in members if r.department}
        if len(departments) > 1:
            what = (
                f"{period} 有 {len(members)} 行同名“{name}”（{listed}），部门不同，应是不同的人，"
                "但没有工号或身份证号可以区分"
            )
        else:
            what = (
                f"{period} 有 {len(members)} 行同名“{name}”（{listed}），没有工号或身份证号，"
                "无法判断是同名的不同员工，还是同一人重复或补发另列"
            )
        text = (
            f"{what}：核查时按姓名识别员工，这些行会被当作同一人（人数和按人汇总的问题会合并）；"
            "请补充工号或身份证号列后再导入"
        )
        for key in dict.fromkeys((r.source_file, r.source_sheet) for r in members):
            remarks.setdefault(key, []).append(text)
    for text, members in _shared_employee_ids(rows, many_files):
        for key in dict.fromkeys((r.source_file, r.source_sheet) for r in members):
            remarks.setdefault(key, []).append(text)
    if not remarks:
        return files
    out = []
    for file in files:
        sheets = []
        for sheet in file.sheets:
            found = remarks.get((file.file, sheet.name))
            if found:
                more = len(found) - _REMARK_LIMIT
                extra = [f"另有 {more} 组同名员工，同样无法区分"] if more > 0 else []
                found = found[:_REMARK_LIMIT] + extra
                sheet = sheet.model_copy(update={"remarks": [*sheet.remarks, *found]})
            sheets.append(sheet)
        out.append(file.model_copy(update={"sheets": sheets}))
    return out


def _shared_employee_ids(
    rows: list[PayrollRow], many_files: bool
) -> list[tuple[str, list[PayrollRow]]]:
    """Remarks (with their rows) on one 工号 held by rows of one month under different names or
    部门, none with an ID number (工号 numbered per department from 001). The rules know such
    rows' people by the 工号 alone, so the employee count and per-person findings merge them;
    DATA.DUPLICATE alone tells 部门 apart. One name in one 部门 twice is that rule's duplicate."""
    groups: dict[tuple[str, str], list[PayrollRow]] = {}
    for row in rows:
        if row.id_number or not row.employee_id:
            continue
        groups.setdefault((row.period, row.employee_id.strip()), []).append(row)
    out = []
    for (period, number), members in groups.items():
        people = {((r.name or "").strip(), (r.department or "").strip()) for r in members}
        if len(people) < 2:
            continue

        def where(r: PayrollRow) -> str:
            place = f"{r.source_file} " if many_files else ""
            dept = f" {r.department}" if r.department else ""
            return f"{place}{r.source_sheet}!{r.source_row}{dept} {r.name or ''}".rstrip()

        listed = "、".join(map(where, members[:6])) + ("等" if len(members) > 6 else "")
        out.append((
            f"{period} 工号“{number}”有 {len(members)} 行，姓名或部门不同（{listed}），没有身份证号："
            "核查时按工号识别员工，这些行会被当作同一人（人数和按人汇总的问题会合并）；"
            "如工号按部门分别编号，请补充身份证号列或改用全公司唯一的工号后再导入",
            members,
        ))  # fmt: skip
    return out
