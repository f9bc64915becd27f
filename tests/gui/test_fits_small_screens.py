"""Every window and dialog fits a Windows laptop (issue 18, point 13).

1366×768 minus the taskbar leaves 1366×728 logical pixels at 100 % scaling and 1093×582 at
125 %. Each top-level window (the main window on each page, the audit workspace on each tab,
every dialog and each page of the import wizard) must have a minimum size within both, must
not open larger than the 100 % screen, and, squeezed to each size, must keep every button shown
and inside the window (buttons in scroll areas excepted: they are reached by scrolling)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.data_transfer import restore_confirmation
from auditdesk.gui.dialogs.case_files import (
    BackupFileDialog,
    CaseExportDialog,
    CaseImportDialog,
    RestoreDialog,
)
from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.gui.dialogs.errors import CrashDialog
from auditdesk.gui.dialogs.export_report import ExportReportDialog
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.services import audits, backups, cases, companies, payroll
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

SCREENS = {"100%": QSize(1366, 728), "125%": QSize(1093, 582)}


def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def misfits(window: QWidget) -> list[str]:
    """What does not fit, in words; empty when the window fits both screens."""
    out = []
    app = QApplication.instance()
    assert app is not None
    if window.width() > SCREENS["100%"].width() or window.height() > SCREENS["100%"].height():
        out.append(f"opens at {window.width()}×{window.height()}")
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    for name, screen in SCREENS.items():
        if least.width() > screen.width() or least.height() > screen.height():
            out.append(f"{name}: needs at least {least.width()}×{least.height()}")
            continue
        window.resize(screen.boundedTo(window.size()))
        for _ in range(3):
            app.processEvents()
        bounds = window.rect()
        for button in window.findChildren(QAbstractButton):
            if not button.isVisibleTo(window) or _in_scroll_area(button, window):
                continue
            rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            if not bounds.contains(rect) or button.width() < 16 or button.height() < 12:
                out.append(f"{name}: button “{button.text()}” at {rect.getRect()} "
                           f"outside {bounds.width()}×{bounds.height()}")  # fmt: skip
    return out


@pytest.fixture
def demo(ctx: AppContext) -> AppContext:
    load_demo(ctx.ws)
    return ctx


def _audit_ids(ws: Workspace) -> tuple[str, str]:
    """(the audit in progress, last year's diagnosed audit) of the demo data."""
    rows = audits.list_audits(ws)
    current = next(r.audit.id for r in rows if r.audit.status.value == "in_progress")
    old = next(r.audit.id for r in rows if r.audit.id != current)
    return current, old


def _show(qtbot: Any, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_main_window_on_each_page(qtbot: Any, demo: AppContext) -> None:
    window = _show(qtbot, MainWindow(demo))
    problems = {}
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        window.resize(1366, 728)
        problems[window.nav.item(row).text()] = misfits(window)
    assert problems == {k: [] for k in problems}


def test_audit_workspace_on_each_tab(qtbot: Any, demo: AppContext) -> None:
    current, _old = _audit_ids(demo.ws)
    window = _show(qtbot, AuditWindow(demo, current))
    problems = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        problems[window.tabs.tabText(index)] = misfits(window)
    assert problems == {k: [] for k in problems}


def _dialogs(ctx: AppContext, tmp_path: Path) -> Iterator[tuple[str, QWidget]]:
    ws = ctx.ws
    current, old = _audit_ids(ws)
    company = companies.list_companies(ws)[0].company
    yield "新建企业", CompanyEditorDialog(ws)
    yield "编辑企业", CompanyEditorDialog(ws, company)
    yield "开始体检", StartAuditDialog(ctx, company.id)
    yield "导出文书", ExportReportDialog(ctx, current)
    yield "跟诊", FollowupVisitDialog(ctx, old)
    yield "导出案卷", CaseExportDialog(ctx, company.id)
    yield "备份到", BackupFileDialog()
    yield "从备份恢复", RestoreDialog(ctx)
    yield "程序错误", CrashDialog(RuntimeError("x" * 300), tmp_path / "auditdesk.log")
    snapshot = backups.create_backup(ws.paths)
    holder = QWidget()
    yield "恢复确认", restore_confirmation(holder, backups.restore_preview(ws.paths, snapshot))
    other = Workspace.open(tmp_path / "other")
    load_demo(other)
    case = tmp_path / "demo.adcase"
    cases.export_case(other, companies.list_companies(other)[0].company.id, case)
    other.close()
    companies.add_company(ws, companies.CompanyInput(name="上海冲突测试有限公司"))
    plan = cases.import_case(ws, case, dry_run=True)
    yield "导入案卷", CaseImportDialog(plan, case.name)


def test_every_dialog(qtbot: Any, demo: AppContext, tmp_path: Path) -> None:
    problems = {}
    for name, dialog in _dialogs(demo, tmp_path):
        _show(qtbot, dialog)
        problems[name] = misfits(dialog)
        dialog.close()
    assert problems == {k: [] for k in problems}


def test_payroll_findings_dialog(qtbot: Any, demo: AppContext) -> None:
    current, _old = _audit_ids(demo.ws)
    payroll.import_payroll(demo.ws, current, [SAMPLES / "s1-simple.xlsx"])
    dialog = PayrollFindingsDialog(demo, current)
    _show(qtbot, dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.check_result is not None, timeout=15000)
    assert misfits(dialog) == []


def test_import_wizard_on_each_page(qtbot: Any, demo: AppContext) -> None:
    current, _old = _audit_ids(demo.ws)
    audit = audits.get_audit(demo.ws, current)
    wizard = PayrollImportWizard(demo, current, audit.company_id)
    _show(qtbot, wizard)
    problems = {"files": misfits(wizard)}
    wizard.files_page.add_paths([SAMPLES / "s1-simple.xlsx"])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=15000)
    problems["preview"] = misfits(wizard)
    wizard.next()
    problems["mapping"] = misfits(wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=30000)
    problems["summary"] = misfits(wizard)
    assert problems == {k: [] for k in problems}


def _visible_in(widget: QWidget, window: QWidget) -> bool:
    """Whether ``widget`` is shown and wholly within every ancestor up to ``window`` (so not
    hidden below a scroll area's edge)."""
    if not widget.isVisibleTo(window):
        return False
    rect = QRect(QPoint(0, 0), widget.size())
    current: QWidget = widget
    while current is not window:
        parent = current.parentWidget()
        assert parent is not None
        rect.translate(current.pos())
        if not parent.rect().contains(rect):
            return False
        current = parent
    return True


def test_followup_dialog_shows_evidence_and_notes_without_scrolling(
    qtbot: Any, demo: AppContext
) -> None:
    from auditdesk.services import followups, visit

    _current, old = _audit_ids(demo.ws)
    first = followups.open_findings(demo.ws, old)[0]
    long_title = "12 名员工 2025-05 至 2025-07 加班费低于法定标准，应补发工资合计 8,432.10 元（含休息日加班未安排补休）"
    visit.edit_finding(demo.ws, first.id, {"title": long_title})
    dialog = FollowupVisitDialog(demo, old)
    _show(qtbot, dialog)
    assert dialog.table.rowCount() > 0
    for screen in SCREENS.values():
        dialog.resize(screen.boundedTo(dialog.size()))
        QApplication.processEvents()
        bar = dialog.table.horizontalScrollBar()
        assert bar.maximum() == 0, f"horizontal scrolling at {dialog.width()}×{dialog.height()}"
        header = dialog.table.horizontalHeader()
        for column in (5, 6):  # 证据, 说明
            assert header.sectionViewportPosition(column) + header.sectionSize(column) <= (
                dialog.table.viewport().width()
            )


def test_findings_editor_buttons_are_visible_without_scrolling(
    qtbot: Any, demo: AppContext
) -> None:
    current, _old = _audit_ids(demo.ws)
    window = AuditWindow(demo, current)
    _show(qtbot, window)
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    for name, screen in SCREENS.items():
        window.resize(screen)
        QApplication.processEvents()
        for button in (tab.save_button, tab.dismiss_button, tab.merge_button, tab.split_button):
            assert _visible_in(button, window), f"{name}: {button.text()}"
