"""Social insurance and housing fund: contributions missing, base below the floor.

Part-timers (非全日制) get none of these findings: only work-injury insurance is mandatory for them
and the housing fund is not required (facts file §1.10). People past the statutory retirement age get
one 提示 per rule instead (retired, or a flexible delay? §1.8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from auditdesk.models.common import Area
from auditdesk.models.finding import MoneyKind, Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import (
    RETIREMENT_FACT,
    SI_COLUMNS,
    ZERO,
    EmployeeMonth,
    F,
    Rule,
    RuleContext,
    cite,
    relation_fact,
    yuan,
)
from auditdesk.rules.params import Lookup, unverified_why

SI_PENSION_RATE = Decimal("0.08")
PART_TIME_WORDS = ("非全日制", "小时工", "兼职", "钟点工")


def is_part_time(emp: EmployeeMonth) -> bool:
    """The payroll says the person is a part-timer (``EmployeeMonth.part_time``: a 用工形式 naming
    非全日制/小时工/兼职/钟点工, or hours and an hourly rate within 24 hours a week). Never guessed
    from low pay (facts file §1.10)."""
    return emp.part_time


FLEXIBLE_DELAY_FROM = (2025, 1)
"""The retirement measures (and with them the flexible delay) are in force from 2025-01-01."""
FLEXIBLE_DELAY_MAX_MONTHS = 36


def _flexible_delay_unlikely(ctx: RuleContext, emp: EmployeeMonth) -> str:
    """A note when the dates rule a flexible delay out: statutory age reached before the measures
    took effect, or more than the longest delay (3 years) ago."""
    ident = emp.ident
    if ident is None or ident.birth is None or ident.male is None:
        return ""
    schedule = ctx.params.retirement["men" if ident.male else "women_55"]
    y, m = schedule.retirement_month(ident.birth)
    months_past = (emp.start.year - y) * 12 + emp.start.month - m
    if (y, m) < FLEXIBLE_DELAY_FROM:
        return "（达到法定退休年龄早于 2025 年 1 月弹性退休办法施行，弹性延迟退休的可能性很小）"
    if months_past > FLEXIBLE_DELAY_MAX_MONTHS:
        return "（已超过最长 3 年的弹性延迟期限，弹性延迟退休的可能性很小）"
    return ""


def past_retirement(
    rule: Rule, ctx: RuleContext, emp: EmployeeMonth, seen: set[str], what: str
) -> Iterator[PayrollFinding]:
    """For someone past the statutory retirement age, where ``rule`` would otherwise fire: one 提示
    per person (``seen`` holds who has had it), resting on whether the person has retired (then a
    service relation) or agreed a flexible delay of up to 3 years (still a labour relation, and the
    rule applies in full) — facts file §1.8."""
    if emp.key in seen:
        return
    seen.add(emp.key)
    if not emp.retired:  # the payroll marks the row as no labour relation (EmployeeMonth.relation)
        yield ctx.finding(
            rule,
            emp,
            f"工资表载明用工形式为“{emp.relation}”；{what}。在校学生勤工助学或实习、已退休人员返聘等"
            "一般不构成劳动关系，本项不适用；如实际为劳动关系（例如已毕业的学生、未领取养老金的人员），"
            "本项照常适用。请核实用工性质",
            severity=Severity.INFO,
            depends_on=relation_fact(emp.relation),
        )
        return
    yield ctx.finding(
        rule,
        emp,
        f"{emp.retirement_note}{_flexible_delay_unlikely(ctx, emp)}；{what}。"
        "已办理退休或领取养老金的，继续用工一般按劳务关系处理，本项不适用；"
        "经协商弹性延迟退休（最长 3 年）的，仍为劳动关系，本项照常适用。"
        "请核实：已退休（劳务关系）还是弹性延迟退休（仍为劳动关系）",
        severity=Severity.INFO,
        depends_on=RETIREMENT_FACT,
    )


def _whole(amount: Decimal) -> str:
    """``37302`` → ``37,302 元``; amounts with cents keep them."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,} 元"
    return yuan(amount)


def clamp_base(
    declared: Decimal | None, lower: Decimal, upper: Decimal, declared_as: str = "申报基数"
) -> tuple[Decimal, str]:
    """The base an estimate uses, clamped to the month's floor and ceiling, and how it was chosen
    ("按基数上限 37,302 元估算")."""
    if declared is None or declared <= ZERO:
        return lower, f"按基数下限 {_whole(lower)}估算"
    if declared < lower:
        return lower, f"{declared_as} {_whole(declared)}低于下限，按基数下限 {_whole(lower)}估算"
    if declared > upper:
        return upper, f"{declared_as} {_whole(declared)}高于上限，按基数上限 {_whole(upper)}估算"
    return declared, f"按{declared_as} {_whole(declared)}估算"


def figure_caveat(found: Lookup, label: str, key: str) -> str:
    """``""`` when the month's figure ``key`` (``lower``/``upper``) is verified; else a 待核实
    note naming it (``2021-07-01 起的社保缴费基数下限 5,975 元为二手来源，待核实``) — facts file
    marks such figures 2nd-hand or their dating inferred (§6.3, §6.5, §11.2)."""
    why = unverified_why(found.entry)
    if not why:
        return ""
    which = "下限" if key == "lower" else "上限"
    return f"{found.entry.start:%Y-%m-%d} 起的{label}{which} {_whole(found[key])}{why}，待核实"


def _clamped_by(declared: Decimal | None, found: Lookup) -> str:
    """Which limit an estimate's base was clamped to (``lower``/``upper``), or ``""``."""
    if declared is None or declared <= ZERO or declared < found["lower"]:
        return "lower"
    return "upper" if declared > found["upper"] else ""


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _due_for_si(emp: EmployeeMonth) -> bool:
    """Past the 30-day registration window and one month of payroll lag (SIL Art. 58)."""
    hire = emp.row.hire_date
    if hire is None:
        return True
    registered_by = hire + timedelta(days=30)
    return _month_index(emp.start.year, emp.start.month) > _month_index(
        registered_by.year, registered_by.month
    )


def check_si_not_paid(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    params = ctx.params
    rate = params.si_employer_total + params.si_employee_total
    retired: set[str] = set()
    for emp in emps:
        if not emp.si_blank or emp.part_time or not _due_for_si(emp):
            continue
        if emp.retired or emp.relation:
            yield from past_retirement(rule, ctx, emp, retired, "工资表未见个人缴纳的社会保险费")
            continue
        found = ctx.lookup("si_base", emp.period)
        amount = None
        caveat = ""
        how = "缺少当期社保基数标准，未估算"
        if found is not None:
            base, how = clamp_base(emp.row.si_base, found["lower"], found["upper"])
            amount = base * rate
            limit = _clamped_by(emp.row.si_base, found)
            caveat = "；".join(
                c
                for c in (
                    ESTIMATE_CAVEAT,
                    SI_RATE_CAVEAT,
                    figure_caveat(found, "社保缴费基数", limit) if limit else "",
                    ctx.outdated_caveat(found, "社保基数"),
                )
                if c
            )
        hire = f"（{emp.row.hire_date:%Y-%m-%d} 入职）" if emp.row.hire_date else ""
        message = (
            f"{emp.period} 未见个人缴纳的养老、医疗、失业保险费{hire}，已超过用工之日起 30 日内"
            f"办理社会保险登记的期限；{how}，单位和个人每月应缴约 "
            f"{yuan(amount) if amount is not None else '—'}，另有每日万分之五滞纳金。"
            "以现金补贴代替缴纳社保的约定无效"
        )
        yield ctx.finding(rule, emp, message, amount=amount, caveat=caveat)


ESTIMATE_CAVEAT = "缴费基数应为职工上年度月平均工资，金额为估算"
SI_RATE_CAVEAT = "单位费率按约 27% 估算（医疗费率由 10.5% 下调为 10% 的日期待核实，工伤保险未计）"
"""The employer total behind every SI amount rests on an unverified date (facts §6.4, §11.3)."""
HF_RATE_CAVEAT = "按单位和个人各 7% 估算（上海是否允许 5% 至 7% 的比例区间待核实）"
"""HF amounts at the standard 7 % may be high if 5 % is allowed (facts §6.5, §11.4)."""


SI_NOT_PAID = Rule(
    id="SI.NOT_PAID",
    consequence=(
        "未办理社会保险登记的，责令限期改正，逾期处应缴社会保险费数额 1 倍以上 3 倍以下的罚款（社"
        "会保险法第八十四条）；未按时足额缴纳的，责令限期缴纳或补足，自欠缴之日起按日加收 0.05% "
        "的滞纳金，逾期仍不缴纳的处欠缴数额 1 倍以上 3 倍以下的罚款（第八十六条）。不缴社保的约定"
        "无效，劳动者可解除劳动合同并要求经济补偿。"
    ),
    title="未缴纳社会保险",
    area=Area.SOCIAL_INSURANCE,
    severity=Severity.HIGH,
    needs_any=SI_COLUMNS,
    legal_basis=(
        cite(
            "社会保险法",
            "第五十八条",
            "用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。",
        ),
        cite("社会保险法", "第八十四条、第八十六条"),
        cite("最高人民法院关于审理劳动争议案件适用法律问题的解释（二）", "第十九条"),
    ),
    check=check_si_not_paid,
    money_kind=MoneyKind.CONTRIBUTIONS_OWED,
    test="用人单位应自用工之日起三十日内为职工办理社会保险登记并按月足额缴纳社会保险费（非全日制用工只强制工伤保险）。",
    remedy="自用工之日起 30 日内办理社保登记，补缴欠缴的社会保险费及滞纳金；现金补贴代替社保的约定无效。",
    description="个人社保三项均为空或为 0，且已过入职 30 日登记期（另留一个月发薪滞后）；"
    "估算基数限定在当月上下限之间。非全日制用工不提示；"
    "已达法定退休年龄或工资表载明为实习、勤工助学、退休返聘、劳务协议的，每人提示一次，"
    "请核实是否仍为劳动关系。",
)


def check_si_base(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    params = ctx.params
    rate = params.si_employer_total + params.si_employee_total
    retired: set[str] = set()
    declared_slack, derived_slack = Decimal("0.5"), Decimal("1.25")
    # per pay month: (the base figures, the floor, the floor less each tolerance)
    floors: dict[str, tuple[Lookup, Decimal, Decimal, Decimal] | None] = {}
    for emp in emps:
        if emp.part_time:
            continue
        period = emp.period
        if period in floors:
            known = floors[period]
        else:
            found = ctx.lookup("si_base", period)
            known = floors[period] = (
                None
                if found is None
                else (
                    found,
                    found["lower"],
                    found["lower"] - declared_slack,
                    found["lower"] - derived_slack,
                )
            )
        if known is None:
            continue
        found, lower, declared_floor, derived_floor = known
        declared = emp.row.si_base
        if declared is not None and declared > ZERO:
            if declared >= declared_floor:
                continue
            base, tolerance, how = declared, declared_slack, "申报的缴费基数"
        else:
            pension = emp.row.pension_employee
            if not pension:
                continue  # nothing paid: SI.NOT_PAID's business
            base = pension / SI_PENSION_RATE
            if base >= derived_floor:
                continue
            tolerance, how = derived_slack, "按个人养老保险 8% 反推的缴费基数"
        if emp.retired or emp.relation:
            yield from past_retirement(
                rule, ctx, emp, retired, f"{how} {yuan(base)} 低于当期社保缴费基数下限"
            )
            continue
        unverified = figure_caveat(found, "社保缴费基数", "lower")
        caveat = "；".join(
            c for c in (unverified, ctx.outdated_caveat(found, "社保基数"), SI_RATE_CAVEAT) if c
        )
        # the verdict itself rests on the floor: an unverified one makes it 待核实 (never 高)
        depends = (
            f"{found.entry.start:%Y-%m-%d} 起的社保缴费基数下限 {_whole(lower)}是否准确"
            if unverified
            else ""
        )
        if (
            emp.period in params.si_catch_up_months
            and base >= params.si_catch_up_old_lower - tolerance
        ):
            yield ctx.finding(
                rule,
                emp,
                f"{how} {yuan(base)} 低于 {emp.period} 起的新下限 {yuan(lower)}，但不低于上一年度下限 "
                f"{yuan(params.si_catch_up_old_lower)}：新基数公布较晚，应在 "
                f"{params.si_catch_up_deadline} 前补缴差额（补差），请核实是否已补缴",
                amount=(lower - base) * rate,
                severity=Severity.LOW,
                caveat=caveat,
                depends_on=depends,
            )
            continue
        yield ctx.finding(
            rule,
            emp,
            f"{how} {yuan(base)} 低于 {emp.period} 上海社保缴费基数下限 {yuan(lower)}，"
            f"每月少缴约 {yuan((lower - base) * rate)}（单位和个人合计）",
            amount=(lower - base) * rate,
            caveat=caveat,
            depends_on=depends,
        )


SI_BASE_BELOW_FLOOR = Rule(
    id="SI.BASE_BELOW_FLOOR",
    consequence=(
        "按低于下限的基数缴费属于未足额缴纳社会保险费，须补缴差额，并自欠缴之日起按日加收 0.05% "
        "的滞纳金；逾期仍不缴纳的，处欠缴数额 1 倍以上 3 倍以下的罚款（社会保险法第八十六条）。"
    ),
    title="社保缴费基数低于下限",
    area=Area.SOCIAL_INSURANCE,
    severity=Severity.MEDIUM,
    needs_any=(F.SI_BASE, F.PENSION_EMPLOYEE),
    legal_basis=(
        cite(
            "社会保险法",
            "第八十六条",
            "用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令限期缴纳"
            "或者补足，并自欠缴之日起，按日加收万分之五的滞纳金。",
        ),
        cite(
            "上海市人力资源和社会保障局关于本市社会保险缴费基数上下限的通知",
            "",
            "每年 7 月起按上年度全市职工月平均工资的 60% 至 300% 调整（年度通知，文号待核实）",
        ),
    ),
    check=check_si_base,
    money_kind=MoneyKind.CONTRIBUTIONS_OWED,
    test="社会保险费的缴费基数不得低于上海当年度公布的缴费基数下限（上年度全市职工月平均工资的 60%）。",
    remedy="按上年度月平均工资申报缴费基数（不低于当年下限），补缴差额。",
    description="缴费基数（或按养老保险 8% 反推）低于当期下限；2025 年 7 至 9 月介于新旧下限之间的按补差提示（低）。"
    "当期下限为二手来源或生效日期为推断的（2021-07、2022-07 两档），注明待核实，不高于中风险。"
    "非全日制用工不提示；"
    "已达法定退休年龄或工资表载明为实习、勤工助学、退休返聘、劳务协议的，每人提示一次。",
)


def _due_for_hf(emp: EmployeeMonth) -> bool:
    """The fund starts from the second month of work, plus one month of payroll lag."""
    hire = emp.row.hire_date
    if hire is None:
        return True
    return _month_index(emp.start.year, emp.start.month) > _month_index(hire.year, hire.month) + 1


def check_hf_not_paid(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    params = ctx.params
    retired: set[str] = set()
    for emp in emps:
        hf = emp.employee_hf
        if (hf is not None and hf > ZERO) or emp.part_time or not _due_for_hf(emp):
            continue
        if emp.retired or emp.relation:
            yield from past_retirement(rule, ctx, emp, retired, "工资表未见个人缴存的住房公积金")
            continue
        found = ctx.lookup("hf_base", emp.period)
        amount = None
        caveat = ""
        how = "缺少当期公积金基数标准，未估算"
        if found is not None:
            wage: Decimal | None = emp.row.si_base
            declared_as = "申报基数"
            if not wage:
                wage, declared_as = emp.normal_wage, "本月正常工资"
            base, how = clamp_base(wage, found["lower"], found["upper"], declared_as)
            amount = base * params.hf_rate * 2
            limit = _clamped_by(wage, found)
            caveat = "；".join(
                c
                for c in (
                    ESTIMATE_CAVEAT,
                    HF_RATE_CAVEAT,
                    figure_caveat(found, "公积金缴存基数", limit) if limit else "",
                    ctx.outdated_caveat(found, "公积金基数"),
                )
                if c
            )
        yield ctx.finding(
            rule,
            emp,
            f"{emp.period} 未见个人缴存的住房公积金；{how}，按单位和个人各 7% 计每月应缴约 "
            f"{yuan(amount) if amount is not None else '—'}（单位和个人合计）",
            amount=amount,
            caveat=caveat,
        )


HF_NOT_PAID = Rule(
    id="HF.NOT_PAID",
    consequence=(
        "未办理住房公积金缴存登记或未按月缴存的，由住房公积金管理中心责令限期办理或缴存；逾期仍不"
        "缴存的，可以申请人民法院强制执行。职工可向住房公积金管理中心投诉要求补缴。"
    ),
    title="未缴存住房公积金",
    area=Area.SOCIAL_INSURANCE,
    severity=Severity.MEDIUM,
    needs=(F.HOUSING_FUND_EMPLOYEE,),
    legal_basis=(
        cite(
            "住房公积金管理条例",
            "第十五条",
            "单位录用职工的，应当自录用之日起30日内向住房公积金管理中心办理缴存登记。",
        ),
        cite("住房公积金管理条例", "第十六条至第十八条"),
        cite(
            "住房公积金管理条例",
            "第十九条",
            "职工个人缴存的住房公积金，由所在单位每月从其工资中代扣代缴。",
        ),
    ),
    check=check_hf_not_paid,
    money_kind=MoneyKind.CONTRIBUTIONS_OWED,
    test="单位应自录用之日起三十日内为职工办理住房公积金缴存登记，按月为职工缴存并代扣个人缴存部分（非全日制用工不强制）。",
    remedy="为职工办理住房公积金缴存登记，按不低于 5%（上海一般为 7%）的比例补缴。",
    description="个人公积金为空或为 0，且已过入职次月（另留一个月发薪滞后）；估算基数限定在当月上下限之间。"
    "非全日制用工不提示；"
    "已达法定退休年龄或工资表载明为实习、勤工助学、退休返聘、劳务协议的，每人提示一次。",
)
