"""Find a sheet's header row(s), join two-row headers, classify non-data rows, infer the pay month."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditdesk.models.payroll import SkipReason
from auditdesk.payroll import values
from auditdesk.payroll.mapping import is_known_header, normalize_header, suggest

HEADER_SCAN_ROWS = 30
MIN_RECOGNISED = 3


Merged = list[tuple[tuple[int, int], tuple[int, int]]]
"""Merged ranges as ((first row, first col), (last row, last col)), 0-based."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row_index: int, col_index: int) -> str:
    """0-based indexes → ``K17``."""
    return f"{column_letter(col_index)}{row_index + 1}"


def split_cell_ref(ref: str) -> tuple[int, int]:
    """``K17`` → 0-based (row, column), the inverse of :func:`cell_ref`."""
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref.strip().upper())
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in match.group(1):
        col = col * 26 + (ord(ch) - 64)
    return int(match.group(2)) - 1, col - 1


def _text(value: Any) -> str:
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return ""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Header:
    """Where the header is and what each column is called (``parts`` = group label, sub-label)."""

    rows: tuple[int, ...]
    parts: dict[int, tuple[str, ...]]

    @property
    def first_data_row(self) -> int:
        return self.rows[-1] + 1

    def text(self, col: int) -> str:
        return "/".join(p for p in self.parts.get(col, ()) if p)


def _recognised(row: list[Any], *, fuzzy: bool, extra: frozenset[str]) -> int:
    if fuzzy:
        return sum(1 for v in row if _text(v) and suggest((_text(v),)).confidence >= 0.75)
    return sum(
        1
        for v in row
        if isinstance(v, str) and (is_known_header(v) or (extra and normalize_header(v) in extra))
    )


def _header_like(row: list[Any]) -> bool:
    """Only labels: at least one text cell and no numbers or dates."""
    filled = [v for v in row if not _is_blank(v)]
    return bool(filled) and all(isinstance(v, str) for v in filled)


def find_header(
    rows: list[list[Any]], merged: Merged, extra: frozenset[str] = frozenset()
) -> Header | None:
    """The header of a sheet, or ``None`` when no row names at least three known fields.

    ``extra`` holds more known header names (normalised), from the user's mapping or profile.
    """
    best_row, best_score = -1, 0
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _recognised(row, fuzzy=False, extra=extra)
        if score > best_score:
            best_row, best_score = r, score
    if best_score < MIN_RECOGNISED:  # unusual names: try the slower similarity match on label rows
        for r, row in enumerate(rows[:10]):
            score = _recognised(row, fuzzy=True, extra=extra) if _header_like(row) else 0
            if score > best_score:
                best_row, best_score = r, score
    if best_score < MIN_RECOGNISED:
        return None
    top = best_row
    # A two-row header: the group row above the sub-labels, or the sub-labels below the group row.
    if best_row + 1 < len(rows) and _is_subheader(
        rows[best_row], rows[best_row + 1], best_row, merged
    ):
        header_rows: tuple[int, ...] = (best_row, best_row + 1)
    elif best_row > 0 and _is_subheader(rows[best_row - 1], rows[best_row], best_row - 1, merged):
        header_rows = (best_row - 1, best_row)
        top = best_row - 1
    else:
        header_rows = (best_row,)
    width = max(len(rows[r]) for r in header_rows)
    if len(header_rows) == 1:
        parts: dict[int, tuple[str, ...]] = {
            c: (_text(rows[top][c]),) for c in range(width) if _text(rows[top][c])
        }
        return Header(header_rows, parts)
    upper = _fill_groups(rows[top], rows[top + 1], top, merged, width)
    joined: dict[int, tuple[str, ...]] = {}
    for c in range(width):
        lo = _text(rows[top + 1][c]) if c < len(rows[top + 1]) else ""
        up = upper[c]
        if lo and up and lo != up:
            joined[c] = (up, lo)
        elif lo or up:
            joined[c] = (lo or up,)
    return Header(header_rows, joined)


def _is_subheader(upper: list[Any], lower: list[Any], upper_index: int, merged: Merged) -> bool:
    """``lower`` holds sub-labels of groups in ``upper``.

    Both rows hold labels only; some labels of ``lower`` sit under a horizontally merged cell or a
    blank cell of ``upper``; and ``upper`` is a real header row, not a title: it has at least two
    labels, and a column that is not split (a label above a blank cell) or a merged group.
    """
    if not _header_like(lower) or not _header_like(upper):
        return False
    if sum(1 for v in upper if _text(v)) < 2:
        return False
    spans = {
        c
        for (r0, c0), (r1, c1) in merged
        if r0 == upper_index and r1 == upper_index and c1 > c0
        for c in range(c0, c1 + 1)
    }
    under_groups = 0
    for c, value in enumerate(lower):
        if not _text(value):
            continue
        above = upper[c] if c < len(upper) else ""
        if c in spans or _is_blank(above):
            under_groups += 1
    unsplit = any(
        _text(v) and (c >= len(lower) or _is_blank(lower[c])) for c, v in enumerate(upper)
    )
    labels = sum(1 for v in lower if _text(v))
    return under_groups > 0 and (unsplit or bool(spans)) and under_groups * 2 >= labels - 1


def _fill_groups(
    upper: list[Any],
    lower: list[Any],
    upper_index: int,
    merged: Merged,
    width: int,
) -> list[str]:
    """The group label above each column: merged ranges where the file has them, otherwise the
    label carried right across blank cells that have a sub-label below."""
    labels = [_text(upper[c]) if c < len(upper) else "" for c in range(width)]
    filled = list(labels)
    merged_any = False
    for (r0, c0), (r1, c1) in merged:
        if r0 == upper_index and c1 > c0 and r1 == upper_index:
            merged_any = True
            for c in range(c0, min(c1 + 1, width)):
                filled[c] = labels[c0]
    if merged_any:
        return filled
    for c in range(1, width):
        below = _text(lower[c]) if c < len(lower) else ""
        below_prev = _text(lower[c - 1]) if c - 1 < len(lower) else ""
        if not labels[c] and below and below_prev and filled[c - 1]:
            filled[c] = filled[c - 1]
    return filled


_TOTAL = re.compile(r"^(合\s*计|总\s*计|总\s*额|共\s*计|合计金额|本月合计|全部合计)")
_SUBTOTAL = re.compile(r"小\s*计")
_SIGNATURE = re.compile(
    r"^(制表|制单|编制|审核|复核|审批|批准|签字|签名|签收|经办|负责人|财务|出纳|会计|主管|总经理|领导)"
)
_NOTE = re.compile(r"^(备注|说明|注[:：]|注\s*[0-9一二三]|附注|填表说明|温馨提示)")


def classify_row(row: list[Any], header: Header, identity_cols: list[int]) -> SkipReason | None:
    """Why ``row`` is not an employee's data row, or ``None`` when it is."""
    texts = [_text(v) for v in row if isinstance(v, str) and v.strip()]
    filled = sum(1 for v in row if not _is_blank(v))
    if filled == 0:
        return SkipReason.BLANK
    for t in texts:
        if _SUBTOTAL.search(t) and len(t) <= 20:
            return SkipReason.SUBTOTAL
    for t in texts:
        if _TOTAL.match(t):
            return SkipReason.TOTAL
    if texts and _SIGNATURE.match(texts[0]) and filled <= 8:
        return SkipReason.SIGNATURE
    if texts and _NOTE.match(texts[0]):
        return SkipReason.NOTE
    same = sum(1 for c, v in enumerate(row) if _text(v) and _text(v) in header.parts.get(c, ()))
    if same >= max(2, filled // 2):
        return SkipReason.HEADER_REPEAT
    if identity_cols and all(c >= len(row) or _is_blank(row[c]) for c in identity_cols):
        return SkipReason.NO_EMPLOYEE
    return None


_LABEL_HINT = re.compile(
    _SUBTOTAL.pattern + "|" + "|".join(p.pattern.lstrip("^") for p in (_TOTAL, _SIGNATURE, _NOTE))
)


def looks_like_label(text: str) -> bool:
    """Whether an identity cell holds a row label (小计, 合计, 制表…) rather than an employee."""
    return _LABEL_HINT.search(text) is not None


# ------------------------------------------------------------------ pay month of a sheet
_STAMP = re.compile(r"(制表|打印|导出|填报|编制|生成|审核)(日期|时间)")
"""Dates on these title cells say when the sheet was made, not which month it pays."""


@dataclass(frozen=True)
class PeriodGuess:
    period: str | None
    source: str


def sheet_period(
    sheet_name: str, title_rows: list[list[Any]], file_name: str, file_date: date | None = None
) -> PeriodGuess:
    """The pay month a whole sheet belongs to: the sheet name ("2025.07", "8月"), else the title
    above the header ("2025年8月工资表"), else the file name. A year-less sheet name takes its
    year from the title or the file name."""
    title_cells = [
        _text(v) for row in title_rows for v in row if _text(v) and not _STAMP.search(_text(v))
    ]
    title = " ".join(title_cells)
    found = values.find_period(sheet_name)
    if found:
        return PeriodGuess(found, f"工作表名“{sheet_name}”")
    month = values.find_month(sheet_name)
    if month is not None:
        for text, where in ((title, "标题"), (file_name, "文件名")):
            year = values.find_year(text) if text else None
            if year is None and text:
                in_text = values.find_period(text)
                year = int(in_text[:4]) if in_text else None
            if year is not None:
                return PeriodGuess(
                    f"{year:04d}-{month:02d}", f"工作表名“{sheet_name}”+{where}中的年份"
                )
    for cell in title_cells:
        found = values.find_period(cell)
        if found:
            return PeriodGuess(found, f"标题“{cell[:40]}”")
    found = values.find_period(file_name)
    if found:
        return PeriodGuess(found, f"文件名“{file_name}”")
    return PeriodGuess(None, "")
