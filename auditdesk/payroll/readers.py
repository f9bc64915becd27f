"""Read .xlsx/.xlsm/.xls (python-calamine) and CSV (GBK/GB18030, UTF-8 with or without BOM, UTF-16).

The format is decided from the file's bytes, not its extension: companies rename files freely, and
old payroll systems write HTML or CSV with an .xls name. Nothing in a workbook is ever evaluated:
formulas are read as their cached values and macros are ignored.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine as calamine

from auditdesk.archive import sha256_file
from auditdesk.errors import AuditDeskError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
"""What inflating a damaged (or unsupported) zip member raises."""
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""What a workbook's zip may expand to: a real 100,000-row payroll is under 100 MB unpacked."""
MAX_RATIO = 200
MAX_CELLS = 21_000_000
"""A sheet's data range, rows × columns, that is read at all (99,999 rows × 208 columns fits)."""


@dataclass
class RawSheet:
    """A sheet's cells from A1, as the reader returns them (empty cells are ``""``)."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_columns: frozenset[int] = frozenset()
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()
    uncached_formulas: frozenset[tuple[int, int]] = frozenset()


@dataclass
class RawWorkbook:
    path: Path
    format: str
    sha256: str
    sheets: list[RawSheet]
    encoding: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def _fail(path: Path, message: str) -> AuditDeskError:
    return AuditDeskError(f"{path.name}：{message}", location=str(path))


def sniff(path: Path, head: bytes) -> str:
    """``xlsx``, ``xls``, ``ods`` or ``csv`` from the first bytes; raises for anything else."""
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (OSError, ValueError, *_DAMAGED_ZIP) as exc:
            raise _fail(path, "文件已损坏（压缩结构不完整），无法读取。") from exc
        _check_unpacked_size(path)
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        if "word/document.xml" in names:
            raise _fail(path, "这是 Word 文档，不是工资表。")
        raise _fail(path, "这是一个压缩包，不是 Excel 工作簿。")
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in _ole_directory_bytes(path):
            raise _fail(
                path,
                "工作簿设有打开密码，无法读取。请在 Excel 或 WPS 中打开，"
                "取消密码后另存为新文件再导入。",
            )
        return "xls"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise _fail(
            path,
            "这是网页（HTML/XML）格式的“伪 Excel”文件。请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。",
        )
    if head.startswith(b"%PDF"):
        raise _fail(path, "这是 PDF 文件，不是电子表格。请向企业索取 Excel 或 CSV 格式的工资表。")
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "csv"
    if b"\x00" in head:
        raise _fail(path, "不是电子表格（既不是 Excel 工作簿，也不是 CSV 文本）。")
    return "csv"


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip bomb before any XML is parsed: the sizes the zip declares are checked, and
    a member far more compressed than spreadsheets ever are is refused too."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    suspicious = [i for i in infos if i.compress_size and i.file_size / i.compress_size > MAX_RATIO
                  and i.file_size > 50 * 1024 * 1024]  # fmt: skip
    if suspicious:
        member = suspicious[0]
        raise _fail(
            path,
            f"其中「{member.filename}」的压缩比异常（{member.compress_size // 1024} KB 解压后达 "
            f"{member.file_size // 1024 // 1024} MB），可能是恶意构造的“压缩炸弹”，已拒绝读取。",
        )
    if total > MAX_UNPACKED_BYTES:
        raise _fail(
            path,
            f"文件解压后将达 {total // 1024 // 1024} MB，远超正常工资表，可能是恶意构造的文件，已拒绝读取。",
        )


def _ole_directory_bytes(path: Path) -> bytes:
    # The stream names of an OLE file live in its directory sectors; scanning the first MiB
    # finds them in every encrypted workbook Excel and WPS write, without an OLE parser.
    with path.open("rb") as fh:
        return fh.read(1024 * 1024)


def read_workbook(path: Path) -> RawWorkbook:
    """Read every sheet of ``path``. Raises :class:`AuditDeskError` with a Chinese message naming
    the file when it cannot be read at all."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError as exc:
        raise _fail(path, "文件不存在。") from exc
    except OSError as exc:
        raise _fail(path, f"无法打开文件（{exc.strerror or exc}）。") from exc
    if size == 0:
        raise _fail(path, "文件是空的（0 字节）。")
    if size > MAX_FILE_BYTES:
        raise _fail(path, f"文件过大（{size // 1024 // 1024} MB），超过 200 MB 的上限。")
    digest = sha256_file(path)
    fmt = sniff(path, head)
    if fmt == "csv":
        text, encoding = decode_text(path)
        return RawWorkbook(path, "csv", digest, [_csv_sheet(path, text)], encoding)
    return RawWorkbook(path, fmt, digest, _read_calamine(path, fmt))


def _read_calamine(path: Path, fmt: str) -> list[RawSheet]:
    if fmt == "xlsx":
        _xlsx_check_extents(path)
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise _fail(path, "工作簿设有密码，无法读取。请取消密码后另存为新文件再导入。") from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, OSError) as exc:
        raise _fail(path, f"文件已损坏或格式不受支持，无法读取（{exc}）。") from exc
    hidden_cols = _xlsx_hidden_columns(path) if fmt == "xlsx" else {}
    sheets: list[RawSheet] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets and dialog sheets carry no cells
            sheet = wb.get_sheet_by_name(meta.name)
            # rows are read from A1; .xls and .ods are only checked here, after calamine read them
            # (their formats cap a sheet at 65,536 × 256 and repeat empty cells compactly)
            start_row, start_col = sheet.start or (0, 0)
            height, width = sheet.height + start_row, sheet.width + start_col
            if height * width > MAX_CELLS:
                raise _fail(path, f"工作表「{meta.name}」的数据范围过大（{height} 行 × {width} 列），可能含有远处的零散"
                                  "单元格或是恶意文件；请删除多余的行列后另存再导入。")  # fmt: skip
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
            sheets.append(
                RawSheet(
                    name=meta.name,
                    rows=rows,
                    merged=merged,
                    hidden_columns=frozenset(hidden_cols.get(meta.name, ())),
                    hidden=meta.visible != calamine.SheetVisibleEnum.Visible,
                )
            )
    except calamine.PasswordError as exc:
        raise _fail(path, "工作簿设有密码，无法读取。请取消密码后另存为新文件再导入。") from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError) as exc:
        raise _fail(path, f"文件内容已损坏，无法读取（{exc}）。") from exc
    finally:
        wb.close()
    return sheets


def _xlsx_sheet_members(zf: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, zip member of its XML) for every sheet the workbook lists."""
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if target:
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            yield sheet.get("name", ""), member


def _xlsx_hidden_columns(path: Path) -> dict[str, set[int]]:
    """Hidden column indexes (0-based) per sheet, from each sheet's ``<cols>`` element.

    Only the part of the sheet XML before ``<sheetData>`` is parsed, so this stays cheap on
    large sheets. Any trouble here only loses the "hidden" flag, never the import.
    """
    result: dict[str, set[int]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, member in _xlsx_sheet_members(zf):
                hidden = _hidden_in_sheet(zf, member)
                if hidden:
                    result[name] = hidden
    except (KeyError, ElementTree.ParseError, OSError, ValueError, *_DAMAGED_ZIP):
        return {}
    return result


# A cell that holds something (not self-closed): calamine makes a dense grid from A1 to the last
# such cell, so one stray value at XFD1048576 would ask for hundreds of GB and abort the process.
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
# Any cell reference beyond column GZ (208) or row 99,999: absent in almost every payroll, and
# cheap to look for; only when one is present is the sheet scanned exactly.
_FAR_CELL = re.compile(rb' r="(?:[A-Z]{3}|[H-Z][A-Z]|[A-Z]{1,2}[0-9]{6})')


def _xlsx_check_extents(path: Path) -> None:
    """Refuse a sheet whose cells span more than :data:`MAX_CELLS` before calamine allocates it.

    A streaming scan of the sheet XML for cell references; nothing is parsed into a tree.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for name, member in _xlsx_sheet_members(zf):
                if not _has_far_cell(zf, member):
                    continue
                rows, cols = _extent_of(zf, member)
                if rows * cols > MAX_CELLS:
                    raise _fail(
                        path,
                        f"工作表「{name}」的数据范围过大（{rows} 行 × {cols} 列），可能含有远处的"
                        "零散单元格或是恶意构造的文件；请删除多余的行列后另存再导入。",
                    )
    except _DAMAGED_ZIP as exc:
        raise _fail(path, f"文件已损坏（{exc}），无法读取。") from exc
    except (KeyError, ElementTree.ParseError, OSError, ValueError):
        return  # calamine reports a broken workbook with its own message


def _has_far_cell(zf: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            if _FAR_CELL.search(tail + chunk[:16]) or _FAR_CELL.search(chunk):
                return True
            tail = chunk[-16:]
    return False


def _extent_of(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    max_row = max_col = 0
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 22):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            tail, buf = buf[cut:], buf[:cut]
            for match in _VALUE_CELL.finditer(buf):
                max_row = max(max_row, int(match[2]))
                max_col = max(max_col, _column_number(match[1]))
            if (
                len(tail) > 1 << 20
            ):  # no tag start for a MiB: not a sheet we can scan, let calamine judge
                tail = b""
        for match in _VALUE_CELL.finditer(tail):
            max_row = max(max_row, int(match[2]))
            max_col = max(max_col, _column_number(match[1]))
    return max_row, max_col


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _hidden_in_sheet(zf: zipfile.ZipFile, member: str) -> set[int]:
    hidden: set[int] = set()
    with zf.open(member) as fh:
        for _event, elem in ElementTree.iterparse(fh, events=("start",)):
            if elem.tag == f"{_NS_MAIN}sheetData":
                break
            if elem.tag == f"{_NS_MAIN}col" and elem.get("hidden") in ("1", "true"):
                lo, hi = int(elem.get("min", "0")), int(elem.get("max", "0"))
                hidden.update(range(lo - 1, min(hi, 16384)))
    return hidden


# ------------------------------------------------------------------ CSV
def decode_text(path: Path) -> tuple[str, str]:
    """Decode a text export: UTF-16 or UTF-8 by BOM, then strict UTF-8, then GB18030 (a superset of
    GBK and GB2312, which is what Chinese Windows and payroll systems write)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise _fail(
            path,
            f"无法识别文件的文字编码（第 {exc.start} 字节附近），请另存为 UTF-8 或 GBK 编码的 CSV。",
        ) from exc


def _csv_sheet(path: Path, text: str) -> RawSheet:
    lines = [ln for ln in text[:20000].splitlines() if ln.strip()][:20]
    # The delimiter is the mark that splits most of the first lines into the most fields;
    # csv.Sniffer is easily fooled by commas inside quoted amounts such as "￥13,600.00".
    delimiter = max(
        ",\t;|",
        key=lambda d: (
            sorted(len(next(csv.reader([ln], delimiter=d))) for ln in lines)[len(lines) // 2]
            if lines
            else 0
        ),
    )
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise _fail(path, f"CSV 格式有误，无法读取（{exc}）。") from exc
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return RawSheet(name=path.stem, rows=rows)
