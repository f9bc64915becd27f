"""Social insurance and housing fund: contributions missing, base below the floor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from auditdesk.models.common import Area
from auditdesk.models.finding import Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import (
    SI_COLUMNS,
    ZERO,
    EmployeeMonth,
    F,
    Rule,
    RuleContext,
    cite,
    yuan,
)

SI_PENSION_RATE = Decimal("0.08")


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
    for emp in emps:
        if not emp.si_blank or emp.retired or not _due_for_si(emp):
            continue
        found = ctx.lookup("si_base", emp.row.period)
        amount = None
        caveat = ""
        if found is not None:
            base = max(emp.row.si_base or ZERO, found["lower"])
            amount = base * rate
            caveat = ctx.outdated_caveat(found, "社保基数")
        hire = f"（{emp.row.hire_date:%Y-%m-%d} 入职）" if emp.row.hire_date else ""
        message = (
            f"{emp.row.period} 未见个人缴纳的养老、医疗、失业保险费{hire}，已超过用工之日起 30 日内"
            "办理社会保险登记的期限；按基数下限估算单位和个人每月应缴约 "
            f"{yuan(amount) if amount is not None else '—'}，另有每日万分之五滞纳金。"
            "以现金补贴代替缴纳社保的约定无效"
        )
        yield ctx.finding(rule, emp, message, amount=amount, caveat=caveat)


SI_NOT_PAID = Rule(
    id="SI.NOT_PAID",
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
    remedy="自用工之日起 30 日内办理社保登记，补缴欠缴的社会保险费及滞纳金；现金补贴代替社保的约定无效。",
    description="个人社保三项均为空或为 0，且已过入职 30 日登记期（另留一个月发薪滞后）；已达退休年龄者不适用。",
)


def check_si_base(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    params = ctx.params
    rate = params.si_employer_total + params.si_employee_total
    for emp in emps:
        if emp.retired:
            continue
        found = ctx.lookup("si_base", emp.row.period)
        if found is None:
            continue
        lower = found["lower"]
        declared = emp.row.si_base
        if declared is not None and declared > ZERO:
            base, tolerance, how = declared, Decimal("0.5"), "申报的缴费基数"
        elif emp.row.pension_employee:
            base = emp.row.pension_employee / SI_PENSION_RATE
            tolerance, how = Decimal("1.25"), "按个人养老保险 8% 反推的缴费基数"
        else:
            continue  # nothing paid: SI.NOT_PAID's business
        if base >= lower - tolerance:
            continue
        caveat = ctx.outdated_caveat(found, "社保基数")
        if (
            emp.row.period in params.si_catch_up_months
            and base >= params.si_catch_up_old_lower - tolerance
        ):
            yield ctx.finding(
                rule,
                emp,
                f"{how} {yuan(base)} 低于 {emp.row.period} 起的新下限 {yuan(lower)}，但不低于上一年度下限 "
                f"{yuan(params.si_catch_up_old_lower)}：新基数公布较晚，应在 "
                f"{params.si_catch_up_deadline} 前补缴差额（补差），请核实是否已补缴",
                amount=(lower - base) * rate,
                severity=Severity.LOW,
                caveat=caveat,
            )
            continue
        yield ctx.finding(
            rule,
            emp,
            f"{how} {yuan(base)} 低于 {emp.row.period} 上海社保缴费基数下限 {yuan(lower)}，"
            f"每月少缴约 {yuan((lower - base) * rate)}（单位和个人合计）",
            amount=(lower - base) * rate,
            caveat=caveat,
        )


SI_BASE_BELOW_FLOOR = Rule(
    id="SI.BASE_BELOW_FLOOR",
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
        cite("上海市社会保险缴费基数上下限（年度通知）"),
    ),
    check=check_si_base,
    remedy="按上年度月平均工资申报缴费基数（不低于当年下限），补缴差额。",
    description="缴费基数（或按养老保险 8% 反推）低于当期下限；2025 年 7 至 9 月介于新旧下限之间的按补差提示（低）。",
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
    for emp in emps:
        hf = emp.employee_hf
        if (hf is not None and hf > ZERO) or emp.retired or not _due_for_hf(emp):
            continue
        found = ctx.lookup("hf_base", emp.row.period)
        amount = None
        caveat = ""
        if found is not None:
            wage = emp.row.si_base or emp.normal_wage or ZERO
            base = min(max(wage, found["lower"]), found["upper"])
            amount = base * params.hf_rate * 2
            caveat = ctx.outdated_caveat(found, "公积金基数")
        yield ctx.finding(
            rule,
            emp,
            f"{emp.row.period} 未见个人缴存的住房公积金；按 7%+7% 估算每月应缴约 "
            f"{yuan(amount) if amount is not None else '—'}（单位和个人合计）",
            amount=amount,
            caveat=caveat,
        )


HF_NOT_PAID = Rule(
    id="HF.NOT_PAID",
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
    ),
    check=check_hf_not_paid,
    remedy="为职工办理住房公积金缴存登记，按不低于 5%（上海一般为 7%）的比例补缴。",
    description="个人公积金为空或为 0，且已过入职次月（另留一个月发薪滞后）；已达退休年龄者不适用。",
)
