"""Backups: snapshots with attachments, rotation, single-file backups, and restore that either lands
whole or leaves the data directory exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from auditdesk.archive import ArchiveError
from auditdesk.errors import DatabaseCorruptError, DatabaseTooNewError
from auditdesk.models.company import CompanyInput
from auditdesk.paths import DataPaths
from auditdesk.services import attachments, audits, backups, companies, visit
from auditdesk.services.backups import BackupError
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


pytestmark = pytest.mark.sqlite_only(
    "backups copy the SQLite file; a server database is refused (test_store_server.py)"
)


@pytest.fixture
def filled(data_dir: Path, tmp_path: Path) -> DataPaths:
    """A data dir with the demo company and one attachment file; the store is closed."""
    with Workspace.open(data_dir) as ws:
        load_demo(ws)
        evidence = tmp_path / "考勤照片.jpg"
        evidence.write_bytes(b"\xff\xd8\xff" + b"photo" * 1000)
        finding = _any_finding_id(ws)
        attachments.attach_file(ws, evidence, finding_id=finding)
    return DataPaths(data_dir)


def _any_finding_id(ws: Workspace) -> str:
    with ws.store.read() as tx:
        return str(tx.conn.exec_driver_sql("select id from findings limit 1").scalar_one())


def _company_names(paths: DataPaths) -> list[str]:
    with Workspace.open(paths.root) as ws:
        return [c.company.name for c in companies.list_companies(ws)]


def _blob_files(paths: DataPaths) -> list[Path]:
    return sorted(p for p in paths.attachments.rglob("*") if p.is_file())


def _corrupt(db: Path) -> None:
    """Overwrite the middle pages of the database with noise (the file stays openable)."""
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(bytes((i * 37) % 251 for i in range(size - 4096 * 3)))


# ------------------------------------------------------------------ snapshots
def test_snapshot_holds_database_and_attachments(filled: DataPaths) -> None:
    info = backups.create_backup(filled, now=datetime(2026, 11, 28, 9, 30))
    assert info.id == "20261128-093000-manual"
    assert info.records == {"companies": 1, "audits": 2, "findings": 3, "attachments": 1}
    [blob] = _blob_files(filled)
    assert info.attachments == (blob.name,)
    pooled = filled.backups / "blobs" / blob.name[:2] / blob.name
    assert pooled.read_bytes() == blob.read_bytes()
    raw = sqlite3.connect(info.path / "auditdesk.db")
    assert raw.execute("select count(*) from companies").fetchone() == (1,)
    raw.close()
    assert [b.id for b in backups.list_backups(filled)] == [info.id]


def test_startup_backup_skips_an_unchanged_database(filled: DataPaths) -> None:
    first = backups.auto_backup(filled, startup=True, now=datetime(2026, 11, 28, 8, 0))
    assert first is not None
    assert backups.auto_backup(filled, startup=True, now=datetime(2026, 11, 28, 9, 0)) is None
    with Workspace.open(filled.root) as ws:
        companies.add_company(ws, CompanyInput(name="上海新来有限公司"))
    again = backups.auto_backup(filled, startup=True, now=datetime(2026, 11, 28, 10, 0))
    assert again is not None
    assert again.records["companies"] == 2


def test_daily_backup_once_per_day_of_use(filled: DataPaths) -> None:
    assert backups.auto_backup(filled, startup=False, now=datetime(2026, 11, 27, 8, 0))
    with Workspace.open(filled.root) as ws:
        companies.add_company(ws, CompanyInput(name="上海新来有限公司"))
    assert backups.auto_backup(filled, startup=False, now=datetime(2026, 11, 27, 18, 0)) is None
    assert backups.auto_backup(filled, startup=False, now=datetime(2026, 11, 28, 8, 0))


def test_rotation_keeps_seven_days_and_four_weeks(filled: DataPaths) -> None:
    start = datetime(2026, 10, 1, 12, 0)
    for day in range(59):  # 2026-10-01 … 2026-11-28 (a Saturday)
        backups.create_backup(filled, kind="auto", now=start + timedelta(days=day))
    manual = backups.create_backup(filled, kind="manual", now=datetime(2026, 10, 2, 9, 0))
    backups.prune(filled)
    kept = sorted(b.created.date() for b in backups.list_backups(filled) if b.kind == "auto")
    expected = [date(2026, 11, 8), date(2026, 11, 15)] + [date(2026, 11, d) for d in range(22, 29)]
    assert kept == expected
    assert manual.path.exists()


def test_rotation_drops_pool_files_no_backup_needs(filled: DataPaths) -> None:
    old = backups.create_backup(filled, kind="auto", now=datetime(2026, 1, 5, 8, 0))
    [sha] = old.attachments
    with Workspace.open(filled.root) as ws:
        companies.delete_company(ws, companies.list_companies(ws)[0].company.id)
    for day in range(40):  # five weeks and more of newer backups, none with that attachment
        backups.create_backup(
            filled, kind="auto", now=datetime(2026, 10, 20, 8, 0) + timedelta(days=day)
        )
    backups.prune(filled)
    assert not old.path.exists()
    assert not (filled.backups / "blobs" / sha[:2] / sha).exists()


def test_backup_of_a_corrupt_database_is_refused_and_leaves_no_folder(filled: DataPaths) -> None:
    good = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    _corrupt(filled.database)
    with pytest.raises(BackupError, match="完整性检查"):
        backups.create_backup(filled, now=datetime(2026, 11, 28, 8, 0))
    assert [b.id for b in backups.list_backups(filled)] == [good.id]


# ------------------------------------------------------------------ restore
def test_corruption_is_detected_at_start_and_the_latest_good_backup_restores(
    filled: DataPaths,
) -> None:
    backups.create_backup(filled, kind="auto", now=datetime(2026, 11, 27, 8, 0))
    for blob in _blob_files(filled):
        blob.unlink()  # the restore brings attachment files back too
    _corrupt(filled.database)
    damaged = _sha(filled.database)
    with pytest.raises(DatabaseCorruptError, match="完整性检查"):
        Workspace.open(filled.root, check_integrity=True)
    assert _sha(filled.database) == damaged  # looking did not alter it

    good = backups.latest_good_backup(filled)
    assert good is not None
    assert good.id == "20261127-080000-auto"
    result = backups.restore_backup(filled, good, now=datetime(2026, 11, 28, 9, 0))
    assert _company_names(filled) == ["上海嘉研精密部件有限公司"]
    assert [p.name for p in _blob_files(filled)] == list(good.attachments)
    assert result.set_aside is not None
    assert _sha(result.set_aside / "auditdesk.db") == damaged
    assert backups.list_backups(filled)[0].kind == "before-restore"
    Workspace.open(filled.root, check_integrity=True).close()


def test_latest_good_skips_a_damaged_snapshot(filled: DataPaths) -> None:
    older = backups.create_backup(filled, kind="auto", now=datetime(2026, 11, 26, 8, 0))
    newer = backups.create_backup(filled, kind="auto", now=datetime(2026, 11, 27, 8, 0))
    _corrupt(newer.path / "auditdesk.db")
    good = backups.latest_good_backup(filled)
    assert good is not None
    assert good.id == older.id


def _state(paths: DataPaths) -> dict[str, str]:
    return {
        str(p.relative_to(paths.root)): _sha(p)
        for p in sorted(paths.root.rglob("*"))
        if p.is_file() and "backups" not in p.parts and "logs" not in p.parts
    }


def test_tampered_snapshot_is_refused_and_nothing_changes(filled: DataPaths) -> None:
    info = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    raw = sqlite3.connect(info.path / "auditdesk.db")
    raw.execute("update companies set name = '改过的'")
    raw.commit()
    raw.close()
    before = _state(filled)
    with pytest.raises(BackupError, match="与其清单不符"):
        backups.restore_backup(filled, info)
    assert _state(filled) == before
    assert not (filled.backups / "replaced").exists()


def test_backup_from_a_newer_version_is_refused(filled: DataPaths) -> None:
    info = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    db = info.path / "auditdesk.db"
    raw = sqlite3.connect(db)
    raw.execute("update schema_version set version = 999")
    raw.commit()
    raw.close()
    newer = backups.BackupInfo(**{**info.__dict__, "db_sha256": _sha(db)})
    before = _state(filled)
    with pytest.raises(BackupError, match="更新版本"):
        backups.restore_backup(filled, newer)
    assert _state(filled) == before


def test_failure_after_the_swap_puts_everything_back(filled: DataPaths) -> None:
    info = backups.create_backup(filled, now=datetime(2026, 11, 27, 8, 0))
    with Workspace.open(filled.root) as ws:
        companies.add_company(ws, CompanyInput(name="备份之后新建的企业"))
    for blob in _blob_files(filled):
        blob.unlink()
    before = _state(filled)

    def fail(_db: Path) -> None:
        raise OSError("磁盘在最后一步出错")

    with pytest.raises(OSError, match="最后一步"):
        backups.restore_backup(filled, info, open_check=fail)
    assert _state(filled) == before
    assert "备份之后新建的企业" in _company_names(filled)


def test_single_file_backup_round_trip(filled: DataPaths, tmp_path: Path) -> None:
    target = tmp_path / "出差带走.adbackup"
    exported = backups.export_backup(filled, target)
    assert exported.records["attachments"] == 1
    other = DataPaths(tmp_path / "other")
    other.root.mkdir()
    backups.restore_backup(other, target)
    assert _company_names(other) == ["上海嘉研精密部件有限公司"]
    assert [p.read_bytes() for p in _blob_files(other)] == [
        p.read_bytes() for p in _blob_files(filled)
    ]


def test_truncated_backup_file_is_refused(filled: DataPaths, tmp_path: Path) -> None:
    target = backups.export_backup(filled, tmp_path / "b.adbackup").path
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    before = _state(filled)
    with pytest.raises(ArchiveError, match="不完整"):
        backups.restore_backup(filled, target)
    assert _state(filled) == before


def test_newer_database_is_refused_without_being_altered(data_dir: Path) -> None:
    db = data_dir / "auditdesk.db"
    raw = sqlite3.connect(db)
    raw.execute("update schema_version set version = 999")
    raw.commit()
    raw.close()
    before = _sha(db)
    with pytest.raises(DatabaseTooNewError):
        Workspace.open(data_dir, check_integrity=True)
    assert _sha(db) == before


def test_day_old_scratch_files_are_swept_at_open(data_dir: Path) -> None:
    scratch = data_dir / "tmp"
    (scratch / "auditdesk-archive-old").mkdir(parents=True)
    (scratch / "auditdesk-archive-old" / "plain.zip").write_bytes(b"PK")
    (scratch / "fresh.part").write_bytes(b"in use")
    yesterday = time.time() - 2 * 24 * 3600
    os.utime(scratch / "auditdesk-archive-old", (yesterday, yesterday))
    Workspace.open(data_dir).close()
    assert [p.name for p in scratch.iterdir()] == ["fresh.part"]


def test_backup_files_are_noted_and_the_latest_backup_includes_them(tmp_path: Path) -> None:

    ws = Workspace.open(tmp_path / "data")
    load_demo(ws)
    ws.close()
    snapshot = backups.create_backup(ws.paths, now=datetime(2026, 1, 1, 9, 0))
    assert backups.latest_backup(ws.paths) == snapshot
    target = tmp_path / "usb" / "备份.adbackup"
    target.parent.mkdir()
    exported = backups.export_backup(ws.paths, target, now=datetime(2026, 1, 2, 9, 0))
    [noted] = backups.exported_backups(ws.paths)
    assert noted.path == target.resolve()
    assert noted.records == exported.records
    latest = backups.latest_backup(ws.paths)
    assert latest is not None
    assert latest.kind == "file"
    target.unlink()  # a file moved away is no longer offered
    assert backups.exported_backups(ws.paths) == []
    assert backups.latest_backup(ws.paths) == snapshot


def test_restore_preview_compares_counts_and_flags(tmp_path: Path) -> None:

    ws = Workspace.open(tmp_path / "data")
    load_demo(ws)
    old = backups.create_backup(ws.paths, now=datetime.now() - timedelta(days=2))
    companies.add_company(ws, CompanyInput(name="上海后来添加有限公司"))
    ws.close()
    preview = backups.restore_preview(ws.paths, old)
    assert preview.age_text() == "2 天前"
    assert preview.current["companies"] == preview.in_backup["companies"] + 1
    assert "payroll_imports" in preview.in_backup
    assert preview.fewer() == ["企业"]
    assert preview.older_than_data
    assert ("企业", "2 家", "1 家") in preview.rows()
    fresh = backups.restore_preview(ws.paths, backups.create_backup(ws.paths))
    assert not fresh.flagged
    assert fresh.warnings() == []


def test_a_note_on_an_unanswered_item_survives_a_backup(filled: DataPaths, tmp_path: Path) -> None:
    with Workspace.open(filled.root) as ws:
        audit_id = audits.list_audits(ws)[0].audit.id
        item_id = next(w.item.id for w in visit.load_walk(ws, audit_id).items if w.answer is None)
        visit.note_item(ws, audit_id, item_id, note="待查考勤机原始记录", by="陈静")
    target = backups.export_backup(filled, tmp_path / "noted.adbackup").path
    other = DataPaths(tmp_path / "other")
    other.root.mkdir()
    backups.restore_backup(other, target)
    with Workspace.open(other.root) as ws:
        walk = visit.load_walk(ws, audit_id)
        noted = next(w for w in walk.items if w.item.id == item_id)
    assert noted.result is None
    assert noted.answer is not None
    assert noted.answer.note == "待查考勤机原始记录"
