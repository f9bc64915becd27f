"""Translate database driver errors into our own kinds: the user's environment vs. our bug.

SQLite's result code decides (``sqlite_errorcode`` on Python's ``sqlite3`` exceptions, which
SQLAlchemy wraps as ``exc.orig``); extended codes are reduced to their primary code. The message
text is looked at only when an error carries no code (a driver without codes, a hand-made error).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exc as sa_exc

from auditdesk.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DiskFullError,
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


def _cannot_open(loc: str) -> StoreError:
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
    (("disk is full",), _full),
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


def classify(error: BaseException, where: Path | str) -> StoreError | None:
    """The user-facing error for a driver error, or ``None`` if it is a bug of ours."""
    loc = str(where)
    code = result_code(error)
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
