"""Esc in the short prompts (跟诊改期, 登记送达), in 街镇列表 and in 添加用户/重置密码 asks 放弃?
before throwing typed input away, as the company editor does (:mod:`auditdesk.gui.dialogs.discard`).

Found after the last session: a new date typed into 跟诊改期, a town name typed into 街镇列表,
or a login name and password typed into 添加用户 were lost at one Esc."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit

from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.towns import TownsDialog
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.gui.pages.users import UserDialog
from auditdesk.models.user import OfficeRole
from auditdesk.services import audits, demo, followups, towns
from auditdesk.services.workspace import Workspace
from tests.gui.test_discard_input import Answer, _escape, _shown
from tests.gui.typing_helpers import type_text


def _page(qtbot: Any, ctx: AppContext, ws: Workspace) -> FollowupsPage:
    demo.load_demo(ws)
    audits.list_audits(ws)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(90))
    page.show()
    qtbot.waitExposed(page)
    return page


def _select(page: FollowupsPage, kind: str) -> Any:
    row = next(r for r, i in enumerate(page.model.rows()) if i.kind == kind)
    page.table.selectRow(row)
    return page.model.rows()[row]


def _drive_prompt(qtbot: Any, typed: str, seen: list[str]) -> Callable[[], None]:
    """Types ``typed`` into the prompt when it opens, presses Esc (answered 否 with Esc), notes
    what the prompt then holds, and presses 确定."""

    def drive() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(20, drive)
            return
        edit = box.findChild(QLineEdit)
        edit.selectAll()
        type_text(qtbot, edit, typed)
        QTimer.singleShot(400, lambda: after(box))
        Answer(Qt.Key.Key_Escape)  # 否: keep the date
        qtbot.keyClick(edit, Qt.Key.Key_Escape)

    def after(box: QInputDialog) -> None:
        seen.append(box.textValue() if box.isVisible() else "<closed>")
        if box.isVisible():
            box.accept()

    return drive


def test_escape_in_the_reschedule_prompt_asks_and_keeps_the_date(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    page = _page(qtbot, ctx, ws)
    item = _select(page, "followup")
    seen: list[str] = []
    QTimer.singleShot(0, _drive_prompt(qtbot, "2030-03-01", seen))
    page.reschedule()
    assert seen == ["2030-03-01"]
    planned = [i.day for i in followups.due(ws, today=date(2030, 3, 1), within_days=0)
               if i.ref == item.ref]  # fmt: skip
    assert planned == [date(2030, 3, 1)]


def test_escape_in_the_serve_prompt_asks_and_keeps_the_date(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: Any
) -> None:
    page = _page(qtbot, ctx, ws)
    _select(page, "letter")
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information", lambda *a, **k: None)
    seen: list[str] = []
    day = (date.today() - timedelta(days=2)).isoformat()  # the receipt's date, not today's
    QTimer.singleShot(0, _drive_prompt(qtbot, day, seen))
    page.serve()
    assert seen == [day]


def test_escape_in_the_untouched_reschedule_prompt_closes_it(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    page = _page(qtbot, ctx, ws)
    _select(page, "followup")
    asked: list[Answer] = []

    def escape() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(20, escape)
            return
        asked.append(Answer(Qt.Key.Key_Escape))
        qtbot.keyClick(box.findChild(QLineEdit), Qt.Key.Key_Escape)

    QTimer.singleShot(0, escape)
    page.reschedule()
    qtbot.wait(300)
    assert asked[0].asked == []


def test_escape_in_the_towns_dialog_with_a_typed_name_asks(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    towns.add_town(ws, "马陆镇")
    dialog = _shown(qtbot, TownsDialog(ws))
    assert _escape(qtbot, dialog).asked == []  # nothing typed: closes at once
    assert not dialog.isVisible()
    dialog = _shown(qtbot, TownsDialog(ws))
    type_text(qtbot, dialog.name_edit, "江桥镇")
    answer = _escape(qtbot, dialog)
    assert answer.asked
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "江桥镇"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert towns.town_names(ws) == ["江桥镇", "马陆镇"]
    assert dialog.name_edit.text() == ""
    assert _escape(qtbot, dialog).asked == []  # added: nothing left to lose
    assert not dialog.isVisible()


def test_escape_in_the_add_user_dialog_with_typed_input_asks(qtbot: Any, ctx: AppContext) -> None:
    added: list[str] = []

    def submit(name: str, _display: str, _role: OfficeRole, _password: str) -> None:
        added.append(name)

    dialog = _shown(qtbot, UserDialog(submit))
    assert _escape(qtbot, dialog).asked == []
    assert not dialog.isVisible()
    dialog = _shown(qtbot, UserDialog(submit))
    type_text(qtbot, dialog.name_edit, "zhang_lv")
    type_text(qtbot, dialog.display_edit, "张律师")
    type_text(qtbot, dialog.password_edit, "pw-12345")
    answer = _escape(qtbot, dialog)
    assert answer.asked
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "zhang_lv"
    assert dialog.password_edit.text() == "pw-12345"
    _escape(qtbot, dialog, None)  # 放弃
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert added == []


def test_towns_dialog_shows_the_name_fields_whole_hint(qtbot: Any, ws: Workspace) -> None:
    """Found under Xvfb: the name field, squeezed beside three buttons, cut its hint to
    “新街镇名称，或选中一行后…”."""
    dialog = _shown(qtbot, TownsDialog(ws))
    edit = dialog.name_edit
    hint = edit.placeholderText()
    assert edit.fontMetrics().horizontalAdvance(hint) + 16 <= edit.width()


def test_a_refused_date_opens_the_prompt_again_with_what_was_typed(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: Any
) -> None:
    """Found under Xvfb: 登记送达 with a date after today was refused (送达日期…晚于今天), and a
    mistyped 改期 date likewise; the prompt was gone and the next one offered today's date again."""
    page = _page(qtbot, ctx, ws)
    offered: list[str] = []
    replies = iter(["2026-13-45", "2030-03-01"])

    def ask(_parent: Any, _title: str, _label: str, text: str = "") -> tuple[str, bool]:
        offered.append(text)
        return next(replies, ""), text != "2030-03-01"

    shown: list[str] = []
    monkeypatch.setattr("auditdesk.gui.pages.followups.ask_text", ask)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QMessageBox.warning", lambda _p, _t, text, *a: shown.append(text)
    )
    item = _select(page, "followup")
    page.reschedule()
    assert offered[0] == item.day.isoformat()
    assert offered[1] == "2026-13-45"  # the mistyped date, to correct
    assert "不是有效日期" in shown[0]
    assert date(2030, 3, 1) in [
        i.day for i in followups.due(ws, today=date(2030, 3, 1), within_days=0) if i.ref == item.ref
    ]

    offered.clear()
    future = (date.today() + timedelta(days=3)).isoformat()
    replies = iter([future, ""])
    refused: list[str] = []
    monkeypatch.setattr(
        "auditdesk.gui.dialogs.stale.report_failure",
        lambda _p, exc, *_a: refused.append(getattr(exc, "message", str(exc))),
    )

    def ask_serve(_parent: Any, _title: str, _label: str, text: str = "") -> tuple[str, bool]:
        offered.append(text)
        answer = next(replies, "")
        return answer, bool(answer)

    monkeypatch.setattr("auditdesk.gui.pages.followups.ask_text", ask_serve)
    page.reload()
    _select(page, "letter")
    page.serve()
    assert refused
    assert "晚于今天" in refused[0]
    assert offered == [date.today().isoformat(), future]  # asked again with the refused date


def test_an_empty_week_says_what_lies_further_ahead(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    """Found under Xvfb: just after 安排跟诊 (follow-ups in 15 and 60 days) the 跟诊 page, at
    “7 天内”, was empty and told the user to mark the audit diagnosed and plan follow-ups — which
    they had just done."""
    from auditdesk.models.audit import AnswerResult
    from auditdesk.models.company import CompanyInput
    from auditdesk.services import companies, visit

    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id, started_on=date.today())
    item = visit.load_walk(ws, audit.id).items[5].item.id
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, by="王芳")
    visit.gather_findings(ws, audit.id, by="王芳")
    planned = followups.plan_followups(ws, audit.id, by="王芳")
    assert planned
    assert min(f.planned_on for f in planned) > date.today() + timedelta(days=7)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0
    hint = page.empty_hint.text()
    assert hint.startswith("7 天内没有到期的事项")
    assert "90 天内有" in hint
    assert "标记已会诊" not in hint
