"""Data-quality rules: invalid ID numbers, duplicate employee-months, sums that do not add up."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import repeat
from operator import is_

from auditdesk.models.common import Area
from auditdesk.models.finding import Severity
from auditdesk.models.payroll import PayrollFinding
from auditdesk.rules.engine import (
    EMPLOYEE_SI,
    ZERO,
    EmployeeMonth,
    F,
    Rule,
    RuleContext,
    cite,
    person_token,
    row_column,
    row_fields,
    yuan,
)

ARITHMETIC_TOLERANCE = Decimal("1.00")
GROSS_COMPONENTS = (
    F.BASE_PAY,
    F.POSITION_PAY,
    F.BONUS,
    F.ANNUAL_BONUS,
    F.OT_PAY,
    F.NIGHT_SHIFT_ALLOWANCE,
    F.MEAL_ALLOWANCE,
    F.TRANSPORT_ALLOWANCE,
    F.HIGH_TEMP_ALLOWANCE,
    F.HOUSING_ALLOWANCE,
)


def check_id(rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]) -> Iterator[PayrollFinding]:
    for emp in emps:
        ident = emp.ident
        if ident is None or ident.problem is None:
            continue
        severity = Severity.LOW if ident.old_format and ident.birth else None
        yield ctx.finding(
            rule,
            emp,
            f"{ident.problem}；无法据此核对年龄（童工、未成年工、退休年龄），请核对身份证原件并更正职工名册",
            severity=severity,
        )


ID_INVALID = Rule(
    labour_relation=False,
    id="DATA.ID_INVALID",
    consequence=(
        "身份证号有误的，职工名册不具备法定内容（劳动合同法实施条例第八条），社保、公积金和个税申"
        "报可能对应不到本人，童工、未成年工和退休年龄也无法据以核对；职工名册不全的，由劳动行政部"
        "门责令限期改正，逾期处 2,000 元以上 20,000 元以下的罚款（第三十三条）。"
    ),
    title="身份证号无效",
    area=Area.ONBOARDING,
    severity=Severity.MEDIUM,
    needs=(F.ID_NUMBER,),
    legal_basis=(
        cite("公民身份号码（GB 11643-1999）"),
        cite("劳动合同法实施条例", "第八条", "职工名册应当包括劳动者姓名、性别、公民身份号码……"),
        cite("劳动合同法实施条例", "第三十三条"),
    ),
    check=check_id,
    remedy="核对身份证原件，更正职工名册和工资表中的身份证号。",
    description="长度、字符、出生日期、省份代码或校验位（MOD 11-2）不符；15 位旧号码提示核对。"
    "港澳台居民居住证（810000、820000、830000 开头）和 2023 版外国人永久居留身份证（9 开头）"
    "校验位正确即为有效，并按其出生日期核对年龄。",
    test="公民身份号码应为 18 位，第 7 至 14 位为真实的出生日期，末位校验码符合 GB 11643-1999 的 MOD 11-2 规则。",
)


_DUPLICATE_FIELDS = ("id_number", "employee_id")


def check_duplicate(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    # per pay month, each person's first row (its index): a list only for a person seen twice
    first: dict[str, dict[str, int]] = {}
    groups: dict[int, list[EmployeeMonth]] = {}  # by the first row's index
    by_number: dict[str, str] = {}  # the ID number's token hashed once, not once per month
    for i, (emp, (number, employee_id)) in enumerate(
        zip(emps, row_fields([e.row for e in emps], _DUPLICATE_FIELDS), strict=True)
    ):
        period = emp.period
        if number:
            # one person: the ID number where there is one (two files may both use 工号 E0041
            # for different people), else the 工号
            token = by_number.get(number)
            if token is None:
                token = by_number[number] = person_token(emp.row)
        elif employee_id:
            # without an ID number, a 工号 names one person within one 部门 (some companies
            # number each department from 001): two 部门 are two people, not a duplicate
            token = f"{person_token(emp.row)}\x1f{emp.row.department or ''}"
        else:
            continue
        month = first.get(period)
        if month is None:
            month = first[period] = {}
        at = month.setdefault(token, i)
        if at != i:
            members = groups.get(at)
            if members is None:
                groups[at] = [emps[at], emp]
            else:
                members.append(emp)
    del first
    for _at, members in sorted(groups.items()):
        # across files (a corrected file imported beside the first), each row with its file
        files = len({m.row.source_file for m in members}) > 1
        rows = "、".join(f"{m.row.source_file + ' ' if files else ''}{m.row.source_sheet}!"
                        f"{m.row.source_row}" for m in members)  # fmt: skip
        total = sum((m.gross or ZERO for m in members), ZERO)
        yield ctx.finding(
            rule,
            members[-1],
            f"同一员工在 {members[0].row.period} 出现 {len(members)} 次（{rows}），应发合计 {yuan(total)}；"
            "可能是重复发放，或补发、奖金另列——请核实并合并后再判断最低工资、加班费等",
        )


DUPLICATE = Rule(
    labour_relation=False,
    id="DATA.DUPLICATE",
    consequence=(
        "同一员工同月重复出现的，可能重复发放或漏算工资；发生争议时，企业须以完整、清楚的工资支付"
        "记录证明已足额支付（工资支付暂行规定第六条），记录不清由企业承担举证不利的后果。"
    ),
    title="同一员工同月重复出现",
    area=Area.PAY,
    severity=Severity.MEDIUM,
    needs_any=(F.EMPLOYEE_ID, F.ID_NUMBER),
    legal_basis=(
        cite(
            "工资支付暂行规定",
            "第六条",
            "用人单位必须书面记录支付劳动者工资的数额、时间、领取者的姓名以及签字……",
        ),
    ),
    check=check_duplicate,
    remedy="核实重复记录的原因，合并补发、奖金等分列记录，避免重复发放或漏算。",
    description="同一员工（有身份证号时按身份证号，否则按工号和部门）在同一月份出现多次。",
    test="同一员工在同一工资月份出现两行或以上（不同工作表中金额相同的副本已在导入时剔除）。",
)


_ARITHMETIC_FIELDS = (
    "net_pay", "other_deductions", "absence_deductions", "housing_fund_employee",
    "si_employee_total", "si_hf_employee_total", "income_tax", *(f.value for f in EMPLOYEE_SI),
)  # fmt: skip
"""What the sum checks read from each row, before the gross pay's components."""


def check_arithmetic(
    rule: Rule, ctx: RuleContext, emps: list[EmployeeMonth]
) -> Iterator[PayrollFinding]:
    """Gross against its parts and net against gross less deductions, within one yuan.

    A sheet with columns of amounts that no field was mapped to is not checked (those columns may
    well explain the difference): one note names them instead. Deductions the company already
    took inside 应发 (应发 = 各项目 - 扣款) are an explanation, not an error; noted once per sheet.
    """
    components = tuple(f.value for f in GROSS_COMPONENTS if f in ctx.present)
    net_ready = {F.NET_PAY, F.INCOME_TAX} <= ctx.present
    unexplained_sheets: dict[tuple[str, str], list[str]] = {}
    inside: set[tuple[str, str]] = set()
    unmapped = ctx.unmapped_money
    check_parts = len(components) >= 2
    summed = {F(n) for n in ("gross_pay", *_ARITHMETIC_FIELDS, *components)}  # the sums read
    # the count of blank items only matters when no component column is filled on every row
    rows = [emp.row for emp in emps]
    always_items = check_parts and any(
        not any(map(is_, row_column(rows, name), repeat(None))) for name in components
    )
    for emp, values in zip(emps, row_fields(rows, (*_ARITHMETIC_FIELDS, *components)), strict=True):
        gross = emp.gross
        if gross is None:
            continue
        (net, other, absence, hf, si_total, si_hf_total, tax, pension, medical,
         unemployment) = values[:10]  # fmt: skip
        if unmapped:
            sheet = (emp.row.source_file, emp.row.source_sheet)
            if sheet in unmapped:
                unexplained_sheets[sheet] = unmapped[sheet]
                continue
        deductions = (other or ZERO) + (absence or ZERO)
        problems = []
        deducted_inside = False
        if check_parts:
            items = values[10:]
            # any item has a value (``is``: a Decimal compared with None by ``==`` is slow)
            if always_items or not all(map(is_, items, repeat(None))):
                parts = sum(filter(None, items), ZERO)
                if deductions and abs(gross - (parts - deductions)) <= ARITHMETIC_TOLERANCE:
                    deducted_inside = True
                elif abs(gross - parts) > ARITHMETIC_TOLERANCE:
                    problems.append(
                        f"应发 {yuan(gross)} 与各工资项目之和 {yuan(parts)} 相差 {yuan(gross - parts)}"
                    )
        if net_ready and net is not None:
            # SI as itemised (EmployeeMonth.si_items); else the combined 社保个人合计; else
            # 五险一金个人合计, which already holds the housing fund (not taken a second time)
            si_part = ZERO
            if pension:
                si_part = si_part + pension
            if medical:
                si_part = si_part + medical
            if unemployment:
                si_part = si_part + unemployment
            hf_part = hf or ZERO
            if not si_part:
                if si_total:
                    si_part = si_total
                elif si_hf_total:
                    si_part, hf_part = si_hf_total, ZERO
            expected = (
                gross
                - si_part
                - hf_part
                - (tax or ZERO)
                - (ZERO if deducted_inside else deductions)
            )
            if (
                deductions
                and not deducted_inside
                and abs(net - expected - deductions) <= (ARITHMETIC_TOLERANCE)
            ):
                deducted_inside = True
            elif abs(net - expected) > ARITHMETIC_TOLERANCE:
                problems.append(
                    f"实发 {yuan(net)} 与应发减社保、公积金、个税、其他扣款后的 {yuan(expected)} "
                    f"相差 {yuan(net - expected)}"
                )
        if deducted_inside:
            inside.add((emp.row.source_file, emp.row.source_sheet))
        if problems:
            shown = ctx.unreadable_cells(emp, summed)
            if shown:  # an amount the import could not read: the sums rest on what it holds
                yield ctx.finding(
                    rule,
                    emp,
                    "；".join(problems) + f"。{shown} 无法读取，未计入，请核对工资表",
                    depends_on=f"无法读取的单元格 {shown} 的实际数额",
                )
                continue
            yield ctx.finding(
                rule,
                emp,
                "；".join(problems) + "。可能有未识别的工资项目或计算错误，请核对工资表",
            )
    if F.NET_PAY in ctx.present and F.INCOME_TAX not in ctx.present:
        ctx.notes.append(
            "没有个人所得税列，未核对实发工资（实发 = 应发 - 社保公积金 - 个税 - 扣款）"
        )
    for (file, sheet_name), columns in sorted(unexplained_sheets.items()):
        names = "、".join(c.split(" ", 1)[-1] for c in columns)
        ctx.notes.append(
            f"{file} 工作表「{sheet_name}」有 {len(columns)} 列金额未识别（{names}），"
            "未核对应发、实发的计算；如需核对，请在列映射中指定这些列"
        )
    for file, sheet_name in sorted(inside):
        ctx.notes.append(
            f"{file} 工作表「{sheet_name}」的应发工资已扣除其他扣款（应发 = 各项目 - 扣款），已按此核对"
        )


ARITHMETIC = Rule(
    labour_relation=False,
    id="DATA.ARITHMETIC",
    consequence=(
        "应发、扣款与实发对不上的，工资支付记录不能证明已足额支付（工资支付暂行规定第六条）；少发"
        "的部分须补发，发生争议时由企业承担举证不利的后果。"
    ),
    title="工资数额对不上",
    area=Area.PAY,
    severity=Severity.LOW,
    needs=(F.GROSS_PAY,),
    legal_basis=(cite("工资支付暂行规定", "第六条"),),
    check=check_arithmetic,
    remedy="核对工资计算，补全工资表中未列明的项目，确保应发、扣除和实发一致。",
    description="应发与各工资项目之和、实发与应发减扣除项之差超过 1 元。",
    test="应发与各工资项目之和、实发与应发减社保公积金个税扣款之差超过 1 元；工作表有未映射的金额列时不核对。",
)
