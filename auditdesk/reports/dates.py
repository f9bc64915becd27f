"""Dates as the documents print them: the Chinese form an official letter carries
(2026年12月1日), in every document HR and counsel read — reports, 整改建议书, 跟诊记录, letters
and the 内部资料 annex. ISO dates stay in machine-readable places only (file names, JSON, the
整改台账's date cells)."""

from __future__ import annotations

from datetime import date


def cn_date(day: date | None) -> str:
    """``date(2026, 12, 1)`` → ``2026年12月1日`` (no leading zeros); ``None`` → ``""``."""
    return f"{day.year}年{day.month}月{day.day}日" if day is not None else ""
