"""Issue 18.12: a finding's 修改记录 speaks Chinese: 生成/拆分/合并 lines name the field in words
and point at other findings by 问题编号 and title, never by an English field name or a raw id."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, demo, visit
from auditdesk.services.workspace import Workspace


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[0].audit.id


def _button(w: AuditWindow, text: str) -> QPushButton:
    return next(b for b in w.findings.findChildren(QPushButton) if b.text() == text)


def _click_row(qtbot: Any, w: AuditWindow, row: int, modifier: Any = None) -> None:
    table = w.findings.table
    rect = table.visualRect(w.findings.proxy.index(row, 2))
    mods = modifier or Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())


def _shown_history(w: AuditWindow) -> list[str]:
    return [w.findings.history.item(i).text() for i in range(w.findings.history.count())]


def test_history_lines_have_no_english_or_raw_ids(
    qtbot: Any, ctx: AppContext, ws: Workspace, audit_id: str
) -> None:
    w = AuditWindow(ctx, audit_id)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())
    qtbot.mouseClick(_button(w, "汇总不符合项"), Qt.MouseButton.LeftButton)
    assert w.findings.proxy.rowCount() >= 3
    ids = {f.id for f in visit.list_findings(ws, audit_id)}

    _click_row(qtbot, w, 0)
    gathered = _shown_history(w)
    qtbot.mouseClick(_button(w, "拆分"), Qt.MouseButton.LeftButton)
    split = _shown_history(w)
    _click_row(qtbot, w, 1)
    _click_row(qtbot, w, 2, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(_button(w, "合并所选"), Qt.MouseButton.LeftButton)
    merged = _shown_history(w)
    absorbed = [
        c.summary
        for f in visit.list_findings(ws, audit_id)
        if f.dismissed
        for c in visit.history(ws, audit_id, f.id)
    ]

    assert any("生成" in line for line in gathered), gathered
    assert any("拆分自" in line for line in split), split
    assert any("合并" in line for line in merged), merged
    assert absorbed
    for line in gathered + split + merged + absorbed:
        assert not re.search(r"[A-Za-z]{2,}", line), line  # no created/split_from/merged
        assert not any(i in line for i in ids), line  # no raw finding ids
