"""Translate database driver errors into our own kinds: the user's environment vs. our bug.

SQLite's result code decides (``sqlite_errorcode`` on Python's ``sqlite3`` exceptions, which
SQLAlchemy wraps as ``exc.orig``); extended codes are reduced to their primary code. The message
text is looked at only when an error carries no code (a driver without codes, a hand-made error).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exc as sa_exc

from auditdesk.errors import (
    AuthenticationError,
    ConcurrentUpdateError,
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseMissingError,
    DatabaseReadOnlyError,
    DiskFullError,
    PasswordRequiredError,
    PermissionDeniedError,
    ServerUnreachableError,
    StoreError,
)


class ConstraintError(Exception):
    """A write broke a unique or foreign-key rule of the schema. Raised only where incoming data (a
    case file) can cause that; ``str()`` is the driver's message."""


class DatabaseFileError(Exception):
    """``sqlite3`` could not read or write a database file outside a store (a backup copy, a file
    being described). ``str()`` is the driver's message; the driver's exception is ``__cause__``."""


def _locked(loc: str) -> StoreError:
    return DatabaseLockedError(
        f"数据库正被其他程序占用：{loc}。请关闭其他正在使用它的 AuditDesk 窗口后重试。",
        location=loc,
    )


def _read_only(loc: str) -> StoreError:
    return DatabaseReadOnlyError(
        f"数据库无法写入：{loc}。请检查文件和所在目录的写入权限。", location=loc
    )


def _full(loc: str) -> StoreError:
    return DiskFullError(f"磁盘空间已满，无法写入数据库：{loc}。请清理磁盘后重试。", location=loc)


def _corrupt(loc: str) -> StoreError:
    return DatabaseCorruptError(
        f"数据库文件已损坏或不是 AuditDesk 数据库：{loc}。文件未被改动；"
        "请从 backups 目录中的备份恢复，或用 --data-dir 指定其他数据目录。",
        location=loc,
    )


SQLITE_PATH_LIMIT = 500
"""Bytes (UTF-8) of a database file's path that SQLite can open with its ``-journal``/``-wal``
companions (its unix limit is 512 bytes; measured: 500 works, 505 does not)."""


def path_too_long(path: Path | str) -> bool:
    """Whether SQLite cannot open a database file at ``path`` because the path is too long."""
    return len(os.fsencode(os.path.abspath(path))) > SQLITE_PATH_LIMIT


def too_long_message(path: Path | str) -> str:
    size = len(os.fsencode(os.path.abspath(path)))
    return (f"路径过长（{size} 字节），SQLite 只能打开 {SQLITE_PATH_LIMIT} 字节以内的数据库路径：{path}。"
            "请把数据目录移到较短的路径（或用 --data-dir 指定）。")  # fmt: skip


def _cannot_open(loc: str) -> StoreError:
    if path_too_long(loc):
        return StoreError(f"无法打开数据库：{too_long_message(loc)}", location=loc)
    return StoreError(f"无法打开数据库：{loc}。请检查路径和权限。", location=loc)


def _io_error(loc: str) -> StoreError:
    return StoreError(
        f"读写数据库时磁盘出错：{loc}。请检查磁盘或网络共享是否可用，然后重试。", location=loc
    )


_BY_CODE: dict[int, Callable[[str], StoreError]] = {
    sqlite3.SQLITE_BUSY: _locked,
    sqlite3.SQLITE_LOCKED: _locked,
    sqlite3.SQLITE_PROTOCOL: _locked,  # a lock race on the WAL index
    sqlite3.SQLITE_READONLY: _read_only,
    sqlite3.SQLITE_PERM: _read_only,
    sqlite3.SQLITE_FULL: _full,
    sqlite3.SQLITE_CORRUPT: _corrupt,
    sqlite3.SQLITE_NOTADB: _corrupt,
    sqlite3.SQLITE_CANTOPEN: _cannot_open,
    sqlite3.SQLITE_IOERR: _io_error,
}
"""Primary result codes caused by the user's environment; every other code is a bug of ours."""

_BY_TEXT: list[tuple[tuple[str, ...], Callable[[str], StoreError]]] = [
    (("locked", "busy"), _locked),
    (("readonly", "read-only"), _read_only),
    (("disk is full", "no space left"), _full),
    (("not a database", "malformed", "corrupt"), _corrupt),
    (("unable to open", "could not connect"), _cannot_open),
]
"""Only for errors without a result code."""


def driver_error(error: BaseException) -> BaseException:
    """The driver's own exception behind ``error`` (SQLAlchemy's ``orig``, our wrapper's cause)."""
    orig = getattr(error, "orig", None)
    if isinstance(orig, BaseException):
        return orig
    if isinstance(error, DatabaseFileError) and error.__cause__ is not None:
        return error.__cause__
    return error


def result_code(error: BaseException) -> int | None:
    """SQLite's primary result code for ``error`` (``sqlite3.SQLITE_BUSY`` …), or ``None``."""
    code = getattr(driver_error(error), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


LOW_SPACE_BYTES = 8 * 1024 * 1024
"""Free space below which a disk I/O error is taken for a full disk: SQLite reports some writes
that fail with ENOSPC (growing the WAL index, syncing) as SQLITE_IOERR, and Python's driver does
not expose the system errno."""


def disk_full_at(where: Path | str) -> bool:
    """Whether the file system holding ``where`` (or its nearest existing parent) is out of space."""
    folder = Path(where)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def classify(error: BaseException, where: Path | str) -> StoreError | None:
    """The user-facing error for a driver error, or ``None`` if it is a bug of ours.

    A PostgreSQL server's errors go by SQLSTATE (:func:`classify_server`). SQLITE_FULL, and
    SQLITE_IOERR on a disk with no free space, are :class:`DiskFullError`."""
    loc = str(where)
    if is_server_error(error):
        return classify_server(error, loc)
    code = result_code(error)
    if code == sqlite3.SQLITE_IOERR and disk_full_at(where):
        return _full(loc)
    if code is not None:
        make = _BY_CODE.get(code)
        return make(loc) if make is not None else None
    text = str(driver_error(error)).lower()
    for needles, kind in _BY_TEXT:
        if any(n in text for n in needles):
            return kind(loc)
    return None


@contextmanager
def translated(where: Path | str) -> Iterator[None]:
    """Re-raise environment-caused database errors as :class:`StoreError` with a Chinese message."""
    try:
        yield
    except (sa_exc.DBAPIError, sqlite3.Error, DatabaseFileError) as exc:
        user_error = classify(exc, where)
        if user_error is None:
            raise
        raise user_error from exc


# ---------------------------------------------------------------- PostgreSQL (psycopg 3)
RETRY_SQLSTATES = frozenset({"40001", "40P01"})
"""Serialization failure and deadlock: the transaction may simply be run again."""


def is_server_error(error: BaseException) -> bool:
    """Whether ``error`` comes from the PostgreSQL driver (psycopg is never imported for this)."""
    return type(driver_error(error)).__module__.split(".")[0] == "psycopg"


def sqlstate(error: BaseException) -> str | None:
    """The server's five-character SQLSTATE behind ``error`` (``"28P01"`` …), or ``None`` when the
    server never answered (refused, timed out, host unknown)."""
    code = getattr(driver_error(error), "sqlstate", None)
    return code if isinstance(code, str) else None


def _unreachable(loc: str) -> StoreError:
    return ServerUnreachableError(
        f"无法连接数据库服务器：{loc}。请检查网络、服务器地址和端口，以及服务器是否已启动；"
        "如服务器要求加密连接，请检查 TLS 设置。",
        location=loc,
    )


def _bad_password(loc: str) -> StoreError:
    return AuthenticationError(
        f"数据库服务器拒绝登录：{loc}。用户名或密码不正确，请重新输入密码；"
        "如忘记密码，请联系管理员。",
        location=loc,
    )


def _no_password(loc: str) -> StoreError:
    return PasswordRequiredError(f"数据库服务器要求输入密码：{loc}。", location=loc)


def _missing(loc: str) -> StoreError:
    return DatabaseMissingError(
        f"服务器上没有这个数据库：{loc}。请检查地址中的数据库名，或请管理员先创建数据库，"
        "再运行 auditdesk db upgrade 初始化。",
        location=loc,
    )


EDIT_DENIED = (
    "您没有修改该体检的权限（只读账户，或该体检未分配给您）：{loc}。本次操作未保存；"
    "如需修改，请管理员把体检分配给您（auditdesk audit assign）。"
)
"""A write the server refused by privilege or row-level security (``{loc}``: where)."""


def _denied(loc: str) -> StoreError:
    return PermissionDeniedError(
        f"数据库用户没有执行此操作的权限：{loc}。请联系管理员授予权限。", location=loc
    )


COMPANY_DENIED = (
    "您没有修改该企业的权限（只读账户，或该企业的体检未分配给您；删除企业仅限管理员）：{loc}。"
    "本次操作未保存。"
)
OFFICE_DENIED = (
    "您的账户没有修改此项数据的权限（只读账户；街镇、工会设置、检查清单、用户与分配等"
    "全单位的数据仅管理员可修改）：{loc}。本次操作未保存。"
)
_DENIED_BY_TABLE = {
    "companies": COMPANY_DENIED,
    "mapping_profiles": COMPANY_DENIED,
    **dict.fromkeys(
        ("towns", "union_settings", "checklist_snapshots", "exchange_state", "schema_version",
         "office_users", "audit_assignments", "office_settings", "office_checklists"),
        OFFICE_DENIED,
    ),
}  # fmt: skip
"""Refused writes to tables that are not an audit's: what to say instead of :data:`EDIT_DENIED`."""


def refused_write_message(table: str, loc: str) -> str:
    """The Chinese message for a write to ``table`` refused by the server's rights."""
    return _DENIED_BY_TABLE.get(table, EDIT_DENIED).format(loc=loc)


def _edit_denied(error: BaseException, loc: str) -> StoreError:
    found = re.search(r'table "?(\w+)"?', str(driver_error(error)))
    message = refused_write_message(found.group(1) if found else "", loc)
    return PermissionDeniedError(message, location=loc)


_REFUSED_WRITE = ("row-level security", "permission denied for table", "for sequence")
"""Texts of a 42501 that refuses reading or writing data (not creating a role, not DDL)."""


def _lock_timeout(loc: str) -> StoreError:
    return DatabaseLockedError(
        f"数据正被其他用户修改，等待超时：{loc}。本次操作未保存，请稍后重试。", location=loc
    )


def _conflict(loc: str) -> StoreError:
    return ConcurrentUpdateError(
        f"与其他用户同时修改了同一数据，已自动重试仍未成功：{loc}。本次操作未保存，请稍后重试。",
        location=loc,
    )


def _server_full(loc: str) -> StoreError:
    return DiskFullError(f"数据库服务器的磁盘空间已满：{loc}。请联系管理员。", location=loc)


def _busy_server(loc: str) -> StoreError:
    return ServerUnreachableError(
        f"数据库服务器暂时不接受连接（连接数已满或正在关闭）：{loc}。请稍后重试。", location=loc
    )


_BY_SQLSTATE: dict[str, Callable[[str], StoreError]] = {
    "28P01": _bad_password,  # invalid_password
    "28000": _bad_password,  # invalid_authorization_specification (no pg_hba entry, bad user)
    "3D000": _missing,  # invalid_catalog_name
    "42501": _denied,  # insufficient_privilege
    "55P03": _lock_timeout,  # lock_not_available
    "40001": _conflict,  # serialization_failure
    "40P01": _conflict,  # deadlock_detected
    "53100": _server_full,  # disk_full
    "53300": _busy_server,  # too_many_connections
    "57P03": _busy_server,  # cannot_connect_now
}
"""SQLSTATEs caused by the user's environment or by other users; classes 08 (connection
exception) and 57P01/57P02 (server shut down) are an unreachable server."""


def _refused_at_login(text: str) -> bool:
    """The server answered a connection attempt with 28000 (psycopg gives no SQLSTATE before a
    session exists): an unknown user, a user who may not log in, no ``pg_hba.conf`` entry."""
    return ('role "' in text and "does not exist" in text) or any(
        needle in text for needle in ("is not permitted to log in", "no pg_hba.conf entry")
    )


def classify_server(error: BaseException, loc: str) -> StoreError | None:
    """The user-facing error for a PostgreSQL error, or ``None`` if it is a bug of ours
    (a syntax error, a broken constraint we should have prevented, …)."""
    code = sqlstate(error)
    if code is None:
        text = str(driver_error(error)).lower()
        if "no password supplied" in text:
            return _no_password(loc)
        if "password authentication failed" in text or _refused_at_login(text):
            return _bad_password(loc)
        if "does not exist" in text and "database" in text:
            return _missing(loc)
        if "permission denied for database" in text:
            return PermissionDeniedError(
                f"此账户无权连接该数据库：{loc}。请管理员用 auditdesk server user add "
                "为您建立本数据库的账户。",
                location=loc,
            )
        # psycopg's OperationalError with no SQLSTATE: the server never answered
        if type(driver_error(error)).__name__ == "OperationalError":
            return _unreachable(loc)
        return None
    if code.startswith("08") or code in ("57P01", "57P02"):
        return _unreachable(loc)
    if code == "42501" and any(t in str(driver_error(error)) for t in _REFUSED_WRITE):
        return _edit_denied(error, loc)
    make = _BY_SQLSTATE.get(code)
    return make(loc) if make is not None else None
