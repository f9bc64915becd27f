"""Evidence files and office settings kept in a server database (issue 20.7), and the same
actions on a laptop's SQLite file, where the files stay in the data dir."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.attachment import Attachment
from auditdesk.services import attachments, checklists, companies, office_settings, visit
from auditdesk.services.workspace import Workspace
from auditdesk.settings import DEFAULT_FOLLOWUP_DAYS
from auditdesk.store.schema import FILE_CHUNK_SIZE
from tests.core.conftest import AddFinding

BIG = 3 * FILE_CHUNK_SIZE + 12345


def _big_file(path: Path) -> Path:
    path.write_bytes(os.urandom(BIG))
    return path


def _stored_files(ws: Workspace) -> int:
    if ws.is_server:
        with ws.store.read() as tx:
            return tx.count_rows("file_blobs")
    return sum(1 for p in ws.paths.attachments.rglob("*") if p.is_file())


def test_a_big_file_goes_in_and_comes_out_byte_identical(
    ws: Workspace, tmp_path: Path, db_backend: str, add_finding: AddFinding
) -> None:
    source = _big_file(tmp_path / "考勤记录.pdf")
    att = attachments.attach_file(ws, source, finding_id=add_finding(ws).id)
    assert att.size == BIG
    assert att.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    if db_backend == "postgresql":  # in the database, in 1 MiB chunks; nothing in the data dir
        with ws.store.read() as tx:
            assert tx.count_rows("file_chunks") == 4
            assert tx.stored_blobs([att.sha256]) == {att.sha256: BIG}
        assert not ws.paths.attachments.exists() or not any(ws.paths.attachments.rglob("*"))
    else:  # a laptop keeps its files in the data dir, the tables stay empty
        assert attachments.blob_path(ws, att.sha256).read_bytes() == source.read_bytes()
        with ws.store.read() as tx:
            assert tx.count_rows("file_blobs") == 0
    [(listed, local)] = attachments.list_attachments(ws, finding_id=att.finding_id)
    assert listed == att
    assert local is not None
    assert local.read_bytes() == source.read_bytes()
    opened = attachments.open_copy(ws, att)
    assert opened.name == "考勤记录.pdf"
    assert opened.read_bytes() == source.read_bytes()
    chosen = attachments.export_copy(ws, att, tmp_path / "out" / "导出.pdf")
    assert chosen.read_bytes() == source.read_bytes()


def test_the_same_content_is_stored_once_and_goes_with_its_last_record(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    shared = _big_file(tmp_path / "合同.pdf")
    copy = tmp_path / "合同（副本）.pdf"
    copy.write_bytes(shared.read_bytes())
    first = add_finding(ws, "甲公司").id
    second = add_finding(ws, "乙公司").id
    a = attachments.attach_file(ws, shared, finding_id=first)
    b = attachments.attach_file(ws, copy, finding_id=second)
    assert a.sha256 == b.sha256
    assert _stored_files(ws) == 1
    ids = {s.company.name: s.company.id for s in companies.list_companies(ws)}
    company_a, company_b = ids["甲公司"], ids["乙公司"]
    companies.delete_company(ws, company_a)
    assert _stored_files(ws) == 1  # still used by the other company
    [(_, local)] = attachments.list_attachments(ws, finding_id=second)
    assert local is not None
    assert local.read_bytes() == shared.read_bytes()
    companies.delete_company(ws, company_b)
    assert _stored_files(ws) == 0
    assert attachments.missing_files(ws, [a.sha256]) == [a.sha256]
    if ws.is_server:
        with ws.store.read() as tx:
            assert tx.count_rows("file_chunks") == 0


@pytest.mark.postgresql_only("the file goes into the database with its record")
def test_a_failed_attach_on_a_server_leaves_no_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, add_finding: AddFinding
) -> None:
    source = _big_file(tmp_path / "照片.jpg")
    with pytest.raises(AuditDeskError):  # no such finding: the record fails, the file goes too
        attachments.attach_file(ws, source, finding_id="no-such-finding")
    assert _stored_files(ws) == 0
    # the file changed between hashing and copying: refused, nothing kept
    real = attachments._hash_file
    monkeypatch.setattr(attachments, "_hash_file", lambda p: ("0" * 64, real(p)[1]))
    with pytest.raises(AuditDeskError, match="在复制过程中被改动"):
        attachments.attach_file(ws, source, finding_id=add_finding(ws).id)
    assert _stored_files(ws) == 0


@pytest.mark.postgresql_only("two workspaces on one shared database")
def test_a_second_workspace_sees_the_office_files(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    source = _big_file(tmp_path / "证据.pdf")
    att = attachments.attach_file(ws, source, finding_id=add_finding(ws).id)
    other_dir = tmp_path / "另一台电脑"
    with Workspace.open(other_dir) as colleague:
        [(listed, local)] = attachments.list_attachments(colleague, finding_id=att.finding_id)
        assert listed.sha256 == att.sha256
        assert local is not None
        assert local.read_bytes() == source.read_bytes()
        assert str(local).startswith(str(colleague.paths.tmp))


# ------------------------------------------------------------------ case files both ways
@pytest.mark.postgresql_only("a laptop's evidence travels to the office's database and back")
def test_case_files_carry_evidence_from_a_laptop_to_the_office_and_back(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    from auditdesk.services import cases

    evidence = _big_file(tmp_path / "工资条.pdf")
    with Workspace.open(tmp_path / "laptop", database="sqlite") as laptop:
        att = attachments.attach_file(laptop, evidence, finding_id=add_finding(laptop).id)
        cases.export_case(laptop, companies.list_companies(laptop)[0].company.id,
                          tmp_path / "去.adcase")  # fmt: skip
    plan = cases.import_case(ws, tmp_path / "去.adcase")  # ws: the office's server
    assert plan.attachments_added == 1
    assert not ws.paths.attachments.exists() or not any(ws.paths.attachments.rglob("*"))
    [(_, local)] = attachments.list_attachments(ws, finding_id=att.finding_id)
    assert local is not None
    assert local.read_bytes() == evidence.read_bytes()
    cases.export_case(ws, companies.list_companies(ws)[0].company.id, tmp_path / "回.adcase")
    with Workspace.open(tmp_path / "another laptop", database="sqlite") as other:
        cases.import_case(other, tmp_path / "回.adcase")
        assert attachments.blob_path(other, att.sha256).read_bytes() == evidence.read_bytes()


# ------------------------------------------------------------------ office settings
CHECKLIST = """
area = "pay"
title = "本镇补充：薪酬"

[[items]]
id = "PAY.TOWN_BONUS"
question = "年终奖发放规则是否书面公示？"
guidance = "查看年终奖制度和公示记录。"
severity = "low"
legal_basis = [{ law = "劳动合同法", article = "第四条" }]
basis_status = "needs_review"
consequence = "规则不明时争议中对企业不利。"
remedy = "制定并公示年终奖规则。"
"""


def test_follow_up_days_are_the_offices_on_a_server_and_the_laptops_on_sqlite(
    ws: Workspace, tmp_path: Path, db_backend: str
) -> None:
    assert office_settings.followup_days(ws) == DEFAULT_FOLLOWUP_DAYS
    days = office_settings.set_followup_days(ws, {"critical": 7})
    assert days == {**DEFAULT_FOLLOWUP_DAYS, "critical": 7}
    assert office_settings.followup_days(ws)["critical"] == 7
    with Workspace.open(tmp_path / "同事的电脑") as colleague:  # same server, or its own file
        seen = office_settings.followup_days(colleague)["critical"]
    assert seen == (7 if db_backend == "postgresql" else DEFAULT_FOLLOWUP_DAYS["critical"])
    # the local preferences decide only on a laptop
    assert (ws.preferences().followup_days["critical"] == 7) == (db_backend == "sqlite")
    with pytest.raises(AuditDeskError, match="没有名为“urgent”的严重程度"):
        office_settings.set_followup_days(ws, {"urgent": 3})
    with pytest.raises(AuditDeskError, match="1 到 3650"):
        office_settings.set_followup_days(ws, {"low": 0})


@pytest.mark.postgresql_only("the office's checklists are shared through the database")
def test_a_checklist_imported_by_one_user_is_loaded_by_another(
    ws: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "town.toml"
    source.write_text(CHECKLIST, encoding="utf-8")
    checklists.import_file(ws, source)
    with Workspace.open(tmp_path / "同事的电脑") as colleague:
        library = checklists.current_library(colleague).library
        assert library.item("PAY.TOWN_BONUS") is not None
        assert [p.file for p in checklists.validate(colleague)[1]] == ["town.toml"]  # a warning
        with pytest.raises(AuditDeskError, match="服务器数据库中已有同名"):
            checklists.import_file(colleague, source)
    assert not ws.paths.custom_checklists.exists()


# ------------------------------------------------------------------ two users at once
def _two_companies_sharing(
    ws: Workspace, source: Path, add_finding: AddFinding
) -> tuple[str, str, str]:
    """甲公司 with ``source`` as evidence, 乙公司 with a finding: (甲's id, 乙's finding, sha)."""
    first = add_finding(ws, "甲公司").id
    second = add_finding(ws, "乙公司").id
    att = attachments.attach_file(ws, source, finding_id=first)
    ids = {s.company.name: s.company.id for s in companies.list_companies(ws)}
    return ids["甲公司"], second, att.sha256


@pytest.mark.postgresql_only("two users' transactions on one server")
def test_a_file_being_deleted_while_another_user_attaches_it_is_stored_again(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    source = _big_file(tmp_path / "合同.pdf")
    gone_company, other_finding, sha = _two_companies_sharing(ws, source, add_finding)
    done: dict[str, object] = {}
    with Workspace.open(tmp_path / "同事的电脑") as colleague:

        def attach() -> None:
            done["att"] = attachments.attach_file(colleague, source, finding_id=other_finding)

        worker = threading.Thread(target=attach)
        with ws.store.transaction() as tx:
            tx.delete_company(gone_company)  # the file goes in this open transaction
            worker.start()
            time.sleep(1.0)
            assert worker.is_alive()  # the colleague waits for our delete to end
        worker.join(30)
        assert "att" in done
        [(_, local)] = attachments.list_attachments(colleague, finding_id=other_finding)
    assert local is not None
    assert local.read_bytes() == source.read_bytes()
    assert attachments.missing_files(ws, [sha]) == []


@pytest.mark.postgresql_only("two users' transactions on one server")
def test_the_last_reference_deleted_while_another_user_attaches_the_file_keeps_it(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    source = _big_file(tmp_path / "合同.pdf")
    gone_company, other_finding, sha = _two_companies_sharing(ws, source, add_finding)
    deleted = threading.Event()
    with Workspace.open(tmp_path / "同事的电脑") as colleague:

        def delete() -> None:
            companies.delete_company(ws, gone_company)
            deleted.set()

        worker = threading.Thread(target=delete)
        with colleague.store.transaction() as tx:
            assert not attachments.store_in_database(tx, source, sha, BIG)  # stored: held
            tx.insert_attachment(
                Attachment(sha256=sha, filename="合同.pdf", size=BIG, finding_id=other_finding)
            )
            worker.start()
            time.sleep(1.0)
            assert not deleted.is_set()  # the delete waits for the attachment to commit
        worker.join(30)
        assert deleted.is_set()
    assert attachments.missing_files(ws, [sha]) == []
    [(_, local)] = attachments.list_attachments(ws, finding_id=other_finding)
    assert local is not None
    assert local.read_bytes() == source.read_bytes()


# ------------------------------------------------------------------ from the shell
def test_evidence_commands_add_list_and_export(
    ws: Workspace, tmp_path: Path, add_finding: AddFinding
) -> None:
    finding_id = add_finding(ws).id
    source = _big_file(tmp_path / "照片.jpg")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "auditdesk", *args, "--data-dir", str(ws.paths.root)],
            capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )  # fmt: skip

    added = cli("evidence", "add", "--finding", finding_id, str(source), "--json")
    assert added.returncode == 0, added.stderr
    [att] = json.loads(added.stdout)
    listed = json.loads(cli("evidence", "list", "--finding", finding_id, "--json").stdout)
    assert [(a["id"], a["available"]) for a in listed] == [(att["id"], True)]
    out = tmp_path / "导出"
    out.mkdir()
    exported = cli("evidence", "export", att["id"], "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert (out / "照片.jpg").read_bytes() == source.read_bytes()
    missing = cli("evidence", "export", "no-such-id", "-o", str(out))
    assert missing.returncode == 2
    assert "找不到附件" in missing.stderr
    assert "Traceback" not in missing.stderr
    both = cli("evidence", "list")
    assert both.returncode == 2
    assert "二选一" in both.stderr
    # the finding as `findings list` prints it (its 8-character reference, any case): the same
    # evidence, not 没有证据文件; an unknown finding is an error, not an empty list
    ref = finding_id[:8].upper()
    by_ref = json.loads(cli("evidence", "list", "--finding", ref, "--json").stdout)
    assert [a["id"] for a in by_ref] == [att["id"]]
    again = cli("evidence", "add", "--finding", ref.lower(), str(source), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["finding_id"] == finding_id
    finding = visit.find_finding(ws, finding_id)
    by_code = cli(
        "evidence", "list", "--finding", finding.code, "--audit", finding.audit_id, "--json"
    )
    assert by_code.returncode == 0, by_code.stderr  # the 问题编号 within one audit (--audit)
    assert {a["finding_id"] for a in json.loads(by_code.stdout)} == {finding_id}
    unknown = cli("evidence", "list", "--finding", "FFFFFFFF")
    assert unknown.returncode == 2
    assert "没有证据文件" not in unknown.stdout
    assert "Traceback" not in unknown.stderr
