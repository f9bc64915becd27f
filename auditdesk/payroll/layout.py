"""Find a sheet's header row(s), join two-row headers, classify non-data rows, infer the pay month."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditdesk.models.payroll import SkipReason
from auditdesk.payroll import values
from auditdesk.payroll.mapping import (
    HEADER_WORDS,
    TAX_PERIOD,
    is_known_header,
    normalize_header,
    suggest,
)

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


_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def _text(value: Any) -> str:
    """A label cell's text: NFKC, trimmed, a line break inside it (Alt+Enter) dropped."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        return _LINE_BREAK.sub("", text) if "\n" in text or "\r" in text else text
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


MAX_HEADER_ROWS = 4
"""Real payroll headers stack at most four label rows (group / item / sub-item / share)."""

_NUMERIC_TEXT = re.compile(
    r"^[\s+\-\u2212(（]*[¥￥$]?\s*[\d,，]*\d(\.\d+)?\s*[)）]?\s*(元)?$"  # 8000, ￥1,234.00, (12)
    r"|^\d{4}\s*[-/.年]\s*\d{1,2}(\s*[-/.月]\s*\d{1,2}\s*日?)?"  # 2025-07, 2025/7/1, 2025年7月
    r"|^[0-9]{15,18}[0-9Xx]?$"  # an ID number
)
_LABEL_VALUE = re.compile(r"^[^:：]{1,12}[:：]")
"""``编制单位：某某公司``, ``所属期间：2025年7月``, ``单位:元`` — a line above the table, not a label."""
_TITLE_TEXT = re.compile(
    r"工资表|工资单|工资条|薪资表|薪酬表|发放表|明细表|汇总表|花名册|清单|\d{4}\s*年|\d{4}[-./]\d{1,2}"
    r"|^[(（]?\s*(金额)?单位\s*[:：]?\s*(元|人民币|万元)"
)
TITLE_SPAN = 0.6
"""A merged cell wider than this share of the table is a title, never a column group."""


def _is_label(value: Any) -> bool:
    """A text cell that is a name, not a figure, a date or an ID number written as text."""
    t = _text(value)
    return bool(t) and _NUMERIC_TEXT.match(t) is None


def _header_like(row: list[Any]) -> bool:
    """Only labels: at least one label and no numbers, dates or figures written as text."""
    filled = [v for v in row if not _is_blank(v)]
    return bool(filled) and all(_is_label(v) for v in filled)


def _wide_merges(merged: Merged, row_index: int, width: int) -> bool:
    return any(
        r0 == row_index and (c1 - c0 + 1) > TITLE_SPAN * width and width > 2
        for (r0, c0), (_r1, c1) in merged
    )


_SHARE_LABEL = re.compile(r"^(个人|单位|公司|企业|员工|金额|小时|时数|天数|元|\(元\)|比例|基数)$")
"""Sub-labels a header row may repeat in every cell (个人 under 社保 and under 公积金)."""


def _title_like(row: list[Any], row_index: int, merged: Merged, width: int) -> bool:
    """A title or a label-value line above the table: one label, only ``标签：值`` / title texts,
    or a merged cell across most of the table."""
    labels = [_text(v) for v in row if _text(v)]
    if len(labels) <= 1 or _wide_merges(merged, row_index, width):
        return True
    if len(set(labels)) == 1 and _SHARE_LABEL.match(labels[0]) is None:
        return True  # a title written into every cell of its merge
    return all(_LABEL_VALUE.match(t) or _TITLE_TEXT.search(t) for t in labels)


def _merge_origins(merged: Merged) -> dict[tuple[int, int], tuple[int, int]]:
    """Every cell inside a merged range (except its first) → the range's first cell."""
    inside: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 4096:
            continue  # a title across a whole sheet: nothing to look up there
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    inside[(r, c)] = (r0, c0)
    return inside


def _grid_label(
    rows: list[list[Any]], r: int, c: int, origins: dict[tuple[int, int], tuple[int, int]]
) -> str:
    r0, c0 = origins.get((r, c), (r, c))
    row = rows[r0]
    return _text(row[c0]) if c0 < len(row) else ""


def _links(
    rows: list[list[Any]],
    upper: int,
    lower: int,
    origins: dict[tuple[int, int], tuple[int, int]],
    merged: Merged,
    width: int,
) -> bool:
    """Whether row ``lower`` holds sub-labels of groups in row ``upper`` (or continues them).

    Some label of ``lower`` sits under a horizontally merged cell of ``upper``, or under a blank
    cell of ``upper`` with a group label to its left; a vertical merge from ``upper`` into
    ``lower`` links them too. Most labels of ``lower`` must be such sub-labels.
    """
    spans = {
        c
        for (r0, c0), (r1, c1) in merged
        if r0 <= upper <= r1 and c1 > c0
        for c in range(c0, c1 + 1)
    }
    vertical = any(r0 <= upper and r1 >= lower and c0 == c1 for (r0, c0), (r1, c1) in merged)
    labels = 0
    under = 0
    seen_group = False
    below = rows[lower]
    for c in range(width):
        above = _grid_label(rows, upper, c, origins)
        seen_group = seen_group or bool(above)
        if c >= len(below) or not _text(below[c]) or (lower, c) in origins:
            continue
        labels += 1
        if c in spans or (not above and seen_group):
            under += 1
    if under == 0 and not (vertical and labels):
        return False  # a label row under single labels belongs only where merges carry down
    return vertical or bool(spans) or under * 2 >= labels


def find_header(
    rows: list[list[Any]], merged: Merged, extra: frozenset[str] = frozenset()
) -> Header | None:
    """The header of a sheet, or ``None`` when no row names at least three known fields.

    The row naming most known fields anchors the header; label rows above it (groups) and below it
    (sub-items, shares) join it, up to :data:`MAX_HEADER_ROWS`, when they are linked by merged
    cells or by the group-over-blank layout of hand-made sheets. A title or a label-value line
    (``所属期间：2025年7月``, ``单位：元``) never joins. ``extra`` holds more known header names
    (normalised), from the user's mapping or profile.
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
    width = max((len(rows[r]) for r in range(min(len(rows), best_row + MAX_HEADER_ROWS))),
                default=0)  # fmt: skip
    origins = _merge_origins([m for m in merged if m[0][0] < best_row + MAX_HEADER_ROWS])
    top = bottom = best_row
    grew = True
    while grew and bottom - top + 1 < MAX_HEADER_ROWS:
        grew = False
        above = top - 1
        if (
            above >= 0
            and _header_like(rows[above])
            and not _title_like(rows[above], above, merged, width)
            and _links(rows, above, top, origins, merged, width)
        ):
            top, grew = above, True
            continue
        below = bottom + 1
        if (
            below < len(rows)
            and _header_like(rows[below])
            and not _title_like(rows[below], below, merged, width)
            and _links(rows, bottom, below, origins, merged, width)
        ):
            bottom, grew = below, True
    header_rows = tuple(range(top, bottom + 1))
    return Header(header_rows, _column_parts(rows, header_rows, origins, merged, width))


def _column_parts(
    rows: list[list[Any]],
    header_rows: tuple[int, ...],
    origins: dict[tuple[int, int], tuple[int, int]],
    merged: Merged,
    width: int,
) -> dict[int, tuple[str, ...]]:
    """Each column's labels from the top header row down: merged cells give their label to every
    column and row they cover; without merges, a group label is carried right across blank cells
    that have sub-labels below (hand-made sheets and CSV). Repeats are dropped."""
    grid = {r: [_grid_label(rows, r, c, origins) for c in range(width)] for r in header_rows}
    own = {r: list(grid[r]) for r in header_rows}  # labels as written, before carrying
    for r in header_rows[:-1]:
        if any(r0 <= r <= r1 and c1 > c0 for (r0, c0), (r1, c1) in merged):
            continue  # the file says where its groups are
        lower = [grid[x] for x in header_rows if x > r]
        upper = [own[x] for x in header_rows if x < r]
        line = grid[r]
        for c in range(1, width):
            if any(up[c] for up in upper):
                continue  # a group of a higher row starts here: ours cannot reach across it
            if not line[c] and line[c - 1] and any(lo[c] and lo[c - 1] for lo in lower):
                line[c] = line[c - 1]
    parts: dict[int, tuple[str, ...]] = {}
    for c in range(width):
        labels: list[str] = []
        for r in header_rows:
            label = grid[r][c]
            if label and (not labels or labels[-1] != label):
                labels.append(label)
        if labels:
            parts[c] = tuple(labels)
    return parts


_TOTAL = re.compile(
    r"^(合\s*计|总\s*计|总\s*额|共\s*计|合计金额|本月合计|全部合计"
    r"|共\s*\d+\s*[人名]|\d+\s*[人名]\s*$|(总|合计)?人数\s*[:：])"
)
"""The table's total; also labelled by its headcount (``共 2 人``, ``人数：2``), never a name."""
_SUBTOTAL = re.compile(r"小\s*计|^.{1,12}?(合\s*计|总\s*计)\s*[:：]?\s*$")
"""小计 anywhere; ``技术部合计``, ``部门合计``, ``本页合计：`` — a block's total, not the table's."""
_SIGNATURE = re.compile(
    r"^(制表|制单|编制|审核|复核|审批|批准|签字|签名|签收|经办|负责人|财务|出纳|会计|主管|总经理|领导"
    r"|核对|核准|填表|记账|人事|部门负责|单位负责|法定代表)"
)
_NOTE = re.compile(r"^(备注|说明|注[:：]|注\s*[0-9一二三]|附注|填表说明|温馨提示)")


def _squeeze(text: str) -> str:
    """``制 表 人：`` → ``制表人：`` (labels spaced out to fill a cell)."""
    return re.sub(r"\s+", "", text)


_LATIN_WORDS = re.compile(r"[A-Za-z]+(?:[\s.'&/-]*[A-Za-z]+)*\.?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_PAIR = re.compile(r"[A-Za-z]{2}")
"""Two Latin letters in a row: every English row label has a word of two or more (Total, by); a
工号 such as E00001 has one letter only and is judged by its Chinese test alone (issue 15: 10,000
distinct 工号 of that form cost 0.08 s in the bilingual path)."""
_EN_LABEL = re.compile(
    r"^\s*(?:(?P<subtotal>sub-?\s*total|page\s*total)|(?P<total>grand\s*total|total)"
    r"|(?P<signature>(?:prepared|approved|checked|reviewed|verified|made)\s+by|signature))\b",
    re.IGNORECASE,
)
"""Row labels in English (Subtotal, Grand Total, Prepared by), as bilingual templates write them."""


def _chinese_part(text: str) -> str:
    """A bilingual label's Chinese words (``Total 合计`` → ``合计``); other text unchanged."""
    if text.isascii() or _CJK.search(text) is None or _LATIN_WORDS.search(text) is None:
        return text
    return _LATIN_WORDS.sub("", text).strip()


def _english_label(texts: list[str]) -> SkipReason | None:
    """What an English row label (the row's first text) says the row is."""
    match = _EN_LABEL.match(texts[0]) if texts and not _CJK.search(texts[0]) else None
    if match is None or match.lastgroup is None:
        return None
    return SkipReason(match.lastgroup)


def classify_row(row: list[Any], header: Header, identity_cols: list[int]) -> SkipReason | None:
    """Why ``row`` is not an employee's data row, or ``None`` when it is."""
    texts = [_text(v) for v in row if isinstance(v, str) and v.strip()]
    filled = sum(1 for v in row if not _is_blank(v))
    if filled == 0:
        return SkipReason.BLANK
    english = _english_label(texts)
    if english is not None and (english is not SkipReason.SIGNATURE or filled <= 8):
        return english
    texts = [_chinese_part(t) for t in texts]
    for t in texts:
        if _SUBTOTAL.search(t) and len(t) <= 20:
            return SkipReason.SUBTOTAL
    for t in texts:
        if _TOTAL.match(t):
            return SkipReason.TOTAL
    if texts and _SIGNATURE.match(_squeeze(texts[0])) and filled <= 8:
        return SkipReason.SIGNATURE
    if texts and _NOTE.match(texts[0]):
        return SkipReason.NOTE
    same = sum(1 for c, v in enumerate(row) if _text(v) and _text(v) in header.parts.get(c, ()))
    if same >= max(2, filled // 2):
        return SkipReason.HEADER_REPEAT
    if (
        len(texts) == filled
        and any(is_table_title(t) for t in texts)
        and all(is_table_title(t) or _LABEL_VALUE.match(t) for t in texts)
    ):
        return SkipReason.TITLE
    if _header_like(row) and sum(1 for t in texts if is_known_header(t)) >= MIN_RECOGNISED:
        return SkipReason.OTHER_TABLE  # another header: the rows below are not in our columns
    if identity_cols and all(c >= len(row) or _is_blank(row[c]) for c in identity_cols):
        return SkipReason.NO_EMPLOYEE
    return None


_LABEL_HINT = re.compile(
    _SUBTOTAL.pattern + "|" + "|".join(p.pattern.lstrip("^") for p in (_TOTAL, _SIGNATURE, _NOTE))
)


_TABLE_TITLE = re.compile(
    r"(工资|薪资|薪酬|薪金|工薪|发放|奖金|明细|汇总)(表|单|条|清单)|花名册"
    r"|\d{4}\s*年\s*\d{1,2}\s*月|\d{4}\s*年度"
)


def is_table_title(text: str) -> bool:
    """Whether a cell's text titles a table (``2025年8月工资表``, ``工资条``): never an employee's
    name or 工号, so a row holding only such text starts a table rather than naming a person."""
    return _TABLE_TITLE.search(unicodedata.normalize("NFKC", text)) is not None


_COLUMN_NUMBER_LABEL = re.compile(r"^(栏次|行次|列次|栏号|列号|栏目)$")
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*\)?(\s*=.*)?$")  # after NFKC
"""``3``, ``(3)``, ``3=1-2``: the number a form gives its column, with the sum it stands for."""


def _column_number(value: Any) -> int | None:
    if not isinstance(value, str):
        return values.whole_number(value)
    text = unicodedata.normalize("NFKC", _text(value))
    match = _COLUMN_NUMBER.match(text)
    if match:
        return int(match.group(1))
    if len(text) == 1 and text.isascii() and text.isalpha():
        return ord(text.upper()) - ord("A") + 1
    return None


def is_column_numbers(row: list[Any]) -> bool:
    """Whether ``row`` numbers the columns (栏次: 1, 2, 3… or A, B, C…, one step apart from
    cell to filled cell, at least three), as forms do right under their header; never an
    employee's row."""
    cells = [v for v in row if not _is_blank(v)]
    if cells and _COLUMN_NUMBER_LABEL.match(_squeeze(_text(cells[0]))):
        cells = cells[1:]
    if len(cells) < 3:
        return False
    previous: int | None = None
    for value in cells:
        number = _column_number(value)
        if number is None or (previous is not None and number != previous + 1):
            return False
        previous = number
    return True


_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*[(（]?\s*(万元|千元)")
_UNIT_SUFFIX = re.compile(r"[(（\[【]\s*(万元|千元)\s*[)）\]】]\s*$|(万元|千元)\s*$")
MONEY_UNITS = {"万元": 10000, "千元": 1000}
"""Amounts written in 万元 or 千元 are multiplied by this to give yuan."""


def money_unit_line(rows: list[list[Any]]) -> str | None:
    """``万元`` or ``千元`` when a line above the table says the amounts are in it
    (``单位：万元``, ``金额单位：千元``); ``None`` for yuan or nothing said."""
    for row in rows:
        for v in row:
            match = _UNIT_LINE.search(_text(v))
            if match:
                return match.group(1)
    return None


def money_unit_suffix(header: str) -> str | None:
    """``万元`` or ``千元`` when a column's header names that unit (``应发工资(万元)``)."""
    match = _UNIT_SUFFIX.search(unicodedata.normalize("NFKC", header))
    return (match.group(1) or match.group(2)) if match else None


def is_column_name(text: str) -> bool:
    """Whether a cell holds exactly a known column name (姓名, 应发工资): a header's, not a person's."""
    return text.strip() in HEADER_WORDS


def looks_like_label(text: str) -> bool:
    """Whether an identity cell holds a row label (小计, 合计, 制表…) rather than an employee."""
    if _LABEL_HINT.search(_squeeze(text)) is not None:
        return True
    if _LATIN_PAIR.search(text) is None:
        return False  # a Chinese name or a 工号: no English word to read
    return (
        _LABEL_HINT.search(_squeeze(_chinese_part(text))) is not None
        or _english_label([text.strip()]) is not None
    )


TABLE_END = (SkipReason.TOTAL, SkipReason.SIGNATURE)
"""Rows that close the table: below them come notes, scratch figures or another small table."""


# ------------------------------------------------------------------ pay month of a sheet
_STAMP = re.compile(
    r"(制表|打印|导出|填报|编制|生成|审核|审批|核准|发放|发薪|付款|支付|签发|报送)\s*(日期|时间|日)"
)
"""Dates on these title cells say when the sheet was made, not which month it pays."""


def _before_stamp(text: str) -> str:
    """A title cell without its date of making and what follows (``2025年12月工资表 发放日期：
    2026年1月10日`` → ``2025年12月工资表``); empty when the cell starts with one."""
    stamp = _STAMP.search(text)
    return text[: stamp.start()].strip() if stamp else text


@dataclass(frozen=True)
class PeriodGuess:
    period: str | None
    source: str
    disagreeing: str = ""
    """A pay title above the table naming another month than the sheet name does (the name
    wins), as ``标题“2025年8月工资表”（2025-08）``; empty when they agree or there is none."""


_PERIOD_LABEL = re.compile(
    r"(所属期间|所属月份|工资月份|薪资月份|薪资期间|发放月份|核算月份|计薪月份|期间|月份)\s*[:：]"
)
_PAY_TITLE = re.compile(r"工资|薪资|薪酬|薪金|工薪|发放")


def sheet_period(
    sheet_name: str, title_rows: list[list[Any]], file_name: str, file_date: date | None = None
) -> PeriodGuess:
    """The pay month a whole sheet belongs to.

    In order: the sheet name ("2025.07", "8月" — a year-less name takes its year from the title or
    the file name); a label-value line above the header (``所属期间：2025年7月``); the table's own
    title, the line nearest the header first (an e-mail subject or a note further up loses to it);
    any other line above the header; the file name. Dates of making (制表日期) and tax periods
    (税款所属期) never name the work month.
    """
    lines: list[list[str]] = [
        [c for v in row if (c := _before_stamp(_text(v))) and not TAX_PERIOD.search(c)]
        for row in title_rows
    ]
    title = " ".join(cell for line in lines for cell in line)
    # a span (2025年12月—2026年1月工资表) names no single pay month
    cells_near_first = [cell for line in reversed(lines) for cell in line if not names_span(cell)]
    spanned = names_span(sheet_name)
    found = None if spanned else values.find_period(sheet_name)
    if found:
        titled = next(
            ((cell, p) for cell in cells_near_first
             if _PAY_TITLE.search(cell) and (p := title_period(cell, None))),
            None,
        )  # fmt: skip
        other = f"标题“{titled[0][:40]}”（{titled[1]}）" if titled and titled[1] != found else ""
        return PeriodGuess(found, f"工作表名“{sheet_name}”", other)
    month = None if spanned else values.find_month(sheet_name)
    if month is not None:
        for text, where in ((title, "标题"), (file_name, "文件名")):
            hint = _year_hint_of(text, where) if text else None
            if hint is None:
                continue
            years = hint.years_for(month)
            if len(years) != 1:
                break  # 2025-2026年度: which year's 1月 the sheet is, the title cannot say
            return PeriodGuess(
                f"{years[0]:04d}-{month:02d}", f"工作表名“{sheet_name}”+{where}中的年份"
            )
    year_hint = next((y for cell in cells_near_first if (y := values.find_year(cell))), None)
    for cell in cells_near_first:
        label = _PERIOD_LABEL.search(cell)
        if label:
            found = title_period(cell[label.end() :], year_hint)
            if found:
                return PeriodGuess(found, f"表头上方“{cell[:40]}”")
    for wanted in (True, False):
        for cell in cells_near_first:
            if bool(_PAY_TITLE.search(cell)) is not wanted:
                continue
            found = title_period(cell, None)
            if found:
                return PeriodGuess(found, f"标题“{cell[:40]}”")
    found = None if names_span(file_name) else values.find_period(file_name)
    if found:
        return PeriodGuess(found, f"文件名“{file_name}”")
    return PeriodGuess(None, "")


_YEAR_MONTH = r"((?:19|20)\d{2})\s*(?:年\s*(?:(\d{1,2})\s*月份?)?|[-./](\d{1,2})(?!\d))?"
_SPAN = re.compile(
    rf"(?<!\d){_YEAR_MONTH}\s*(?:-|—|\u2013|~|至|到)+\s*(?:{_YEAR_MONTH}|(\d{{1,2}})\s*月)(?!\d)"
)
"""A span of months or years: ``2025年12月—2026年1月``, ``2025.12-2026.01``, ``2025-2026年度``,
``2025年12月至1月`` (NFKC; full dates are taken out first)."""
_WHOLE_DATE = re.compile(r"(?<!\d)\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)\s*日?")
"""A full date, its day not cut from a longer number (``2025.12-2026.01`` holds none)."""


_MONTH_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*(?:-|—|\u2013|~|至|到)+\s*(\d{1,2})\s*月"
)
"""A range of months in one year's words: ``2025年1-6月``, ``2025年11至12月``."""


_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*[\d一二三四五六七八九十])")
"""A year named on its own (``2025年``, ``2025年度``), no month after it (NFKC)."""


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _spans(text: str) -> list[tuple[int, int]]:
    """The spans ``text`` names, as (first, last) month indexes (year * 12 + month - 1); a span
    of years without months runs from January of the first to December of the last."""
    out = []
    for m in _SPAN.finditer(_WHOLE_DATE.sub(" ", text)):
        y1, m1 = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
        if m.group(4):
            y2, m2 = int(m.group(4)), int(m.group(5) or m.group(6) or 12)
        elif m1:
            m2 = int(m.group(7))
            y2 = y1 + 1 if m2 < m1 else y1  # 2025年12月至1月
        else:
            continue  # 2025年-3月: no start month to read the end against
        if not (1 <= m2 <= 12 and 0 <= m1 <= 12):
            continue
        first, last = _month_index(y1, m1 or 1), _month_index(y2, m2)
        if first < last:
            out.append((first, last))
    for m in _MONTH_RANGE.finditer(text):
        y1, m1, m2 = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= m1 <= 12 and 1 <= m2 <= 12 and m1 != m2:
            out.append((_month_index(y1, m1), _month_index(y1 + (m2 < m1), m2)))
    return out


def names_span(text: str) -> bool:
    """Whether ``text`` names a span of several months (``2025年12月—2026年1月``, ``2025-2026年度``),
    not one pay month; date ranges (考勤周期 2025.06.26-2025.07.25) are not such spans."""
    return bool(_spans(unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class YearHint:
    """The year(s) a sheet names for months written without one (a 月份 column of ``7月``).

    ``years`` are the years the text at ``where`` names (one, or several when it spans years or
    names the paying month beside the work month); ``months`` the month indexes (year * 12 +
    month - 1) it names or spans, which place a month among several years.
    """

    where: str
    years: tuple[int, ...]
    months: frozenset[int] = frozenset()

    def years_for(self, month: int) -> tuple[int, ...]:
        """The years ``month`` (1 to 12) may belong to: one when the text decides, else several
        (both years of ``2025-2026年度``) or none (June under ``2025年12月—2026年1月``)."""
        if len(self.years) == 1:
            return self.years
        return tuple(y for y in self.years if _month_index(y, month) in self.months)


def _year_hint_of(text: str, where: str) -> YearHint | None:
    """The years ``text`` gives months written without one. Only a span or months named with
    their year make several years; a bare year beside another (2025年工资（依据2024年集体合同）)
    does not: the year of the months named serves, else the first year named."""
    year = values.find_year(text)
    if year is None and (period := values.find_period(text)):
        year = int(period[:4])
    if year is None:
        return None
    place = f"{where}“{text[:40]}”"
    normal = unicodedata.normalize("NFKC", text)
    spans = _spans(normal)
    if not spans and (bare := _BARE_YEAR.search(_WHOLE_DATE.sub(" ", normal))):
        # 2025年工资表（2026年1月修订）: the year named on its own is the sheet's; a month of
        # another year beside it says when the sheet was made or paid
        return YearHint(place, (int(bare.group(1)),))
    months = {i for first, last in spans for i in range(first, last + 1)}
    months |= {
        _month_index(int(m.group(1)), int(m.group(2)))
        for m in values.PERIOD_IN_TEXT.finditer(_WHOLE_DATE.sub(" ", normal))
        if 1 <= int(m.group(2)) <= 12
    }  # a lone full date is a stamp (when the sheet was made or paid), not a month of the sheet
    years = sorted({i // 12 for i in months})
    if len(years) < 2:
        return YearHint(place, (years[0] if years else year,))
    return YearHint(place, tuple(years), frozenset(months))


def year_hint(sheet_name: str, title_rows: list[list[Any]], file_name: str) -> YearHint | None:
    """The year a sheet names for months written without one (a 月份 column of ``7月``), and
    where: the sheet name, a line above the table (not a date of making), or the file name.

    A text naming two years (``2025年12月—2026年1月工资表``, ``2025-2026年度``, ``2026年1月发放
    2025年12月工资``) gives each month the year its span or its named months give it, or leaves
    the month undecided (``YearHint.years_for``)."""
    cells = [_text(v) for row in title_rows for v in row if _text(v)]
    cells = [c for c in map(_before_stamp, cells) if c and not TAX_PERIOD.search(c)]
    for text, where in (
        (sheet_name, "工作表名"),
        *((c, "标题") for c in cells),
        (file_name, "文件名"),
    ):
        hint = _year_hint_of(text, where)
        if hint is not None:
            return hint
    return None


_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_WAGE_MONTH = re.compile(
    r"(\d{1,2}|十[一二]|[一二三四五六七八九十])\s*月份?\s*(?:的)?\s*(?:工资|薪资|薪酬|薪金)"
)
_CN_MONTH_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                     "十": 10, "十一": 11, "十二": 12}  # fmt: skip


def title_period(text: str, year_hint: int | None) -> str | None:
    """The work month a line above the table names, or ``None``.

    A range of dates (考勤周期 2025.06.26-2025.07.25, 2025年7月1日至7月31日) names the month it
    ends in; a single full date is a stamp (when the sheet was made or paid), not the month; in
    "2025年8月发放 7月工资" the month of the wages wins; a year and a month apart ("2025年度7月",
    "7月份工资表（2025年）", "二〇二五年七月") are joined; ``year_hint`` serves a line that names only
    the month (月份：7月).
    """
    text = unicodedata.normalize("NFKC", text)
    dates = list(_FULL_DATE.finditer(text))
    if len(dates) >= 2:
        last = dates[-1]
        return values.find_period(f"{last.group(1)}-{last.group(2)}")
    if dates:
        rest = _FULL_DATE.sub(" ", text)
        if values.find_month(rest) is None:
            return None  # only a date: when the sheet was made or paid
        text = rest
    year = values.find_year(text) or year_hint
    wage = _WAGE_MONTH.search(text)
    if wage and year is not None:
        token = wage.group(1)
        month = int(token) if token.isdigit() else _CN_MONTH_NUMBERS[token]
        paid = values.find_period(text)
        if paid is not None and int(paid[5:]) < month:
            year -= 1  # 2026年1月发放 12月工资
        return values.find_period(f"{year}-{month:02d}") if 1 <= month <= 12 else None
    found = values.find_period(text)
    bare = _BARE_YEAR.search(text)
    if found and bare and int(bare.group(1)) != int(found[:4]):
        return None  # 2025年度工资（2026年1月发放）: the month is when a year's table was paid
    if found:
        return found
    bare_month = values.find_month(text)
    if year is not None and bare_month is not None:
        return f"{year:04d}-{bare_month:02d}"
    return None
