"""Issue 18.5: note autosave records one history entry per editing session on an item."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, demo, visit
from auditdesk.services.workspace import Workspace
from tests.gui.typing_helpers import type_text


def _note_changes(ws: Workspace, audit_id: str, item_id: str) -> list[Any]:
    return [c for c in visit.history(ws, audit_id, item_id) if c.field == "note"]


def test_one_history_entry_per_editing_session(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    demo.load_demo(ws)
    audit_id = audits.list_audits(ws)[0].audit.id
    w = AuditWindow(ctx, audit_id)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    walk = w.walk
    current = walk.current()
    assert current is not None
    item_id = current.item.id
    qtbot.keyClick(walk.table, Qt.Key.Key_1)  # 符合; the note then only adds to the answer
    before = len(_note_changes(ws, audit_id, item_id))
    with ws.store.read() as tx:
        answered = tx.get_answer(audit_id, item_id).result
    for chunk in ("抽查 12 人", "，3 人", "无合同"):
        type_text(qtbot, walk.note, chunk)
        qtbot.wait(700)  # a pause longer than the autosave delay: saved each time
    with ws.store.read() as tx:
        answer = tx.get_answer(audit_id, item_id)
    assert "抽查 12 人，3 人无合同" in answer.note
    changes = _note_changes(ws, audit_id, item_id)
    assert len(changes) == before + 1
    assert "抽查 12 人，3 人无合同" in changes[-1].new
    assert "抽查 12 人，3 人无合同" in walk.history.item(0).text()

    qtbot.keyClick(walk.table, Qt.Key.Key_J)
    qtbot.keyClick(walk.table, Qt.Key.Key_K)
    assert walk.current() is not None
    type_text(qtbot, walk.note, "（复核）")
    qtbot.wait(700)
    assert len(_note_changes(ws, audit_id, item_id)) == before + 2  # a new visit, a new entry
    with ws.store.read() as tx:
        assert tx.get_answer(audit_id, item_id).result is answered  # a note never answers
