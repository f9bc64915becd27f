"""Everything SQLite-specific in one place: engine set-up with pragmas, BEGIN handling, online backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

WRITE_OPTION = "auditdesk_write"


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


def online_backup(source: Path, target: Path) -> None:
    """Write a consistent copy of a live SQLite database (pages still in the -wal file included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    tmp.replace(target)
