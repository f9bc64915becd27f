"""Issue 20.4 in the GUI: a save refused because another user saved the record after it was
opened shows who and when, their value beside mine, and 重新载入 / 覆盖 — driven with real
widgets (the finding editor in 会诊, the note in the walk, the company editor)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.gui.dialogs.stale import StaleDialog
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.models.company import CompanyInput
from auditdesk.services import audits, companies, demo, followups, visit
from auditdesk.services.workspace import Workspace
from tests.gui.conftest import open_audit_window
from tests.gui.typing_helpers import type_text

Shown = list[tuple[str, list[list[str]]]]


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[0].audit.id


def _choose_when_asked(qtbot: Any, button: str, shown: Shown) -> None:
    """Once the stale dialog is up, note what it shows and press ``button``."""

    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, StaleDialog):
            tries[0] += 1
            if tries[0] < 200:  # gives up after about 4 s: the test then fails on ``shown``
                QTimer.singleShot(20, act)
            return
        table = dialog.table
        rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
        shown.append((dialog.message.text(), rows))
        target = dialog.reload_button if button == "重新载入" else dialog.overwrite_button
        assert target.text() == button
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, act)


def _findings_tab(qtbot: Any, w: AuditWindow) -> None:
    bar = w.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())
    if not w.findings.model.rowCount():
        gather = next(b for b in w.findings.findChildren(QPushButton) if b.text() == "汇总不符合项")
        qtbot.mouseClick(gather, Qt.MouseButton.LeftButton)
    table = w.findings.table
    rect = table.visualRect(w.findings.proxy.index(0, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _owner_edited_elsewhere(
    qtbot: Any, ctx: AppContext, other: Workspace, audit_id: str
) -> tuple[AuditWindow, str]:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    finding = w.findings.selected()[0]
    # another user saves the same finding after this window loaded it
    visit.edit_finding(other, finding.id, {"owner": "张的负责人"}, by="张律师",
                       expected_version=finding.version)  # fmt: skip
    w.findings.owner.selectAll()
    type_text(qtbot, w.findings.owner, "李的负责人")
    return w, finding.id


def _stored_owner(ws: Workspace, audit_id: str, finding_id: str) -> str:
    return next(f.owner for f in visit.list_findings(ws, audit_id) if f.id == finding_id)


def test_finding_save_refused_then_overwrite_saves_mine(
    qtbot: Any, ctx: AppContext, ws: Workspace, other: Workspace, audit_id: str
) -> None:
    w, finding_id = _owner_edited_elsewhere(qtbot, ctx, other, audit_id)
    shown: Shown = []
    _choose_when_asked(qtbot, "覆盖", shown)
    qtbot.mouseClick(w.findings.save_button, Qt.MouseButton.LeftButton)
    [(message, rows)] = shown
    assert "该问题已被 张律师 于" in message
    assert ["负责人", "李的负责人", "张的负责人"] in rows  # theirs beside mine
    assert _stored_owner(ws, audit_id, finding_id) == "李的负责人"
    assert w.findings.owner.text() == "李的负责人"
    assert w.findings.save_state.text() == "已保存"
    # the editor now holds the version it saved: the next save needs no dialog
    w.findings.owner.selectAll()
    type_text(qtbot, w.findings.owner, "王")
    qtbot.mouseClick(w.findings.save_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert _stored_owner(ws, audit_id, finding_id) == "王"


def test_finding_save_refused_then_reload_shows_theirs(
    qtbot: Any, ctx: AppContext, ws: Workspace, other: Workspace, audit_id: str
) -> None:
    w, finding_id = _owner_edited_elsewhere(qtbot, ctx, other, audit_id)
    shown: Shown = []
    _choose_when_asked(qtbot, "重新载入", shown)
    qtbot.mouseClick(w.findings.save_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert _stored_owner(ws, audit_id, finding_id) == "张的负责人"
    assert w.findings.owner.text() == "张的负责人"
    assert not w.findings.has_unsaved_edits()


def test_walk_note_refused_then_reload_shows_theirs(
    qtbot: Any, ctx: AppContext, ws: Workspace, other: Workspace, audit_id: str
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    walk = w.walk
    current = walk.current()
    assert current is not None
    item_id = current.item.id
    seen = current.answer.version if current.answer else 0
    theirs = current.item.scale.answers[-1]
    visit.answer_item(other, audit_id, item_id, theirs, note="张写的备注",
                      by="张律师", expected_version=seen)  # fmt: skip
    shown: Shown = []
    _choose_when_asked(qtbot, "重新载入", shown)
    walk.note.selectAll()
    type_text(qtbot, walk.note, "李写的备注")
    walk.save_note()
    [(message, rows)] = shown
    assert "该检查结果已被 张律师 于" in message
    assert rows == [["备注", "李写的备注", "张写的备注"]]
    with ws.store.read() as tx:
        stored = tx.get_answer(audit_id, item_id)
    assert stored is not None
    assert (stored.note, stored.result) == ("张写的备注", theirs)
    assert walk.note.toPlainText() == "张写的备注"


def test_company_editor_refused_then_overwrite_or_reload(
    qtbot: Any, ctx: AppContext, other: Workspace
) -> None:
    company = companies.add_company(ctx.ws, CompanyInput(name="上海并发有限公司", notes="旧"))
    dialog = CompanyEditorDialog(ctx.ws, company)
    qtbot.addWidget(dialog)
    dialog.show()
    data = CompanyInput(name="上海并发有限公司", notes="张补充")
    companies.update_company(other, company.id, data, by="张律师", expected_version=1)
    notes = dialog.rows.fields["notes"]
    notes.selectAll()
    type_text(qtbot, notes, "李补充")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    shown: Shown = []
    _choose_when_asked(qtbot, "重新载入", shown)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    [(message, rows)] = shown
    assert "该企业已被 张律师 于" in message
    assert rows == [["备注", "李补充", "张补充"]]
    assert dialog.isVisible()  # nothing saved: the form shows theirs to edit again
    assert notes.toPlainText() == "张补充"
    assert companies.get_company(ctx.ws, company.id).notes == "张补充"
    # another save elsewhere, then 覆盖 saves mine over it
    companies.update_company(other, company.id, data.model_copy(update={"notes": "张又改"}),
                             by="张律师", expected_version=2)  # fmt: skip
    notes.selectAll()
    type_text(qtbot, notes, "李定稿")
    _choose_when_asked(qtbot, "覆盖", shown)
    with qtbot.waitSignal(dialog.company_saved):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert shown[1][1] == [["备注", "李定稿", "张又改"]]
    stored = companies.get_company(ctx.ws, company.id)
    assert (stored.notes, stored.version) == ("李定稿", 4)


def test_followup_reschedule_refused_then_overwrite(
    qtbot: Any, ctx: AppContext, ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load_demo(ws)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(30))
    row, item = next((r, i) for r, i in enumerate(page.model.rows()) if i.kind == "followup")
    page.table.selectRow(row)
    followups.reschedule(other, item.ref, date(2027, 2, 1), by="张律师",
                         expected_version=item.version)  # fmt: skip
    monkeypatch.setattr(
        "auditdesk.gui.pages.followups.ask_text", lambda *a, **k: ("2027-03-01", True)
    )
    shown: Shown = []
    _choose_when_asked(qtbot, "覆盖", shown)
    page.reschedule()
    [(message, rows)] = shown
    assert "该跟诊安排已被 张律师 于" in message
    assert rows == [["跟诊日期", "2027-03-01", "2027-02-01"]]
    [stored] = [f for f in followups.list_followups(ws) if f.id == item.ref]
    assert stored.planned_on == date(2027, 3, 1)
