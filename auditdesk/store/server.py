"""Everything PostgreSQL-specific in one place: the engine for a server URL, the schema-version
gate for clients, and the admin upgrade under an advisory lock.

A shared database is migrated only by ``auditdesk db upgrade`` (:func:`upgrade_server`); a client
whose version differs from the database's is refused (:func:`check_server_version`) so that one
laptop with a newer or older AuditDesk never changes the schema under everyone else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from auditdesk.errors import AuditDeskError, SchemaMismatchError
from auditdesk.store.migrate import migrate, read_version
from auditdesk.store.migrations import LATEST_VERSION

ADVISORY_LOCK_KEY = 0x4155_4449_5444_534B  # "AUDITDSK": the one lock `db upgrade` takes
"""The key of the session advisory lock held while migrating a shared database."""

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
"""libpq's ``sslmode`` values; ``verify-full`` checks the server's certificate and host name."""

LOCK_TIMEOUT_MS = 10_000
"""How long a statement waits for a row or table lock held by another user before giving up
(SQLSTATE 55P03, reported as 数据被其他用户锁定)."""


def is_server_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server (``postgresql://…`` or ``postgresql+psycopg://…``)."""
    return url.strip().lower().startswith(("postgresql:", "postgresql+", "postgres:"))


def parse_server_url(url: str) -> URL:
    """The SQLAlchemy URL for a server, with the psycopg 3 driver whatever driver was named.

    Raises:
        AuditDeskError: ``url`` is not a PostgreSQL URL.
    """
    try:
        parsed = make_url(url.strip())
    except ArgumentError as exc:
        raise AuditDeskError(
            f"数据库地址格式不对：{url}（应如 postgresql+psycopg://用户@主机:5432/auditdesk）。"
        ) from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise AuditDeskError(
            f"不支持的数据库地址：{url}（只支持 PostgreSQL 服务器或本机 SQLite）。"
        )
    return parsed.set(drivername="postgresql+psycopg")


def display_url(url: URL) -> str:
    """The URL for messages and logs: the password hidden, percent-escapes decoded (a Chinese
    user name reads as itself, a socket directory as a path)."""
    return unquote(url.render_as_string(hide_password=True))


def create_server_engine(
    url: URL,
    *,
    password: str | None = None,
    sslmode: str | None = None,
    connect_timeout_s: int = 10,
    role: str | None = None,
) -> Engine:
    """An engine on a PostgreSQL server (psycopg 3), checked out connections pinged first.

    ``password`` overrides one in the URL; ``sslmode`` (one of :data:`SSL_MODES`) overrides the
    URL's ``sslmode`` query parameter. With ``role``, every connection acts as that role from
    its start (``SET ROLE``: what it creates is that role's). Nothing is connected yet.

    Raises:
        AuditDeskError: psycopg is not installed (the ``office`` extra), or a bad ``sslmode``.
    """
    try:
        import psycopg  # noqa: F401  (the driver SQLAlchemy loads by name)
    except ImportError as exc:
        raise AuditDeskError(
            "连接服务器数据库需要 psycopg 组件，本安装中没有。"
            "请安装 auditdesk[office]（pip install 'auditdesk[office]'）。"
        ) from exc
    if password is not None:
        url = url.set(password=password)
    if sslmode is not None:
        if sslmode not in SSL_MODES:
            raise AuditDeskError(f"TLS 模式“{sslmode}”无效，应为 {' / '.join(SSL_MODES)} 之一。")
        url = url.update_query_dict({"sslmode": sslmode})
    options = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c TimeZone=UTC"
    if role is not None:
        # libpq's options are split at spaces; a backslash escapes a space or itself
        options += " -c role=" + role.replace("\\", "\\\\").replace(" ", "\\ ")
    connect_args: dict[str, Any] = {
        "connect_timeout": connect_timeout_s,
        "application_name": "AuditDesk",
        "options": options,
    }
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def check_server_version(engine: Engine, where: str) -> int:
    """The shared database's schema version, when it is exactly this AuditDesk's.

    Raises:
        SchemaMismatchError: the database is empty or older (an administrator runs
            ``auditdesk db upgrade``), or newer (this AuditDesk must be upgraded).
    """
    with engine.connect() as conn:
        version = read_version(conn, where)
    if version == LATEST_VERSION:
        return version
    if version == 0:
        raise SchemaMismatchError(
            f"服务器数据库 {where} 尚未建立 AuditDesk 的数据结构。"
            "请管理员运行 auditdesk db upgrade --database … 初始化后再连接。",
            location=where,
        )
    if version < LATEST_VERSION:
        raise SchemaMismatchError(
            f"服务器数据库 {where} 的数据结构版本为 {version}，本程序需要 {LATEST_VERSION}。"
            "共享数据库不会由客户端自动升级：请管理员先运行 auditdesk db upgrade，再连接。",
            location=where,
        )
    raise SchemaMismatchError(
        f"服务器数据库 {where} 由更新版本的 AuditDesk 升级过（数据结构版本 {version}，"
        f"本程序支持到 {LATEST_VERSION}）。请升级本机的 AuditDesk 后再连接。",
        location=where,
    )


@contextmanager
def advisory_lock(engine: Engine) -> Iterator[None]:
    """Hold the session advisory lock of schema changes (:data:`ADVISORY_LOCK_KEY`) meanwhile:
    a second ``db upgrade`` or ``server init`` waits for it."""
    with engine.connect() as conn:
        conn.execute(text("select pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("select pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()


def upgrade_server(engine: Engine, where: str) -> tuple[int, int]:
    """Migrate a shared database to this AuditDesk's schema: ``(version before, version after)``.

    Holds a session advisory lock (:data:`ADVISORY_LOCK_KEY`) meanwhile, so a second ``db
    upgrade`` waits and then finds nothing left to do; each step commits with its version bump.

    Raises:
        DatabaseTooNewError: the database is newer than this AuditDesk.
        StoreError: the server refused (see :func:`auditdesk.store.errors.classify`).
    """
    with advisory_lock(engine):
        with engine.connect() as conn:
            before = read_version(conn, where)
        after = migrate(engine, where=where)
    return before, after


__all__ = [
    "ADVISORY_LOCK_KEY",
    "SSL_MODES",
    "advisory_lock",
    "check_server_version",
    "create_server_engine",
    "display_url",
    "is_server_url",
    "parse_server_url",
    "upgrade_server",
]
