"""A long GUI session must not abort.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every call of a Qt method that
returns nothing (``QListWidget.clear()``, ``addItem``, ``setText``…); ``None`` is not immortal
before Python 3.12, so after a few thousand calls the interpreter aborts with "Fatal Python
error: none_dealloc". ``pyproject.toml`` excludes that combination; these tests fail at once if
an installed PySide6 has the fault, and walk 5,000 item views as a lawyer would in a long day.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QLabel, QListWidget

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace


def test_qt_calls_keep_none_referenced(qapp: Any) -> None:
    widget = QListWidget()
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(500):
        widget.addItem(f"第 {i} 项")
        widget.clear()
        label.setText(str(i))
    # Other code may take or drop a handful of references meanwhile; the fault drops 1,500.
    assert sys.getrefcount(None) - before > -100


def test_five_thousand_item_views(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    demo.load_demo(ws)
    audit_id = audits.list_audits(ws)[0].audit.id
    window = AuditWindow(ctx, audit_id)
    qtbot.addWidget(window)
    window.show()
    walk = window.walk
    shown = walk.table.model().rowCount()
    assert shown > 10
    seen: set[str] = set()
    direction = 1
    for view in range(5000):
        if view % (shown - 1) == 0 and view:
            direction = -direction  # walk down the list and back up, like J … K
        walk.step(direction)
        current = walk.current()
        assert current is not None
        seen.add(current.item.id)
    assert len(seen) == shown
