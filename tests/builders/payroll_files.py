"""Generate payroll workbooks and CSVs in the layouts companies really use (no binary fixtures)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

HEADER = [
    "工号", "姓名", "部门", "身份证号", "入职日期", "应出勤天数", "实际出勤天数", "基本工资",
    "岗位工资", "加班费", "餐补", "应发工资", "养老保险(个人)", "住房公积金(个人)", "实发工资",
    "发放日期",
]  # fmt: skip


def id_number(first17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


IDS = [id_number(p) for p in ("31011419900101123", "31011419850315002", "31011519780720451")]


def employee_row(i: int, *, pay_date: Any = None) -> list[Any]:
    """A plausible employee-month in HEADER order; amounts differ per employee."""
    base = 6000 + 500 * i
    gross = base + 300 + 200 + 400
    return [
        f"E{i:04d}", f"员工{i}", "生产部", IDS[i % len(IDS)], date(2020, 3, 1 + i % 27), 22, 22,
        base, 300, 200, 400, gross, round(gross * 0.08, 2), round(gross * 0.07, 2),
        round(gross * 0.85, 2), pay_date if pay_date is not None else date(2025, 8, 10),
    ]  # fmt: skip


@dataclass
class SheetSpec:
    name: str
    rows: list[list[Any]]
    merged: list[str] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    hidden: bool = False
    text_columns: list[int] = field(default_factory=list)
    """0-based columns whose cells get the text number format ("@"), as ID columns usually do."""
    hidden_rows: list[int] = field(default_factory=list)
    """1-based row numbers (as Excel shows them) hidden in the sheet."""


def write_xlsx(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if c - 1 in spec.text_columns:
                    cell.number_format = "@"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for rng in spec.merged:
            ws.merge_cells(rng)
        for letter in spec.hidden_columns:
            ws.column_dimensions[letter].hidden = True
        for number in spec.hidden_rows:
            ws.row_dimensions[number].hidden = True
        if spec.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def simple_sheet(name: str = "工资", n: int = 4, *, title: str | None = None) -> SheetSpec:
    rows: list[list[Any]] = []
    if title:
        rows.append([title])
    rows.append(list(HEADER))
    rows.extend(employee_row(i) for i in range(1, n + 1))
    return SheetSpec(name, rows, text_columns=[3])


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], *, encoding: str, bom: bool = False
) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_xls(xlsx: Path, out_dir: Path) -> Path:
    """A legacy .xls (BIFF8, as Excel 2003 and WPS write it) made by LibreOffice from ``xlsx``."""
    exe = soffice()
    assert exe, (
        "LibreOffice (soffice) is needed: python3 dev.py test installs libreoffice-calc-nogui"
    )
    profile = out_dir / "lo-profile"
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
         "--outdir", str(out_dir), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = out_dir / (xlsx.stem + ".xls")
    assert result.exists(), f"LibreOffice did not write {result}"
    return result


def rewrite_xlsx(src: Path, dst: Path, edit_sheet: Callable[[bytes], bytes]) -> Path:
    """Copy the workbook ``src`` to ``dst`` with every worksheet's XML passed through ``edit_sheet``
    (to write what openpyxl cannot: cached formula results, rows without ``r``, prefixed tags)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = edit_sheet(data)
            zout.writestr(info.filename, data)
    return dst


def cache_formula_result(cell: str, value: str) -> Callable[[bytes], bytes]:
    """An ``edit_sheet`` that gives the formula in ``cell`` (such as ``"E2"``) a saved result, as
    Excel writes it after calculating; openpyxl saves formulas without one."""

    def edit(xml: bytes) -> bytes:
        pattern = rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)(?:<v\s*/>|<v>\s*</v>)?'
        result, n = re.subn(pattern, lambda m: m[1] + b"<v>" + value.encode() + b"</v>", xml)
        assert n == 1, f"no formula in {cell}"
        return result

    return edit


def encrypt_xlsx(plain: Path, out: Path, password: str = "secret") -> Path:
    """A genuinely password-protected workbook (ECMA-376 agile encryption, as Excel writes)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with plain.open("rb") as src, out.open("wb") as dst:
        OOXMLFile(src).encrypt(password, dst)
    return out


def col(letter_index: int) -> str:
    return get_column_letter(letter_index + 1)
