"""体检 page: a diagnosed audit can be reopened (to add findings) or closed (结案) in the GUI, as
``auditdesk audit status AUDIT in_progress|closed`` does.

Found driving the workday under Xvfb: after 标记已会诊 (whose question says “如需补充问题，可在体检
中重新打开”) and the follow-up visits, nothing in the GUI reopened or closed an audit."""

from __future__ import annotations

from typing import Any

import pytest

from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.audits import AuditsPage
from auditdesk.models.audit import AuditStatus
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace
from tests.gui.questions import answer_questions


def _page(qtbot: Any, ctx: AppContext, audit_id: str) -> AuditsPage:
    page = AuditsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    row = next(r for r in range(page.proxy.rowCount())
               if page.model.rows()[page.proxy.mapToSource(page.proxy.index(r, 0)).row()]
               .audit.id == audit_id)  # fmt: skip
    page.table.selectRow(row)
    return page


def test_a_diagnosed_audit_is_reopened_then_closed(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load_demo(ws)
    last_year = audits.list_audits(ws)[1]
    assert last_year.audit.status is AuditStatus.DIAGNOSED
    asked = answer_questions(monkeypatch, True)
    page = _page(qtbot, ctx, last_year.audit.id)
    assert page.reopen_action.isEnabled()
    assert page.close_action.isEnabled()
    assert page.status_button.isEnabled()
    page.reopen_action.trigger()
    assert audits.get_audit(ws, last_year.audit.id).status is AuditStatus.IN_PROGRESS
    assert "重新打开" in asked[-1]
    page = _page(qtbot, ctx, last_year.audit.id)
    assert not page.close_action.isEnabled()  # in progress: mark it diagnosed first
    assert page.diagnose_button.isEnabled()
    audits.change_status(ws, last_year.audit.id, AuditStatus.DIAGNOSED)
    page.reload()
    page = _page(qtbot, ctx, last_year.audit.id)
    page.close_action.trigger()
    assert "未关闭的问题" in asked[-1]  # it says what stays open
    assert audits.get_audit(ws, last_year.audit.id).status is AuditStatus.CLOSED
    page = _page(qtbot, ctx, last_year.audit.id)
    assert not page.reopen_action.isEnabled()
    assert not page.close_action.isEnabled()


def test_closing_asks_first_and_否_keeps_it_open(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load_demo(ws)
    last_year = audits.list_audits(ws)[1]
    asked = answer_questions(monkeypatch, False)
    page = _page(qtbot, ctx, last_year.audit.id)
    page.close_action.trigger()
    assert asked
    assert audits.get_audit(ws, last_year.audit.id).status is AuditStatus.DIAGNOSED


def test_the_search_fields_hint_is_whole_beside_the_buttons(qtbot: Any, main_window: Any) -> None:
    """At 1100 px (the window on a 1366×768 laptop) the search field sits between nine buttons;
    its hint must not be cut (“搜索企业、体检名称、状态或…”)."""
    main_window.resize(1100, 680)
    main_window.nav.setCurrentRow(1)
    qtbot.wait(50)
    search = main_window.audits_page.search
    hint = search.placeholderText()
    assert search.fontMetrics().horizontalAdvance(hint) + 12 <= search.width()


def test_marking_diagnosed_names_items_to_verify_and_unanswered(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found under Xvfb: with 84 of 90 items unanswered and one 待核实, 标记已会诊 asked only
    about the open findings; the lawyer was not reminded of what was still to check."""
    from datetime import date

    from auditdesk.models.audit import AnswerResult
    from auditdesk.models.company import CompanyInput
    from auditdesk.services import companies, visit

    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id, started_on=date.today())
    walk = visit.load_walk(ws, audit.id)
    first, second = walk.items[0].item.id, walk.items[6].item.id
    visit.answer_item(ws, audit.id, first, AnswerResult.TO_VERIFY, by="王芳")
    visit.answer_item(ws, audit.id, second, AnswerResult.NON_COMPLIANT, by="王芳")
    asked = answer_questions(monkeypatch, False)
    page = _page(qtbot, ctx, audit.id)
    assert page.diagnose_button.isEnabled()
    page.mark_diagnosed()
    total = visit.load_walk(ws, audit.id).total
    assert "待核实 1 项" in asked[0]
    assert f"未答 {total - 2} 项" in asked[0]
    assert audits.get_audit(ws, audit.id).status is AuditStatus.IN_PROGRESS  # 否
