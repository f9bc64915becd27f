"""Issue 17: no data lost around restore and evidence files.

1. a restore refuses while another process has the data dir open, and a process whose database
   file was replaced behind its back stops instead of writing into the file set aside;
2. a kill at any file step of a restore leaves a database that the next start finds (the set-aside
   one is put back), and every set-aside copy has its manifest;
3. stored evidence files are read-only and opened as copies, backups copy them (never share an
   inode), ``backup create`` checks their hashes, and ``restore latest`` says what it skipped;
5. ``备份到…`` can be sealed with a passphrase; written documents are readable by the owner only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from auditdesk.archive import PassphraseError, is_sealed
from auditdesk.errors import AuditDeskError
from auditdesk.models.company import CompanyInput
from auditdesk.paths import DataPaths
from auditdesk.services import attachments, backups, companies
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace

DEMO = "上海嘉研精密部件有限公司"
LATER = "备份之后新建的企业"

# A second AuditDesk process: opens the data dir, says so, and holds it until stdin closes.
HOLDER = r"""
import sys
from auditdesk.services.workspace import Workspace
ws = Workspace.open(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
ws.close()
"""

# A restore killed (os._exit, as by kill -9) at its n-th file copy or rename.
CRASHING_RESTORE = r"""
import os, shutil, sys
from pathlib import Path
from auditdesk.paths import DataPaths
from auditdesk.services import backups

paths = DataPaths(Path(sys.argv[1]))
kill_at = int(sys.argv[3])
source = backups.find_backup(paths, sys.argv[2])
count = 0

def counted(fn):
    def wrapper(*args, **kwargs):
        global count
        count += 1
        if count == kill_at:
            os._exit(70)
        return fn(*args, **kwargs)
    return wrapper

os.replace = counted(os.replace)
shutil.copyfile = counted(shutil.copyfile)
backups.restore_backup(paths, source)
print("finished", flush=True)
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AUDITDESK_DATA_DIR"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _any_finding_id(ws: Workspace) -> str:
    with ws.store.read() as tx:
        return str(tx.conn.exec_driver_sql("select id from findings limit 1").scalar_one())


@pytest.fixture
def filled(data_dir: Path, tmp_path: Path) -> DataPaths:
    """The demo company with one evidence photo; the store is closed."""
    with Workspace.open(data_dir) as ws:
        load_demo(ws)
        photo = tmp_path / "考勤照片.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + b"photo" * 1000)
        attachments.attach_file(ws, photo, finding_id=_any_finding_id(ws))
    return DataPaths(data_dir)


def _names(paths: DataPaths) -> list[str]:
    with Workspace.open(paths.root) as ws:
        return sorted(c.company.name for c in companies.list_companies(ws))


def _blob(paths: DataPaths) -> Path:
    [blob] = [p for p in paths.attachments.rglob("*") if p.is_file()]
    return blob


# ------------------------------------------------------------------ 1. another process
def test_restore_is_refused_while_another_process_has_the_data_dir_open(
    filled: DataPaths,
) -> None:
    snapshot = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(filled.root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        before = _sha(filled.database)
        with pytest.raises(AuditDeskError, match="另一个 AuditDesk 窗口或命令正在使用"):
            backups.restore_backup(filled, snapshot)
        assert _sha(filled.database) == before
        assert not (filled.backups / "replaced").exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(60) == 0
    result = backups.restore_backup(filled, snapshot)  # once it has closed, the restore runs
    assert result.set_aside is not None


def test_a_process_whose_database_was_replaced_stops_and_writes_nothing(
    filled: DataPaths,
) -> None:
    snapshot = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    ws = Workspace.open(filled.root)
    try:
        companies.add_company(ws, CompanyInput(name=LATER))
        # the files are swapped behind its back, as a restore that took no lock did (an older
        # AuditDesk, a file manager, a sync tool)
        swapped = filled.root / "swap.db"
        shutil.copyfile(snapshot.path / "auditdesk.db", swapped)
        for suffix in ("", "-wal", "-shm"):
            live = filled.root / f"auditdesk.db{suffix}"
            if live.exists():
                os.replace(live, filled.root / f"moved-away.db{suffix}")
        os.replace(swapped, filled.database)
        with pytest.raises(AuditDeskError, match="数据库文件已被替换"):
            companies.add_company(ws, CompanyInput(name="写进被移走文件的企业"))
        with pytest.raises(AuditDeskError, match="数据库文件已被替换"):
            companies.list_companies(ws)
    finally:
        ws.close()
    assert _names(filled) == [DEMO]


# ------------------------------------------------------------------ 2. killed mid-restore
def test_a_restore_killed_at_any_file_step_loses_nothing(filled: DataPaths, tmp_path: Path) -> None:
    snapshot = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    with Workspace.open(filled.root) as ws:
        companies.add_company(ws, CompanyInput(name=LATER))
    sha = _blob(filled).name
    for blob in filled.attachments.rglob("*"):
        if blob.is_file():
            blob.chmod(0o644)
            blob.unlink()  # the restore has attachment files to copy back
    template = tmp_path / "template"
    shutil.copytree(filled.root, template)

    finished = False
    kill_at = 0
    while not finished:
        kill_at += 1
        assert kill_at < 40, "the restore never finished"
        root = tmp_path / f"run-{kill_at}"
        shutil.copytree(template, root)
        paths = DataPaths(root)
        run = subprocess.run(
            [sys.executable, "-c", CRASHING_RESTORE, str(root), snapshot.id, str(kill_at)],
            capture_output=True, text=True, env=_env(), timeout=120, check=False,
        )  # fmt: skip
        finished = run.returncode == 0
        assert finished or run.returncode == 70, run.stderr
        # the next start: the old data or the restored data, never an empty database
        names = _names(paths)
        assert names in ([DEMO], sorted([DEMO, LATER])), (kill_at, names)
        if names == [DEMO]:  # restored: its evidence file came back whole
            assert _sha(paths.attachments / sha[:2] / sha) == sha
        # every database set aside is listed, with what it holds
        replaced = paths.backups / "replaced"
        folders = sorted(replaced.iterdir()) if replaced.is_dir() else []
        listed = {b.path for b in backups.list_backups(paths) if b.kind == "before-restore"}
        assert set(folders) == listed, kill_at
        for folder in folders:
            assert (folder / "auditdesk.db").exists()
        shutil.rmtree(root)
    assert kill_at > 3  # the kills did reach the swap


# ------------------------------------------------------------------ 3. evidence files
def test_stored_evidence_is_read_only_and_opened_as_a_copy(filled: DataPaths) -> None:
    blob = _blob(filled)
    assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0
    with Workspace.open(filled.root) as ws:
        [(attachment, stored)] = attachments.list_attachments(ws, finding_id=_any_finding_id(ws))
        assert stored == blob
        opened = attachments.open_copy(ws, attachment)
    assert opened != blob
    assert opened.name == "考勤照片.jpg"
    assert opened.read_bytes() == blob.read_bytes()
    opened.write_bytes(b"saved in place by an editor")
    assert _sha(blob) == blob.name


def test_backups_copy_evidence_and_check_its_hash(filled: DataPaths) -> None:
    older = backups.create_backup(filled, now=datetime(2026, 11, 26, 8, 0))
    blob = _blob(filled)
    pooled = filled.backups / "blobs" / blob.name[:2] / blob.name
    assert pooled.stat().st_ino != blob.stat().st_ino
    assert stat.S_IMODE(pooled.stat().st_mode) & 0o222 == 0
    # an editor that saves in place (after making the file writable)
    blob.chmod(0o644)
    blob.write_bytes(b"edited in place")
    # the earlier snapshot kept its own copy, so it is still whole
    assert backups.validate_backup(filled, older).id == older.id
    # the next backup notices: the stored file is put back from the checked copy, and said so
    newer = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    assert newer.repaired == ("考勤照片.jpg",)
    assert _sha(blob) == blob.name
    assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0


def test_backup_refuses_an_edited_evidence_file_it_has_no_copy_of(filled: DataPaths) -> None:
    blob = _blob(filled)
    blob.chmod(0o644)
    blob.write_bytes(b"edited in place")
    with pytest.raises(backups.BackupError, match=r"考勤照片\.jpg"):
        backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    assert backups.list_backups(filled) == []
    assert not (filled.backups / "blobs" / blob.name[:2] / blob.name).exists()


def test_latest_good_names_the_newer_backups_it_skipped(filled: DataPaths) -> None:
    older = backups.create_backup(filled, kind="auto", now=datetime(2026, 11, 26, 8, 0))
    newer = backups.create_backup(filled, kind="auto", now=datetime(2026, 11, 27, 8, 0))
    with (newer.path / "auditdesk.db").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00" * 64)
    found = backups.find_latest_good(filled)
    assert found.good is not None
    assert found.good.id == older.id
    [(skipped, reason)] = found.skipped
    assert skipped.id == newer.id
    assert "与其清单不符" in reason


# ------------------------------------------------------------------ 5. sealed backup files
def test_backup_file_sealed_with_a_passphrase(filled: DataPaths, tmp_path: Path) -> None:
    target = tmp_path / "出差带走.adbackup"
    backups.export_backup(filled, target, passphrase="工会备份口令2026")
    assert is_sealed(target)
    assert b"auditdesk.db" not in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0
    with pytest.raises(PassphraseError):
        backups.validate_backup(filled, target)
    info = backups.validate_backup(filled, target, passphrase="工会备份口令2026")
    assert info.records["companies"] == 1
    other = DataPaths(tmp_path / "other")
    other.root.mkdir()
    backups.restore_backup(other, target, passphrase="工会备份口令2026")
    assert _names(other) == [DEMO]


@pytest.mark.skipif(os.name != "posix", reason="owner-only modes exist on POSIX only")
def test_written_report_and_ledger_are_readable_by_the_owner_only(
    filled: DataPaths, tmp_path: Path
) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from auditdesk.services import reports

    with Workspace.open(filled.root) as ws:
        with ws.store.read() as tx:
            audit_id = str(tx.conn.exec_driver_sql("select id from audits limit 1").scalar_one())
        report = reports.export(ws, audit_id, tmp_path / "报告.docx")
        ledger = reports.export(ws, audit_id, tmp_path / "台账.xlsx", kind="ledger")
    for written in (report, ledger):
        assert stat.S_IMODE(written.stat().st_mode) & 0o077 == 0, written
    assert Document(str(report)).paragraphs  # still a readable document
    assert load_workbook(ledger).active.max_row > 1


def test_a_killed_restores_staging_copy_is_removed_at_the_next_start(tmp_path: Path) -> None:
    from auditdesk.services import backups as backups_service

    data = tmp_path / "data"
    Workspace.open(data).close()
    # what a restore killed while staging leaves: its (maybe decrypted) copy, named with its pid
    staging = data / "tmp" / f"{backups_service.SCRATCH_PREFIX}999999999-restore-abc"
    staging.mkdir(parents=True)
    (staging / "auditdesk.db").write_bytes(b"personal data in clear")
    Workspace.open(data).close()
    assert not staging.exists()


def test_a_lock_file_that_cannot_be_opened_is_a_clear_message(tmp_path: Path) -> None:
    from auditdesk.datalock import LOCK_FILENAME
    from auditdesk.errors import AuditDeskError

    data = tmp_path / "data"
    (data / LOCK_FILENAME).mkdir(parents=True)  # a folder where the lock file should be
    with pytest.raises(AuditDeskError, match="锁文件"):
        Workspace.open(data)
