import pytest

from auditdesk.errors import Cancelled
from auditdesk.models.audit import AuditStatus, VisitKind
from auditdesk.models.company import credit_code_problem
from auditdesk.progress import CancelToken
from auditdesk.services import audits, companies, demo
from auditdesk.services.workspace import Workspace


def test_demo_creates_a_jiading_company_with_an_audit_in_progress(ws: Workspace) -> None:
    seen: list[tuple[int, int, str]] = []
    result = demo.load_demo(ws, progress=lambda d, t, m: seen.append((d, t, m)))
    assert result.created
    company = companies.get_company(ws, result.company.id)
    assert "嘉定" in company.town
    assert credit_code_problem(company.credit_code or "") is None
    summary, last_year = audits.list_audits(ws, company.id)  # newest first
    assert summary.audit.status is AuditStatus.IN_PROGRESS
    assert last_year.audit.status is AuditStatus.DIAGNOSED
    assert last_year.open_findings == 2  # one of three already verified closed
    assert {a.role.label for a in summary.audit.auditors} == {"工会干部", "律师"}
    with ws.store.read() as tx:
        (visit,) = tx.list_visits(summary.audit.id)
    assert visit.kind is VisitKind.INITIAL
    assert seen[0][0] == 0
    assert seen[-1][0] == seen[-1][1]


def test_demo_is_not_duplicated(ws: Workspace) -> None:
    demo.load_demo(ws)
    again = demo.load_demo(ws)
    assert not again.created
    assert len(companies.list_companies(ws)) == 1
    assert len(audits.list_audits(ws)) == 2


def test_demo_can_be_cancelled_before_writing(ws: Workspace) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        demo.load_demo(ws, cancel=token)
    assert companies.list_companies(ws) == []
