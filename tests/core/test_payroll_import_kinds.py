"""Kinds of real hand-made payroll files the importer used to read silently wrong: a 工号 column
that only counts the rows, amounts whose separators do not group thousands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.models.payroll import GUESS_THRESHOLD, PayrollField
from auditdesk.payroll.importer import read_payroll
from auditdesk.payroll.mapping import suggest
from auditdesk.payroll.values import CellValueError, parse_money, parse_number
from tests.builders.payroll_files import SheetSpec, write_csv, write_xlsx

# --- a 工号/编号 column that is really a row counter (序号) -------------------------------------


def test_row_counter_under_an_employee_id_header_is_not_taken_for_the_employee_id(
    tmp_path: Path,
) -> None:
    # Two months, the same people in another order: 工号 1 is 张三 in July and 李四 in August.
    header = ["工号", "姓名", "应发工资", "实发工资"]
    path = write_xlsx(tmp_path / "工资.xlsx", [
        SheetSpec("2025年7月", [header, [1, "张三", 8000, 7000], [2, "李四", 9000, 8000],
                               [3, "王五", 7000, 6500]]),
        SheetSpec("2025年8月", [header, [1, "李四", 9000, 8000], [2, "张三", 8000, 7000],
                               [3, "王五", 7000, 6500]]),
    ])  # fmt: skip
    result = read_payroll([path])
    for sheet in result.files[0].sheets:
        column = sheet.columns[0]
        assert column.field is None
        assert column.note.startswith("数值是 1、2、3… 的行序号")
    assert {r.employee_id for r in result.rows} == {None}
    assert [(r.period, r.name) for r in result.rows][:2] == [
        ("2025-07", "张三"),
        ("2025-07", "李四"),
    ]


def test_row_counter_restarting_per_department_is_a_row_counter_too(tmp_path: Path) -> None:
    rows = [["编号", "姓名", "部门", "应发工资"], [1, "张三", "生产", 8000], [2, "李四", "生产", 9000],
            [1, "王五", "销售", 7000], [2, "赵六", "销售", 7000], [3, "钱七", "销售", 7000]]  # fmt: skip
    path = write_csv(tmp_path / "工资-2025-07.csv", rows, encoding="gbk")
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.columns[0].field is None
    assert "行序号" in sheet.columns[0].note


@pytest.mark.parametrize(
    "ids",
    [
        ["1001", "1002", "1003"],  # real numeric 工号
        ["001", "002", "003"],  # zero-padded: an identifier, not a count
        [3, 1, 2],
        [1, 2, 5],
    ],
)
def test_real_employee_ids_stay_employee_ids(tmp_path: Path, ids: list[object]) -> None:
    rows: list[list[object]] = [["工号", "姓名", "应发工资"]]
    rows += [[i, n, 8000] for i, n in zip(ids, ["张三", "李四", "王五"], strict=True)]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, text_columns=[0])])
    result = read_payroll([path])
    assert result.files[0].sheets[0].columns[0].field is not None
    assert [r.employee_id for r in result.rows] == [str(i) for i in ids]


def test_row_counter_is_kept_when_it_is_the_only_identity(tmp_path: Path) -> None:
    rows = [["工号", "部门", "应发工资"], [1, "生产", 8000], [2, "生产", 9000], [3, "销售", 7000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert result.files[0].sheets[0].columns[0].field is not None


def test_employee_ids_one_to_n_beside_a_row_counter_are_employee_ids(tmp_path: Path) -> None:
    # The sheet's own 序号 column counts the rows; the 工号 column beside it holds 1, 2, 3 too,
    # but since the rows are already counted, those are the company's real 工号.
    rows: list[list[object]] = [["序号", "工号", "姓名", "应发工资"]]
    rows += [[i, i, n, 8000] for i, n in enumerate(["张三", "李四", "王五"], start=1)]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    columns = result.files[0].sheets[0].columns
    assert columns[1].field is PayrollField.EMPLOYEE_ID
    assert columns[1].note == ""
    assert [r.employee_id for r in result.rows] == ["1", "2", "3"]
    assert len(result.rows) == 3


# --- separators that do not group thousands -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8,000.00", "8000.00"),
        ("1,234,567.5", "1234567.5"),
        ("\uff18\uff0c\uff10\uff10\uff10元", "8000"),  # full-width digits and comma
        ("￥ 9,000", "9000"),
        ("9000.5 元", "9000.5"),
        ("8 000", "8000"),
        ("1 234 567,00".replace(",", "."), "1234567.00"),
        (" -1,200 ", "-1200"),
        ("(1,200.50)", "-1200.50"),
        ("1.5万", "15000.0"),
    ],
)
def test_amounts_with_thousands_separators(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "1.234,56",  # a decimal comma: was read as 1.23456
        "1 234,5",  # was 12345
        "12,34",  # was 1234
        "8,00",  # was 800
        "8000 7000",  # two figures in one cell: was 80007000
        "1,2345",
        ",800",
    ],
)
def test_separators_that_do_not_group_thousands_are_reported_not_dropped(text: str) -> None:
    with pytest.raises(CellValueError, match="千分位"):
        parse_money(text)


def test_hours_with_a_unit_and_a_space_still_read() -> None:
    assert parse_number("8 小时") == Decimal(8)
    assert parse_number("1,000 h") == Decimal(1000)
    with pytest.raises(CellValueError):
        parse_number("8 10")


def test_a_decimal_comma_amount_in_a_file_is_a_located_problem(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "应发工资", "实发工资"], ["E1", "张三", "8.000,50", "7,000"],
            ["E2", "李四", "9,000.00", "8000"]]  # fmt: skip
    path = write_csv(tmp_path / "工资-2025-07.csv", rows, encoding="utf-8", bom=True)
    result = read_payroll([path])
    problems = [(p.cell, p.value) for p in result.problems]
    assert problems == [("C2", "8.000,50")]
    assert [r.gross_pay for r in result.rows] == [None, Decimal("9000.00")]
    assert [r.net_pay for r in result.rows] == [Decimal(7000), Decimal(8000)]


# --- a second table below the first ------------------------------------------------------------

_HEADER = ["工号", "姓名", "应发工资", "实发工资"]
_JULY = [["E1", "张三", 8000, 7000], ["E2", "李四", 9000, 8000]]
_AUGUST = [["E1", "张三", 8100, 7100], ["E2", "李四", 9100, 8100]]


@pytest.mark.parametrize(
    "between",
    [
        [[]],  # a blank line
        [["合计", "", 17000, 15000], []],  # the first table's total, then a blank line
        [],  # nothing at all
    ],
)
def test_next_month_below_the_first_table_is_not_read_as_this_month(
    tmp_path: Path, between: list[list[object]]
) -> None:
    rows = [["2025年7月工资表"], _HEADER, *_JULY, *between, ["2025年8月工资表"], _HEADER, *_AUGUST]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert [(r.period, r.employee_id, r.gross_pay) for r in result.rows] == [
        ("2025-07", "E1", Decimal(8000)),
        ("2025-07", "E2", Decimal(9000)),
    ]
    title_row = 3 + len(_JULY) + len(between)
    assert any(
        f"第 {title_row} 行起" in r and "另一张表" in r and "2025年8月工资表" in r
        for r in sheet.remarks
    ), sheet.remarks
    assert not result.problems


@pytest.mark.parametrize("caption", ["2025年6月入职员工", "2025年6月离职人员（7月结算）"])
def test_a_caption_naming_another_month_inside_the_table_does_not_end_it(
    tmp_path: Path, caption: str
) -> None:
    # July's payroll, its people grouped under captions: the employees below a caption naming
    # the month they joined are still July's rows, not another month's table.
    later = [["E3", "王五", 7000, 6500], ["E4", "赵六", 7500, 6800]]
    rows = [_HEADER, *_JULY, [caption], *later]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [(r.period, r.employee_id) for r in result.rows] == [
        ("2025-07", "E1"),
        ("2025-07", "E2"),
        ("2025-07", "E3"),
        ("2025-07", "E4"),
    ]
    assert not any("另一张表" in r for r in result.files[0].sheets[0].remarks)


def test_a_second_table_with_another_header_is_not_read_through_the_first_header(
    tmp_path: Path,
) -> None:
    rows = [
        _HEADER,
        *_JULY,
        ["临时工"],
        ["姓名", "工时", "时薪", "应发工资"],
        ["王五", 100, 25, 2500],
    ]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert [r.employee_id for r in result.rows] == ["E1", "E2"]
    assert not result.problems
    assert any("第 4 行起是另一张表（临时工）" in r for r in sheet.remarks), sheet.remarks


def test_payslip_blocks_with_a_title_per_employee_are_all_read(tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for row in _JULY:
        rows += [["2025年7月工资条"], _HEADER, row, []]
    path = write_xlsx(tmp_path / "工资条.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert [(r.period, r.employee_id) for r in result.rows] == [
        ("2025-07", "E1"),
        ("2025-07", "E2"),
    ]
    assert not result.problems


# --- a word ending in 日 is not a unit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("加班时间", "工作日"), "ot_hours_workday"),
        (("加班时间", "双休日"), "ot_hours_restday"),
        (("加班时间", "休息日"), "ot_hours_restday"),
        (("加班时间", "法定假日"), "ot_hours_holiday"),
        (("加班时间", "节假日"), "ot_hours_holiday"),
        (("加班(小时)", "工作日"), "ot_hours_workday"),
        (("工作日加班时间",), "ot_hours_workday"),
        (("工作小时",), "work_hours"),
        (("出勤日",), "attended_days"),
    ],
)
def test_overtime_sub_headers_ending_in_ri(parts: tuple[str, ...], field: str) -> None:
    found = suggest(parts)
    assert found.field is not None
    assert found.field.value == field
    assert found.confidence >= 0.9


def test_a_bare_workday_header_is_not_the_hours_worked() -> None:
    # 工作日 lost its 日 as if it were a unit and became 工作 = 工作小时 (work_hours) at 1.0
    found = suggest(("工作日",))
    assert found.field is not PayrollField.WORK_HOURS
    assert found.confidence < GUESS_THRESHOLD  # at most a guess the user must confirm


def test_overtime_hours_under_a_group_header_are_read_as_overtime(tmp_path: Path) -> None:
    rows = [["姓名", "基本工资", "加班时间", "", "", "加班费", "应发工资"],
            ["", "", "工作日", "双休日", "法定假日", "", ""],
            ["张三", 5000, 10, 8, 0, 900, 5900]]  # fmt: skip
    path = write_xlsx(
        tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=["C1:E1", "A1:A2", "B1:B2"])]
    )
    result = read_payroll([path])
    row = result.rows[0]
    assert (row.ot_hours_workday, row.ot_hours_restday, row.ot_hours_holiday) == (
        Decimal(10),
        Decimal(8),
        Decimal(0),
    )
    assert row.work_hours is None


# --- a total row labelled with the headcount ----------------------------------------------------


@pytest.mark.parametrize("label", ["共2人", "共 2 人", "2人", "人数：2", "共计2名"])
def test_a_total_row_labelled_with_the_headcount_is_not_an_employee(
    tmp_path: Path, label: str
) -> None:
    rows = [_HEADER, *_JULY, ["", label, 17000, 15000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.name for r in result.rows] == ["张三", "李四"]
    assert [s.reason.value for s in result.files[0].sheets[0].skipped_rows] == ["total"]


# --- units inside a stacked header ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("应发项目", "加班", "平时(小时)"), "ot_hours_workday"),
        (("加班", "周末（天）"), "ot_hours_restday"),
        (("加班(h)", "节假日(小时)"), "ot_hours_holiday"),
        (("应发项目", "合计"), "gross_pay"),
    ],
)
def test_stacked_headers_with_a_unit_on_the_sub_label(parts: tuple[str, ...], field: str) -> None:
    found = suggest(parts)
    assert found.field is not None
    assert found.field.value == field
    assert found.confidence >= GUESS_THRESHOLD


# --- what lies below the table does not decide what its columns are ------------------------------


def test_figures_below_the_table_do_not_make_an_empty_spacer_column_an_amount(
    tmp_path: Path,
) -> None:
    rows = [["序号", "姓名", "", "应发工资", "实发工资"],
            [1, "张三", "", 8000, 7000], [2, "李四", "", 9000, 8000],
            ["合计", "", "", 17000, 15000], [],
            ["部门汇总"], ["部门", "人数", "应发合计", "实发合计"], ["生产部", 2, 17000, 15000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.unmapped_money == []
    assert sheet.data_rows == 2


def test_rates_in_a_table_below_do_not_make_an_amount_column_a_rate(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "养老保险个人", "应发工资"],
            ["E1", "张三", 640, 8000], ["E2", "李四", 720, 9000],
            ["合计", "", 1360, 17000], [],
            ["说明：缴费比例"], ["", "险种", 0.08, ""], ["", "险种", 0.02, ""], ["", "险种", 0.005, ""],
            ["", "险种", 0.07, ""], ["", "险种", 0.01, ""], ["", "险种", 0.003, ""],
            ["", "险种", 0.05, ""], ["", "险种", 0.04, ""], ["", "险种", 0.06, ""]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert result.files[0].sheets[0].columns[2].field is PayrollField.PENSION_EMPLOYEE
    assert [r.pension_employee for r in result.rows] == [Decimal(640), Decimal(720)]


def test_a_row_counter_beside_the_real_employee_id_does_not_take_its_place(tmp_path: Path) -> None:
    rows = [["编号", "工号", "姓名", "应发工资"], [1, "E07", "张三", 8000], [2, "E03", "李四", 9000],
            [3, "E11", "王五", 9000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    columns = result.files[0].sheets[0].columns
    assert columns[0].field is None
    assert columns[1].field is PayrollField.EMPLOYEE_ID
    assert [r.employee_id for r in result.rows] == ["E07", "E03", "E11"]


# --- a row of column numbers under the header ---------------------------------------------------


@pytest.mark.parametrize(
    "numbers",
    [
        [1, 2, 3, 4, 5],
        ["A", "B", "C", "D", "E"],
        ["栏次", "1", "2", "3=1-2", "4"],
        ["", "(1)", "(2)", "(3)", "(4)"],
    ],
)
def test_a_row_of_column_numbers_under_the_header_is_not_an_employee(
    tmp_path: Path, numbers: list[object]
) -> None:
    rows = [["工号", "姓名", "应发工资", "实发工资", "平时加班"], numbers,
            ["E1", "张三", 8000, 7000, 5], ["E2", "李四", 9000, 8000, 0]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.employee_id for r in result.rows] == ["E1", "E2"]
    assert not result.problems
    skipped = result.files[0].sheets[0].skipped_rows
    assert [(s.row, s.reason.value) for s in skipped] == [(2, "column_numbers")]


# --- amounts in 千元 or 万元 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("above", "header", "figures", "scale"),
    [
        ([["2025年7月工资表"], ["单位：万元"]], ["应发工资", "实发工资"], [0.8, 0.7], 10000),
        ([["2025年7月工资表", "", "", "单位：千元"]], ["应发工资", "实发工资"], [8, 7], 1000),
        ([["2025年7月工资表"]], ["应发工资(万元)", "实发工资（万元）"], [0.8, 0.7], 10000),
    ],
)
def test_amounts_in_thousands_or_ten_thousands_are_read_in_yuan(
    tmp_path: Path, above: list[list[object]], header: list[str], figures: list[float], scale: int
) -> None:
    rows = [*above, ["工号", "姓名", *header], ["E1", "张三", *figures]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    row = result.rows[0]
    assert (row.gross_pay, row.net_pay) == (Decimal(8000), Decimal(7000))
    remarks = result.files[0].sheets[0].remarks
    unit = "万元" if scale == 10000 else "千元"
    assert any(unit in r and "折算为元" in r for r in remarks), remarks


# --- cells merged down over several employees --------------------------------------------------


def test_a_month_department_or_pay_date_merged_down_applies_to_every_row_it_covers(
    tmp_path: Path,
) -> None:
    rows = [["月份", "工号", "姓名", "部门", "应发工资", "发放日期"],
            ["2025-07", "E1", "张三", "生产部", 8000, date(2025, 8, 10)],
            ["", "E2", "李四", "", 9000, ""],
            ["2025-08", "E1", "张三", "销售部", 8000, date(2025, 9, 10)],
            ["", "E2", "李四", "", 9000, ""]]  # fmt: skip
    merged = ["A2:A3", "A4:A5", "D2:D3", "D4:D5", "F2:F3", "F4:F5"]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows, merged=merged)])
    result = read_payroll([path])
    assert not result.problems
    assert [(r.period, r.employee_id, r.department, r.pay_date) for r in result.rows] == [
        ("2025-07", "E1", "生产部", date(2025, 8, 10)),
        ("2025-07", "E2", "生产部", date(2025, 8, 10)),
        ("2025-08", "E1", "销售部", date(2025, 9, 10)),
        ("2025-08", "E2", "销售部", date(2025, 9, 10)),
    ]


def test_an_amount_merged_down_is_a_problem_on_the_rows_it_covers(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "高温津贴", "应发工资"], ["E1", "张三", 300, 8000],
            ["E2", "李四", "", 9000], ["E3", "王五", "", 9000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=["C2:C4"])])
    result = read_payroll([path])
    assert [r.high_temp_allowance for r in result.rows] == [Decimal(300), None, None]
    assert [(p.cell, p.field) for p in result.problems] == [
        ("C3", PayrollField.HIGH_TEMP_ALLOWANCE),
        ("C4", PayrollField.HIGH_TEMP_ALLOWANCE),
    ]
    assert "合并单元格 C2:C4" in result.problems[0].reason


# --- the sheet's name and its title name different months ---------------------------------------


def test_a_sheet_name_and_title_naming_different_months_are_pointed_out(tmp_path: Path) -> None:
    rows = [["2025年8月工资表"], _HEADER, *_JULY]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.periods == ["2025-07"]
    assert any("2025-07" in r and "2025年8月工资表" in r and "--period" in r for r in sheet.remarks)


def test_a_title_agreeing_with_the_sheet_name_says_nothing(tmp_path: Path) -> None:
    rows = [["上海某某公司2025年7月工资表"], _HEADER, *_JULY]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025.07", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.periods == ["2025-07"]
    assert sheet.remarks == []


# --- a month column without the year ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet_name", "above", "file_name"),
    [
        ("Sheet1", [["2025年工资明细"]], "工资.xlsx"),
        ("2025年", [], "工资.xlsx"),
        ("Sheet1", [], "2025年工资.xlsx"),
    ],
)
def test_a_month_column_without_the_year_takes_the_year_the_sheet_names(
    tmp_path: Path, sheet_name: str, above: list[list[object]], file_name: str
) -> None:
    rows = [*above, ["月份", "工号", "姓名", "应发工资"], ["7月", "E1", "张三", 8000],
            ["八月", "E1", "张三", 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / file_name, [SheetSpec(sheet_name, rows)])
    result = read_payroll([path])
    assert [r.period for r in result.rows] == ["2025-07", "2025-08"]
    assert not result.problems
    assert any("2025 年" in r and "7月" in r for r in result.files[0].sheets[0].remarks)


def test_a_month_column_without_any_year_anywhere_is_still_a_problem(tmp_path: Path) -> None:
    rows = [["月份", "工号", "姓名", "应发工资"], ["7月", "E1", "张三", 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert result.rows == []
    assert result.problems


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("应发工资合计", "gross_pay"),
        ("实发工资合计", "net_pay"),
        ("实际发放工资", "net_pay"),
        ("个人部分社保", "si_employee_total"),
        ("个人部分公积金", "housing_fund_employee"),
    ],
)
def test_common_payroll_software_headers_are_exact_synonyms(header: str, field: str) -> None:
    found = suggest((header,))
    assert found.field is not None
    assert (found.field.value, found.confidence) == (field, 1.0)


# --- a row whose identity is a formula with no saved result --------------------------------------


def test_a_row_of_formulas_without_saved_results_is_reported_not_skipped_as_blank(
    tmp_path: Path,
) -> None:
    # openpyxl saves formulas without results, as scripts that never open Excel do
    rows = [_HEADER, ['="E"&1', '="张"&"三"', "=8000", "=7000"], ["E2", "李四", 9000, 8000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.employee_id for r in result.rows] == ["E2"]
    cells = [(p.cell, p.field) for p in result.problems]
    assert ("A2", PayrollField.EMPLOYEE_ID) in cells
    assert ("B2", PayrollField.NAME) in cells
    assert all("此行未导入" in p.reason for p in result.problems)
    assert result.files[0].sheets[0].skipped_rows[0].reason.value != "blank"


# --- a row holding one text and nothing else is a caption, not an employee -------------------


def test_a_department_caption_between_blocks_is_not_an_employee(tmp_path: Path) -> None:
    header = ["工号", "姓名", "应发工资", "实发工资"]
    rows: list[list[object]] = [
        header, ["E1", "甲", 8000, 7000], ["E2", "乙", 8000, 7000], [],
        ["生产部"], header, ["E3", "丙", 8000, 7000], ["E4", "丁", 8000, 7000],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "2025年7月工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.employee_id for r in result.rows] == ["E1", "E2", "E3", "E4"]
    [sheet] = result.files[0].sheets
    caption = [s for s in sheet.skipped_rows if s.row == 5]
    assert [(s.reason.value, s.text) for s in caption] == [("caption", "生产部")]


def test_payslip_titles_without_a_year_are_not_employees(tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for row in _JULY:
        rows += [["8月10日发放7月工资"], _HEADER, row]
    path = write_xlsx(tmp_path / "工资条.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [(r.period, r.employee_id) for r in result.rows] == [
        ("2025-07", "E1"),
        ("2025-07", "E2"),
    ]


def test_an_employee_with_blank_amounts_is_still_an_employee(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["工号", "姓名", "应发工资", "实发工资"], ["E1", "甲", 8000, 7000], ["E2", "乙", None, None],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "2025年7月工资.xlsx", [SheetSpec("2025年7月", rows)])
    assert [r.employee_id for r in read_payroll([path]).rows] == ["E1", "E2"]
