"""An audit to write documents from: the demo company's current audit with a sample payroll."""

from __future__ import annotations

from auditdesk.services import audits, demo, followups, payroll, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES


def demo_audit_with_payroll(
    ws: Workspace,
    sample: str = "s2-titled-grouped.xlsx",
    *,
    adopt: int | None = 0,
    gathered_by: str | None = None,
    plan: bool = False,
) -> str:
    """Load the demo into ``ws`` and import ``sample`` (a file of tests/data/samples/payroll)
    into its current audit; then, in this order: gather the checklist's findings as
    ``gathered_by`` (when given), adopt the first ``adopt`` payroll groups as findings (``None``:
    every group), plan the follow-ups (``plan``). Returns the audit's id."""
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [PAYROLL_SAMPLES / sample])
    if gathered_by is not None:
        visit.gather_findings(ws, aid, by=gathered_by)
    groups = payroll.group_findings(payroll.check_audit(ws, aid)) if adopt != 0 else []
    for group in groups if adopt is None else groups[:adopt]:
        payroll.adopt_group(ws, aid, group)
    if plan:
        followups.plan_followups(ws, aid)
    return aid
