from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox

from auditdesk.gui.audit import findings_tab
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.models.audit import AnswerResult, AuditScope
from auditdesk.models.finding import RectificationStatus
from auditdesk.services import audits, demo, followups, reports, visit
from auditdesk.services.workspace import Workspace
from auditdesk.store.sqlite import create_sqlite_engine
from tests.gui.typing_helpers import type_text


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    return shown


def _unanswered_row(w: AuditWindow) -> int:
    w.walk.mode.setCurrentIndex(w.walk.mode.findData("unanswered"))
    return 0


def _answer_of(ws: Workspace, audit_id: str, item_id: str) -> Any:
    with ws.store.read() as tx:
        return tx.get_answer(audit_id, item_id)


def test_start_audit_dialog(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    demo.load_demo(ws)
    dialog = StartAuditDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.basic.setChecked(True)
    dialog.auditors.cellWidget(0, 0).setEditText("王芳")  # a new person: typed, not picked
    with qtbot.waitSignal(dialog.audit_started) as signal_:
        dialog.save()
    audit = audits.get_audit(ws, signal_.args[0])
    assert audit.scope is AuditScope.BASIC
    assert [a.name for a in audit.auditors] == ["王芳"]  # the unnamed second row is left out
    with ws.store.read() as tx:
        [v] = tx.list_visits(audit.id)
    assert v.attendees == ["王芳"]


def test_start_audit_needs_an_auditor(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    demo.load_demo(ws)
    dialog = StartAuditDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.save()
    assert "至少填写一名检查人员" in dialog.error.text()


def test_keyboard_walk_through_saves_each_answer(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    walk = window.walk
    _unanswered_row(window)
    walk.table.setFocus()
    first = walk.current()
    assert first is not None
    assert first.answer is None
    qtbot.keyClick(walk.table, Qt.Key.Key_2)  # 不符合 (or 否 on a yes/no item)
    saved = _answer_of(ws, demo_audit, first.item.id)
    assert saved is not None
    assert saved.answered_by == "张卫东"
    # the answered item left the "unanswered" filter; J moves down, K up
    second = walk.current()
    assert second is not None
    assert second.item.id != first.item.id
    qtbot.keyClick(walk.table, Qt.Key.Key_J)
    third = walk.current()
    assert third is not None
    assert third.item.id != second.item.id
    qtbot.keyClick(walk.table, Qt.Key.Key_K)
    assert walk.current() == second
    assert window.progress.value() == walk.walk.answered


def test_note_is_autosaved_and_digits_in_it_do_not_answer(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    walk = window.walk
    _unanswered_row(window)
    item = walk.current()
    assert item is not None
    type_text(qtbot, walk.note, "抽查 12 人，3 人无合同")
    qtbot.waitUntil(lambda: _answer_of(ws, demo_audit, item.item.id) is not None, timeout=3000)
    saved = _answer_of(ws, demo_audit, item.item.id)
    assert saved.note == "抽查 12 人，3 人无合同"
    assert saved.result is None  # typing "1" and "3" did not answer the item (nor did the note)


def test_conditional_items_appear_when_the_gate_is_answered(
    window: AuditWindow, ws: Workspace
) -> None:
    walk = window.walk
    assert walk.walk is not None
    shown = {w.item.id for w in walk.walk.items}
    dependent = next(i for i in walk.walk.library.items()
                     if i.when is not None and i.id not in shown and i.when.item in shown)  # fmt: skip
    assert dependent.when is not None
    walk.select(dependent.when.item)
    gate_answers = [a for a in (AnswerResult.YES, AnswerResult.NO) if a in dependent.when.answers]
    walk.answer_key(0 if gate_answers[0] is AnswerResult.YES else 1)
    assert dependent.id in {w.item.id for w in walk.walk.items}


def test_undo_with_ctrl_z(qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str) -> None:
    walk = window.walk
    _unanswered_row(window)
    item = walk.current()
    assert item is not None
    walk.table.setFocus()
    qtbot.keyClick(walk.table, Qt.Key.Key_1)
    assert _answer_of(ws, demo_audit, item.item.id) is not None
    qtbot.keyClick(walk.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _answer_of(ws, demo_audit, item.item.id) is None
    assert walk.current() is not None
    assert walk.current().item.id == item.item.id


def test_evidence_thumbnail_and_missing_file(
    window: AuditWindow, ws: Workspace, tmp_path: Path
) -> None:
    walk = window.walk
    photo = tmp_path / "考勤表.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    assert image.save(str(photo))
    walk.add_evidence([photo])
    assert walk.evidence.count() == 1
    item = walk.evidence.item(0)
    assert item.text() == "考勤表.png"
    assert not item.icon().isNull()
    stored = Path(item.data(Qt.ItemDataRole.UserRole))
    stored.unlink()  # the file vanished from the data dir
    walk._show_current()
    assert walk.evidence.item(0).text() == "考勤表.png（文件缺失）"


def test_evidence_opens_as_a_temporary_copy_never_the_stored_file(
    window: AuditWindow, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())) or True
    )
    walk = window.walk
    contract = tmp_path / "劳动合同.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    walk.add_evidence([contract])
    item = walk.evidence.item(0)
    stored = Path(item.data(Qt.ItemDataRole.UserRole))
    walk.evidence.itemDoubleClicked.emit(item)
    [copy] = opened
    assert copy != stored
    assert copy.name == "劳动合同.pdf"
    assert ws.paths.tmp in copy.parents
    copy.write_bytes(b"saved by the PDF editor")  # the program saves in place
    assert stored.read_bytes() == b"%PDF-1.4 contract"


def test_findings_dismiss_needs_a_reason(
    window: AuditWindow, ws: Workspace, demo_audit: str, errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window.tabs.setCurrentWidget(window.findings)
    window.findings.gather()
    tab = window.findings
    assert tab.model.rowCount() > 0
    first = tab.selected()[0]
    monkeypatch.setattr(findings_tab, "ask_reason", lambda *a, **k: ("   ", True))
    tab.dismiss()
    assert errors
    assert "理由" in errors[-1]
    assert not visit.list_findings(ws, demo_audit)[0].dismissed
    monkeypatch.setattr(findings_tab, "ask_reason", lambda *a, **k: ("企业当场出示了合同", True))
    tab.dismiss()
    dismissed = next(f for f in visit.list_findings(ws, demo_audit) if f.id == first.id)
    assert dismissed.dismissed_reason == "企业当场出示了合同"
    assert dismissed.dismissed_by == "张卫东"
    assert first.id not in [f.id for f in tab.model.rows() if not f.dismissed and
                            tab.proxy.filterAcceptsRow(tab.model.rows().index(f), tab.table.rootIndex())]  # fmt: skip


def test_finding_edit_is_saved(window: AuditWindow, ws: Workspace, demo_audit: str) -> None:
    tab = window.findings
    tab.gather()
    before = next(f for f in visit.list_findings(ws, demo_audit) if f.id == tab.selected()[0].id)
    assert before.consequence
    assert tab.consequence.toPlainText() == before.consequence  # the item's own, shown to edit
    tab.owner.setText("人事部 李经理")
    tab.facts.setPlainText("抽查 30 人，3 人未签合同")
    tab.consequence.setPlainText("须补签合同并支付二倍工资差额。")
    tab.save()
    saved = next(f for f in visit.list_findings(ws, demo_audit) if f.id == tab.selected()[0].id)
    assert saved.owner == "人事部 李经理"
    assert saved.consequence == "须补签合同并支付二倍工资差额。"
    assert tab.history.count() >= 3  # created, facts, owner


def test_scores_and_chart_export(window: AuditWindow, tmp_path: Path) -> None:
    window.tabs.setCurrentWidget(window.scores)
    assert "总体得分" in window.scores.summary.text()
    out = window.scores.export_chart(str(tmp_path / "chart.png"))
    assert out is not None
    image = QImage(out)
    assert not image.isNull()
    assert image.width() >= 360


def test_close_and_reopen_finds_everything(
    qtbot: Any, window: AuditWindow, ctx: AppContext, demo_audit: str, data_dir: Path
) -> None:
    walk = window.walk
    _unanswered_row(window)
    item = walk.current()
    assert item is not None
    type_text(qtbot, walk.note, "只写了一半的笔记")
    window.close()  # before the autosave timer fired: closing saves it
    ctx.ws.close()
    with Workspace.open(data_dir) as again:
        saved = _answer_of(again, demo_audit, item.item.id)
    assert saved is not None
    assert saved.note == "只写了一半的笔记"


KILL_SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from auditdesk.gui.audit import findings_tab
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.services.workspace import Workspace
app = QApplication([])
ws = Workspace.open(sys.argv[1])
window = AuditWindow(AppContext(ws), sys.argv[2])
window.show()
walk = window.walk
walk.mode.setCurrentIndex(walk.mode.findData("unanswered"))
for n in range(1000):
    item = walk.current()
    walk.answer_key(3 if item.item.scale.value == "compliance" else 1)  # 不适用 / 否
    print(item.item.id, flush=True)  # printed only after the answer was committed
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_sigkill_mid_walk_through_keeps_saved_answers(
    ws: Workspace, demo_audit: str, data_dir: Path
) -> None:
    ws.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(data_dir), demo_audit],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(seen) < 5 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert len(seen) >= 5, proc.stderr.read() if proc.stderr else ""
    engine = create_sqlite_engine(data_dir / "auditdesk.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        engine.dispose()
    with Workspace.open(data_dir) as again:
        answered = {w.item.id for w in visit.load_walk(again, demo_audit).items if w.answer}
    assert set(seen) <= answered  # every answer reported as saved survived the kill


def test_moving_on_saves_the_note_to_its_own_item_only(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    walk = window.walk
    _unanswered_row(window)
    first = walk.current()
    assert first is not None
    type_text(qtbot, walk.note, "甲项的笔记")
    walk.table.setFocus()
    qtbot.keyClick(walk.table, Qt.Key.Key_J)  # before the autosave timer
    second = walk.current()
    assert second is not None
    assert second.item.id != first.item.id
    assert _answer_of(ws, demo_audit, first.item.id).note == "甲项的笔记"
    assert _answer_of(ws, demo_audit, second.item.id) is None
    assert walk.note.toPlainText() == ""


def test_findings_filter_by_area_severity_and_status(
    window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    tab = window.findings
    tab.gather()
    total = tab.proxy.rowCount()
    assert total >= 3
    first = tab.model.row_at(0)
    followups.move_finding(ws, first.id, RectificationStatus.IN_PROGRESS)
    tab.reload()
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("in_progress"))
    assert tab.proxy.rowCount() == 1
    tab.status_filter.setCurrentIndex(0)
    tab.area_filter.setCurrentIndex(tab.area_filter.findData(first.area.value))
    assert 1 <= tab.proxy.rowCount() <= total
    assert all(tab.proxy.data(tab.proxy.index(r, 0), ROW_ROLE).area is first.area
               for r in range(tab.proxy.rowCount()))  # fmt: skip
    tab.area_filter.setCurrentIndex(0)
    tab.severity_filter.setCurrentIndex(tab.severity_filter.findData("critical"))
    assert tab.proxy.rowCount() == 0 or all(
        tab.proxy.data(tab.proxy.index(r, 0), ROW_ROLE).severity.value == "critical"
        for r in range(tab.proxy.rowCount())
    )


def test_scores_follow_the_answers(window: AuditWindow) -> None:
    scores = window.scores
    before = scores.comparison.verified.overall.score if scores.comparison else None
    walk = window.walk
    _unanswered_row(window)
    while walk.current() is not None and walk.current().item.scale.value != "compliance":
        walk.step(1)
    walk.answer_key(1)  # 不符合
    window.tabs.setCurrentWidget(scores)
    after = scores.comparison.verified.overall.score if scores.comparison else None
    assert after is not None
    assert before is not None
    assert after < before


def test_audits_page_opens_the_workspace(qtbot: Any, main_window: Any, demo_audit: str) -> None:
    page = main_window.audits_page
    page.reload()
    page.table.selectRow(0)
    assert page.open_button.isEnabled()
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    window = page.windows[demo_audit]
    qtbot.waitExposed(window)
    assert window.walk.walk is not None
    assert page.open_audit(demo_audit) is window  # one window per audit
    window.close()


def test_export_report_from_the_workspace(qtbot: Any, window: AuditWindow, tmp_path: Path) -> None:
    window.findings.gather()
    window.export_report()
    dialog = window.export_dialog
    assert "列入报告的问题" in dialog.preview.text()
    dialog.path.setText(str(tmp_path / "体检报告.docx"))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=15000)
    assert dialog.written is not None
    assert dialog.written.exists()
    import docx

    document = docx.Document(str(dialog.written))
    assert len(document.inline_shapes) == 1  # the score chart image
    assert dialog.open_folder.isEnabled()


def test_export_dialog_issues_the_report_and_writes_the_annex(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str, tmp_path: Path
) -> None:
    import docx

    window.findings.gather()
    window.export_report()
    dialog = window.export_dialog
    assert "草稿" in dialog.issued_label.text()
    assert dialog.issue.isVisibleTo(dialog)
    assert not dialog.draft.isVisibleTo(dialog)  # nothing issued yet: every export is a draft
    dialog.issue.setChecked(True)
    dialog.annex.setChecked(True)
    dialog.path.setText(str(tmp_path / "体检报告.docx"))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=15000)
    [issued] = reports.issues(ws, demo_audit, "report")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "体检报告.docx")).paragraphs)
    assert f"报告编号：{issued.number}" in text
    assert "草稿" not in text
    annex = tmp_path / "体检报告-人员明细（内部资料）.docx"
    assert "内部资料" in docx.Document(str(annex)).sections[0].header.paragraphs[0].text
    assert issued.number in dialog.issued_label.text()
    assert dialog.draft.isVisibleTo(dialog)  # now a draft of the current data is a choice


def test_exporting_a_letter_starts_its_clock(qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str,
                                            tmp_path: Path) -> None:  # fmt: skip
    window.findings.gather()
    window.export_report()
    dialog = window.export_dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("opinion"))
    assert dialog.record_letter.isVisibleTo(dialog)
    dialog.path.setText(str(tmp_path / "意见书.docx"))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=15000)
    assert "答复期限" in dialog.status.text()
    with ws.store.read() as tx:
        [letter] = tx.list_letters(demo_audit)
    assert letter.kind.value == "opinion"
    import docx

    assert letter.number is not None  # issued: numbered and archived
    paras = [p.text for p in docx.Document(str(dialog.written)).paragraphs]
    assert letter.number in paras
    # exporting again, unticked, reproduces it rather than writing a new letter
    assert letter.number in dialog.letter_state.text()


def test_key_three_on_a_yes_no_item_marks_it_to_verify(
    qtbot: Any, window: AuditWindow, ws: Workspace, demo_audit: str
) -> None:
    walk = window.walk
    assert walk.walk is not None
    gate = next(w for w in walk.walk.items if w.item.scale.value == "yes_no")
    walk.select(gate.item.id)
    walk.table.setFocus()
    qtbot.keyClick(walk.table, Qt.Key.Key_3)  # the yes/no scale is 是, 否, 待核实
    saved = _answer_of(ws, demo_audit, gate.item.id)
    assert saved is not None
    assert saved.result is AnswerResult.TO_VERIFY
    assert walk.buttons[2].isVisible()
    assert walk.buttons[2].text() == "3 待核实"
