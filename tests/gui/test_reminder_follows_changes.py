"""Issue 18.6: the status bar's 提醒 counts follow what is recorded: after a 跟诊 visit that closes
every overdue item, it no longer says "2 项已逾期" while the 跟诊 page lists nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from auditdesk.gui.main_window import MainWindow
from auditdesk.services import demo
from auditdesk.services.workspace import Workspace


def test_recorded_visit_updates_the_reminder(
    qtbot: Any, main_window: MainWindow, ws: Workspace
) -> None:
    demo.load_demo(ws)
    main_window.data_changed.emit("demo")
    assert "2 项已逾期" in main_window.remind()

    main_window.nav.setCurrentRow(2)
    page = main_window.followups_page
    table = page.table
    rect = table.visualRect(page.model.index(0, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(page.visit_button, Qt.MouseButton.LeftButton)
    dialog = page.visit_dialog
    assert dialog is not None
    for combo in dialog.outcomes:
        combo.setCurrentIndex(1)  # 已整改
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert "已逾期" not in main_window.statusBar().currentMessage()
