"""The pay rules against the statute's own test (labour-law review of 2026-11-30, facts file
§5.2, §5.4, §5.5, §9.0, §9.1a, §1.10): each worked example with its hand-computed figure."""

from __future__ import annotations

from datetime import date

from auditdesk.models.finding import Certainty, MoneyKind, Severity
from auditdesk.models.payroll import PayrollRow
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.rules.engine import derive
from auditdesk.rules.params import load_params
from tests.builders.payroll_rows import D, check, row

NO_DEDUCTIONS = {"pension_employee": None, "medical_employee": None,
                 "unemployment_employee": None, "housing_fund_employee": None}  # fmt: skip
CONTRACT_FACT = "劳动合同约定的工资（加班工资计算基数）"
DEDUCTION_FACT = "扣款的性质（是否为赔偿经济损失）"


# ------------------------------------------------------------------ 1. overtime base (SH-WPM Art. 9)
def test_ot_year_end_bonus_is_not_in_the_overtime_base() -> None:
    # December 2025: base 6,000 + 年终奖 30,000 + overtime 517.24 = 36,517.24.
    # normal wage = 36,517.24 - 517.24 - 30,000 = 6,000; 70 % = 4,200 ≥ 2,740
    # → 4,200 / 174 × 1.5 × 10 h = 362.07 due; base + post 6,000 → 6,000/174 × 15 = 517.24 due.
    # 517.24 paid: no finding (the old code took 70 % of 36,000 → 1,655.17 "high").
    found = check("PAY.OT_UNDERPAID", row(period="2025-12", base_pay=D(6000),
                                          annual_bonus=D(30000), gross_pay=D("36517.24"),
                                          ot_hours_workday=D(10), ot_pay=D("517.24"),
                                          pay_date=date(2026, 1, 10)))  # fmt: skip
    assert found == []


def test_ot_shortfall_only_on_the_70_percent_estimate_is_medium_and_depends() -> None:
    # 2025-08: base 4,000 + monthly 绩效 6,000 = 10,000 normal wage; 20 h on working days.
    # paid 689.66 = 4,000/174 × 1.5 × 20 (meets the 2,740 floor: 2,740/174 × 30 = 472.41).
    # 70 % estimate: 7,000/174 × 30 = 1,206.90 → 1,206.90 - 689.66 = 517.24 (probable).
    found = check("PAY.OT_UNDERPAID", row(period="2025-08", base_pay=D(4000), bonus=D(6000),
                                          gross_pay=D("10689.66"), ot_hours_workday=D(20),
                                          ot_pay=D("689.66"), pay_date=date(2025, 9, 10)))  # fmt: skip
    [f] = found
    assert f.severity is Severity.MEDIUM
    assert f.certainty is Certainty.DEPENDS
    assert f.depends_on == CONTRACT_FACT
    assert f.amount == D("517.24")
    assert f.money_kind is MoneyKind.WAGES_OWED
    assert "可能少付——请核实劳动合同约定的工资" in f.message
    assert "472.41" in f.message  # the floor-based requirement
    assert "1,206.90" in f.message  # the estimate-based requirement


def test_ot_below_a_user_supplied_contract_wage_is_high_and_definite() -> None:
    # contract wage 8,000: base = max(2,740, 8,000) = 8,000 → 8,000/174 × 1.5 × 10 = 689.66 due;
    # paid 344.83 (= 4,000/174 × 15) → 689.66 - 344.83 = 344.83 owed.
    found = check("PAY.OT_UNDERPAID", row(base_pay=D(4000), contract_wage=D(8000),
                                          gross_pay=D("4344.83"), ot_hours_workday=D(10),
                                          ot_pay=D("344.83")))  # fmt: skip
    [f] = found
    assert f.severity is Severity.HIGH
    assert f.certainty is Certainty.DEFINITE
    assert f.amount == D("344.83")
    assert f.money_kind is MoneyKind.WAGES_OWED


def test_ot_contract_wage_below_the_minimum_uses_the_minimum() -> None:
    # contract wage 2,000 < 2,740: base 2,740 → 2,740/174 × 1.5 × 10 = 236.21; paid 100 → 136.21
    found = check("PAY.OT_UNDERPAID", row(base_pay=D(2000), contract_wage=D(2000),
                                          gross_pay=D(2100), ot_hours_workday=D(10),
                                          ot_pay=D(100), **NO_DEDUCTIONS))  # fmt: skip
    [f] = found
    assert f.severity is Severity.HIGH
    assert f.certainty is Certainty.DEFINITE
    assert f.amount == D("136.21")


def test_ot_paid_leave_days_are_not_scaled_up() -> None:
    # 18 days attended + 4 days paid annual leave of 22: base 4,000 + 绩效 2,000 = 6,000 is a full
    # month's pay. 70 % × 6,000 = 4,200 → 4,200/174 × 15 = 362.07 due; 362.07 paid → no finding.
    # (Scaling by 18/22 would give 70 % × 7,333.33 = 5,133.33 → 442.53 and a false finding.)
    found = check("PAY.OT_UNDERPAID", row(attended_days=D(18), paid_leave_days=D(4),
                                          base_pay=D(4000), bonus=D(2000), gross_pay=D("6362.07"),
                                          ot_hours_workday=D(10), ot_pay=D("362.07")))  # fmt: skip
    assert found == []


# ------------------------------------------------------------------ 2. minimum-wage pro-rating
def test_min_wage_new_hire_is_pro_rated_on_pay_days_including_statutory_holidays() -> None:
    # October 2025: 18 working days + 4 statutory holidays (10-01, 10-02, 10-03, 10-06) = 22
    # 计薪日; hired 10-09: 18 working days + 0 holidays → 2,740 × 18/22 = 2,241.82 ≤ 2,300.
    # (The old code used 18/18 working days → 2,740 and a "high" 440.)
    hire = row(period="2025-10", hire_date=date(2025, 10, 9), scheduled_days=None,
               attended_days=None, gross_pay=D(2300), pay_date=date(2025, 11, 10),
               **NO_DEDUCTIONS)  # fmt: skip
    assert check("PAY.MIN_WAGE", hire) == []


def test_min_wage_new_hire_shortfall_states_the_pay_day_basis() -> None:
    # same month, gross 2,200: 2,740 × 18/22 = 2,241.818… - 2,200 = 41.82
    found = check("PAY.MIN_WAGE", row(period="2025-10", hire_date=date(2025, 10, 9),
                                      scheduled_days=None, attended_days=None, gross_pay=D(2200),
                                      pay_date=date(2025, 11, 10), **NO_DEDUCTIONS))  # fmt: skip
    [f] = found
    assert f.amount == D("41.82")
    assert f.money_kind is MoneyKind.WAGES_OWED
    assert "计薪日" in f.caveat
    assert "18/22" in f.caveat


def test_min_wage_paid_leave_days_count_as_attended() -> None:
    # 2025-08: attended 12 + 10 days paid leave = 22 of 22 → ratio 1, full 2,740 required.
    # gross 2,700 → 40 short (the old code pro-rated to 12/22 and saw nothing).
    found = check("PAY.MIN_WAGE", row(period="2025-08", attended_days=D(12),
                                      paid_leave_days=D(10), gross_pay=D(2700),
                                      pay_date=date(2025, 9, 10), **NO_DEDUCTIONS))  # fmt: skip
    [f] = found
    assert f.amount == D(40)
    assert "带薪" not in f.caveat


def test_min_wage_attendance_with_a_leave_column_states_its_basis() -> None:
    # attended 10 + paid leave 2 = 12 of 22 → 2,740 × 12/22 = 1,494.545… ; gross 1,400 → 94.55
    found = check("PAY.MIN_WAGE", row(period="2025-08", attended_days=D(10),
                                      paid_leave_days=D(2), gross_pay=D(1400),
                                      pay_date=date(2025, 9, 10), **NO_DEDUCTIONS))  # fmt: skip
    [f] = found
    assert f.amount == D("94.55")
    assert "12/22" in f.caveat
    assert "请核实" not in f.caveat  # the file says which days were paid leave


# ------------------------------------------------------------------ 3. part-time workers (LCL Art. 68-72)
def _part_time(**changes: object) -> PayrollRow:
    values = {"employment_type": "非全日制", "work_hours": D(80), "hourly_rate": D(25),
              "base_pay": None, "gross_pay": D(2000), "scheduled_days": None,
              "attended_days": None, **NO_DEDUCTIONS}  # fmt: skip
    values.update(changes)
    return row(**values)


def test_part_time_at_the_hourly_minimum_is_compliant() -> None:
    # 2025-07: 80 h × 25 = 2,000; 2,000 / 80 = 25 ≥ 25 (hourly minimum from 2025-07-01).
    # (The old code compared 2,000 with the monthly 2,740 → "high" 740.)
    assert check("PAY.MIN_WAGE", _part_time()) == []


def test_part_time_below_the_hourly_minimum() -> None:
    # 80 h, 1,600 paid → 20 an hour; (25 - 20) × 80 h = 400 owed
    [f] = check("PAY.MIN_WAGE", _part_time(hourly_rate=D(20), gross_pay=D(1600)))
    assert f.severity is Severity.HIGH
    assert f.certainty is Certainty.DEFINITE
    assert f.amount == D(400)
    assert "小时最低工资" in f.message


def test_part_time_hourly_rate_when_hours_are_missing() -> None:
    # no hours: the hourly rate 22 is the pay per hour; hours implied by pay 1,100 / 22 = 50
    # → (25 - 22) × 50 = 150
    [f] = check("PAY.MIN_WAGE", _part_time(work_hours=None, hourly_rate=D(22), gross_pay=D(1100)))
    assert f.amount == D(150)


def test_part_time_is_recognised_from_hours_and_rate_columns() -> None:
    emp = derive([_part_time(employment_type=None)], load_params())[0]
    assert emp.part_time
    for kind in ("小时工", "兼职", "钟点工", "非全日制用工"):
        assert derive([_part_time(employment_type=kind, work_hours=None, hourly_rate=None)],
                      load_params())[0].part_time  # fmt: skip


def test_hours_beyond_the_part_time_limit_are_not_part_time() -> None:
    # July: 31 days = 4.43 weeks × 24 h = 106.3 h at most (LCL Art. 68); 174 h at a rate is an
    # hourly-paid full-timer, held to the monthly minimum
    emp = derive([_part_time(employment_type=None, work_hours=D(174))], load_params())[0]
    assert not emp.part_time
    assert derive([_part_time(employment_type=None, work_hours=D(106))], load_params())[0].part_time


def test_low_pay_alone_is_not_part_time() -> None:
    emp = derive([row(gross_pay=D(1500), **NO_DEDUCTIONS)], load_params())[0]
    assert not emp.part_time
    assert not derive([_part_time(employment_type="全日制")], load_params())[0].part_time
    # 1,500 < 2,740: the monthly minimum applies
    assert check("PAY.MIN_WAGE", row(gross_pay=D(1500), **NO_DEDUCTIONS))[0].amount == D(1240)


def test_part_time_is_not_pro_rated_on_attendance() -> None:
    # hourly pay: 20 a hour × 80 h = 1,600 → (25 - 20) × 80 = 400, with no monthly pro-rating note
    [f] = check("PAY.MIN_WAGE", _part_time(hourly_rate=D(20), gross_pay=D(1600),
                                           scheduled_days=D(22), attended_days=D(10)))  # fmt: skip
    assert f.amount == D(400)
    assert "折算" not in f.caveat
    # nor a "remainder below the monthly minimum" on a deduction: 2,900 - 300 = 2,600 < 2,740 is
    # no test for a part-timer (300 is 10.3 % of 2,900, under the 20 % cap)
    assert check("PAY.DEDUCTION_CAP", _part_time(gross_pay=D(2900), other_deductions=D(300))) == []


def test_part_time_pay_cycle_is_fifteen_days() -> None:
    # July ends 07-31: paid 08-15 is within 15 days; 08-16 is not (LCL Art. 72)
    assert check("PAY.LATE", _part_time(pay_date=date(2025, 8, 15))) == []
    [f] = check("PAY.LATE", _part_time(pay_date=date(2025, 8, 16)))
    assert f.severity is Severity.MEDIUM
    assert f.certainty is Certainty.DEFINITE
    assert f.money_kind is MoneyKind.PAID_LATE
    assert any(c.article == "第七十二条" for c in f.legal_basis)
    # a full-time employee paid on 08-16 is on time
    assert check("PAY.LATE", row(pay_date=date(2025, 8, 16))) == []


# ------------------------------------------------------------------ 4. deductions (WPIP Art. 15-16)
def test_absence_deductions_are_not_capped() -> None:
    # 2025-08: gross 8,000, 事假 10 days (attended 12 of 22), 考勤扣款 8,000/21.75 × 10 = 3,678.16.
    # Not a loss-compensation deduction: no PAY.DEDUCTION_CAP (old: medium 3,678.16 - 1,600 =
    # 2,078.16). PAY.MIN_WAGE: eligible 8,000 - 1,305.50 SI/HF = 6,694.50 ≥ 2,740 × 12/22 = 1,494.55.
    leave = row(period="2025-08", gross_pay=D(8000), attended_days=D(12),
                absence_deductions=D("3678.16"), other_deductions=D(0),
                pay_date=date(2025, 9, 10))  # fmt: skip
    assert check("PAY.DEDUCTION_CAP", leave) == []
    assert check("PAY.MIN_WAGE", leave) == []


def test_other_deduction_of_unknown_nature_above_twenty_percent_is_low_and_depends() -> None:
    # gross 8,000: 20 % = 1,600; other deductions 1,700 → 100 over, to verify
    [f] = check("PAY.DEDUCTION_CAP", row(period="2025-08", gross_pay=D(8000),
                                         other_deductions=D(1700), pay_date=date(2025, 9, 10)))  # fmt: skip
    assert f.severity is Severity.LOW
    assert f.certainty is Certainty.DEPENDS
    assert f.depends_on == DEDUCTION_FACT
    assert f.amount == D(100)
    assert f.money_kind is MoneyKind.WAGES_OWED
    assert "请核实：如该扣款是赔偿企业经济损失，则超过了当月工资 20% 的上限" in f.message


def test_deduction_leaving_less_than_the_minimum_is_low_and_depends() -> None:
    # gross 3,000, deduction 300 (= 10 %): 3,000 - 300 = 2,700 < 2,740 → 40, to verify
    [f] = check("PAY.DEDUCTION_CAP", row(gross_pay=D(3000), other_deductions=D(300),
                                         **NO_DEDUCTIONS))  # fmt: skip
    assert f.severity is Severity.LOW
    assert f.certainty is Certainty.DEPENDS
    assert f.amount == D(40)


# ------------------------------------------------------------------ 5. money kinds and tests
def test_every_pay_rule_says_its_money_kind_and_test() -> None:
    kinds = {
        "PAY.MIN_WAGE": MoneyKind.WAGES_OWED,
        "PAY.OT_UNDERPAID": MoneyKind.WAGES_OWED,
        "PAY.DEDUCTION_CAP": MoneyKind.WAGES_OWED,
        "PAY.HIGH_TEMP": MoneyKind.WAGES_OWED,
        "PAY.LATE": MoneyKind.PAID_LATE,
    }
    for rule_id, kind in kinds.items():
        rule = RULES_BY_ID[rule_id]
        assert rule.money_kind is kind, rule_id
        assert rule.test, rule_id
        assert rule.test.endswith("。"), rule_id


def test_late_pay_is_paid_late_not_owed() -> None:
    [f] = check("PAY.LATE", row(pay_date=date(2025, 9, 1)))
    assert f.money_kind is MoneyKind.PAID_LATE
    assert not f.money_kind.owed


def test_high_temperature_allowance_cites_existing_rules() -> None:
    laws = [c.law for c in RULES_BY_ID["PAY.HIGH_TEMP"].legal_basis]
    assert "防暑降温措施管理办法" in laws
    assert not any("高温作业及高温天气作业劳动保护有关规定" in law for law in laws)
    [f] = check("PAY.HIGH_TEMP", row(high_temp_allowance=D(200)))
    assert f.money_kind is MoneyKind.WAGES_OWED


def test_part_time_hourly_minimum_excludes_the_employees_own_social_insurance() -> None:
    # Shanghai's hourly minimum excludes both sides' SI (2011 circular, facts §5.5): 2025-07,
    # 80 h, gross 2,000 with 160 of the employee's own pension withheld → (2,000 - 160) / 80 =
    # 23.00 an hour < 25 → (25 - 23) × 80 = 160.00 owed.
    [f] = check("PAY.MIN_WAGE", _part_time(pension_employee=D(160)))
    assert f.amount == D("160.00")
    assert "23.00" in f.message
    # hours missing: the rate 25 gives 2,000 / 25 = 80 h; (2,000 - 160) / 80 = 23 → 160.00 again
    [g] = check("PAY.MIN_WAGE", _part_time(pension_employee=D(160), work_hours=None))
    assert g.amount == D("160.00")
    # without SI withheld 2,000 / 80 = 25: compliant, as before
    assert check("PAY.MIN_WAGE", _part_time()) == []


def test_minimum_wage_for_a_retiree_rehired_is_info_to_verify() -> None:
    # 2025-07, gross 1,500 < 2,740 → 1,240 short for an employee; the payroll says 退休返聘 (a
    # service relation if a pension is drawn, SPC-I Art. 32): kept as 提示, resting on the relation
    [f] = check("PAY.MIN_WAGE", row(employment_type="退休返聘", gross_pay=D(1500), **NO_DEDUCTIONS))
    assert f.severity is Severity.INFO
    assert f.certainty is Certainty.DEPENDS
    assert "是否确非劳动关系" in f.depends_on
    assert f.amount == D(1240)
    assert "退休返聘" in f.message


# ------------------------------------------------------------------ years the holiday data does not cover
def test_part_month_outside_the_holiday_data_is_not_checked_against_the_full_minimum() -> None:
    # 2018-06 (minimum 2,420 from 2018-04-01), hired 06-20, no attendance columns: the 计薪日 share
    # needs the 2018 working days and statutory holidays, which the holiday data (2019-2026) does
    # not have. The old code held the 11-day month to the full 2,420 → "high" 1,420. Facts §9.2:
    # without attendance, only full months are checked; the part month is listed as not checked.
    from auditdesk.models.payroll import PayrollField
    from auditdesk.rules.engine import run_rules

    hired = row(period="2018-06", hire_date=date(2018, 6, 20), contract_signed_date=date(2018, 6, 20),
                scheduled_days=None, attended_days=None, gross_pay=D(1000), pay_date=None,
                **NO_DEDUCTIONS)  # fmt: skip
    result = run_rules([hired], rules=[RULES_BY_ID["PAY.MIN_WAGE"]],
                       present=frozenset(PayrollField))  # fmt: skip
    assert result.findings == []
    assert any("未按最低工资检查" in n and "E1（2018-06）" in n for n in result.notes), result.notes
    # the same month with attendance is checked: 2,420 × 10/21 = 1,152.38 → 152.38 short
    [f] = check("PAY.MIN_WAGE", row(period="2018-06", scheduled_days=D(21), attended_days=D(10),
                                    gross_pay=D(1000), pay_date=None, **NO_DEDUCTIONS))  # fmt: skip
    assert f.amount == D("152.38")


def test_holiday_overtime_outside_the_holiday_data_is_not_taken_as_300_percent() -> None:
    # 2018-10: 24 h of 法定节假日 overtime by the file's column, none paid; minimum 2,420. Which
    # days were statutory (300 %) cannot be checked (facts §8 item 4: report, do not classify), so
    # nothing is definite: at 300 % 2,420/174 × 3 × 24 = 1,001.38, at the rest-day rate 667.59 —
    # 中, resting on the holiday dates (the old code said 高 1,001.38).
    [f, *extra] = check("PAY.OT_UNDERPAID", row(period="2018-10", ot_hours_holiday=D(24),
                                                ot_pay=D(0), base_pay=D(3000), gross_pay=D(3000),
                                                pay_date=None, **NO_DEDUCTIONS))  # fmt: skip
    assert f.severity is Severity.MEDIUM
    assert f.certainty is Certainty.DEPENDS
    assert "2018 年" in f.depends_on
    assert f.amount == D("1001.38")
    assert "节假日数据" in f.message
    assert all(e.severity is Severity.MEDIUM for e in extra)
    # workday overtime in the same month stays definite: 2,420/174 × 1.5 × 10 = 208.62
    [w, *_] = check("PAY.OT_UNDERPAID", row(period="2018-10", ot_hours_workday=D(10),
                                            ot_hours_holiday=D(24), ot_pay=D(0), base_pay=D(3000),
                                            gross_pay=D(3000), pay_date=None, **NO_DEDUCTIONS))  # fmt: skip
    assert w.severity is Severity.HIGH
    assert w.amount == D("208.62")


# ------------------------------------------------------------------ negative gross pay (brk4)
def test_a_negative_gross_is_a_reversal_not_a_wage_below_the_minimum() -> None:
    # 应发 -8,000.00 (a reversal or correction row, or a sign typed wrong) had given a 高
    # PAY.MIN_WAGE of 2,740 + 8,000 = 10,740 owed; it is listed as not checked instead
    from auditdesk.models.payroll import PayrollField
    from auditdesk.rules.engine import run_rules

    for kind in (None, "非全日制"):
        reversal = row(gross_pay=D(-8000), net_pay=D(-8000), pay_date=None, employment_type=kind,
                       work_hours=D(80) if kind else None, **NO_DEDUCTIONS)  # fmt: skip
        result = run_rules([reversal], rules=[RULES_BY_ID["PAY.MIN_WAGE"]],
                           present=frozenset(PayrollField))  # fmt: skip
        assert result.findings == []
        assert any("应发为负数" in n and "E1（" in n for n in result.notes), result.notes
