"""Pay rules: minimum wage, overtime pay, late payment, deductions, high-temperature allowance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from auditdesk.models.common import Area
from auditdesk.models.finding import Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import (
    ONE,
    ZERO,
    EmployeeMonth,
    F,
    Rule,
    RuleContext,
    cite,
    pay_deadline,
    yuan,
)

TOLERANCE = Decimal("1.00")
"""Rounding slack for overtime pay (one yuan), as the facts file's formula prescribes."""


def required_minimum(ctx: RuleContext, emp: EmployeeMonth) -> tuple[Decimal, Decimal, str] | None:
    """(monthly minimum, pro-rated requirement, caveat) for the month, or None before the data."""
    found = ctx.lookup("minimum_wage", emp.row.period)
    if found is None:
        return None
    monthly = found["monthly"]
    return monthly, monthly * emp.ratio, ctx.outdated_caveat(found, "最低工资")


def check_min_wage(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    for emp in emps:
        eligible = emp.eligible
        if eligible is None:
            continue
        need = required_minimum(ctx, emp)
        if need is None:
            continue
        monthly, required, caveat = need
        if eligible >= required:  # equality is compliant
            continue
        pro = "" if emp.ratio == ONE else f"（按出勤折算为 {yuan(required)}）"
        message = (
            f"应发 {yuan(emp.gross or ZERO)} 扣除加班费、特殊津贴及餐费/交通/住房补贴和个人缴纳的"
            f"社保公积金后为 {yuan(eligible)}，低于 {emp.row.period} 上海最低工资 {yuan(monthly)}{pro}，"
            f"差额 {yuan(required - eligible)}"
        )
        severity = None
        if emp.retired:
            severity = Severity.INFO
            message += f"。该员工{emp.retirement_note}，已不属于劳动关系，仅供参考"
        yield ctx.finding(
            rule, emp, message, amount=required - eligible, severity=severity, caveat=caveat
        )


MIN_WAGE = Rule(
    id="PAY.MIN_WAGE",
    title="工资低于最低工资标准",
    area=Area.PAY,
    severity=Severity.HIGH,
    needs=(F.GROSS_PAY,),
    legal_basis=(
        cite(
            "最低工资规定",
            "第十二条",
            "在劳动者提供正常劳动的情况下，用人单位应支付给劳动者的工资"
            "在剔除下列各项以后，不得低于当地最低工资标准：延长工作时间工资；中班、夜班、高温、"
            "低温、井下、有毒有害等特殊工作环境、条件下的津贴；法定的劳动者福利待遇等。",
        ),
        cite("劳动合同法", "第八十五条"),
        cite(
            "上海市最低工资标准（历年调整通知）",
            "",
            "个人缴纳的社会保险费和住房公积金、伙食补贴、上下班交通补贴、住房补贴不计入最低工资",
        ),
    ),
    check=check_min_wage,
    remedy="补足差额，今后工资中可计入最低工资的部分不低于当期最低工资标准；工资结构调整应通过集体协商而非单方降薪。",
    description="应发工资扣除加班费、特殊津贴、餐费/交通/住房补贴和个人社保公积金后，与当月最低工资比较；"
    "部分出勤按出勤天数折算。",
)


def check_ot_underpaid(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    ot = ctx.params.overtime
    hours_per_month, share = ot["hours_per_month"], ot["base_share_if_not_agreed"]
    m_wd, m_rd, m_hol = ot["workday"], ot["restday"], ot["holiday"]
    for emp in emps:
        wd, rd, hol = emp.ot_hours
        if not (wd or rd or hol) or emp.normal_wage is None:
            continue
        weighted = m_wd * wd + m_rd * rd + m_hol * hol
        if weighted <= ZERO:
            continue
        need = required_minimum(ctx, emp)
        if need is None:
            continue
        monthly, _required, caveat = need
        full_month = emp.normal_wage / emp.ratio if emp.ratio > ZERO else emp.normal_wage
        base = max(monthly, share * full_month)
        required = base / hours_per_month * weighted
        paid = emp.ot_pay
        hours = f"工作日 {wd} 小时、休息日 {rd} 小时、法定节假日 {hol} 小时"
        if paid < required - TOLERANCE:
            message = (
                f"加班 {hours}，按加班基数 {yuan(base)}（不低于最低工资，未约定时按正常工资的 70%）"
                f"÷{hours_per_month}×150%/200%/300% 应付至少 {yuan(required)}，实付 {yuan(paid)}，"
                f"少付 {yuan(required - paid)}"
            )
            if rd > ZERO:
                message += "（如休息日加班已安排同等时间补休，该部分可不付加班费）"
            yield ctx.finding(rule, emp, message, amount=required - paid, caveat=caveat)
            continue
        contract = (emp.row.base_pay or ZERO) + (emp.row.position_pay or ZERO)
        if contract > base:
            probable = contract / hours_per_month * weighted
            if paid < probable - TOLERANCE:
                message = (
                    f"加班 {hours}，若以基本工资加岗位工资 {yuan(contract)} 为加班基数，应付 "
                    f"{yuan(probable)}，实付 {yuan(paid)}，可能少付 {yuan(probable - paid)}；"
                    "请核对劳动合同约定的工资标准"
                )
                yield ctx.finding(
                    rule,
                    emp,
                    message,
                    amount=probable - paid,
                    severity=Severity.MEDIUM,
                    caveat=caveat,
                )


OT_UNDERPAID = Rule(
    id="PAY.OT_UNDERPAID",
    title="加班费低于法定标准",
    area=Area.PAY,
    severity=Severity.HIGH,
    needs=(F.OT_PAY, F.GROSS_PAY),
    needs_any=(F.OT_HOURS_WORKDAY, F.OT_HOURS_RESTDAY, F.OT_HOURS_HOLIDAY),
    legal_basis=(
        cite(
            "劳动法",
            "第四十四条",
            "安排劳动者延长工作时间的，支付不低于工资的百分之一百五十的工资报酬；"
            "休息日安排劳动者工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬；法定休假日"
            "安排劳动者工作的，支付不低于工资的百分之三百的工资报酬。",
        ),
        cite("工资支付暂行规定", "第十三条"),
        cite("上海市企业工资支付办法", "第九条", "加班工资计算基数不得低于本市规定的最低工资标准"),
    ),
    check=check_ot_underpaid,
    remedy="按劳动合同约定工资（不低于最低工资）核定加班基数，补发差额；休息日加班优先安排补休并留存记录。",
    description="加班基数取约定工资（无法确定时取正常工资的 70%），不低于最低工资；"
    "应付 = 基数÷174×(1.5×工作日 + 2×休息日 + 3×法定节假日小时)，容差 1 元。",
)


def check_late(rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]) -> Iterator[PayrollFinding]:
    for emp in emps:
        paid_on = emp.row.pay_date
        if paid_on is None:
            continue
        deadline, year, month = pay_deadline(emp.row.period)
        at_stake = emp.row.net_pay if emp.row.net_pay is not None else emp.gross
        if paid_on > deadline:
            yield ctx.finding(
                rule,
                emp,
                f"{emp.row.period} 的工资于 {paid_on:%Y-%m-%d} 发放，晚于次月末 {deadline:%Y-%m-%d}，"
                "违反工资至少每月支付一次的规定",
                amount=at_stake,
            )
        elif ctx.agreed_pay_day is not None:
            day = min(ctx.agreed_pay_day, deadline.day)
            agreed = date(year, month, day)
            if paid_on > agreed:
                yield ctx.finding(
                    rule,
                    emp,
                    f"{emp.row.period} 的工资于 {paid_on:%Y-%m-%d} 发放，晚于约定发薪日 "
                    f"{agreed:%Y-%m-%d}；如经工会或职工代表同意延期（不超过一个月）并告知全体职工，请提供依据",
                    amount=at_stake,
                    severity=Severity.MEDIUM,
                )


LATE = Rule(
    id="PAY.LATE",
    title="工资未按时足额支付",
    area=Area.PAY,
    severity=Severity.HIGH,
    needs=(F.PAY_DATE,),
    legal_basis=(
        cite(
            "劳动法",
            "第五十条",
            "工资应当以货币形式按月支付给劳动者本人。不得克扣或者无故拖欠劳动者的工资。",
        ),
        cite("工资支付暂行规定", "第七条"),
        cite("上海市企业工资支付办法", "第六条、第十条"),
    ),
    check=check_late,
    remedy="按约定日期足额发放工资，最迟不晚于次月末；确有困难需延期的，须经工会或职工代表同意并告知全体职工，且不超过一个月。",
    description="发放日期晚于次月末即为拖欠；录入了企业约定发薪日（次月几日）时，晚于约定日提示中风险。",
)


def check_deduction_cap(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    share = Decimal("0.20")
    for emp in emps:
        other = emp.row.other_deductions
        if not other or other <= ZERO or emp.gross is None:
            continue
        cap = share * emp.gross
        over_cap = other - cap
        below_min = ZERO
        need = required_minimum(ctx, emp)
        eligible = emp.eligible
        if need is not None and eligible is not None and eligible >= need[1]:
            below_min = need[1] - (eligible - other)
        if over_cap <= ZERO and below_min <= ZERO:
            continue
        parts = []
        if over_cap > ZERO:
            parts.append(
                f"其他扣款 {yuan(other)} 超过当月工资 {yuan(emp.gross)} 的 20%（{yuan(cap)}）"
            )
        if below_min > ZERO and need is not None:
            parts.append(
                f"扣款后可计入最低工资的部分为 {yuan(eligible - other)}，低于最低工资 {yuan(need[1])}"
                if eligible is not None
                else ""
            )
        message = "；".join(p for p in parts if p) + "。请核实扣款性质（赔偿损失、罚款或约定事项）"
        yield ctx.finding(rule, emp, message, amount=max(over_cap, below_min, ZERO))


DEDUCTION_CAP = Rule(
    id="PAY.DEDUCTION_CAP",
    title="工资扣款超过法定限额",
    area=Area.PAY,
    severity=Severity.MEDIUM,
    needs=(F.OTHER_DEDUCTIONS, F.GROSS_PAY),
    legal_basis=(
        cite(
            "工资支付暂行规定",
            "第十六条",
            "每月扣除的部分不得超过劳动者当月工资的20%。若扣除后的剩余工资部分"
            "低于当地月最低工资标准，则按最低工资标准支付。",
        ),
        cite("工资支付暂行规定", "第十五条"),
    ),
    check=check_deduction_cap,
    remedy="停止以罚款名义扣发工资；赔偿性扣款每月不超过当月工资的 20%，且扣除后不低于最低工资，多扣部分予以退还。",
    description="其他扣款超过应发工资的 20%，或扣款后可计入最低工资的部分低于最低工资。",
)


def check_high_temp(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    params = ctx.params
    for emp in emps:
        paid = emp.row.high_temp_allowance
        if paid is None or paid <= ZERO or emp.start.month not in params.high_temp_months:
            continue
        if emp.start < params.high_temp_from or paid >= params.high_temp_monthly:
            continue
        yield ctx.finding(
            rule,
            emp,
            f"{emp.row.period} 发放高温津贴 {yuan(paid)}，低于上海标准每月 {yuan(params.high_temp_monthly)}"
            "（高温津贴按月全额发放，不按天折算）",
            amount=params.high_temp_monthly - paid,
        )


HIGH_TEMP = Rule(
    id="PAY.HIGH_TEMP",
    title="高温津贴低于标准",
    area=Area.PAY,
    severity=Severity.MEDIUM,
    needs=(F.HIGH_TEMP_ALLOWANCE,),
    legal_basis=(
        cite(
            "上海市高温作业及高温天气作业劳动保护有关规定（高温津贴标准）",
            "",
            "每年 6 月至 9 月，高温津贴每月 300 元",
        ),
    ),
    check=check_high_temp,
    remedy="6 至 9 月对室外及 33℃ 以上作业岗位按月足额发放高温津贴 300 元，补发差额。",
    description="6 至 9 月已发高温津贴但不足每月 300 元（未发放的，需结合岗位是否为室外或 33℃ 以上作业核实）。",
)
