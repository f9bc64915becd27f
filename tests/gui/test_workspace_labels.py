"""Issue 18.12 and 18.15 in the audit workspace: no raw codes or field names on screen; the
empty 会诊 tab says what to do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace
from tests.gui.typing_helpers import type_text


def _window(qtbot: Any, ctx: AppContext, ws: Workspace) -> AuditWindow:
    demo.load_demo(ws)
    w = AuditWindow(ctx, audits.list_audits(ws)[0].audit.id)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_item_code_only_in_the_tooltip(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    w = _window(qtbot, ctx, ws)
    current = w.walk.current()
    assert current is not None
    assert current.item.id not in w.walk.question.text()
    assert current.item.question in w.walk.question.text()
    assert current.item.id in w.walk.question.toolTip()


def test_empty_findings_tab_says_what_to_do_then_lists_them(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    w = _window(qtbot, ctx, ws)
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())
    tab = w.findings
    assert tab.model.rowCount() == 0
    assert tab.empty_hint.isVisible()
    assert "汇总不符合项" in tab.empty_hint.text()
    gather = next(b for b in tab.findChildren(QPushButton) if b.text() == "汇总不符合项")
    qtbot.mouseClick(gather, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() > 0
    assert not tab.empty_hint.isVisible()


def test_finding_history_in_chinese(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    w = _window(qtbot, ctx, ws)
    w.tabs.setCurrentWidget(w.findings)
    tab = w.findings
    gather = next(b for b in tab.findChildren(QPushButton) if b.text() == "汇总不符合项")
    qtbot.mouseClick(gather, Qt.MouseButton.LeftButton)
    type_text(qtbot, tab.consequence, "另需补缴。")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    lines = [tab.history.item(i).text() for i in range(tab.history.count())]
    assert any(line.split(" ", 3)[-1].startswith("法律后果：") for line in lines)
    assert not any("consequence" in line for line in lines)
