"""Pay rules: minimum wage, overtime pay, late payment, deductions, high-temperature allowance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from auditdesk.models.common import Area
from auditdesk.models.finding import Citation, MoneyKind, Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules import calendar as workcal
from auditdesk.rules.engine import (
    ONE,
    RETIREMENT_FACT,
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


CONTRACT_WAGE_FACT = "劳动合同约定的工资（加班工资计算基数）"
"""What a probable overtime shortfall rests on: the base SH-WPM Art. 9 puts first."""
LEAVE_FACT = "缺勤天数是否为带薪假（年休假、婚假、调休等）"
COMP_TIME_FACT = "休息日加班是否已安排同等时间的补休"
DEDUCTION_FACT = "扣款的性质（是否为赔偿经济损失）"
"""What a deduction finding rests on: only loss compensation is capped (WPIP Art. 16)."""
PART_TIME_PAY_CYCLE_DAYS = 15
"""劳动合同法 第七十二条: a part-timer's pay is settled at least every 15 days."""
PART_TIME_CYCLE = timedelta(days=PART_TIME_PAY_CYCLE_DAYS)

LCL_72 = cite(
    "劳动合同法",
    "第七十二条",
    "非全日制用工小时计酬标准不得低于用人单位所在地人民政府规定的最低小时工资标准。"
    "非全日制用工劳动报酬结算支付周期最长不得超过十五日。",
)


def _citing(finding: PayrollFinding, *extra: Citation) -> PayrollFinding:
    """``finding`` with ``extra`` citations after its rule's own (a branch with its own basis)."""
    return finding.model_copy(update={"legal_basis": [*finding.legal_basis, *extra]})


def required_minimum(ctx: RuleContext, emp: EmployeeMonth) -> tuple[Decimal, Decimal, str] | None:
    """(monthly minimum, pro-rated requirement, caveat) for the month, or None before the data."""
    found = ctx.lookup("minimum_wage", emp.period)
    if found is None:
        return None
    monthly = found["monthly"]
    return monthly, monthly * emp.ratio, ctx.outdated_caveat(found, "最低工资")


def _month_minimum(
    ctx: RuleContext, emp: EmployeeMonth, cache: dict[str, tuple[Decimal, str] | None]
) -> tuple[Decimal, str] | None:
    """(monthly minimum, caveat) for the employee's pay month, looked up once per month in
    ``cache``; None before the data."""
    period = emp.period
    if period not in cache:
        need = required_minimum(ctx, emp)
        cache[period] = None if need is None else (need[0], need[2])
    return cache[period]


def _retired_info(emp: EmployeeMonth, message: str) -> tuple[Severity | None, str]:
    if emp.relation and not emp.retired:
        return Severity.INFO, message + (
            f"。工资表载明用工形式为“{emp.relation}”：如确非劳动关系（在校学生勤工助学或实习、"
            "已退休人员返聘），一般不适用最低工资；如实际为劳动关系，应适用。请核实用工性质"
        )
    if emp.retired:
        return Severity.INFO, message + (
            f"。该员工{emp.retirement_note}：请核实已退休（劳务关系，一般不适用最低工资）还是"
            "弹性延迟退休（仍为劳动关系，应适用最低工资）"
        )
    return None, message


def _retired_fact(emp: EmployeeMonth) -> str:
    return RETIREMENT_FACT if emp.retired else ""


def check_min_wage(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    untimed: list[str] = []
    unknown_share: list[str] = []  # part months the holiday data cannot pro-rate (facts §9.2)
    negative: list[str] = []  # 应发 below zero: a reversal or correction row, no wage paid
    minimums: dict[str, tuple[Decimal, str] | None] = {}  # per period: (monthly minimum, caveat)
    for emp in emps:
        eligible = emp.eligible
        if eligible is None:
            continue
        if emp.gross is not None and emp.gross < ZERO:
            negative.append(f"{emp.key}（{emp.period}）")
            continue
        if emp.part_time:
            found, timed = _part_time_min_wage(rule, ctx, emp)
            if not timed:
                untimed.append(f"{emp.key}（{emp.period}）")
            elif found is not None:
                yield _citing(found, LCL_72)
            continue
        if emp.share_unknown:
            unknown_share.append(f"{emp.key}（{emp.period}）")
            continue
        minimum = _month_minimum(ctx, emp, minimums)
        if minimum is None:
            continue
        monthly, caveat = minimum
        required = monthly * emp.ratio
        if eligible >= required:  # equality is compliant
            full = monthly * (emp.ratio if not emp.leave_unknown else ONE)
            if emp.leave_unknown and eligible < full and not (emp.retired or emp.relation):
                yield ctx.finding(
                    rule, emp,
                    f"按出勤折算后的最低工资 {yuan(required)} 已满足；但如缺勤天数是带薪假（年休假、"
                    f"婚假、调休等），应按全月最低工资 {yuan(full)} 计，差额 {yuan(full - eligible)}",
                    amount=full - eligible, severity=Severity.LOW, caveat=caveat,
                    depends_on=LEAVE_FACT,
                )  # fmt: skip
            continue
        pro = "" if emp.ratio == ONE else f"（按本月应计薪天数折算为 {yuan(required)}）"
        severity, message = _retired_info(
            emp,
            f"应发 {yuan(emp.gross or ZERO)} 扣除加班费、特殊津贴及餐费/交通/住房补贴和个人缴纳的"
            f"社保公积金后为 {yuan(eligible)}，低于 {emp.period} 上海最低工资 {yuan(monthly)}{pro}，"
            f"差额 {yuan(required - eligible)}",
        )
        yield ctx.finding(
            rule, emp, message, amount=required - eligible, severity=severity, caveat=caveat,
            depends_on=_retired_fact(emp),
        )  # fmt: skip
    if unknown_share:
        ctx.notes.append(
            f"{len(unknown_share)} 条记录为月中入职、没有出勤天数，且节假日数据不覆盖该年份，无法按计薪日"
            "折算，未按最低工资检查（不以全月最低工资衡量未满月的工资）："
            + "、".join(unknown_share[:10])
            + ("等" if len(unknown_share) > 10 else "")
        )
    if negative:
        ctx.notes.append(
            f"{len(negative)} 条记录应发为负数（冲销、更正或符号有误），未按最低工资检查，请核对："
            + "、".join(negative[:10])
            + ("等" if len(negative) > 10 else "")
        )
    if untimed:
        ctx.notes.append(
            f"{len(untimed)} 条非全日制用工记录没有工作小时数或小时工资，无法按小时最低工资检查："
            + "、".join(untimed[:10])
            + ("等" if len(untimed) > 10 else "")
        )


def _part_time_min_wage(
    rule: Rule, ctx: RuleContext, emp: EmployeeMonth
) -> tuple[PayrollFinding | None, bool]:
    """A part-timer against the hourly minimum (劳动合同法 第七十二条; facts §1.10, §5.5):
    pay per hour = (gross - overtime pay - excluded allowances - the employee's own SI) ÷ hours
    worked — Shanghai's hourly minimum excludes both sides' social insurance (2011 circular) —
    with the hours implied by the hourly rate when they are missing; the shortfall × hours is
    owed. No monthly minimum.

    Returns the finding (or None) and whether the row had hours or a rate to test at all.
    """
    found = ctx.lookup("minimum_wage", emp.period)
    if found is None or emp.gross is None:
        return None, True
    hourly_min = found["hourly"]
    pay = emp.gross - emp.ot_pay - emp.excluded
    si = emp.employee_si  # the employee's own SI does not count toward the hourly minimum
    hours, rate = emp.row.work_hours, emp.row.hourly_rate
    if hours is not None and hours > ZERO:
        per_hour = (pay - si) / hours
        basis = f"{yuan(pay - si)} ÷ {hours} 小时 = 每小时 {yuan(per_hour)}"
    elif rate is not None and rate > ZERO:
        hours = pay / rate
        basis = f"小时工资 {yuan(rate)}（表中无工作小时数，按 {yuan(pay)} ÷ 小时工资推算 {hours:.2f} 小时）"
        per_hour = rate
        if si and pay > ZERO:
            per_hour = rate * (pay - si) / pay  # (pay - SI) over the same hours
            basis += f"，扣除个人社保后每小时 {yuan(per_hour)}"
    else:
        return None, False
    if per_hour >= hourly_min:  # equality is compliant
        return None, True
    amount = (hourly_min - per_hour) * hours
    severity, message = _retired_info(
        emp,
        f"非全日制用工：应发 {yuan(emp.gross)} 扣除加班费及特殊津贴、餐费/交通/住房补贴"
        + (f"和个人缴纳的社会保险费 {yuan(si)}" if si else "")
        + f"后，{basis}，低于 {emp.period} 上海小时最低工资 {yuan(hourly_min)}，"
        f"差额 {yuan(amount)}",
    )
    return ctx.finding(
        rule,
        emp,
        message,
        amount=amount,
        severity=severity,
        caveat=ctx.outdated_caveat(found, "最低工资"),
        depends_on=_retired_fact(emp),
    ), True


MIN_WAGE = Rule(
    pro_rated=True,
    id="PAY.MIN_WAGE",
    consequence=(
        "低于最低工资标准的，由劳动行政部门责令限期支付差额；逾期不支付的，按应付金额 50% 以上 10"
        "0% 以下的标准加付赔偿金（劳动合同法第八十五条）；劳动者可以未足额支付劳动报酬为由解除劳"
        "动合同并要求经济补偿。"
    ),
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
            "上海市人力资源和社会保障局关于调整本市最低工资标准的通知",
            "",
            "个人缴纳的社会保险费和住房公积金、伙食补贴、上下班交通补贴、住房补贴不计入最低工资"
            "（历年通知均有此条；2025 年 7 月 1 日起月最低工资 2,740 元，文号待核实）",
        ),
    ),
    check=check_min_wage,
    money_kind=MoneyKind.WAGES_OWED,
    test="劳动者提供了正常劳动的，工资剔除加班费、特殊条件津贴和法定福利（上海另剔除个人缴纳的社保"
    "公积金及伙食、交通、住房补贴）后不得低于当地月最低工资标准，本人原因未提供劳动的天数按比例扣减；"
    "非全日制用工的小时工资不得低于小时最低工资标准。",
    remedy="补足差额，今后工资中可计入最低工资的部分不低于当期最低工资标准；工资结构调整应通过集体协商而非单方降薪。",
    description="应发工资扣除加班费、特殊津贴、餐费/交通/住房补贴和个人社保公积金后，与当月最低工资比较；"
    "未满月的按计薪日（工作日 + 法定节假日）折算，有考勤时按（出勤 + 带薪假）÷ 应出勤折算；"
    "非全日制用工按每小时工资（不含个人缴纳的社保）与小时最低工资比较。已达法定退休年龄或工资表载明为实习、"
    "勤工助学、退休返聘、劳务协议的，只作提示，请核实是否仍为劳动关系。",
)


HOLIDAY_SHIFT_HOURS = Decimal(8)
"""Overtime hours counted at 300 % per statutory holiday date of the month (one working day)."""


def _holiday_hours(emp: EmployeeMonth, hours: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(hours payable at 300 %, hours moved to the rest-day rate, hours that cannot be classified):
    only the statutory holiday dates themselves attract 300 % (facts §4.1, §8); a month with none
    — or fewer than the hours claim — has the rest at 200 %. In a year the holiday data does not
    cover, which dates were statutory cannot be checked (facts §8 item 4): the hours are left
    unclassified, never taken as 300 % for certain."""
    if hours <= ZERO:
        return ZERO, ZERO, ZERO
    try:
        dates = workcal.statutory_between(emp.start, emp.end)
    except workcal.CalendarUnavailable:
        return ZERO, ZERO, hours
    cap = HOLIDAY_SHIFT_HOURS * dates
    return (hours, ZERO, ZERO) if hours <= cap else (cap, hours - cap, ZERO)


def holiday_data_fact(year: int) -> str:
    """What a finding on holiday overtime in a year outside the holiday data rests on."""
    return f"表列法定节假日加班是否确在法定节假日（{year} 年的节假日数据不可用，无法核对）"


def _probable_extra(
    emp: EmployeeMonth,
    monthly: Decimal,
    share: Decimal,
    hours_per_month: Decimal,
    weighted: Decimal,
    floor_due: Decimal,
) -> tuple[Decimal, Decimal] | None:
    """(estimated base, overtime due on it) when an estimate of the contract wage — 70 % of the
    normal full-attendance wage, or base + post pay — asks more than the minimum-wage floor."""
    full = emp.normal_wage or ZERO
    if ZERO < emp.ratio < ONE and not emp.leave_unknown:
        full = full / emp.ratio
    estimate = max(
        monthly, share * full, (emp.row.base_pay or ZERO) + (emp.row.position_pay or ZERO)
    )
    due = estimate / hours_per_month * weighted
    return (estimate, due) if due > floor_due + TOLERANCE else None


def _ot_hours_text(
    wd: Decimal, rd: Decimal, hol: Decimal, moved: Decimal, unclassified: Decimal = ZERO
) -> str:
    hours = f"加班工作日 {wd} 小时、休息日 {rd} 小时、法定节假日 {hol} 小时"
    if unclassified:
        hours += "（该年的节假日数据不可用，无法核对哪些日期是法定节假日）"
    if moved:
        hours += (
            f"（本月法定节假日只有 {hol - moved} 小时可按 300% 计，其余 {moved} 小时按休息日计）"
        )
    return hours


def _ot_base_text(contract: Decimal | None, monthly: Decimal, base: Decimal) -> str:
    if contract is not None and contract > ZERO:
        return (
            f"以劳动合同约定工资 {yuan(contract)}（加班基数不低于最低工资 {yuan(monthly)}）"
            f"为基数 {yuan(base)}"
        )
    return f"即使以最低工资 {yuan(monthly)} 为加班基数（基数不得低于最低工资）"


def check_ot_underpaid(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    """SH-WPM Art. 9: the base is the contract wage, else the collective contract's, else 70 % of
    the normal full-attendance wage — never below the minimum wage, never with the year-end bonus.

    Definite (高) only against what the base can never be below: the minimum wage, or a contract
    wage the user supplied. A shortfall only on the 70 % estimate, or on base + post pay as a guess
    at the contract wage, is probable: 中, 待核实 the contract wage, both figures shown.
    """
    ot = ctx.params.overtime
    hours_per_month, share = ot["hours_per_month"], ot["base_share_if_not_agreed"]
    m_wd, m_rd, m_hol = ot["workday"], ot["restday"], ot["holiday"]
    formula = f"÷{hours_per_month}×(1.5×工作日 + 2×休息日 + 3×法定节假日小时)"
    part_timers = 0
    minimums: dict[str, tuple[Decimal, str] | None] = {}  # per period: (monthly minimum, caveat)
    hourly: dict[str, Decimal] = {}  # per period: the minimum wage / hours_per_month
    for emp in emps:
        wd, rd, hol = emp.ot_wd, emp.ot_rd, emp.ot_hol
        if not (wd or rd or hol) or emp.normal_wage is None:
            continue
        if emp.part_time:
            part_timers += 1  # no monthly wage to take 1/174 of
            continue
        period = emp.period
        minimum = minimums[period] if period in minimums else _month_minimum(ctx, emp, minimums)
        if minimum is None:
            continue
        monthly, caveat = minimum
        hol300, moved, unclassified = _holiday_hours(emp, hol) if hol > ZERO else (ZERO, ZERO, ZERO)
        rest = rd + moved
        # workday and statutory-holiday overtime must be paid; rest-day overtime may be repaid
        # with time off instead (劳动法 第四十四条), which the payroll cannot show
        sure = m_wd * wd + m_hol * hol300
        weighted = sure + m_rd * rest
        # holiday hours in a year outside the holiday data: 300 % if the dates were statutory,
        # which cannot be checked — never part of what is certain
        holiday_fact = holiday_data_fact(emp.start.year) if unclassified else ""
        if unclassified:
            weighted += m_hol * unclassified
        if weighted <= ZERO:
            continue
        paid = emp.ot_pay
        contract = emp.row.contract_wage
        definite_base = (
            max(monthly, contract) if contract is not None and contract > ZERO else monthly
        )
        if definite_base is monthly:  # the same object per period: its quotient is too
            per_hour = hourly.get(period)
            if per_hour is None:
                per_hour = hourly[period] = monthly / hours_per_month
        else:
            per_hour = definite_base / hours_per_month
        sure_due = per_hour * sure
        all_due = per_hour * weighted
        if paid < sure_due - TOLERANCE:
            hours = _ot_hours_text(wd, rd, hol, moved, unclassified)
            base_text = _ot_base_text(contract, monthly, definite_base)
            message = (
                f"{hours}，{base_text}，工作日和法定节假日加班应付至少 {yuan(sure_due)}，"
                f"实付 {yuan(paid)}，少付 {yuan(sure_due - paid)}"
            )
            unsure_due = per_hour * m_hol * unclassified
            if rest > ZERO:
                message += (
                    f"；休息日加班如未安排补休，另应付 {yuan(all_due - sure_due - unsure_due)}"
                )
            if unclassified:
                message += (
                    f"；表列法定节假日加班 {unclassified} 小时无法核对日期，未计入上述金额，"
                    f"如确为法定节假日另应付 {yuan(unsure_due)}"
                )
            yield ctx.finding(rule, emp, message, amount=sure_due - paid, caveat=caveat)
            if contract is None or contract <= ZERO:
                extra = _probable_extra(emp, monthly, share, hours_per_month, weighted, all_due)
                if extra is not None:
                    estimate, extra_due = extra
                    yield ctx.finding(
                        rule, emp,
                        f"此外可能还少付——请核实劳动合同约定的工资：如劳动合同未约定工资，按正常出勤工资"
                        f"的 70% 或基本工资加岗位工资估算加班基数 {yuan(estimate)}，应付 {yuan(extra_due)}，"
                        f"比以最低工资为基数多 {yuan(extra_due - all_due)}",
                        amount=extra_due - all_due, severity=Severity.MEDIUM, caveat=caveat,
                        depends_on="；".join(f for f in (CONTRACT_WAGE_FACT, holiday_fact) if f),
                    )  # fmt: skip
            continue
        if paid < all_due - TOLERANCE and unclassified:
            hours = _ot_hours_text(wd, rd, hol, moved, unclassified)
            base_text = _ot_base_text(contract, monthly, definite_base)
            yield ctx.finding(
                rule, emp,
                f"{hours}，{base_text}{formula}应付 {yuan(all_due)}，实付 {yuan(paid)}，"
                f"差额 {yuan(all_due - paid)} 来自无法核对日期的法定节假日加班"
                + ("和休息日加班（已安排同等时间补休的休息日加班可不支付）" if rest > ZERO else "")
                + "：表列日期如确为法定节假日，应按 300% 支付",
                amount=all_due - paid, severity=Severity.MEDIUM, caveat=caveat,
                depends_on="；".join(f for f in (holiday_fact, COMP_TIME_FACT if rest > ZERO else "") if f),
            )  # fmt: skip
            continue
        if paid < all_due - TOLERANCE:
            hours = _ot_hours_text(wd, rd, hol, moved)
            base_text = _ot_base_text(contract, monthly, definite_base)
            yield ctx.finding(
                rule, emp,
                f"{hours}，{base_text}{formula}应付 {yuan(all_due)}，实付 {yuan(paid)}，"
                f"差额 {yuan(all_due - paid)} 全部来自休息日加班：如已安排同等时间的补休，可不支付；"
                "未安排补休的，应按 200% 支付",
                amount=all_due - paid, severity=Severity.MEDIUM, caveat=caveat,
                depends_on=COMP_TIME_FACT,
            )  # fmt: skip
            continue
        if contract is not None and contract > ZERO:
            continue  # the supplied contract wage is the base: nothing left to estimate
        # the normal full-attendance wage: scale a part month up only when the missing days are
        # known to be unpaid (paid leave is attendance, and unclassified absence may be paid leave)
        full = emp.normal_wage
        if ZERO < emp.ratio < ONE and not emp.leave_unknown:
            full = full / emp.ratio
        estimate = max(monthly, share * full)
        guess = (emp.row.base_pay or ZERO) + (emp.row.position_pay or ZERO)
        guess_due = None
        if guess > estimate:
            # the larger base first: paid up to it is paid up to both (rounding is monotonic),
            # the common case, decided with one division
            guess_due = guess / hours_per_month * weighted
            if not paid < guess_due - TOLERANCE:
                continue
        estimate_due = estimate / hours_per_month * weighted
        if paid < estimate_due - TOLERANCE:
            basis = (
                f"如劳动合同未约定工资、按正常出勤工资 {yuan(full)} 的 70% 估算基数 {yuan(estimate)}，"
                f"应付 {yuan(estimate_due)}"
            )
            due = estimate_due
        else:
            if guess_due is None:  # not guess > estimate
                continue
            basis = f"如约定工资为基本工资加岗位工资 {yuan(guess)}，应付 {yuan(guess_due)}"
            due = guess_due
        restday = "；休息日加班如已安排补休，该部分可不付" if rest > ZERO else ""
        hours = _ot_hours_text(wd, rd, hol, moved, unclassified)
        yield ctx.finding(
            rule,
            emp,
            f"可能少付——请核实劳动合同约定的工资。{hours}：以最低工资 {yuan(monthly)} 为基数"
            f"{formula}应付 {yuan(all_due)}，实付 {yuan(paid)} 已达到；{basis}，"
            f"可能少付 {yuan(due - paid)}（加班基数首先是劳动合同约定的工资，"
            f"未约定且无集体合同约定的才按正常工资的 70%）{restday}",
            amount=due - paid,
            severity=Severity.MEDIUM,
            caveat=caveat,
            depends_on="；".join(f for f in (CONTRACT_WAGE_FACT, holiday_fact) if f),
        )
    if part_timers:
        ctx.notes.append(
            f"{part_timers} 条非全日制用工记录有加班小时，加班费未按月工资基数检查（非全日制按小时计酬），请人工核实"
        )


OT_UNDERPAID = Rule(
    id="PAY.OT_UNDERPAID",
    consequence=(
        "少付的加班工资须补发；由劳动行政部门责令限期支付，逾期不支付的，按应付金额 50% 以上 100%"
        " 以下的标准加付赔偿金（劳动合同法第八十五条）；劳动者可以未足额支付劳动报酬为由解除劳动"
        "合同并要求经济补偿。"
    ),
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
        cite(
            "上海市企业工资支付办法",
            "第九条",
            "加班工资的计算基数为劳动者所在岗位相对应的正常出勤月工资，不包括年终奖，上下班交通补贴、"
            "工作餐补贴、住房补贴，中夜班津贴、夏季高温津贴、加班工资等特殊情况下支付的工资……"
            "劳动合同对劳动者月工资有明确约定的，按劳动合同约定的……月工资确定；……均无约定的，"
            "按劳动者正常出勤月……工资（不包括加班工资）的70%确定。……计算基数不得低于本市规定的"
            "最低工资标准。",
        ),
        cite("劳动合同法", "第八十五条"),
    ),
    check=check_ot_underpaid,
    money_kind=MoneyKind.WAGES_OWED,
    test="加班工资不得低于以劳动合同约定的工资为基数（未约定时依次为集体合同约定、正常出勤月工资的 70%，"
    "且不低于最低工资，不含年终奖和津贴补贴）计算的 150%、200%、300%。",
    remedy="按劳动合同约定工资（不低于最低工资）核定加班基数，补发差额；休息日加班优先安排补休并留存记录。",
    description="应付 = 基数÷174×(1.5×工作日 + 2×休息日 + 3×法定节假日小时)，容差 1 元。以最低工资或表中的"
    "合同约定工资为基数仍少付的为高风险（可确定）；只有按正常工资 70% 或基本工资加岗位工资估算才少付的为"
    "中风险，待核实劳动合同约定的工资。",
)


def check_late(rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]) -> Iterator[PayrollFinding]:
    for emp in emps:
        paid_on = emp.row.pay_date
        if paid_on is None:
            continue
        deadline, year, month = pay_deadline(emp.period)
        at_stake = emp.row.net_pay if emp.row.net_pay is not None else emp.gross
        if paid_on > deadline:
            yield ctx.finding(
                rule,
                emp,
                f"{emp.period} 的工资于 {paid_on:%Y-%m-%d} 发放，晚于次月末 {deadline:%Y-%m-%d}，"
                "违反工资至少每月支付一次的规定",
                amount=at_stake,
            )
        elif emp.part_time and paid_on > (cycle_end := emp.end + PART_TIME_CYCLE):
            yield _citing(
                ctx.finding(
                    rule,
                    emp,
                    f"非全日制用工：{emp.period} 的工资于 {paid_on:%Y-%m-%d} 发放，晚于该期结束后 "
                    f"{PART_TIME_PAY_CYCLE_DAYS} 日（{cycle_end:%Y-%m-%d}），超过非全日制用工劳动报酬"
                    "结算支付周期最长十五日的规定",
                    amount=at_stake,
                    severity=Severity.MEDIUM,
                ),
                LCL_72,
            )
        elif ctx.agreed_pay_day is not None:
            day = min(ctx.agreed_pay_day, deadline.day)
            agreed = date(year, month, day)
            if paid_on > agreed:
                yield ctx.finding(
                    rule,
                    emp,
                    f"{emp.period} 的工资于 {paid_on:%Y-%m-%d} 发放，晚于约定发薪日 "
                    f"{agreed:%Y-%m-%d}；如经工会或职工代表同意延期（不超过一个月）并告知全体职工，请提供依据",
                    amount=at_stake,
                    severity=Severity.MEDIUM,
                )


LATE = Rule(
    id="PAY.LATE",
    consequence=(
        "未按时支付工资的，由劳动行政部门责令限期支付，逾期不支付的，按应付金额 50% 以上 100% 以"
        "下的标准加付赔偿金（劳动合同法第八十五条）；劳动者可以未及时足额支付劳动报酬为由解除劳动"
        "合同并要求经济补偿。"
    ),
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
        cite("劳动合同法", "第八十五条"),
    ),
    check=check_late,
    money_kind=MoneyKind.PAID_LATE,
    test="工资应当以货币形式按月支付，至少每月一次并按约定日期发放；非全日制用工的劳动报酬结算支付周期"
    "最长不得超过十五日。",
    remedy="按约定日期足额发放工资，最迟不晚于次月末；确有困难需延期的，须经工会或职工代表同意并告知全体职工，且不超过一个月。",
    description="发放日期晚于次月末即为拖欠；非全日制用工晚于该期结束后 15 日、或录入了企业约定发薪日"
    "（次月几日）时晚于约定日，提示中风险。金额为迟付的实发工资，不是欠付金额。",
)


def check_deduction_cap(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    """WPIP Art. 16 caps only deductions that compensate the employer's losses. Pay not paid for
    days not worked (考勤扣款, a field of its own) is not such a deduction and is not looked at;
    an 其他扣款 of unknown nature over the cap, or leaving less than the minimum wage, is 低 and
    待核实 its nature (facts file §5.4 corrected)."""
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
        # the remainder test is against the monthly minimum, which a part-timer is not held to
        if (
            need is not None
            and eligible is not None
            and eligible >= need[1]
            and not (emp.part_time or emp.share_unknown)
        ):
            below_min = need[1] - (eligible - other)
        if over_cap <= ZERO and below_min <= ZERO:
            continue
        parts = []
        if over_cap > ZERO:
            parts.append(
                f"其他扣款 {yuan(other)}，当月工资 {yuan(emp.gross)} 的 20% 为 {yuan(cap)}。"
                f"请核实：如该扣款是赔偿企业经济损失，则超过了当月工资 20% 的上限，多扣 {yuan(over_cap)}"
            )
        if below_min > ZERO and need is not None and eligible is not None:
            parts.append(
                f"扣除其他扣款 {yuan(other)} 后可计入最低工资的部分为 {yuan(eligible - other)}，"
                f"低于最低工资 {yuan(need[1])}。请核实：如该扣款是赔偿企业经济损失，扣除后仍应按"
                "最低工资标准支付"
            )
        message = "；".join(parts) + "（罚款不是法定可扣除的项目；考勤扣款不受 20% 限制）"
        yield ctx.finding(
            rule,
            emp,
            message,
            amount=max(over_cap, below_min, ZERO),
            depends_on=DEDUCTION_FACT,
        )


DEDUCTION_CAP = Rule(
    pro_rated=True,
    id="PAY.DEDUCTION_CAP",
    consequence=(
        "赔偿经济损失的扣款每月超过当月工资 20%，或扣除后低于最低工资标准的，超出部分属于克扣工资"
        "，须退还（工资支付暂行规定第十六条）；罚款不是法定可以代扣的项目（第十五条）。扣款如为缺"
        "勤期间不计发的工资，则不受 20% 限制，只须不低于最低工资。"
    ),
    title="工资扣款超过法定限额",
    area=Area.PAY,
    severity=Severity.LOW,
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
    money_kind=MoneyKind.WAGES_OWED,
    test="因劳动者本人原因给用人单位造成经济损失的，可从工资中扣除赔偿，但每月扣除部分不得超过当月工资的"
    " 20%，且扣除后的剩余工资不得低于当地月最低工资标准。",
    remedy="停止以罚款名义扣发工资；赔偿性扣款每月不超过当月工资的 20%，且扣除后不低于最低工资，多扣部分予以退还。",
    description="其他扣款超过应发工资的 20%，或扣款后可计入最低工资的部分低于最低工资：如为赔偿经济损失的"
    "扣款则违反限额，低风险、待核实扣款性质。缺勤扣款（事假、病假等）不受此限，不在此检查。",
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
            f"{emp.period} 发放高温津贴 {yuan(paid)}，低于上海标准每月 {yuan(params.high_temp_monthly)}"
            "（高温津贴按月全额发放，不按天折算）",
            amount=params.high_temp_monthly - paid,
        )


HIGH_TEMP = Rule(
    id="PAY.HIGH_TEMP",
    consequence=(
        "6 至 9 月应发高温津贴而未足额发放的，须按每月 300 元补发差额；高温津贴不得以发放清凉饮料"
        "代替，也不计入最低工资的比较。劳动者可向劳动保障监察机构投诉，由其责令支付。"
    ),
    title="高温津贴低于标准",
    area=Area.PAY,
    severity=Severity.MEDIUM,
    needs=(F.HIGH_TEMP_ALLOWANCE,),
    legal_basis=(
        cite(
            "防暑降温措施管理办法",
            "第十七条",
            "用人单位安排劳动者在35℃以上高温天气从事室外露天作业以及不能采取有效措施将工作场所温度"
            "降低到33℃以下的，应当向劳动者发放高温津贴，并纳入工资总额。高温津贴标准由省级人力资源"
            "社会保障行政部门会同有关部门制定……",
        ),
        cite(
            "上海市人力资源和社会保障局关于调整本市高温津贴标准的通知（2019 年）",
            "",
            "自 2019 年夏季起，本市高温津贴标准为每月 300 元，每年 6 月至 9 月发放（通知名称待核实）",
        ),
    ),
    check=check_high_temp,
    money_kind=MoneyKind.WAGES_OWED,
    test="在 35℃ 以上高温天气从事室外露天作业或工作场所温度不能降到 33℃ 以下的，6 月至 9 月应按月"
    "全额发放高温津贴（上海每月 300 元）。",
    remedy="6 至 9 月对室外及 33℃ 以上作业岗位按月足额发放高温津贴 300 元，补发差额。",
    description="6 至 9 月已发高温津贴但不足每月 300 元（未发放的，需结合岗位是否为室外或 33℃ 以上作业核实）。",
)
