from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget

from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.gui.worker import JobRunner
from auditdesk.progress import CancelToken, ProgressFn, check_cancel


def counting(n: int, progress: ProgressFn, cancel: CancelToken | None = None) -> str:
    for i in range(n):
        check_cancel(cancel)
        progress(i + 1, n, f"第 {i + 1} 步")
    return threading.current_thread().name


@pytest.fixture
def runner(qtbot) -> JobRunner:
    parent = QWidget()
    qtbot.addWidget(parent)
    return JobRunner(parent)


def test_job_runs_off_the_gui_thread_and_reports(qtbot, runner: JobRunner) -> None:
    results: list[str] = []
    progress: list[tuple[int, int, str]] = []
    runner.start(
        counting,
        3,
        title="测试",
        on_finished=results.append,
        on_failed=pytest.fail,
        on_progress=lambda d, t, m: progress.append((d, t, m)),
    )
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results
    assert results[0] != threading.current_thread().name
    assert progress == [(1, 3, "第 1 步"), (2, 3, "第 2 步"), (3, 3, "第 3 步")]
    assert runner.running() == 0


def test_user_error_reaches_on_failed(qtbot, runner: JobRunner) -> None:
    def boom(progress: ProgressFn, cancel: CancelToken | None = None) -> None:
        raise AuditDeskError("文件有误", location="工资!K17")

    failures: list[BaseException] = []
    runner.start(boom, title="测试", on_finished=pytest.fail, on_failed=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], AuditDeskError)
    assert failures[0].location == "工资!K17"


def test_cancel_token_stops_the_job(qtbot, runner: JobRunner) -> None:
    gate = threading.Event()

    def waits(progress: ProgressFn, cancel: CancelToken | None = None) -> None:
        gate.wait(5)
        check_cancel(cancel)

    failures: list[BaseException] = []
    job = runner.start(waits, title="测试", on_finished=pytest.fail, on_failed=failures.append)
    job.cancel_token.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)
