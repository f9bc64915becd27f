"""Hand-made payroll files whose title spans two years, whose overtime pay is split over several
columns, whose pay total stands twice, or whose employees share a name: read as a payroll reader
would, or said plainly in the import report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.models.finding import Severity
from auditdesk.models.payroll import Certainty, PayrollField
from auditdesk.payroll.importer import read_payroll
from auditdesk.services.payroll import check_files
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


# --- overtime pay split over several columns ----------------------------------------------------

SPLIT_OT = [
    ("工作日加班费", "休息日加班费", "节假日加班费"),
    ("平时加班费", "双休加班费", "法定加班费"),
    ("延时加班工资", "周末加班工资", "法定节假日加班工资"),
]


def _split_ot_rows(names: tuple[str, str, str]) -> list[list[object]]:
    # 基本工资 2700 + 300 + 400 + 600 overtime = 应发 4000; 实发 = 4000 - 个税 0
    return [["工号", "姓名", "基本工资", *names, "应发工资", "个人所得税", "实发工资"],
            ["E1", "张三", 2700, 300, 400, 600, 4000, 0, 4000],
            ["E2", "李四", 2700, 300, None, 0, 3000, 0, 3000],
            ["E3", "王五", 2700, None, None, None, 2700, 0, 2700]]  # fmt: skip


@pytest.mark.parametrize("names", SPLIT_OT)
def test_split_overtime_pay_columns_are_added_into_the_overtime_pay(
    tmp_path: Path, names: tuple[str, str, str]
) -> None:
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", _split_ot_rows(names))])
    result = read_payroll([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(1300), Decimal(300), None]
    sheet = result.files[0].sheets[0]
    assert sheet.unmapped_money == []
    remark = next(r for r in sheet.remarks if "加班费" in r and "相加" in r)
    for letter, name in zip("DEF", names, strict=True):
        assert f"{letter} 列“{name}”" in remark
    # the 应发 arithmetic holds: no DATA.ARITHMETIC finding, and the sum check did run
    _, check = check_files([path])
    assert [f for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []
    assert not any("未核对应发" in n for n in check.notes)


def test_a_split_overtime_cell_that_cannot_be_read_leaves_the_sum_unknown(tmp_path: Path) -> None:
    rows = _split_ot_rows(SPLIT_OT[0])
    rows[1][4] = "四百"
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert result.rows[0].ot_pay is None  # never the 900 of the two cells that could be read
    assert [p.cell for p in result.problems] == ["E2"]


def test_split_overtime_columns_beside_their_total_are_its_parts(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "平时加班费", "双休加班费", "加班费合计", "应发工资"],
            ["E1", "张三", 2700, 300, 400, 700, 3400], ["E2", "李四", 2700, 100, 0, 100, 2800]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(700), Decimal(100)]
    assert result.files[0].sheets[0].unmapped_money == []


# --- a money column that lost a tie for its field -----------------------------------------------


def test_a_money_column_losing_a_tie_is_unmapped_money_unless_a_copy(tmp_path: Path) -> None:
    header = ["工号", "姓名", "基本工资", "岗位工资", "应发工资", "应发金额", "实发工资"]
    differ = [header, ["E1", "张三", 5000, 1000, 6000, 6500, 6000],
              ["E2", "李四", 5000, 500, 5500, 5500, 5500]]  # fmt: skip
    same = [header, ["E1", "张三", 5000, 1000, 6000, 6000, 6000],
            ["E2", "李四", 5000, 500, 5500, 5500, 5500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", differ),
                                               SheetSpec("2025年8月", same)])  # fmt: skip
    result = read_payroll([path])
    july, august = result.files[0].sheets
    assert july.unmapped_money == ["F 应发金额"]
    assert "不同（如第 2 行）" in july.columns[5].note
    assert august.unmapped_money == []
    assert "相同" in august.columns[5].note
    _, check = check_files([path])
    assert any("2025年7月" in n and "应发金额" in n and "未核对" in n for n in check.notes)


def test_split_overtime_pay_is_checked_whole_against_the_overtime_hours(tmp_path: Path) -> None:
    # July 2025: 10 workday + 10 rest-day hours are due 551.15 on the minimum wage, 603.45 on the
    # base pay; the company paid 260 + 350 = 610 in two columns, of which the first alone is short
    rows = [["工号", "姓名", "基本工资", "工作日加班(小时)", "休息日加班(小时)", "工作日加班费",
             "休息日加班费", "应发工资"],
            ["E1", "张三", 3000, 10, 10, 260, 350, 3610]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert result.rows[0].ot_pay == Decimal(610)
    assert "PAY.OT_UNDERPAID" in check.rules_run
    assert [f.message for f in check.findings if f.rule == "PAY.OT_UNDERPAID"] == []


# --- two people of one name, without 工号 or ID number --------------------------------------------


def test_namesakes_in_two_departments_of_one_month_are_reported_by_row(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "基本工资", "应发工资"],
            [None, "张伟", "生产部", 5000, 5000], [None, "李娜", "生产部", 5000, 5000],
            [None, "张伟", "销售部", 6000, 6000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert len(result.rows) == 3  # both kept, neither merged into the other
    remark = next(r for r in result.files[0].sheets[0].remarks if "张伟" in r)
    assert "2025年7月!2 生产部" in remark
    assert "2025年7月!4 销售部" in remark
    assert "部门不同" in remark
    assert "DATA.DUPLICATE" in check.rules_run
    assert [f for f in check.findings if f.rule == "DATA.DUPLICATE"] == []


def test_two_rows_of_one_name_in_one_month_are_reported_across_sheets(tmp_path: Path) -> None:
    header = ["姓名", "基本工资", "应发工资"]
    path = write_xlsx(tmp_path / "工资.xlsx", [
        SheetSpec("一车间", [["2025年7月工资表"], header, ["王芳", 5000, 5000]]),
        SheetSpec("二车间", [["2025年7月工资表"], header, ["李娜", 5200, 5200],
                             ["王芳", 4800, 4800]]),
    ])  # fmt: skip
    result = read_payroll([path])
    first, second = result.files[0].sheets
    for sheet in (first, second):
        remark = next(r for r in sheet.remarks if "王芳" in r)
        assert "一车间!3" in remark
        assert "二车间!4" in remark
        assert "无法判断" in remark


def test_one_name_in_different_months_or_with_ids_is_no_namesake(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "应发工资", "月份"], ["E1", "张伟", "生产部", 5000, "2025-07"],
            ["E2", "张伟", "销售部", 6000, "2025-07"], [None, "王芳", "生产部", 5000, "2025-07"],
            [None, "王芳", "销售部", 5000, "2025-08"]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows)])
    result = read_payroll([path])
    assert not any("同名" in r for r in result.files[0].sheets[0].remarks)


def test_one_employee_id_in_two_departments_is_no_duplicate_but_in_one_is(tmp_path: Path) -> None:
    # 工号 numbered per department (001 in 生产部 and 001 in 销售部): two people
    rows = [["工号", "姓名", "部门", "基本工资", "应发工资"],
            ["001", "张伟", "生产部", 5000, 5000], ["002", "李娜", "生产部", 5000, 5000],
            ["001", "王芳", "销售部", 6000, 6000], ["002", "赵磊", "销售部", 6000, 6000],
            ["002", "赵磊", "销售部", 500, 500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, text_columns=[0])])
    _, check = check_files([path])
    duplicates = [f for f in check.findings if f.rule == "DATA.DUPLICATE"]
    assert [(f.employee_name, f.source_row) for f in duplicates] == [("赵磊", 6)]


@pytest.mark.parametrize("total", [False, True])
def test_split_overtime_pay_under_a_group_label_is_added_too(tmp_path: Path, total: bool) -> None:
    # 加班费 over 平时 / 双休 / 法定 (and 合计): a two-row header, merged group cell
    subs = ["平时", "双休", "法定", *(["合计"] if total else [])]
    top = ["工号", "姓名", "基本工资", "加班费", *[None] * (len(subs) - 1), "应发工资"]
    sub = [None, None, None, *subs, None]
    amounts = [300, 400, 600, *([1300] if total else [])]
    rows = [top, sub, ["E1", "张三", 2700, *amounts, 4000]]
    last = "FG"[len(subs) - 3]
    path = write_xlsx(tmp_path / "工资.xlsx",
                      [SheetSpec("2025年7月", rows, merged=[f"D1:{last}1"])])  # fmt: skip
    result = read_payroll([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(1300)]
    assert result.files[0].sheets[0].unmapped_money == []


@pytest.mark.parametrize(
    ("file_name", "periods"),
    [
        ("工资-2026-02.xlsx", {4: "2026-02"}),  # 2月 is the file's month: its year decides
        ("工资-2025-12.xlsx", {}),  # 2月 is not December 2025: never imported as such
        ("工资2025.12-2026.01.xlsx", {}),  # a span in the file name names no month either
    ],
)
def test_an_undecided_month_takes_only_the_sheets_own_month_of_the_same_number(
    tmp_path: Path, file_name: str, periods: dict[int, str]
) -> None:
    rows = [["2025-2026年度工资表"], ["月份", "工号", "姓名", "应发工资"],
            ["11月", "E1", "张三", 8000], ["2月", "E1", "张三", 8100]]  # fmt: skip
    path = write_xlsx(tmp_path / file_name, [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert {r.source_row: r.period for r in result.rows} == periods
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "A3“11月”" in remarks
    assert "未导入" in remarks


def test_a_bare_second_year_in_the_title_makes_no_span(tmp_path: Path) -> None:
    rows = [["2025年工资明细（依据2024年集体合同调整）"], ["月份", "工号", "姓名", "应发工资"],
            ["7月", "E1", "张三", 8000], ["8月", "E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert [r.period for r in read_payroll([path]).rows] == ["2025-07", "2025-08"]


@pytest.mark.parametrize(
    "title", ["2025年1-6月工资汇总", "2025年11月-12月工资表", "2025年7月至8月工资"]
)
def test_a_title_naming_a_range_of_months_of_one_year_is_no_single_pay_month(
    tmp_path: Path, title: str
) -> None:
    rows = [[title], ["工号", "姓名", "应发工资"], ["E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert result.rows == []
    assert "无法确定工资月份" in result.files[0].sheets[0].note


def test_a_date_beside_the_title_year_makes_no_second_year(tmp_path: Path) -> None:
    rows = [["2025年工资表 2026年1月5日"], ["月份", "工号", "姓名", "应发工资"],
            ["12月", "E1", "张三", 8000], ["1月", "E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert [r.period for r in read_payroll([path]).rows] == ["2025-12", "2025-01"]


@pytest.mark.parametrize(
    "title",
    [
        "2025年工资表（2026年1月修订）",
        "2025年度工资汇总 截至2026年1月",
        "2025年度工资（2026年1月发放）",
    ],
)
def test_a_title_years_own_name_is_not_moved_by_a_month_of_another_year(
    tmp_path: Path, title: str
) -> None:
    # the title names its year bare (2025年, 2025年度); a month of another year beside it
    # (修订, 截至, 发放) is when the sheet was made or paid, not the year of its months
    rows = [[title], ["月份", "工号", "姓名", "应发工资"],
            ["3月", "E1", "张三", 8000], ["12月", "E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert [r.period for r in result.rows] == ["2025-03", "2025-12"]
    assert "取 2025 年" in " ".join(result.files[0].sheets[0].remarks)


def test_a_pay_month_given_at_import_leaves_the_month_column_unread(tmp_path: Path) -> None:
    # --period imports every row under that month: the 月份 column is not read, so no cell of it
    # is reported unreadable and no row said to be left out (it is imported)
    rows = [["2025年12月—2026年1月工资表"], ["月份", "工号", "姓名", "应发工资"],
            ["12月", "E1", "张三", 8000], ["6月", "E2", "李四", 7000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path], period="2026-01")
    assert [(r.source_row, r.period) for r in result.rows] == [(3, "2026-01"), (4, "2026-01")]
    assert not result.problems
    assert "未导入" not in " ".join(result.files[0].sheets[0].remarks)


def test_a_pay_total_written_after_the_deductions_is_not_taken_for_the_gross_pay(
    tmp_path: Path,
) -> None:
    # 应发合计 here is 应发工资 less 社保 (as companies label the column before 实发): the gross
    # is 应发工资. July 2025 Shanghai minimum 2,740 excludes the worker's social insurance:
    # 张三 3000 - 300 = 2700 is 40 short, 李四 3100 - 300 = 2800 is not short
    rows = [["工号", "姓名", "基本工资", "岗位工资", "应发工资", "社保", "个税", "应发合计",
             "实发工资"],
            ["E1", "张三", 2500, 500, 3000, 300, 0, 2700, 2700],
            ["E2", "李四", 2500, 600, 3100, 300, 0, 2800, 2800]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert [r.gross_pay for r in result.rows] == [Decimal(3000), Decimal(3100)]
    sheet = result.files[0].sheets[0]
    assert sheet.columns[4].field is PayrollField.GROSS_PAY
    assert "小于 E 列" in sheet.columns[7].note
    shortfalls = [(f.employee_id, f.amount) for f in check.findings if f.rule == "PAY.MIN_WAGE"]
    assert shortfalls == [("E1", Decimal(40))]


def test_a_pay_total_above_its_items_stays_the_gross_pay(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "应发工资", "加班费", "应发合计", "实发工资"],
            ["E1", "张三", 5000, 5000, 500, 5500, 5500],
            ["E2", "李四", 5000, 5000, 0, 5000, 5000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.gross_pay for r in result.rows] == [Decimal(5500), Decimal(5000)]
    assert result.files[0].sheets[0].columns[5].field is PayrollField.GROSS_PAY


def test_one_employee_id_held_by_two_people_of_one_month_is_reported_by_row(
    tmp_path: Path,
) -> None:
    # 工号 numbered per department: the rules know a person by 工号 when there is no ID number,
    # so 001 张伟 (生产部) and 001 王芳 (销售部) are counted as one employee; the import says so
    rows = [["工号", "姓名", "部门", "基本工资", "应发工资"],
            ["001", "张伟", "生产部", 5000, 5000], ["001", "王芳", "销售部", 6000, 6000],
            ["002", "赵磊", "销售部", 6000, 6000], ["002", "赵磊", "销售部", 500, 500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, text_columns=[0])])
    remarks = read_payroll([path]).files[0].sheets[0].remarks
    found = [r for r in remarks if "工号“001”" in r]
    assert len(found) == 1
    assert "2025年7月!2 生产部 张伟" in found[0]
    assert "2025年7月!3 销售部 王芳" in found[0]
    assert "当作同一人" in found[0]
    # one person twice in one department is DATA.DUPLICATE's, not this remark's
    assert not any("工号“002”" in r for r in remarks)


def test_split_overtime_columns_not_adding_up_to_their_total_are_said_so(tmp_path: Path) -> None:
    # 加班费 over 平时 / 双休 / 法定 / 合计: row 3 adds up (700), row 4 does not (700 against 800)
    top = ["工号", "姓名", "基本工资", "加班费", None, None, None, "应发工资"]
    sub = [None, None, None, "平时", "双休", "法定", "合计", None]
    rows = [top, sub, ["E1", "张三", 3000, 300, 400, 0, 700, 3700],
            ["E2", "李四", 3000, 300, 400, 0, 800, 3800]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=["D1:G1"])])
    result = read_payroll([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(700), Decimal(800)]
    sheet = result.files[0].sheets[0]
    assert len(sheet.unmapped_money) == 3
    for column in sheet.columns[3:6]:
        assert "分项" in column.note
        assert "第 4 行" in column.note
        assert "G 列不同" not in column.note


# --- a month column of bare numbers (7, 12, 1) ---------------------------------------------------


@pytest.mark.parametrize(
    ("title", "sheet_name", "months", "periods"),
    [
        (None, "2025年7月", [7, 7.0], ["2025-07", "2025-07"]),
        ("2025年工资表", "Sheet1", [7, 8], ["2025-07", "2025-08"]),
        ("2025年12月—2026年1月工资表", "Sheet1", [12, "01"], ["2025-12", "2026-01"]),
    ],
)
def test_a_month_written_as_a_bare_number_takes_the_sheets_year(
    tmp_path: Path, title: str | None, sheet_name: str, months: list[object], periods: list[str]
) -> None:
    # 7 in a 月份 column is July, not the Excel date serial 7 (1900-01-07): every row was filed
    # under 1900-01, where no minimum wage is known, and 张三's 2,000 yuan went unchecked
    rows = [*([[title]] if title else []), ["月份", "工号", "姓名", "应发工资"],
            [months[0], "E1", "张三", 2000], [months[1], "E2", "李四", 8100]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec(sheet_name, rows)])
    result, check = check_files([path])
    assert [r.period for r in result.rows] == periods
    assert not result.problems
    assert "只写了月份" in " ".join(result.files[0].sheets[0].remarks)
    if title is None:
        assert [f.employee_id for f in check.findings if f.rule == "PAY.MIN_WAGE"] == ["E1"]


def test_a_bare_month_number_without_a_year_anywhere_is_a_cell_problem(tmp_path: Path) -> None:
    rows = [["月份", "工号", "姓名", "应发工资"], [7, "E1", "张三", 2000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert result.rows == []
    assert [p.cell for p in result.problems][:1] == ["A2"]
    assert "1900" not in " ".join(p.reason for p in result.problems)


def test_split_overtime_pay_with_its_unit_in_the_header_is_added_too(tmp_path: Path) -> None:
    # 加班费 over 平时(小时) / 平时(元) / 双休(小时) / 双休(元): the 元 columns are the pay
    top = ["工号", "姓名", "基本工资", "加班费", None, None, None, "应发工资"]
    sub = [None, None, None, "平时(小时)", "平时(元)", "双休（小时）", "双休（元）", None]
    rows = [top, sub, ["E1", "张三", 3000, 10, 260, 8, 300, 3560]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=["D1:G1"])])
    result = read_payroll([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(560)]
    assert result.files[0].sheets[0].unmapped_money == []


def test_a_sheet_without_a_month_under_a_span_says_the_span(tmp_path: Path) -> None:
    # the file name spans 2025-12 to 2026-01; the sheet 6月 lies in neither: the note must not
    # say the file name has no year and month
    rows = [["工号", "姓名", "应发工资"], ["E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资2025.12-2026.01.xlsx", [SheetSpec("6月", rows)])
    note = read_payroll([path]).files[0].sheets[0].note
    assert note.startswith("无法确定工资月份")
    assert "都没有年月" not in note
    assert "文件名“工资2025.12-2026.01.xlsx”跨 2025、2026 年" in note
    assert "工作表名“6月”" in note


@pytest.mark.parametrize(
    "title", ["2025年度工资（2026年1月发放）", "2025年工资表（2026年1月修订）"]
)
def test_a_month_of_another_year_beside_the_titles_year_is_not_the_pay_month(
    tmp_path: Path, title: str
) -> None:
    # a 2025 table paid or revised in January 2026 is not January 2026's payroll
    rows = [[title], ["工号", "姓名", "应发工资"], ["E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert result.rows == []
    assert result.files[0].sheets[0].note.startswith("无法确定工资月份")


def test_a_title_cell_ending_in_its_date_of_making_still_names_the_pay_month(
    tmp_path: Path,
) -> None:
    rows = [["2025年12月工资表  发放日期：2026年1月10日"], ["工号", "姓名", "应发工资"],
            ["E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert [r.period for r in read_payroll([path]).rows] == ["2025-12"]


# --- a finding resting on a cell the import could not read ---------------------------------------


@pytest.mark.parametrize(
    "header", [["加班费"], ["工作日加班费", "休息日加班费"]], ids=["one", "split"]
)
def test_an_unreadable_overtime_pay_cell_is_no_confident_unpaid_overtime(
    tmp_path: Path, header: list[str]
) -> None:
    # 加班费 “待定” cannot be read: the row's overtime pay is unknown, not 0.00 paid; a 高 finding
    # “实付 0.00 元，少付 472.41 元” rested on a cell the import itself reported unreadable
    cells = ["待定", 0][: len(header)]
    rows = [["工号", "姓名", "基本工资", "工作日加班(小时)", *header, "应发工资"],
            ["E1", "张三", 3000, 20, *cells, 3520]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert [p.cell for p in result.problems] == ["E2"]
    found = [f for f in check.findings if f.rule == "PAY.OT_UNDERPAID"]
    assert found
    for f in found:
        assert f.severity.rank >= Severity.MEDIUM.rank
        assert f.certainty is Certainty.DEPENDS
        assert "E2" in f.depends_on


def test_an_unreadable_cell_a_rule_does_not_need_leaves_its_finding_definite(
    tmp_path: Path,
) -> None:
    # the social insurance base read from 养老保险个人 160 (8%: 2,000) does not rest on 应发
    rows = [["工号", "姓名", "基本工资", "应发工资", "养老保险个人"],
            ["E1", "张三", 3000, "待定", 160]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    _, check = check_files([path])
    found = [f for f in check.findings if f.rule == "SI.BASE_BELOW_FLOOR"]
    assert [f.certainty for f in found] == [Certainty.DEFINITE]


def test_an_unreadable_pay_item_leaves_the_sum_check_to_verify(tmp_path: Path) -> None:
    # 加班费 “待定”: 基本工资 3,000 + an unknown figure against 应发 3,100 is no arithmetic error
    # found; the sum check says which cell it could not read instead of “可能有未识别的工资项目”
    rows = [["工号", "姓名", "基本工资", "加班费", "应发工资"],
            ["E1", "张三", 3000, "待定", 3100]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    _, check = check_files([path])
    found = [f for f in check.findings if f.rule == "DATA.ARITHMETIC"]
    assert found
    for f in found:
        assert f.certainty is Certainty.DEPENDS
        assert "D2" in f.depends_on
