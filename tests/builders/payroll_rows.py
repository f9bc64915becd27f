"""Payroll rows for rule tests: a compliant full-time employee-month in Shanghai, 2025-07, that
each test changes in the one respect it is about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from auditdesk.models.payroll import PayrollField, PayrollFinding, PayrollRow
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.rules.engine import run_rules
from tests.builders.payroll_files import id_number

D = Decimal
ADULT_ID = id_number("31011419900101123")  # a man born 1990-01-01


def born(day: date, *, male: bool = True, region: str = "310114") -> str:
    """A valid ID number for someone born on ``day``."""
    sequence = "123" if male else "122"
    return id_number(f"{region}{day:%Y%m%d}{sequence}")


def row(**changes: Any) -> PayrollRow:
    values: dict[str, Any] = {
        "source_file": "t.xlsx", "source_sheet": "工资", "source_row": 2, "period": "2025-07",
        "employee_id": "E1", "name": "张三", "department": "生产部", "id_number": ADULT_ID,
        "hire_date": date(2020, 1, 1), "contract_signed_date": date(2020, 1, 1),
        "scheduled_days": D(22), "attended_days": D(22), "base_pay": D(6000),
        "ot_hours_workday": D(0), "ot_hours_restday": D(0), "ot_hours_holiday": D(0),
        "ot_pay": D(0), "gross_pay": D(6000), "si_base": D(7460), "pension_employee": D("596.80"),
        "medical_employee": D("149.20"), "unemployment_employee": D("37.30"),
        "housing_fund_employee": D("522.20"), "income_tax": D(0), "other_deductions": D(0),
        "net_pay": D("4694.50"), "pay_date": date(2025, 8, 10),
    }  # fmt: skip
    values.update(changes)
    return PayrollRow(**values)


def check(rule_id: str, *rows: PayrollRow, **kwargs: Any) -> list[PayrollFinding]:
    """The findings of one rule on ``rows``, as if the file had every column."""
    kwargs.setdefault("present", frozenset(PayrollField))
    result = run_rules(list(rows), rules=[RULES_BY_ID[rule_id]], **kwargs)
    assert rule_id in result.rules_run, result.rules_skipped
    return result.findings
