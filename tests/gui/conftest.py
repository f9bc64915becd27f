from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from auditdesk.gui.app import configure_application
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs import discard
from auditdesk.gui.gc_guard import GcGuard
from auditdesk.gui.main_window import MainWindow
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """pytest-qt closes the widgets a test left open: a form with typed input would ask
    放弃? (:mod:`auditdesk.gui.dialogs.discard`) and wait for an answer; 放弃 it is."""
    ask = discard.confirm
    discard.confirm = lambda *_args, **_kwargs: True
    try:
        yield
    finally:
        discard.confirm = ask


@pytest.fixture(scope="package", autouse=True)
def _collector_back_after_the_gui_tests() -> Iterator[None]:
    """configure_application leaves cycle collection to the GUI thread's timer
    (:mod:`auditdesk.gui.gc_guard`); the tests after these run no event loop, so the
    interpreter collects again once the GUI tests are done."""
    yield
    app = QApplication.instance()
    guard = app.findChild(GcGuard, "auditdesk-gc-guard") if app is not None else None
    if isinstance(guard, GcGuard):
        guard.remove()


@pytest.fixture
def ctx(ws: Workspace, qapp) -> Iterator[AppContext]:
    configure_application(qapp)
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield AppContext(ws, pool)
    pool.waitForDone(5000)


@pytest.fixture
def demo_audit(ws: Workspace) -> str:
    """The demo company's audit (loaded into ``ws``), by id."""
    demo.load_demo(ws)
    return audits.list_audits(ws)[0].audit.id


def open_audit_window(qtbot: Any, ctx: AppContext, audit_id: str) -> AuditWindow:
    """The audit's window, shown (closed with the test)."""
    w = AuditWindow(ctx, audit_id)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot: Any, ctx: AppContext, demo_audit: str) -> AuditWindow:
    """The audit window of :func:`demo_audit`, shown."""
    return open_audit_window(qtbot, ctx, demo_audit)


@pytest.fixture
def main_window(qtbot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
