"""The cycle collector runs on the GUI thread only: run from a worker thread (a payroll preview
on the job pool), it destroyed a closed wizard's widgets there, and Qt crashed the process
(``Fatal Python error: Segmentation fault`` … ``Garbage-collecting`` in ``gui/worker.py``)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from auditdesk.gui.app import configure_application


class _Cyclic:
    """Garbage only the cycle collector frees; records on which thread it went."""

    def __init__(self, record: list[bool]) -> None:
        self.record = record
        self.me = self

    def __del__(self) -> None:
        self.record.append(threading.current_thread() is threading.main_thread())


def test_cyclic_garbage_is_freed_on_the_gui_thread_not_in_a_worker(qapp: Any, qtbot: Any) -> None:
    configure_application(qapp)
    freed_on_gui_thread: list[bool] = []
    gc.collect()  # counts start low: the worker's allocations are what would trigger a collection
    _Cyclic(freed_on_gui_thread)

    kept: list[object] = []

    def churn() -> None:  # container allocations well past generation 0's threshold, kept
        kept.append([[[]] for _ in range(50_000)])

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(freed_on_gui_thread), timeout=5000)
    assert freed_on_gui_thread == [True]


def test_the_gui_collector_waits_while_a_bulk_operation_runs(qapp: Any, qtbot: Any) -> None:
    """An import or a rule run (paused_gc, in a worker) asked for no collection: the GUI's
    timer does not collect meanwhile, and does once it is over."""
    from auditdesk.gui.gc_guard import install_gc_guard
    from auditdesk.progress import paused_gc

    configure_application(qapp)
    guard = install_gc_guard(qapp)
    freed: list[bool] = []
    gc.collect()
    kept = [[[]] for _ in range(50_000)]  # past the threshold
    with paused_gc():
        _Cyclic(freed)
        guard.collect()
        assert freed == []
    guard.collect()
    assert freed == [True]
    del kept
