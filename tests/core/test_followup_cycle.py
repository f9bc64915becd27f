"""跟诊 cycle: a recorded visit replaces the follow-ups it fulfils; the due list names each finding."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from auditdesk.services import audits, demo, followups
from auditdesk.services.followups import VisitResult
from auditdesk.services.workspace import Workspace

TODAY = date.today()


@pytest.fixture
def last_year(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[1].audit.id


def _overdue_followups(ws: Workspace) -> list[followups.DueItem]:
    return [i for i in followups.due(ws, today=TODAY, within_days=90)
            if i.kind == "followup" and i.overdue]  # fmt: skip


def test_a_visit_replaces_every_overdue_follow_up(ws: Workspace, last_year: str) -> None:
    with ws.store.transaction() as tx:
        from auditdesk.models.followup import FollowUp

        tx.insert_followup(FollowUp(audit_id=last_year, planned_on=TODAY - timedelta(days=30)))
    assert len(_overdue_followups(ws)) == 2
    first = followups.open_findings(ws, last_year)[0]
    followups.record_followup_visit(ws, last_year, TODAY, [VisitResult(first.id, "partly")])
    assert _overdue_followups(ws) == []
    ahead = followups.due(ws, today=TODAY, within_days=90)
    assert [i.kind for i in ahead].count("followup") == 1  # the one planned ahead stays


def test_a_visit_fulfils_the_follow_up_it_was_started_from(ws: Workspace, last_year: str) -> None:
    ahead = next(f for f in followups.list_followups(ws, last_year) if f.planned_on > TODAY)
    first = followups.open_findings(ws, last_year)[0]
    followups.record_followup_visit(ws, last_year, TODAY - timedelta(days=40),
                                    [VisitResult(first.id, "partly")], followup_id=ahead.id)  # fmt: skip
    done = next(f for f in followups.list_followups(ws, last_year) if f.id == ahead.id)
    assert done.visit_id is not None
    assert done.done_on == TODAY - timedelta(days=40)


def test_due_list_names_each_overdue_finding(ws: Workspace, last_year: str) -> None:
    items = [i for i in followups.due(ws, today=TODAY, within_days=7) if i.kind == "finding"]
    overdue = [f for f in followups.open_findings(ws, last_year)
               if f.due_date is not None and f.due_date < TODAY]  # fmt: skip
    assert len(items) == len(overdue) >= 1
    for item, finding in zip(items, overdue, strict=True):
        assert finding.code in item.text
        assert finding.title[:10] in item.text
        assert item.audit_id == last_year
        assert item.ref == finding.id
    letter = next(i for i in followups.due(ws, today=TODAY, within_days=90) if i.kind == "letter")
    assert "意见书" in letter.text
    assert letter.audit_id == last_year
