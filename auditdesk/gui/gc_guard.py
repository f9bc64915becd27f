"""Cyclic garbage collection on the GUI thread only.

Python's cycle collector runs in whichever thread happens to allocate past its threshold. Run
in a worker thread (a payroll preview on the job pool), it freed a closed wizard's widgets
there, and Qt, whose widgets must be destroyed on the GUI thread, crashed the whole process
(``Fatal Python error: Segmentation fault`` while ``Garbage-collecting`` in ``gui/worker.py``).
The guard turns automatic collection off and collects from a timer on the GUI thread instead,
by the same thresholds (the pattern of pyqtgraph's ``GarbageCollector``). Reference counting
still frees everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from auditdesk.progress import gc_paused

INTERVAL_MS = 1000


class GcGuard(QObject):
    """Collects on the GUI thread every :data:`INTERVAL_MS`, each generation whose count is past
    its threshold (as the interpreter would have); automatic collection is off meanwhile."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("auditdesk-gc-guard")
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        gc.disable()
        self._timer.start()

    def collect(self) -> None:
        if gc_paused():  # an import or a rule run in a worker: it asked for no collection
            return
        counts = gc.get_count()
        if counts[0] > self._thresholds[0]:
            generation = 0
            if counts[1] > self._thresholds[1]:
                generation = 2 if counts[2] > self._thresholds[2] else 1
            gc.collect(generation)

    def remove(self) -> None:
        """Stop the timer and give collection back to the interpreter (tests: a Qt-free part of
        the process runs after the GUI's)."""
        self._timer.stop()
        gc.enable()
        self.setParent(None)
        self.deleteLater()


def install_gc_guard(app: QApplication) -> GcGuard:
    """The application's guard, installed on first call (idempotent)."""
    found = app.findChild(GcGuard, "auditdesk-gc-guard")
    return found if isinstance(found, GcGuard) else GcGuard(app)
