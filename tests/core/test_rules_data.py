from __future__ import annotations

from datetime import date

import pytest

from auditdesk.checklists.loader import load_library
from auditdesk.checklists.schema import ChecklistItem
from auditdesk.errors import AuditDeskError
from auditdesk.models.finding import Severity
from auditdesk.models.payroll import PayrollField, PayrollRow
from auditdesk.paths import shipped_dir
from auditdesk.rules import calendar as workcal
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.rules.engine import run_rules
from auditdesk.rules.ids import check_char, parse_id
from auditdesk.rules.params import load_params, parse_params
from tests.builders.payroll_rows import D, check, row


def test_id_check_character() -> None:
    assert parse_id("11010519491231002X").problem is None  # the standard's own example
    bad = parse_id("110105194912310029")
    assert bad.problem is not None
    assert "校验位" in bad.problem


@pytest.mark.parametrize(
    ("number", "reason"),
    [("31011419900101123", "18 位"), ("3101141990010112AX", "非法字符"),
     ("310114199002301234", "不存在"), ("000114199001011234", "省份代码"),
     ("840000199001011234", "省份代码")],
)  # fmt: skip
def test_id_problems(number: str, reason: str) -> None:
    problem = parse_id(number).problem
    assert problem is not None
    assert reason in problem


def test_id_future_birth_and_old_format() -> None:
    problem = parse_id("110105203001010011", today=date(2026, 1, 1)).problem
    assert problem is not None
    assert "未来" in problem
    old = parse_id("310114900101123")
    assert old.old_format
    assert old.birth == date(1990, 1, 1)


def test_data_id_invalid_rule() -> None:
    assert check("DATA.ID_INVALID", row()) == []
    [found] = check("DATA.ID_INVALID", row(id_number="310114199001011230"))
    assert found.severity is Severity.MEDIUM
    [old] = check("DATA.ID_INVALID", row(id_number="310114900101123"))
    assert old.severity is Severity.LOW


def _valid(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("first17", "birth", "male"),
    [("81000019900101123", date(1990, 1, 1), True),   # Hong Kong residence permit
     ("82000020000229124", date(2000, 2, 29), False),  # Macau residence permit
     ("83000019851231123", date(1985, 12, 31), True),  # Taiwan residence permit (83 was missing)
     ("93184019900101123", date(1990, 1, 1), True)],   # 2023 foreigner permanent-residence ID
)  # fmt: skip
def test_permits_with_the_right_check_character_are_valid(
    first17: str, birth: date, male: bool
) -> None:
    info = parse_id(_valid(first17))
    assert info.problem is None
    assert (info.birth, info.male) == (birth, male)


def test_permits_with_a_wrong_check_character_are_not() -> None:
    number = _valid("83000019900101123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    problem = parse_id(wrong).problem
    assert problem is not None
    assert "校验位" in problem
    foreign = _valid("93184019900101123")
    problem = parse_id(foreign[:17] + ("0" if foreign[17] != "0" else "1")).problem
    assert problem is not None
    assert "校验位" in problem


def test_age_rules_read_permit_birth_dates() -> None:
    # 2025-07: born 2010-03-01 → 15 (child); born 2008-03-01 → 17 (minor worker)
    taiwan_child = _valid("83000020100301123")
    foreign_minor = _valid("93184020080301124")
    assert check("DATA.ID_INVALID", row(id_number=taiwan_child)) == []
    assert len(check("AGE.CHILD_LABOR", row(id_number=taiwan_child))) == 1
    assert check("DATA.ID_INVALID", row(id_number=foreign_minor)) == []
    assert len(check("AGE.MINOR_WORKER", row(id_number=foreign_minor))) == 1


def test_duplicates_within_a_month_only() -> None:
    found = check("DATA.DUPLICATE", row(), row(source_row=9))
    assert len(found) == 1
    assert "工资!2、工资!9" in found[0].message
    assert check("DATA.DUPLICATE", row(), row(period="2025-08", pay_date=date(2025, 9, 10))) == []
    # the same month in two files (the corrected one imported beside the first): “工资!2、工资!2”
    # named nothing; each row is named with its file
    [twice] = check("DATA.DUPLICATE", row(), row(source_file="更正.xlsx"))
    assert "t.xlsx 工资!2、更正.xlsx 工资!2" in twice.message


def test_two_people_sharing_an_employee_number_are_not_a_duplicate() -> None:
    from tests.builders.payroll_rows import born

    # two subsidiaries' files both number from E0041: the ID numbers say they are two people
    other = born(date(1982, 5, 7), male=False)
    assert (
        check("DATA.DUPLICATE", row(), row(source_file="乙.xlsx", id_number=other, name="罗桂"))
        == []
    )
    # the same ID number under two 工号 is one person twice
    assert len(check("DATA.DUPLICATE", row(), row(source_row=9, employee_id="E9"))) == 1
    # without ID numbers the 工号 is all there is
    assert len(check("DATA.DUPLICATE", row(id_number=None), row(id_number=None, source_row=9))) == 1


@pytest.mark.parametrize(("gross", "fires"), [("6001.00", False), ("6001.01", True)])
def test_arithmetic_tolerance(gross: str, fires: bool) -> None:
    r = row(gross_pay=D(gross), position_pay=D(0), net_pay=D(gross) - D("1305.50"))
    assert bool(check("DATA.ARITHMETIC", r)) is fires


def test_arithmetic_of_net_pay() -> None:
    [found] = check("DATA.ARITHMETIC", row(net_pay=D(4000), position_pay=D(0)))
    assert "实发" in found.message


# ------------------------------------------------------------------ parameters and calendar
def test_parameter_lookup_by_first_day_of_month() -> None:
    p = load_params("shanghai")
    june, july = p.minimum_wage.at("2025-06"), p.minimum_wage.at("2025-07")
    assert june is not None
    assert july is not None
    assert (june["monthly"], july["monthly"]) == (D(2690), D(2740))
    assert july.outdated is False
    later = p.minimum_wage.at("2026-07")
    assert later is not None
    assert later.outdated is True
    assert p.minimum_wage.at("2018-03") is None
    si = p.si_base.at("2025-06")
    assert si is not None
    assert si["lower"] == D(7384)


def test_unknown_region() -> None:
    with pytest.raises(AuditDeskError) as info:
        load_params("beijing")
    assert "shanghai" in info.value.message


def test_broken_parameter_file_names_the_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.toml"
    path.write_text('region = "x"\nname = "x"\n', encoding="utf-8")
    with pytest.raises(AuditDeskError) as info:
        parse_params(path)
    assert "x.toml" in info.value.message
    assert "缺少“overtime”" in info.value.message


@pytest.mark.parametrize(
    ("schedule", "birth", "expected"),
    [("men", (1964, 12), (2024, 12)), ("men", (1965, 1), (2025, 2)), ("men", (1965, 4), (2025, 5)),
     ("men", (1976, 8), (2039, 7)), ("men", (1976, 9), (2039, 9)), ("women_50", (1975, 2), (2025, 3)),
     ("women_50", (1975, 3), (2025, 5)), ("women_50", (1984, 10), (2039, 9)),
     ("women_50", (1984, 11), (2039, 11)), ("women_55", (1970, 5), (2025, 7)),
     ("women_55", (1981, 9), (2039, 9))],
)  # fmt: skip
def test_retirement_schedule_matches_the_official_vectors(
    schedule: str, birth: tuple[int, int], expected: tuple[int, int]
) -> None:
    s = load_params().retirement[schedule]
    assert s.retirement_month(date(birth[0], birth[1], 15)) == expected


def test_statutory_holidays_are_not_every_day_off() -> None:
    assert (
        workcal.day_kind(date(2025, 5, 31)) is workcal.DayKind.STATUTORY_HOLIDAY
    )  # 端午, a Saturday
    assert workcal.day_kind(date(2025, 6, 2)) is workcal.DayKind.REST_DAY
    assert workcal.day_kind(date(2026, 10, 10)) is workcal.DayKind.WORKDAY  # an adjusted Saturday
    assert workcal.workdays_between(date(2025, 7, 1), date(2025, 7, 31)) == 23


def test_calendar_outside_its_years_is_a_clear_error() -> None:
    with pytest.raises(workcal.CalendarUnavailable) as info:
        workcal.day_kind(date(2031, 1, 2))
    assert "2031" in info.value.message


def test_partial_month_outside_the_calendar_is_not_checked() -> None:
    # hired 2031-03-16, no attendance columns, 1,000 paid: the 计薪日 share needs the 2031 holiday
    # data. It used to be held to the full 2,740 ("high" 1,740, caveat 未折算); facts §9.2: without
    # attendance only full months are checked, the part month is listed as not checked.
    r = row(period="2031-03", hire_date=date(2031, 3, 16), contract_signed_date=date(2031, 3, 16),
            scheduled_days=None, attended_days=None, pay_date=date(2031, 4, 10),
            gross_pay=D(1000))  # fmt: skip
    result = run_rules([r], rules=[RULES_BY_ID["PAY.MIN_WAGE"]], present=frozenset(PayrollField))
    assert result.findings == []
    assert any("节假日数据不覆盖" in n for n in result.notes), result.notes


# ------------------------------------------------------------------ citations (checklists and rules)
def _library_items() -> dict[str, ChecklistItem]:
    return {i.id: i for i in load_library(shipped_dir("checklists")).library.items()}


def test_child_labour_record_keeping_fine_is_fixed() -> None:
    # 禁止使用童工规定 第八条: "处1万元的罚款" — a fixed amount, not "up to"
    text = _library_items()["ONB.CHILD_LABOUR"].consequence
    assert "10,000 元以下" not in text
    assert "处 10,000 元罚款" in text


def test_unused_annual_leave_is_an_extra_200_percent() -> None:
    items = _library_items()
    for item_id in ("LEV.ANNUAL_LEAVE_UNUSED_PAY", "LEV.ANNUAL_LEAVE_PRORATA"):
        text = items[item_id].consequence
        assert "300%" in text
        assert "另付 200%" in text, item_id


def test_housing_fund_withholding_is_article_19() -> None:
    # 住房公积金管理条例 第十九条: the employer withholds the employee's share (第十八条 is the rate)
    share = _library_items()["SOC.EMPLOYEE_SHARE"].legal_basis
    assert [c.article for c in share if c.law == "住房公积金管理条例"] == ["第十九条"]
    hf = RULES_BY_ID["HF.NOT_PAID"].legal_basis
    assert any(c.law == "住房公积金管理条例" and c.article == "第十九条" for c in hf)


def test_retiree_checklist_mentions_flexible_delay() -> None:
    assert "弹性延迟退休" in _library_items()["ONB.RETIREES"].guidance


def test_arithmetic_counts_year_end_bonus_and_absence_deductions() -> None:
    from tests.builders.payroll_rows import D as Dec
    from tests.builders.payroll_rows import check as run
    from tests.builders.payroll_rows import row as make

    # 8,000 + 20,000 year-end bonus = 28,000; 8,000 - 3,000 absence deduction = 5,000 (inside 应发)
    bonus = make(base_pay=Dec(8000), annual_bonus=Dec(20000), gross_pay=Dec(28000), net_pay=None)
    absent = make(base_pay=Dec(8000), absence_deductions=Dec(3000), gross_pay=Dec(5000),
                  net_pay=None)  # fmt: skip
    assert run("DATA.ARITHMETIC", bonus) == []
    assert run("DATA.ARITHMETIC", absent) == []


def test_every_payroll_rule_states_its_own_legal_consequence() -> None:
    consequences = [rule.consequence for rule in RULES_BY_ID.values()]
    assert all(len(c) >= 30 for c in consequences), RULES_BY_ID.keys()
    assert len(set(consequences)) == len(consequences)  # no boilerplate shared by all rules
    assert "5,000 元" in RULES_BY_ID["AGE.CHILD_LABOR"].consequence
    assert "0.05%" in RULES_BY_ID["SI.NOT_PAID"].consequence


def test_check_character_needs_seventeen_digits() -> None:
    assert check_char("11010519491231002") == "X"
    with pytest.raises(ValueError, match="17 digits"):
        check_char("1101051949123100")


def test_arithmetic_skips_the_parts_check_only_on_rows_without_any_item() -> None:
    blank = {"base_pay": None, "ot_pay": None}  # no wage item on this row: nothing to add up
    short = row(source_row=3, gross_pay=D(6100), net_pay=D("4794.50"))
    findings = check("DATA.ARITHMETIC", row(**blank), short)
    assert [f.source_row for f in findings] == [3]
    assert "各工资项目之和" in findings[0].message
    # a zero item is an item: 应发 6,000 against parts of 0 on the row whose only item is 0
    zero = row(**blank, bonus=D(0))
    findings = check("DATA.ARITHMETIC", zero, row(source_row=3, bonus=D(0)))
    assert [f.source_row for f in findings] == [2]


def test_derive_keeps_the_separate_si_columns_apart_from_a_combined_one() -> None:
    from auditdesk.rules.engine import derive

    combined = row(pension_employee=None, medical_employee=None, unemployment_employee=None,
                   si_employee_total=D("783.30"))  # fmt: skip
    [emp] = derive([combined], load_params())
    assert (emp.employee_si, emp.si_items) == (D("783.30"), D(0))
    [emp] = derive([row()], load_params())
    assert emp.employee_si == emp.si_items == D("783.30")


def _combined_si_row(**changes: object) -> PayrollRow:
    # 6,000 gross; SI 596.80 + 149.20 + 37.30 = 783.30 only as a combined column; HF 522.20
    separate = {"pension_employee": None, "medical_employee": None, "unemployment_employee": None}
    return row(**separate, **changes)


def test_net_pay_check_subtracts_a_combined_si_column() -> None:
    # 实发 6,000 - 783.30 - 522.20 = 4,694.50 is right: no finding
    ok = _combined_si_row(si_employee_total=D("783.30"))
    assert check("DATA.ARITHMETIC", ok) == []
    # 2 yuan short of it: the finding computes the expected net with the combined column
    short = _combined_si_row(si_employee_total=D("783.30"), net_pay=D("4692.50"))
    [found] = check("DATA.ARITHMETIC", short)
    assert "4,694.50" in found.message
    assert "-2.00" in found.message


def test_net_pay_check_takes_a_five_insurances_one_fund_total_once() -> None:
    # 五险一金个人合计 783.30 + 522.20 = 1,305.50 already holds the housing fund: not taken twice,
    # whether or not a separate 住房公积金 column is also there
    for hf in (D("522.20"), None):
        r = _combined_si_row(si_hf_employee_total=D("1305.50"), housing_fund_employee=hf)
        assert check("DATA.ARITHMETIC", r) == [], hf


def test_parameter_view_marks_every_figure_the_facts_file_does_not_verify() -> None:
    # facts §6.3/§11.2: SI floor 2021-07 2nd-hand, 2022-07 dating inferred; §6.5: HF limits
    # 2023/2024 2nd-hand; §11.3: the date of the medical rate cut 10.5 % → 10 % is unverified, so
    # the employer total used for estimates (16 + 10.5 + 0.5 = 27 %) is not 已核实.
    from auditdesk.rules.params import describe

    lines = describe(load_params())
    by = {(line.topic, line.effective): line.status for line in lines}
    assert "待复核" in by[("社保缴费基数上下限", "2021-07-01 起")]
    assert "推断" in by[("社保缴费基数上下限", "2022-07-01 起")]
    assert by[("社保缴费基数上下限", "2023-07-01 起")] == "已核实"
    assert "待复核" in by[("公积金缴存基数上下限", "2024-07-01 起")]
    employer = [line for line in lines if line.topic == "社保单位费率"]
    assert len(employer) == 1
    assert "待核实" in employer[0].status
    assert "0.27" in employer[0].value
    [employee] = [line for line in lines if line.topic == "社保个人费率"]
    assert "单位" not in employee.value
    assert employee.status == "已核实"
