"""Audit actions: start an audit, record a visit, move its status, list audits."""

from __future__ import annotations

from datetime import date

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import (
    Audit,
    Auditor,
    AuditScope,
    AuditStatus,
    AuditSummary,
    ChangeEntity,
    Visit,
    VisitChannel,
    VisitKind,
    can_move,
)
from auditdesk.models.common import utcnow
from auditdesk.services import changelog, checklists
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx


def list_audits(ws: Workspace, company_id: str | None = None) -> list[AuditSummary]:
    """Audits, newest first, with company name and finding counts."""
    with ws.store.read() as tx:
        return tx.list_audit_summaries(company_id)


def known_auditors(ws: Workspace) -> list[Auditor]:
    """Everyone named on an audit so far, once each (by name) with the role of their latest audit,
    most recently used first — what 开始体检 offers instead of retyping names."""
    seen: dict[str, Auditor] = {}
    for summary in list_audits(ws):  # newest first
        for person in summary.audit.auditors:
            seen.setdefault(person.name, person)
    return list(seen.values())


def get_audit(ws: Workspace, audit_id: str) -> Audit:
    with ws.store.read() as tx:
        return tx.require_audit(audit_id)


def start_audit(
    ws: Workspace,
    company_id: str,
    *,
    title: str = "",
    scope: AuditScope = AuditScope.DEEP,
    auditors: list[Auditor] | None = None,
    started_on: date | None = None,
    region: str = "shanghai",
    by: str = "",
) -> Audit:
    """Create a draft audit for a company, pinned to the checklist library in force now
    (logged; ``by``: who)."""
    library = checklists.current_library(ws).library
    with ws.store.transaction() as tx:
        tx.require_company(company_id)
        audit = Audit(
            company_id=company_id,
            title=title,
            scope=scope,
            auditors=auditors or [],
            started_on=started_on,
            region=region,
            checklist_version=checklists.pin(tx, library),
        )
        tx.insert_audit(audit)
        changelog.record(tx, ChangeEntity.AUDIT, audit.id, "created", None,
                         audit.title or audit.scope.label, by=by, audit_id=audit.id,
                         company_id=company_id, at=audit.created_at)  # fmt: skip
    return audit


def _move(tx: Tx, audit: Audit, target: AuditStatus, by: str) -> Audit:
    if not can_move(audit.status, target):
        raise AuditDeskError(
            f"体检状态不能从“{audit.status.label}”改为“{target.label}”。", location=audit.id
        )
    moved = audit.model_copy(update={"status": target, "updated_at": utcnow()})
    saved = tx.update_audit(moved)
    changelog.record(tx, ChangeEntity.AUDIT, audit.id, "audit_status", audit.status.label,
                     target.label, by=by, audit_id=audit.id, company_id=audit.company_id,
                     at=moved.updated_at)  # fmt: skip
    return saved


def change_status(ws: Workspace, audit_id: str, target: AuditStatus, *, by: str = "") -> Audit:
    """Move the audit to ``target`` (logged; ``by``: who).

    Raises:
        AuditDeskError: the move is not allowed from the audit's status.
    """
    with ws.store.transaction() as tx:
        audit = tx.require_audit(audit_id)
        return _move(tx, audit, target, by)


def record_visit(
    ws: Workspace,
    audit_id: str,
    *,
    visit_date: date,
    kind: VisitKind = VisitKind.INITIAL,
    channels: list[VisitChannel] | None = None,
    attendees: list[str] | None = None,
    notes: str = "",
    by: str = "",
) -> Visit:
    """Record a visit; the first visit of a draft audit puts it in progress (same transaction).
    Both logged (``by``: who)."""
    visit = Visit(
        audit_id=audit_id,
        visit_date=visit_date,
        kind=kind,
        channels=channels or [],
        attendees=attendees or [],
        notes=notes,
    )
    with ws.store.transaction() as tx:
        audit = tx.require_audit(audit_id)
        tx.insert_visit(visit)
        changelog.record(tx, ChangeEntity.VISIT, visit.id, "created", None,
                         f"{visit.visit_date.isoformat()} {visit.kind.label}", by=by,
                         audit_id=audit_id, company_id=audit.company_id)  # fmt: skip
        if audit.status is AuditStatus.DRAFT:
            _move(tx, audit, AuditStatus.IN_PROGRESS, by)
    return visit
