"""Which database to open: the SQLite file in the data dir (the default) or a shared PostgreSQL
server named by a URL; and the server password, kept in memory or in the OS keyring.

The URL comes from ``--database`` > ``AUDITDESK_DATABASE`` > the ``database_url`` preference.
The password is never written to the preferences: it is asked at sign-in and kept for the
process (:data:`PASSWORDS`), or in the OS keyring (the ``keyring`` package) when the user ticks
记住. Nothing here imports a database driver.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from auditdesk.errors import AuditDeskError

log = logging.getLogger(__name__)

ENV_DATABASE = "AUDITDESK_DATABASE"
KEYRING_SERVICE = "AuditDesk"


class KeyringError(AuditDeskError):
    """The OS keyring could not save a password (记住密码); it is kept in memory all the same."""


def is_server_url(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL server rather than the local SQLite file."""
    return bool(url) and str(url).strip().lower().startswith(
        ("postgresql:", "postgresql+", "postgres:")
    )


def resolve_database(explicit: str | None = None, preference: str | None = None) -> str | None:
    """The server URL to use (``--database`` > ``AUDITDESK_DATABASE`` > the preference), or ``None``
    for the SQLite file in the data dir. An empty value, or ``sqlite``, means the local file.

    Raises:
        AuditDeskError: the value is neither empty/``sqlite`` nor a PostgreSQL URL.
    """
    for value in (explicit, os.environ.get(ENV_DATABASE), preference):
        if value is None or not value.strip():
            continue
        if value.strip().lower() in ("sqlite", "local"):
            return None
        if not is_server_url(value):
            raise AuditDeskError(
                f"数据库地址“{value}”无效：应为 postgresql+psycopg://用户@主机:5432/数据库名，"
                "或留空使用本机数据库。"
            )
        return value.strip()
    return None


def account_key(url: str) -> str:
    """The keyring/memory key of a server account: ``user@host:port/database`` (no password)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or "localhost"
    port = parts.port or 5432
    return f"{parts.username or ''}@{host}:{port}{parts.path}"


def _where(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url.strip())
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or ["localhost"])[-1]
    port = parts.port or int((query.get("port") or ["5432"])[-1])
    return host.lower(), port, parts.path.strip("/")


def same_database(a: str, b: str) -> bool:
    """Whether two server URLs name the same database (host or socket, port, name), whoever
    connects and however."""
    try:
        return _where(a) == _where(b)
    except ValueError:
        return a.strip() == b.strip()


def display_database(url: str) -> str:
    """``url`` for messages: the password replaced by ``***``."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def url_has_password(url: str) -> bool:
    return urlsplit(url.strip()).password is not None


def url_database(url: str) -> str:
    """The database name in a server URL (``""`` when it names none)."""
    return unquote(urlsplit(url.strip()).path.strip("/"))


def url_user(url: str) -> str:
    """The user name in a server URL (``""`` when it names none)."""
    return unquote(urlsplit(url.strip()).username or "")


def url_without_password(url: str) -> str:
    """``url`` for showing (服务器地址, window title, settings): any password in it removed."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def with_user(url: str, user: str) -> str:
    """``url`` signed in as ``user`` (the name typed at sign-in replaces the URL's; any password
    in the URL is dropped, since it belonged to the URL's user).

    Raises:
        AuditDeskError: ``user`` is empty.
    """
    user = user.strip()
    if not user:
        raise AuditDeskError("请输入用户名。")
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class PasswordBook:
    """Passwords of server accounts for this process, and (when asked) the OS keyring.

    A keyring that is missing or fails (no backend on a headless Linux) is reported by
    :meth:`remember` and otherwise ignored: the password then lives for this process only.
    """

    _memory: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> str | None:
        """The password for ``url``'s account: from memory, else from the keyring, else ``None``."""
        key = account_key(url)
        if key in self._memory:
            return self._memory[key]
        try:
            import keyring

            found = keyring.get_password(KEYRING_SERVICE, key)
        except Exception as exc:  # no keyring package or backend: nothing remembered
            log.debug("keyring unavailable: %s", exc)
            return None
        if found is not None:
            self._memory[key] = found
        return found

    def keep(self, url: str, password: str) -> None:
        """Keep ``password`` in memory for this process."""
        self._memory[account_key(url)] = password

    def remember(self, url: str, password: str) -> None:
        """Keep ``password`` in memory and save it in the OS keyring (记住密码).

        Raises:
            KeyringError: no keyring is available (the password is still kept in memory).
        """
        self.keep(url, password)
        try:
            import keyring

            keyring.set_password(KEYRING_SERVICE, account_key(url), password)
        except Exception as exc:
            raise KeyringError(
                f"无法把密码保存到系统钥匙串（{exc}）。本次仍可使用，下次启动需重新输入密码。"
            ) from exc

    def forget(self, url: str) -> None:
        """Drop the password from memory and the keyring (a wrong one, or 退出登录)."""
        key = account_key(url)
        self._memory.pop(key, None)
        try:
            import keyring

            keyring.delete_password(KEYRING_SERVICE, key)
        except Exception as exc:
            log.debug("nothing removed from the keyring: %s", exc)


PASSWORDS = PasswordBook()
"""The process's passwords (one per process, like the open workspace)."""
