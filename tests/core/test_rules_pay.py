from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from auditdesk.models.finding import Certainty, Severity
from auditdesk.rules.engine import run_rules
from tests.builders.payroll_rows import D, born, check, row

NO_DEDUCTIONS = {"pension_employee": None, "medical_employee": None,
                 "unemployment_employee": None, "housing_fund_employee": None}  # fmt: skip


# ------------------------------------------------------------------ PAY.MIN_WAGE
@pytest.mark.parametrize(
    ("gross", "fires"), [(D("2739.99"), True), (D("2740.00"), False), (D("2740.01"), False)]
)
def test_min_wage_threshold(gross: Decimal, fires: bool) -> None:
    found = check("PAY.MIN_WAGE", row(gross_pay=gross, **NO_DEDUCTIONS))
    assert bool(found) is fires
    if fires:
        assert found[0].amount == D("0.01")
        assert found[0].severity is Severity.HIGH
        assert "低于 2025-07 上海最低工资 2,740.00 元" in found[0].message


def test_min_wage_uses_the_figure_in_force_on_the_first_of_the_month() -> None:
    assert check("PAY.MIN_WAGE", row(period="2025-06", gross_pay=D(2700), **NO_DEDUCTIONS)) == []
    assert (
        len(check("PAY.MIN_WAGE", row(period="2025-07", gross_pay=D(2700), **NO_DEDUCTIONS))) == 1
    )


def test_min_wage_excludes_own_si_hf_overtime_and_allowances() -> None:
    # 3,300 gross looks fine, but 300 meal allowance and 400 overtime pay do not count
    found = check("PAY.MIN_WAGE", row(gross_pay=D(3300), meal_allowance=D(300), ot_pay=D(400),
                                      **NO_DEDUCTIONS))  # fmt: skip
    assert found[0].amount == D(140)
    # the employee's own SI and HF come off too (the Shanghai rule)
    found = check("PAY.MIN_WAGE", row(gross_pay=D(3000), pension_employee=D(240),
                                      medical_employee=D(60), unemployment_employee=D(15),
                                      housing_fund_employee=D(210)))  # fmt: skip
    assert found[0].amount == D(265)


def test_min_wage_pro_rates_partial_attendance() -> None:
    half = row(gross_pay=D(1370), attended_days=D(11), **NO_DEDUCTIONS)
    # met on the pro-rated 1,370; if the 11 absent days were paid leave, 2,740 was due: a prompt
    [prompt] = check("PAY.MIN_WAGE", half)
    assert prompt.severity is Severity.LOW
    assert prompt.certainty is Certainty.DEPENDS
    assert "带薪假" in prompt.depends_on
    assert prompt.amount == D(1370)
    short = check("PAY.MIN_WAGE", row(gross_pay=D("1369.99"), attended_days=D(11), **NO_DEDUCTIONS))
    assert short[0].amount == D("0.01")
    assert "带薪假" in short[0].caveat


def test_min_wage_pro_rates_a_new_hire_by_working_days() -> None:
    # July 2025 has 23 working days; from the 16th there are 12
    found = check("PAY.MIN_WAGE", row(hire_date=date(2025, 7, 16), scheduled_days=None,
                                      attended_days=None, gross_pay=D(1000), **NO_DEDUCTIONS))  # fmt: skip
    assert found[0].amount == (D(2740) * 12 / 23 - 1000).quantize(D("0.01"))
    assert "12/23" in found[0].caveat


def test_min_wage_for_someone_past_retirement_is_info() -> None:
    old = row(id_number=born(date(1960, 3, 1)), gross_pay=D(2000), **NO_DEDUCTIONS)
    assert check("PAY.MIN_WAGE", old)[0].severity is Severity.INFO


def test_min_wage_after_the_last_known_figure_says_it_may_be_outdated() -> None:
    result = run_rules([row(period="2026-08", gross_pay=D(2000), pay_date=date(2026, 9, 10),
                            **NO_DEDUCTIONS)])  # fmt: skip
    [found] = [f for f in result.findings if f.rule == "PAY.MIN_WAGE"]
    assert "2025-07-01 起的标准" in found.caveat
    assert any("参数可能已过时" in n for n in result.notes)


def test_min_wage_before_the_first_figure_is_not_checked() -> None:
    result = run_rules([row(period="2017-05", gross_pay=D(100), pay_date=date(2017, 6, 10),
                            hire_date=date(2015, 1, 1), contract_signed_date=date(2015, 1, 1),
                            **NO_DEDUCTIONS)])  # fmt: skip
    assert [f for f in result.findings if f.rule == "PAY.MIN_WAGE"] == []
    assert any("2017-05 早于已知的最低工资数据" in n for n in result.notes)


# ------------------------------------------------------------------ PAY.OT_UNDERPAID
def _ot(pay: str, **changes: object) -> list:
    values: dict[str, object] = {"gross_pay": D(6000) + D(pay), **changes}
    return check("PAY.OT_UNDERPAID", row(ot_hours_workday=D(10), ot_pay=D(pay), **values))


@pytest.mark.parametrize(("pay", "fires"), [("361.06", True), ("361.07", False), ("400", False)])
def test_overtime_threshold_on_the_70_percent_estimate(pay: str, fires: bool) -> None:
    # estimate = max(2,740, 70 % × 6,000) = 4,200; 4,200 / 174 × 1.5 × 10 h = 362.07; tolerance
    # 1 yuan. The 70 % base applies only when no contract wage is agreed: probable, to verify.
    found = _ot(pay, base_pay=D(4000))
    assert bool(found) is fires
    if fires:
        assert found[0].amount == D("1.01")
        assert found[0].severity is Severity.MEDIUM
        assert found[0].certainty is Certainty.DEPENDS


@pytest.mark.parametrize(("pay", "fires"), [("235.20", True), ("235.21", False)])
def test_overtime_threshold_on_the_minimum_wage_floor(pay: str, fires: bool) -> None:
    # normal wage 2,000 + 1,000 绩效 = 3,000 → 70 % = 2,100 < 2,740: the base is at least 2,740
    # whatever the contract says → 2,740 / 174 × 1.5 × 10 h = 236.21 (236.2069), tolerance 1 yuan
    found = _ot(pay, base_pay=D(2000), bonus=D(1000), gross_pay=D(3000) + D(pay))
    assert bool(found) is fires
    if fires:
        assert found[0].amount == D("1.01")
        assert found[0].severity is Severity.HIGH
        assert found[0].certainty is Certainty.DEFINITE


def test_overtime_base_is_never_below_the_minimum_wage() -> None:
    # normal wage 3,000 → 70 % = 2,100 < 2,740: the base is 2,740 → 2,740/174×2×8 = 251.95
    found = check("PAY.OT_UNDERPAID", row(base_pay=D(3000), gross_pay=D(3100), ot_pay=D(100),
                                          ot_hours_restday=D(8)))  # fmt: skip
    assert found[0].amount == D("151.95")
    assert "补休" in found[0].message


def test_holiday_hours_count_triple() -> None:
    # October 2025 has four statutory dates (10-01, 10-02, 10-03, 10-06)
    found = check("PAY.OT_UNDERPAID", row(period="2025-10", base_pay=D(3000), gross_pay=D(3000),
                                          ot_pay=D(0), ot_hours_holiday=D(8)))  # fmt: skip
    assert found[0].amount == (D(2740) / 174 * 3 * 8).quantize(D("0.01"))  # 377.93
    assert found[0].severity is Severity.HIGH


def test_holiday_hours_beyond_the_months_statutory_dates_are_rest_day_hours() -> None:
    # 56 h in October 2025: 4 dates x 8 h = 32 h at 300 %, the other 24 h are rest days
    found, extra = check("PAY.OT_UNDERPAID", row(period="2025-10", base_pay=D(3000),
                                                 gross_pay=D(3000), ot_pay=D(0),
                                                 ot_hours_holiday=D(56)))  # fmt: skip
    assert found.severity is Severity.HIGH
    assert found.amount == (D(2740) / 174 * 3 * 32).quantize(D("0.01"))  # 1,511.72 definite
    assert "另应付" in found.message  # + 2,740/174 x 2 x 24 = 755.86 unless time off in lieu
    # on base pay 3,000 as the contract wage: (3,000 - 2,740)/174 x (3 x 32 + 2 x 24) = 215.17 more
    assert extra.severity is Severity.MEDIUM
    assert extra.certainty is Certainty.DEPENDS
    assert extra.amount == ((D(3000) - D(2740)) / 174 * (3 * 32 + 2 * 24)).quantize(D("0.01"))


def test_holiday_hours_in_a_month_without_statutory_dates_are_rest_day_hours() -> None:
    # August 2025 has no statutory holiday: 8 h "节假日" overtime cannot be 300 %
    [found] = check("PAY.OT_UNDERPAID", row(period="2025-08", base_pay=D(3000), gross_pay=D(3000),
                                            ot_pay=D(0), ot_hours_holiday=D(8)))  # fmt: skip
    assert found.severity is Severity.MEDIUM
    assert found.certainty is Certainty.DEPENDS
    assert "补休" in found.depends_on
    assert found.amount == (D(2740) / 174 * 2 * 8).quantize(D("0.01"))  # 251.95


def test_rest_day_overtime_alone_depends_on_time_off_in_lieu() -> None:
    # 16 h rest-day overtime unpaid: 2,740/174 x 2 x 16 = 503.91, unless time off was given
    [found] = check("PAY.OT_UNDERPAID", row(period="2025-08", base_pay=D(8000), gross_pay=D(8000),
                                            ot_pay=D(0), ot_hours_restday=D(16)))  # fmt: skip
    assert found.severity is Severity.MEDIUM
    assert "补休" in found.depends_on
    assert found.amount == D("503.91")


def test_overtime_on_the_agreed_wage_is_a_probable_finding() -> None:
    found = _ot("700", base_pay=D(10000))  # the 4,200 estimate is met; 10,000 base pay is not
    assert found[0].severity is Severity.MEDIUM
    assert found[0].certainty is Certainty.DEPENDS
    assert "可能少付" in found[0].message


# ------------------------------------------------------------------ PAY.LATE
@pytest.mark.parametrize(("paid", "fires"), [(date(2025, 8, 31), False), (date(2025, 9, 1), True)])
def test_late_pay_after_the_end_of_the_next_month(paid: date, fires: bool) -> None:
    found = check("PAY.LATE", row(pay_date=paid))
    assert bool(found) is fires
    if fires:
        assert found[0].amount == D("4694.50")  # the net pay is what is at stake


@pytest.mark.parametrize(("paid", "fires"), [(date(2025, 8, 10), False), (date(2025, 8, 11), True)])
def test_late_pay_against_the_agreed_pay_day(paid: date, fires: bool) -> None:
    found = check("PAY.LATE", row(pay_date=paid), agreed_pay_day=10)
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.MEDIUM


def test_agreed_pay_day_31_in_a_short_month() -> None:
    assert (
        check("PAY.LATE", row(period="2025-01", pay_date=date(2025, 2, 28)), agreed_pay_day=31)
        == []
    )


# ------------------------------------------------------------------ PAY.DEDUCTION_CAP
@pytest.mark.parametrize(("other", "fires"), [("1200.00", False), ("1200.01", True)])
def test_deduction_cap_twenty_percent(other: str, fires: bool) -> None:
    found = check("PAY.DEDUCTION_CAP", row(other_deductions=D(other)))
    assert bool(found) is fires
    if fires:  # nature unknown: only a loss-compensation deduction is capped
        assert found[0].severity is Severity.LOW
        assert found[0].certainty is Certainty.DEPENDS


def test_deduction_that_takes_pay_below_the_minimum() -> None:
    found = check(
        "PAY.DEDUCTION_CAP", row(gross_pay=D(3000), other_deductions=D(300), **NO_DEDUCTIONS)
    )
    assert found[0].amount == D(40)
    assert (
        check("PAY.DEDUCTION_CAP", row(gross_pay=D(3000), other_deductions=D(260), **NO_DEDUCTIONS))
        == []
    )


# ------------------------------------------------------------------ PAY.HIGH_TEMP
@pytest.mark.parametrize(
    ("period", "paid", "fires"),
    [
        ("2025-07", "200", True),
        ("2025-07", "300", False),
        ("2025-07", "0", False),
        ("2025-05", "200", False),
    ],
)
def test_high_temperature_allowance(period: str, paid: str, fires: bool) -> None:
    found = check("PAY.HIGH_TEMP", row(period=period, high_temp_allowance=D(paid),
                                       pay_date=date(2025, 8, 1)))  # fmt: skip
    assert bool(found) is fires
    if fires:
        assert found[0].amount == D(100)


# ------------------------------------------------------------------ found by trying to break it
def test_mid_month_hire_with_full_attendance_is_pro_rated_on_pay_days() -> None:
    # hired 2025-10-09; the file counts 18 of 18 scheduled days from the hire date; the paid
    # holidays before it (10-01..10-03, 10-06) were not his: 2,740 x 18/22 = 2,241.82
    r = row(period="2025-10", hire_date=date(2025, 10, 9), scheduled_days=D(18),
            attended_days=D(18), gross_pay=D("2241.82"), **NO_DEDUCTIONS)  # fmt: skip
    assert check("PAY.MIN_WAGE", r) == []
    short = check("PAY.MIN_WAGE", r.model_copy(update={"gross_pay": D("2241.00")}))
    assert short[0].amount == D("0.82")


def test_minimum_wage_past_retirement_asks_retired_or_flexible_delay() -> None:
    old = row(period="2025-08", id_number=born(date(1964, 6, 15)), gross_pay=D(2000),
              **NO_DEDUCTIONS)  # fmt: skip
    [found] = check("PAY.MIN_WAGE", old)
    assert found.severity is Severity.INFO
    assert found.certainty is Certainty.DEPENDS
    assert "弹性延迟退休" in found.message
    assert "已不属于劳动关系" not in found.message


# ------------------------------------------------------------------ second break-it pass
def test_past_retirement_every_labour_rule_is_info_to_verify() -> None:
    old = row(period="2025-10", id_number=born(date(1964, 6, 15)), ot_hours_workday=D(40),
              ot_hours_holiday=D(8), ot_pay=D(0), gross_pay=D(6000),
              pay_date=date(2025, 12, 10), **NO_DEDUCTIONS)  # fmt: skip
    for rule in ("PAY.OT_UNDERPAID", "PAY.LATE"):
        for f in check(rule, old):
            assert f.severity is Severity.INFO, rule
            assert "弹性延迟退休" in f.depends_on


def test_a_woman_between_the_50_and_55_schedules_is_never_high() -> None:
    # born 1972-01: retired in 2022 on a worker's post (50), not before 2027 on a cadre post (55)
    woman = row(period="2025-08", id_number=born(date(1972, 1, 15), male=False),
                gross_pay=D(2000), **NO_DEDUCTIONS)  # fmt: skip
    [found] = check("PAY.MIN_WAGE", woman)
    assert found.severity is Severity.MEDIUM
    assert "岗位" in found.depends_on


def test_hire_inside_the_month_and_absences_combine() -> None:
    # hired 2025-11-17: 10 working days from the hire (share 10/20), 8 attended of them:
    # 2,740 x 10/20 x 8/10 = 1,096 <= 1,200: no high finding (at most the leave prompt)
    r = row(period="2025-11", hire_date=date(2025, 11, 17), scheduled_days=D(10),
            attended_days=D(8), gross_pay=D(1200), **NO_DEDUCTIONS)  # fmt: skip
    assert all(f.severity is not Severity.HIGH for f in check("PAY.MIN_WAGE", r))


def test_absences_in_a_full_month_keep_the_statutory_holidays_paid() -> None:
    # October 2025: 18 working days + 4 statutory holidays; 15 attended:
    # 2,740 x (15 + 4)/(18 + 4) = 2,366.36 > 2,300: 66.36 definite
    r = row(period="2025-10", scheduled_days=D(18), attended_days=D(15), paid_leave_days=D(0),
            gross_pay=D(2300), **NO_DEDUCTIONS)  # fmt: skip
    [found] = check("PAY.MIN_WAGE", r)
    assert found.severity is Severity.HIGH
    assert found.amount == D("66.36")
    assert "19/22" in found.caveat


def test_the_floor_finding_and_the_probable_remainder_both_show() -> None:
    # 2025-12, base 8,000, 10 h workday overtime unpaid: floor 2,740/174 x 15 = 236.21 definite;
    # on base pay 8,000: 689.66, so 453.45 more is probable
    r = row(period="2025-12", base_pay=D(8000), gross_pay=D(8000), ot_hours_workday=D(10),
            ot_pay=D(0), **NO_DEDUCTIONS)  # fmt: skip
    sure, probable = check("PAY.OT_UNDERPAID", r)
    assert (sure.severity, sure.amount) == (Severity.HIGH, D("236.21"))
    assert (probable.severity, probable.amount) == (Severity.MEDIUM, D("453.45"))


def test_late_pay_does_not_carry_the_minimum_wage_pro_rating() -> None:
    r = row(period="2025-10", hire_date=date(2025, 10, 16), scheduled_days=None,
            attended_days=None, pay_date=date(2025, 12, 10))  # fmt: skip
    [late] = check("PAY.LATE", r)
    assert "计薪日" not in late.caveat


def test_min_wage_takes_a_five_insurances_one_fund_total_once() -> None:
    # 4,200 gross less 五险一金个人合计 1,305.50 (housing fund 522.20 inside it) = 2,894.50, above
    # Shanghai's 2,740 of 2025-07: compliant even when the file also has the 住房公积金 column
    separate = {"pension_employee": None, "medical_employee": None, "unemployment_employee": None}
    for hf in (D("522.20"), None):
        r = row(**separate, base_pay=D(4200), gross_pay=D(4200), net_pay=D("2894.50"),
                si_hf_employee_total=D("1305.50"), housing_fund_employee=hf)  # fmt: skip
        assert check("PAY.MIN_WAGE", r) == [], hf
