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
    Visit,
    VisitChannel,
    VisitKind,
    can_move,
)
from auditdesk.models.common import utcnow
from auditdesk.services import checklists
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
) -> Audit:
    """Create a draft audit for a company, pinned to the checklist library in force now."""
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
    return audit


def _move(tx: Tx, audit: Audit, target: AuditStatus) -> Audit:
    if not can_move(audit.status, target):
        raise AuditDeskError(
            f"体检状态不能从“{audit.status.label}”改为“{target.label}”。", location=audit.id
        )
    moved = audit.model_copy(update={"status": target, "updated_at": utcnow()})
    return tx.update_audit(moved)


def change_status(ws: Workspace, audit_id: str, target: AuditStatus) -> Audit:
    with ws.store.transaction() as tx:
        audit = tx.require_audit(audit_id)
        return _move(tx, audit, target)


def record_visit(
    ws: Workspace,
    audit_id: str,
    *,
    visit_date: date,
    kind: VisitKind = VisitKind.INITIAL,
    channels: list[VisitChannel] | None = None,
    attendees: list[str] | None = None,
    notes: str = "",
) -> Visit:
    """Record a visit; the first visit of a draft audit puts it in progress (same transaction)."""
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
        if audit.status is AuditStatus.DRAFT:
            _move(tx, audit, AuditStatus.IN_PROGRESS)
    return visit
