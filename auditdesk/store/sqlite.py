"""Everything SQLite-specific in one place: engine set-up with pragmas, BEGIN handling, online backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

from auditdesk.store.errors import DatabaseFileError

WRITE_OPTION = "auditdesk_write"


class DecimalSum:
    """``decimal_sum(money_text)``: SQLite's exact sum of money stored as canonical text, added as
    :class:`~decimal.Decimal` (``SUM`` would go through REAL and lose cents); the sum as canonical
    text, or NULL when every value was NULL. PostgreSQL sums its NUMERIC columns with ``SUM``."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: str | None) -> None:
        if value is not None:
            self.total = Decimal(value) if self.total is None else self.total + Decimal(value)

    def finalize(self) -> str | None:
        return None if self.total is None else format(self.total, "f")


def create_sqlite_engine(path: Path, *, busy_timeout_ms: int = 5000) -> Engine:
    """An engine on ``path`` with foreign keys on, WAL, a busy timeout, and real transactions.

    pysqlite's own transaction handling starts transactions lazily and never around DDL; we switch it
    off and emit BEGIN ourselves, so a migration step and its version bump commit together. Write
    transactions use BEGIN IMMEDIATE so that a locked database fails at the start, not half-way.
    """
    engine = create_engine(f"sqlite+pysqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.create_aggregate("decimal_sum", 1, cast(Any, DecimalSum))  # typeshed: int only
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def _file_errors() -> Iterator[None]:
    # callers outside the store see our wrapper, never sqlite3 itself
    try:
        yield
    except sqlite3.Error as exc:
        raise DatabaseFileError(str(exc)) from exc


def online_backup(source: Path, target: Path) -> None:
    """Write a consistent copy of a live SQLite database (pages still in the -wal file included).

    Raises:
        DatabaseFileError: SQLite could not read the source or write the copy.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    with _file_errors():
        _online_backup(source, tmp)
    tmp.replace(target)


def _online_backup(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (looking at a damaged database must not alter it)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def integrity_problems(path: Path, *, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for the file at ``path`` (empty when it is sound).

    The file is opened read-only, so a damaged database is never altered by looking at it. A file
    SQLite finds damaged or not a database at all is reported as one problem.

    Raises:
        DatabaseFileError: the check could not run (the file cannot be opened, the disk is full,
            a disk I/O error, a lock): that says nothing about the file's soundness.
    """
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as exc:
        return _damage_or_raise(exc)
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
    except sqlite3.Error as exc:
        return _damage_or_raise(exc)
    finally:
        conn.close()
    messages = [str(r[0]) for r in rows]
    return [] if messages == ["ok"] else messages


def _damage_or_raise(exc: sqlite3.Error) -> list[str]:
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
        primary is None and any(w in str(exc).lower() for w in ("malformed", "not a database"))
    ):
        return [str(exc)]
    raise DatabaseFileError(str(exc)) from exc


def describe_database(path: Path, tables: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """(schema version, row count per table) of an AuditDesk database file, opened read-only.

    Raises :class:`DatabaseFileError` when the file is not a database; ``version`` is -1 when the
    file is a database without AuditDesk's ``schema_version`` table.
    """
    with _file_errors():
        return _describe(path, tables)


def _describe(path: Path, tables: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    conn = _open_read_only(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in names:
            return -1, {}
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        counts = {
            t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in tables
            if t in names
        }
        return (int(row[0]) if row else 0), counts
    finally:
        conn.close()


def attachment_hashes(path: Path) -> set[str]:
    """Every attachment hash an AuditDesk database file refers to (read-only).

    Raises:
        DatabaseFileError: the file is not a readable database.
    """
    return set(attachment_files(path))


def attachment_files(path: Path) -> dict[str, str]:
    """Hash → a file name recorded for it, for every attachment of an AuditDesk database file
    (read-only; for messages that name the user's file rather than its hash).

    Raises:
        DatabaseFileError: the file is not a readable database.
    """
    with _file_errors():
        conn = _open_read_only(path)
        try:
            names = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "attachments" not in names:
                return {}
            rows = conn.execute("SELECT sha256, min(filename) FROM attachments GROUP BY sha256")
            return {str(r[0]): str(r[1]) for r in rows}
        finally:
            conn.close()
