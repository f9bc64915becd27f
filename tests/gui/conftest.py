from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool

from auditdesk.gui.app import configure_application
from auditdesk.gui.context import AppContext
from auditdesk.gui.main_window import MainWindow
from auditdesk.services.workspace import Workspace


@pytest.fixture
def ctx(ws: Workspace, qapp) -> Iterator[AppContext]:
    configure_application(qapp)
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield AppContext(ws, pool)
    pool.waitForDone(5000)


@pytest.fixture
def main_window(qtbot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
