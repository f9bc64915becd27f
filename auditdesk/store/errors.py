"""Translate database driver errors into our own kinds: the user's environment vs. our bug.

SQLite's result code decides (``sqlite_errorcode`` on Python's ``sqlite3`` exceptions, which
SQLAlchemy wraps as ``exc.orig``); extended codes are reduced to their primary code. The message
text is looked at only when an error carries no code (a driver without codes, a hand-made error).
"""

from __future__ import annotations

import os
import shutil
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

    SQLITE_FULL, and SQLITE_IOERR on a disk with no free space, are :class:`DiskFullError`."""
    loc = str(where)
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
