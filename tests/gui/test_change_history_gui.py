"""Issue 20.6 in the GUI: Ctrl+Z undoes only the signed-in user's own answer; the 修改记录 dialog
of an answer, a finding and a company shows that record's entries and exports them to .xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.dialogs.change_history import ChangeHistoryDialog
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.models.audit import AnswerResult, ChangeEntity
from auditdesk.services import audits, changelog, visit
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace


def _result(ws: Workspace, audit_id: str, item_id: str) -> AnswerResult | None:
    with ws.store.read() as tx:
        found = tx.get_answer(audit_id, item_id)
    return found.result if found else None


def _rows(path: Path) -> list[tuple[Any, ...]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_ctrl_z_undoes_only_the_signed_in_users_answer(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    walk = window.walk
    assert walk.walk is not None
    x, y = [w.item.id for w in walk.walk.items if w.answer is None][:2]
    walk.by = "A"  # signed in as A
    walk.select(x)
    walk.table.setFocus()
    qtbot.keyClick(walk.table, Qt.Key.Key_2)
    a_answer = _result(ws, demo_audit, x)
    assert a_answer is not None
    visit.answer_item(ws, demo_audit, y, AnswerResult.TO_VERIFY, by="B")  # B, elsewhere, later

    qtbot.keyClick(walk.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _result(ws, demo_audit, x) is None  # A's own answer undone
    assert _result(ws, demo_audit, y) is AnswerResult.TO_VERIFY  # B's untouched
    qtbot.keyClick(walk.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _result(ws, demo_audit, y) is AnswerResult.TO_VERIFY  # A has nothing more

    walk.by = "B"
    qtbot.keyClick(walk.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _result(ws, demo_audit, y) is None
    undos = [c for c in changelog.entries(ws, LogFilter(audit_id=demo_audit)) if c.undoes]
    assert [(c.entity_id, c.changed_by) for c in undos] == [(x, "A"), (y, "B")]


def test_answer_history_dialog_shows_the_item_and_exports(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str, tmp_path: Path
) -> None:
    walk = window.walk
    assert walk.walk is not None
    item = next(w.item.id for w in walk.walk.items if w.answer is None)
    other = next(w.item.id for w in walk.walk.items if w.answer is None and w.item.id != item)
    visit.answer_item(ws, demo_audit, item, AnswerResult.NON_COMPLIANT, note="未见合同", by="陈静")
    visit.answer_item(ws, demo_audit, other, AnswerResult.COMPLIANT, by="陈静")
    walk.reload(keep=item)
    qtbot.mouseClick(walk.history_button, Qt.MouseButton.LeftButton)
    dialog = walk.history_dialog
    assert isinstance(dialog, ChangeHistoryDialog)
    qtbot.waitExposed(dialog)
    shown = dialog.entries()
    assert {c.entity_id for c in shown} == {item}  # that item only
    assert {c.field for c in shown} == {"result", "note"}
    assert dialog.proxy.rowCount() == len(shown)
    assert dialog.proxy.index(0, 1).data() == "陈静"
    assert {dialog.proxy.index(r, 5).data() for r in range(2)} == {"不符合", "未见合同"}

    written = dialog.export_to(tmp_path / "检查项记录")
    assert written == tmp_path / "检查项记录.xlsx"
    rows = _rows(written)
    assert rows[0][:7] == ("时间", "操作人", "对象", "对象编号", "字段", "原值", "新值")
    assert sorted(r[6] for r in rows[1:]) == sorted(["不符合", "未见合同"])
    assert all(r[3] == item for r in rows[1:])
    assert "已导出 2 条" in dialog.summary.text()


def test_finding_history_dialog_from_the_findings_tab(
    qtbot: Any,
    window: AuditWindow,
    ws: Workspace,
    demo_audit: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walk = visit.load_walk(ws, demo_audit)
    item = next(w.item.id for w in walk.items if w.item.scale.value == "compliance")
    visit.answer_item(ws, demo_audit, item, AnswerResult.NON_COMPLIANT, note="未签合同", by="王")
    visit.gather_findings(ws, demo_audit, by="王律师")
    finding = visit.list_findings(ws, demo_audit)[0]
    visit.edit_finding(ws, finding.id, {"owner": "人事部"}, by="李干部")
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    tab.reload()
    row = next(
        r for r in range(tab.proxy.rowCount())
        if tab.proxy.data(tab.proxy.index(r, 0), ROW_ROLE).id == finding.id
    )  # fmt: skip
    tab.table.selectRow(row)
    qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
    dialog = tab.history_dialog
    assert isinstance(dialog, ChangeHistoryDialog)
    qtbot.waitExposed(dialog)
    entries = dialog.entries()
    assert entries
    assert all(c.entity is ChangeEntity.FINDING and c.entity_id == finding.id for c in entries)
    owner = next(c for c in entries if c.field == "owner")
    assert (owner.new, owner.changed_by) == ("人事部", "李干部")

    out = tmp_path / "问题记录.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = _rows(out)
    assert len(rows) == len(entries) + 1
    assert ("李干部", "问题", finding.id, "负责人") in [r[1:5] for r in rows]


def test_company_history_dialog_from_the_company_page(
    qtbot: Any, main_window: MainWindow, ws: Workspace, demo_audit: str
) -> None:
    page = main_window.companies_page
    page.reload()
    company_id = audits.get_audit(ws, demo_audit).company_id
    page.select_company(company_id)
    assert page.history_button.isEnabled()
    qtbot.mouseClick(page.history_button, Qt.MouseButton.LeftButton)
    dialog = page.history_dialog
    assert isinstance(dialog, ChangeHistoryDialog)
    qtbot.waitExposed(dialog)
    entries = dialog.entries()
    assert entries == changelog.entries(ws, LogFilter(company_id=company_id))
    kinds = {c.entity for c in entries}
    assert {ChangeEntity.COMPANY, ChangeEntity.AUDIT, ChangeEntity.ANSWER} <= kinds
    assert dialog.windowTitle().startswith("修改记录")
