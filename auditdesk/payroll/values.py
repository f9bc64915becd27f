"""Cell parsers for payroll sheets: money, hours/days, every date form, periods, ID numbers as text.

Each parser takes the raw cell value as a reader returns it (``str``, ``float``, ``int``, ``date``,
``datetime``, ``bool``; empty cells are ``""`` or ``None``) and returns the typed value, ``None`` for
an empty cell, or raises :class:`CellValueError` with a Chinese reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from auditdesk.models.payroll import FieldKind


class CellValueError(ValueError):
    """A cell whose content cannot be read as the expected kind; ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Excel's 1900 date system: serial 1 = 1900-01-01, with the fictitious 1900-02-29 (serial 60),
# so for every real date after February 1900 the epoch is 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN = 1  # 1900-01-01
_SERIAL_MAX = 2958465  # 9999-12-31
_EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
_NIL_MARKS = frozenset(
    {"-", "--", "\u2014", "\u2013", "\uff0d"}
)  # hyphen, em and en dash, full-width
"""Accounting sheets write a dash for zero; it is an explicit zero, unlike a blank cell."""

_MONEY_JUNK = str.maketrans("", "", "¥￥元'")
_SEPARATED = re.compile(r"[, ]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")
"""An integer part grouped in thousands by commas or by spaces (after NFKC: full-width commas and
ideographic or no-break spaces are plain ones)."""
_NUMBER_UNITS = re.compile(r"(小时|个小时|工时|天|日|h|H|hrs?|d)$")
_CURRENCY_WORDS = re.compile(r"^(?:rmb|cny|人民币)\s*|\s*(?:/月|每月|/人/月|整)$", re.IGNORECASE)
"""``RMB 500``, ``人民币2600``, ``3500/月`` (after 元 is dropped): the currency or period written out."""


_EXCEL_TEXT_WRAPPER = re.compile(r'^="((?:[^"]|"")*)"$')


def unwrap_excel_text(text: str) -> str:
    """``="00123"`` → ``00123``: the wrapper Excel users and HR systems put around a CSV field so
    that Excel keeps it as text (leading zeros, 18-digit IDs). Only that exact form is unwrapped
    (``""`` inside is a quote); any other text, including one starting with ``=``, is returned
    unchanged. Surrounding whitespace is ignored."""
    stripped = text.strip()
    if not stripped.startswith('="'):
        return text
    match = _EXCEL_TEXT_WRAPPER.match(stripped)
    return match.group(1).replace('""', '"') if match else text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def whole_number(value: Any) -> int | None:
    """A cell holding a whole number (an ``int``, or a ``float`` without a fraction, as Excel
    stores every number) as an ``int``; ``None`` for anything else, booleans included (TRUE is
    not 1 in a payroll)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return None


def _decimal_from_float(value: float) -> Decimal:
    """Excel keeps 15 significant digits; drop the binary tail (3503.5600000000004 → 3503.56).

    Amounts in whole cents (nearly all of them) go through a scaled integer, which is faster
    than formatting; anything finer keeps its 15 significant digits.
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise CellValueError("不是有效的数字")
    if value.is_integer():
        return Decimal(int(value))
    cents = round(value * 100)
    if abs(value * 100 - cents) < 1e-6:
        return Decimal(cents).scaleb(-2)
    return Decimal(format(value, ".15g"))


def _text_to_decimal(text: str, *, what: str) -> Decimal:
    raw = text
    text = unicodedata.normalize("NFKC", unwrap_excel_text(text)).strip()
    if text in _EXCEL_ERRORS:
        raise CellValueError(f"单元格是公式错误 {text}")
    if text in _NIL_MARKS:
        return Decimal(0)
    negative = False
    if (text.startswith("(") and text.endswith(")")) or (
        text.startswith("（") and text.endswith("）")
    ):
        negative = True
        text = text[1:-1]
    text = text.translate(_MONEY_JUNK).strip()
    if what == "money":
        text = _CURRENCY_WORDS.sub("", text)
    scale = Decimal(1)
    if text.endswith("万"):
        scale = Decimal(10000)
        text = text[:-1].strip()
    if what == "number":
        text = _NUMBER_UNITS.sub("", text).strip()
    if text.startswith("-"):
        negative = not negative
        text = text[1:].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    elif text.endswith("-") and len(text) > 1:  # 1,234.00- as accounting systems write a debit
        negative = not negative
        text = text[:-1].strip()
    if _SEPARATED.search(text):
        # Only separators that group thousands are dropped: 8,00 or 1.234,56 (a decimal comma)
        # or 8000 7000 (two figures) would otherwise become another amount without a word.
        whole, dot, fraction = text.partition(".")
        if not _THOUSANDS.fullmatch(whole) or _SEPARATED.search(fraction):
            raise CellValueError(
                f"“{raw}”中的逗号或空格不是千分位分隔符（应如 1,234.50），无法确定数值"
            )
        text = whole.replace(",", "").replace(" ", "") + dot + fraction
    if not text or not re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
        label = "金额" if what == "money" else "数字"
        raise CellValueError(f"“{raw}”不是有效的{label}")
    try:
        result = Decimal(text) * scale
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise CellValueError(f"“{raw}”不是有效的数字") from exc
    return -result if negative else result


def _parse_decimal(value: Any, what: str) -> Decimal | None:
    label = "金额" if what == "money" else "数字"
    kind = type(value)
    if kind is float:
        return _decimal_from_float(value)
    if kind is int:
        return Decimal(value)
    if kind is str:
        return _text_to_decimal(value, what=what) if value.strip() else None
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellValueError(f"是“是/否”值，不是{label}")
    if isinstance(value, date):
        raise CellValueError(f"是日期 {value:%Y-%m-%d}，不是{label}")
    raise CellValueError(f"“{value}”不是有效的{label}")


def parse_money(value: Any) -> Decimal | None:
    """Yuan as ``Decimal``: numbers, or text with ¥/￥/元, thousands separators, full-width digits,
    a leading minus or accounting parentheses for negatives, and ``万``."""
    return _parse_decimal(value, "money")


def parse_number(value: Any) -> Decimal | None:
    """Hours or days: like money, and text may carry a unit (小时, 天, h)."""
    return _parse_decimal(value, "number")


def excel_serial_to_date(serial: float) -> date:
    """The day of an Excel (1900 system) serial number; a fraction is the time of day and is
    dropped (45853.5 → 2025-07-15). Raises :class:`CellValueError` outside 1900-01-01..9999-12-31.
    """
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise CellValueError(f"{serial:g} 不是有效的 Excel 日期序号")
    if serial < 61:  # before the fictitious 1900-02-29
        return date(1899, 12, 31) + timedelta(days=int(serial))
    return _EXCEL_EPOCH + timedelta(days=int(serial))


# a time of day after a date: 13:45, 08:00:00, 8:00:00.000, 1:45 PM, 下午1:45, 13时45分, T08:00:00+08:00
_TIME = (
    r"(?:[ T]*(?:上午|下午|凌晨|中午|晚上)?\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?|时(?:\d{1,2}分"
    r"(?:\d{1,2}秒)?)?|点(?:\d{1,2}分?)?)\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})" + _TIME + "$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?" + _TIME + "$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})" + _TIME + "$"),
)
_SERIAL_WITH_TIME = re.compile(r"^\d{5}\.\d+$")
"""A date-time serial written as text (45853.5); five digits before the point: 1927 to 2173."""


_DATE_SPACES = re.compile(r"\s*([年月日号./-])\s*")

_EN_MONTHS = {
    name: i + 1
    for i, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december"),
    ))
    for name in names
}  # fmt: skip
"""English month names as Excel writes them in a CSV (Jul-25, 10-Aug-25) or people type them."""
_EN = r"([a-z]{3,9})\.?"
_EN_DATES = (
    (re.compile(rf"^(\d{{1,2}})[\s\-/]*{_EN}[\s\-/,]*(\d{{4}}|\d{{2}})$"), "dmy"),  # 10-Aug-25
    (
        re.compile(rf"^{_EN}[\s\-/]*(\d{{1,2}})(?:st|nd|rd|th)?[\s,]+(\d{{4}})$"),
        "mdy",
    ),  # Aug 10, 2025
    (re.compile(rf"^(\d{{4}})[\s\-/.]*{_EN}[\s\-/.]*(\d{{1,2}})$"), "ymd"),  # 2025-Aug-10
)
_EN_PERIODS = (
    (re.compile(rf"^{_EN}[\s\-/.',]*(\d{{4}}|\d{{2}})$"), "my"),  # Jul-25, July 2025, jul.25
    (re.compile(rf"^(\d{{4}}|\d{{2}})[\s\-/.]*{_EN}$"), "ym"),  # 2025-Jul, 25-Jul (yy-mmm)
)


def _full_year(text: str) -> int:
    """A year of two digits as Excel reads it: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 30 else 1900
    return year


def _english_date(text: str, raw: str) -> date | None:
    """``10-Aug-25``, ``10 August 2025``, ``Aug 10, 2025``, ``2025-Aug-10`` (NFKC text), or ``None``."""
    low = text.lower()
    for pattern, order in _EN_DATES:
        match = pattern.match(low)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _EN_MONTHS.get(parts["m"])
        if month is None:
            return None
        return _make_date(_full_year(parts["y"]), month, int(parts["d"]), raw)
    return None


def english_period(text: str) -> str | None:
    """``Jul-25``, ``July 2025``, ``2025-Jul``, ``25-Jul`` (a pay month column's yy-mmm) → ``YYYY-MM``,
    or ``None``. A day and month without a year (``1-Jul``) names no pay month."""
    low = unicodedata.normalize("NFKC", text).strip().lower()
    for pattern, order in _EN_PERIODS:
        match = pattern.match(low)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _EN_MONTHS.get(parts["m"])
        year = parts["y"]
        if month is None or (len(year) == 2 and order == "ym" and int(year) < 13):
            return None  # 1-Jul, 12-Jul: a day of July, not a year
        return _period(_full_year(year), month)
    return None


def _make_date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellValueError(f"“{raw}”不是存在的日期") from exc


def parse_date(value: Any) -> date | None:
    """Real dates, Excel serial numbers, and text as 2025-07-01, 2025.07.01, 2025/7/1, 20250701,
    2025年7月1日 → ``date``; ``None`` for an empty cell.

    A time of day is dropped wherever it comes: a ``datetime`` (2025-07-15 13:45 → 2025-07-15), a
    serial with a fraction (45853.5), text with a time (``2025/7/15 13:45``,
    ``2025-07-15 08:00:00``, ``2025年7月15日 下午1:45``). Raises :class:`CellValueError` for a
    day that does not exist, a serial outside Excel's range, or text that is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellValueError("是“是/否”值，不是日期")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a date-time serial: keep the day
        number = int(value)
        if 19000101 <= number <= 21001231:
            text = str(number)
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
        return excel_serial_to_date(number)
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", unwrap_excel_text(value)).strip()
        text = _DATE_SPACES.sub(r"\1", text)
        if not text:
            return None
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                y, m, d = (int(g) for g in match.groups())
                return _make_date(y, m, d, value)
        if text.isdigit() and len(text) <= 7:
            return excel_serial_to_date(int(text))
        if _HAS_LATIN.search(text):
            day = _english_date(text, value)
            if day is not None:
                return day
        if _SERIAL_WITH_TIME.match(text):
            return excel_serial_to_date(float(text))
        if text in _EXCEL_ERRORS:
            raise CellValueError(f"单元格是公式错误 {text}")
        raise CellValueError(f"“{value}”不是可识别的日期")
    raise CellValueError(f"“{value}”不是可识别的日期")


_CN_MONTHS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_PERIOD_FULL = re.compile(r"(?<!\d)(\d{4})\s*(?:年|[-./_])\s*(\d{1,2})(?:\s*月)?(?!\d)")
PERIOD_IN_TEXT = _PERIOD_FULL
"""A year and month in free text (groups: year, month), as ``find_period`` reads them."""
_PERIOD_COMPACT = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)")
_MONTH_ONLY = re.compile(r"(?<!\d)(\d{1,2})\s*月")
_MONTH_CN = re.compile(r"(十[一二]|[一二三四五六七八九十])月")
_YEAR_ONLY = re.compile(r"(?<!\d)(20\d{2})\s*年?(?!\d)")
_CN_DIGITS = {"\u3007": "0", "零": "0", "\u25cb": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
_CN_YEAR = re.compile("([二\u3007零\u25cb一三四五六七八九]{4})\\s*年")


def _period(year: int, month: int) -> str | None:
    if 1990 <= year <= 2100 and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return None


_HAS_LATIN = re.compile(r"[A-Za-z]")
_MONTH_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*((?:19|20)\d{2})$")
"""``07/2025``, ``7-2025``: a month column as English-locale systems write it."""


def find_period(text: str) -> str | None:
    """The first pay month named with its year in free text (a title, sheet or file name)."""
    text = unicodedata.normalize("NFKC", text)
    match = _PERIOD_FULL.search(text)
    if match:
        return _period(int(match.group(1)), int(match.group(2)))
    match = _PERIOD_COMPACT.search(text)
    if match:
        return _period(int(match.group(1)), int(match.group(2)))
    if _HAS_LATIN.search(text):
        found = english_period(text)  # a sheet named Jul-25 or July 2025
        if found:
            return found
        match = _EN_MONTH_YEAR.search(text)  # Payroll July 2025, Salary_Aug_2025
        if match and match.group(1).lower() in _EN_MONTHS:
            return _period(int(match.group(2)), _EN_MONTHS[match.group(1).lower()])
    return None


_EN_MONTH_YEAR = re.compile(r"(?<![A-Za-z])([A-Za-z]{3,9})\.?[\s_\-]*((?:19|20)\d{2})(?!\d)")
"""An English month and a four-digit year inside a longer name (``Payroll July 2025``)."""


def find_month(text: str) -> int | None:
    """A month named without its year: ``8月``, ``08月``, ``八月``."""
    text = unicodedata.normalize("NFKC", text)
    match = _MONTH_ONLY.search(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return int(match.group(1))
    match = _MONTH_CN.search(text)
    if match:
        return _CN_MONTHS[match.group(1)]
    return None


def year_less_month(value: Any) -> int | None:
    """The month (1 to 12) a 月份 cell names without its year: a text such as ``8月``, ``八月``
    or ``08``, or a whole number 1 to 12; ``None`` for anything else (a cell naming a year
    too, an amount)."""
    if isinstance(value, str):
        if find_year(value) is not None:
            return None
        digits = unicodedata.normalize("NFKC", value).strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 2:
            return int(digits) if 1 <= int(digits) <= 12 else None
        return find_month(value)
    number = whole_number(value)
    return number if number is not None and 1 <= number <= 12 else None


def find_year(text: str) -> int | None:
    """A year named in free text: ``2025年``, ``2025年度``, ``二〇二五年``."""
    text = unicodedata.normalize("NFKC", text)
    match = _YEAR_ONLY.search(text)
    if match:
        return int(match.group(1))
    match = _CN_YEAR.search(text)
    if match:
        year = int("".join(_CN_DIGITS[c] for c in match.group(1)))
        return year if 1990 <= year <= 2100 else None
    return None


def _decimal_year_month(value: float) -> str:
    """``2025.07`` typed into a cell Excel keeps as a number: year and month. ``2025.1`` may be
    January or October (Excel drops the trailing zero of 2025.10), so it is refused, not guessed."""
    year = int(value)
    digits = f"{value:.6f}".split(".")[1].rstrip("0")
    if digits == "1":
        raise CellValueError(
            f"“{value}”可能是 {year} 年 1 月，也可能是 10 月（Excel 会把 2025.10 存成 2025.1）；"
            "请把月份列改为文本（如 2025-10）或在导入时指定工资月份"
        )
    found = _period(year, int(digits)) if digits.isdigit() and len(digits) <= 2 else None
    if found is None:
        raise CellValueError(f"“{value}”不是有效的工资月份")
    return found


def parse_period(value: Any) -> str | None:
    """A pay month cell → ``YYYY-MM``: text (2025-07, 2025.07, 2025年7月, 202507) or a date."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and 1990 < value < 2101 and not value.is_integer():
            return _decimal_year_month(value)
        if year_less_month(value) is not None:  # 7 is July, not the date serial 1900-01-07
            raise CellValueError(f"“{value:g}”只写了月份，没有年份（应如 2025-07 或 2025年7月）")
        number = int(value)
        if 199001 <= number <= 210012:
            found = _period(number // 100, number % 100)
            if found:
                return found
        if 19000101 <= number <= 21001231 or _SERIAL_MIN <= number <= _SERIAL_MAX:
            day = parse_date(value)
            assert day is not None
            return f"{day.year:04d}-{day.month:02d}"
        raise CellValueError(f"“{value}”不是有效的工资月份")
    text = str(value)
    found = find_period(text)
    if found:
        return found
    if year_less_month(text) is not None:
        raise CellValueError(f"“{text.strip()}”只写了月份，没有年份（应如 2025-07 或 2025年7月）")
    english = english_period(text) if _HAS_LATIN.search(text) else None
    if english:
        return english
    month_first = _MONTH_FIRST.match(unicodedata.normalize("NFKC", text).strip())
    if month_first and _period(int(month_first.group(2)), int(month_first.group(1))):
        return _period(int(month_first.group(2)), int(month_first.group(1)))
    try:
        day = parse_date(text)
    except CellValueError:
        day = None
    if day is not None:
        return f"{day.year:04d}-{day.month:02d}"
    raise CellValueError(f"“{value}”不是有效的工资月份（应如 2025-07 或 2025年7月）")


def parse_text(value: Any) -> str | None:
    """Names, departments, employee numbers → ``str`` (``None`` for an empty cell).

    Numbers stored as numbers become their digits; Excel's force-text wrapper ``="00123"`` is
    unwrapped (see :func:`unwrap_excel_text`). Raises :class:`CellValueError` for a formula error
    such as ``#REF!``."""
    if isinstance(value, str):
        text = unwrap_excel_text(value).strip()
        if text in _EXCEL_ERRORS:
            raise CellValueError(f"单元格是公式错误 {text}")
        return text or None
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_ID_CLEAN = str.maketrans("", "", " \t\r\n\u3000\u00a0\u200b\ufeff'\u2018\u2019`-")
_ID_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?E[+-]?\d+$")
ID_SCIENTIFIC_REASON = (
    "身份证号被 Excel 改成了科学计数法，后几位已丢失，无法还原；"
    "请在 Excel 中把该列设为文本后重新导出"
)
ID_AS_NUMBER_REASON = (
    "身份证号被 Excel 存成了数字，只保留 15 位有效数字，后几位已丢失，无法还原；"
    "请在 Excel 中把该列设为文本后重新录入"
)


_ID_FLOAT_TAIL = re.compile(r"\.0+$")


def parse_id_number(value: Any) -> str | None:
    """Resident ID numbers kept as text → upper-case ``str`` (``None`` for an empty cell).

    Text is cleaned of what exports and typists add around the number: Excel's ``="…"`` wrapper,
    a leading apostrophe or tab, spaces (also full-width and inside the number), dashes, and
    full-width digits. Raises :class:`CellValueError` when the number is already damaged: text in
    scientific notation (``3.10115E+17``: :data:`ID_SCIENTIFIC_REASON`), or a number of 16+
    digits, which has lost its tail to Excel's 15-digit precision
    (:data:`ID_AS_NUMBER_REASON`); that is reported, not guessed."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", unwrap_excel_text(value)).translate(_ID_CLEAN)
        text = unwrap_excel_text(text).upper()  # a wrapper behind a tab or apostrophe
        if _ID_SCIENTIFIC.match(text):
            raise CellValueError(ID_SCIENTIFIC_REASON)
        bare = _ID_FLOAT_TAIL.sub("", text)
        if bare != text and len(bare) in (15, 18):
            text = bare  # "…1236.0" from an export that printed the cell as a float; the check
            # character (DATA.ID_INVALID) still tells whether the digits survived
        return text or None
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellValueError("是“是/否”值，不是身份证号")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellValueError(f"“{value}”不是身份证号")
        digits = str(int(value))
        if len(digits) > 15:
            raise CellValueError(ID_AS_NUMBER_REASON)
        return digits
    raise CellValueError(f"“{value}”不是身份证号")


PARSERS: dict[FieldKind, Callable[[Any], Any]] = {
    FieldKind.TEXT: parse_text,
    FieldKind.ID_NUMBER: parse_id_number,
    FieldKind.DATE: parse_date,
    FieldKind.NUMBER: parse_number,
    FieldKind.MONEY: parse_money,
    FieldKind.PERIOD: parse_period,
}
