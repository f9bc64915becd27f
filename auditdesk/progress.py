"""Progress reporting and cancellation for long core operations (import, report). Qt-free."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


_bulk_operations = 0
_bulk_lock = threading.Lock()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector during a bulk operation.

    An import or a rule run allocates millions of objects without reference cycles; the collector
    would rescan them again and again (about 15 % of an import's time). Reference counting still
    frees everything; the collector runs again afterwards. While one runs, :func:`gc_paused` is
    true: the GUI's own collector (which collects on its timer, automatic collection being off
    there) waits for it too.
    """
    global _bulk_operations
    with _bulk_lock:
        _bulk_operations += 1
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_operations -= 1
        if was_enabled:
            gc.enable()


def gc_paused() -> bool:
    """Whether a bulk operation (:func:`paused_gc`) is running in any thread."""
    return _bulk_operations > 0
