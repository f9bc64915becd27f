"""Company actions: list/search, add, update, delete (with audits, findings and attachment files)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from auditdesk.errors import AuditDeskError
from auditdesk.models.common import utcnow
from auditdesk.models.company import Company, CompanyInput, CompanySummary
from auditdesk.services.attachments import remove_unreferenced_files
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx

log = logging.getLogger(__name__)


class DuplicateCreditCodeError(AuditDeskError):
    """The credit code is already registered for another company."""


def list_companies(ws: Workspace, search: str | None = None) -> list[CompanySummary]:
    """Companies ordered by name, with audit and open-finding counts; ``search`` matches
    name, credit code, town or industry (case-insensitive, substring)."""
    with ws.store.read() as tx:
        return tx.list_company_summaries(search)


def count_companies(ws: Workspace) -> int:
    with ws.store.read() as tx:
        return tx.count_companies()


def get_company(ws: Workspace, company_id: str) -> Company:
    with ws.store.read() as tx:
        return tx.require_company(company_id)


def _check_credit_code_free(tx: Tx, data: CompanyInput, own_id: str | None) -> None:
    if not data.credit_code:
        return
    other = tx.find_company_by_credit_code(data.credit_code)
    if other is not None and other.id != own_id:
        raise DuplicateCreditCodeError(
            f"统一社会信用代码 {data.credit_code} 已登记为“{other.name}”。",
            location="credit_code",
        )


def add_company(ws: Workspace, data: CompanyInput) -> Company:
    """Register a new company; a town not yet on the office's list is added to it.

    Raises:
        DuplicateCreditCodeError: another company has the same credit code (location ``credit_code``).
    """
    company = Company.model_validate(data.model_dump())
    with ws.store.transaction() as tx:
        _check_credit_code_free(tx, data, None)
        tx.insert_company(company)
        tx.add_missing_towns([company.town], company.created_at)
    log.info("company added: %s", company.id)
    return company


def update_company(ws: Workspace, company_id: str, data: CompanyInput) -> Company:
    """Replace the editable fields of a company; keeps its id and creation time. A town not yet
    on the office's list is added to it."""
    with ws.store.transaction() as tx:
        current = tx.require_company(company_id)
        _check_credit_code_free(tx, data, company_id)
        updated = Company.model_validate(
            {
                **data.model_dump(),
                "id": current.id,
                "created_at": current.created_at,
                "updated_at": utcnow(),
            }
        )
        tx.update_company(updated)
        tx.add_missing_towns([updated.town], updated.updated_at)
    return updated


@dataclass(frozen=True)
class DeleteSummary:
    company_name: str
    audits: int
    findings: int
    attachments: int


def delete_company(ws: Workspace, company_id: str) -> DeleteSummary:
    """Delete a company with its audits, visits, answers, findings and attachments in one transaction.

    Attachment files no longer referenced by any record are removed after the commit, so a failed
    delete never loses a file (on a server they go in the same transaction, with their records).
    """
    with ws.store.transaction() as tx:
        company = tx.require_company(company_id)
        counts = tx.delete_company(company_id)
    remove_unreferenced_files(ws, counts.attachment_hashes)
    log.info("company deleted: %s (%d audits)", company_id, counts.audits)
    return DeleteSummary(company.name, counts.audits, counts.findings, counts.attachments)
