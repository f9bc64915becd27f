"""Hostile and broken spreadsheets: each is refused with a message naming the file, or read safely.

A refusal must come before anything large is allocated: calamine builds a dense grid and aborts the
whole process (not an exception) when that grid does not fit in memory.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.payroll.importer import read_payroll
from tests.builders.payroll_files import simple_sheet, write_xlsx

Edit = Callable[[str, bytes], bytes]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "good.xlsx", [simple_sheet("2025-07")])


def _rewrite(src: Path, dst: Path, edit: Edit, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _in_sheet(edit: Callable[[bytes], bytes]) -> Edit:
    return lambda name, data: edit(data) if name.startswith("xl/worksheets/sheet") else data


def _refused(path: Path) -> str:
    with pytest.raises(AuditDeskError) as info:
        read_payroll([path])
    assert info.value.message.startswith(f"{path.name}：")
    return info.value.message


def _rows(path: Path) -> list[dict[str, object]]:
    return [r.model_dump(exclude={"source_file"}, mode="json") for r in read_payroll([path]).rows]


def test_stray_value_at_the_last_cell_is_refused_before_reading(good: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(good)
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "远处.xlsx")
    message = _refused(tmp_path / "远处.xlsx")
    assert "工作表「2025-07」" in message
    assert "1048576 行 × 16384 列" in message


def test_far_cell_without_a_value_is_harmless(good: Path, tmp_path: Path) -> None:
    # Excel writes a formatted-but-empty cell self-closed; calamine does not extend the grid for it
    far = _rewrite(
        good,
        tmp_path / "格式.xlsx",
        _in_sheet(
            lambda x: x.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
            )
        ),
    )
    assert _rows(far) == _rows(good)


def test_enormous_declared_dimension_is_ignored(good: Path, tmp_path: Path) -> None:
    declared = _rewrite(
        good,
        tmp_path / "声明.xlsx",
        _in_sheet(
            lambda x: re.sub(
                rb"<dimension ref=\"[^\"]+\"/>", b'<dimension ref="A1:XFD1048576"/>', x
            )
        ),
    )
    assert b"XFD1048576" in zipfile.ZipFile(declared).read("xl/worksheets/sheet1.xml")
    assert _rows(declared) == _rows(good)


def test_wide_but_honest_sheet_is_read(tmp_path: Path) -> None:
    # 300 columns by 20 rows: beyond the cheap pre-check, well inside the cell limit
    sheet = simple_sheet("2025-07")
    sheet.rows[1] = [*sheet.rows[1], *([None] * 283), "备注"]
    path = write_xlsx(tmp_path / "宽表.xlsx", [sheet])
    assert len(read_payroll([path]).rows) == 4


def test_zip_bomb_member_is_refused(good: Path, tmp_path: Path) -> None:
    bomb = _rewrite(
        good, tmp_path / "炸弹.xlsx", lambda _n, d: d, {"xl/media/pad.bin": bytes(60 << 20)}
    )
    message = _refused(bomb)
    assert "xl/media/pad.bin" in message
    assert "压缩比异常" in message


def test_declared_unpacked_size_over_the_cap_is_refused(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditdesk.payroll import readers

    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 2 << 20)
    padded = _rewrite(
        good, tmp_path / "超大.xlsx", lambda _n, d: d, {"xl/media/a.bin": bytes(3 << 20)}
    )
    assert "解压后将达 3 MB" in _refused(padded)


def test_malformed_sheet_xml(good: Path, tmp_path: Path) -> None:
    broken = _rewrite(good, tmp_path / "坏XML.xlsx", _in_sheet(lambda x: x[: len(x) // 2]))
    assert "文件内容已损坏" in _refused(broken)


def test_workbook_xml_that_is_not_xml(good: Path, tmp_path: Path) -> None:
    broken = _rewrite(
        good,
        tmp_path / "坏目录.xlsx",
        lambda n, d: b"<workbook><sheets><sheet name=" if n == "xl/workbook.xml" else d,
    )
    assert "损坏" in _refused(broken)


def test_formula_with_external_link_reads_the_cached_value(good: Path, tmp_path: Path) -> None:
    linked = _rewrite(
        good,
        tmp_path / "外部链接.xlsx",
        _in_sheet(lambda x: re.sub(rb'(<c r="H3"[^>]*>)<v>', rb"\1<f>[1]Sheet1!$A$1</f><v>", x)),
        {
            "xl/externalLinks/externalLink1.xml": (
                b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<externalBook><sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook>'
                b"</externalLink>"
            ),
            "xl/externalLinks/_rels/externalLink1.xml.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/externalLinkPath" Target="http://127.0.0.1:9/steal.xlsx" '
                b'TargetMode="External"/></Relationships>'
            ),
        },
    )
    assert b"<f>[1]Sheet1!$A$1</f>" in zipfile.ZipFile(linked).read("xl/worksheets/sheet1.xml")
    assert _rows(linked) == _rows(good)


def test_macro_enabled_workbook_reads_data_and_runs_nothing(good: Path, tmp_path: Path) -> None:
    def macro_types(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        return data

    xlsm = _rewrite(
        good,
        tmp_path / "宏.xlsm",
        macro_types,
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(500)},
    )
    assert b"macroEnabled" in zipfile.ZipFile(xlsm).read("[Content_Types].xml")
    assert _rows(xlsm) == _rows(good)


def _far_value(xml: bytes) -> bytes:
    return xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )


def test_far_cell_is_found_however_the_scan_cuts_the_xml(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the extent check shares its one pass with the hidden-row scan: cut tags everywhere
    from auditdesk.payroll import readers

    far = _rewrite(good, tmp_path / "分块远处.xlsx", _in_sheet(_far_value))
    for size in (1, 2, 3, 5, 7, 97, 4099):
        monkeypatch.setattr(readers, "_CHUNK", size)
        assert "1048576 行 × 16384 列" in _refused(far)
        # no cell end within the carry limit: the piece is cut anywhere, even inside a tag
        for carry in (0, 5, 11):
            monkeypatch.setattr(readers, "_MAX_CARRY", carry)
            assert "1048576 行 × 16384 列" in _refused(far)
        monkeypatch.undo()


def test_far_cell_is_found_when_rows_omit_their_references(good: Path, tmp_path: Path) -> None:
    # a hidden row without ``r`` sends the flags to the positional parser: the check still runs
    def hidden_row_without_ref(xml: bytes) -> bytes:
        xml = re.sub(rb'<row r="3"', b'<row hidden="1"', xml, count=1)
        return _far_value(xml)

    far = _rewrite(good, tmp_path / "无引用远处.xlsx", _in_sheet(hidden_row_without_ref))
    assert b'<row hidden="1"' in zipfile.ZipFile(far).read("xl/worksheets/sheet1.xml")
    assert "1048576 行 × 16384 列" in _refused(far)
