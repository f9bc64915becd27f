"""Run a long core callable off the GUI thread, with progress, cancel and a delayed progress dialog.

The callable has the core shape ``fn(*args, progress=..., cancel=..., **kwargs) -> result``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from auditdesk.progress import CancelToken

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500


class JobSignals(QObject):
    """Lives on the GUI thread; signals emitted from the pool thread arrive queued."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # we keep the Python reference until a result arrives
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = JobSignals()
        self.cancel_token = CancelToken()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.signals.progress.emit(done, total, message)

    def run(self) -> None:
        try:
            result = self.fn(
                *self.args, progress=self._progress, cancel=self.cancel_token, **self.kwargs
            )
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class JobRunner(QObject):
    """Starts jobs on a one-thread pool (database writes never compete) and keeps them alive."""

    def __init__(self, parent: QWidget | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
        self.pool = pool
        self._jobs: set[Job] = set()

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        title: str,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Callable[[int, int, str], None] | None = None,
        show_dialog: bool = True,
        **kwargs: Any,
    ) -> Job:
        """Run ``fn(*args, progress=…, cancel=…, **kwargs)`` on the pool.

        The callbacks run on the GUI thread. Connect ``on_progress`` here rather than to the job's
        signal afterwards: a fast job may report before a late connection exists. A caller that
        shows progress itself (a wizard page) passes ``show_dialog=False`` and cancels through
        ``job.cancel_token``.
        """
        job = Job(fn, *args, **kwargs)
        dialog = QProgressDialog(title, "取消", 0, 0, self._parent_widget)
        dialog.setWindowTitle(title)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel_token.cancel)
        dialog.hide()
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(dialog.show)
        if show_dialog:
            timer.start(PROGRESS_DELAY_MS)

        def show_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(done)
            dialog.setLabelText(message)

        def done() -> None:
            timer.stop()
            dialog.hide()
            dialog.deleteLater()
            self._jobs.discard(job)

        def finished(result: Any) -> None:
            done()
            on_finished(result)

        def failed(exc: BaseException) -> None:
            done()
            on_failed(exc)

        job.signals.progress.connect(show_progress)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self._jobs.add(job)
        self.pool.start(job)
        return job

    def running(self) -> int:
        return len(self._jobs)
