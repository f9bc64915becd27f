from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.payroll import ColumnMapping, ImportResult, PayrollField, SkipReason
from auditdesk.payroll.importer import read_payroll
from auditdesk.payroll.mapping import normalize_header
from tests.builders.payroll_files import (
    HEADER,
    SheetSpec,
    convert_to_xls,
    employee_row,
    encrypt_xlsx,
    simple_sheet,
    soffice,
    write_csv,
    write_xlsx,
)
from tests.samples import PAYROLL_SAMPLES as SAMPLES

SAMPLE_FILES = ["s1-simple.xlsx", "s2-titled-grouped.xlsx", "s3-gbk.csv"]


def _expected(name: str) -> dict[str, Any]:
    stem = name.rsplit(".", 1)[0]
    data: dict[str, Any] = json.loads((SAMPLES / f"{stem}.expected.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_samples_import_as_documented(name: str) -> None:
    meta = _expected(name)["meta"]
    result = read_payroll([SAMPLES / name])
    assert len(result.rows) == meta["rows"]
    assert result.periods == meta["periods"]
    sheet = result.files[0].sheets[0]
    mapped = {c.header.split("/")[-1]: c.field.value if c.field else None for c in sheet.columns}
    assert {h: mapped.get(h) for h in meta["columns"]} == meta["columns"]
    extra = {h: f for h, f in mapped.items() if h not in meta["columns"]}
    assert set(extra.values()) <= {"period"}  # the month column, which meta leaves out
    assert sheet.problems == []


def test_sample_s2_skips_subtotals_total_blank_and_signature() -> None:
    sheet = read_payroll([SAMPLES / "s2-titled-grouped.xlsx"]).files[0].sheets[0]
    assert sheet.header_rows == [3, 4]
    reasons = [s.reason for s in sheet.skipped_rows]
    assert reasons.count(SkipReason.SUBTOTAL) == 8
    assert reasons[-3:] == [SkipReason.TOTAL, SkipReason.BLANK, SkipReason.SIGNATURE]
    assert "2025年7月" in sheet.period_source


def test_sample_s3_money_text_and_slash_dates() -> None:
    rows = read_payroll([SAMPLES / "s3-gbk.csv"]).rows
    first = rows[0]
    assert first.base_pay == Decimal("13600.00")
    assert first.pay_date == date(2025, 9, 15)
    assert first.period == "2025-08"
    assert first.id_number == "310115197901154483"
    assert read_payroll([SAMPLES / "s3-gbk.csv"]).files[0].encoding == "GBK/GB18030"


def test_blank_cell_is_missing_not_zero() -> None:
    rows = read_payroll([SAMPLES / "s3-gbk.csv"]).rows
    e0035 = next(r for r in rows if r.employee_id == "E0035")
    assert e0035.contract_signed_date is None
    assert e0035.housing_allowance is None


# ------------------------------------------------------------------ workbook layouts
def test_one_sheet_per_month_takes_the_year_from_the_title(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "工资.xlsx",
        [
            simple_sheet("7月", title="某某公司2025年度工资表"),
            simple_sheet("8月", title="某某公司2025年度工资表"),
            SheetSpec("说明", [["本表由财务部编制"], ["如有疑问请联系王会计"]]),
        ],
    )
    result = read_payroll([path])
    assert result.periods == ["2025-07", "2025-08"]
    sheets = {s.name: s for s in result.files[0].sheets}
    assert sheets["7月"].data_rows == 4
    assert "工作表名" in sheets["7月"].period_source
    assert "没有找到工资表的表头" in sheets["说明"].note


def test_year_less_sheet_takes_the_year_from_the_file_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "2024年工资.xlsx", [simple_sheet("十二月")])
    assert read_payroll([path]).periods == ["2024-12"]


def test_period_from_the_sheet_name_with_year(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [simple_sheet("2025.07"), simple_sheet("2025-08")])
    assert read_payroll([path]).periods == ["2025-07", "2025-08"]


def test_no_period_anywhere_is_a_sheet_note_and_override_fixes_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "工资表.xlsx", [simple_sheet("Sheet1")])
    result = read_payroll([path])
    assert result.rows == []
    assert "无法确定工资月份" in result.files[0].sheets[0].note
    fixed = read_payroll([path], period="2025-03")
    assert fixed.periods == ["2025-03"]
    assert fixed.files[0].sheets[0].period_source == "导入时指定"


def test_override_period_does_not_file_a_period_columns_months_under_one() -> None:
    # s1 holds 2025-06, 2025-07 and 2025-08 in its 月份 column: under one month every employee
    # would be a duplicate of themself, so the column keeps its months and the import says why
    result = read_payroll([SAMPLES / "s1-simple.xlsx"], period="2025-01")
    assert result.periods == ["2025-06", "2025-07", "2025-08"]
    remarks = " ".join(result.files[0].sheets[0].remarks)
    assert "2025-01（--period）" in remarks
    assert "2025-06、2025-07、2025-08" in remarks


def test_two_row_header_without_merge_information(tmp_path: Path) -> None:
    """CSV and some .xls writers lose merged ranges: group labels still carry across."""
    top = ["工号", "姓名", "应发工资", "个人缴纳", "", "", "实发工资"]
    sub = ["", "", "", "养老", "医疗", "公积金", ""]
    rows = [top, sub, ["E1", "张三", "8000", "640", "160", "560", "6640"]]
    path = write_csv(tmp_path / "2025-07.csv", rows, encoding="utf-8")
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.header_rows == [1, 2]
    by_col = {c.column: (c.header, c.field) for c in sheet.columns}
    assert by_col["D"] == ("个人缴纳/养老", PayrollField.PENSION_EMPLOYEE)
    assert by_col["E"] == ("个人缴纳/医疗", PayrollField.MEDICAL_EMPLOYEE)
    assert by_col["F"] == ("个人缴纳/公积金", PayrollField.HOUSING_FUND_EMPLOYEE)
    assert by_col["G"] == ("实发工资", PayrollField.NET_PAY)


def test_merged_group_header_in_xlsx(tmp_path: Path) -> None:
    top = ["工号", "姓名", "加班时数", None, "应发工资"]
    sub = [None, None, "平时", "周末", None]
    data = ["E1", "李四", 10, 8, 9000]
    spec = SheetSpec("2025年9月", [["2025年9月工资表"], top, sub, data],
                     merged=["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"])  # fmt: skip
    path = write_xlsx(tmp_path / "m.xlsx", [spec])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert sheet.header_rows == [2, 3]
    headers = [c.header for c in sheet.columns]
    assert headers == ["工号", "姓名", "加班时数/平时", "加班时数/周末", "应发工资"]
    row = result.rows[0]
    assert (row.ot_hours_workday, row.ot_hours_restday) == (Decimal(10), Decimal(8))


def test_hidden_and_blank_columns(tmp_path: Path) -> None:
    header = ["工号", "姓名", "", "应发工资", "身份证号", "备用"]
    rows = [header, ["E1", "王五", None, 9000, "310114199001011236", None]]
    spec = SheetSpec("2025-07", rows, hidden_columns=["E"])
    path = write_xlsx(tmp_path / "h.xlsx", [spec])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    letters = [c.column for c in sheet.columns]
    assert "C" not in letters  # a blank spacer column is ignored
    id_col = next(c for c in sheet.columns if c.column == "E")
    assert id_col.hidden is True
    assert id_col.field is PayrollField.ID_NUMBER  # hidden data still counts
    assert result.rows[0].id_number == "310114199001011236"
    spare = next(c for c in sheet.columns if c.column == "F")
    assert spare.field is None


def test_text_numbers_serial_dates_and_a_broken_cell_in_the_middle(tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(HEADER)]
    for i in range(1, 21):
        row = employee_row(i)
        row[7] = f"{row[7]:,.2f}"  # 基本工资 as text with thousands separator
        row[15] = 45879  # 发放日期 as a bare serial number = 2025-08-10
        rows.append(row)
    rows[16][11] = "待定"  # 应发工资 of the employee on sheet row 17 → L17
    path = write_xlsx(tmp_path / "t.xlsx", [SheetSpec("2025-07", rows, text_columns=[3])])
    result = read_payroll([path])
    sheet = result.files[0].sheets[0]
    assert sheet.data_rows == 20  # the row with the broken cell is still imported
    assert len(sheet.problems) == 1
    problem = sheet.problems[0]
    assert (problem.cell, problem.value, problem.field) == ("L17", "待定", PayrollField.GROSS_PAY)
    assert problem.location == "2025-07!L17"
    assert "不是有效的金额" in problem.reason
    broken = next(r for r in result.rows if r.source_row == 17)
    assert broken.gross_pay is None
    assert broken.base_pay == Decimal(employee_row(16)[7])
    assert all(r.pay_date == date(2025, 8, 10) for r in result.rows)


def test_repeated_header_rows_and_notes_are_skipped(tmp_path: Path) -> None:
    rows = [list(HEADER), employee_row(1), list(HEADER), employee_row(2),
            ["备注：加班费按实际加班时数计算"], ["制表：王会计", None, "审核：李经理"]]  # fmt: skip
    path = write_xlsx(tmp_path / "r.xlsx", [SheetSpec("2025-07", rows)])
    sheet = read_payroll([path]).files[0].sheets[0]
    assert sheet.data_rows == 2
    assert [(s.row, s.reason) for s in sheet.skipped_rows] == [
        (3, SkipReason.HEADER_REPEAT),
        (5, SkipReason.NOTE),
        (6, SkipReason.SIGNATURE),
    ]


def test_id_number_stored_as_a_number_is_a_problem(tmp_path: Path) -> None:
    row = employee_row(1)
    row[3] = 310114199001011236  # Excel keeps 15 significant digits of this
    path = write_xlsx(tmp_path / "n.xlsx", [SheetSpec("2025-07", [list(HEADER), row])])
    result = read_payroll([path])
    assert result.rows[0].id_number is None
    assert result.files[0].sheets[0].problems[0].cell == "D2"


def test_hidden_sheet_is_not_imported(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "x.xlsx",
        [simple_sheet("2025-07"), SheetSpec("2025-06", simple_sheet().rows, hidden=True)],
    )
    result = read_payroll([path])
    assert result.periods == ["2025-07"]
    assert "已隐藏" in result.files[0].sheets[1].note


def test_user_mapping_for_an_unknown_header(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "月度薪酬合计A"], ["E1", "赵六", "仓储部", 8800]]
    path = write_xlsx(tmp_path / "u.xlsx", [SheetSpec("2025-07", rows)])
    assert read_payroll([path]).rows[0].gross_pay is None
    mapping = ColumnMapping(columns={normalize_header("月度薪酬合计A"): PayrollField.GROSS_PAY})
    assert read_payroll([path], mapping=mapping).rows[0].gross_pay == Decimal(8800)


# ------------------------------------------------------------------ CSV encodings
@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [("gbk", False, "GBK/GB18030"), ("utf-8", True, "UTF-8 (BOM)"), ("utf-8", False, "UTF-8")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bool, label: str) -> None:
    rows = [["月份", *HEADER], *(["2025年7月", *employee_row(i)] for i in range(1, 4))]
    path = write_csv(tmp_path / "p.csv", rows, encoding=encoding, bom=bom)
    result = read_payroll([path])
    assert result.files[0].encoding == label
    assert [r.name for r in result.rows] == ["员工1", "员工2", "员工3"]
    assert result.rows[0].department == "生产部"


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    """Excel's "Unicode text" export: UTF-16 with BOM, tab separated."""
    text = "\n".join("\t".join(map(str, r)) for r in [HEADER, employee_row(1)])
    path = tmp_path / "2025-07.txt"
    path.write_bytes(text.encode("utf-16"))
    result = read_payroll([path])
    assert result.rows[0].employee_id == "E0001"
    assert result.rows[0].pay_date == date(2025, 8, 10)


# ------------------------------------------------------------------ files that are not payroll
def _refused(path: Path) -> str:
    with pytest.raises(AuditDeskError) as info:
        read_payroll([path])
    assert path.name in info.value.message
    return info.value.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "空的" in _refused(path)


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "照片.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert "不是电子表格" in _refused(path)


def test_pdf_renamed_to_xls(tmp_path: Path) -> None:
    path = tmp_path / "工资.xls"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert "PDF" in _refused(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [simple_sheet("2025-07")])
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "损坏" in _refused(broken)


def test_password_protected_workbook(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", [simple_sheet("2025-07")])
    locked = encrypt_xlsx(plain, tmp_path / "加密.xlsx")
    assert "密码" in _refused(locked)


def test_missing_file(tmp_path: Path) -> None:
    assert "不存在" in _refused(tmp_path / "nope.xlsx")


# ------------------------------------------------------------------ legacy .xls
@pytest.fixture(scope="module")
def legacy_xls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed (python3 dev.py test installs it)")
    folder = tmp_path_factory.mktemp("xls")
    rows: list[list[Any]] = [["上海某某有限公司2025年8月工资表"], list(HEADER)]
    rows += [employee_row(i) for i in range(1, 11)]
    rows.append(["合计", None, None, None, None, None, None, 99999])
    xlsx = write_xlsx(folder / "legacy.xlsx", [SheetSpec("8月", rows, text_columns=[3])])
    return convert_to_xls(xlsx, folder)


def test_legacy_xls(legacy_xls: Path) -> None:
    result = read_payroll([legacy_xls])
    assert result.files[0].format == "xls"
    sheet = result.files[0].sheets[0]
    assert sheet.data_rows == 10
    assert sheet.skipped_rows[-1].reason is SkipReason.TOTAL
    assert result.periods == ["2025-08"]
    first = result.rows[0]
    assert first.employee_id == "E0001"
    assert first.hire_date == date(2020, 3, 2)
    assert first.base_pay == Decimal(6500)
    assert first.id_number == employee_row(1)[3]


def _summary(result: ImportResult) -> list[tuple[str, int]]:
    return [(s.name, s.data_rows) for f in result.files for s in f.sheets]


def test_several_files_in_one_import(tmp_path: Path) -> None:
    a = write_xlsx(tmp_path / "a.xlsx", [simple_sheet("2025-07")])
    b = write_csv(tmp_path / "2025-08.csv", [HEADER, employee_row(9)], encoding="gbk")
    result = read_payroll([a, b])
    assert _summary(result) == [("2025-07", 4), ("2025-08", 1)]
    assert result.periods == ["2025-07", "2025-08"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_fast_built_rows_equal_validated_rows(name: str) -> None:
    """The importer builds rows without pydantic validation; they must be what validation gives."""
    from auditdesk.models.payroll import PayrollRow

    for row in read_payroll([SAMPLES / name]).rows:
        validated = PayrollRow.model_validate(row.model_dump())
        assert validated == row
        assert row.model_copy(update={"name": "改"}).name == "改"
        assert row.name != "改"


def test_whole_cent_and_finer_amounts(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["工号", "姓名", "部门", "基本工资", "岗位工资"]]
    rows += [[f"E{i}", f"员工{i}", "甲", 5000 + i + 0.01 * i, 0.125 + i] for i in range(200)]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("Sheet1", rows)])
    result = read_payroll([path])
    assert result.rows[7].base_pay == Decimal("5007.07")
    assert result.rows[7].position_pay == Decimal("7.125")  # finer than a cent is kept


def test_rows_built_in_batches_are_the_rows_in_sheet_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the rows are built a batch at a time from the end, cutting the typed columns as they go
    # (issue 15, memory): batches that split skipped and hidden rows change nothing
    from auditdesk.payroll import importer

    rows = [list(HEADER), *(employee_row(i) for i in range(1, 6)), list(HEADER),
            *(employee_row(i) for i in range(6, 12)), ["备注：加班费按实际加班时数计算"]]  # fmt: skip
    spec = SheetSpec("2025-07", rows, hidden_rows=[3, 9])
    path = write_xlsx(tmp_path / "b.xlsx", [spec])
    whole = read_payroll([path])
    monkeypatch.setattr(importer, "_ROW_BATCH", 2)
    batched = read_payroll([path])
    assert [r.source_row for r in batched.rows] == [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]
    assert [r.source_row for r in batched.rows if r.hidden] == [3, 9]
    assert [r.employee_id for r in batched.rows] == [f"E{i:04d}" for i in range(1, 12)]
    assert [r.model_dump() for r in batched.rows] == [r.model_dump() for r in whole.rows]
    assert batched.files == whole.files
