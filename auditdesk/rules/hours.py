"""Working-hours rules: the monthly overtime cap (no amount: the 100 to 500 yuan fine per employee is a
fine risk, stated in words)."""

from __future__ import annotations

from collections.abc import Iterator

from auditdesk.models.common import Area
from auditdesk.models.finding import MoneyKind, Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import EmployeeMonth, F, Rule, RuleContext, cite
from auditdesk.rules.social_insurance import past_retirement


def check_ot_cap(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    cap = ctx.params.overtime["monthly_cap_hours"]
    retired: set[str] = set()
    for emp in emps:
        wd, rd, hol = emp.ot_wd, emp.ot_rd, emp.ot_hol
        total = wd + rd + hol
        if total <= cap:  # exactly 36 hours is within the limit
            continue
        if emp.retired or emp.relation:
            yield from past_retirement(
                rule,
                ctx,
                emp,
                retired,
                f"{emp.period} 加班合计 {total} 小时，超过每月 {cap} 小时",
            )
            continue
        yield ctx.finding(
            rule,
            emp,
            f"当月加班合计 {total} 小时（工作日 {wd}、休息日 {rd}、法定节假日 {hol}），"
            f"超过每月 {cap} 小时的上限 {total - cap} 小时；可被责令改正并按每名受侵害劳动者"
            "100 元以上 500 元以下罚款",
        )


OT_MONTHLY_CAP = Rule(
    id="HOURS.OT_MONTHLY_CAP",
    consequence=(
        "违法延长工作时间的，由劳动行政部门给予警告，责令改正，并可以按受侵害的劳动者每人 100 元"
        "以上 500 元以下的标准计算处以罚款（劳动法第九十条、劳动保障监察条例第二十五条）；超时部"
        "分仍须按法定标准支付加班工资。"
    ),
    title="每月加班超过 36 小时",
    area=Area.HOURS,
    severity=Severity.MEDIUM,
    needs_any=(F.OT_HOURS_WORKDAY, F.OT_HOURS_RESTDAY, F.OT_HOURS_HOLIDAY),
    legal_basis=(
        cite("劳动法", "第四十一条", "延长工作时间……每月不得超过三十六小时。"),
        cite("劳动法", "第九十条"),
        cite("劳动保障监察条例", "第二十五条"),
    ),
    check=check_ot_cap,
    money_kind=MoneyKind.FINE_RISK,
    test="延长工作时间每月不得超过三十六小时（此处将工作日、休息日和法定节假日加班合计计算）。",
    remedy="控制加班总量，每月不超过 36 小时；确需延长的，与工会和劳动者协商，考虑增加人手或申请特殊工时制度。",
    description="三类加班小时合计超过 36 小时（恰为 36 小时不违规）；不列金额（罚款为每名受侵害劳动者"
    " 100 元以上 500 元以下）。"
    "已达法定退休年龄或工资表载明为实习、勤工助学、退休返聘、劳务协议的，每人提示一次，请核实是否仍为劳动关系。",
)
