from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.models.audit import AnswerResult, AuditStatus, VisitKind
from auditdesk.models.company import CompanyInput
from auditdesk.services import attachments, audits, companies
from auditdesk.services.companies import DuplicateCreditCodeError
from auditdesk.services.workspace import Workspace
from tests.core.conftest import AddFinding

CODE = "91350200776049653A"
WithEvidence = Callable[[Workspace, str, Path], tuple[str, str]]


def test_add_and_list(ws: Workspace) -> None:
    added = companies.add_company(ws, CompanyInput(name="乙公司", credit_code=CODE, headcount=9))
    companies.add_company(ws, CompanyInput(name="甲公司"))
    rows = companies.list_companies(ws)
    assert [r.company.name for r in rows] == sorted(["甲公司", "乙公司"])
    assert companies.get_company(ws, added.id) == added
    assert [r.company.name for r in companies.list_companies(ws, "9135")] == ["乙公司"]


def test_duplicate_credit_code_is_refused(ws: Workspace) -> None:
    companies.add_company(ws, CompanyInput(name="甲", credit_code=CODE))
    with pytest.raises(DuplicateCreditCodeError) as info:
        companies.add_company(ws, CompanyInput(name="乙", credit_code=CODE))
    assert info.value.location == "credit_code"
    assert "已登记为“甲”" in info.value.message
    assert len(companies.list_companies(ws)) == 1


def test_update_keeps_identity_and_checks_duplicates(ws: Workspace) -> None:
    a = companies.add_company(ws, CompanyInput(name="甲", credit_code=CODE))
    b = companies.add_company(ws, CompanyInput(name="乙"))
    updated = companies.update_company(ws, a.id, CompanyInput(name="甲（更名）", credit_code=CODE))
    assert (updated.id, updated.created_at) == (a.id, a.created_at)
    assert updated.updated_at > a.updated_at
    assert companies.get_company(ws, a.id).name == "甲（更名）"
    with pytest.raises(DuplicateCreditCodeError):
        companies.update_company(ws, b.id, CompanyInput(name="乙", credit_code=CODE))
    with pytest.raises(NotFoundError):
        companies.update_company(ws, "missing", CompanyInput(name="丙"))


@pytest.fixture
def company_with_evidence(
    add_finding: AddFinding,
) -> WithEvidence:
    """``company_with_evidence(ws, name, evidence)``: a company with an audit whose finding has
    ``evidence`` attached; returns (the company's id, the file's SHA-256)."""

    def make(ws: Workspace, name: str, evidence: Path) -> tuple[str, str]:
        finding = add_finding(ws, name)
        att = attachments.attach_file(ws, evidence, finding_id=finding.id)
        return audits.get_audit(ws, finding.audit_id).company_id, att.sha256

    return make


def test_delete_removes_records_and_unshared_files(
    ws: Workspace,
    tmp_path: Path,
    company_with_evidence: WithEvidence,
) -> None:
    own = tmp_path / "仅此一家.jpg"
    own.write_bytes(b"photo of an unsigned contract")
    shared = tmp_path / "shared.pdf"
    shared.write_bytes(b"the same handbook at two companies")
    gone_id, own_sha = company_with_evidence(ws, "删除我", own)
    keep_id, shared_sha = company_with_evidence(ws, "保留", shared)
    # the deleted company also has a copy of the shared file
    audit = audits.list_audits(ws, gone_id)[0].audit
    with ws.store.read() as tx:
        finding = tx.list_findings(audit.id)[0]
    attachments.attach_file(ws, shared, finding_id=finding.id)
    attachments.save_copy(ws, own_sha, tmp_path / "own-copy")
    assert (tmp_path / "own-copy").read_bytes() == own.read_bytes()

    summary = companies.delete_company(ws, gone_id)

    assert (summary.company_name, summary.audits, summary.findings, summary.attachments) == (
        "删除我",
        1,
        1,
        2,
    )
    assert attachments.missing_files(ws, [own_sha, shared_sha]) == [own_sha]  # 保留 uses shared
    assert [r.company.id for r in companies.list_companies(ws)] == [keep_id]
    with pytest.raises(NotFoundError):
        companies.delete_company(ws, gone_id)


def test_failed_delete_keeps_everything(
    ws: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    company_with_evidence: WithEvidence,
) -> None:
    evidence = tmp_path / "e.txt"
    evidence.write_text("evidence")
    company_id, sha = company_with_evidence(ws, "甲", evidence)
    from auditdesk.store.db import Tx

    original = Tx.delete_company

    def explode(self: Tx, cid: str, expected: int | None = None) -> object:
        original(self, cid, expected)
        raise OSError("disk went away")

    monkeypatch.setattr(Tx, "delete_company", explode)
    with pytest.raises(OSError, match="disk went away"):
        companies.delete_company(ws, company_id)
    assert companies.get_company(ws, company_id).name == "甲"
    assert len(audits.list_audits(ws, company_id)) == 1
    assert attachments.missing_files(ws, [sha]) == []


def test_attach_missing_file_gives_a_clear_message(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(AuditDeskError, match="无法读取或保存附件"):
        attachments.attach_file(ws, tmp_path / "nope.jpg", finding_id="x")


def test_audit_lifecycle(ws: Workspace) -> None:
    company = companies.add_company(ws, CompanyInput(name="甲"))
    audit = audits.start_audit(ws, company.id)
    assert audit.status is AuditStatus.DRAFT
    audits.record_visit(ws, audit.id, visit_date=date(2025, 7, 1), kind=VisitKind.INITIAL)
    assert audits.list_audits(ws)[0].audit.status is AuditStatus.IN_PROGRESS
    audits.change_status(ws, audit.id, AuditStatus.DIAGNOSED)
    with pytest.raises(AuditDeskError, match="不能从“已会诊”改为“草稿”"):
        audits.change_status(ws, audit.id, AuditStatus.DRAFT)
    with pytest.raises(NotFoundError):
        audits.start_audit(ws, "missing")
    assert AnswerResult.COMPLIANT.label == "符合"
