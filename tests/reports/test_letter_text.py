"""The letter wording helpers: Chinese numerals and dates, the reply period, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.reports.dates import cn_date
from auditdesk.reports.letters import chinese_number, reply_deadline


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


def test_a_long_title_is_cut_at_a_clause_never_inside_an_amount() -> None:
    from auditdesk.reports.letters import short_title

    title = "1 名员工 2025-08 加班费低于法定标准，应补发工资 661.38 元；待核实：应补发工资合计 2,953.10 元"
    cut = short_title(title, 60)
    assert cut.endswith("…")
    assert len(cut) <= 60
    assert "2,953." not in cut or "2,953.10" in cut  # never "2,953.…"
    assert cut.rstrip("…") in title
    assert short_title("规章制度中设有罚款条款") == "规章制度中设有罚款条款"


def test_letters_name_violations_not_payroll_data_checks_or_information() -> None:
    from auditdesk.models.common import Area
    from auditdesk.models.finding import Finding, FindingOrigin, Severity
    from auditdesk.reports.letters import open_items

    def finding(number: int, ref: str, severity: Severity, origin: FindingOrigin) -> Finding:
        return Finding(audit_id="a", origin=origin, origin_ref=ref, area=Area.PAY,
                       severity=severity, title=f"问题{number}", number=number)  # fmt: skip

    items = open_items([
        finding(3, "PAY.MIN_WAGE@2025-07", Severity.HIGH, FindingOrigin.PAYROLL),
        finding(1, "DATA.DUPLICATE@2025-07", Severity.MEDIUM, FindingOrigin.PAYROLL),
        finding(2, "DATA.ID_INVALID@2025-07", Severity.LOW, FindingOrigin.PAYROLL),
        finding(4, "RUL.NO_FINES", Severity.HIGH, FindingOrigin.CHECKLIST),
        finding(5, "ONB.HAS_MINORS", Severity.INFO, FindingOrigin.CHECKLIST),
    ])  # fmt: skip
    assert [(i["no"], i["title"]) for i in items] == [("W03", "问题3"), ("W04", "问题4")]


def test_a_cut_title_never_ends_on_a_label_without_its_value() -> None:
    # the 提示函 printed "…应补发工资合计 1,845.30 元，待核实…": the label kept, its amount cut off
    from auditdesk.reports.letters import short_title

    title = ("3 名员工 2025-06 至 2025-08 工资低于最低工资标准，应补发工资合计 1,845.30 元，"
             "待核实：应补发工资合计 2,220.00 元")  # fmt: skip
    cut = short_title(title, 60)
    assert not cut.rstrip("…").endswith("待核实"), cut
    assert cut == "3 名员工 2025-06 至 2025-08 工资低于最低工资标准，应补发工资合计 1,845.30 元…"
