"""The due list paged in SQL: most urgent first, the same entries and texts as the whole list,
with the whole list's counts; on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, RectificationStatus, Severity
from auditdesk.models.followup import FollowUp, Letter, LetterKind
from auditdesk.services import audits, companies, followups
from auditdesk.services.workspace import Workspace

TODAY = date(2026, 11, 28)


def _seed(ws: Workspace) -> None:
    """Three companies with follow-ups, letters and findings whose days tie across kinds and
    companies (so the tie-breaks matter), some closed or done (not on the list)."""
    for n, name in enumerate(["丙公司", "甲公司", "乙公司"]):
        company = companies.add_company(ws, CompanyInput(name=name))
        audit = audits.start_audit(ws, company.id, started_on=date(2026, 6, 1))
        with ws.store.transaction() as tx:
            for days in (-3, -1, 0, 2, 9, 30):  # 30: outside the 7-day window
                tx.insert_followup(FollowUp(audit_id=audit.id, planned_on=TODAY + timedelta(days=days),
                                            note=f"第{days}天"))  # fmt: skip
            tx.insert_followup(FollowUp(audit_id=audit.id, planned_on=TODAY - timedelta(days=3),
                                        visit_id="v", done_on=TODAY))  # fmt: skip
            for seq, days in enumerate((-1, 0, 5, 20), start=1):
                tx.insert_letter(Letter(audit_id=audit.id, kind=LetterKind.OPINION,
                                        issued_on=date(2026, 11, 1), reply_due=TODAY + timedelta(days=days),
                                        number=f"第 {10 * n + seq} 号", number_year=2026,
                                        number_seq=10 * n + seq))  # fmt: skip
            statuses = [RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS,
                        RectificationStatus.VERIFIED_CLOSED, RectificationStatus.FIXED_PENDING]  # fmt: skip
            for i, (days, status) in enumerate(zip((-3, -3, -1, 0), statuses, strict=True), 1):
                tx.insert_finding(Finding(
                    audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref=f"X.{i}",
                    area=Area.PAY, severity=Severity.HIGH, title=f"问题{i}", status=status,
                    number=i, due_date=TODAY + timedelta(days=days),
                ))  # fmt: skip


def test_pages_are_the_whole_list_most_urgent_first_with_its_counts(ws: Workspace) -> None:
    _seed(ws)
    whole = followups.due(ws, today=TODAY, within_days=7)
    assert len(whole) == 3 * (4 + 3 + 2)  # follow-ups -3..2, letters -1..5, two open overdue
    assert whole == sorted(whole, key=lambda i: (not i.overdue, i.day, i.company))
    assert [i.kind for i in whole[:3]] == ["followup", "finding", "finding"]  # 丙公司, day -3
    first = followups.due_page(ws, today=TODAY, within_days=7, limit=7)
    assert first.items == whole[:7]
    assert (first.total, first.overdue, first.more) == (27, 3 * (2 + 1 + 2), 20)
    assert first.by_kind == {"followup": 12, "letter": 9, "finding": 6}
    pages = [first.items]
    while pages[-1]:
        offset = sum(len(p) for p in pages)
        pages.append(
            followups.due_page(ws, today=TODAY, within_days=7, limit=7, offset=offset).items
        )
    assert [i for p in pages for i in p] == whole
    last = followups.due_page(ws, today=TODAY, within_days=7, limit=7, offset=21)
    assert (len(last.items), last.more) == (6, 0)
    texts = {i.text for i in whole}
    assert "跟诊（已逾期）：第-3天" in texts
    assert "跟诊（今天）：第0天" in texts
    assert "跟诊（本周）：第2天" in texts
    assert "意见书 第 1 号答复期限 2026-11-27 已过，尚未答复" in {
        t.split("（估算")[0] for t in texts
    }
    assert "W01 问题1：整改期限 2026-11-25 已过" in texts


def test_counts_only_and_all_and_refusals(ws: Workspace) -> None:
    _seed(ws)
    counts = followups.due_page(ws, today=TODAY, within_days=30, limit=0)
    assert counts.items == []
    assert (counts.total, counts.overdue, counts.more) == (36, 15, 36)
    everything = followups.due_page(ws, today=TODAY, within_days=30, limit=None)
    assert len(everything.items) == everything.total == 36
    assert any(i.text == "跟诊（9 天后）：第9天" for i in everything.items)
    assert followups.due_page(ws, today=TODAY, limit=200).total == 27
    with pytest.raises(AuditDeskError, match="不能为负数"):
        followups.due_page(ws, today=TODAY, limit=-1)
    with pytest.raises(AuditDeskError, match="不能为负数"):
        followups.due_page(ws, today=TODAY, offset=-5)


def test_an_empty_list(ws: Workspace) -> None:
    page = followups.due_page(ws, today=TODAY)
    assert (page.items, page.total, page.overdue, page.more) == ([], 0, 0, 0)
    assert page.by_kind == {"followup": 0, "letter": 0, "finding": 0}
