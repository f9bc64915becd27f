"""Bring a database to the latest schema: refuse newer ones, back up first, one transaction per step."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, insert, inspect, select, update

from auditdesk.errors import DatabaseCorruptError, DatabaseTooNewError
from auditdesk.store import schema
from auditdesk.store.migrations import LATEST_VERSION, STEPS, Step
from auditdesk.store.sqlite import WRITE_OPTION, online_backup

log = logging.getLogger(__name__)


def read_version(conn: Connection, where: str) -> int:
    """The schema version of the database behind ``conn``; 0 for an empty database."""
    names = set(inspect(conn).get_table_names())
    if "schema_version" not in names:
        if names:
            raise DatabaseCorruptError(
                f"{where} 不是 AuditDesk 数据库（含有其他程序的表）。文件未被改动。", location=where
            )
        return 0
    row = conn.execute(select(schema.schema_version.c.version)).first()
    return int(row[0]) if row else 0


def migrate(
    engine: Engine,
    *,
    where: str,
    sqlite_path: Path | None = None,
    backups_dir: Path | None = None,
    steps: list[Step] | None = None,
) -> int:
    """Apply every missing step; return the version reached.

    Before touching an existing SQLite file that holds data, a consistent copy is written to
    ``backups_dir/auditdesk-v{N}-{timestamp}.db``. A failing step rolls back whole and leaves the
    database at the previous version.
    """
    steps = STEPS if steps is None else steps
    latest = steps[-1].version if steps else 0
    with engine.connect() as conn:
        current = read_version(conn, where)
    if current > latest:
        raise DatabaseTooNewError(
            f"数据库 {where} 由更新版本的 AuditDesk 创建（数据结构版本 {current}，"
            f"本程序支持到 {latest}）。请升级 AuditDesk 后再打开；文件未被改动。",
            location=where,
        )
    pending = [s for s in steps if s.version > current]
    if not pending:
        return current
    if current > 0 and sqlite_path is not None and backups_dir is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = backups_dir / f"auditdesk-v{current}-{stamp}.db"
        online_backup(sqlite_path, target)
        log.info("backed up %s to %s before migrating", sqlite_path, target)
    for step in pending:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                if step.version == 1:
                    schema.schema_version.create(conn)
                    conn.execute(insert(schema.schema_version).values(version=0))
                step.apply(Operations(MigrationContext.configure(conn)))
                conn.execute(update(schema.schema_version).values(version=step.version))
        log.info("database %s migrated to version %d: %s", where, step.version, step.description)
    return pending[-1].version


__all__ = ["LATEST_VERSION", "migrate", "read_version"]
