"""Removing one evidence file (``attachments.remove_attachment``, ``auditdesk evidence remove``,
the walk's 删除证据…): one service call, a change-log entry on the attachment and on the answer or
finding it hung on, and the stored file deleted only when no other attachment uses its content —
on SQLite (a file in the data dir) and on a server (in the database)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from auditdesk.errors import NotFoundError
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.services import attachments, audits, changelog, companies
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace


def _finding(ws: Workspace, name: str) -> str:
    company = companies.add_company(ws, CompanyInput(name=name))
    audit = audits.start_audit(ws, company.id, started_on=date(2025, 7, 1))
    finding = Finding(audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref="ONB.1",
                      area=Area.ONBOARDING, severity=Severity.HIGH, title="未签合同")  # fmt: skip
    with ws.store.transaction() as tx:
        tx.insert_finding(finding)
    return finding.id


def _stored_files(ws: Workspace) -> int:
    if ws.is_server:
        with ws.store.read() as tx:
            return tx.count_rows("file_blobs")
    return sum(1 for p in ws.paths.attachments.rglob("*") if p.is_file())


def test_removing_one_attachment_is_logged_and_the_file_goes_with_its_last_use(
    ws: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "劳动合同.pdf"
    source.write_bytes(b"%PDF contract " * 1000)
    first, second = _finding(ws, "甲公司"), _finding(ws, "乙公司")
    a = attachments.attach_file(ws, source, finding_id=first, by="李律师")
    b = attachments.attach_file(ws, source, finding_id=second, by="李律师")
    assert _stored_files(ws) == 1

    removed = attachments.remove_attachment(ws, a.id, by="李律师")
    assert removed.id == a.id
    assert attachments.list_attachments(ws, finding_id=first) == []
    assert _stored_files(ws) == 1  # the other finding still uses the same content
    [(_, still)] = attachments.list_attachments(ws, finding_id=second)
    assert still is not None
    assert still.read_bytes() == source.read_bytes()

    words = f"劳动合同.pdf（{a.size:,} 字节）"
    on_attachment = changelog.entries(ws, LogFilter(entity=ChangeEntity.ATTACHMENT, entity_id=a.id))
    assert [(c.field, c.old, c.new) for c in on_attachment] == [
        ("created", None, words), ("removed", words, None)]  # fmt: skip
    assert on_attachment[-1].changed_by == ("李律师" if ws.user is None else ws.user.display_name)
    on_finding = changelog.entries(ws, LogFilter(entity=ChangeEntity.FINDING, entity_id=first))
    assert [(c.field, c.old, c.new) for c in on_finding if c.field == "attachment"] == [
        ("attachment", None, words), ("attachment", words, None)]  # fmt: skip
    assert on_finding[-1].audit_id is not None

    attachments.remove_attachment(ws, b.id, by="李律师")
    assert _stored_files(ws) == 0  # its last use: gone
    assert attachments.missing_files(ws, [b.sha256]) == [b.sha256]
    if not ws.is_server:  # no empty attachments/<xx>/ folder is left behind in the data dir
        assert not attachments.blob_path(ws, b.sha256).parent.exists()
    if ws.is_server:
        with ws.store.read() as tx:
            assert tx.count_rows("file_chunks") == 0
    with pytest.raises(NotFoundError, match="附件已不存在"):
        attachments.remove_attachment(ws, b.id)


def test_evidence_remove_command(ws: Workspace, tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "工资条.png"
    source.write_bytes(b"\x89PNG payslip" * 100)
    att = attachments.attach_file(ws, source, finding_id=_finding(ws, "丙公司"))
    run = [sys.executable, "-m", "auditdesk", "--data-dir", str(data_dir), "evidence"]
    done = subprocess.run([*run, "remove", att.id, "--by", "王干部", "--json"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["id"] == att.id
    assert out["removed"] is True
    assert _stored_files(ws) == 0
    entries = changelog.entries(ws, LogFilter(entity=ChangeEntity.ATTACHMENT, entity_id=att.id))
    assert entries[-1].field == "removed"
    again = subprocess.run([*run, "remove", att.id], capture_output=True, text=True, check=False)
    assert again.returncode == 2
    assert "附件已不存在" in again.stderr
    assert "Traceback" not in again.stderr
