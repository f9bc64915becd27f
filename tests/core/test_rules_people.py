from __future__ import annotations

from datetime import date

import pytest

from auditdesk.models.finding import Severity
from auditdesk.models.payroll import PayrollField
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


def test_minor_worker_with_overtime_is_high() -> None:
    found = check("AGE.MINOR_WORKER", row(id_number=born(date(2008, 3, 1)), ot_hours_workday=D(4)))
    assert found[0].severity is Severity.HIGH


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
