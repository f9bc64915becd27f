"""Company actions: list/search, add, update, delete (with audits, findings and attachment files)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import utcnow
from auditdesk.models.company import Company, CompanyInput, CompanySummary
from auditdesk.services import changelog
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


EDITABLE_FIELDS = tuple(CompanyInput.model_fields)
"""The company fields a change is logged for, one entry each."""


def add_company(ws: Workspace, data: CompanyInput, *, by: str = "") -> Company:
    """Register a new company; a town not yet on the office's list is added to it. Logged
    (``by``: who).

    Raises:
        DuplicateCreditCodeError: another company has the same credit code (location ``credit_code``).
    """
    company = Company.model_validate(data.model_dump())
    with ws.store.transaction() as tx:
        _check_credit_code_free(tx, data, None)
        tx.insert_company(company)
        tx.add_missing_towns([company.town], company.created_at)
        changelog.record(tx, ChangeEntity.COMPANY, company.id, "created", None, company.name,
                         by=by, company_id=company.id, at=company.created_at)  # fmt: skip
    log.info("company added: %s", company.id)
    return company


def update_company(
    ws: Workspace,
    company_id: str,
    data: CompanyInput,
    *,
    by: str = "",
    expected_version: int | None = None,
) -> Company:
    """Replace the editable fields of a company; keeps its id and creation time. A town not yet
    on the office's list is added to it. Each changed field is logged (``by``: who).
    ``expected_version``: the version of the company the user edited (``None``: save over
    whatever is stored). Returns it at its new version.

    Raises:
        DuplicateCreditCodeError: another company has the same credit code.
        StaleRecordError: another user saved the company after ``expected_version`` (nothing
            saved; ``current`` is the stored company).
        NotFoundError: the company was deleted.
    """
    with ws.store.transaction() as tx:
        current = tx.require_company(company_id)
        _check_credit_code_free(tx, data, company_id)
        updated = Company.model_validate(
            {
                **data.model_dump(),
                "id": current.id,
                "created_at": current.created_at,
                "updated_at": utcnow(),
                "updated_by": by,
                "version": current.version if expected_version is None else expected_version,
            }
        )
        updated = tx.update_company(updated)
        tx.add_missing_towns([updated.town], updated.updated_at)
        changelog.record_fields(tx, ChangeEntity.COMPANY, company_id, current, updated,
                                EDITABLE_FIELDS, by=by, company_id=company_id,
                                at=updated.updated_at)  # fmt: skip
    return updated


@dataclass(frozen=True)
class DeleteSummary:
    company_name: str
    audits: int
    findings: int
    attachments: int


def delete_company(
    ws: Workspace, company_id: str, *, by: str = "", expected_version: int | None = None
) -> DeleteSummary:
    """Delete a company with its audits, visits, answers, findings and attachments in one transaction.
    ``expected_version``: the version of the company the user chose to delete from (``None``:
    whatever is stored).

    The change log keeps every entry of the company and its audits, and gains one saying what
    went (name, credit code, how many audits, findings and attachments; ``by``: who).

    Attachment files no longer referenced by any record are removed after the commit, so a failed
    delete never loses a file (on a server they go in the same transaction, with their records).

    Raises:
        StaleRecordError: another user saved the company after ``expected_version`` (nothing
            deleted).
        NotFoundError: it was deleted already.
    """
    with ws.store.transaction() as tx:
        company = tx.require_company(company_id)
        counts = tx.delete_company(company_id, expected_version)
        went = {"企业": company.name, "统一社会信用代码": company.credit_code or "",
                "体检": counts.audits, "问题": counts.findings, "附件": counts.attachments}  # fmt: skip
        changelog.record(tx, ChangeEntity.COMPANY, company_id, "deleted", company.name, went,
                         by=by, company_id=company_id)  # fmt: skip
    remove_unreferenced_files(ws, counts.attachment_hashes)
    log.info("company deleted: %s (%d audits)", company_id, counts.audits)
    return DeleteSummary(company.name, counts.audits, counts.findings, counts.attachments)
