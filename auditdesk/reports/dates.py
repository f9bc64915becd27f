"""Dates as the documents print them: the Chinese form an official letter carries
(2026年12月1日), in every document HR and counsel read — reports, 整改建议书, 跟诊记录, letters
and the 内部资料 annex. ISO dates stay in machine-readable places only (file names, JSON, the
整改台账's date cells) and in the stored findings: :func:`chinese_dates` turns the months and
dates quoted in a finding's title and facts (``2025-07``, ``2025-07-15``) into this form when a
document's variables are built, leaving the finding itself as it was written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any


def cn_date(day: date | None) -> str:
    """``date(2026, 12, 1)`` → ``2026年12月1日`` (no leading zeros); ``None`` → ``""``."""
    return f"{day.year}年{day.month}月{day.day}日" if day is not None else ""


_BEFORE = r"(?<![0-9A-Za-z./\-])"
_AFTER = r"(?![0-9A-Za-z]|[./\-]\d)"
_YMD = r"((?:19|20)\d{2})-(0?[1-9]|1[0-2])(?:-(0?[1-9]|[12]\d|3[01]))?"
_STAFF_LINE = r"(?!（[^）\n]{1,30}）[：:])"
_DATE = re.compile(_BEFORE + _YMD + _AFTER + _STAFF_LINE)
"""A whole ISO month or date standing alone: not part of a longer code (工号 2025-07-001, an ID
number, a version such as 2026.12.1, a telephone number), nor the 工号 heading a finding's fact
line (``2019-12（张*）：…``: the 12th hire of 2019)."""
_RANGE = re.compile(_BEFORE + _YMD + r"\.\." + _YMD + _AFTER)
"""Two months joined by ``..`` (a merged payroll group's months: 2025-05..2025-07)."""
_DAYS = re.compile(
    _BEFORE
    + r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(\s*至\s*)(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    + _AFTER
)
"""Two days of a month as ``06-01 至 06-30`` (a span inside one pay month): only as such a span,
so that a bare ``06-01`` elsewhere (a code, a room number) is left alone."""


def _one(year: str, month: str, day: str | None) -> str | None:
    if day is None:
        return f"{int(year)}年{int(month)}月"
    try:
        return cn_date(date(int(year), int(month), int(day)))
    except ValueError:  # 2025-02-30 is no date: quoted as written
        return None


def _date(m: re.Match[str]) -> str:
    return _one(m[1], m[2], m[3]) or m[0]


def _range(m: re.Match[str]) -> str:
    first, last = _one(m[1], m[2], m[3]), _one(m[4], m[5], m[6])
    return f"{first}至{last}" if first and last else m[0]


def _days(m: re.Match[str]) -> str:
    try:  # a leap day is possible in some year: the month and day alone are checked
        date(2024, int(m[1]), int(m[2]))
        date(2024, int(m[4]), int(m[5]))
    except ValueError:
        return m[0]
    return f"{int(m[1])}月{int(m[2])}日{m[3].strip()}{int(m[4])}月{int(m[5])}日"


def chinese_text(text: str) -> str:
    """``text`` with every whole ISO month and date in the Chinese form: ``2025-07`` →
    ``2025年7月``, ``2025-07-15`` → ``2025年7月15日``, ``2025-05..2025-07`` → ``2025年5月至2025年7月``,
    ``06-01 至 06-30`` → ``6月1日至6月30日``. Anything that only looks like a date inside
    something longer is left as written: a 工号 ``2025-07-001``, an ID number, a version
    ``2026.12.1``, a date that does not exist (``2025-02-30``)."""
    if "-" not in text:
        return text
    text = _RANGE.sub(_range, text)
    text = _DATE.sub(_date, text)
    return _DAYS.sub(_days, text)


_KEEP = frozenset({"employee"})
"""Template variables never read as dates: a 工号 (``2019-12``) is the company's code."""


def chinese_dates(value: Any) -> Any:
    """``value`` (a document's template variables: dicts, lists and strings, other objects as
    they are) with :func:`chinese_text` applied to every string, as a new structure; a 工号
    (the key ``employee``) is left as it is."""
    if isinstance(value, str):
        return chinese_text(value)
    if isinstance(value, dict):
        return {k: v if k in _KEEP else chinese_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [chinese_dates(v) for v in value]
    if isinstance(value, tuple):
        return tuple(chinese_dates(v) for v in value)
    return value


def chinese_context(context: dict[str, Any]) -> dict[str, Any]:
    """A document's template variables with :func:`chinese_dates` applied (a new dict)."""
    return {k: chinese_dates(v) for k, v in context.items()}
