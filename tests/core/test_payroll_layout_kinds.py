"""Header detection, the end of the table and the month, in the other forms the same kinds of
layout take: CSV without merge information, .xls made by LibreOffice, other wordings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from auditdesk.models.payroll import SkipReason
from auditdesk.payroll.importer import read_payroll
from tests.builders.payroll_files import SheetSpec, convert_to_xls, soffice, write_csv, write_xlsx

THREE_ROW_HEADER: list[list[Any]] = [
    ["二〇二五年度职工工资发放表"],
    ["序号", "姓名", "应发工资", "", "", "", "应扣部分（单位/个人承担社会保险）", "", "", "", "实发金额"],
    ["", "", "基本工资", "岗位工资", "绩效奖金", "小计", "养老保险", "", "医疗保险", "", ""],
    ["", "", "", "", "", "", "单位16%", "个人8%", "单位9%", "个人2%", ""],
    [1, "王小明", 6000, 1000, 1000, 8000, 1280, 640, 720, 160, 7200],
    [2, "李晓红", 6500, 1000, 500, 8000, 1280, 640, 720, 160, 7200],
    ["合计", "", 12500, 2000, 1500, 16000, 2560, 1280, 1440, 320, 14400],
]  # fmt: skip
MERGES = ["A1:K1", "A2:A4", "B2:B4", "C2:F2", "G2:J2", "K2:K4", "C3:C4", "D3:D4", "E3:E4",
          "F3:F4", "G3:H3", "I3:J3"]  # fmt: skip


def _check_three_row(path: Path) -> None:
    result = read_payroll([path], period="2025-08")
    sheet = result.files[0].sheets[0]
    assert sheet.header_rows == [2, 3, 4]
    fields = {c.column: c.field.value if c.field else None for c in sheet.columns}
    assert fields["B"] == "name"
    assert fields["F"] == "gross_pay"
    assert fields["H"] == "pension_employee"
    assert fields["J"] == "medical_employee"
    assert fields["G"] is None
    assert fields["I"] is None
    assert fields["K"] == "net_pay"
    assert [r.gross_pay for r in result.rows] == [Decimal(8000), Decimal(8000)]
    assert [r.medical_employee for r in result.rows] == [Decimal(160), Decimal(160)]


def test_three_row_header_in_csv_without_merges(tmp_path: Path) -> None:
    _check_three_row(write_csv(tmp_path / "工资.csv", THREE_ROW_HEADER, encoding="gbk"))


def test_three_row_header_in_xlsx(tmp_path: Path) -> None:
    _check_three_row(write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", THREE_ROW_HEADER,
                                                                     merged=MERGES)]))  # fmt: skip


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is needed to write a legacy .xls")
def test_three_row_header_in_legacy_xls(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", THREE_ROW_HEADER, merged=MERGES)])
    _check_three_row(convert_to_xls(xlsx, tmp_path))


def test_label_value_lines_above_the_header_give_the_month(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["编制单位：上海某某有限公司", "", "所属期间：2025年7月", "", "金额单位：元"],
        ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
        ["E1", "张三", 6000, 6000, 5400],
    ]
    result = read_payroll([write_csv(tmp_path / "export.csv", rows, encoding="utf-8")])
    sheet = result.files[0].sheets[0]
    assert sheet.header_rows == [2]
    assert result.periods == ["2025-07"]
    assert "所属期间" in sheet.period_source


def test_the_title_nearest_the_table_beats_a_line_further_up(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["转发：2019年2月工资表（请查收）"],
        [""],
        ["制表日期：2019-02-05"],
        ["2019年1月工资表"],
        ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
        ["E1", "张三", 6000, 6000, 5400],
    ]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert read_payroll([path]).periods == ["2019-01"]


def test_tax_period_never_names_the_work_month(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["税款所属期：2025年8月"],
        ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
        ["E1", "张三", 6000, 6000, 5400],
    ]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.found_rows == 1
    assert "--period" in sheet.note


def test_nothing_below_total_and_signature_is_an_employee(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
        ["E1", "张三", 6000, 6000, 5400],
        ["E2", "李四", 7000, 7000, 6300],
        ["合计", "", 13000, 13000, 11700],
        ["制 表 人：王五", "", "审 核：赵六", "", ""],
        ["", "", "", "", ""],
        ["1234", "备用", 88, 99, 77],  # scratch figures under the table
        ["E9", "临时", 1, 2, 3],
    ]
    for path in (
        write_xlsx(tmp_path / "工资2025-07.xlsx", [SheetSpec("工资", rows)]),
        write_csv(tmp_path / "工资2025-07.csv", rows, encoding="gbk"),
    ):
        result = read_payroll([path])
        sheet = result.files[0].sheets[0]
        assert [r.name for r in result.rows] == ["张三", "李四"]
        reasons = [s.reason for s in sheet.skipped_rows]
        assert reasons == [SkipReason.TOTAL, SkipReason.SIGNATURE, SkipReason.BLANK,
                           SkipReason.AFTER_END, SkipReason.AFTER_END]  # fmt: skip
        assert any("之后的 2 行" in r for r in sheet.remarks)


def test_full_width_colon_signature_and_a_repeated_header_resumes(tmp_path: Path) -> None:
    header = ["工号", "姓名", "基本工资", "应发工资", "实发工资"]
    rows: list[list[Any]] = [
        header,
        ["E1", "张三", 6000, 6000, 5400],
        ["合计", "", 6000, 6000, 5400],
        header,  # a second block with the same header: employees again
        ["E2", "李四", 7000, 7000, 6300],
        ["经办人：", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "工资2025-07.xlsx", [SheetSpec("工资", rows)])
    assert [r.name for r in read_payroll([path]).rows] == ["张三", "李四"]


def test_helper_sheets_are_not_imported_as_employees(tmp_path: Path) -> None:
    pay = [["工号", "姓名", "基本工资", "应发工资", "实发工资"], ["E1", "张三", 6000, 6000, 5400]]
    attendance = [
        ["工号", "姓名", "部门", "应出勤天数", "实际出勤天数"],
        ["E1", "张三", "生产部", 22, 21],
    ]
    grades = [["级别", "姓名", "基本工资", "岗位工资"], ["一级", "标准", 3000, 500]]
    path = write_xlsx(tmp_path / "2025年7月.xlsx", [
        SheetSpec("工资表", pay), SheetSpec("考勤表", attendance), SheetSpec("级别表", grades),
    ])  # fmt: skip
    result = read_payroll([path])
    assert len(result.rows) == 1
    notes = {s.name: s.note for s in result.files[0].sheets}
    assert notes["工资表"] == ""
    assert "不是工资表" in notes["考勤表"]
    assert "辅助表" in notes["级别表"]


def test_overtime_days_column_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["工号", "姓名", "基本工资", "休息日加班天数", "平时加班(小时)", "应发工资"],
        ["E1", "张三", 6000, 1.5, 3, 6000],
    ]
    result = read_payroll([write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])])
    row = result.rows[0]
    assert row.ot_hours_restday == Decimal(12)
    assert row.ot_hours_workday == Decimal(3)


# ------------------------------------------------------------------ found by trying to break it
def test_department_totals_are_not_employees_and_do_not_end_the_table(tmp_path: Path) -> None:
    header = ["序号", "工号", "姓名", "部门", "应发工资", "实发工资"]
    rows: list[list[Any]] = [
        header,
        [1, "E001", "张三", "技术部", 5000, 4500],
        [None, "技术部合计", None, None, 5000, 4500],
        [2, "E002", "李四", "技术部", 5000, 4500],
        [None, None, "本页合计：", None, 10000, 9000],
        [3, "E003", "王五", "销售部", 5000, 4500],
        ["合计:", None, None, None, 15000, 13500],  # a block total with employees after it
        [4, "E004", "赵六", "销售部", 5000, 4500],
        ["合计", None, None, None, 20000, 18000],
        ["", "", "", "", "", ""],
        [99, "草稿", "", "", 1, 2],
    ]
    result = read_payroll([write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])])
    assert [r.name for r in result.rows] == ["张三", "李四", "王五", "赵六"]
    reasons = [s.reason for s in result.files[0].sheets[0].skipped_rows]
    assert reasons == [SkipReason.SUBTOTAL, SkipReason.SUBTOTAL, SkipReason.SUBTOTAL,
                       SkipReason.TOTAL, SkipReason.BLANK, SkipReason.AFTER_END]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "period"),
    [
        ([["2025年7月工资表"], ["发放日期：2025年8月10日"]], "2025-07"),
        ([["工资表"], ["发薪日期：2025年8月10日"], ["所属期间：2025年7月"]], "2025-07"),
        ([["工资表  2025-08-05"], ["2025年7月"]], "2025-07"),
        ([["2025年8月发放 7月工资"]], "2025-07"),
        ([["2026年1月发放12月工资"]], "2025-12"),
        ([["工资表"], ["考勤周期：2025.06.26-2025.07.25"]], "2025-07"),
        ([["2025年度7月工资表"]], "2025-07"),
        ([["7月份工资表（2025年）"]], "2025-07"),
        ([["二〇二五年七月份工资表"]], "2025-07"),
        ([["2025年工资表"], ["月份：7月"]], "2025-07"),
    ],
)
def test_the_month_above_the_table(tmp_path: Path, lines: list[list[Any]], period: str) -> None:
    rows = [
        *lines,
        ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
        ["E1", "张三", 6000, 6000, 5400],
    ]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert read_payroll([path]).periods == [period]


def test_a_stamp_alone_names_no_month(tmp_path: Path) -> None:
    rows = [["工资表  2025-08-05"], ["工号", "姓名", "基本工资", "应发工资", "实发工资"],
            ["E1", "张三", 6000, 6000, 5400]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    assert read_payroll([path]).files[0].sheets[0].found_rows == 1


def test_numeric_month_cells(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["工号", "姓名", "工资月份", "基本工资", "应发工资"],
        ["E1", "张三", 2025.07, 6000, 6000],
        ["E2", "李四", 2025.12, 6000, 6000],
        ["E3", "王五", 2025.1, 6000, 6000],  # January or October: refused, not guessed
    ]
    result = read_payroll([write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows)])])
    assert [(r.name, r.period) for r in result.rows] == [("张三", "2025-07"), ("李四", "2025-12")]
    assert any(p.cell == "C4" and "10 月" in p.reason for p in result.problems)


def test_four_row_header_without_merges_keeps_groups_apart(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["2025年7月工资表"],
        ["工号", "姓名", "应发工资", "社会保险及公积金", None, None, None, None, None, "实发工资"],
        [None, None, None, "社会保险", None, None, None, "住房公积金", None, None],
        [None, None, None, "养老保险", None, "医疗保险", None, None, None, None],
        [None, None, None, "单位", "个人", "单位", "个人", "单位", "个人", None],
        ["E001", "张三", 6000, 960, 480, 600, 120, 420, 420, 4980],
        ["E002", "李四", 3000, 480, 240, 300, 60, 210, 210, 2490],
    ]
    result = read_payroll([write_csv(tmp_path / "工资.csv", rows, encoding="gbk")])
    fields = {
        c.column: c.field.value if c.field else None for c in result.files[0].sheets[0].columns
    }
    assert fields["E"] == "pension_employee"
    assert fields["G"] == "medical_employee"
    assert fields["I"] == "housing_fund_employee"
    assert fields["D"] is None
    assert fields["F"] is None
    assert fields["H"] is None
    assert result.rows[1].housing_fund_employee == Decimal(210)


def test_namesakes_in_two_departments_are_not_copies(tmp_path: Path) -> None:
    header = ["姓名", "部门", "基本工资", "应发工资", "实发工资"]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [
        SheetSpec("销售部", [header, ["王芳", "销售部", 2740, 2740, 2466]]),
        SheetSpec("生产部", [header, ["王芳", "生产部", 2740, 2740, 2466]]),
    ])  # fmt: skip
    assert len(read_payroll([path]).rows) == 2


def test_overtime_written_in_days_inside_an_hours_column(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["工号", "姓名", "延时加班", "节假日加班", "应发工资"],
        ["E1", "张三", "2天", "16小时", 8000],
    ]
    result = read_payroll([write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])])
    assert result.rows[0].ot_hours_workday == Decimal(16)
    assert result.rows[0].ot_hours_holiday == Decimal(16)
    assert any("按天填写" in r and "C2" in r for r in result.files[0].sheets[0].remarks)


def test_income_back_payments_and_totals_are_not_mistaken(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["工号", "姓名", "工资薪金所得", "养老保险个人(补缴)", "应发工资", "年终奖", "应发合计",
         "个人所得税", "实发工资"],
        ["E1", "张三", 8000, 500, 8000, 2000, 10000, 100, 9900],
    ]  # fmt: skip
    sheet = read_payroll([write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])])
    fields = {
        c.header: c.field.value if c.field else None for c in sheet.files[0].sheets[0].columns
    }
    assert fields["个人所得税"] == "income_tax"
    assert fields["养老保险个人(补缴)"] is None
    assert fields["应发合计"] == "gross_pay"  # the total wins over the part, wherever it stands


def test_csv_id_printed_as_a_float(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "身份证号", "应发工资"], ["E1", "张三", "310115198803031236.0", 8000]]
    result = read_payroll([write_csv(tmp_path / "2025-07.csv", rows, encoding="utf-8")])
    assert result.rows[0].id_number == "310115198803031236"
