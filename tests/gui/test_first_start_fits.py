"""Issue 18.13: on first start (no saved size) the main window fits the screen, e.g. 1366×768 at
125 % (about 1092×614 logical pixels), so the status bar and the table's bottom stay visible."""

from __future__ import annotations

from typing import Any

from auditdesk.gui.context import AppContext
from auditdesk.gui.main_window import MainWindow


def test_first_start_window_fits_the_screen(qtbot: Any, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert free.width() < 1100 or free.height() < 680  # the test screen is smaller than 1100×680
    assert window.width() <= free.width()
    assert window.height() <= free.height()
