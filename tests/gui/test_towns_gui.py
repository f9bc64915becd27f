"""街镇: the company editor offers the office's list (a variant is offered as the listed name),
设置 → 街镇列表 merges a variant, and the dashboard filter then shows the town once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies, towns
from tests.gui.questions import answer_questions
from tests.gui.typing_helpers import type_text

Yes, No, Cancel = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
                   QMessageBox.StandardButton.Cancel)  # fmt: skip


def _editor(qtbot, ws) -> CompanyEditorDialog:
    dialog = CompanyEditorDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.name_edit, "上海新建精密有限公司")
    return dialog


def _save(qtbot, dialog: CompanyEditorDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def _answer(monkeypatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked = answer_questions(monkeypatch, answer == Yes)  # the towns list's 是/否 questions

    def question(_parent, _title, text, *_args):  # the editor's 是/否/取消
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _towns_of(ws) -> dict[str, str]:
    return {c.company.name: c.company.town for c in companies.list_companies(ws)}


def test_editor_offers_the_listed_towns_and_saves_the_chosen_one(qtbot, ctx) -> None:
    towns.add_town(ctx.ws, "马陆镇")
    towns.add_town(ctx.ws, "安亭镇")
    dialog = _editor(qtbot, ctx.ws)
    combo = dialog.town_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["安亭镇", "马陆镇"]
    assert combo.currentText() == ""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "马陆镇"
    with qtbot.waitSignal(dialog.company_saved):
        _save(qtbot, dialog)
    assert _towns_of(ctx.ws) == {"上海新建精密有限公司": "马陆镇"}


def test_a_new_town_typed_in_the_editor_joins_the_list(qtbot, ctx, monkeypatch) -> None:
    towns.add_town(ctx.ws, "马陆镇")
    asked = _answer(monkeypatch, Yes)
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.town_combo.lineEdit(), "江桥镇")
    with qtbot.waitSignal(dialog.company_saved):
        _save(qtbot, dialog)
    assert asked == []  # nothing like it listed: no question
    assert towns.town_names(ctx.ws) == ["江桥镇", "马陆镇"]


def test_a_variant_typed_in_the_editor_is_offered_as_the_listed_town(
    qtbot, ctx, monkeypatch
) -> None:
    towns.add_town(ctx.ws, "马陆镇")
    asked = _answer(monkeypatch, Yes)
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.town_combo.lineEdit(), "上海市嘉定区马陆镇")
    with qtbot.waitSignal(dialog.company_saved):
        _save(qtbot, dialog)
    assert len(asked) == 1
    assert "是否使用“马陆镇”？" in asked[0]
    assert _towns_of(ctx.ws) == {"上海新建精密有限公司": "马陆镇"}
    assert towns.town_names(ctx.ws) == ["马陆镇"]


@pytest.mark.parametrize(("answer", "saved"), [(No, "嘉定区马陆镇"), (Cancel, None)])
def test_declining_the_listed_town(qtbot, ctx, monkeypatch, answer, saved) -> None:
    towns.add_town(ctx.ws, "马陆镇")
    _answer(monkeypatch, answer)
    dialog = _editor(qtbot, ctx.ws)
    type_text(qtbot, dialog.town_combo.lineEdit(), "嘉定区马陆镇")
    _save(qtbot, dialog)
    if saved is None:  # 取消: back to the form, nothing saved
        assert dialog.isVisible()
        assert _towns_of(ctx.ws) == {}
        assert dialog.town_combo.currentText() == "嘉定区马陆镇"
    else:  # 否: kept as typed, listed as a town of its own
        assert _towns_of(ctx.ws) == {"上海新建精密有限公司": saved}
        assert towns.town_names(ctx.ws) == ["嘉定区马陆镇", "马陆镇"]


def test_merging_in_settings_leaves_one_dashboard_entry(qtbot, main_window, monkeypatch) -> None:
    ws = main_window.ctx.ws
    companies.add_company(ws, CompanyInput(name="甲", town="马陆镇"))
    companies.add_company(ws, CompanyInput(name="乙", town="嘉定区马陆镇"))
    towns.add_town(ws, "江桥镇")  # listed, no company yet: the filter offers it all the same
    main_window.data_changed.emit("companies")
    filter_ = main_window.dashboard_page.town
    entries = [filter_.itemText(i) for i in range(filter_.count())]
    assert entries == ["全部街镇", "嘉定区马陆镇", "江桥镇", "马陆镇"]

    asked = _answer(monkeypatch, Yes)
    settings = main_window.settings_page
    qtbot.mouseClick(settings.towns_button, Qt.MouseButton.LeftButton)
    dialog = settings.towns_dialog
    qtbot.waitExposed(dialog)
    table = dialog.table
    row = next(r for r in range(dialog.proxy.rowCount())
               if dialog.proxy.index(r, 0).data() == "嘉定区马陆镇")  # fmt: skip
    rect = table.visualRect(dialog.proxy.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    type_text(qtbot, dialog.name_edit, "马陆镇")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)

    assert "合并到“马陆镇”" in asked[0]
    assert dialog.status.text() == "“嘉定区马陆镇”已合并到“马陆镇”，1 家企业随之更新。"
    assert _towns_of(ws) == {"甲": "马陆镇", "乙": "马陆镇"}
    entries = [filter_.itemText(i) for i in range(filter_.count())]
    assert entries == ["全部街镇", "江桥镇", "马陆镇"]
    counts = [dialog.proxy.index(r, 1).data() for r in range(dialog.proxy.rowCount())]
    assert counts == ["0", "2"]


def test_a_used_town_cannot_be_removed(qtbot, ctx, monkeypatch) -> None:
    from auditdesk.gui.dialogs.towns import TownsDialog

    companies.add_company(ctx.ws, CompanyInput(name="甲", town="马陆镇"))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    dialog = TownsDialog(ctx.ws)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert "仍有 1 家企业" in warned[0]
    assert towns.town_names(ctx.ws) == ["马陆镇"]
