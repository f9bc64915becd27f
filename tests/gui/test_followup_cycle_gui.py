"""Issue 18 point 6: the whole 跟诊 flow from the GUI, driven through the real widgets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.audits import AuditsPage
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.models.audit import AuditStatus
from auditdesk.services import audits, demo, followups, visit
from auditdesk.services.workspace import Workspace
from tests.gui.questions import answer_questions


@pytest.fixture
def demo_ids(ws: Workspace) -> tuple[str, str]:
    """(this year's audit in progress with its findings gathered, last year's diagnosed audit)."""
    demo.load_demo(ws)
    current, last_year = (a.audit.id for a in audits.list_audits(ws))
    visit.gather_findings(ws, current, by="陈静")
    return current, last_year


@pytest.fixture
def yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer 是 to every question and note every message shown."""
    shown = answer_questions(monkeypatch, True)

    def note(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> Any:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", note)
    return shown


def _select(page: AuditsPage, audit_id: str) -> None:
    page.select_audit(audit_id)
    assert page.selected() is not None
    assert page.selected().audit.id == audit_id  # type: ignore[union-attr]


def test_mark_diagnosed_and_plan_follow_ups(qtbot: Any, ctx: AppContext, ws: Workspace,
                                            demo_ids: tuple[str, str], yes: list[str]) -> None:  # fmt: skip
    current, last_year = demo_ids
    page = AuditsPage(ctx)
    qtbot.addWidget(page)
    _select(page, last_year)  # already diagnosed
    assert not page.diagnose_button.isEnabled()
    _select(page, current)
    assert page.diagnose_button.isEnabled()
    assert not page.plan_button.isEnabled()  # not yet diagnosed
    qtbot.mouseClick(page.diagnose_button, Qt.MouseButton.LeftButton)
    assert audits.get_audit(ws, current).status is AuditStatus.DIAGNOSED
    planned = followups.list_followups(ws, current)
    assert planned  # the plan was offered right after and accepted
    assert any("已安排跟诊" in text for text in yes)
    assert page.selected().audit.id == current  # type: ignore[union-attr]
    assert page.plan_button.isEnabled()
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    assert "没有新的跟诊需要安排" in yes[-1]
    assert len(followups.list_followups(ws, current)) == len(planned)


def test_mark_diagnosed_from_the_audit_window(qtbot: Any, ctx: AppContext, ws: Workspace,
                                              demo_ids: tuple[str, str], yes: list[str]) -> None:  # fmt: skip
    current, last_year = demo_ids
    done = AuditWindow(ctx, last_year)
    qtbot.addWidget(done)
    assert not done.diagnose_button.isEnabled()  # already diagnosed
    window = AuditWindow(ctx, current)
    qtbot.addWidget(window)
    window.show()
    assert window.diagnose_button.isEnabled()
    with qtbot.waitSignal(window.data_changed):
        qtbot.mouseClick(window.diagnose_button, Qt.MouseButton.LeftButton)
    assert audits.get_audit(ws, current).status is AuditStatus.DIAGNOSED
    assert yes[0].startswith("将“上海嘉研精密部件有限公司”的")  # the list's own confirmation
    assert "标记为已会诊" in yes[0]
    assert "按严重程度为没有期限的未关闭问题定整改期限" in yes[1]  # then 安排跟诊 offered
    assert followups.list_followups(ws, current)
    assert any("已安排跟诊" in text for text in yes)
    assert "已会诊" in window.header.text()
    assert not window.diagnose_button.isEnabled()


def test_declining_to_mark_diagnosed_in_the_window_changes_nothing(
    qtbot: Any, ctx: AppContext, ws: Workspace, demo_ids: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    current, _last = demo_ids
    answer_questions(monkeypatch, False)
    window = AuditWindow(ctx, current)
    qtbot.addWidget(window)
    qtbot.mouseClick(window.diagnose_button, Qt.MouseButton.LeftButton)
    assert audits.get_audit(ws, current).status is AuditStatus.IN_PROGRESS
    assert followups.list_followups(ws, current) == []
    assert window.diagnose_button.isEnabled()


def test_follow_up_visit_from_the_audit_list(qtbot: Any, ctx: AppContext, ws: Workspace,
                                             demo_ids: tuple[str, str]) -> None:  # fmt: skip
    current, _last = demo_ids  # in progress, never planned: a visit is still possible
    page = AuditsPage(ctx)
    qtbot.addWidget(page)
    _select(page, current)
    assert page.visit_button.isEnabled()
    qtbot.mouseClick(page.visit_button, Qt.MouseButton.LeftButton)
    dialog = page.visit_dialog
    assert dialog.isVisible()
    assert dialog.audit_id == current
    assert dialog.table.item(0, 0).text().startswith("W")  # 问题编号 before the title


def test_visit_from_an_overdue_row_removes_it(qtbot: Any, ctx: AppContext, ws: Workspace,
                                              demo_ids: tuple[str, str]) -> None:  # fmt: skip
    _current, last_year = demo_ids
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(30))
    rows = page.model.rows()
    r = next(i for i, item in enumerate(rows) if item.kind == "followup" and item.overdue)
    page.table.selectRow(r)
    qtbot.mouseClick(page.visit_button, Qt.MouseButton.LeftButton)
    dialog = page.visit_dialog
    assert dialog is not None
    assert dialog.audit_id == last_year
    dialog.outcomes[0].setCurrentIndex(2)  # 部分整改
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.visit_recorded):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert followups.list_followups(ws, last_year, open_only=True)  # the one ahead is kept
    assert not [i for i in page.model.rows() if i.kind == "followup" and i.overdue]


def test_due_rows_name_the_finding_and_overdue_rows_are_red(qtbot: Any, ctx: AppContext,
                                                            demo_ids: tuple[str, str]) -> None:  # fmt: skip
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(90))
    rows = page.model.rows()
    assert any(not r.overdue for r in rows)
    for n, item in enumerate(rows):
        background = page.model.data(page.model.index(n, 3), Qt.ItemDataRole.BackgroundRole)
        assert (background is not None) == item.overdue
        if item.kind == "finding":
            text = page.model.data(page.model.index(n, 3))
            assert text.startswith("【逾期】W")
