from __future__ import annotations

from datetime import date

import pytest

from auditdesk.models.finding import Certainty, MoneyKind, Severity
from auditdesk.models.payroll import PayrollField, PayrollRow
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.rules.engine import present_fields, run_rules
from tests.builders.payroll_rows import D, born, check, row


# ------------------------------------------------------------------ HOURS.OT_MONTHLY_CAP
@pytest.mark.parametrize(("hours", "fires"), [("35.5", False), ("36", False), ("36.5", True)])
def test_overtime_cap(hours: str, fires: bool) -> None:
    found = check("HOURS.OT_MONTHLY_CAP", row(ot_hours_workday=D(hours) - 8, ot_hours_restday=D(8)))
    assert bool(found) is fires


def test_overtime_cap_counts_all_three_kinds() -> None:
    found = check("HOURS.OT_MONTHLY_CAP", row(ot_hours_workday=D(20), ot_hours_restday=D(10),
                                              ot_hours_holiday=D(8)))  # fmt: skip
    assert "合计 38 小时" in found[0].message


# ------------------------------------------------------------------ CONTRACT.NOT_SIGNED
def test_contract_window_starts_the_day_after_one_full_month() -> None:
    hire = date(2025, 3, 16)
    [april] = check("CONTRACT.NOT_SIGNED", row(period="2025-04", hire_date=hire,
                                               contract_signed_date=None, pay_date=date(2025, 5, 10)))  # fmt: skip
    assert "04-16 至 04-30 共 15 天" in april.message
    assert april.amount == D(3000)  # 6,000 × 15 / 30
    assert check("CONTRACT.NOT_SIGNED", row(period="2025-03", hire_date=hire, contract_signed_date=None,
                                            pay_date=date(2025, 4, 10))) == []  # fmt: skip


def test_contract_signed_within_the_month_is_fine() -> None:
    r = row(period="2025-04", hire_date=date(2025, 3, 16), contract_signed_date=date(2025, 4, 15),
            pay_date=date(2025, 5, 10))  # fmt: skip
    assert check("CONTRACT.NOT_SIGNED", r) == []


def test_contract_signed_late_ends_the_window() -> None:
    hire, signed = date(2025, 3, 16), date(2025, 5, 10)
    [may] = check("CONTRACT.NOT_SIGNED", row(period="2025-05", hire_date=hire,
                                             contract_signed_date=signed, pay_date=date(2025, 6, 10)))  # fmt: skip
    assert "05-01 至 05-09 共 9 天" in may.message
    assert check("CONTRACT.NOT_SIGNED", row(period="2025-06", hire_date=hire, contract_signed_date=signed,
                                            pay_date=date(2025, 7, 10))) == []  # fmt: skip


def test_contract_missing_for_a_year_is_deemed_open_ended() -> None:
    r = row(period="2025-03", hire_date=date(2024, 1, 10), contract_signed_date=None,
            pay_date=date(2025, 4, 10))  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", r)
    assert "无固定期限" in found.message
    assert found.amount is None  # the double wage stops after 11 months


READING = "按入职满一个月的次日起算至满一年的前一日；各地裁判对起止日可能相差一天"
LATE_SIGNED = "满一年后才签订：此前已视为订立无固定期限劳动合同，之后签订的固定期限合同需审视"


def test_contract_full_month_inside_the_window() -> None:
    # hired 2024-01-10: window 2024-02-10 … 2025-01-08; March 2024 lies wholly inside it:
    # 6,000 - 0 overtime = 6,000 × 31/31 = 6,000.00
    r = row(period="2024-03", hire_date=date(2024, 1, 10), contract_signed_date=None,
            pay_date=date(2024, 4, 10))  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", r)
    assert found.severity is Severity.HIGH
    assert found.certainty is Certainty.DEFINITE
    assert found.money_kind is MoneyKind.EXPOSURE
    assert found.amount == D("6000.00")
    assert "03-01 至 03-31 共 31 天" in found.message
    assert "2024-02-10 至 2025-01-08" in found.message
    assert READING in found.message
    assert "估算" in found.caveat


def test_contract_window_ends_the_day_before_the_year_mark() -> None:
    # hired 2024-01-10: 满一年 on 2025-01-09, window ends 2025-01-08 → 8 days of January:
    # 6,000 × 8 / 31 = 1,548.387… → 1,548.39; deemed open-ended from 2025-01-09
    r = row(period="2025-01", hire_date=date(2024, 1, 10), contract_signed_date=None,
            pay_date=date(2025, 2, 10))  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", r)
    assert "01-01 至 01-08 共 8 天" in found.message
    assert found.amount == D("1548.39")
    assert "2025-01-09 起视为已订立无固定期限劳动合同" in found.message


def test_contract_estimate_leaves_out_overtime_and_year_end_bonus() -> None:
    # gross 17,500 = 6,000 normal + 1,500 overtime + 10,000 year-end bonus → base 6,000 × 31/31
    r = row(period="2024-03", hire_date=date(2024, 1, 10), contract_signed_date=None,
            gross_pay=D(17500), ot_pay=D(1500), annual_bonus=D(10000),
            pay_date=date(2024, 4, 10))  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", r)
    assert found.amount == D("6000.00")


def test_contract_signed_after_the_year_mark_is_one_info_not_monthly_high() -> None:
    # hired 2024-01-10, signed 2025-03-01: the file shows the signing, so 2025-06 gets no "sign
    # now" finding (the old rule: high every month); one info per person instead
    r = row(period="2025-06", hire_date=date(2024, 1, 10),
            contract_signed_date=date(2025, 3, 1), pay_date=date(2025, 7, 10))  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", r)
    assert found.severity is Severity.INFO
    assert found.amount is None
    assert LATE_SIGNED in found.message
    rows = [r.model_copy(update={"period": p}) for p in ("2025-02", "2025-03", "2025-04")]
    [once] = check("CONTRACT.NOT_SIGNED", *rows)
    assert (once.period, once.severity) == ("2025-02", Severity.INFO)  # the person's first row


def test_contract_signed_late_keeps_the_window_months_before_the_mark() -> None:
    hire, signed = date(2024, 1, 10), date(2025, 3, 1)
    rows = [
        row(period=p, hire_date=hire, contract_signed_date=signed) for p in ("2024-06", "2025-06")
    ]
    found = check("CONTRACT.NOT_SIGNED", *rows)
    assert [(f.period, f.severity) for f in found] == [
        ("2024-06", Severity.HIGH), ("2024-06", Severity.INFO)
    ]  # fmt: skip
    high = found[0]
    assert high.amount == D("6000.00")  # 6,000 × 30/30
    assert "立即补订" not in high.message


def test_contract_signing_month_never_says_sign_now() -> None:
    # hired 2024-01-10, never signed by 2025-01-09, signed 2025-03-01: no month from March on
    # gets "立即补订", and neither does February (the file shows the signing)
    hire, signed = date(2024, 1, 10), date(2025, 3, 1)
    for period in ("2025-02", "2025-03", "2025-04"):
        found = check("CONTRACT.NOT_SIGNED", row(period=period, hire_date=hire,
                                                 contract_signed_date=signed))  # fmt: skip
        assert all("立即补订" not in f.message for f in found)
        assert all(f.severity is Severity.INFO for f in found)


def test_contract_hired_at_the_end_of_a_month() -> None:
    # hired 2025-01-31: there is no 02-31, so the window starts on 03-01, not 02-28
    hire = date(2025, 1, 31)
    assert check("CONTRACT.NOT_SIGNED", row(period="2025-02", hire_date=hire,
                                            contract_signed_date=None)) == []  # fmt: skip
    [march] = check("CONTRACT.NOT_SIGNED", row(period="2025-03", hire_date=hire,
                                               contract_signed_date=None))  # fmt: skip
    assert "03-01 至 03-31 共 31 天" in march.message


def test_contract_past_retirement_asks_retired_or_flexible_delay() -> None:
    rows = [row(period=p, id_number=born(date(1960, 1, 1)), hire_date=date(2025, 3, 16),
                contract_signed_date=None) for p in ("2025-05", "2025-06")]  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", *rows)
    assert found.severity is Severity.INFO
    assert found.depends_on == "是否已退休或办理了弹性延迟退休"
    assert found.amount is None


def test_contract_not_required_in_writing_for_part_timers() -> None:
    # 劳动合同法 第六十九条: part-time work may rest on an oral agreement
    r = row(period="2024-03", hire_date=date(2024, 1, 10), contract_signed_date=None,
            employment_type="非全日制", work_hours=D(80), hourly_rate=D(25),
            base_pay=D(2000), gross_pay=D(2000))  # fmt: skip
    assert check("CONTRACT.NOT_SIGNED", r) == []


def test_contract_rule_is_skipped_without_the_column() -> None:
    present = present_fields([row()]) - {PayrollField.CONTRACT_SIGNED_DATE}
    result = run_rules([row(contract_signed_date=None)], present=present)
    skipped = {s.rule: s.reason for s in result.rules_skipped}
    assert "合同签订日期" in skipped["CONTRACT.NOT_SIGNED"]


# ------------------------------------------------------------------ ages
@pytest.mark.parametrize(("birth", "fires"), [(date(2009, 7, 1), False), (date(2009, 7, 2), True)])
def test_child_labour_on_the_sixteenth_birthday(birth: date, fires: bool) -> None:
    found = check("AGE.CHILD_LABOR", row(id_number=born(birth)))
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.CRITICAL
        assert found[0].amount == D(5000)


def test_child_hired_after_turning_sixteen_is_not_child_labour() -> None:
    r = row(id_number=born(date(2009, 7, 10)), hire_date=date(2025, 7, 20))
    assert check("AGE.CHILD_LABOR", r) == []
    assert len(check("AGE.MINOR_WORKER", r)) == 1


@pytest.mark.parametrize(("birth", "fires"), [(date(2007, 7, 1), False), (date(2007, 7, 2), True)])
def test_minor_worker_until_eighteen(birth: date, fires: bool) -> None:
    assert bool(check("AGE.MINOR_WORKER", row(id_number=born(birth)))) is fires


@pytest.mark.parametrize(
    "changes",
    [{"ot_hours_workday": D(4)}, {"ot_hours_restday": D(8)}, {"night_shift_allowance": D(200)}],
)
def test_minor_worker_with_overtime_or_night_pay_is_medium_needs_review(
    changes: dict[str, object],
) -> None:
    # no national article banning overtime for minors was located (facts §1.7): never high
    [found] = check("AGE.MINOR_WORKER", row(id_number=born(date(2008, 3, 1)), **changes))
    assert found.severity is Severity.MEDIUM
    assert found.certainty is Certainty.DEPENDS
    assert found.depends_on == "是否安排了加班、夜班或禁忌作业"
    assert "禁忌的加班" not in found.message
    for article in ("第九条", "第六条", "第三条"):  # registration, health checks, forbidden work
        assert article in found.message


def test_minor_worker_without_overtime_is_medium_review_of_duties() -> None:
    [found] = check("AGE.MINOR_WORKER", row(id_number=born(date(2008, 3, 1))))
    assert found.severity is Severity.MEDIUM
    assert found.certainty is Certainty.DEPENDS
    assert "使用登记" in found.message


def test_child_labour_amount_is_a_fine_risk() -> None:
    [found] = check("AGE.CHILD_LABOR", row(id_number=born(date(2010, 3, 1))))
    assert found.amount == D(5000)  # 5,000 yuan per child per month (禁止使用童工规定 第六条)
    assert found.money_kind is MoneyKind.FINE_RISK


def test_past_retirement_mentions_flexible_delay() -> None:
    r = row(period="2025-07", id_number=born(date(1965, 1, 15)), pay_date=date(2025, 8, 10))
    [found] = check("AGE.PAST_RETIREMENT", r)
    assert "弹性延迟退休" in found.message
    assert "3 年" in found.message
    assert "不再适用" not in found.message


def test_overtime_cap_past_retirement_is_one_info() -> None:
    rows = [row(period=p, id_number=born(date(1960, 5, 1)), ot_hours_workday=D(40))
            for p in ("2025-07", "2025-08")]  # fmt: skip
    [found] = check("HOURS.OT_MONTHLY_CAP", *rows)
    assert found.severity is Severity.INFO
    assert found.depends_on == "是否已退休或办理了弹性延迟退休"
    assert check("HOURS.OT_MONTHLY_CAP", row(id_number=born(date(1960, 5, 1)))) == []


def test_overtime_cap_states_no_amount() -> None:
    [found] = check("HOURS.OT_MONTHLY_CAP", row(ot_hours_workday=D(40)))
    assert found.amount is None
    assert RULES_BY_ID["HOURS.OT_MONTHLY_CAP"].money_kind is MoneyKind.FINE_RISK


OWNED = ["CONTRACT.NOT_SIGNED", "AGE.CHILD_LABOR", "AGE.MINOR_WORKER", "AGE.PAST_RETIREMENT",
         "SI.NOT_PAID", "SI.BASE_BELOW_FLOOR", "HF.NOT_PAID", "HOURS.OT_MONTHLY_CAP",
         "DATA.ID_INVALID"]  # fmt: skip
MONEY_KINDS = {"CONTRACT.NOT_SIGNED": MoneyKind.EXPOSURE, "AGE.CHILD_LABOR": MoneyKind.FINE_RISK,
               "SI.NOT_PAID": MoneyKind.CONTRIBUTIONS_OWED,
               "SI.BASE_BELOW_FLOOR": MoneyKind.CONTRIBUTIONS_OWED,
               "HF.NOT_PAID": MoneyKind.CONTRIBUTIONS_OWED,
               "HOURS.OT_MONTHLY_CAP": MoneyKind.FINE_RISK}  # fmt: skip


@pytest.mark.parametrize("rule_id", OWNED)
def test_rules_state_their_test_and_money_kind(rule_id: str) -> None:
    rule = RULES_BY_ID[rule_id]
    assert rule.test.endswith("。")
    assert rule.test.count("。") == 1  # one sentence
    assert rule.money_kind is MONEY_KINDS.get(rule_id)


@pytest.mark.parametrize(("period", "fires"), [("2025-02", False), ("2025-03", True)])
def test_retirement_of_a_man_born_1965_01(period: str, fires: bool) -> None:
    # born 1965-01: 60 years 1 month → retires 2025-02
    r = row(period=period, id_number=born(date(1965, 1, 15)), pay_date=date(2025, 4, 10))
    assert bool(check("AGE.PAST_RETIREMENT", r)) is fires


def test_retirement_is_reported_once_per_person() -> None:
    rows = [row(period=p, id_number=born(date(1960, 5, 1)), pay_date=date(2025, 9, 10))
            for p in ("2025-06", "2025-07")]  # fmt: skip
    assert len(check("AGE.PAST_RETIREMENT", *rows)) == 1


def test_woman_whose_category_is_unknown() -> None:
    # F50 schedule: born 1975-03 → 50y2m → 2025-05; F55 schedule much later
    r = row(
        period="2025-06", id_number=born(date(1975, 3, 10), male=False), pay_date=date(2025, 7, 10)
    )
    [found] = check("AGE.PAST_RETIREMENT", r)
    assert "工人岗位" in found.message
    assert check(
        "SI.NOT_PAID",
        r.model_copy(
            update={
                "pension_employee": None,
                "medical_employee": None,
                "unemployment_employee": None,
            }
        ),
    )  # still due


def _mistyped(number: str) -> str:
    """``number`` with a wrong check character: one of its digits was mistyped."""
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("rule_id", "birth"),
    [("AGE.CHILD_LABOR", date(2010, 3, 1)), ("AGE.MINOR_WORKER", date(2008, 3, 1)),
     ("AGE.PAST_RETIREMENT", date(1960, 1, 15))],
)  # fmt: skip
def test_an_age_read_from_an_id_number_that_fails_its_check_is_to_verify(
    rule_id: str, birth: date
) -> None:
    """DATA.ID_INVALID says such a number cannot show the age (a mistyped digit may be in the
    date): the age findings rest on the ID card, never a confident 重大 with a 5,000 yuan fine."""
    [found] = check(rule_id, row(id_number=_mistyped(born(birth)), pay_date=date(2025, 8, 10)))
    assert found.certainty is Certainty.DEPENDS
    assert found.severity.rank >= Severity.MEDIUM.rank  # 中 or below
    assert "身份证号校验位错误" in found.depends_on
    assert "核对身份证原件" in found.depends_on
    [sound] = check(rule_id, row(id_number=born(birth), pay_date=date(2025, 8, 10)))
    assert "身份证" not in sound.depends_on


def test_contract_and_overtime_cap_for_an_intern_are_one_info_each() -> None:
    # hired 2025-01-10, never signed: for an employee, 2025-07 would be 高 with 6,000 exposure;
    # the payroll says 实习生 — not a labour relation: one 提示, no amount (facts §9.0, §9.2)
    rows = [row(employment_type="实习生", period=p, hire_date=date(2025, 1, 10),
                contract_signed_date=None, ot_hours_workday=D(40), pay_date=None)
            for p in ("2025-07", "2025-08")]  # fmt: skip
    for rule in ("CONTRACT.NOT_SIGNED", "HOURS.OT_MONTHLY_CAP"):
        [found] = check(rule, *rows)
        assert found.severity is Severity.INFO, rule
        assert found.certainty is Certainty.DEPENDS, rule
        assert "是否确非劳动关系" in found.depends_on, rule
        assert found.amount is None, rule


def test_contract_window_months_before_the_file_are_mentioned_not_counted() -> None:
    # hired 2024-01-10, never signed: the window runs 2024-02-10 … 2025-01-08. The file holds
    # 2024-06 and 2024-07 only: each gets its month (6,000 each), and the first one says that
    # 2024-02-10 … 2024-05-31 is outside the file and not counted (facts §9.1 CONTRACT.NOT_SIGNED).
    rows = [row(period=p, hire_date=date(2024, 1, 10), contract_signed_date=None, pay_date=None)
            for p in ("2024-07", "2024-06")]  # fmt: skip
    found = sorted(check("CONTRACT.NOT_SIGNED", *rows), key=lambda f: f.period)
    assert [(f.period, f.amount) for f in found] == [("2024-06", D(6000)), ("2024-07", D(6000))]
    assert "2024-02-10 至 2024-05-31" in found[0].message
    assert "不在本次导入的工资表中" in found[0].message
    assert "不在本次导入的工资表中" not in found[1].message


def _past_retirement(**changes: object) -> PayrollRow:
    """A man born 1958-04-20 (statutory age reached in 2018) in July 2025, with ``changes``."""
    return row(id_number=born(date(1958, 4, 20)), pay_date=date(2025, 8, 10), **changes)


NO_SI = {"pension_employee": None, "medical_employee": None, "unemployment_employee": None}


@pytest.mark.parametrize(
    ("rule_id", "changes"),
    [("SI.NOT_PAID", NO_SI), ("HF.NOT_PAID", {"housing_fund_employee": None}),
     ("PAY.MIN_WAGE", {"base_pay": D(2000), "gross_pay": D(2000)})],
)  # fmt: skip
def test_retirement_read_from_an_id_number_that_fails_its_check_is_to_verify(
    rule_id: str, changes: dict[str, object]
) -> None:
    """The retirement flag rests on the birth date as the age rules do: from a number whose check
    character is wrong (a digit mistyped, perhaps in the date) the person is not taken as past
    the statutory age — which would make the rule's finding a mere 提示 (SI not paid: “retired,
    or a flexible delay?”) — but the rule's own finding stands, to verify against the ID card
    and never above 中."""
    sound = _past_retirement(**changes)
    [retired] = check(rule_id, sound)
    assert retired.severity is Severity.INFO  # a sound number: past the age, retired or delay?
    bad = sound.model_copy(update={"id_number": _mistyped(sound.id_number or "")})
    [found] = check(rule_id, bad)
    assert found.severity is Severity.MEDIUM
    assert found.certainty is Certainty.DEPENDS
    assert "核对身份证原件" in found.depends_on
    assert "法定退休年龄" in found.depends_on
    assert "退休" not in found.message  # the rule's own finding, not the retirement 提示
    assert found.amount


def test_the_retirement_finding_from_a_mistyped_number_stays_one_to_verify() -> None:
    bad = _mistyped(born(date(1958, 4, 20)))
    [found] = check("AGE.PAST_RETIREMENT", row(id_number=bad, pay_date=date(2025, 8, 10)))
    assert found.severity is Severity.INFO
    assert "核对身份证原件" in found.depends_on


def test_a_finding_resting_on_a_mistyped_numbers_age_says_why_without_the_date() -> None:
    bad = _mistyped(born(date(1958, 4, 20)))
    [found] = check("SI.NOT_PAID", row(id_number=bad, pay_date=date(2025, 8, 10), **NO_SI))
    assert "出生日期须核对身份证原件" in found.caveat
    assert "1958" not in found.caveat + found.message
    assert "2018" not in found.caveat + found.message


@pytest.mark.parametrize("kind", ["实习期", "实习期员工"])
def test_an_internship_period_is_an_employee_to_verify_not_a_student(kind: str) -> None:
    # 实习期 is the word small firms write for 试用期 (probation): the person is employed, so
    # the contract rule's finding stands with its amount (hired 2025-01-10, never signed: 2025-07
    # lies in the double-wage window, 6,000 exposure), but rests on the relation — a student
    # intern (实习生) would be no labour relation — so 中 and 待核实, never a mere 提示.
    emp = row(employment_type=kind, period="2025-07", hire_date=date(2025, 1, 10),
              contract_signed_date=None, pay_date=None)  # fmt: skip
    [found] = check("CONTRACT.NOT_SIGNED", emp)
    assert found.severity is Severity.MEDIUM
    assert found.certainty is Certainty.DEPENDS
    assert "实习期" in found.depends_on
    assert "在校学生" in found.depends_on
    assert found.amount == D(6000)
    [student] = check("CONTRACT.NOT_SIGNED", emp.model_copy(update={"employment_type": "实习生"}))
    assert student.severity is Severity.INFO
