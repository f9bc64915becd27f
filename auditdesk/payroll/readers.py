"""Read .xlsx/.xlsm/.xls/.ods (python-calamine) and CSV (GBK/GB18030, UTF-8 with or without BOM,
UTF-16).

The format is decided from the file's bytes, not its extension: companies rename files freely (an
.xlsx saved as .xls, a BIFF .xls renamed .xlsx, WPS .et/.ett), and old payroll systems write HTML or
CSV with an .xls name. Nothing in a workbook is ever evaluated: formulas are read as their cached
values (a formula saved without one is listed in :attr:`RawSheet.uncached_formulas`) and macros are
ignored.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import python_calamine as calamine

from auditdesk.archive import sha256_file
from auditdesk.errors import AuditDeskError
from auditdesk.payroll.values import unwrap_excel_text

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
    """A sheet's cells from A1, as the reader returns them (empty cells are ``""``).

    Row and column indexes are 0-based, as in ``rows`` (``rows[2][4]`` is cell E3).

    - ``hidden_columns``: columns hidden in the workbook (.xlsx only).
    - ``hidden_rows``: rows hidden in the workbook (``<row hidden="1">``), limited to the rows in
      ``rows``. Only .xlsx/.xlsm files carry them; for .xls and .ods it is always empty, because
      python-calamine does not expose row visibility for those formats; CSV has no hidden rows.
    - ``uncached_formulas``: ``(row, col)`` of cells that hold a formula but no saved result
      (``<f>`` with no ``<v>``, or an empty one), as scripts write workbooks that were never
      opened and saved in Excel/WPS. calamine reads such a cell as ``""``, so its value is lost,
      not blank. .xlsx only; a cell may lie beyond the width of ``rows`` when it is the last one
      of its row and calamine trimmed the empty column.
    """

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


# The extensions from which calamine's ``from_path`` picks each of its readers.
_CALAMINE_SUFFIXES = {
    "xls": (".xls", ".xla"),
    "xlsx": (".xlsx", ".xlsm", ".xlam"),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
}


def _open_calamine(path: Path, fmt: str) -> calamine.CalamineWorkbook:
    """Open ``path`` (whose bytes :func:`sniff` found to be ``fmt``) with the reader its bytes need.

    calamine's ``from_path`` picks its reader from the extension, so it is used only when the name
    agrees with the bytes (it then streams the file from disk and reports passwords precisely).
    Any other name (an .xlsx saved as .xls, a BIFF .xls renamed .xlsx, WPS .et/.ett, .xlt, .txt,
    none) is handed to ``from_filelike``, which recognises the format from the bytes. Nothing is
    copied to disk. Raises calamine's own errors; the caller words them.
    """
    reader = "xlsb" if fmt == "xlsx" and _is_xlsb(path) else fmt
    if path.suffix.lower() in _CALAMINE_SUFFIXES.get(reader, ()):
        return calamine.CalamineWorkbook.from_path(str(path))
    with path.open("rb") as fh:
        return calamine.CalamineWorkbook.from_filelike(fh)


def _is_xlsb(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (OSError, ValueError, *_DAMAGED_ZIP):
        return False
    return "xl/workbook.bin" in names and "xl/workbook.xml" not in names


def _read_calamine(path: Path, fmt: str) -> list[RawSheet]:
    # The extent check of every sheet's XML runs before calamine allocates anything; the hidden-row
    # and uncached-formula flags are found in a thread meanwhile (calamine releases the GIL while
    # it loads a sheet), and joined before this returns.
    flag_scan = _xlsx_prescan(path) if fmt == "xlsx" else None
    try:
        sheets = _calamine_sheets(path, fmt)
        row_flags = flag_scan.result() if flag_scan is not None else {}
    finally:
        if flag_scan is not None:
            flag_scan.join()
    for sheet in sheets:
        flags = row_flags.get(sheet.name)
        if flags:
            n = len(sheet.rows)
            sheet.hidden_rows = frozenset(r for r in flags.hidden_rows if r < n)
            sheet.uncached_formulas = frozenset(flags.uncached)
    return sheets


def _calamine_sheets(path: Path, fmt: str) -> list[RawSheet]:
    try:
        wb = _open_calamine(path, fmt)
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


# The cheap test that decides whether a sheet's cells must be located exactly (by a real XML
# parse, :func:`_extent_of`): any ``r`` attribute, spelled any way XML allows (either quote,
# spaces or line breaks around ``=``, column letters in either case, ``$``, leading zeros, a character reference),
# naming a column beyond GZ (208) or a row beyond 99,999 — absent in almost every payroll; and
# any row or cell tag without ``r``, whose position calamine counts. Only when one is present
# is the sheet parsed; a normal sheet costs two regex scans at C speed.
#
# Both are written so that the regex engine rarely leaves its C fast paths (issue 15): _FAR_CELL
# starts with the literal ``r`` of the attribute name (XML names are case-sensitive and calamine
# reads only ``r``: a ``R=`` cell is placed by counting, so _UNPLACED finds it), so the engine
# skips to each ``r`` instead of trying the lookbehind at every byte, which is checked after the
# ``r`` (same test: the byte before it is not a name character); the column letters are matched
# in either case, as calamine reads them. _UNPLACED's lookahead is lazy and its prefix possessive
# (whether the lookahead matches does not depend on either). The two scans took 7 and 4 s on the
# 74 MB sheet of the 60,000-row benchmark, now about 0.4 and 0.2 s.
_FAR_CELL = re.compile(
    rb"""r(?<![\w.-]r)\s*+=\s*+["']"""
    rb"""(?![A-Za-z]?[0-9]{1,5}["']|[A-Ga-g][A-Za-z][0-9]{1,5}["'])"""  # A1…GZ99999: near
    rb"""\s*\$?\s*(?:[A-Za-z]{3}|[H-Zh-z][A-Za-z]|[A-Za-z]{0,3}\$?\s*0*[0-9]{6}|[^"'<>&]*+&)"""
)
"""The negative lookahead answers the usual reference (``r="AB123"``) at once: none of the
alternatives after it can match one."""
_UNPLACED = re.compile(rb"""<(?:[\w.-]+:)?+(?:c|row)(?=[\s/>])(?![^>]*?(?<![\w.-])r\s*=)""")
_UNPLACED_C = re.compile(rb"""<c(?=[\s/>])(?!\sr\s*=)(?![^>]*?(?<![\w.-])r\s*=)""")
_UNPLACED_ROW = re.compile(rb"""<row(?=[\s/>])(?!\sr\s*=)(?![^>]*?(?<![\w.-])r\s*=)""")
_PREFIXED_TAG = re.compile(rb":(?:c|row)")
"""Where a prefixed ``c`` or ``row`` tag can occur at all: the same answer as ``b":c" in buf or
b":row" in buf`` in one scan, several times faster (``:`` is rare in sheet XML)."""


def _unplaced(buf: bytes) -> bool:
    """Whether :data:`_UNPLACED` matches in ``buf``: the unprefixed tags are searched by their
    literal start (``<c``, ``<row``, the usual `` r=`` after it answered by one lookahead), and the
    whole pattern only where a prefixed tag (``:c``, ``:row``) can occur at all."""
    return bool(
        _UNPLACED_C.search(buf)
        or _UNPLACED_ROW.search(buf)
        or (_PREFIXED_TAG.search(buf) is not None and _UNPLACED.search(buf))
    )


_EDGE = 96
"""Bytes of the previous piece searched again with the next: longer than any reference."""
_REF = re.compile(r"\$?([A-Z]{1,3})\$?0*([0-9]{1,9})")


def _xlsx_prescan(path: Path) -> _FlagScan:
    """Refuse a sheet whose cells span more than :data:`MAX_CELLS` before calamine allocates it,
    and start finding each sheet's hidden rows and formulas without a saved result (0-based
    indexes) in a thread.

    The extent check (:func:`_far_in_sheet`) streams each sheet's XML once, in turn (inflating
    a piece ahead in a thread gained nothing: the regex scans hold the GIL while they run);
    nothing is parsed into a tree. It is done when this returns. The flags need not precede
    calamine, so they are found meanwhile, by a second streaming pass in a thread
    (:class:`_FlagScan`): calamine releases the GIL while it loads a
    sheet. Raises :class:`AuditDeskError` for a sheet too large or a damaged zip member. Any
    other trouble only loses the flags (and the extent check of the sheets after it): calamine
    then judges whether the workbook can be read, with its own message.
    """
    members: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for name, member in _xlsx_sheet_members(zf):
                with zf.open(member) as fh:
                    far = _far_in_sheet(partial(fh.read, _CHUNK))
                if far:
                    try:
                        rows, cols = _extent_of(zf, member)
                    except (ValueError, expat.ExpatError) as exc:
                        raise _fail(
                            path,
                            f"工作表「{name}」的单元格位置无法核对（{exc}）；为免读取时耗尽内存，"
                            "未导入。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。",
                        ) from exc
                    if rows * cols > MAX_CELLS:
                        raise _fail(
                            path,
                            f"工作表「{name}」的数据范围过大（{rows} 行 × {cols} 列），可能含有远处的"
                            "零散单元格或是恶意构造的文件；请删除多余的行列后另存再导入。",
                        )
                members.append((name, member))
    except _DAMAGED_ZIP as exc:
        raise _fail(path, f"文件已损坏（{exc}），无法读取。") from exc
    except (KeyError, ElementTree.ParseError, OSError, ValueError):
        return _FlagScan(path, [])
    return _FlagScan(path, members)


class _FlagScan:
    """The hidden-row and uncached-formula flags of some sheets, found in a thread
    (:func:`_scan_flags`); :meth:`result` waits for them and raises what the scan raised. Where
    no thread can be started (a process at its limits), :meth:`result` scans then, in turn."""

    def __init__(self, path: Path, members: list[tuple[str, str]]) -> None:
        self._result: dict[str, _RowFlags] = {}
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._later: tuple[Path, list[tuple[str, str]]] | None = None
        if members:
            thread = threading.Thread(
                target=self._run, args=(path, members), name="auditdesk-xlsx-flags", daemon=True
            )
            try:
                thread.start()
            except RuntimeError:  # "can't start new thread"
                self._later = (path, members)
            else:
                self._thread = thread

    def _run(self, path: Path, members: list[tuple[str, str]]) -> None:
        try:
            self._result = _scan_flags(path, members)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def result(self) -> dict[str, _RowFlags]:
        """Flags by sheet name (sheets with none are absent). Raises :class:`AuditDeskError` for
        a damaged zip member."""
        self.join()
        later, self._later = self._later, None
        if later is not None:
            self._run(*later)
        if self._error is not None:
            raise self._error
        return self._result


def _scan_flags(path: Path, members: list[tuple[str, str]]) -> dict[str, _RowFlags]:
    """Each sheet's hidden rows and uncached formulas (:func:`_flags_in_sheet`); ``{}`` when any
    sheet's cannot be found, so that no sheet is reported with flags that may be incomplete."""
    result: dict[str, _RowFlags] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, member in members:
                with zf.open(member) as fh:
                    flags = _flags_in_sheet(partial(fh.read, min(_CHUNK, _FLAG_CHUNK)))
                if flags is None:  # a flagged row or cell without ``r``: count positions
                    try:
                        flags = _scan_rows_positionally(zf, member)
                    except (ElementTree.ParseError, OSError, ValueError, *_DAMAGED_ZIP):
                        return {}
                if flags.hidden_rows or flags.uncached:
                    result[name] = flags
    except _DAMAGED_ZIP as exc:
        raise _fail(path, f"文件已损坏（{exc}），无法读取。") from exc
    except (KeyError, ElementTree.ParseError, OSError, ValueError):
        return {}
    return result


def _extent_of(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The rows and columns calamine would allocate for a sheet: the furthest cell that holds
    something (a value, formula or inline string), found by a real, streaming XML parse (expat;
    no tree is kept). Rows and cells without ``r`` are placed by counting, as calamine does.

    Raises:
        ValueError: a reference that names no cell (calamine's position for it is unknowable),
            or XML that is not well formed.
    """
    max_row = max_col = 0
    row = col = 0
    open_cell: list[int] = []  # [row, col] of the cell being read, until it has content

    def local(name: str) -> str:
        return name.rpartition("}")[2].rpartition(":")[2]

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, max_row, max_col
        tag = local(name)
        if tag == "row":
            ref = attrs.get("r")
            row = _number(ref, "行号") if ref is not None else row + 1
            col = 0
            open_cell.clear()
        elif tag == "c":
            ref = attrs.get("r")
            if ref is None:
                col += 1
            else:
                match = _REF.fullmatch(ref.strip().upper())
                if match is None:
                    raise ValueError(f"单元格位置“{ref[:20]}”无法识别")
                col = _column_number(match[1].encode())
                row = max(row, int(match[2]))
            open_cell[:] = [row, col]
        elif open_cell:  # <v>, <f>, <is> inside a cell: calamine keeps this cell
            max_row, max_col = max(max_row, open_cell[0]), max(max_col, open_cell[1])
            open_cell.clear()

    def end(name: str) -> None:
        if open_cell and local(name) == "c":  # a cell closed without content: not kept
            open_cell.clear()

    def refuse_doctype(*_args: object) -> None:
        raise ValueError("工作表含有 DTD 声明")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.buffer_text = True
    with zf.open(member) as fh:
        parser.ParseFile(fh)
    return max_row, max_col


def _number(text: str, what: str) -> int:
    value = text.strip()
    if not value.isdigit():
        raise ValueError(f"{what}“{value[:20]}”无法识别")
    return int(value)


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


@dataclass
class _RowFlags:
    hidden_rows: set[int] = field(default_factory=set)
    uncached: set[tuple[int, int]] = field(default_factory=set)


_ROOT_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_ROW_REF = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")
_CELL_TYPE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_CHUNK = 1 << 22
_FLAG_CHUNK = 1 << 20
"""The flag scan runs while calamine holds the sheet: smaller pieces keep its memory small."""
_MAX_CARRY = 1 << 24


class _SheetPatterns:
    """The tags of one sheet's XML, with the namespace prefix that sheet uses (usually none)."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.formula_tag = b"<" + prefix + b"f"
        self.cell_end = b"</" + prefix + b"c>"
        self.cell_start = b"<" + prefix + b"c"
        # a row tag whose hidden attribute is set: only searched where "hidden" occurs at all
        self.hidden_row = re.compile(
            rb"<" + p + rb"""row\b[^>]*?\shidden\s*=\s*["'](?:1|true|True)["'][^>]*>"""
        )
        # a formula, then at most an empty value, then the end of its cell: a formula with no result
        self.uncached = re.compile(
            rb"<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f>)\s*"
            rb"(<" + p + rb"v\s*/>|<" + p + rb"v\s*>\s*</" + p + rb"v>)?\s*</" + p + rb"c>"
        )


def _pieces(read: Callable[[], bytes]) -> Iterator[tuple[bytes, _SheetPatterns]]:
    """A sheet's XML, read by ``read`` (a file's ``read(_CHUNK)``; ``b""`` at the end), in pieces
    cut after a cell's end tag (or anywhere, past :data:`_MAX_CARRY` bytes without one), with the
    tags of the namespace prefix the sheet uses."""
    first = read()
    root = _ROOT_PREFIX.search(first)
    prefix = root.group(1) + b":" if root and root.group(1) else b""
    pats = _SheetPatterns(prefix)
    tail, chunk = b"", first
    while True:
        buf = tail + chunk
        if not chunk:
            tail = b""
        else:
            cut = buf.rfind(pats.cell_end)
            if cut < 0 and len(buf) <= _MAX_CARRY:
                tail, chunk = buf, read()
                continue
            cut = cut + len(pats.cell_end) if cut >= 0 else (buf.rfind(b">") + 1 or len(buf))
            buf, tail = buf[:cut], buf[cut:]
        yield buf, pats
        if not chunk:
            return
        chunk = read()


def _far_in_sheet(read: Callable[[], bytes]) -> bool:
    """Whether any cell reference of a sheet's XML lies far away (:data:`_FAR_CELL`) or a row or
    cell has no ``r`` (:func:`_unplaced`), without parsing the XML; then :func:`_extent_of` must
    locate its cells exactly. An ordinary sheet of 60,000 rows costs four scans at C speed."""
    edge = b""  # the end of the previous piece: a reference cut in two is still found
    for buf, _pats in _pieces(read):
        seam = edge + buf[:_EDGE]
        if _FAR_CELL.search(seam) or _FAR_CELL.search(buf) or _unplaced(seam) or _unplaced(buf):
            return True
        edge = (edge + buf[-_EDGE:])[-_EDGE:]
    return False


def _flags_in_sheet(read: Callable[[], bytes]) -> _RowFlags | None:
    """One sheet's hidden rows and formulas without a result, without parsing the XML; ``None``
    when a flagged row or cell has no ``r`` attribute: :func:`_scan_rows_positionally` must then
    count.

    A piece in which neither ``hidden`` nor ``<f`` occurs costs two substring searches, so an
    ordinary sheet of 60,000 rows is one pass of decompression. Positions come from the ``r``
    attributes Excel, WPS, LibreOffice and openpyxl always write.
    """
    flags = _RowFlags()
    for buf, pats in _pieces(read):
        if not _flag_chunk(buf, pats, flags):
            return None
    return flags


def _flag_chunk(buf: bytes, pats: _SheetPatterns, flags: _RowFlags) -> bool:
    """Add this chunk's hidden rows and uncached formulas; False when one has no ``r``."""
    if b"hidden" in buf:
        for match in pats.hidden_row.finditer(buf):
            ref = _ROW_REF.search(match[0])
            if ref is None:
                return False
            flags.hidden_rows.add(int(ref[1]) - 1)
    if pats.formula_tag in buf:
        for match in pats.uncached.finditer(buf):
            start = buf.rfind(pats.cell_start, 0, match.start())
            tag = buf[start : buf.index(b">", start) + 1] if start >= 0 else b""
            cell_type = _CELL_TYPE.search(tag)
            if match[1] is not None and cell_type is not None and cell_type[1] == b"str":
                continue  # a text formula whose saved result is the empty string
            ref = _CELL_REF.search(tag)
            if ref is None:
                return False
            flags.uncached.add((int(ref[2]) - 1, _column_number(ref[1]) - 1))
    return True


def _scan_rows_positionally(zf: zipfile.ZipFile, member: str) -> _RowFlags:
    """:func:`_scan_sheet` for a sheet whose rows or cells omit ``r`` (allowed, rarely written)."""
    flags = _RowFlags()
    row = col = -1
    formula = value = False
    cell_type = ""
    with zf.open(member) as fh:
        for event, elem in ElementTree.iterparse(fh, events=("start", "end")):
            tag = elem.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    r = elem.get("r")
                    row = int(r) - 1 if r and r.isdigit() else row + 1
                    col = -1
                    if elem.get("hidden") in ("1", "true", "True"):
                        flags.hidden_rows.add(row)
                elif tag == "c":
                    ref = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", elem.get("r") or "")
                    col = _column_number(ref[1].encode()) - 1 if ref else col + 1
                    formula = value = False
                    cell_type = elem.get("t", "")
                continue
            if tag == "f":
                formula = True
            elif tag == "v":
                value = bool(elem.text and elem.text.strip()) or cell_type == "str"
            elif tag == "c":
                if formula and not value:
                    flags.uncached.add((row, col))
            elif tag == "row":
                elem.clear()
    return flags


# ------------------------------------------------------------------ CSV
MAX_CSV_COLUMNS = 16_384
"""Cells in one CSV row: Excel's own limit (column XFD). Rows are padded to the widest one, so the
table (rows × widest row) is also held to :data:`MAX_CELLS`."""


def decode_text(path: Path) -> tuple[str, str]:
    """Decode a text export: UTF-16 or UTF-8 by BOM, then strict UTF-8, then GB18030 (a superset of
    GBK and GB2312, which is what Chinese Windows and payroll systems write)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:  # an odd byte count (cut off) or a lone surrogate
            raise _fail(
                path,
                f"UTF-16 文本已损坏（第 {exc.start} 字节附近：文件被截断或含有无效字符），"
                "请重新导出，或另存为 UTF-8 编码的 CSV。",
            ) from exc
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), "UTF-8 (BOM)" if bom else "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    mixed = _mixed_lines(body) if _maybe_mixed(body, first_bad) else None
    if mixed is not None:
        return mixed, "UTF-8 与 GBK 混合（逐行识别）"
    if bom:
        return body.decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise _fail(
            path,
            f"无法识别文件的文字编码（第 {exc.start} 字节附近），请另存为 UTF-8 或 GBK 编码的 CSV。",
        ) from exc


def _maybe_mixed(data: bytes, first_bad: int) -> bool:
    """Whether a file that is not UTF-8 may still hold UTF-8 lines: Chinese written in UTF-8
    before its first invalid byte, or on its last line (a cheap look, so a plain GBK file is not
    decoded line by line)."""
    if not data[:first_bad].isascii():
        return True
    last = data.rstrip().rsplit(b"\n", 1)[-1]
    if last.isascii():
        return False
    try:
        last.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_lines(data: bytes) -> str | None:
    """The text of a file whose lines are partly UTF-8 and partly GBK (two exports pasted into one
    file, a header typed in an editor over a payroll system's rows), each line decoded as what it
    is; ``None`` unless some line with Chinese is valid UTF-8 and some other is not. A newline byte
    is never part of a character in either encoding, so the lines can be cut before decoding."""
    lines = data.split(b"\n")
    utf8 = 0
    out: list[str] = []
    for line in lines:
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8"))
            utf8 += 1
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                return None
    if utf8 == 0:
        return None
    return "\n".join(out)


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
    longest = max((ln.count(delimiter) + 1 for ln in text.splitlines()), default=0)
    if longest > MAX_CSV_COLUMNS:
        raise _fail(path, f"有一行含 {longest} 个单元格，超过 {MAX_CSV_COLUMNS} 列的上限"
                    "（Excel 最多 16,384 列），不是正常的工资表，已拒绝读取。")  # fmt: skip
    rows: list[list[Any]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            width = max(width, len(row))
            if width > MAX_CSV_COLUMNS or (len(rows) + 1) * width > MAX_CELLS:
                raise _fail(
                    path,
                    f"第 {len(rows) + 1} 行起表格超过上限（最多 {MAX_CSV_COLUMNS} 列、"
                    f"{MAX_CELLS:,} 个单元格），不是正常的工资表，已拒绝读取。",
                )
            rows.append(row)
    except csv.Error as exc:
        raise _fail(path, f"CSV 格式有误，无法读取（{exc}）。") from exc
    if '="' in text:
        # Excel's force-text wrapper ="00123": Excel shows the text inside, so does the importer
        rows = [[unwrap_excel_text(c) if '="' in c else c for c in r] for r in rows]
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return RawSheet(name=path.stem, rows=rows)
