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
from sqlalchemy import update

from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.services import attachments, audits, changelog, companies
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace
from auditdesk.store import schema


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


def test_evidence_is_named_by_its_short_reference_as_listed(
    ws: Workspace, tmp_path: Path, data_dir: Path
) -> None:
    """``evidence list`` prints the 8-character reference, as ``findings list`` does; ``remove``
    and ``export`` take it (any case), and refuse one that names no file or several."""
    source = tmp_path / "考勤表.pdf"
    source.write_bytes(b"%PDF attendance" * 100)
    finding = _finding(ws, "丁公司")
    att = attachments.attach_file(ws, source, finding_id=finding)
    run = [sys.executable, "-m", "auditdesk", "--data-dir", str(data_dir), "evidence"]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run, *args], capture_output=True, text=True, check=False)

    listed = cli("list", "--finding", finding)
    assert listed.returncode == 0, listed.stderr
    short = att.id[:8]
    assert listed.stdout.split()[0] == short

    out = tmp_path / "导出"
    out.mkdir()
    exported = cli("export", short.upper(), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert (out / "考勤表.pdf").read_bytes() == source.read_bytes()

    unknown = cli("remove", "ffffffff")
    assert unknown.returncode == 2
    assert "找不到附件编号 ffffffff" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    too_short = cli("remove", short[:2])
    assert too_short.returncode == 2
    assert "Traceback" not in too_short.stderr

    removed = cli("remove", short, "--json")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["id"] == att.id
    assert attachments.list_attachments(ws, finding_id=finding) == []


def test_a_short_reference_shared_by_two_files_is_refused(ws: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF a")
    finding = _finding(ws, "戊公司")
    a = attachments.attach_file(ws, source, finding_id=finding)
    b = attachments.attach_file(ws, source, finding_id=finding)
    att = schema.attachments
    with ws.store.transaction() as tx:  # two ids sharing their first 8 characters
        for old, new in (
            (a.id, "abcd1234-0000-4000-8000-00000000000a"),
            (b.id, "abcd1234-0000-4000-8000-00000000000b"),
        ):
            tx.conn.execute(update(att).where(att.c.id == old).values(id=new))  # fmt: skip
    with pytest.raises(AuditDeskError, match="对应 2 个附件"):
        attachments.find_attachment(ws, "abcd1234")
    assert attachments.find_attachment(ws, "ABCD1234-0000-4000-8000-00000000000A").id.endswith("a")
