"""Issue 18.5: note autosave records one history entry per editing session on an item (issue
20.6: the entry is appended when the edit is committed, never rewritten)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services import audits, checklists, demo, visit
from auditdesk.services.workspace import Workspace
from tests.gui.conftest import open_audit_window
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
    assert "抽查 12 人，3 人无合同" in answer.note  # saved at each pause…
    assert len(_note_changes(ws, audit_id, item_id)) == before  # …logged when committed

    qtbot.keyClick(walk.table, Qt.Key.Key_J)  # leaving the item commits the edit: one entry
    changes = _note_changes(ws, audit_id, item_id)
    assert len(changes) == before + 1
    assert "抽查 12 人，3 人无合同" in changes[-1].new
    qtbot.keyClick(walk.table, Qt.Key.Key_K)
    assert walk.current() is not None
    assert "抽查 12 人，3 人无合同" in walk.history.item(0).text()
    type_text(qtbot, walk.note, "（复核）")
    qtbot.wait(700)
    w.close()  # closing commits too
    assert len(_note_changes(ws, audit_id, item_id)) == before + 2  # a new visit, a new entry
    with ws.store.read() as tx:
        assert tx.get_answer(audit_id, item_id).result is answered  # a note never answers


def test_a_note_on_an_unanswered_item_leaves_it_unanswered(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    demo.load_demo(ws)
    audit_id = audits.list_audits(ws)[0].audit.id
    w = open_audit_window(qtbot, ctx, audit_id)
    walk = w.walk
    assert walk.walk is not None
    target = next(x for x in walk.walk.items if x.answer is None)
    walk.select(target.item.id)
    assert walk.current() is not None
    assert walk.current().item.id == target.item.id
    progress, score = w.progress.text(), checklists.audit_score(ws, audit_id)
    checked = [b.isChecked() for b in walk.buttons]
    assert not any(checked)

    type_text(qtbot, walk.note, "花名册 54 人，劳动合同只见到 50 份")
    qtbot.wait(700)  # the autosave has run
    with ws.store.read() as tx:
        saved = tx.get_answer(audit_id, target.item.id)
    assert saved is not None
    assert saved.note == "花名册 54 人，劳动合同只见到 50 份"
    assert saved.result is None  # not 待核实
    assert [b.isChecked() for b in walk.buttons] == checked
    assert w.progress.text() == progress
    assert checklists.audit_score(ws, audit_id) == score
    row = walk.table.currentIndex().row()
    assert walk.proxy.index(row, 2).data() == "—"  # the 结果 column still says unanswered

    w.close()  # reopening shows the note on the still unanswered item
    again = open_audit_window(qtbot, ctx, audit_id)
    again.walk.select(target.item.id)
    assert again.walk.note.toPlainText() == "花名册 54 人，劳动合同只见到 50 份"
    assert not any(b.isChecked() for b in again.walk.buttons)
    assert again.progress.text() == progress
