"""A corrupt, foreign, locked or too-new database gives a Chinese message and stays untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditdesk.errors import (
    AuditDeskError,
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseTooNewError,
)
from auditdesk.models.company import Company
from auditdesk.paths import DB_FILENAME
from auditdesk.services.workspace import Workspace
from auditdesk.store.errors import classify


def test_garbage_file_is_refused_and_kept(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    garbage = b"PK\x03\x04 this is a zip, not a database" * 100
    db.write_bytes(garbage)
    with pytest.raises(DatabaseCorruptError) as info:
        Workspace.open(tmp_path)
    assert "已损坏或不是 AuditDesk 数据库" in info.value.message
    assert str(db) in info.value.message
    assert db.read_bytes() == garbage


def test_other_programs_database_is_refused_and_kept(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    raw = sqlite3.connect(db)
    raw.execute("create table notes (x text)")
    raw.execute("insert into notes values ('keep me')")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseCorruptError, match="不是 AuditDesk 数据库"):
        Workspace.open(tmp_path)
    raw = sqlite3.connect(db)
    assert raw.execute("select x from notes").fetchall() == [("keep me",)]
    assert [r[0] for r in raw.execute("select name from sqlite_master")] == ["notes"]
    raw.close()


def test_newer_database_is_refused(data_dir: Path) -> None:
    raw = sqlite3.connect(data_dir / DB_FILENAME)
    raw.execute("update schema_version set version = 999")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseTooNewError, match="更新版本的 AuditDesk"):
        Workspace.open(data_dir)


def test_locked_database_gives_a_clear_message(ws: Workspace) -> None:
    blocker = sqlite3.connect(ws.paths.database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    impatient = Workspace.open(ws.paths.root, busy_timeout_ms=50)
    try:
        with (
            pytest.raises(DatabaseLockedError, match="正被其他程序占用"),
            impatient.store.transaction() as tx,
        ):
            tx.insert_company(Company(name="甲"))
    finally:
        impatient.close()
        blocker.execute("ROLLBACK")
        blocker.close()
    with ws.store.read() as tx:
        assert tx.count_companies() == 0


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("x")
    with pytest.raises(AuditDeskError, match="无法创建或使用数据目录"):
        Workspace.open(not_a_dir)


@pytest.mark.parametrize(
    ("driver_message", "expected"),
    [
        ("attempt to write a readonly database", "无法写入"),
        ("database or disk is full", "磁盘空间已满"),
        ("database disk image is malformed", "已损坏"),
        ("unable to open database file", "无法打开数据库"),
    ],
)
def test_classify_driver_errors(driver_message: str, expected: str) -> None:
    error = classify(sqlite3.OperationalError(driver_message), "/x/auditdesk.db")
    assert error is not None
    assert expected in error.message


def test_unknown_driver_errors_are_bugs() -> None:
    assert classify(sqlite3.OperationalError("no such column: foo"), "/x") is None
