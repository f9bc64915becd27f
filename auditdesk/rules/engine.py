"""The rule engine: derive each employee-month's figures once, run every rule whose inputs exist,
and say which rules were skipped and why — silence must never read as compliance."""

from __future__ import annotations

import calendar as _cal
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any

from auditdesk.formatting import format_money, mask_id_number
from auditdesk.models.common import Area
from auditdesk.models.finding import Certainty, Citation, MoneyKind, Severity
from auditdesk.models.payroll import (
    CheckResult,
    FileReport,
    PayrollField,
    PayrollFinding,
    PayrollRow,
    RuleSkip,
)
from auditdesk.progress import paused_gc
from auditdesk.rules import calendar as workcal
from auditdesk.rules.ids import IdInfo, parse_id
from auditdesk.rules.params import Lookup, RegionParams, load_params, period_start

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
F = PayrollField

EXCLUDED_ALLOWANCES = (
    F.NIGHT_SHIFT_ALLOWANCE,
    F.HIGH_TEMP_ALLOWANCE,
    F.MEAL_ALLOWANCE,
    F.TRANSPORT_ALLOWANCE,
    F.HOUSING_ALLOWANCE,
)
EMPLOYEE_SI = (F.PENSION_EMPLOYEE, F.MEDICAL_EMPLOYEE, F.UNEMPLOYMENT_EMPLOYEE)
SI_COLUMNS = (*EMPLOYEE_SI, F.SI_EMPLOYEE_TOTAL, F.SI_HF_EMPLOYEE_TOTAL)
"""Any of these shows what the employee paid into social insurance (the last with housing fund)."""
_EXCLUDED_NAMES = tuple(f.value for f in EXCLUDED_ALLOWANCES)
_SI_NAMES = tuple(f.value for f in EMPLOYEE_SI)


def yuan(amount: Decimal) -> str:
    """``1695`` → ``1,695.00 元`` (the form used inside finding messages)."""
    return f"{format_money(amount, symbol=False)} 元"


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clipped to the month's end (01-31 + 1 month → 02-28)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@cache
def pay_deadline(period: str) -> tuple[date, int, int]:
    """The last day of the month after ``period`` (wages must be paid by then), and that month."""
    following = add_months(period_start(period), 1)
    last = _cal.monthrange(following.year, following.month)[1]
    return date(following.year, following.month, last), following.year, following.month


def next_period(period: str, months: int = 1) -> str:
    d = add_months(period_start(period), months)
    return f"{d.year:04d}-{d.month:02d}"


@dataclass(slots=True)
class EmployeeMonth:
    """A payroll row with the figures several rules share, computed once in :func:`derive`.

    ``normal_wage`` is gross pay without overtime pay, year-end bonus and the allowances the region
    excludes; ``eligible`` is what counts toward the minimum wage (normal wage and any year-end
    bonus, less the employee's own SI and HF); both are ``None`` without a gross pay. ``ratio`` is
    the share of the month the minimum wage is due for (paid leave and statutory holidays count as
    paid days, see :func:`_ratio`).

    Figures few rules read (``excluded``, ``employee_si``, ``si_items``) are properties
    computed from the row when asked, not stored: 60,000 rows would otherwise hold about 18 MB of
    new Decimals for the whole rule run. What many rules read of the row itself is kept as a
    reference (a slot costs 8 bytes a row; reading a pydantic row's dictionary again costs far
    more).
    """

    row: PayrollRow
    key: str
    ident: IdInfo | None
    start: date
    end: date
    ratio: Decimal
    ratio_note: str
    gross: Decimal | None
    ot_pay: Decimal
    si_blank: bool
    """No SI paid: ``employee_si`` is zero."""
    employee_hf: Decimal | None
    retired: bool
    retirement_note: str
    normal_wage: Decimal | None
    eligible: Decimal | None
    part_time: bool
    """The payroll says this is a part-timer (非全日制): hourly minimum, no SI/HF except work injury."""
    leave_unknown: bool
    """``ratio`` < 1 comes from absent days the file cannot classify (no paid-leave figure)."""
    period: str
    """The row's pay month (``row.period``), kept beside the figures: nearly every rule reads it."""
    ot_wd: Decimal
    ot_rd: Decimal
    ot_hol: Decimal
    """Workday, rest-day and statutory-holiday overtime hours, missing as zero."""
    maybe_retired: bool = False
    """A woman past the 50 schedule but not the 55 one: retired if hers is a worker's post."""
    share_unknown: bool = False
    """A month the person was hired inside, without attendance columns, in a year the holiday data
    does not cover: its 计薪日 share is unknown, so the minimum wage is not checked (facts §9.2)."""
    relation: str = ""
    """The 用工形式 text when the payroll says the row is no labour relation (实习, 勤工助学,
    退休返聘, 劳务协议: facts §1.10, §9.0), else ``""``: the labour-relation rules then give one
    提示 to verify the relation instead of a finding (:func:`relation_fact`)."""
    intern_period: str = ""
    """The 用工形式 text when it names an 实习期 but no student (``实习期``, ``实习期员工``): an
    employee on probation as small firms write it, or a student intern; the labour-relation rules'
    findings stand, to verify (:data:`INTERN_PERIOD_FACT`)."""
    birth_doubt: str = ""
    """Past a statutory age (``retirement_note`` says which) only by the birth date of an ID
    number that fails its check (校验位 or 省份代码 wrong: a digit was mistyped, perhaps in the
    date): the reason, and then ``retired`` is False — the rules' own findings stand, resting on
    the ID card (:data:`BIRTH_DOUBT_FACT`), as the age rules' findings do."""

    @property
    def excluded(self) -> Decimal:
        """The allowances the region excludes from the minimum wage, summed (missing as zero)."""
        return _sum(self.row, _EXCLUDED_NAMES)

    @property
    def si_items(self) -> Decimal:
        """The employee's pension, medical and unemployment columns summed, as they are: unlike
        ``employee_si``, never replaced by a combined column (the net-pay check subtracts these)."""
        return _sum(self.row, _SI_NAMES)

    @property
    def employee_si(self) -> Decimal:
        """The employee's SI: the itemised columns, else 社保个人合计, else 五险一金个人合计."""
        si = self.si_items
        if not si:
            row = self.row
            si = row.si_employee_total or row.si_hf_employee_total or si
        return si

    @property
    def ot_hours(self) -> tuple[Decimal, Decimal, Decimal]:
        """(workday, rest day, statutory holiday) overtime hours, missing as zero."""
        return self.ot_wd, self.ot_rd, self.ot_hol


@dataclass
class RuleContext:
    params: RegionParams
    present: frozenset[PayrollField]
    agreed_pay_day: int | None = None
    notes: list[str] = field(default_factory=list)
    unmapped_money: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(file, sheet) → its columns of amounts that no field was chosen for (``C 请假扣款``)."""
    unreadable: dict[tuple[str, str, int], list[tuple[PayrollField, str]]] = field(
        default_factory=dict
    )
    """(file, sheet, row) → the row's cells of figures the import could not read, with their
    field (``E2“待定”（加班费）``): a finding on that row from a rule needing one of those fields
    rests on what it holds (``unreadable_cells``)."""
    _lookups: dict[tuple[str, str], Lookup | None] = field(default_factory=dict)

    def lookup(self, series: str, period: str) -> Lookup | None:
        """The figure of ``series`` for ``period`` (memoised: rules ask once per row)."""
        key = (series, period)
        if key not in self._lookups:
            self._lookups[key] = getattr(self.params, series).at(period)
        return self._lookups[key]

    def outdated_caveat(self, found: Lookup, label: str) -> str:
        if not found.outdated:
            return ""
        return (
            f"{label}使用 {found.entry.start:%Y-%m-%d} 起的标准；此后可能已有调整，请核实最新标准"
        )

    def unreadable_cells(self, emp: EmployeeMonth, fields: Collection[PayrollField]) -> str:
        """The cells of ``fields`` on ``emp``'s row that the import could not read, as a finding
        names them (``D2“待定”（加班费）``, at most three, then 等); ``""`` when there are none."""
        r = emp.row
        cells = [
            label
            for f, label in self.unreadable.get((r.source_file, r.source_sheet, r.source_row), ())
            if f in fields
        ]
        return "、".join(cells[:3]) + ("等" if len(cells) > 3 else "")

    def finding(
        self,
        rule: Rule,
        emp: EmployeeMonth,
        message: str,
        *,
        amount: Decimal | None = None,
        severity: Severity | None = None,
        caveat: str = "",
        money_kind: MoneyKind | None = None,
        depends_on: str = "",
    ) -> PayrollFinding:
        """One finding of ``rule`` on ``emp``.

        ``money_kind`` defaults to the rule's; ``depends_on`` names a fact the file cannot show
        (the finding is then ``depends`` and never above 中, whatever ``severity`` says).
        """
        r = emp.row
        level = severity or rule.severity
        shown = (
            self.unreadable_cells(emp, {*rule.needs, *rule.needs_any})
            if rule.labour_relation
            else ""
        )
        if shown:
            # a blank is missing; an unreadable cell is not even that: it holds a figure unknown
            depends_on = _facts(depends_on, f"无法读取的单元格 {shown} 的实际数额")
        if rule.labour_relation:
            # past the statutory age the relation may have ended (retired) or go on (弹性延迟退休);
            # a row the payroll marks as an intern's or a re-hired retiree's is no labour relation
            # unless it is one in fact: whatever the rule found rests on that
            fact = (
                RETIREMENT_FACT
                if emp.retired
                else relation_fact(emp.relation)
                if emp.relation
                else WOMEN_POST_FACT
                if emp.maybe_retired
                else ""
            )
            if fact and fact not in depends_on:
                depends_on = _facts(fact, depends_on)
            if emp.intern_period:
                depends_on = _facts(INTERN_PERIOD_FACT.format(emp.intern_period), depends_on)
            if emp.birth_doubt:  # past the age only by a birth date that may be mistyped
                depends_on = _facts(BIRTH_DOUBT_FACT.format(emp.birth_doubt), depends_on)
            if emp.retired or emp.relation:
                level = Severity.INFO
        if depends_on and level.rank < Severity.MEDIUM.rank:
            level = Severity.MEDIUM  # nothing that rests on an unstated fact is 高
        return PayrollFinding(
            rule=rule.id,
            title=rule.title,
            severity=level,
            certainty=Certainty.DEPENDS if depends_on else Certainty.DEFINITE,
            depends_on=depends_on,
            money_kind=None if amount is None else (money_kind or rule.money_kind),
            area=rule.area,
            period=r.period,
            employee_key=emp.key,
            person=person_token(r),
            employee_id=r.employee_id,
            employee_name=r.name,
            department=r.department,
            message=message,
            legal_basis=list(rule.legal_basis),
            amount=None if amount is None else money(amount),
            caveat="；".join(
                c
                for c in (
                    caveat,
                    emp.ratio_note if rule.pro_rated else "",
                    BIRTH_DOUBT_NOTE.format(emp.birth_doubt)
                    if emp.birth_doubt and rule.labour_relation
                    else "",
                    HIDDEN_ROW if r.hidden else "",
                )
                if c
            ),
            source_file=r.source_file,
            source_sheet=r.source_sheet,
            source_row=r.source_row,
        )


def _facts(*facts: str) -> str:
    """The facts a finding rests on, in order, joined as ``depends_on`` writes them (empty ones
    left out)."""
    return "；".join(f for f in facts if f)


def relation_fact(kind: str) -> str:
    """What a finding on a row marked as no labour relation rests on (``kind``: its 用工形式)."""
    return f"是否确非劳动关系（工资表载明用工形式为“{kind}”）"


HIDDEN_ROW = "该行在企业的工资表中被隐藏"
INTERN_PERIOD_FACT = (
    "工资表载明用工形式为“{}”：如系在校学生实习则不属劳动关系，"
    "如系试用期员工（常被称作“实习期”）则本项成立"
)
"""A labour rule's finding on a row whose 用工形式 names an 实习期 (the word small firms write for
试用期) rather than a student intern (实习生): the finding stands, resting on which it is."""
RETIREMENT_FACT = "是否已退休或办理了弹性延迟退休"
WOMEN_POST_FACT = "女职工的岗位是工人岗位（50 岁退休）还是管理、专业技术岗位（55 岁）"
BIRTH_DOUBT_FACT = "是否已达法定退休年龄（出生日期须核对身份证原件：{}）"
"""A labour rule's finding on someone past the statutory age by the birth date of an ID number
that fails its check: whether the age is past at all (the reason is filled in)."""
BIRTH_DOUBT_NOTE = (
    "按身份证号中的出生日期，该员工已达法定退休年龄，但该号码有误（{}），出生日期须核对身份证原件；"
    "确已达到的，本项视其已退休还是弹性延迟退休而定"
)

Check = Callable[["Rule", RuleContext, list[EmployeeMonth]], Iterable[PayrollFinding]]


@dataclass(frozen=True)
class Rule:
    """A payroll rule: what it needs, how severe, on what legal basis, and its check."""

    id: str
    title: str
    area: Area
    severity: Severity
    legal_basis: tuple[Citation, ...]
    check: Check
    needs: tuple[PayrollField, ...] = ()
    needs_any: tuple[PayrollField, ...] = ()
    description: str = ""
    remedy: str = ""
    consequence: str = ""
    """The legal consequence (法律后果) from the statute, carried to the findings adopted."""
    money_kind: MoneyKind | None = None
    """What the rule's amounts are (a finding may say otherwise)."""
    labour_relation: bool = True
    """The rule presumes a labour relation (not for the age and data rules): past the statutory
    retirement age its findings become info, depending on retirement or flexible delay."""
    pro_rated: bool = False
    """The rule uses the month's pay-day share (``EmployeeMonth.ratio``): its findings say how."""
    test: str = ""
    """The statute's test the rule applies, in a sentence (README rule table)."""

    def missing(self, present: frozenset[PayrollField]) -> str:
        """Why the rule cannot run on these columns, or ``""``."""
        lacking = [f.label for f in self.needs if f not in present]
        if self.needs_any and not any(f in present for f in self.needs_any):
            lacking.append("或".join(f.label for f in self.needs_any))
        return f"缺少列：{'、'.join(lacking)}" if lacking else ""


def cite(law: str, article: str = "", excerpt: str = "") -> Citation:
    return Citation(law=law, article=article, excerpt=excerpt)


def _sum(row: PayrollRow, names: Sequence[str]) -> Decimal:
    """Sum of the named fields that have a value (missing ones add nothing), in ``names`` order."""
    total = ZERO
    for name in names:
        value = getattr(row, name)
        if value:
            total = total + value
    return total


_ROW_DICT = attrgetter("__dict__")


def row_column(rows: Sequence[PayrollRow], name: str) -> Iterator[Any]:
    """The named field's value on each row (see :func:`row_fields`)."""
    if rows and hasattr(rows[0], "__dict__"):
        return map(itemgetter(name), map(_ROW_DICT, rows))
    return map(attrgetter(name), rows)


OT_HOURS_FIELDS = ("ot_hours_workday", "ot_hours_restday", "ot_hours_holiday")


def row_fields(rows: Iterable[PayrollRow], names: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """Per row, the named fields' values as one tuple (in ``names`` order; at least two names).

    Fetched in one C call per row: through the instance dictionary where rows have one (a
    pydantic model: several times faster than attribute access), else by attribute.
    """
    rows = rows if isinstance(rows, Sequence) else list(rows)
    if rows and hasattr(rows[0], "__dict__"):
        return map(itemgetter(*names), map(_ROW_DICT, rows))
    return map(attrgetter(*names), rows)


def employee_key(row: PayrollRow) -> str:
    """What the report can show for the employee: 工号, else the masked ID number, else the name."""
    if row.employee_id:
        return row.employee_id
    if row.id_number:
        return mask_id_number(row.id_number)
    return row.name or f"第 {row.source_row} 行"


def person_token(row: PayrollRow) -> str:
    """The one identity of the row's employee, for matching across files and months: the ID
    number where there is one (hashed, so findings never carry it), else 工号, else the name.

    Two rows are the same person only when their tokens are equal; nothing looks a person up in
    another file by 工号 or name when the row has an ID number.
    """
    return identity_token(row.id_number, row.employee_id, row.name)


def identity_token(id_number: str | None, employee_id: str | None, name: str | None) -> str:
    """:func:`person_token` from the three identity fields themselves (stored rows read
    without building them)."""
    if id_number:
        digest = hashlib.sha256(id_number.strip().upper().encode()).hexdigest()[:20]
        return f"id:{digest}"
    if employee_id:
        return f"emp:{employee_id.strip()}"
    return f"name:{(name or '').strip()}"


def _days(value: Decimal) -> str:
    """``Decimal("12.0")`` → ``12``, ``Decimal("10.5")`` → ``10.5`` (days in notes)."""
    return f"{value.normalize():f}"


def _ratio(row: PayrollRow, start: date, end: date) -> tuple[Decimal, str, bool, bool]:
    """Share of the month the minimum wage is due for, the basis in words, whether the
    shortfall comes from days the file cannot classify (absent, and no paid-leave figure), and
    whether the share is unknown (a hire inside a month the holiday data does not cover, and no
    attendance columns: the share is then given as 1 and must not be used).

    Paid leave counts as attendance (最低工资规定 第十二条: only days without normal labour for
    the employee's own reasons lower the requirement): ``min(1, (attended + paid leave) /
    scheduled)``. Without attendance columns, a hire date inside the month gives the 计薪日 share:
    (working days + statutory holidays employed) / (the month's working days + statutory holidays),
    statutory holidays being paid days (facts file §9.0).
    """
    scheduled, attended = row.scheduled_days, row.attended_days
    hired = (
        _hire_ratio(start, end, row.hire_date)
        if (row.hire_date is not None and start < row.hire_date <= end)
        else None
    )
    if scheduled and attended is not None and scheduled > 0:
        leave = row.paid_leave_days
        counted = attended + (leave or ZERO)
        share, from_hire, paid_holidays, holidays = _schedule_basis(
            start, end, row.hire_date, scheduled
        )
        # statutory holidays are paid days (计薪日): added on both sides when the schedule
        # counts working days only — to the days worked, only those he was employed on
        days, due = counted + paid_holidays, scheduled + holidays
        if days >= due and share == ONE:
            return ONE, "", False, False
        att = min(ONE, days / due)
        ratio = att * share  # a schedule counted from the hire date: also the share employed
        basis = (
            f"出勤 {_days(attended)} 天"
            + (f" + 带薪假 {_days(leave)} 天" if leave else "")
            + (f" + 法定节假日 {paid_holidays} 天" if paid_holidays else "")
            + f"、应计薪 {_days(due)} 天，即 {_days(days)}/{_days(due)}"
            + (
                f"，自 {row.hire_date:%m-%d} 入职（{hired[1] if hired else ''}）"
                if from_hire
                else ""
            )
            + "，按比例折算"
        )
        if leave is None and counted < scheduled:  # absent days, not holidays before the hire
            return (
                ratio,
                basis + "；如缺勤为带薪假（年休假、婚假、调休等），不应折算，请核实",
                True,
                False,
            )
        return ratio, basis, False, False
    if hired is not None:
        hire_share, note = hired
        if hire_share is None:  # the holiday data does not cover the year: share unknown
            return ONE, note, False, True
        return hire_share, note, False, False
    return ONE, "", False, False


@cache
def _schedule_basis(
    start: date, end: date, hire: date | None, scheduled: Decimal
) -> tuple[Decimal, bool, int, int]:
    """How a row's 应出勤 reads: (share of the month employed that the schedule leaves out,
    whether the schedule counts from the hire date, statutory holidays the employee was employed
    on, statutory holidays in the scheduled span).

    A hire inside the month whose schedule is nearer the working days from the hire date than the
    whole month's is a schedule from the hire date: the 计薪日 share employed applies on top.
    Statutory holidays are paid days: added to both sides, when the schedule counts working days
    only (not already 21.75-style) — to the days worked only those on which he was employed.
    """
    try:
        work_all, hol_all = workcal.pay_days(start, end)
        if hire is not None and start < hire <= end:
            work_from, hol_from = workcal.pay_days(hire, end)
            if abs(scheduled - work_from) < abs(scheduled - work_all):
                share = _hire_ratio(start, end, hire)[0] or ONE  # covered: pay_days worked
                counts_work = scheduled <= work_from
                return share, True, hol_from * counts_work, hol_from * counts_work
            counts_work = scheduled <= work_all
            return ONE, False, hol_from * counts_work, hol_all * counts_work
    except workcal.CalendarUnavailable:
        return ONE, False, 0, 0
    counts_work = scheduled <= work_all
    return ONE, False, hol_all * counts_work, hol_all * counts_work


@cache
def _hire_ratio(start: date, end: date, hire: date) -> tuple[Decimal | None, str]:
    """The 计薪日 share of a month for someone hired inside it (cached: many rows share it);
    ``None`` when the holiday data does not cover the year (the note says so)."""
    try:
        work, hol = workcal.pay_days(hire, end)
        all_work, all_hol = workcal.pay_days(start, end)
    except workcal.CalendarUnavailable as exc:
        return (
            None,
            f"{hire:%Y-%m-%d} 入职，本月未满月，但{exc.message.rstrip('。')}，无法按计薪日折算",
        )
    total = all_work + all_hol
    if not total:
        return ONE, ""
    return Decimal(work + hol) / Decimal(total), (
        f"{hire:%Y-%m-%d} 入职，按计薪日（工作日 + 法定节假日）折算：在职 {work} 个工作日 + "
        f"{hol} 天法定节假日，本月 {all_work} 个工作日 + {all_hol} 天法定节假日，即 "
        f"{work + hol}/{total}"
    )


PART_TIME_WORDS = ("非全日制", "小时工", "兼职", "钟点工")
"""用工形式 values that say part-time (劳动合同法 第六十八条; facts file §1.10)."""
NON_LABOUR_WORDS = (
    "实习",
    "勤工助学",
    "返聘",
    "退休人员",
    "已退休",
    "劳务关系",
    "劳务协议",
    "劳务合同",
)
"""用工形式 values that say the row is no labour relation: students' work-study and interns
(劳部发〔1995〕309号 第十二条), retirees re-hired (最高法解释（一）第三十二条), service contracts.
劳务派遣 (dispatch) is a labour relation with the agency and is not one of them (facts §1.10)."""


_NEGATED = re.compile(r"(非|不是|不属于|不|无|未|否)\s*$")
"""Words just before a :data:`NON_LABOUR_WORDS` word that deny it (非实习, 非劳务关系, 不是返聘)."""
_ENDED = ("转正", "转为正式", "转合同", "转劳动合同")
"""Words saying the internship or service contract has ended in employment (实习期满转正)."""


@cache
def _relation(kind: str) -> str:
    """``kind`` when the 用工形式 says no labour relation (:data:`NON_LABOUR_WORDS`), else ``""``.

    A word the 用工形式 denies (非实习, 非退休人员, 不是返聘) or an internship that ended in
    employment (实习期满转正) says the person is an employee: ``""``.
    """
    if "派遣" in kind or any(word in kind for word in _ENDED):
        return ""
    return kind if _says(kind, NON_LABOUR_WORDS) else ""


_INTERN_PERIOD = re.compile(r"^\s*实习期(?!满)")
"""实习期 at the start of a 用工形式 (实习期, 实习期员工), not 实习期满 (ended: :data:`_ENDED`)."""


@cache
def _intern_period(kind: str | None, relation: str) -> str:
    """``kind`` when the 用工形式 names an 实习期 and nothing that makes the person a student
    (学生, 实习生) — taken then as an employee to verify, not as no labour relation — else ``""``.
    ``relation`` is :func:`_relation`'s answer for ``kind``."""
    if not kind or not relation or not _INTERN_PERIOD.search(kind) or "学生" in kind:
        return ""
    rest = kind.replace("实习期", "", 1)
    return "" if _says(rest, NON_LABOUR_WORDS) else kind


def _says(kind: str, words: Iterable[str]) -> bool:
    """Whether ``kind`` names one of ``words`` without denying it (非兼职, 非实习: :data:`_NEGATED`)."""
    for word in words:
        start = kind.find(word)
        while start >= 0:
            if not _NEGATED.search(kind[:start]):
                return True
            start = kind.find(word, start + 1)
    return False


PART_TIME_WEEKLY_HOURS = Decimal(24)
"""A part-timer works at most 24 hours a week for one employer (劳动合同法 第六十八条)."""


def _part_time(row: PayrollRow, start: date, end: date) -> bool:
    """The payroll says the person is a part-timer (非全日制): a 用工形式 naming it, or hours and
    an hourly rate on the row — never low pay alone. An explicit 全日制 wins over hours × rate,
    and so do more hours than a part-timer may work in the month (24 h a week)."""
    kind = row.employment_type
    if kind:
        if _says(kind, PART_TIME_WORDS):
            return True
        if "全日制" in kind:
            return False
    hours = row.work_hours
    if hours is None or row.hourly_rate is None:
        return False
    weeks = Decimal((end - start).days + 1) / 7
    return hours <= PART_TIME_WEEKLY_HOURS * weeks


_DERIVE_FIELDS = (
    "period", "id_number", "employee_id", "employment_type", "work_hours", "hourly_rate",
    "hire_date", "scheduled_days", "attended_days", "paid_leave_days", "gross_pay", "ot_pay",
    "housing_fund_employee", "si_employee_total", "si_hf_employee_total", "annual_bonus",
    *_EXCLUDED_NAMES, *_SI_NAMES, *OT_HOURS_FIELDS,
)  # fmt: skip
"""The fields :func:`derive` reads from each row (see :func:`row_fields`)."""


def derive(rows: Sequence[PayrollRow], params: RegionParams) -> list[EmployeeMonth]:
    """Each row's shared figures (sums, ratio, ID facts, retirement) computed once.

    Everything that depends on few distinct inputs is computed once per distinct input and
    shared: the month's bounds per period, the ID facts and retirement months per ID number, the
    pay-day share per (month, schedule, attendance, paid leave, hire inside the month). The
    allowance and SI sums add each non-zero field in turn to ``ZERO``, as :func:`_sum` does (the
    same Decimals, exponent included); they are kept only inside the figures built from them.
    """
    today = date.today()
    months: dict[str, tuple[date, date, tuple[int, int]]] = {}
    people: dict[str, tuple[IdInfo, tuple[int, int] | None, str, tuple[int, int] | None]] = {}
    ratios: dict[tuple[object, ...], tuple[Decimal, str, bool, bool]] = {}
    out: list[EmployeeMonth] = []
    append = out.append
    for row, values in zip(rows, row_fields(rows, _DERIVE_FIELDS), strict=True):
        (period, number, employee_id, kind, work_hours, hourly_rate, hire, scheduled, attended,
         leave, gross, ot_pay, hf, si_total, si_hf_total, annual, night, high_temp, meal,
         transport, housing, pension, medical, unemployment, ot_wd, ot_rd, ot_hol) = values  # fmt: skip
        month = months.get(period)
        if month is None:
            month = months[period] = (*workcal.month_bounds(period), _year_month(period))
        start, end, ym = month
        ident = None
        retired, retirement_note, maybe_retired, doubt = False, "", False, ""
        if number:
            person = people.get(number)
            if person is None:
                person = people[number] = _person(parse_id(number, today=today), params)
            ident, retire_at, age, women_50_at = person
            if retire_at is not None and ym > retire_at:
                retired = True
                retirement_note = (
                    f"已于 {retire_at[0]}-{retire_at[1]:02d} 达到法定退休年龄（{age}）"
                )
            elif women_50_at is not None and ym > women_50_at:
                maybe_retired = True
            if (retired or maybe_retired) and ident.problem and not ident.old_format:
                # a birth date from a number that fails its check: not taken as past the age
                retired, doubt = False, ident.problem
        part_time = (
            kind is not None or (work_hours is not None and hourly_rate is not None)
        ) and _part_time(row, start, end)
        if part_time:  # a part-timer is paid by the hour: no monthly minimum to pro-rate
            ratio, note, leave_unknown, share_unknown = ONE, "", False, False
        else:
            if hire is not None and not start < hire <= end:
                hire = None  # only a hire inside the month changes the share
            key = (start, scheduled, attended, leave, hire)
            known = ratios.get(key)
            if known is None:
                known = ratios[key] = _ratio(row, start, end)
            ratio, note, leave_unknown, share_unknown = known
        si_items = ZERO  # in EMPLOYEE_SI order, as _sum
        if pension:
            si_items = si_items + pension
        if medical:
            si_items = si_items + medical
        if unemployment:
            si_items = si_items + unemployment
        si = si_items
        if not si:  # a combined column: 社保个人合计, else 五险一金 (SI and HF together)
            si = si_total or si_hf_total or si
        ot_pay = ot_pay or ZERO
        hf_inside_si = not si_items and not si_total and bool(si_hf_total)
        if hf is None and si_hf_total is not None and si:
            hf = ZERO  # already inside the combined 五险一金 amount taken as ``si``
        if gross is None:
            normal = eligible = None
        else:
            excluded = ZERO  # in EXCLUDED_ALLOWANCES order, as _sum
            if night:
                excluded = excluded + night
            if high_temp:
                excluded = excluded + high_temp
            if meal:
                excluded = excluded + meal
            if transport:
                excluded = excluded + transport
            if housing:
                excluded = excluded + housing
            # a year-end bonus counts toward the minimum wage of the month it is paid in (facts
            # §9.2); a 五险一金 total taken as ``si`` holds the housing fund: not subtracted twice
            hf_part = ZERO if hf_inside_si else hf or ZERO
            if annual:
                normal = gross - ot_pay - excluded - annual
                eligible = normal + annual - si - hf_part
            else:
                # the same values without the zero bonus (rules compare and round these values;
                # an exponent a zero would have changed is never shown)
                normal = gross - ot_pay - excluded if ot_pay or excluded else gross
                eligible = normal - si - hf_part if si or hf_part else normal
        relation = _relation(kind) if kind else ""
        intern_period = _intern_period(kind, relation)
        if intern_period:
            relation = ""  # an employee on probation, to verify: the findings stand
        append(
            EmployeeMonth(
                row, employee_id if employee_id else employee_key(row), ident, start, end, ratio,
                note, gross, ot_pay, si == ZERO, hf, retired, retirement_note, normal, eligible,
                part_time, leave_unknown, period, ot_wd or ZERO, ot_rd or ZERO, ot_hol or ZERO,
                maybe_retired, share_unknown, relation, intern_period, doubt,
            )
        )  # fmt: skip
    return out


def _person(
    ident: IdInfo, params: RegionParams
) -> tuple[IdInfo, tuple[int, int] | None, str, tuple[int, int] | None]:
    """An ID number's retirement facts: (ID, the month after which the statutory age is past —
    men by the men's schedule, women by the 55 schedule, since whether a woman's post is a 50
    (worker) or 55 (cadre) post is not in payroll —, the age in words, and for a woman the
    month past the 50 schedule); ``None`` months without a birth date or sex."""
    if ident.birth is None or ident.male is None:
        return ident, None, "", None
    schedule = params.retirement["men" if ident.male else "women_55"]
    retire_at = schedule.retirement_month(ident.birth)
    women_50_at = None
    if ident.male is False:
        women_50_at = params.retirement["women_50"].retirement_month(ident.birth)
    return ident, retire_at, schedule.age_text(ident.birth), women_50_at


@cache
def _year_month(period: str) -> tuple[int, int]:
    return int(period[:4]), int(period[5:7])


def present_fields(rows: Sequence[PayrollRow]) -> frozenset[PayrollField]:
    """Fields with a value in at least one row (used when the mapped columns are not known)."""
    found: set[PayrollField] = set()
    remaining = [f for f in PayrollField if f is not F.PERIOD]
    for row in rows:
        for f in list(remaining):
            if getattr(row, f.value) is not None:
                found.add(f)
                remaining.remove(f)
        if not remaining:
            break
    found.add(F.PERIOD)
    return frozenset(found)


def run_rules(
    rows: Sequence[PayrollRow],
    *,
    region: str = "shanghai",
    present: frozenset[PayrollField] | None = None,
    agreed_pay_day: int | None = None,
    rules: Sequence[Rule] | None = None,
    reports: Sequence[FileReport] = (),
) -> CheckResult:
    """Apply every rule whose input columns exist to ``rows``.

    Args:
        rows: typed payroll rows (any number of files, periods and employees).
        region: parameter set (``shanghai``).
        present: the fields the source files had columns for; a rule needs its columns present,
            even if blank on some rows (a blank 合同签订日期 means "not signed"). Without it, a
            field counts as present when any row has a value.
        agreed_pay_day: the company's agreed pay day (day of the month after the pay month).
        reports: the import reports of the rows' files: columns of amounts left unmapped on a
            sheet keep the sum checks off that sheet (they may explain the difference).
    """
    from auditdesk.rules.catalog import RULES

    with paused_gc():
        unmapped = {
            (f.file, sh.name): sh.unmapped_money
            for f in reports
            for sh in f.sheets
            if sh.unmapped_money
        }
        return _run(
            rows, region, present, agreed_pay_day, rules if rules is not None else RULES,
            unmapped, unreadable_cells(reports),
        )  # fmt: skip


_NOT_FIGURES = frozenset({PayrollField.NAME, PayrollField.EMPLOYEE_ID, PayrollField.ID_NUMBER,
                          PayrollField.DEPARTMENT, PayrollField.PERIOD})  # fmt: skip


def unreadable_cells(
    reports: Sequence[FileReport],
) -> dict[tuple[str, str, int], list[tuple[PayrollField, str]]]:
    """(file, sheet, row) → the row's unreadable cells of figures (amounts, hours, dates), each
    with its field and as ``E2“待定”（加班费）``: what a finding computed from them does not know."""
    out: dict[tuple[str, str, int], list[tuple[PayrollField, str]]] = {}
    for f in reports:
        for sh in f.sheets:
            for p in sh.problems:
                digits = "".join(ch for ch in p.cell if ch.isdigit())
                if p.field is None or p.field in _NOT_FIGURES or not digits:
                    continue
                label = f"{p.cell}“{p.value}”（{p.field.label}）"
                out.setdefault((f.file, sh.name, int(digits)), []).append((p.field, label))
    return out


def _run(
    rows: Sequence[PayrollRow],
    region: str,
    present: frozenset[PayrollField] | None,
    agreed_pay_day: int | None,
    rules: Sequence[Rule],
    unmapped: dict[tuple[str, str], list[str]],
    unreadable: dict[tuple[str, str, int], list[tuple[PayrollField, str]]],
) -> CheckResult:
    params = load_params(region)
    have = present if present is not None else present_fields(rows)
    ctx = RuleContext(
        params=params, present=have, agreed_pay_day=agreed_pay_day, unmapped_money=unmapped,
        unreadable=unreadable,
    )  # fmt: skip
    emps = derive(rows, params)
    run: list[str] = []
    skipped: list[RuleSkip] = []
    findings: list[PayrollFinding] = []
    for rule in rules:
        why = rule.missing(have)
        if why:
            skipped.append(RuleSkip(rule=rule.id, title=rule.title, reason=why))
            continue
        run.append(rule.id)
        findings.extend(rule.check(rule, ctx, emps))
    periods = sorted({e.period for e in emps})
    ctx.notes.extend(_period_notes(ctx, periods))
    ctx.notes.extend(_pay_month_labelling(rows))
    findings.sort(key=lambda f: (f.period, f.severity.rank, f.rule, f.employee_key))
    return CheckResult(
        region=region,
        rows=len(rows),
        employees=len({e.key for e in emps}),
        periods=periods,
        rules_run=run,
        rules_skipped=skipped,
        findings=findings,
        notes=ctx.notes,
    )


def _period_notes(ctx: RuleContext, periods: list[str]) -> list[str]:
    notes = []
    for series in (ctx.params.minimum_wage, ctx.params.si_base, ctx.params.hf_base):
        before = [p for p in periods if series.at(p) is None]
        if before:
            notes.append(
                f"{'、'.join(before)} 早于已知的{series.label}数据，相关规则未检查这些月份。"
            )
        found = {p: series.at(p) for p in periods}
        late = [p for p, f in found.items() if f is not None and f.outdated]
        after = [p for p in late if period_start(p) > series.known_until]
        if after:
            last = series.entries[-1]
            notes.append(
                f"{'、'.join(after)} 晚于{series.label}数据的已知有效期（至 {series.known_until}），"
                f"按 {last.start} 起的标准检查，参数可能已过时。"
            )
        gaps: dict[date, list[str]] = {}  # a yearly series' year with no figure of its own
        for p in late:
            f = found[p]
            if f is not None and period_start(p) <= series.known_until:
                gaps.setdefault(f.entry.start, []).append(p)
        for start, months in gaps.items():
            notes.append(
                f"{'、'.join(months)} 所在年度没有已知的{series.label}，按 {start} 起的标准检查，"
                "参数可能已过时，请核实。"
            )
    return notes


def _pay_month_labelling(rows: Sequence[PayrollRow]) -> list[str]:
    """Files labelled by pay month (not work month) shift every threshold (facts file §9.0)."""
    paid = early = 0  # counted, not listed: 60,000 (date, month) pairs would be 3 MB
    for day, period in row_fields(rows, ("pay_date", "period")):
        if day is not None:
            paid += 1
            if day.day < 22 and (day.year, day.month) == _year_month(period):
                early += 1
    if paid < 3:
        return []
    if early * 2 > paid:
        return [
            "多数发放日期在所标月份的月中之前：该表的“月份”可能是发放月份而非工资所属月份，"
            "请核实（这会影响最低工资等标准的适用月份）。"
        ]
    return []
