"""Hand-made payroll files whose title spans two years, whose overtime pay is split over several
columns, whose pay total stands twice, or whose employees share a name: read as a payroll reader
would, or said plainly in the import report."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditdesk.payroll.importer import read_payroll
from tests.builders.payroll_files import SheetSpec, write_xlsx

# --- a title naming two years, a month column without the year ---------------------------------


@pytest.mark.parametrize(
    ("title", "sheet_name"),
    [
        ("2025年12月—2026年1月工资表", "Sheet1"),
        ("2025年12月至2026年1月工资明细", "Sheet1"),
        ("工资表（2025.12-2026.01）", "Sheet1"),
        ("2025年7月-2026年6月工资", "Sheet1"),
        ("某某公司工资表", "2025年12月-2026年1月"),
    ],
)
def test_a_year_less_month_takes_the_year_the_titles_span_gives_it(
    tmp_path: Path, title: str, sheet_name: str
) -> None:
    rows = [[title], ["月份", "工号", "姓名", "应发工资"], ["12月", "E1", "张三", 8000],
            ["1月", "E1", "张三", 8100], ["一月", "E2", "李四", 7000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec(sheet_name, rows)])
    result = read_payroll([path])
    assert [r.period for r in result.rows] == ["2025-12", "2026-01", "2026-01"]
    assert not result.problems
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "A3“12月”" in remarks
    assert "2025 年" in remarks
    assert "A4“1月”" in remarks
    assert "2026 年" in remarks


@pytest.mark.parametrize(
    "title", ["2025-2026年度工资表", "2025年1月—2026年3月工资汇总", "2025～2026年工资"]
)
def test_a_year_less_month_the_span_cannot_place_is_reported_by_cell_not_guessed(
    tmp_path: Path, title: str
) -> None:
    rows = [[title], ["月份", "工号", "姓名", "应发工资"], ["12月", "E1", "张三", 8000],
            ["2月", "E1", "张三", 8100]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    placed = {r.source_row: r.period for r in result.rows}
    # 2月 lies in both years of every one of these spans: never given one silently
    assert 4 not in placed
    problem = next(p for p in result.problems if p.cell == "A4")
    assert "2025" in problem.reason
    assert "2026" in problem.reason
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "A4“2月”" in remarks
    assert "无法确定" in remarks
    if title.startswith("2025年1月"):  # 12月 lies in 2025 only
        assert placed[3] == "2025-12"


def test_a_pay_title_naming_the_paying_month_gives_each_month_its_own_year(
    tmp_path: Path,
) -> None:
    # "paid in January 2026, December 2025 wages": a 12月 row is December 2025, not 2026
    rows = [["2026年1月发放2025年12月工资"], ["月份", "工号", "姓名", "应发工资"],
            ["12月", "E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert [r.period for r in result.rows] == ["2025-12"]


def test_a_title_spanning_two_months_is_not_taken_for_one_pay_month(tmp_path: Path) -> None:
    # no month column: the title names two months, so the sheet's month must be asked for
    rows = [["2025年12月—2026年1月工资表"], ["工号", "姓名", "应发工资"], ["E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert result.rows == []
    assert "无法确定工资月份" in sheet.note


@pytest.mark.parametrize(("sheet_name", "period"), [("1月", "2026-01"), ("12月", "2025-12")])
def test_a_month_sheet_name_takes_its_year_from_the_titles_span(
    tmp_path: Path, sheet_name: str, period: str
) -> None:
    rows = [["2025年12月—2026年1月工资表"], ["工号", "姓名", "应发工资"], ["E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec(sheet_name, rows)])
    assert [r.period for r in read_payroll([path]).rows] == [period]
