"""Restoring a server backup (``pg_dump`` custom format) into a new, empty PostgreSQL database so
that it is exactly what ``server init`` makes of a fresh one, plus the data: objects owned by the
database's owner, grants, policies and group roles of *this* database, the backup's office users
in its groups, an older schema migrated. All or nothing; the target is checked before anything is
written (empty, nobody else connected, the login may act as its owner).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from auditdesk.errors import AuditDeskError, DatabaseTooNewError, PermissionDeniedError
from auditdesk.store import pgdump
from auditdesk.store.errors import translated
from auditdesk.store.migrate import migrate, read_version
from auditdesk.store.migrations import LATEST_VERSION
from auditdesk.store.roles import (
    RestoredUsers,
    clear_restored,
    database_owner,
    group_roles,
    may_act_as,
    other_sessions,
    public_functions,
    require_role_admin,
    restored_security,
)
from auditdesk.store.server import (
    ADVISORY_LOCK_KEY,
    check_server_version,
    create_server_engine,
    display_url,
    parse_server_url,
)

log = logging.getLogger(__name__)

NOT_TAKEN_OUT = "未能清除已恢复的部分"
"""In the message of a restore that failed after pg_restore and could not be undone."""


@dataclass(frozen=True)
class RestoredDump:
    """What :meth:`Store.restore_dump` made: the schema version (this AuditDesk's), the row
    counts by table, the office users created without a password (their login was not on this
    server) and the logins taken out of the database's groups (not users in the backup)."""

    schema_version: int
    counts: dict[str, int]
    without_password: list[str]
    revoked: list[str]


def _restore_target(conn: Connection, where: str, installed: bool) -> tuple[str, set[str]]:
    """Check the database a backup is about to be restored into (``conn`` holds the schema
    lock on it): empty, nobody else connected, and the login may act as its owner (and create
    roles when the backup has office users). Returns the owner and the functions already there.
    """
    tables = inspect(conn).get_table_names()
    if tables:
        hint = (
            "（其中已有 AuditDesk 的数据表，可能是之前一次中断的恢复留下的：请删除并重新建立该数据库）"
            if "schema_version" in tables
            else ""
        )
        raise AuditDeskError(
            f"目标数据库 {where} 不是空的（已有数据表）{hint}。恢复只能在新建的空数据库中进行，"
            "以免覆盖现有数据；请新建一个数据库后重试。",
            location=where,
        )
    others = other_sessions(conn)
    if others:
        raise AuditDeskError(
            f"目标数据库 {where} 上还有 {len(others)} 个其他连接（用户 {'、'.join(sorted(set(others)))}）。"
            "恢复期间不能有人使用它：请让他们断开连接（关闭 AuditDesk 或其他数据库工具）后重试。",
            location=where,
        )
    owner = database_owner(conn)
    me = str(conn.execute(text("select current_user")).scalar_one())
    if not may_act_as(conn, owner):
        raise PermissionDeniedError(
            f"恢复到数据库 {where} 要以它的所有者 {owner} 的身份进行（恢复出的数据表和权限都归所有者，"
            f"与新建的服务器数据库一样），当前用户 {me} 不能代表 {owner}。"
            f"请用账户 {owner} 或 PostgreSQL 超级用户（如 postgres）恢复。",
            location=where,
        )
    if installed:
        require_role_admin(conn, "恢复含有办公室用户与权限的备份（为新数据库建立角色）")
        group_roles(conn)  # a name too long for the role names: refused before restoring
    return owner, public_functions(conn)


def _finish_restore(
    engine: Engine,
    as_owner: Engine,
    where: str,
    owner: str,
    installed: bool,
    count: Callable[[Connection], dict[str, int]],
) -> RestoredDump:
    with as_owner.connect() as conn:
        version = read_version(conn, where)
    if version > LATEST_VERSION:
        raise DatabaseTooNewError(
            f"备份中的数据结构版本为 {version}，本程序支持到 {LATEST_VERSION}："
            "它由更新版本的 AuditDesk 生成，请升级 AuditDesk 后再恢复。",
            location=where,
        )
    if version < LATEST_VERSION:
        migrate(as_owner, where=where)
    users = RestoredUsers([], [])
    if installed:
        with engine.begin() as conn:
            users = restored_security(conn, owner)
    version = check_server_version(engine, where)
    with engine.connect() as conn:
        counts = count(conn)
    return RestoredDump(version, counts, users.without_password, users.revoked)


def _take_out(as_owner: Engine, functions: set[str], where: str) -> bool:
    """After a restore that failed past pg_restore: empty the database again; ``False`` when
    that failed too (logged)."""
    try:
        with as_owner.begin() as conn:
            clear_restored(conn, functions)
    except Exception:
        log.exception("could not take the failed restore out of %s again", where)
        return False
    return True


def restore_dump(
    dump: Path,
    url: str,
    count: Callable[[Connection], dict[str, int]],
    *,
    password: str | None = None,
    sslmode: str | None = None,
) -> RestoredDump:
    """Restore a ``pg_dump`` backup into the new, empty database at ``url`` and make it what
    ``server init`` makes of a fresh database: every object owned by the database's owner
    (``createdb -O …``), whoever restores; the grants, policies and group roles those of
    *this* database, with every office user of the backup in its group (see
    :func:`auditdesk.store.roles.restored_security`); a backup of an older schema migrated
    to this AuditDesk's. Held under the schema advisory lock, so ``db upgrade`` or
    ``server init`` on the same database waits.

    All or nothing: pg_restore runs in one transaction, and when anything after it fails,
    what it restored is taken out again, so the database is left empty as it was (when even
    that fails, the message says so: :data:`NOT_TAKEN_OUT`).

    Raises:
        AuditDeskError: the database has tables already, or other clients are connected to
            it (nothing is touched).
        PermissionDeniedError: the login may not act as the database's owner, or (a backup
            with office users) may not create roles; nothing is touched.
        PgToolError: pg_restore is missing, failed or was killed (rolled back whole).
        DatabaseTooNewError: the backup is of a newer schema (taken out again).
        StoreError: as :meth:`Store.open_server`.
    """
    parsed = parse_server_url(url)
    where = display_url(parsed)
    engine = create_server_engine(parsed, password=password, sslmode=sslmode)
    as_owner: Engine | None = None
    try:
        with translated(where):
            installed = "office_users" in pgdump.listed_tables(pgdump.list_dump(dump))
            with engine.connect() as lock:
                lock.execute(text("select pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
                lock.commit()
                owner, functions = _restore_target(lock, where, installed)
                lock.commit()  # keep the lock (a session's), not a snapshot, meanwhile
                as_owner = create_server_engine(
                    parsed, password=password, sslmode=sslmode, role=owner
                )
                pgdump.restore(dump, engine.url, role=owner)
                try:
                    return _finish_restore(engine, as_owner, where, owner, installed, count)
                except BaseException as exc:
                    if not _take_out(as_owner, functions, where) and isinstance(exc, Exception):
                        reason = exc.message if isinstance(exc, AuditDeskError) else "数据库出错"
                        raise AuditDeskError(
                            f"恢复未能完成（{reason.rstrip('。')}），且{NOT_TAKEN_OUT}："
                            f"数据库 {where} 中可能留有不完整的数据。请删除并重新建立该数据库后再恢复。",
                            location=where,
                        ) from exc
                    raise
    finally:
        engine.dispose()
        if as_owner is not None:
            as_owner.dispose()
