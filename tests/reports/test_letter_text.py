"""The letter wording helpers: Chinese numerals and dates, the reply period, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.reports.letters import chinese_number, cn_date, reply_deadline


def test_chinese_numerals_and_dates() -> None:
    assert [chinese_number(n) for n in (5, 10, 15, 21, 99)] == [
        "五",
        "十",
        "十五",
        "二十一",
        "九十九",
    ]
    assert cn_date(date(2026, 11, 30)) == "2026年11月30日"
    assert cn_date(date(2026, 3, 9)) == "2026年3月9日"


def test_reply_deadline_skips_holidays_and_counts_adjusted_weekends() -> None:
    # from Mon 2025-09-22, 15 working days: National Day 10-01..10-08 off, Sun 09-28 and
    # Sat 10-11 worked (调休): 23,24,25,26,28,29,30 Sept, 9,10,11,13,14,15,16,17 Oct
    assert reply_deadline(date(2025, 9, 22), 15, "意见书答复") == date(2025, 10, 17)


def test_reply_deadline_refuses_past_the_calendar() -> None:
    # the old code counted Monday to Friday here and wrote 2031-01-13 into the letter
    with pytest.raises(AuditDeskError, match="意见书答复的期限") as info:
        reply_deadline(date(2031, 1, 6), 5, "意见书答复")
    assert "2026 年底" in info.value.message
