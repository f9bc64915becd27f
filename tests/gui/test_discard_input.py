"""Esc (or 取消, or closing) on a form with typed input asks before throwing the input away.

Found driving the app under Xvfb: typing a company's name and credit code in 新建企业 and
pressing Esc closed the dialog at once and lost both.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.services import audits, companies, demo, payroll, visit
from auditdesk.services.workspace import Workspace
from tests.gui.typing_helpers import type_text


class Answer:
    """Answers the next question box with ``key`` (Esc: 否) or by clicking 放弃 (``None``);
    ``asked`` says whether one opened."""

    def __init__(self, key: Qt.Key | None) -> None:
        self.key = key
        self.asked: list[str] = []
        self.tries = 0
        QTimer.singleShot(0, self._answer)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            self.tries += 1
            if self.tries < 10:  # gives up within _escape's wait: no timer outlives its test
                QTimer.singleShot(20, self._answer)
            return
        self.asked.append(box.text())
        if self.key is None:
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            box.setFocus()
            QApplication.postEvent(box, _key_event(self.key))


def _key_event(key: Qt.Key) -> Any:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)


def _shown(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _escape(qtbot: Any, dialog: QDialog, answer: Qt.Key | None = Qt.Key.Key_Escape) -> Answer:
    pending = Answer(answer)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.wait(300)
    return pending


def test_escape_on_a_typed_company_asks_and_keeps_the_input(qtbot: Any, ctx: AppContext) -> None:
    dialog = _shown(qtbot, CompanyEditorDialog(ctx.ws))
    type_text(qtbot, dialog.name_edit, "上海测试机械有限公司")
    type_text(qtbot, dialog.credit_edit, "91350200776049653A")
    answer = _escape(qtbot, dialog)  # Esc on the question too: 否, the default
    assert answer.asked
    assert "尚未保存" in answer.asked[0]
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "上海测试机械有限公司"
    # 放弃 closes, and nothing was saved
    answer = _escape(qtbot, dialog, None)
    assert answer.asked
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert companies.list_companies(ctx.ws) == []


def test_escape_on_an_untouched_form_closes_without_asking(qtbot: Any, ctx: AppContext) -> None:
    dialog = _shown(qtbot, CompanyEditorDialog(ctx.ws))
    answer = _escape(qtbot, dialog)
    assert answer.asked == []
    assert not dialog.isVisible()


def test_escape_on_an_unchanged_edit_closes_without_asking(
    qtbot: Any, ctx: AppContext, ws: Workspace, demo_audit: str
) -> None:
    company = companies.list_companies(ws)[0].company
    dialog = _shown(qtbot, CompanyEditorDialog(ws, company))
    answer = _escape(qtbot, dialog)
    assert answer.asked == []
    assert not dialog.isVisible()


def test_escape_after_typing_an_auditor_asks(qtbot: Any, ctx: AppContext, demo_audit: str) -> None:
    dialog = _shown(qtbot, StartAuditDialog(ctx))
    assert _escape(qtbot, dialog).asked == []  # untouched: closes at once
    assert not dialog.isVisible()
    dialog = _shown(qtbot, StartAuditDialog(ctx))
    type_text(qtbot, dialog.title, "2026 年度用工体检")
    answer = _escape(qtbot, dialog)
    assert answer.asked
    assert dialog.isVisible()
    assert dialog.title.text() == "2026 年度用工体检"
    _escape(qtbot, dialog, None)  # 放弃
    assert not dialog.isVisible()


def test_closing_a_follow_up_visit_with_outcomes_chosen_asks(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    demo.load_demo(ws)
    current = audits.list_audits(ws)[0].audit.id
    visit.gather_findings(ws, current, by="陈静")
    dialog = _shown(qtbot, FollowupVisitDialog(ctx, current))
    assert _escape(qtbot, dialog).asked == []  # nothing chosen yet: closes at once
    dialog = _shown(qtbot, FollowupVisitDialog(ctx, current))
    assert dialog.outcomes, "the demo audit has open findings"
    dialog.outcomes[0].setCurrentIndex(1)
    dialog.notes[0].setText("已补签劳动合同")
    pending = Answer(Qt.Key.Key_Escape)
    dialog.close()
    qtbot.wait(50)
    assert pending.asked
    assert dialog.isVisible()
    assert dialog.notes[0].text() == "已补签劳动合同"
    _escape(qtbot, dialog, None)  # 放弃
    assert not dialog.isVisible()


def test_escape_in_the_payroll_wizard_after_remapping_asks(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Any
) -> None:
    """Found under Xvfb: a column mapped by hand on 核对列映射, then Esc: the wizard closed at
    once, the files and the mapping gone."""
    from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
    from auditdesk.models.company import CompanyInput
    from tests.builders.payroll_files import HEADER, SheetSpec, employee_row, write_xlsx
    from tests.gui.test_payroll_wizard import _to_mapping_page

    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    rows: list[list[Any]] = [[*HEADER, "神秘列X"]]
    rows += [[*employee_row(i), f"abc{i}"] for i in range(1, 6)]
    path = write_xlsx(tmp_path / "10月工资.xlsx", [SheetSpec("10月", rows, text_columns=[3])])

    wizard = PayrollImportWizard(ctx, audit.id, audit.company_id)
    _shown(qtbot, wizard)
    _to_mapping_page(qtbot, wizard, path)
    answer = _escape(qtbot, wizard)
    assert answer.asked
    assert wizard.isVisible()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.draft.paths == [path]
    _escape(qtbot, wizard, None)  # 放弃
    assert not wizard.isVisible()
    assert payroll.list_imports(ws, audit.id) == []


def test_escape_in_the_payroll_wizard_before_choosing_files_closes_it(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
    from auditdesk.models.company import CompanyInput

    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    wizard = PayrollImportWizard(ctx, audit.id, audit.company_id)
    assert _escape(qtbot, _shown(qtbot, wizard)).asked == []
    assert not wizard.isVisible()


def test_escape_while_typing_a_dismiss_reason_asks_and_keeps_it(
    qtbot: Any, ctx: AppContext, ws: Workspace, demo_audit: str
) -> None:
    """Found under Xvfb: 剔除… then a reason typed, then Esc: the reason was gone unasked."""
    from PySide6.QtWidgets import QInputDialog, QPlainTextEdit

    from auditdesk.gui.audit.window import AuditWindow

    window = AuditWindow(ctx, demo_audit)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    tab.gather()
    first = tab.selected()[0]
    reason = "企业已提供社保缴费凭证"
    seen: list[str] = []

    def type_then_escape() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(20, type_then_escape)
            return
        edit = box.findChild(QPlainTextEdit)
        edit.setPlainText(reason)
        QTimer.singleShot(400, lambda: confirm_after(box))
        Answer(Qt.Key.Key_Escape)  # 否: keep typing
        qtbot.keyClick(edit, Qt.Key.Key_Escape)

    def confirm_after(box: QInputDialog) -> None:
        seen.append(box.textValue() if box.isVisible() else "<closed>")
        if box.isVisible():
            box.accept()

    QTimer.singleShot(0, type_then_escape)
    tab.dismiss()
    assert seen == [reason]
    dismissed = next(f for f in visit.list_findings(ws, demo_audit) if f.id == first.id)
    assert dismissed.dismissed_reason == reason
