"""Hand-made payroll files in the messier forms companies send: hidden amount columns, a 月份
column of several months under ``--period``, group headers over 金额/小时/天数 sub-headers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.models.payroll import PayrollField
from auditdesk.payroll import values
from auditdesk.payroll.importer import read_payroll
from auditdesk.payroll.mapping import is_overtime_part, suggest
from auditdesk.services.payroll import check_files
from tests.builders.payroll_files import SheetSpec, write_xlsx

# --- a hidden amount column ---------------------------------------------------------------------


def _split_ot_rows() -> list[list[object]]:
    # 2700 + 300 + 400 + 600 = 应发 4000: the hidden 休息日加班费 (E) is part of it
    return [["工号", "姓名", "基本工资", "工作日加班费", "休息日加班费", "节假日加班费", "应发工资",
             "个人所得税", "实发工资"],
            ["E1", "张三", 2700, 300, 400, 600, 4000, 0, 4000],
            ["E2", "李四", 2800, 300, None, 0, 3100, 0, 3100]]  # fmt: skip


def test_a_hidden_split_overtime_column_is_added_like_a_visible_one(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "工资.xlsx", [SheetSpec("2025年7月", _split_ot_rows(), hidden_columns=["E"])]
    )
    result, check = check_files([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(1300), Decimal(300)]
    sheet = result.files[0].sheets[0]
    remark = next(r for r in sheet.remarks if "加班费" in r and "相加" in r)
    assert "E 列“休息日加班费”（隐藏列）" in remark
    assert [f.message for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []


def test_a_hidden_unmapped_amount_column_keeps_the_sum_check_off(tmp_path: Path) -> None:
    # 福利补贴 has no field: hidden or not, it is an amount the sum of items cannot explain
    rows = [["工号", "姓名", "基本工资", "福利补贴", "应发工资", "个人所得税", "实发工资"],
            ["E1", "张三", 5000, 500, 5500, 0, 5500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, hidden_columns=["D"])])
    result, check = check_files([path])
    sheet = result.files[0].sheets[0]
    assert sheet.unmapped_money == ["D 福利补贴（隐藏列）"]
    assert [f.message for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []
    assert any("福利补贴" in n and "未核对" in n for n in check.notes)


def test_a_hidden_copy_of_a_mapped_column_is_not_counted(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "应发工资", "应发工资", "实发工资"],
            ["E1", "张三", 5000, 5000, 5000, 5000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, hidden_columns=["E"])])
    result, _ = check_files([path])
    sheet = result.files[0].sheets[0]
    assert sheet.unmapped_money == []
    assert "副本" in next(c.note for c in sheet.columns if c.column == "E")


# --- --period over a 月份 column naming several months ------------------------------------------


def _two_month_rows() -> list[list[object]]:
    return [["工号", "姓名", "月份", "基本工资", "应发工资", "实发工资"],
            ["E1", "张三", "2025-06", 5000, 5000, 5000],
            ["E1", "张三", "2025-07", 5000, 5000, 5000],
            ["E2", "李四", "2025-06", 5200, 5200, 5200],
            ["E2", "李四", "2025-07", 5300, 5300, 5300]]  # fmt: skip


def test_period_over_a_month_column_of_several_months_keeps_each_rows_month(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", _two_month_rows())])
    result, check = check_files([path], period="2025-07")
    assert [r.period for r in result.rows] == ["2025-06", "2025-07", "2025-06", "2025-07"]
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "2025-06、2025-07" in remarks
    assert "--period" in remarks
    assert [f for f in check.findings if f.rule == "DATA.DUPLICATE"] == []


def test_period_fills_the_rows_a_month_column_of_several_months_leaves_blank(
    tmp_path: Path,
) -> None:
    rows = _two_month_rows()
    rows[4][2] = None
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows)])
    result = read_payroll([path], period="2025-07")
    assert [r.period for r in result.rows] == ["2025-06", "2025-07", "2025-06", "2025-07"]


def test_period_over_a_month_column_of_one_other_month_relabels_it_and_says_so(
    tmp_path: Path,
) -> None:
    rows = [r[:] for r in _two_month_rows()[:2]] + [r[:] for r in _two_month_rows()[3:4]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows)])
    result = read_payroll([path], period="2025-07")
    assert [r.period for r in result.rows] == ["2025-07", "2025-07"]
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "2025-06" in remarks
    assert "2025-07" in remarks


def test_period_over_a_month_column_of_that_month_says_nothing(tmp_path: Path) -> None:
    rows = [_two_month_rows()[0], _two_month_rows()[2], _two_month_rows()[4]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("工资", rows)])
    result = read_payroll([path], period="2025-07")
    assert [r.period for r in result.rows] == ["2025-07", "2025-07"]
    assert not any("月份" in r for r in result.files[0].sheets[0].remarks)


# --- group labels over 金额 / 小时 / 天数 / 个人 sub-headers ----------------------------------------


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("平时加班", "金额"), PayrollField.OT_PAY),
        (("平时加班", "金额(元)"), PayrollField.OT_PAY),
        (("休息日加班", "元"), PayrollField.OT_PAY),
        (("加班", "金额"), PayrollField.OT_PAY),
        (("加班", "平时", "金额"), PayrollField.OT_PAY),
        (("加班", "平时(元)"), PayrollField.OT_PAY),
        (("加班", "平时", "小时"), PayrollField.OT_HOURS_WORKDAY),
        (("加班", "周末", "天数"), PayrollField.OT_HOURS_RESTDAY),
        (("平时加班", "小时"), PayrollField.OT_HOURS_WORKDAY),
        (("节假日加班", "天数"), PayrollField.OT_HOURS_HOLIDAY),
        (("夜班", "金额"), PayrollField.NIGHT_SHIFT_ALLOWANCE),
        (("高温", "金额"), PayrollField.HIGH_TEMP_ALLOWANCE),
        (("社保", "个人"), PayrollField.SI_EMPLOYEE_TOTAL),
        (("公积金", "个人"), PayrollField.HOUSING_FUND_EMPLOYEE),
        (("养老保险", "个人"), PayrollField.PENSION_EMPLOYEE),
    ],
)
def test_a_group_label_over_a_measure_names_the_field(
    parts: tuple[str, ...], field: PayrollField
) -> None:
    found = suggest(parts)
    assert found.field is field
    assert found.confidence >= 0.9


@pytest.mark.parametrize(
    "parts", [("加班", "小时"), ("加班", "时数"), ("加班", "天数"), ("加班小时",), ("加班时数",)]
)
def test_overtime_hours_of_no_kind_are_a_guess_of_workday_hours(parts: tuple[str, ...]) -> None:
    found = suggest(parts)
    assert found.field is PayrollField.OT_HOURS_WORKDAY
    assert found.confidence < 0.9  # to confirm: the file does not say which kind


@pytest.mark.parametrize(
    "parts", [("加班费", "小时"), ("社保", "单位"), ("公积金", "单位"), ("出勤", "金额")]
)
def test_a_group_label_over_a_measure_it_cannot_hold_names_no_field(
    parts: tuple[str, ...],
) -> None:
    assert suggest(parts).field is None


def test_overtime_money_under_a_group_is_a_part_of_the_overtime_pay() -> None:
    assert is_overtime_part("平时加班/金额")
    assert is_overtime_part("加班/休息日/金额")
    assert is_overtime_part("加班/周末(元)")
    assert not is_overtime_part("加班/金额")
    assert not is_overtime_part("平时加班/小时")


def test_a_two_row_header_of_overtime_groups_over_hours_and_amounts(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "平时加班", None, "休息日加班", None, "社保", None,
             "公积金", None, "应发工资", "实发工资"],
            [None, None, None, "小时", "金额", "小时", "金额", "个人", "单位", "个人", "单位", None,
             None],
            ["E1", "张三", 5000, 10, 431, 8, 460, 400, 800, 350, 350, 5891, 5141],
            ["E2", "李四", 5000, 0, 0, 0, 0, 400, 800, 350, 350, 5000, 4250]]  # fmt: skip
    merged = ["D1:E1", "F1:G1", "H1:I1", "J1:K1", "A1:A2", "B1:B2", "C1:C2", "L1:L2", "M1:M2"]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=merged)])
    result, check = check_files([path])
    sheet = result.files[0].sheets[0]
    fields = {c.column: c.field for c in sheet.columns}
    assert fields["D"] is PayrollField.OT_HOURS_WORKDAY
    assert fields["E"] is PayrollField.OT_PAY
    assert fields["F"] is PayrollField.OT_HOURS_RESTDAY
    assert fields["H"] is PayrollField.SI_EMPLOYEE_TOTAL
    assert fields["J"] is PayrollField.HOUSING_FUND_EMPLOYEE
    assert sheet.unmapped_money == []
    assert [r.ot_pay for r in result.rows] == [Decimal(891), Decimal(0)]
    assert "PAY.OT_UNDERPAID" in check.rules_run
    assert [f for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []


def test_period_over_sheets_of_two_months_keeps_each_sheets_month(tmp_path: Path) -> None:
    header = ["工号", "姓名", "基本工资", "应发工资"]
    path = write_xlsx(tmp_path / "工资.xlsx", [
        SheetSpec("2025年6月", [header, ["E1", "张三", 5000, 5000]]),
        SheetSpec("2025年7月", [header, ["E1", "张三", 5000, 5000]]),
    ])  # fmt: skip
    result, check = check_files([path], period="2025-07")
    assert [r.period for r in result.rows] == ["2025-06", "2025-07"]
    june, july = result.files[0].sheets
    assert any("2025-06、2025-07" in r for r in june.remarks)
    assert july.remarks == []
    assert [f for f in check.findings if f.rule == "DATA.DUPLICATE"] == []


# --- breaker findings: bilingual headers, kinds of overtime, 应发部分/小计, 代扣税 ----------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Emp ID 工号", PayrollField.EMPLOYEE_ID),
        ("Name 姓名 ", PayrollField.NAME),
        ("ID No. 身份证号", PayrollField.ID_NUMBER),
        ("Basic Salary 基本工资", PayrollField.BASE_PAY),
        ("Gross Pay 应发工资", PayrollField.GROSS_PAY),
        ("Pension 养老保险(个人)", PayrollField.PENSION_EMPLOYEE),
        ("IIT 个税", PayrollField.INCOME_TAX),
        ("实发工资 Net Pay", PayrollField.NET_PAY),
        ("应发工资(RMB)", PayrollField.GROSS_PAY),
    ],
)
def test_a_bilingual_header_is_read_by_its_chinese_name(header: str, field: PayrollField) -> None:
    found = suggest((header,))
    assert found.field is field
    assert found.confidence >= 0.9


def test_a_sheet_of_bilingual_headers_imports(tmp_path: Path) -> None:
    rows = [["Emp ID 工号", "Name 姓名 ", "Basic Salary 基本工资", "Gross Pay 应发工资 ",
             "Net Pay 实发工资"],
            ["E1", "张三", 2500, 2500, 2500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025-07", rows)])
    result, check = check_files([path])
    assert [r.gross_pay for r in result.rows] == [Decimal(2500)]
    assert [f.rule for f in check.findings] == ["PAY.MIN_WAGE"]


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("法定加班",), PayrollField.OT_HOURS_HOLIDAY),
        (("加班", "法定(天)"), PayrollField.OT_HOURS_HOLIDAY),
        (("双休加班",), PayrollField.OT_HOURS_RESTDAY),
        (("加班", "双休(小时)"), PayrollField.OT_HOURS_RESTDAY),
        (("延长加班",), PayrollField.OT_HOURS_WORKDAY),
        (("平日加班天数",), PayrollField.OT_HOURS_WORKDAY),
        (("公休日加班天数",), PayrollField.OT_HOURS_RESTDAY),
        (("法定假日加班天数",), PayrollField.OT_HOURS_HOLIDAY),
    ],
)
def test_every_kind_of_overtime_names_its_hours(
    parts: tuple[str, ...], field: PayrollField
) -> None:
    found = suggest(parts)
    assert found.field is field
    assert found.confidence >= 0.9


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("应发部分", "小计"), PayrollField.GROSS_PAY),
        (("应发项目", "合计"), PayrollField.GROSS_PAY),
        (("代扣税",), PayrollField.INCOME_TAX),
        (("代缴税",), PayrollField.INCOME_TAX),
    ],
)
def test_more_common_names_of_the_totals_and_the_tax(
    parts: tuple[str, ...], field: PayrollField
) -> None:
    found = suggest(parts)
    assert found.field is field
    assert found.confidence >= 0.9


# --- breaker findings: months and dates in English, a CSV of two encodings ----------------------


@pytest.mark.parametrize(
    "text",
    ["Jul-25", "25-Jul", "Jul 2025", "July 2025", "2025-Jul", "Jul-2025", "jul.25", "JUL-25"],
)
def test_a_pay_month_written_the_english_way(text: str) -> None:
    assert values.parse_period(text) == "2025-07"


@pytest.mark.parametrize("text", ["1-Jul", "Jul", "Foo-25", "Jul-251"])
def test_an_english_month_without_a_year_is_no_pay_month(text: str) -> None:
    with pytest.raises(values.CellValueError):
        values.parse_period(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("10-Aug-25", date(2025, 8, 10)),
        ("10-Aug-2025", date(2025, 8, 10)),
        ("10 August 2025", date(2025, 8, 10)),
        ("Aug 10, 2025", date(2025, 8, 10)),
        ("2025-Aug-10", date(2025, 8, 10)),
        ("15-Mar-98", date(1998, 3, 15)),
    ],
)
def test_a_date_written_the_english_way(text: str, day: date) -> None:
    assert values.parse_date(text) == day


def test_an_english_date_that_does_not_exist_is_refused() -> None:
    with pytest.raises(values.CellValueError, match="不是存在的日期"):
        values.parse_date("31-Feb-25")


def test_a_csv_of_a_utf8_header_and_gbk_rows_reads_both(tmp_path: Path) -> None:
    # two exports pasted into one file: the header written as UTF-8, the rows as GBK
    header = "工号,姓名,基本工资,应发工资,实发工资\r\n".encode()
    body = "E1,张三,5000,5000,5000\r\nE2,李四,2600,2600,2600\r\n".encode("gbk")
    path = tmp_path / "工资-2025-07.csv"
    path.write_bytes(header + body)
    for data in (header + body, b"\xef\xbb\xbf" + header + body, body[:0] + header + body):
        path.write_bytes(data)
        result = read_payroll([path])
        assert [r.name for r in result.rows] == ["张三", "李四"]
        assert "UTF-8" in (result.files[0].encoding or "")
        assert "GBK" in (result.files[0].encoding or "")


def test_a_csv_of_a_gbk_header_and_utf8_rows_reads_both(tmp_path: Path) -> None:
    header = "工号,姓名,基本工资,应发工资,实发工资\r\n".encode("gbk")
    body = "E1,张三,5000,5000,5000\r\nE2,李四,2600,2600,2600\r\n".encode()
    path = tmp_path / "工资-2025-07.csv"
    path.write_bytes(header + body)
    result = read_payroll([path])
    assert [r.name for r in result.rows] == ["张三", "李四"]


# --- breaker round 2: English row labels, currency words, line breaks in headers ----------------


def test_english_and_bilingual_total_and_signature_rows_are_no_employees(tmp_path: Path) -> None:
    h = ["工号", "姓名", "基本工资", "应发工资", "实发工资"]
    rows = [h, ["E1", "张三", 5000, 5000, 5000], ["E2", "李四", 2600, 2600, 2600],
            ["Subtotal 本页小计", None, 7600, 7600, 7600], h, ["E3", "王五", 5000, 5000, 5000],
            ["Total 合计", None, 12600, 12600, 12600], ["Prepared by 制表：", "王会计"],
            ["Grand Total", None, 12600, 12600, 12600], ["Approved by", "李经理"]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result = read_payroll([path])
    assert [r.name for r in result.rows] == ["张三", "李四", "王五"]
    reasons = {s.row: s.reason.value for s in result.files[0].sheets[0].skipped_rows}
    assert reasons[4] == "subtotal"
    assert reasons[7] == "total"


@pytest.mark.parametrize(
    ("text", "amount"),
    [("RMB 500", 500), ("人民币2600元", 2600), ("3500.00元/月", 3500), ("CNY1,200.50", "1200.50"),
     ("¥ 3,500", 3500)],
)  # fmt: skip
def test_an_amount_with_its_currency_written_out(text: str, amount: object) -> None:
    assert values.parse_money(text) == Decimal(str(amount))


def test_a_line_break_inside_a_header_cell_is_no_part_of_its_name(tmp_path: Path) -> None:
    rows = [["工号", "姓\n名", "基本\n工资", "应发\r\n工资", "实发工资\n（元）"],
            ["E1", "张三", 2500, 2500, 2500]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert [c.header for c in sheet.columns] == [
        "工号",
        "姓名",
        "基本工资",
        "应发工资",
        "实发工资(元)",
    ]


# --- breaker round 3: an unconfirmed guess of an amount, overtime in (日), a share row ----------


def test_an_amount_column_guessed_but_unconfirmed_keeps_the_sum_check_off(tmp_path: Path) -> None:
    # 话费补贴 resembles 餐费补贴 (a guess, not used): it is still an amount 应发 includes
    rows = [["工号", "姓名", "基本工资", "话费补贴", "应发工资", "个税", "实发工资"],
            ["E1", "张三", 8000, 100, 8100, 0, 8100]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert result.files[0].sheets[0].unmapped_money == ["D 话费补贴"]
    assert [f for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []


def test_overtime_counted_in_days_written_as_ri(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "平时加班(小时)", "节假日加班(日)", "加班费", "应发工资"],
            ["E1", "张三", 4872, 4, 1, 400, 5272]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年10月", rows)])
    result, check = check_files([path])
    assert result.rows[0].ot_hours_holiday == Decimal(8)
    assert any(f.rule == "PAY.OT_UNDERPAID" for f in check.findings)


def test_a_share_row_of_one_repeated_label_joins_the_header(tmp_path: Path) -> None:
    # 单位 under both 社保 and 公积金: the employer's shares, never the employee's
    rows = [["工号", "姓名", "应发工资", "社保", "公积金", "实发工资"],
            [None, None, None, "单位", "单位", None],
            ["E1", "张三", 5000, 800, 350, 5000]]  # fmt: skip
    merged = ["A1:A2", "B1:B2", "C1:C2", "F1:F2"]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=merged)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.header_rows == [1, 2]
    fields = {c.column: c.field for c in sheet.columns}
    assert fields["D"] is None
    assert fields["E"] is None


# --- breaker round 4: overtime named by its rate, English-only and month-prefixed headers --------


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("1.5倍加班(小时)",), PayrollField.OT_HOURS_WORKDAY),
        (("加班1.5倍(小时)",), PayrollField.OT_HOURS_WORKDAY),
        (("加班", "2倍"), PayrollField.OT_HOURS_RESTDAY),
        (("加班(小时)", "3倍"), PayrollField.OT_HOURS_HOLIDAY),
        (("周六加班",), PayrollField.OT_HOURS_RESTDAY),
        (("国定假加班",), PayrollField.OT_HOURS_HOLIDAY),
        (("加班费(1.5倍)",), PayrollField.OT_PAY),
        (("加班工资(周末)",), PayrollField.OT_PAY),
        (("Gross Pay",), PayrollField.GROSS_PAY),
        (("Net Pay",), PayrollField.NET_PAY),
        (("Basic Salary",), PayrollField.BASE_PAY),
        (("Overtime Pay",), PayrollField.OT_PAY),
        (("Employee ID",), PayrollField.EMPLOYEE_ID),
        (("7月应发工资",), PayrollField.GROSS_PAY),
        (("应发工资(7月)",), PayrollField.GROSS_PAY),
        (("2025.07实发",), PayrollField.NET_PAY),
        (("税后扣款",), PayrollField.OTHER_DEDUCTIONS),
    ],
)
def test_more_headers_name_their_field(parts: tuple[str, ...], field: PayrollField) -> None:
    found = suggest(parts)
    assert found.field is field
    assert found.confidence >= 0.9


@pytest.mark.parametrize(
    "header", ["加班费(1.5倍)", "加班工资(周末)", "加班费/3倍", "周六加班费", "国定假加班工资"]
)
def test_overtime_pay_named_by_its_kind_after_the_word_is_a_part(header: str) -> None:
    assert is_overtime_part(header)


def test_overtime_pay_split_by_rate_is_added_up(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "基本工资", "加班费(1.5倍)", "加班费(2倍)", "加班费(3倍)", "应发工资",
             "个税", "实发工资"],
            ["E1", "张三", 2700, 300, 400, 600, 4000, 0, 4000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    assert [r.ot_pay for r in result.rows] == [Decimal(1300)]
    assert [f for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []


# --- breaker round 5: accounting exports' amounts, a month written month first -----------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [("200-", "-200"), ("1,234.00-", "-1234.00"), ("3,500元整", "3500"), ("2,800.", "2800")],
)
def test_an_amount_as_accounting_systems_write_it(text: str, amount: str) -> None:
    assert values.parse_money(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["07/2025", "7/2025", "07-2025", "7.2025"])
def test_a_pay_month_written_month_first(text: str) -> None:
    assert values.parse_period(text) == "2025-07"


def test_a_pay_month_written_month_first_is_not_a_date() -> None:
    with pytest.raises(values.CellValueError):
        values.parse_period("13/2025")


def test_period_over_files_of_two_months_keeps_each_files_month(tmp_path: Path) -> None:
    header = ["工号", "姓名", "月份", "基本工资", "应发工资"]
    june = write_xlsx(
        tmp_path / "六月.xlsx", [SheetSpec("工资", [header, ["E1", "张三", "2025-06", 5000, 5000]])]
    )
    july = write_xlsx(
        tmp_path / "七月.xlsx",
        [SheetSpec("2025年7月", [header[:2] + header[3:], ["E1", "张三", 5000, 5000]])],
    )
    result, check = check_files([june, july], period="2025-07")
    assert sorted(r.period for r in result.rows) == ["2025-06", "2025-07"]
    sheet = result.files[0].sheets[0]
    assert sheet.periods == ["2025-06"]
    remarks = " ".join(sheet.remarks)
    assert "2025-06、2025-07" in remarks
    assert "已按导入时指定" not in remarks
    assert [f for f in check.findings if f.rule == "DATA.DUPLICATE"] == []


def test_overtime_total_and_kinds_under_one_group_over_amounts(tmp_path: Path) -> None:
    # 加班 / 平时 / 金额, 加班 / 周末 / 金额, 加班 / 合计 / 金额: the total is the overtime pay, the
    # kinds its parts, nothing counted twice
    rows = [["工号", "姓名", "基本工资", "加班", None, None, "应发工资", "个税", "实发工资"],
            [None, None, None, "平时", "周末", "合计", None, None, None],
            [None, None, None, "金额", "金额", "金额", None, None, None],
            ["E1", "张三", 3000, 300, 400, 700, 3700, 0, 3700]]  # fmt: skip
    merged = ["D1:F1", "A1:A3", "B1:B3", "C1:C3", "G1:G3", "H1:H3", "I1:I3"]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, merged=merged)])
    result, check = check_files([path])
    fields = {c.column: c.field for c in result.files[0].sheets[0].columns}
    assert fields["F"] is PayrollField.OT_PAY
    assert [r.ot_pay for r in result.rows] == [Decimal(700)]
    assert result.files[0].sheets[0].unmapped_money == []
    assert [f for f in check.findings if f.rule == "DATA.ARITHMETIC"] == []


# --- breaker brk4: English headers that are no amounts ----------------------------------------


@pytest.mark.parametrize("header", ["ID No.", "ID Number", "ID Card No.", "ID Card"])
def test_an_english_id_number_header_names_the_id_number(header: str) -> None:
    assert suggest((header,)).field is PayrollField.ID_NUMBER


def test_english_hours_and_id_columns_are_no_unmapped_amounts(tmp_path: Path) -> None:
    # Total Hours (176) and an ID number are no pay items: they must not switch the sum check
    # off as "2 列金额未识别"; the ID column is read as the ID number (age rules run)
    rows = [["Employee ID", "Name", "ID No.", "Base Salary", "Total Hours", "Bank Account",
             "Gross Pay", "IIT", "Net Pay"],
            ["E0001", "Tom Total", "110105194912310029", 8000, 176, "6222020200112233445",
             9000, 0, 8000]]  # fmt: skip
    path = write_xlsx(tmp_path / "payroll.xlsx", [SheetSpec("2025年7月", rows)])
    result, check = check_files([path])
    sheet = result.files[0].sheets[0]
    assert sheet.unmapped_money == []
    fields = {c.column: c.field for c in sheet.columns}
    assert fields["C"] is PayrollField.ID_NUMBER
    assert [r.name for r in result.rows] == ["Tom Total"]
    # gross 9,000 ≠ base 8,000: the sum check runs and says so
    assert [f.rule for f in check.findings if f.rule == "DATA.ARITHMETIC"] == ["DATA.ARITHMETIC"]


@pytest.mark.parametrize("header", ["IIT", "Income Tax", "Individual Income Tax", "Tax"])
def test_an_english_tax_header_names_the_income_tax(header: str) -> None:
    # the "must say 税" guard (工资薪金所得 is income) had ruled every English tax header out
    assert suggest((header,)).field is PayrollField.INCOME_TAX


def test_taxable_income_is_no_tax() -> None:
    assert suggest(("Taxable Income",)).field is not PayrollField.INCOME_TAX


@pytest.mark.parametrize(
    ("header", "field"),
    [("Hours Worked", PayrollField.WORK_HOURS), ("Hourly Rate", PayrollField.HOURLY_RATE),
     ("Pay Period", PayrollField.PERIOD), ("Pay Date", PayrollField.PAY_DATE),
     ("Date of Joining", PayrollField.HIRE_DATE), ("Employment Type", PayrollField.EMPLOYMENT_TYPE),
     ("Pension (Employee)", PayrollField.PENSION_EMPLOYEE),
     ("Housing Fund (Employee)", PayrollField.HOUSING_FUND_EMPLOYEE),
     ("Medical (Employee)", PayrollField.MEDICAL_EMPLOYEE),
     ("Unemployment (Employee)", PayrollField.UNEMPLOYMENT_EMPLOYEE),
     ("Other Deductions", PayrollField.OTHER_DEDUCTIONS), ("Bonus", PayrollField.BONUS),
     ("Year-end Bonus", PayrollField.ANNUAL_BONUS), ("Attendance Days", PayrollField.ATTENDED_DAYS)],
)  # fmt: skip
def test_english_only_headers_name_their_field(header: str, field: PayrollField) -> None:
    assert suggest((header,)).field is field


@pytest.mark.parametrize(
    "header", ["Employer Pension", "Pension (Employer)", "Company Housing Fund"]
)
def test_the_employers_share_in_english_is_no_employee_contribution(header: str) -> None:
    found = suggest((header,))
    assert found.field is None
    assert found.excluded is not None


@pytest.mark.parametrize(
    ("text", "period"),
    [("Jul-25", "2025-07"), ("July 2025", "2025-07"), ("Payroll July 2025", "2025-07"),
     ("Salary_Aug_2025.xlsx", "2025-08"), ("Sheet1", None), ("Payroll", None)],
)  # fmt: skip
def test_a_sheet_or_file_named_by_an_english_month_names_its_pay_month(
    text: str, period: str | None
) -> None:
    assert values.find_period(text) == period


def test_an_english_payroll_sheet_named_jul_25_is_read_as_july(tmp_path: Path) -> None:
    rows = [["Employee ID", "Name", "Base Salary", "Gross Pay", "IIT", "Net Pay"],
            ["E0001", "Tom Total", 9000, 9000, 0, 9000]]  # fmt: skip
    path = write_xlsx(tmp_path / "payroll.xlsx", [SheetSpec("Jul-25", rows)])
    result, _ = check_files([path])
    assert [r.period for r in result.rows] == ["2025-07"]
