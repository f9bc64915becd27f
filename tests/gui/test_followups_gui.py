from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.pages.dashboard import DashboardPage
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.models.finding import RectificationStatus
from auditdesk.services import audits, demo, followups, reports
from auditdesk.services.workspace import Workspace
from tests.gui.questions import answer_questions


@pytest.fixture
def last_year(ws: Workspace) -> str:
    """The demo's diagnosed audit (two open findings, one overdue follow-up, a running letter)."""
    demo.load_demo(ws)
    return audits.list_audits(ws)[1].audit.id


def test_page_lists_due_items_overdue_first(qtbot: Any, ctx: AppContext, last_year: str) -> None:
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    rows = page.model.rows()
    assert rows
    assert rows[0].overdue
    assert "【逾期】" in page.model.data(page.model.index(0, 3))
    page.window_days.setCurrentIndex(page.window_days.findData(30))
    kinds = {r.kind for r in page.model.rows()}
    assert {"followup", "letter", "finding"} <= kinds
    assert not page.empty_hint.isVisible()


def test_follow_up_visit_dialog(qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str) -> None:
    dialog = FollowupVisitDialog(ctx, last_year)
    qtbot.addWidget(dialog)
    assert len(dialog.findings) == 2  # carried forward from the first visit
    dialog.save()
    assert "至少" in dialog.status.text()
    dialog.outcomes[0].setCurrentIndex(1)  # 已整改
    dialog.notes[0].setText("合同已补签，核对 8 份")
    dialog.outcomes[1].setCurrentIndex(3)  # 未整改, new deadline
    dialog.dues[1].text.setText("2030-06-30")
    with qtbot.waitSignal(dialog.visit_recorded):
        dialog.save()
    remaining = followups.open_findings(ws, last_year)
    assert [f.id for f in remaining] == [dialog.findings[1].id]
    assert remaining[0].status is RectificationStatus.IN_PROGRESS
    closed = followups.history(ws, dialog.findings[0].id)[-1]
    assert (closed.to_status, closed.note) == (
        RectificationStatus.VERIFIED_CLOSED,
        "合同已补签，核对 8 份",
    )


def test_recheck_without_payroll_findings(qtbot: Any, ctx: AppContext, last_year: str) -> None:
    dialog = FollowupVisitDialog(ctx, last_year)
    qtbot.addWidget(dialog)
    dialog.recheck()
    assert "没有需要复查的工资问题" in dialog.status.text()


def test_ledger_import_from_the_page(qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str,
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    out = reports.export(ws, last_year, tmp_path / "台账.xlsx", kind="ledger")
    wb = openpyxl.load_workbook(out)
    wb.active["I3"] = "已整改待核验"
    wb.save(out)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(out), "")
    )
    asked = answer_questions(monkeypatch, True)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    page.import_ledger()
    assert "已整改待核验" in asked[0]
    statuses = [f.status for f in followups.open_findings(ws, last_year)]
    assert RectificationStatus.FIXED_PENDING in statuses


def test_dashboard_page(qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str, tmp_path: Path,
                        qtmodeltester: Any) -> None:  # fmt: skip
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    assert "3 条整改建议，1 条已落实（33.3%）" in page.headline.text()
    assert page.model.rowCount() == 1
    page.town.setCurrentIndex(page.town.findData("嘉定区马陆镇"))
    assert page.model.rowCount() == 1
    out = page.export(str(tmp_path / "看板.xlsx"))
    assert out is not None
    assert openpyxl.load_workbook(out)["企业进度"]["A2"].value == "上海嘉研精密部件有限公司"
    qtmodeltester.check(page.model)


def test_reminder_on_start(main_window: Any, ws: Workspace, last_year: str) -> None:
    text = main_window.remind()
    assert "项已逾期" in text
    assert text in main_window.statusBar().currentMessage()
    assert date.today() == main_window._reminded_on


def test_visit_with_evidence_and_reschedule(qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from auditdesk.services import attachments

    proof = tmp_path / "补签合同.pdf"
    proof.write_bytes(b"%PDF-1.4 signed contracts")
    dialog = FollowupVisitDialog(ctx, last_year)
    qtbot.addWidget(dialog)
    dialog.outcomes[0].setCurrentIndex(1)
    dialog.add_evidence(0, [proof])
    assert dialog.table.cellWidget(0, 5).text() == "1 个文件"
    dialog.save()
    [(att, path)] = attachments.list_attachments(ws, finding_id=dialog.findings[0].id)
    assert att.filename == "补签合同.pdf"
    assert path is not None
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(30))
    row = next(r for r, i in enumerate(page.model.rows()) if i.kind == "followup")
    page.table.selectRow(row)
    monkeypatch.setattr(
        "auditdesk.gui.pages.followups.ask_text", lambda *a, **k: ("2027-03-01", True)
    )
    page.reschedule()
    due_then = followups.due(ws, today=date(2027, 3, 1), within_days=0)
    planned = [i.day for i in due_then if i.kind == "followup"]
    assert date(2027, 3, 1) in planned


def test_dashboard_year_filter(qtbot: Any, ctx: AppContext, last_year: str) -> None:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.year.setCurrentIndex(page.year.findData(2025))
    assert "3 条整改建议" in page.headline.text()  # last year's demo audit started in 2025
    page.year.setCurrentIndex(page.year.findData(date.today().year - 5))
    assert page.board is not None
    assert page.board.found == 0


def test_page_shows_the_most_urgent_first_and_more_on_request(
    qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FollowupsPage, "page_size", 2)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.window_days.setCurrentIndex(page.window_days.findData(90))
    whole = followups.due(ws, today=date.today(), within_days=90)
    assert len(whole) > 2
    assert page.model.rows() == whole[:2]
    overdue = sum(1 for i in whole if i.overdue)
    assert page.page_note.text() == f"显示前 2 条，共 {len(whole)} 条（逾期 {overdue} 条）"
    assert page.more_button.isVisible()
    while page.more_button.isVisible():
        page.more_button.click()
    assert page.model.rows() == whole
    assert not page.page_note.isVisible()
    page.window_days.setCurrentIndex(page.window_days.findData(30))  # a new window starts over
    assert len(page.model.rows()) <= 2


def test_visit_offers_each_findings_own_running_deadline(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    """Found under Xvfb: every row's 新期限 offered today + 30 days, so 未整改 on a finding due
    2027-01-30 would have brought its deadline forward to 2026-12-31 without a word. A deadline
    still running is offered as it is; a passed (or missing) one, today + 30 days."""
    from datetime import timedelta

    from auditdesk.services import visit

    demo.load_demo(ws)
    current = audits.list_audits(ws)[0].audit.id
    found = visit.gather_findings(ws, current, by="陈静")
    assert len(found) >= 3
    later, passed = date.today() + timedelta(days=75), date.today() - timedelta(days=3)
    visit.edit_finding(ws, found[0].id, {"due_date": later}, by="陈静")
    visit.edit_finding(ws, found[1].id, {"due_date": passed}, by="陈静")
    dialog = FollowupVisitDialog(ctx, current)
    qtbot.addWidget(dialog)
    offered = {f.id: dialog.dues[r].value() for r, f in enumerate(dialog.findings)}
    assert offered[found[0].id] == later
    assert offered[found[1].id] == date.today() + timedelta(days=30)


def test_a_saved_visit_is_confirmed_on_the_page(
    qtbot: Any, ctx: AppContext, ws: Workspace, last_year: str
) -> None:
    """Found under Xvfb: 保存跟诊记录 closed the dialog and the follow-up left the list, with no
    word that the visit was saved or what it recorded."""
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    row = next(r for r, i in enumerate(page.model.rows()) if i.kind == "followup")
    page.table.selectRow(row)
    page.start_visit()
    dialog = page.visit_dialog
    assert dialog is not None
    dialog.outcomes[0].setCurrentIndex(1)  # 已整改
    with qtbot.waitSignal(dialog.visit_recorded):
        dialog.save()
    said = page.done_note.text()
    assert said.startswith(f"已保存 {date.today().isoformat()} 的跟诊记录")
    assert "核验 1 项" in said
    assert "已整改 1 项" in said
    assert page.done_note.isVisible()
