"""One definition of an open finding: not dismissed, not closed (已核验关闭) nor refused (不予整改).
Every count — companies, audits, dashboard, the follow-up list — uses it."""

from __future__ import annotations

from auditdesk.models.finding import RectificationStatus as S
from auditdesk.services import audits, companies, dashboard, demo, followups, visit
from auditdesk.services.workspace import Workspace


def test_a_dismissed_finding_is_counted_nowhere_as_open(ws: Workspace) -> None:
    demo.load_demo(ws)
    current = audits.list_audits(ws)[0].audit
    visit.gather_findings(ws, current.id, by="陈静")
    kept = visit.list_findings(ws, current.id, include_dismissed=False)
    assert len(kept) >= 2
    before_company = companies.list_companies(ws)[0].open_findings
    before_audit = next(a for a in audits.list_audits(ws) if a.audit.id == current.id)
    before_board = dashboard.build(ws)
    visit.dismiss_finding(ws, kept[0].id, "与事实不符", by="陈静")
    followups.move_finding(ws, kept[1].id, S.REFUSED, note="企业拒绝", by="陈静")

    after_audit = next(a for a in audits.list_audits(ws) if a.audit.id == current.id)
    assert after_audit.open_findings == before_audit.open_findings - 2
    assert after_audit.finding_count == before_audit.finding_count  # all still listed
    assert companies.list_companies(ws)[0].open_findings == before_company - 2
    board = dashboard.build(ws)
    assert sum(p.open for p in board.companies) == sum(p.open for p in before_board.companies) - 2
    assert sum(board.open_by.values()) == sum(before_board.open_by.values()) - 2
    open_ids = {f.id for f in followups.open_findings(ws, current.id)}
    assert kept[0].id not in open_ids
    assert kept[1].id not in open_ids
    assert after_audit.open_findings == len(open_ids)


def test_the_model_and_the_store_agree(ws: Workspace) -> None:
    demo.load_demo(ws)
    for summary in audits.list_audits(ws):
        findings = visit.list_findings(ws, summary.audit.id)
        assert summary.open_findings == sum(1 for f in findings if f.is_open)
