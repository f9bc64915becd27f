"""The data-directory lock: every AuditDesk process holds it shared while it has the database open;
a restore holds it exclusively, so it never swaps the file under another window or command.

The lock is an OS file lock on ``<data dir>/auditdesk.lock`` (``flock`` on POSIX, ``LockFileEx`` on
Windows, through portalocker), released by the OS when a process ends, however it ends.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO

import portalocker

from auditdesk.errors import AuditDeskError

LOCK_FILENAME = "auditdesk.lock"
SHARED_WAIT_S = 20.0
"""How long opening the data dir waits for a restore in another process to finish."""
_POLL_S = 0.1


class DataDirBusyError(AuditDeskError):
    """Another AuditDesk process holds the data directory in a way that excludes this one."""


class DataDirLock:
    """One process's hold on a data directory: none, shared or exclusive.

    Two holds in one process conflict like two processes (an exclusive one needs every shared one
    released first), so a caller that restores releases its own shared hold first.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_FILENAME
        self._fh: IO[bytes] | None = None
        self.mode: str | None = None

    def _try(self, flags: portalocker.LockFlags) -> bool:
        if self._fh is None:
            try:
                self._fh = self.path.open("a+b")
            except OSError as exc:
                raise AuditDeskError(
                    f"无法打开数据目录的锁文件 {self.path}：{exc.strerror or exc}。"
                    "请确认数据目录可以写入，且该位置是一个普通文件（不是文件夹）。",
                    location=str(self.path),
                ) from exc
        try:
            portalocker.lock(self._fh, flags | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException:
            return False
        return True

    def acquire_shared(self, wait_s: float = SHARED_WAIT_S) -> None:
        """Hold the data dir shared, waiting up to ``wait_s`` seconds while a restore runs.

        Raises:
            DataDirBusyError: a restore in another process still holds it after ``wait_s``.
        """
        if self.mode is not None:
            return
        deadline = time.monotonic() + wait_s
        while not self._try(portalocker.LockFlags.SHARED):
            if time.monotonic() >= deadline:
                self._close()
                raise DataDirBusyError(
                    f"另一个 AuditDesk 正在从备份恢复这个数据目录：{self.path.parent}。"
                    "请等恢复完成后再打开。",
                    location=str(self.path.parent),
                )
            time.sleep(_POLL_S)
        self.mode = "shared"

    def acquire_exclusive(self) -> None:
        """Hold the data dir alone, without waiting.

        Raises:
            DataDirBusyError: another AuditDesk window or command has it open.
        """
        if self.mode == "exclusive":
            return
        if self.mode is not None:
            self.release()
        if not self._try(portalocker.LockFlags.EXCLUSIVE):
            self._close()
            raise DataDirBusyError(
                f"另一个 AuditDesk 窗口或命令正在使用这个数据目录：{self.path.parent}。"
                "请先关闭其他 AuditDesk 窗口、等其他命令结束，再从备份恢复；数据未改动。",
                location=str(self.path.parent),
            )
        self.mode = "exclusive"

    def release(self) -> None:
        if self._fh is not None and self.mode is not None:
            portalocker.unlock(self._fh)
        self._close()

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self.mode = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
