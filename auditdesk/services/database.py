"""The shared server database: sign-in and the administrator's schema upgrade."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditdesk.database import (
    ENV_DATABASE,
    PASSWORDS,
    KeyringError,
    resolve_database,
    url_has_password,
    url_user,
    url_without_password,
)
from auditdesk.errors import AuditDeskError
from auditdesk.paths import DataPaths, resolve_data_dir
from auditdesk.settings import load_preferences, save_preferences
from auditdesk.store import Store
from auditdesk.store.roles import InitResult
from auditdesk.store.server import SSL_MODES

if TYPE_CHECKING:
    from auditdesk.services.workspace import Workspace


@dataclass(frozen=True)
class DatabaseChoice:
    """Which database a start opens: ``url`` ``None`` for the local SQLite file.

    ``source`` says where the choice came from: ``"option"`` (``--database``), ``"environment"``
    (``AUDITDESK_DATABASE``), ``"preference"`` (设置 → 数据库) or ``"default"``.
    """

    url: str | None
    sslmode: str | None
    source: str

    @property
    def is_server(self) -> bool:
        return self.url is not None


def configured_database(data_dir: str | Path | None, explicit: str | None = None) -> DatabaseChoice:
    """The database a start with ``--database explicit`` on ``data_dir`` opens (the same rule
    as :meth:`Workspace.open`: option > environment > preference > the local file).

    Raises:
        AuditDeskError: the chosen value is not a PostgreSQL URL.
    """
    prefs = load_preferences(DataPaths(resolve_data_dir(data_dir)).settings_file)
    url = resolve_database(explicit, prefs.database_url)
    if explicit is not None and explicit.strip():
        source = "option"
    elif os.environ.get(ENV_DATABASE, "").strip():
        source = "environment"
    elif prefs.database_url:
        source = "preference"
    else:
        source = "default"
    return DatabaseChoice(url=url, sslmode=prefs.database_sslmode if url else None, source=source)


def keep_signed_in_user(data_dir: str | Path | None, choice: DatabaseChoice, url: str) -> bool:
    """After a sign-in as another user than the saved URL names: when the URL came from the
    preference (设置 → 数据库), save it with the signed-in user, so that the next start offers that
    name and finds a password remembered for it. Returns whether the preference changed.

    Raises:
        OSError: the preferences file cannot be written.
    """
    if choice.source != "preference" or choice.url is None:
        return False
    signed_in = url_without_password(url)
    if url_user(signed_in) == url_user(choice.url):
        return False
    path = DataPaths(resolve_data_dir(data_dir)).settings_file
    prefs = load_preferences(path)
    save_preferences(path, prefs.model_copy(update={"database_url": signed_in}))
    return True


def needs_sign_in(url: str) -> bool:
    """Whether opening ``url`` needs a password nobody has given yet: none in the URL, none kept
    from an earlier sign-in in this process, none remembered in the OS keyring."""
    return not url_has_password(url) and PASSWORDS.get(url) is None


def sign_in(url: str, password: str, *, remember: bool = False, sslmode: str | None = None) -> None:
    """Check ``password`` against the server at ``url`` and keep it for this process; with
    ``remember`` (记住密码) also in the OS keyring. ``sslmode`` as :meth:`Store.open_server`.

    Raises:
        AuthenticationError: the server refused it (nothing is kept; a remembered one is forgotten).
        StoreError: the server is unreachable, has no such database, or is at another version.
        KeyringError: the keyring could not save it (it is kept in memory all the same).
    """
    from auditdesk.errors import AuthenticationError

    try:
        Store.open_server(url, password=password, sslmode=sslmode).close()
    except AuthenticationError:
        PASSWORDS.forget(url)
        raise
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


def check_connection(url: str, *, password: str | None = None, sslmode: str | None = None) -> str:
    """设置 → 数据库 → 测试连接: connect to ``url`` (with ``password``, else one in the URL or kept)
    and check its schema version; a Chinese line saying what answered.

    Raises:
        AuditDeskError: ``url`` is not a PostgreSQL URL, or a bad ``sslmode``.
        PasswordRequiredError: the server wants a password and none is known.
        StoreError: unreachable, wrong password, no database, another schema version.
    """
    url = resolve_database(url) or ""
    if not url:
        raise AuditDeskError("请填写服务器地址，如 postgresql+psycopg://用户@主机:5432/auditdesk。")
    if not password and not url_has_password(url):
        password = PASSWORDS.get(url)
    store = Store.open_server(url, password=password or None, sslmode=sslmode)
    try:
        version = store.schema_version()
    finally:
        store.close()
    return f"连接成功：{url_without_password(url)}（数据结构版本 {version}）。"


def choose_database(ws: Workspace, url: str | None, sslmode: str | None = None) -> None:
    """设置 → 数据库 → 保存: the database the next start opens: ``url`` for 办公室服务器, ``None`` for
    本机数据库. Saved in the preferences without any password (one in ``url`` is dropped).

    Raises:
        AuditDeskError: ``url`` is not a PostgreSQL URL, or ``sslmode`` is not one of libpq's.
    """
    if url is not None:
        url = resolve_database(url)
        if url is None:
            raise AuditDeskError("请填写服务器地址，或选择“本机数据库”。")
        url = url_without_password(url)
    if sslmode is not None and sslmode not in SSL_MODES:
        raise AuditDeskError(f"TLS 模式“{sslmode}”无效，应为 {' / '.join(SSL_MODES)} 之一。")
    prefs = ws.preferences()
    ws.save_preferences(
        prefs.model_copy(update={"database_url": url, "database_sslmode": sslmode if url else None})
    )


@dataclass(frozen=True)
class OpenDatabase:
    """What the open workspace is connected to, for the window title and 设置."""

    is_server: bool
    where: str
    """The SQLite file's path, or the server URL without password."""
    user: str
    """The signed-in server user; ``""`` for the local file."""

    def title(self) -> str:
        """``本机数据库`` or ``办公室服务器 host/db · 用户 name`` (the window title's tail)."""
        if not self.is_server:
            return "本机数据库"
        return f"办公室服务器 {server_name(self.where)} · 用户 {self.user or '（未命名）'}"


def server_name(url: str) -> str:
    """``host:port/database`` of a server URL (a socket directory shown as ``本机``)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    host = parts.hostname or parse_qs(parts.query).get("host", ["本机"])[0]
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path}"


def open_database(ws: Workspace) -> OpenDatabase:
    """What ``ws`` is connected to (no query is run)."""
    store = ws.store
    if not store.is_server:
        return OpenDatabase(is_server=False, where=str(store.path or store.where), user="")
    return OpenDatabase(is_server=True, where=store.where, user=url_user(store.where))


__all__ = [
    "DatabaseChoice",
    "KeyringError",
    "OpenDatabase",
    "check_connection",
    "choose_database",
    "configured_database",
    "init_server",
    "keep_signed_in_user",
    "needs_sign_in",
    "open_database",
    "server_name",
    "sign_in",
    "upgrade",
]
