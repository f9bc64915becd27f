"""Issue 18.2: finding edits save themselves on leaving the finding, the tab or the window (one
transaction each); Esc never throws edits away; the workspace reopens where it was left."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.models.finding import Finding
from auditdesk.services import audits, demo, visit
from auditdesk.services.workspace import Workspace
from tests.gui.conftest import open_audit_window
from tests.gui.typing_helpers import type_text


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[0].audit.id


def _findings_tab(qtbot: Any, w: AuditWindow) -> None:
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())
    assert w.tabs.currentWidget() is w.findings
    if not w.findings.model.rowCount():
        gather = next(b for b in w.findings.findChildren(QPushButton) if b.text() == "汇总不符合项")
        qtbot.mouseClick(gather, Qt.MouseButton.LeftButton)
    assert w.findings.proxy.rowCount() >= 2


def _click_row(qtbot: Any, w: AuditWindow, row: int) -> None:
    table = w.findings.table
    rect = table.visualRect(w.findings.proxy.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _stored(ws: Workspace, audit_id: str, finding_id: str) -> Finding:
    return next(f for f in visit.list_findings(ws, audit_id) if f.id == finding_id)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    return shown


def test_moving_to_another_finding_saves_the_edits(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    tab = w.findings
    _click_row(qtbot, w, 0)
    first = tab.selected()[0].id
    type_text(qtbot, tab.owner, "人事部 李经理")
    assert "未保存" in tab.save_state.text()
    _click_row(qtbot, w, 1)
    assert tab.selected()[0].id != first
    assert _stored(ws, audit_id, first).owner.endswith("人事部 李经理")
    owner_changes = [c for c in visit.history(ws, audit_id, first) if c.field == "owner"]
    assert len(owner_changes) == 1  # one save, however many keystrokes


def test_leaving_the_tab_saves_the_edits(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    tab = w.findings
    finding = tab.selected()[0].id
    type_text(qtbot, tab.remedy, "一个月内补签。")
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    assert "一个月内补签。" in _stored(ws, audit_id, finding).remedy


def test_escape_saves_the_edits_and_stays_then_closes(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    finding = w.findings.selected()[0].id
    w.findings.title.setFocus()
    qtbot.keyClick(w.findings.title, Qt.Key.Key_End)  # a loaded title shows its beginning
    type_text(qtbot, w.findings.title, "（已核实）")
    qtbot.keyClick(w.findings.title, Qt.Key.Key_Escape)
    # Esc with unsaved edits saves them and keeps the workspace open (issue 18.2) ...
    assert w.isVisible()
    assert _stored(ws, audit_id, finding).title.endswith("（已核实）")
    assert "再按 Esc" in w.findings.save_state.text()
    # ... and a second Esc, with nothing left unsaved, closes it
    qtbot.keyClick(w.findings.title, Qt.Key.Key_Escape)
    assert not w.isVisible()


def test_escape_while_a_note_is_being_typed_saves_it_and_stays(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    item = w.walk.current()
    assert item is not None
    type_text(qtbot, w.walk.note, "现场查看考勤机")
    qtbot.keyClick(w.walk.note, Qt.Key.Key_Escape)
    assert w.isVisible()
    answer = visit.load_walk(ws, audit_id)
    saved = next(x for x in answer.items if x.item.id == item.item.id)
    assert saved.answer is not None
    assert "现场查看考勤机" in saved.answer.note
    qtbot.keyClick(w.walk.note, Qt.Key.Key_Escape)
    assert not w.isVisible()


def test_escape_with_edits_that_cannot_be_saved_keeps_the_window(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str, errors: list[str]
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    tab = w.findings
    finding = tab.selected()[0].id
    type_text(qtbot, tab.owner, "张三")
    tab.due.text.clear()
    type_text(qtbot, tab.due.text, "2026-02-30")
    qtbot.keyClick(tab.due.text, Qt.Key.Key_Return)
    qtbot.keyClick(tab.owner, Qt.Key.Key_Escape)
    assert w.isVisible()
    assert any("不是有效日期" in e for e in errors)
    assert tab.owner.text().endswith("张三")  # nothing thrown away
    assert tab.due.text.text() == "2026-02-30"
    assert not _stored(ws, audit_id, finding).owner.endswith("张三")
    _click_row(qtbot, w, 1)  # moving away cannot drop them either
    assert tab.selected()[0].id == finding
    assert tab.owner.text().endswith("张三")


def test_reopening_returns_to_the_tab_item_and_recorder(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    assert w.auditor.count() >= 2
    w.auditor.setCurrentIndex(1)
    recorder = w.auditor.currentData()
    table = w.walk.table
    for _ in range(5):
        qtbot.keyClick(table, Qt.Key.Key_J)
    item = w.walk.current()
    assert item is not None
    _findings_tab(qtbot, w)
    _click_row(qtbot, w, 1)
    finding = w.findings.selected()[0].id
    qtbot.keyClick(w.findings.table, Qt.Key.Key_Escape)
    assert not w.isVisible()

    again = open_audit_window(qtbot, ctx, audit_id)
    assert again.tabs.currentWidget() is again.findings
    assert again.auditor.currentData() == recorder
    assert again.walk.by == recorder
    assert again.findings.selected()[0].id == finding
    current = again.walk.current()
    assert current is not None
    assert current.item.id == item.item.id
    assert again.walk.table.visualRect(again.walk.table.currentIndex()).intersects(
        again.walk.table.viewport().rect().translated(QPoint(0, 0))
    )


def _audit_from_main(qtbot: Any, main_window: MainWindow, audit_id: str) -> AuditWindow:
    """Open the audit as a user does: 体检 page, double-click its row."""
    main_window.nav.setCurrentRow(1)
    page = main_window.audits_page
    page.reload()
    table = page.table
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data(ROW_ROLE).audit.id == audit_id)  # fmt: skip
    rect = table.visualRect(page.proxy.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    w = page.windows[audit_id]
    qtbot.waitExposed(w)
    return w


def test_closing_the_main_window_saves_the_audit_windows_edits(
    qtbot: Any, main_window: MainWindow, ws: Workspace, audit_id: str
) -> None:
    w = _audit_from_main(qtbot, main_window, audit_id)
    _findings_tab(qtbot, w)
    finding = w.findings.selected()[0].id
    type_text(qtbot, w.findings.owner, "人事部 王经理")
    assert main_window.close()
    assert not w.isVisible()
    assert _stored(ws, audit_id, finding).owner.endswith("人事部 王经理")


def test_closing_the_main_window_keeps_edits_that_cannot_be_saved(
    qtbot: Any, main_window: MainWindow, ws: Workspace, audit_id: str, errors: list[str]
) -> None:
    w = _audit_from_main(qtbot, main_window, audit_id)
    _findings_tab(qtbot, w)
    finding = w.findings.selected()[0].id
    type_text(qtbot, w.findings.owner, "张三")
    w.findings.due.text.clear()
    type_text(qtbot, w.findings.due.text, "2026-02-30")
    assert not main_window.close()  # the app stays open on the edits
    assert main_window.isVisible()
    assert w.isVisible()
    assert any("不是有效日期" in e for e in errors)
    assert w.findings.owner.text().endswith("张三")
    assert not _stored(ws, audit_id, finding).owner.endswith("张三")
