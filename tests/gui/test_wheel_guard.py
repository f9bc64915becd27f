"""Issue 18.1: the wheel scrolls the page, never a drop-down or spin box without focus."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace
from tests.gui.wheel_helpers import wheel


def _scrolled_form(qtbot: Any, field: QWidget) -> QScrollArea:
    box = QWidget()
    column = QVBoxLayout(box)
    column.addSpacing(600)
    column.addWidget(field)
    column.addSpacing(600)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(box)
    area.resize(300, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.ensureWidgetVisible(field)
    return area


def test_wheel_over_an_unfocused_spin_box_scrolls_the_page(qtbot: Any, ctx: AppContext) -> None:
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    area = _scrolled_form(qtbot, spin)
    before = area.verticalScrollBar().value()
    wheel(spin, -1)
    assert spin.value() == 50
    assert area.verticalScrollBar().value() > before
    assert not spin.hasFocus()
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_wheel_changes_a_spin_box_once_it_is_clicked(qtbot: Any, ctx: AppContext) -> None:
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    area = _scrolled_form(qtbot, spin)
    assert area.isVisible()
    qtbot.mouseClick(spin.findChild(QLineEdit), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(spin.hasFocus)
    wheel(spin, 1)
    assert spin.value() == 51


def test_wheel_over_the_findings_editor_never_changes_severity(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    demo.load_demo(ws)
    window = AuditWindow(ctx, audits.list_audits(ws)[0].audit.id)
    qtbot.addWidget(window)
    window.resize(1000, 420)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    tab.gather()
    tab.table.setFocus()
    severity: QComboBox = tab.severity
    before = severity.currentIndex()
    scroll = next(a for a in tab.findChildren(QScrollArea) if a.isAncestorOf(severity))
    assert scroll.verticalScrollBar().maximum() > 0  # the editor is taller than the window
    wheel(severity, -1)
    wheel(severity, -1)
    assert severity.currentIndex() == before
    assert scroll.verticalScrollBar().value() > 0


def test_wheel_over_the_first_drop_down_of_a_new_dialog_changes_nothing(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    """Found under Xvfb: 开始体检 opens with the focus on its 企业 drop-down (the first field);
    the wheel over it, without any click, switched the audit to another company."""
    from auditdesk.gui.dialogs.start_audit import StartAuditDialog
    from auditdesk.models.company import CompanyInput
    from auditdesk.services import companies

    demo.load_demo(ws)
    mine = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    dialog = StartAuditDialog(ctx, mine.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.company.hasFocus)  # as Qt gives it to the first field
    for notches in (-1, -1, 1, 1, 1):
        wheel(dialog.company, notches)
    assert dialog.company.currentData() == mine.id
    # a click (or Tab) on it makes the wheel choose again
    qtbot.mouseClick(dialog.title, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Backtab)
    assert dialog.company.hasFocus()
    wheel(dialog.company, 1)
    assert dialog.company.currentData() != mine.id
    dialog.snapshot.retake()  # closing at teardown: nothing to ask
