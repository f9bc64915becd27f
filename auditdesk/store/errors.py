"""Translate database driver errors into our own kinds: the user's environment vs. our bug."""

from __future__ import annotations

from collections.abc import Iterator
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


def classify(error: BaseException, where: Path | str) -> StoreError | None:
    """The user-facing error for a driver error, or ``None`` if it is a bug of ours."""
    text = str(getattr(error, "orig", error)).lower()
    loc = str(where)
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"数据库正被其他程序占用：{loc}。请关闭其他正在使用它的 AuditDesk 窗口后重试。",
            location=loc,
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnlyError(
            f"数据库无法写入：{loc}。请检查文件和所在目录的写入权限。", location=loc
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFullError(
            f"磁盘空间已满，无法写入数据库：{loc}。请清理磁盘后重试。", location=loc
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorruptError(
            f"数据库文件已损坏或不是 AuditDesk 数据库：{loc}。文件未被改动；"
            "请从 backups 目录中的备份恢复，或用 --data-dir 指定其他数据目录。",
            location=loc,
        )
    if "unable to open" in text or "could not connect" in text:
        return StoreError(f"无法打开数据库：{loc}。请检查路径和权限。", location=loc)
    return None


@contextmanager
def translated(where: Path | str) -> Iterator[None]:
    """Re-raise environment-caused database errors as :class:`StoreError` with a Chinese message."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.DatabaseError) as exc:
        user_error = classify(exc, where)
        if user_error is None:
            raise
        raise user_error from exc
