"""Progress reporting and cancellation for long core operations (import, report). Qt-free."""

from __future__ import annotations

import threading
from typing import Protocol

from auditdesk.errors import Cancelled


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int, message: str) -> None: ...


def no_progress(done: int, total: int, message: str) -> None:
    """The default :class:`ProgressFn`: ignore progress."""


class CancelToken:
    """Set from the GUI thread; checked by core code between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check_cancel(token: CancelToken | None) -> None:
    """Raise :class:`Cancelled` if ``token`` was cancelled; ``None`` means not cancellable."""
    if token is not None:
        token.raise_if_cancelled()
