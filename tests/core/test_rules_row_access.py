"""The rules read rows through ``row_fields``: a pydantic row's dictionary, or the attributes of a
row type without one (a slotted row class must give the same check, finding for finding)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from auditdesk.models.payroll import PAYROLL_ROW_FIELDS, PayrollField, PayrollRow
from auditdesk.rules.engine import derive, run_rules
from auditdesk.rules.params import load_params
from tests.builders.payroll_rows import D, born, row


class SlottedRow:
    """A stand-in with ``PayrollRow``'s attributes and no instance dictionary."""

    __slots__ = PAYROLL_ROW_FIELDS

    def __init__(self, row: PayrollRow) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(row, name))


def _slotted(rows: Sequence[PayrollRow]) -> list[PayrollRow]:
    return cast(list[PayrollRow], [SlottedRow(r) for r in rows])


def _rows() -> list[PayrollRow]:
    """Rows that reach most rules: low pay, overtime, late pay, a duplicate, a part-timer, a
    minor, someone past retirement, no contract, sums that do not add up, blank SI and HF."""
    from datetime import date

    return [
        row(),
        row(source_row=3, gross_pay=D(2000), base_pay=D(2000), net_pay=D(694.5)),
        row(source_row=4, employee_id="E2", ot_hours_workday=D(20), ot_hours_restday=D(24),
            ot_pay=D(100), gross_pay=D(6100), position_pay=D(3000), pay_date=date(2025, 9, 5)),
        row(source_row=5, employee_id="E2", ot_hours_workday=D(20), ot_pay=D(100)),
        row(source_row=6, employee_id="E3", id_number=born(date(2008, 9, 1)),
            employment_type="非全日制", work_hours=D(60), hourly_rate=D(20), gross_pay=D(900)),
        row(source_row=7, employee_id="E4", id_number=born(date(1958, 3, 1)),
            pension_employee=None, medical_employee=None, unemployment_employee=None,
            housing_fund_employee=None, contract_signed_date=None, hire_date=date(2025, 6, 3)),
        row(source_row=8, employee_id="E5", id_number=born(date(2009, 1, 5)), meal_allowance=D(300),
            annual_bonus=D(5000), gross_pay=D(11300), other_deductions=D(3000)),
    ]  # fmt: skip


def _figures(emp: Any) -> tuple[object, ...]:
    return (emp.key, emp.period, emp.ratio, emp.normal_wage, emp.eligible, emp.ot_hours,
            emp.si_blank, emp.employee_si, emp.si_items, emp.excluded, emp.part_time)  # fmt: skip


def test_derive_and_every_rule_read_a_row_type_without_a_dictionary() -> None:
    rows = _rows()
    assert not hasattr(_slotted(rows[:1])[0], "__dict__")
    params = load_params()
    assert [_figures(e) for e in derive(_slotted(rows), params)] == [
        _figures(e) for e in derive(rows, params)
    ]
    every = frozenset(PayrollField)
    plain = run_rules(rows, present=every, agreed_pay_day=5)
    slotted = run_rules(_slotted(rows), present=every, agreed_pay_day=5)
    assert plain.findings  # the sample reaches the rules
    assert slotted.model_dump() == plain.model_dump()
