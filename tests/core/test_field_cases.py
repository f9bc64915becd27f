"""The field cases: small files that reproduce what real company payroll files do, each with the
result a careful auditor expects (tests/data/field_cases/NN-*.expected.md says why)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.payroll import PayrollField, SheetReport, SkipReason
from auditdesk.payroll.importer import read_payroll
from auditdesk.services.payroll import check_files

CASES = Path(__file__).resolve().parents[1] / "data" / "field_cases"
F = PayrollField


def _fields(sheet: SheetReport) -> dict[str, str | None]:
    return {c.column: c.field.value if c.field else None for c in sheet.columns}


def _rules(path: Path, **kwargs: object) -> list[tuple[str, str]]:
    _imported, checked = check_files([path], **kwargs)  # type: ignore[arg-type]
    return sorted((f.rule, f.employee_name or "") for f in checked.findings)


def test_01_three_row_header_with_vertical_merges() -> None:
    result = read_payroll([CASES / "01-three-row-header.xlsx"])
    sheet = result.files[0].sheets[0]
    assert sheet.header_rows == [2, 3, 4]
    fields = _fields(sheet)
    assert fields["B"] == "name"
    assert fields["C"] == "base_pay"
    assert fields["D"] == "position_pay"
    assert fields["E"] == "bonus"
    assert fields["F"] == "gross_pay"
    assert fields["H"] == "pension_employee"
    assert fields["J"] == "medical_employee"
    assert fields["G"] is None  # the employer's shares
    assert fields["I"] is None
    assert fields["K"] == "net_pay"
    assert result.periods == ["2025-07"]
    assert [r.name for r in result.rows] == ["王小明", "李晓红"]
    assert result.rows[0].pension_employee == Decimal("640")
    assert [(s.row, s.reason) for s in sheet.skipped_rows] == [(7, SkipReason.TOTAL)]


def test_02_title_row_is_not_a_group_header() -> None:
    result = read_payroll([CASES / "02-title-row-read-as-group-header.xlsx"])
    sheet = result.files[0].sheets[0]
    assert sheet.header_rows == [2]
    assert _fields(sheet) == {
        "A": "employee_id", "B": "name", "C": "attended_days", "D": "base_pay",
        "E": "gross_pay", "F": "net_pay",
    }  # fmt: skip
    assert result.periods == ["2025-07"]
    assert "2025年7月工资表" in sheet.period_source
    assert len(result.rows) == 2


def test_04_cumulative_rate_and_tax_base_columns_are_not_monthly_amounts() -> None:
    path = CASES / "04-cumulative-and-rate-columns.xlsx"
    sheet = read_payroll([path]).files[0].sheets[0]
    fields = _fields(sheet)
    assert fields["D"] == "gross_pay"
    assert fields["E"] is None  # 累计应发工资
    assert fields["F"] is None  # 养老保险个人费率
    assert fields["G"] == "pension_employee"
    assert fields["H"] is None  # 个人所得税计税基数
    assert fields["I"] is None  # 累计个人所得税
    assert fields["J"] == "income_tax"
    assert fields["K"] == "net_pay"
    rules = {rule for rule, _ in _rules(path)}
    assert "SI.BASE_BELOW_FLOOR" not in rules  # 720 ÷ 8 % = 9,000 ≥ 7,460
    assert "DATA.ARITHMETIC" not in rules  # 9000 - 720 - 143.4 = 8136.6


def test_06_synonym_gaps_rate_suffixed_si_and_combined_si() -> None:
    path = CASES / "06-header-synonym-gaps.xlsx"
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    fields = _fields(sheet)
    assert fields["L"] == "period"
    assert fields["E"] == "pension_employee"
    assert fields["F"] == "medical_employee"
    assert fields["G"] == "unemployment_employee"
    assert fields["H"] == "housing_fund_employee"
    assert fields["I"] == "si_employee_total"
    assert fields["J"] == "income_tax"
    assert fields["K"] == "net_pay"
    assert result.periods == ["2025-07"]
    assert len(result.rows) == 2


def test_07_unmapped_items_give_a_sheet_note_not_arithmetic_findings() -> None:
    path = CASES / "07-arithmetic-unmapped-items.xlsx"
    _imported, checked = check_files([path])
    assert [f for f in checked.findings if f.rule == "DATA.ARITHMETIC"] == []
    assert any("金额未识别" in n and "福利补贴" in n for n in checked.notes)


def test_08_department_copy_is_not_counted_twice() -> None:
    path = CASES / "08-summary-plus-department-sheet.xlsx"
    imported, checked = check_files([path], period="2025-07")
    assert checked.rows == 3
    assert _rules(path, period="2025-07") == [("PAY.MIN_WAGE", "赵大力")]
    copy_sheet = imported.files[0].sheets[1]
    assert copy_sheet.name == "销售部"
    assert [s.reason for s in copy_sheet.skipped_rows] == [SkipReason.COPY] * 2
    assert any("工资条" in r for r in copy_sheet.remarks)


def test_08_without_a_month_still_shows_the_rows() -> None:
    sheets = read_payroll([CASES / "08-summary-plus-department-sheet.xlsx"]).files[0].sheets
    assert [s.found_rows for s in sheets] == [3, 2]
    assert all("--period" in s.note for s in sheets)


def test_10_xlsx_bytes_under_an_xls_name() -> None:
    result = read_payroll([CASES / "10-xlsx-bytes-with-xls-name.xls"])
    assert result.files[0].format == "xlsx"
    sheet = result.files[0].sheets[0]
    assert _fields(sheet) == {
        "A": "employee_id", "B": "name", "C": "base_pay", "D": "bonus", "E": "net_pay",
    }  # fmt: skip
    assert result.periods == ["2025-07"]
    assert len(result.rows) == 2


def test_11_csv_id_wrappers_and_scientific_notation() -> None:
    path = CASES / "11-id-number-csv-wrappers-2025-07.csv"
    result = read_payroll([path])
    ids = [r.id_number for r in result.rows]
    assert ids == ["310115199001011232", "310115199202021242", None]
    [problem] = result.problems
    assert problem.cell == "C4"
    assert "科学计数法" in problem.reason
    assert "DATA.ID_INVALID" not in {rule for rule, _ in _rules(path)}


def test_12_formula_without_saved_value_is_reported() -> None:
    result = read_payroll([CASES / "12-formula-without-cached-value.xlsx"])
    cells = sorted(p.cell for p in result.problems)
    assert cells == ["E2", "E3", "G2", "G3"]
    assert all("没有保存计算结果" in p.reason for p in result.problems)


def test_13_hidden_row_is_imported_and_flagged() -> None:
    path = CASES / "13-hidden-row.xlsx"
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert len(result.rows) == 3
    assert sheet.hidden_rows == [3]
    assert any("第 3 行为隐藏行（李晓红）" in r for r in sheet.remarks)
    _imported, checked = check_files([path])
    [finding] = [f for f in checked.findings if f.employee_name == "李晓红"]
    assert "隐藏" in finding.caveat


def test_14_overtime_in_days_is_converted_to_hours() -> None:
    path = CASES / "14-ot-in-days.xlsx"
    result = read_payroll([path])
    assert result.rows[0].ot_hours_holiday == Decimal(8)
    assert any("按每天 8 小时" in r for r in result.files[0].sheets[0].remarks)
    _imported, checked = check_files([path])
    [finding] = [f for f in checked.findings if f.rule == "PAY.OT_UNDERPAID"]
    # July 2025 has no statutory holiday date, so the 8 "节假日" hours are rest-day hours (facts
    # §4.1, §8): 200 %, or time off in lieu. On the 70 % estimate 4,872 ÷ 174 = 28 yuan an hour:
    # 4 h x 28 x 1.5 + 8 h x 28 x 2 = 616 due, 400 paid -> probably 216 short (中, the contract
    # wage and time off to verify). Read as 1 hour: 28 x (6 + 2) = 224 ≤ 400, no finding at all.
    assert finding.amount == Decimal("216.00")
    assert finding.severity.value == "medium"
    assert finding.depends_on


def test_check_of_a_sheet_without_month_names_the_fix() -> None:
    with pytest.raises(AuditDeskError, match="--period"):
        check_files([CASES / "08-summary-plus-department-sheet.xlsx"])


def test_06_combined_employee_si_column_feeds_the_rules(tmp_path: Path) -> None:
    from tests.builders.payroll_files import SheetSpec, write_xlsx

    rows = [
        ["工号", "姓名", "入职日期", "应发工资", "社保个人合计", "实发工资"],
        ["E1", "张三", "2020-01-01", 8000, 0, 8000],  # nothing paid: SI.NOT_PAID runs and fires
        ["E2", "李四", "2020-01-01", 3000, 315, 2685],  # 3,000 - 315 = 2,685 < 2,740
    ]
    path = write_xlsx(tmp_path / "2025-08.xlsx", [SheetSpec("工资", rows)])
    _imported, checked = check_files([path])
    rules = sorted((f.rule, f.employee_name) for f in checked.findings)
    assert ("SI.NOT_PAID", "张三") in rules
    assert ("PAY.MIN_WAGE", "李四") in rules
    [min_wage] = [f for f in checked.findings if f.rule == "PAY.MIN_WAGE"]
    assert min_wage.amount == Decimal("55.00")  # 2,740 - (3,000 - 315)
