"""The shared server database: sign-in and the administrator's schema upgrade."""

from __future__ import annotations

from auditdesk.database import PASSWORDS, resolve_database, url_has_password
from auditdesk.errors import AuditDeskError
from auditdesk.store import Store
from auditdesk.store.roles import InitResult


def sign_in(url: str, password: str, *, remember: bool = False) -> None:
    """Check ``password`` against the server at ``url`` and keep it for this process; with
    ``remember`` (记住密码) also in the OS keyring.

    Raises:
        AuthenticationError: the server refused it (nothing is kept).
        StoreError: the server is unreachable, has no such database, or is at another version.
        AuditDeskError: the keyring could not save it (it is kept in memory all the same).
    """
    Store.open_server(url, password=password).close()
    if remember:
        PASSWORDS.remember(url, password)
    else:
        PASSWORDS.keep(url, password)


def upgrade(
    database: str | None, *, password: str | None = None, sslmode: str | None = None
) -> tuple[int, int]:
    """``auditdesk db upgrade``: create or migrate the shared server database's schema under its
    advisory lock; ``(version before, version after)``.

    Raises:
        AuditDeskError: no server URL given (the local SQLite file migrates by itself on open).
        StoreError: unreachable, wrong password, no database, no privilege, newer database.
    """
    url = resolve_database(database)
    if url is None:
        raise AuditDeskError(
            "db upgrade 只用于服务器数据库：请用 --database 或环境变量 AUDITDESK_DATABASE 指定地址。"
            "本机数据库在打开时自动升级（并先备份）。"
        )
    if password is None and not url_has_password(url):
        password = PASSWORDS.get(url)
    return Store.upgrade_server(url, password=password, sslmode=sslmode)


def init_server(
    database: str | None, *, password: str | None = None, sslmode: str | None = None
) -> InitResult:
    """``auditdesk server init``: prepare a shared server database — the schema (as ``db upgrade``,
    under its advisory lock), the group roles ``<db>_admin`` / ``<db>_auditor`` / ``<db>_viewer``,
    their grants and row-level security. Idempotent.

    Raises:
        AuditDeskError: no server URL given.
        PermissionDeniedError: the PostgreSQL user cannot create roles (nothing changed).
        StoreError: unreachable, wrong password, no database, newer database.
    """
    url = resolve_database(database)
    if url is None:
        raise AuditDeskError(
            "server init 只用于服务器数据库：请用 --database 或环境变量 AUDITDESK_DATABASE 指定地址"
            "（如 postgresql+psycopg://postgres@主机:5432/auditdesk）。本机数据库无需初始化。"
        )
    if password is None and not url_has_password(url):
        password = PASSWORDS.get(url)
    return Store.init_server(url, password=password, sslmode=sslmode)
