from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies
from tests.gui.typing_helpers import type_text


def _save(qtbot, dialog: CompanyEditorDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def _editor(qtbot, ws, company=None) -> CompanyEditorDialog:
    dialog = CompanyEditorDialog(ws, company)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_create_company_through_the_form(qtbot, ctx) -> None:
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.name_edit, "上海新建精密有限公司")
    type_text(qtbot, dialog.credit_edit, "91350200776049653a")
    type_text(qtbot, dialog.headcount_edit, "88")
    type_text(qtbot, dialog.rows.fields["town"], "嘉定工业区")
    dialog.rows.fields["has_union"].setChecked(True)
    with qtbot.waitSignal(dialog.company_saved) as saved:
        _save(qtbot, dialog)
    stored = companies.get_company(ctx.ws, saved.args[0])
    assert stored.name == "上海新建精密有限公司"
    assert stored.credit_code == "91350200776049653A"
    assert (stored.headcount, stored.town, stored.has_union) == (88, "嘉定工业区", True)
    assert dialog.result() == CompanyEditorDialog.DialogCode.Accepted


def test_bad_credit_code_shows_message_beside_field(qtbot, ctx) -> None:
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.name_edit, "甲")
    type_text(qtbot, dialog.credit_edit, "91350200776049653B")
    _save(qtbot, dialog)
    error = dialog.rows.errors["credit_code"]
    assert error.isVisible()
    assert "校验位不符（第 18 位应为 A）" in error.text()
    assert not dialog.rows.errors["name"].isVisible()
    assert dialog.isVisible()
    assert companies.list_companies(ctx.ws) == []
    # fixing the code clears the message and saves
    dialog.credit_edit.setText("91350200776049653A")
    with qtbot.waitSignal(dialog.company_saved):
        _save(qtbot, dialog)
    assert not error.isVisible()
    assert len(companies.list_companies(ctx.ws)) == 1


def test_credit_code_checked_when_leaving_the_field(qtbot, ctx) -> None:
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.credit_edit, "913502007760")
    dialog.credit_edit.editingFinished.emit()
    assert "应为 18 位，当前为 12 位" in dialog.rows.errors["credit_code"].text()


def test_missing_name_and_bad_headcount(qtbot, ctx) -> None:
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.headcount_edit, "about 40")
    _save(qtbot, dialog)
    assert dialog.rows.errors["name"].text() == "企业名称必填"
    assert dialog.rows.errors["headcount"].text() == "职工人数必须是不小于 0 的整数"
    assert companies.list_companies(ctx.ws) == []


def test_duplicate_credit_code_is_shown_on_the_field(qtbot, ctx) -> None:
    companies.add_company(ctx.ws, CompanyInput(name="已有企业", credit_code="91350200776049653A"))
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.name_edit, "新企业")
    type_text(qtbot, dialog.credit_edit, "91350200776049653A")
    _save(qtbot, dialog)
    assert "已登记为“已有企业”" in dialog.rows.errors["credit_code"].text()
    assert len(companies.list_companies(ctx.ws)) == 1


def test_edit_existing_company(qtbot, ctx) -> None:
    company = companies.add_company(ctx.ws, CompanyInput(name="旧名", headcount=5, notes="备注"))
    dialog = _editor(qtbot, ctx.ws, company)
    assert dialog.name_edit.text() == "旧名"
    assert dialog.headcount_edit.text() == "5"
    assert dialog.rows.fields["notes"].toPlainText() == "备注"
    dialog.name_edit.clear()
    type_text(qtbot, dialog.name_edit, "新名")
    with qtbot.waitSignal(dialog.company_saved):
        _save(qtbot, dialog)
    assert companies.get_company(ctx.ws, company.id).name == "新名"
    assert len(companies.list_companies(ctx.ws)) == 1


def test_buttons_speak_chinese(qtbot, ctx) -> None:
    dialog = _editor(qtbot, ctx.ws)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).text() == "保存"
