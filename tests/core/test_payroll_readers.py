"""The reader: format from the bytes whatever the name, hidden rows, formulas with no saved result."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.payroll.importer import read_payroll
from auditdesk.payroll.readers import RawSheet, read_workbook
from tests.builders.payroll_files import (
    HEADER,
    SheetSpec,
    cache_formula_result,
    convert_to_xls,
    employee_row,
    rewrite_xlsx,
    simple_sheet,
    soffice,
    write_csv,
    write_xlsx,
)


def _only_sheet(path: Path) -> RawSheet:
    workbook = read_workbook(path)
    assert len(workbook.sheets) == 1
    return workbook.sheets[0]


# ------------------------------------------------------------------ format from the bytes
@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    spec = simple_sheet("2025-07", n=3)
    spec.hidden_columns = ["C"]
    return write_xlsx(tmp_path / "source.xlsx", [spec])


@pytest.mark.parametrize(
    "name", ["工资.xls", "工资.et", "工资.ett", "工资.xlt", "工资.txt", "工资", "工资.XLS"]
)
def test_xlsx_bytes_under_any_name(xlsx: Path, tmp_path: Path, name: str) -> None:
    renamed = tmp_path / name
    shutil.copyfile(xlsx, renamed)
    workbook = read_workbook(renamed)
    assert workbook.format == "xlsx"
    assert workbook.sheets[0].rows == read_workbook(xlsx).sheets[0].rows
    assert workbook.sheets[0].rows[1][:2] == ["E0001", "员工1"]
    assert workbook.sheets[0].hidden_columns == {2}


def test_far_cell_is_refused_in_an_xlsx_with_an_xls_name(xlsx: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(xlsx)
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "远处.xlsx")
    renamed = tmp_path / "远处.xls"
    (tmp_path / "远处.xlsx").rename(renamed)
    with pytest.raises(AuditDeskError) as info:
        read_workbook(renamed)
    assert "1048576 行 × 16384 列" in info.value.message


def test_broken_xlsx_with_an_xls_name_is_refused_with_a_message(xlsx: Path, tmp_path: Path) -> None:
    broken = tmp_path / "坏.xls"
    data = xlsx.read_bytes()
    broken.write_bytes(data[:30] + bytes(len(data) - 30))  # the zip signature, then nothing
    with pytest.raises(AuditDeskError) as info:
        read_workbook(broken)
    assert info.value.message.startswith("坏.xls：")


@pytest.fixture(scope="module")
def legacy_xls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed (python3 dev.py test installs it)")
    folder = tmp_path_factory.mktemp("xls")
    rows: list[list[Any]] = [list(HEADER)] + [employee_row(i) for i in range(1, 4)]
    xlsx = write_xlsx(folder / "legacy.xlsx", [SheetSpec("8月", rows, text_columns=[3])])
    return convert_to_xls(xlsx, folder)


@pytest.mark.parametrize("name", ["旧.xlsx", "旧.xls", "旧.et", "旧.xlsm", "旧.txt"])
def test_legacy_xls_under_any_name(legacy_xls: Path, tmp_path: Path, name: str) -> None:
    renamed = tmp_path / name
    shutil.copyfile(legacy_xls, renamed)
    workbook = read_workbook(renamed)
    assert workbook.format == "xls"
    sheet = workbook.sheets[0]
    assert sheet.rows[0][:2] == ["工号", "姓名"]
    assert [r[0] for r in sheet.rows[1:]] == ["E0001", "E0002", "E0003"]
    assert sheet.rows[1][3] == employee_row(1)[3]
    assert sheet.hidden_rows == frozenset()  # .xls rows are never flagged (see RawSheet)
    assert sheet.uncached_formulas == frozenset()


# ------------------------------------------------------------------ hidden rows
def test_hidden_row_is_flagged(tmp_path: Path) -> None:
    spec = simple_sheet("2025-07", n=4)
    spec.hidden_rows = [3]  # Excel's row 3: the second employee
    sheet = _only_sheet(write_xlsx(tmp_path / "隐藏行.xlsx", [spec]))
    assert sheet.hidden_rows == {2}
    assert sheet.rows[2][0] == "E0002"
    assert sheet.uncached_formulas == frozenset()


def test_hidden_rows_in_every_spelling(tmp_path: Path) -> None:
    spec = simple_sheet("2025-07", n=6)
    spec.hidden_rows = [2, 4, 6]
    plain = write_xlsx(tmp_path / "plain.xlsx", [spec])

    def spell(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="4" hidden="1"', b"<row r='4' hidden = 'true'")
        return xml.replace(b'<row r="6" hidden="1"', b'<row r="6" customHeight="1" hidden="true"')

    sheet = _only_sheet(rewrite_xlsx(plain, tmp_path / "拼写.xlsx", spell))
    assert sheet.hidden_rows == {1, 3, 5}


def test_hidden_empty_rows_beyond_the_data_are_not_listed(tmp_path: Path) -> None:
    spec = simple_sheet("2025-07", n=2)
    spec.hidden_rows = [2, 50, 5000]
    sheet = _only_sheet(write_xlsx(tmp_path / "空行.xlsx", [spec]))
    assert sheet.hidden_rows == {1}


def test_hidden_rows_of_each_sheet(tmp_path: Path) -> None:
    a, b = simple_sheet("一部", n=3), simple_sheet("二部", n=3)
    b.hidden_rows = [4]
    workbook = read_workbook(write_xlsx(tmp_path / "两表.xlsx", [a, b]))
    assert [s.hidden_rows for s in workbook.sheets] == [frozenset(), {3}]


def test_hidden_row_in_an_xlsx_named_xls(tmp_path: Path) -> None:
    spec = simple_sheet("2025-07", n=3)
    spec.hidden_rows = [3]
    path = write_xlsx(tmp_path / "x.xlsx", [spec])
    renamed = path.rename(tmp_path / "x.xls")
    assert _only_sheet(renamed).hidden_rows == {2}


# ------------------------------------------------------------------ formulas with no result
def _formula_sheet(n: int = 3) -> SheetSpec:
    rows: list[list[Any]] = [["工号", "姓名", "基本工资", "加班费", "应发工资"]]
    for i in range(1, n + 1):
        rows.append([f"E{i:03d}", f"员工{i}", 2000 * i, 300, f"=C{i + 1}+D{i + 1}"])
    return SheetSpec("2025-07", rows)


def test_formula_without_saved_result_is_listed(tmp_path: Path) -> None:
    sheet = _only_sheet(write_xlsx(tmp_path / "公式.xlsx", [_formula_sheet()]))
    assert sheet.uncached_formulas == {(1, 4), (2, 4), (3, 4)}
    assert sheet.rows[1][4] == ""  # what calamine gives: the value is lost, not blank
    assert sheet.hidden_rows == frozenset()


def test_formula_with_a_saved_result_is_not_listed(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", [_formula_sheet()])
    saved = rewrite_xlsx(plain, tmp_path / "已计算.xlsx", cache_formula_result("E2", "2300"))
    sheet = _only_sheet(saved)
    assert sheet.rows[1][4] == 2300
    assert sheet.uncached_formulas == {(2, 4), (3, 4)}


def test_formula_forms_without_a_result(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", [_formula_sheet(5)])

    def forms(xml: bytes) -> bytes:
        xml = xml.replace(b"<f>C2+D2</f><v></v>", b"<f>C2+D2</f>")  # no <v> at all
        xml = xml.replace(b"<f>C3+D3</f><v></v>", b"<f>C3+D3</f><v/>")  # self-closed
        xml = xml.replace(  # shared formula: the master and a follower
            b"<f>C4+D4</f><v></v>", b'<f t="shared" ref="E4:E5" si="0">C4+D4</f>'
        )
        xml = xml.replace(b"<f>C5+D5</f><v></v>", b'<f t="shared" si="0"/>')
        return xml.replace(b"<f>C6+D6</f><v></v>", b"<f>C6+D6</f><v>10300</v>")  # cached

    sheet = _only_sheet(rewrite_xlsx(plain, tmp_path / "形式.xlsx", forms))
    assert sheet.uncached_formulas == {(1, 4), (2, 4), (3, 4), (4, 4)}
    assert sheet.rows[5][4] == 10300


def test_text_formula_whose_saved_result_is_empty_is_not_listed(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", [_formula_sheet(1)])

    def empty_text(xml: bytes) -> bytes:
        return re.sub(rb'<c r="E2"[^>]*>', b'<c r="E2" t="str">', xml)  # =IF(...,"") as Excel saves

    assert _only_sheet(
        rewrite_xlsx(plain, tmp_path / "空串.xlsx", empty_text)
    ).uncached_formulas == (frozenset())


def test_cells_without_references_are_counted(tmp_path: Path) -> None:
    # r is optional in SpreadsheetML; a few generators leave it out
    spec = _formula_sheet(3)
    spec.hidden_rows = [3]
    plain = write_xlsx(tmp_path / "plain.xlsx", [spec])

    def no_refs(xml: bytes) -> bytes:
        xml = re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)
        return re.sub(rb'(<row) r="[0-9]+"', rb"\1", xml)

    edited = rewrite_xlsx(plain, tmp_path / "无引用.xlsx", no_refs)
    with zipfile.ZipFile(edited) as zf:
        assert b' r="' not in zf.read("xl/worksheets/sheet1.xml")
    sheet = _only_sheet(edited)
    assert sheet.hidden_rows == {2}
    assert sheet.uncached_formulas == {(1, 4), (2, 4), (3, 4)}


def test_prefixed_sheet_xml(tmp_path: Path) -> None:
    # some .NET generators write every tag with a namespace prefix
    spec = _formula_sheet(2)
    spec.hidden_rows = [2]
    plain = write_xlsx(tmp_path / "plain.xlsx", [spec])

    def prefixed(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)(\w+)([\s>/])", rb"<\1x:\2\3", xml)
        return xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")

    sheet = _only_sheet(rewrite_xlsx(plain, tmp_path / "前缀.xlsx", prefixed))
    assert sheet.rows[1][0] == "E001"
    assert sheet.hidden_rows == {1}
    assert sheet.uncached_formulas == {(1, 4), (2, 4)}


def test_flags_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditdesk.payroll import readers

    monkeypatch.setattr(readers, "_CHUNK", 97)  # cut tags and cells everywhere
    spec = _formula_sheet(40)
    spec.hidden_rows = [5, 17, 41]
    sheet = _only_sheet(write_xlsx(tmp_path / "分块.xlsx", [spec]))
    assert sheet.hidden_rows == {4, 16, 40}
    assert sheet.uncached_formulas == {(r, 4) for r in range(1, 41)}


def test_csv_has_no_flags(tmp_path: Path) -> None:
    path = tmp_path / "工资.csv"
    path.write_text("工号,姓名\nE1,张三\n", encoding="utf-8")
    sheet = _only_sheet(path)
    assert sheet.hidden_rows == frozenset()
    assert sheet.uncached_formulas == frozenset()


# ------------------------------------------------------------------ CSV wrappers
def _csv_with_wrapped_ids(path: Path, encoding: str) -> Path:
    rows = [
        ["工号", "姓名", "身份证号", "基本工资", "应发工资", "实发工资"],
        ['="00123"', "王小明", '="310115199001011232"', "8000", "8000", "7200"],
        ["E002", "李晓红", "\t310115199202021242", "7000", "7000", "6300"],
        ["E003", "赵大力", "3.10115E+17", "6000", "6000", "5400"],
        ["=A1+B1", "钱多多", " '310115198001011238", "6000", "6000", "5400"],
    ]
    return write_csv(path, rows, encoding=encoding)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-16"])
def test_csv_force_text_wrapper_is_unwrapped(tmp_path: Path, encoding: str) -> None:
    path = _csv_with_wrapped_ids(tmp_path / f"工资-2025-07-{encoding}.csv", encoding)
    rows = _only_sheet(path).rows
    assert rows[1][0] == "00123"
    assert rows[1][2] == "310115199001011232"
    assert rows[4][0] == "=A1+B1"  # not the wrapper: kept


def test_csv_ids_import_clean_and_scientific_notation_is_a_problem(tmp_path: Path) -> None:
    path = _csv_with_wrapped_ids(tmp_path / "工资2025-07.csv", "gbk")
    result = read_payroll([path])
    assert [(r.employee_id, r.id_number) for r in result.rows] == [
        ("00123", "310115199001011232"),
        ("E002", "310115199202021242"),
        ("E003", None),
        ("=A1+B1", "310115198001011238"),
    ]
    problems = result.files[0].sheets[0].problems
    assert [(p.cell, p.value) for p in problems] == [("C4", "3.10115E+17")]
    assert "科学计数法" in problems[0].reason


def test_flag_scan_reads_the_sheet_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The flags are found in a thread while calamine holds the whole sheet in memory: the scan
    # must stream the XML in small pieces, never read the member whole (issue 15).
    from auditdesk.payroll import readers

    seen: list[int] = []
    flag_chunk = readers._flag_chunk

    def recording(buf: bytes, pats: Any, flags: Any) -> bool:
        seen.append(len(buf))
        return flag_chunk(buf, pats, flags)

    monkeypatch.setattr(readers, "_flag_chunk", recording)
    monkeypatch.setattr(readers, "_FLAG_CHUNK", 256)
    spec = _formula_sheet(60)
    spec.hidden_rows = [3, 30, 61]
    path = write_xlsx(tmp_path / "分片.xlsx", [spec])
    sheet = _only_sheet(path)
    assert sheet.hidden_rows == {2, 29, 60}
    assert sheet.uncached_formulas == {(r, 4) for r in range(1, 61)}
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    assert len(seen) > 5
    assert max(seen) < 1024 < size  # a piece and the cell it cut, not the whole sheet


def test_flag_scan_errors_reach_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the thread's exception is raised by the reader, with the file named, and no thread is left
    import threading
    import zlib

    from auditdesk.payroll import readers

    def damaged(*_args: Any) -> Any:
        raise zlib.error("invalid stored block lengths")

    monkeypatch.setattr(readers, "_flags_in_sheet", damaged)
    path = write_xlsx(tmp_path / "损坏.xlsx", [_formula_sheet(3)])
    with pytest.raises(AuditDeskError, match=r"损坏\.xlsx.*文件已损坏"):
        read_workbook(path)
    assert not [t for t in threading.enumerate() if t.name.startswith("auditdesk-xlsx")]


def test_reader_works_where_no_thread_can_be_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a process at its thread or memory limit: the scans run in turn, with the same answers
    import threading

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    spec = _formula_sheet(40)
    spec.hidden_rows = [5, 17]
    path = write_xlsx(tmp_path / "无线程.xlsx", [spec])
    monkeypatch.setattr(threading.Thread, "start", refuse)
    sheet = _only_sheet(path)
    assert sheet.rows[1][0] == "E001"
    assert sheet.hidden_rows == {4, 16}
    assert sheet.uncached_formulas == {(r, 4) for r in range(1, 41)}
