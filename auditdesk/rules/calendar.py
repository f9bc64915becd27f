"""Working days and statutory holidays: chinesecalendar for days off and adjusted working weekends
(调休), our own dated table for the statutory days (300 %), with a guard for uncovered years."""

from __future__ import annotations

import calendar as _cal
import tomllib
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar

from auditdesk.errors import AuditDeskError
from auditdesk.paths import shipped_dir


class DayKind(StrEnum):
    WORKDAY = "workday"  # overtime at 150 %
    REST_DAY = "rest_day"  # 200 % or time off in lieu
    STATUTORY_HOLIDAY = "statutory_holiday"  # 300 %, always paid


class CalendarUnavailable(AuditDeskError):
    """The holiday data does not cover the year asked about."""


@cache
def statutory_dates() -> dict[int, frozenset[date]]:
    path = shipped_dir("resources") / "calendar" / "statutory_holidays.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {int(year): frozenset(days) for year, days in data["years"].items()}


def covered_years() -> range:
    """Years both chinesecalendar and our statutory table know."""
    lo = max(min(chinese_calendar.constants.holidays).year, min(statutory_dates()))
    hi = min(max(chinese_calendar.constants.holidays).year, max(statutory_dates()))
    return range(lo, hi + 1)


def _require(year: int) -> None:
    years = covered_years()
    if year not in years:
        raise CalendarUnavailable(
            f"节假日数据只覆盖 {years.start} 至 {years.stop - 1} 年，无法判断 {year} 年的工作日；"
            "请升级 AuditDesk（chinesecalendar 每年年底发布下一年的数据）。"
        )


def day_kind(day: date) -> DayKind:
    """How overtime on ``day`` is paid. Raises :class:`CalendarUnavailable` outside the data."""
    _require(day.year)
    if day in statutory_dates()[day.year]:
        return DayKind.STATUTORY_HOLIDAY
    if chinese_calendar.is_workday(day):
        return DayKind.WORKDAY
    return DayKind.REST_DAY


def is_workday(day: date) -> bool:
    _require(day.year)
    return bool(chinese_calendar.is_workday(day))


def workdays_between(first: date, last: date) -> int:
    """Working days from ``first`` to ``last`` inclusive (adjusted weekends count, holidays do not)."""
    count = 0
    day = first
    while day <= last:
        if is_workday(day):
            count += 1
        day += timedelta(days=1)
    return count


def statutory_between(first: date, last: date) -> int:
    """Statutory holiday dates (法定节假日, our table) from ``first`` to ``last`` inclusive."""
    for year in range(first.year, last.year + 1):
        _require(year)
    return sum(
        1
        for year in range(first.year, last.year + 1)
        for day in statutory_dates()[year]
        if first <= day <= last
    )


@cache
def pay_days(first: date, last: date) -> tuple[int, int]:
    """计薪日 from ``first`` to ``last``: (working days, statutory holidays).

    Statutory holidays are paid days (劳动法 第五十一条; the 21.75-day divisor counts them), so a
    part month is pro-rated on working days plus statutory holidays (facts file §9.0). The dates
    come from our statutory table, the working days from chinesecalendar (adjusted working weekends
    count). Raises :class:`CalendarUnavailable` outside the data.
    """
    return workdays_between(first, last), statutory_between(first, last)


def add_workdays(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


@cache
def month_bounds(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` month."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, _cal.monthrange(year, month)[1])
