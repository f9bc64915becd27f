"""A corrupt, foreign, locked, read-only, full or too-new database gives a Chinese message and stays
untouched; the kind is decided by SQLite's result code, each provoked for real where feasible."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from auditdesk.errors import (
    AuditDeskError,
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    DiskFullError,
    StoreError,
)
from auditdesk.models.company import Company
from auditdesk.paths import DB_FILENAME
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store
from auditdesk.store.errors import DatabaseFileError, classify, result_code
from auditdesk.store.sqlite import describe_database

pytestmark = pytest.mark.sqlite_only(
    "SQLite file result codes (a locked, read-only, full or damaged file); the server's SQLSTATEs"
    " are tested in test_store_server.py"
)


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
def test_classify_driver_errors_without_a_code_by_text(driver_message: str, expected: str) -> None:
    error = classify(sqlite3.OperationalError(driver_message), "/x/auditdesk.db")
    assert error is not None
    assert expected in error.message


def test_unknown_driver_errors_are_bugs() -> None:
    assert classify(sqlite3.OperationalError("no such column: foo"), "/x") is None


# ---------------------------------------------------------------- real conditions, by result code
def test_write_lock_held_elsewhere_is_busy(ws: Workspace) -> None:
    blocker = sqlite3.connect(ws.paths.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    impatient = Workspace.open(ws.paths.root, busy_timeout_ms=0)
    try:
        with pytest.raises(DatabaseLockedError) as info, impatient.store.transaction() as tx:
            tx.insert_company(Company(name="甲"))
        assert result_code(info.value.__cause__) == sqlite3.SQLITE_BUSY
    finally:
        impatient.close()
        blocker.execute("ROLLBACK")
        blocker.close()


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    noise = b"\x00" + os.urandom(16383)  # never SQLite's "SQLite format 3" header
    db.write_bytes(noise)
    with pytest.raises(DatabaseCorruptError) as info:
        Workspace.open(tmp_path)
    assert result_code(info.value.__cause__) == sqlite3.SQLITE_NOTADB
    assert db.read_bytes() == noise
    with pytest.raises(DatabaseFileError) as raw:  # outside the store: our wrapper, same code
        describe_database(db, ())
    assert result_code(raw.value) == sqlite3.SQLITE_NOTADB
    assert isinstance(classify(raw.value, db), DatabaseCorruptError)


def test_damaged_schema_page_is_corrupt(ws: Workspace) -> None:
    db = ws.paths.database
    ws.close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\x07" * (4096 - 100)  # page 1 after the header: the schema table
    db.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorruptError) as info:
        Store.open_sqlite(db)
    assert result_code(info.value.__cause__) == sqlite3.SQLITE_CORRUPT


def _add_company(root: Path) -> None:
    with Workspace.open(root) as again, again.store.transaction() as tx:
        tx.insert_company(Company(name="甲"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file modes")
def test_read_only_file(ws: Workspace) -> None:
    db = ws.paths.database
    ws.close()
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        with pytest.raises(StoreError) as info:
            _add_company(ws.paths.root)
        code = result_code(info.value.__cause__)
        assert code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def test_read_only_connection(ws: Workspace) -> None:
    # query_only makes SQLite itself refuse the write with SQLITE_READONLY, as a read-only file
    # does for a user who is not root
    def write_read_only() -> None:
        with ws.store.transaction() as tx:
            tx.conn.exec_driver_sql("PRAGMA query_only = ON")
            tx.insert_company(Company(name="甲"))

    with pytest.raises(DatabaseReadOnlyError) as info:
        write_read_only()
    assert result_code(info.value.__cause__) == sqlite3.SQLITE_READONLY
    ws.store.close()  # the pooled connection keeps query_only: drop it


def test_full_database(ws: Workspace) -> None:
    def fill_up() -> None:
        with ws.store.transaction() as tx:
            pages = tx.conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            tx.conn.exec_driver_sql(f"PRAGMA max_page_count = {int(pages)}")
            for n in range(20000):
                tx.insert_company(Company(name=f"企业{n}", notes="备注" * 200))

    with pytest.raises(DiskFullError) as info:
        fill_up()
    assert result_code(info.value.__cause__) == sqlite3.SQLITE_FULL
    ws.store.close()  # the pooled connection keeps max_page_count: drop it
    again = Workspace.open(ws.paths.root)
    try:
        with again.store.read() as tx:
            assert tx.count_companies() == 0  # the transaction was rolled back
    finally:
        again.close()


def test_missing_folder_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="无法打开数据库") as info:
        Store.open_sqlite(tmp_path / "missing" / DB_FILENAME)
    assert result_code(info.value.__cause__) == sqlite3.SQLITE_CANTOPEN


def test_sql_mistake_stays_a_bug(ws: Workspace) -> None:
    with pytest.raises(sa_exc.OperationalError) as info, ws.store.read() as tx:
        tx.conn.exec_driver_sql("SELECT * FROM no_such_table")
    assert not isinstance(info.value, StoreError)
    assert result_code(info.value) == sqlite3.SQLITE_ERROR


def _coded(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


def test_the_code_decides_not_the_message() -> None:
    assert classify(_coded("database is locked", sqlite3.SQLITE_ERROR), "/x") is None
    busy_snapshot = sqlite3.SQLITE_BUSY | (2 << 8)  # an extended code
    assert isinstance(classify(_coded("no such column", busy_snapshot), "/x"), DatabaseLockedError)
    wrapped = sa_exc.OperationalError("INSERT …", {}, _coded("?", sqlite3.SQLITE_FULL))
    assert isinstance(classify(wrapped, "/x"), DiskFullError)
    io_error = classify(_coded("disk I/O error", sqlite3.SQLITE_IOERR | (3 << 8)), "/x")
    assert io_error is not None
    assert "磁盘出错" in io_error.message
