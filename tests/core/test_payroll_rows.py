"""PayrollRow: a slotted row (issue 15, memory) that validates what it is not given by the importer."""

from __future__ import annotations

import pickle
import sys
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from auditdesk.models.payroll import PAYROLL_ROW_FIELDS, ImportResult, PayrollRow

BASE = {"source_file": "a.xlsx", "source_sheet": "工资", "source_row": 3, "period": "2025-07"}


def test_a_row_has_no_instance_dict_and_is_small() -> None:
    row = PayrollRow(**BASE, base_pay=Decimal("5000.00"))
    assert not hasattr(row, "__dict__")
    assert sys.getsizeof(row) < 500  # a pydantic row's __dict__ alone took about 1.6 kB


def test_construction_validates_and_coerces_as_pydantic_did() -> None:
    row = PayrollRow(**BASE, base_pay="5000.5", hire_date="2020-01-02", unknown="ignored")
    assert row.base_pay == Decimal("5000.5")
    assert row.hire_date == date(2020, 1, 2)
    assert row.name is None
    assert row.hidden is False
    with pytest.raises(ValidationError, match="不是有效的工资月份"):
        PayrollRow(**{**BASE, "period": "2025-13"})
    with pytest.raises(ValidationError, match="PayrollRow"):
        PayrollRow.model_validate({**BASE, "base_pay": "五千"})
    with pytest.raises(ValidationError):
        PayrollRow.model_validate({"source_file": "a.xlsx"})


def test_rows_are_frozen_comparable_hashable_and_picklable() -> None:
    row = PayrollRow(**BASE, name="张三")
    with pytest.raises(AttributeError):
        row.name = "李四"  # type: ignore[misc]
    same = PayrollRow.model_validate(row.model_dump(mode="json"))
    assert same == row
    assert hash(same) == hash(row)
    assert pickle.loads(pickle.dumps(row)) == row
    changed = row.model_copy(update={"name": "李四"})
    assert (changed.name, row.name) == ("李四", "张三")
    with pytest.raises(AttributeError):
        row.model_copy(update={"nmae": "x"})


def test_dump_is_what_the_pydantic_row_dumped() -> None:
    row = PayrollRow(**BASE, base_pay=Decimal("1E+2"), ot_pay=Decimal("0.00"),
                     pay_date=date(2025, 8, 10), hidden=True)  # fmt: skip
    dumped = row.model_dump(mode="json", exclude_none=True)
    assert dumped == {**BASE, "hidden": True, "base_pay": "1E+2", "ot_pay": "0.00",
                      "pay_date": "2025-08-10"}  # fmt: skip
    assert list(row.model_dump()) == list(PAYROLL_ROW_FIELDS)
    assert "source_file" not in row.model_dump(exclude={"source_file"})


def test_trusted_columns_fill_every_field_without_validation() -> None:
    rows = PayrollRow.trusted_columns(
        2, {"source_row": [3, 4], "base_pay": [Decimal(1), None]}, {"source_file": "a.xlsx"}
    )
    assert [r.source_row for r in rows] == [3, 4]
    assert [r.base_pay for r in rows] == [Decimal(1), None]
    assert rows[1].source_file == "a.xlsx"
    assert rows[1].hidden is False
    assert rows[1].name is None
    with pytest.raises(ValueError, match="values for 2 rows"):
        PayrollRow.trusted_columns(2, {"source_row": [3]}, {})
    with pytest.raises(ValueError, match="not PayrollRow fields"):
        PayrollRow.trusted_columns(1, {}, {"nmae": "x"})


def test_an_import_result_keeps_rows_and_validates_mappings() -> None:
    row = PayrollRow(**BASE)
    result = ImportResult(files=[], rows=[row])
    assert result.rows[0] is row
    assert ImportResult(files=[], rows=[{**BASE}]).rows == [row]
    with pytest.raises(ValidationError):
        ImportResult(files=[], rows=[{**BASE, "period": "x"}])
    assert result.model_dump(mode="json")["rows"][0]["period"] == "2025-07"
