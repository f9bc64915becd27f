"""Issue 20.4 for actions on findings the user saw (剔除, 合并, 拆分, a 跟诊 visit, 转为报告问题):
when another user (a second workspace on the same database) saved a finding after it was shown,
the action is refused with the stale dialog — who and when, their values, 重新载入, and 覆盖 where
going ahead is safe — instead of a plain message or a silent overwrite."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from auditdesk.gui.audit import findings_tab
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.dialogs.stale import StaleDialog
from auditdesk.models.company import CompanyInput
from auditdesk.services import audits, companies, demo, followups, payroll, visit
from auditdesk.services.workspace import Workspace
from tests.gui.conftest import open_audit_window
from tests.gui.test_stale_saves import _findings_tab
from tests.samples import PAYROLL_SAMPLES

Seen = list[tuple[str, list[list[str]], bool]]


def _when_asked(qtbot: Any, button: str, seen: Seen) -> None:
    """Once the stale dialog is up, note its message, rows and whether 覆盖 is offered, then
    press ``button``."""
    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, StaleDialog):
            tries[0] += 1
            if tries[0] < 200:
                QTimer.singleShot(20, act)
            return
        table = dialog.table
        rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
        seen.append((dialog.message.text(), rows, dialog.overwrite_button.isVisibleTo(dialog)))
        target = dialog.reload_button if button == "重新载入" else dialog.overwrite_button
        assert target.text() == button
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, act)


def _finding(ws: Workspace, finding_id: str) -> Any:
    return next(f for f in visit.list_findings(ws, _audit_of(ws, finding_id)) if f.id == finding_id)


def _audit_of(ws: Workspace, finding_id: str) -> str:
    return visit.find_finding(ws, finding_id).audit_id


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[0].audit.id


@pytest.fixture
def reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(findings_tab, "ask_reason",
                        lambda *_a, **_k: ("与第 1 项重复", True))  # fmt: skip


def test_dismiss_refused_then_reload_then_dismissed(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
    audit_id: str,
    reason: None,
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    f = w.findings.selected()[0]
    visit.edit_finding(other, f.id, {"owner": "张的负责人"}, by="张律师",
                       expected_version=f.version)  # fmt: skip
    seen: Seen = []
    _when_asked(qtbot, "重新载入", seen)
    qtbot.mouseClick(w.findings.dismiss_button, Qt.MouseButton.LeftButton)
    [(message, rows, overwrite)] = seen
    assert "该问题已被 张律师 于" in message
    assert ["负责人", f.owner or "（空）", "张的负责人"] in rows
    assert overwrite
    assert not _finding(ws, f.id).dismissed  # nothing done
    assert w.findings.owner.text() == "张的负责人"  # theirs shown
    # reloaded: the next 剔除 is based on their version and needs no dialog
    qtbot.mouseClick(w.findings.dismiss_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    stored = _finding(ws, f.id)
    assert stored.dismissed_reason == "与第 1 项重复"
    assert stored.owner == "张的负责人"


def test_dismiss_refused_then_overwrite_keeps_their_edit(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
    audit_id: str,
    reason: None,
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    f = w.findings.selected()[0]
    visit.edit_finding(other, f.id, {"owner": "张的负责人"}, by="张律师",
                       expected_version=f.version)  # fmt: skip
    seen: Seen = []
    _when_asked(qtbot, "覆盖", seen)
    qtbot.mouseClick(w.findings.dismiss_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    stored = _finding(ws, f.id)
    assert stored.dismissed_reason == "与第 1 项重复"
    assert stored.owner == "张的负责人"


def _select_two(qtbot: Any, w: Any) -> list[Any]:
    table = w.findings.table
    table.clearSelection()
    for row in (0, 1):
        rect = table.visualRect(w.findings.proxy.index(row, 2))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, rect.center())  # fmt: skip
    chosen = w.findings.selected()
    assert len(chosen) == 2
    return chosen


def test_merge_refused_then_overwrite_merges_their_facts(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
    audit_id: str,
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    first, second = _select_two(qtbot, w)
    visit.edit_finding(other, second.id, {"facts": "张补充的事实"}, by="张律师",
                       expected_version=second.version)  # fmt: skip
    seen: Seen = []
    _when_asked(qtbot, "覆盖", seen)
    qtbot.mouseClick(w.findings.merge_button, Qt.MouseButton.LeftButton)
    [(message, rows, overwrite)] = seen
    assert "该问题已被 张律师 于" in message
    assert ["事实", second.facts or "（空）", "张补充的事实"] in rows
    assert overwrite
    kept = _finding(ws, first.id)
    assert "张补充的事实" in kept.facts  # merged on what is stored now: theirs not lost
    assert _finding(ws, second.id).dismissed


def test_merge_or_split_refused_then_reload_does_nothing(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
    audit_id: str,
) -> None:
    w = open_audit_window(qtbot, ctx, audit_id)
    _findings_tab(qtbot, w)
    first, second = _select_two(qtbot, w)
    before = len(visit.list_findings(ws, audit_id))
    visit.edit_finding(other, first.id, {"title": "张改的标题"}, by="张律师",
                       expected_version=first.version)  # fmt: skip
    seen: Seen = []
    _when_asked(qtbot, "重新载入", seen)
    qtbot.mouseClick(w.findings.merge_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert not _finding(ws, second.id).dismissed
    # 拆分 of a finding changed since it was shown: the same dialog, nothing copied on 重新载入
    _findings_tab(qtbot, w)
    f = w.findings.selected()[0]
    visit.edit_finding(other, f.id, {"owner": "张"}, by="张律师", expected_version=f.version)
    _when_asked(qtbot, "重新载入", seen)
    qtbot.mouseClick(w.findings.split_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    assert "该问题已被 张律师 于" in seen[1][0]
    assert len(visit.list_findings(ws, audit_id)) == before


def test_followup_visit_refused_then_reload_then_saved(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
    audit_id: str,
) -> None:
    if not followups.open_findings(ws, audit_id):
        visit.gather_findings(ws, audit_id)
    dialog = FollowupVisitDialog(ctx, audit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    f = dialog.findings[0]
    new_due = (f.due_date or date.today()) + timedelta(days=45)
    visit.edit_finding(other, f.id, {"due_date": new_due}, by="张律师",
                       expected_version=f.version)  # fmt: skip
    dialog.outcomes[0].setCurrentIndex(dialog.outcomes[0].findData("fixed"))
    recorded: list[Any] = []
    dialog.visit_recorded.connect(recorded.append)
    seen: Seen = []
    _when_asked(qtbot, "重新载入", seen)
    dialog.save()
    [(message, rows, overwrite)] = seen
    assert "该问题已被 张律师 于" in message
    assert any(r[0] == "整改期限" and r[2] == new_due.isoformat() for r in rows), rows
    assert not overwrite  # a visit moves findings: look again, never go ahead blindly
    assert recorded == []
    assert _finding(ws, f.id).is_open
    assert dialog.isVisible()
    assert dialog.status.text().startswith("已重新载入他人保存的内容")
    assert dialog.outcomes[0].currentData() == "fixed"  # the choice stays
    dialog.save()
    assert len(seen) == 1
    assert len(recorded) == 1
    assert not _finding(ws, f.id).is_open


def test_adoption_refused_then_overwrite_refreshes_the_finding(
    qtbot: Any,
    ctx: AppContext,
    ws: Workspace,
    other: Workspace,
) -> None:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    payroll.import_payroll(ws, audit.id, [PAYROLL_SAMPLES / "s1-simple.xlsx"])
    dialog = PayrollFindingsDialog(ctx, audit.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.check_result is not None, timeout=10000)
    dialog.group_table.selectRow(0)
    with qtbot.waitSignal(dialog.finding_adopted, timeout=2000) as adopted:
        dialog.adopt_button.click()
    finding_id = adopted.args[0]
    adopted_title = _finding(ws, finding_id).title
    theirs = _finding(other, finding_id)
    visit.edit_finding(other, finding_id, {"title": "张改写的标题"}, by="张律师",
                       expected_version=theirs.version)  # fmt: skip
    seen: Seen = []
    _when_asked(qtbot, "重新载入", seen)
    dialog.adopt_button.click()
    [(message, rows, overwrite)] = seen
    assert "该问题已被 张律师 于" in message
    assert ["问题", "（按工资核查）", "张改写的标题"] in rows
    assert overwrite
    assert _finding(ws, finding_id).title == "张改写的标题"  # 重新载入: nothing adopted
    assert dialog.status.text().startswith("已重新载入")
    # the marks now hold their version; another save slips in again, and this time 覆盖
    theirs = _finding(other, finding_id)
    visit.edit_finding(other, finding_id, {"title": "张再改的标题"}, by="张律师",
                       expected_version=theirs.version)  # fmt: skip
    _when_asked(qtbot, "覆盖", seen)
    with qtbot.waitSignal(dialog.finding_adopted, timeout=2000):
        dialog.adopt_button.click()
    assert len(seen) == 2
    assert ["问题", "（按工资核查）", "张再改的标题"] in seen[1][1]
    assert _finding(ws, finding_id).title == adopted_title  # the payroll's again
