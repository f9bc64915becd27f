"""Rules about the person: written contract, child labour, minor workers, retirement age."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from auditdesk.models.common import Area
from auditdesk.models.finding import MoneyKind, Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import (
    RETIREMENT_FACT,
    ZERO,
    EmployeeMonth,
    F,
    Rule,
    RuleContext,
    add_months,
    cite,
    yuan,
)
from auditdesk.rules.ids import birthday
from auditdesk.rules.social_insurance import past_retirement

CHILD_FINE_PER_MONTH = Decimal(5000)
WINDOW_READING = "按入职满一个月的次日起算至满一年的前一日；各地裁判对起止日可能相差一天"
LATE_SIGNED = "满一年后才签订：此前已视为订立无固定期限劳动合同，之后签订的固定期限合同需审视"


def _window_start(hire: date) -> date:
    """First day of the double-wage window: the same date a month after the first day of work
    (hired 01-10 → 02-10; facts file §1.1). Without that date (hired 01-31, no 02-31), the 1st of
    the following month — the later reading, so no day is claimed that a court may not count."""
    same_day = add_months(hire, 1)
    return same_day if same_day.day == hire.day else same_day + timedelta(days=1)


def check_contract(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    late_signed: set[str] = set()
    retired: set[str] = set()
    marks: dict[date, tuple[date, date]] = {}  # per hire date: (window start, 满一年)
    first_month: dict[str, date] = {}  # per person: the first month of the file
    for emp in emps:
        known_first = first_month.get(emp.key)
        if known_first is None or emp.start < known_first:
            first_month[emp.key] = emp.start
    for emp in emps:
        hire, signed = emp.row.hire_date, emp.row.contract_signed_date
        if hire is None or hire > emp.end or emp.part_time:
            continue  # part-time work may rest on an oral agreement (LCL Art. 69)
        known = marks.get(hire)
        if known is None:
            # 满一年: deemed open-ended from the year mark
            known = marks[hire] = (_window_start(hire), add_months(hire, 12) - timedelta(days=1))
        window_start, year_mark = known
        if signed is not None and signed < window_start:
            continue  # signed within the first month (or before work started)
        window_end = year_mark - timedelta(days=1)
        if signed is not None:
            window_end = min(window_end, signed - timedelta(days=1))
        first, last = max(emp.start, window_start), min(emp.end, window_end)
        in_window = first <= last
        unsigned_after_mark = signed is None and emp.end >= year_mark
        signed_after_mark = signed is not None and signed >= year_mark
        how = f"{signed:%Y-%m-%d} 才签订书面劳动合同" if signed else "未见书面劳动合同签订日期"
        if emp.retired or emp.relation:
            if in_window or unsigned_after_mark or signed_after_mark:
                yield from past_retirement(rule, ctx, emp, retired, f"{hire:%Y-%m-%d} 入职，{how}")
            continue
        if signed_after_mark and emp.key not in late_signed:
            late_signed.add(emp.key)  # once per person, on the person's first row in the file
            yield ctx.finding(
                rule,
                emp,
                f"{hire:%Y-%m-%d} 入职，{how}，{LATE_SIGNED}（自 {year_mark:%Y-%m-%d} 起视为已订立"
                "无固定期限劳动合同）；请查看所签合同的期限",
                severity=Severity.INFO,
                depends_on="所签合同是否为固定期限合同",
            )
        if not (in_window or unsigned_after_mark):
            continue
        parts = [f"{hire:%Y-%m-%d} 入职，{how}"]
        amount = None
        if in_window:
            overlap = (last - first).days + 1
            days = _cal.monthrange(emp.start.year, emp.start.month)[1]
            annual = emp.row.annual_bonus or ZERO
            if emp.gross is not None:
                amount = max(emp.gross - emp.ot_pay - annual, ZERO) * overlap / days
            parts.append(
                f"本月 {first:%m-%d} 至 {last:%m-%d} 共 {overlap} 天处于二倍工资期间"
                f"（{window_start:%Y-%m-%d} 至 {window_end:%Y-%m-%d}，{WINDOW_READING}），"
                + (
                    f"另需支付约 {yuan(amount)}（按本月应发扣除加班费和年终奖估算的月正常工资，按天折算）"
                    if amount is not None
                    else "缺少应发工资，未估算金额"
                )
            )
            if window_start < emp.start and first_month[emp.key] == emp.start:
                before = min(window_end, emp.start - timedelta(days=1))
                parts.append(
                    f"此前 {window_start:%Y-%m-%d} 至 {before:%Y-%m-%d} 的二倍工资期间不在本次导入的工资表中，"
                    "未计入金额"
                )
        if unsigned_after_mark:
            parts.append(
                f"自 {year_mark:%Y-%m-%d} 起视为已订立无固定期限劳动合同，应立即补订书面合同"
            )
        yield ctx.finding(
            rule,
            emp,
            "；".join(parts),
            amount=amount,
            caveat="二倍工资的计算基数由裁判机构个案认定（合同约定工资或实发的正常工资），金额为估算",
        )


CONTRACT_NOT_SIGNED = Rule(
    id="CONTRACT.NOT_SIGNED",
    consequence=(
        "超过一个月不满一年未订立书面劳动合同的，应自用工满一个月的次日起至补订前一日，每月向劳动"
        "者支付二倍工资（额外部分最多 11 个月）；满一年仍未订立的，视为已订立无固定期限劳动合同（"
        "劳动合同法第八十二条、第十四条第三款，实施条例第六条、第七条）。"
    ),
    title="未在一个月内订立书面劳动合同",
    area=Area.ONBOARDING,
    severity=Severity.HIGH,
    needs=(F.HIRE_DATE, F.CONTRACT_SIGNED_DATE),
    legal_basis=(
        cite(
            "劳动合同法",
            "第十条",
            "建立劳动关系，应当订立书面劳动合同。已建立劳动关系，未同时订立书面劳动合同的，"
            "应当自用工之日起一个月内订立书面劳动合同。",
        ),
        cite(
            "劳动合同法",
            "第八十二条",
            "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，"
            "应当向劳动者每月支付二倍的工资。",
        ),
        cite("劳动合同法", "第十四条第三款"),
        cite("劳动合同法实施条例", "第六条、第七条"),
    ),
    check=check_contract,
    money_kind=MoneyKind.EXPOSURE,
    test="用人单位自用工之日起超过一个月不满一年未订立书面劳动合同的，自满一个月的次日起至满一年的前一日每月支付二倍工资，"
    "满一年仍未订立的视为已订立无固定期限劳动合同。",
    remedy="未签的立即补订书面劳动合同，并依法支付未签合同期间的二倍工资差额；满一年后才签订的，审视所签合同的期限；"
    "建立入职当月签订合同的流程。",
    description="二倍工资期间按入职满一个月的次日起至满一年的前一日（或签订前一日）计，按本月重叠天数和月正常工资"
    "（应发扣除加班费、年终奖）估算差额，早于本次工资表的期间在首月注明未计入；一旦有签订日期，签订当月起不再提示补订；满一年后才签订的，每人提示一次。"
    "已达法定退休年龄或工资表载明为实习、勤工助学、退休返聘、劳务协议的，每人提示一次，请核实是否仍为劳动关系。"
    "非全日制用工可以订立口头协议，不提示。",
)


def _first_day_worked(emp: EmployeeMonth) -> date:
    hire = emp.row.hire_date
    return max(hire, emp.start) if hire is not None else emp.start


_BIRTHDAYS: dict[tuple[date, int], date] = {}


def _turns(birth: date, years: int) -> date:
    """``birthday`` memoised: 60,000 rows share a few thousand birth dates."""
    key = (birth, years)
    day = _BIRTHDAYS.get(key)
    if day is None:
        day = _BIRTHDAYS[key] = birthday(birth, years)
    return day


def _birth_doubt(emp: EmployeeMonth) -> str:
    """The fact to verify when the birth date comes from an ID number that fails its check
    (校验位 or 省份代码 wrong: a digit was mistyped, perhaps one of the date's), as DATA.ID_INVALID
    says: ``""`` for a sound number, and for an old 15-digit one (it has no check character to
    fail; its date is as written)."""
    ident = emp.ident
    if ident is None or ident.problem is None or ident.old_format:
        return ""
    return f"出生日期须核对身份证原件：{ident.problem}"


def _with(*facts: str) -> str:
    return "；".join(f for f in facts if f)


def check_child(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    sixteen: dict[date, date] = {}  # per birth date: the 16th birthday
    for emp in emps:
        birth = emp.ident.birth if emp.ident else None
        if birth is None:
            continue
        turns16 = sixteen.get(birth)
        if turns16 is None:
            turns16 = sixteen[birth] = _turns(birth, 16)
        if turns16 > emp.start and turns16 > _first_day_worked(emp):
            yield ctx.finding(
                rule,
                emp,
                f"出生于 {birth:%Y-%m-%d}（据身份证号），{emp.period} 工作时未满 16 周岁（{turns16:%Y-%m-%d} "
                "满 16 周岁），属于使用童工；应立即停止使用并送回其父母或监护人。罚款风险：每使用一名童工每月"
                " 5,000 元（逾期未送回的，自责令之日起每人每月 10,000 元）；所列金额为罚款风险，不是应补发工资",
                amount=CHILD_FINE_PER_MONTH,
                depends_on=_birth_doubt(emp),
            )


CHILD_LABOR = Rule(
    labour_relation=False,
    id="AGE.CHILD_LABOR",
    consequence=(
        "使用童工的，由劳动保障行政部门按每使用一名童工每月 5,000 元的标准处以罚款（不满一个月按"
        "一个月计）；责令限期送回而逾期未送回的，自责令之日起按每人每月 10,000 元处罚，并可吊销营"
        "业执照（禁止使用童工规定第六条）。未按规定核验身份、保存录用登记和核查材料的，处 10,000 "
        "元罚款（第四条、第八条）。"
    ),
    title="使用童工",
    area=Area.ONBOARDING,
    severity=Severity.CRITICAL,
    needs=(F.ID_NUMBER,),
    legal_basis=(
        cite("劳动法", "第十五条", "禁止用人单位招用未满十六周岁的未成年人。"),
        cite(
            "禁止使用童工规定",
            "第六条",
            "用人单位使用童工的，由劳动保障行政部门按照每使用一名童工每月处5000元罚款的标准给予处罚。",
        ),
        cite("禁止使用童工规定", "第四条、第八条"),
    ),
    check=check_child,
    money_kind=MoneyKind.FINE_RISK,
    test="禁止用人单位招用未满十六周岁的未成年人；按当月工作的第一天是否已满 16 周岁判断。",
    remedy="立即停止使用童工，将其送回父母或监护人，支付全部劳动报酬；完善招工时的身份核验和登记记录。",
    description=(
        "按身份证号出生日期，当月工作日（入职日或月初）未满 16 周岁；身份证号校验位或省份代码有误的，"
        "出生日期待核对身份证原件（不高于中风险）。"
    ),
)


def check_minor(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    eighteen: dict[date, date] = {}  # per birth date: the 18th birthday
    for emp in emps:
        birth = emp.ident.birth if emp.ident else None
        if birth is None:
            continue
        turns18 = eighteen.get(birth)
        if turns18 is None:
            turns18 = eighteen[birth] = _turns(birth, 18)
        if turns18 <= emp.start:
            continue  # an adult all month: the common case, decided without more work
        first = _first_day_worked(emp)
        if _turns(birth, 16) > first or turns18 <= first:
            continue
        wd, rd, hol = emp.ot_hours
        night = emp.row.night_shift_allowance or ZERO
        if wd + rd + hol > ZERO or night > ZERO:
            extra = (
                "。当月有加班小时或夜班津贴：国家层面禁止未成年工加班、夜班的条文尚待核实，"
                "请核查是否安排了加班、夜班，岗位是否属于禁忌作业"
            )
            fact = "是否安排了加班、夜班或禁忌作业"
        else:
            extra = ""
            fact = "是否已办理使用登记、安排健康检查，岗位是否属于禁忌作业"
        yield ctx.finding(
            rule,
            emp,
            f"出生于 {birth:%Y-%m-%d}，{emp.period} 为 16 至 18 周岁的未成年工。用人单位的义务："
            "办理使用登记（未成年工特殊保护规定第九条），上岗前、工作满一年、年满 18 周岁且距上次体检已超过半年时"
            "进行健康检查（第六条），不得安排矿山井下、有毒有害、国家规定的第四级体力劳动强度等禁忌作业（第三条）"
            f"{extra}",
            depends_on=_with(fact, _birth_doubt(emp)),
        )


MINOR_WORKER = Rule(
    labour_relation=False,
    id="AGE.MINOR_WORKER",
    consequence=(
        "未办理未成年工使用登记、未按期安排健康检查或安排禁忌作业的，由劳动行政部门责令改正并依法"
        "处罚；对未成年工造成损害的，应当承担赔偿责任。安排加班、夜班的禁止性条文尚待核实，按待核"
        "实处理。"
    ),
    title="使用未成年工",
    area=Area.ONBOARDING,
    severity=Severity.MEDIUM,
    needs=(F.ID_NUMBER,),
    legal_basis=(
        cite("劳动法", "第五十八条、第六十四条、第六十五条"),
        cite("未成年工特殊保护规定", "第三条、第六条、第九条"),
    ),
    check=check_minor,
    test="已满十六周岁未满十八周岁的未成年工须办理使用登记、定期健康检查，不得从事禁忌作业。",
    remedy="办理未成年工使用登记，安排上岗前和定期健康检查，调离禁忌岗位；原则上不安排加班和夜班。",
    description="已满 16 未满 18 周岁：中风险，待核实登记、体检和禁忌作业；有加班或夜班津贴的，"
    "仍为中风险，待核实是否安排了加班、夜班或禁忌作业（国家层面禁止加班的条文尚待核实）。",
)


def check_retirement(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    seen: set[str] = set()
    women_50 = ctx.params.retirement["women_50"]
    for emp in emps:
        ident = emp.ident
        if ident is None or ident.birth is None or emp.key in seen:
            continue
        if emp.retired or (emp.birth_doubt and not emp.maybe_retired):
            seen.add(emp.key)
            yield ctx.finding(
                rule,
                emp,
                f"出生于 {ident.birth:%Y-%m-%d}，{emp.retirement_note}。已办理退休或开始领取基本养老金的，"
                "劳动合同终止，继续用工一般按劳务关系处理；经双方协商一致办理弹性延迟退休的（最长延迟 3 年），"
                "仍为劳动关系，社保、公积金、书面劳动合同等规则照常适用。请核实已退休还是弹性延迟退休",
                depends_on=_with(RETIREMENT_FACT, _birth_doubt(emp)),
            )
            continue
        if ident.male is False and emp.maybe_retired:  # past the 50 schedule (derive)
            y, m = women_50.retirement_month(ident.birth)
            if (emp.start.year, emp.start.month) > (y, m):
                seen.add(emp.key)
                yield ctx.finding(
                    rule,
                    emp,
                    f"出生于 {ident.birth:%Y-%m-%d} 的女职工：若其岗位为工人岗位（原 50 岁退休），已于 {y}-{m:02d} "
                    "达到法定退休年龄；若为管理或专业技术岗位（原 55 岁），尚未达到。请核实岗位性质",
                    depends_on=_with(
                        "女职工的岗位是工人岗位还是管理、专业技术岗位", _birth_doubt(emp)
                    ),
                )


PAST_RETIREMENT = Rule(
    labour_relation=False,
    id="AGE.PAST_RETIREMENT",
    consequence=(
        "劳动者达到法定退休年龄或开始依法享受基本养老保险待遇的，劳动合同终止（劳动合同法第四十四"
        "条、实施条例第二十一条）；继续用工的一般按劳务关系处理，报酬、工时和伤害保障须书面约定，"
        "否则发生伤害时企业可能承担人身损害赔偿责任。是否已退休或弹性延迟退休须核实。"
    ),
    title="已达法定退休年龄",
    area=Area.ONBOARDING,
    severity=Severity.INFO,
    needs=(F.ID_NUMBER,),
    legal_basis=(
        cite("劳动合同法", "第四十四条"),
        cite("劳动合同法实施条例", "第二十一条"),
        cite(
            "国务院关于渐进式延迟法定退休年龄的办法",
            "第二条",
            "职工达到法定退休年龄时，所在单位与职工协商一致的，可以弹性延迟退休，延迟时间最长不超过三年。",
        ),
        cite("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "第三十二条"),
    ),
    check=check_retirement,
    test="按 2025 年起渐进式延迟退休办法计算的法定退休年龄已到；此后一般为劳务关系，"
    "除非双方协商弹性延迟退休（最长 3 年）。",
    remedy="核实是否已办理退休或领取养老金：已退休继续用工的，签订劳务协议，明确报酬、工作时间和工伤保障；"
    "弹性延迟退休的，保存书面协商材料，继续按劳动关系签订合同、缴纳社保公积金。",
    description="按 2025 年起渐进式延迟退休办法计算法定退休年龄；每人只提示一次，并提示核实是否弹性延迟退休。",
)
