"""Issue 18 point 10: start from the company, auditors from a list, Enter opens, search, remove an
import — driven through the real widgets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QInputDialog

from auditdesk.gui.context import AppContext
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.pages.audits import AuditsPage
from auditdesk.services import audits, demo, payroll
from auditdesk.services.workspace import Workspace
from tests.gui.questions import answer_questions
from tests.samples import PAYROLL_SAMPLES


def test_start_audit_from_the_company_page(qtbot: Any, main_window: MainWindow,
                                           ws: Workspace) -> None:  # fmt: skip
    demo.load_demo(ws)
    main_window.data_changed.emit("companies")
    page = main_window.companies_page
    page.table.selectRow(0)
    company = page.selected()
    assert company is not None
    assert page.start_button.isEnabled()
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    dialog = page.start_dialog
    assert dialog.isVisible()
    assert dialog.company.currentData() == company.company.id
    # the auditors are picked from the people of earlier audits, role included
    name_box = dialog.auditors.cellWidget(0, 0)
    assert isinstance(name_box, QComboBox)
    known = [name_box.itemText(i) for i in range(name_box.count())]
    assert {"张卫东", "陈静"} <= set(known)
    name_box.setCurrentIndex(known.index("陈静"))
    role = dialog.auditors.cellWidget(0, 1)
    assert role.currentText() == "律师"
    before = len(audits.list_audits(ws, company.company.id))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    started = audits.list_audits(ws, company.company.id)
    assert len(started) == before + 1
    assert [a.name for a in started[0].audit.auditors] == ["陈静"]
    assert main_window.stack.currentWidget() is main_window.audits_page
    assert started[0].audit.id in main_window.audits_page.windows


def test_enter_opens_and_search_filters(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    demo.load_demo(ws)
    page = AuditsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.proxy.rowCount() == 2
    qtbot.keyClicks(page.search, "2025")
    assert page.proxy.rowCount() == 1
    page.search.clear()
    page.table.setFocus()
    page.table.selectRow(1)
    wanted = page.selected()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert wanted is not None
    assert wanted.audit.id in page.windows
    assert page.windows[wanted.audit.id].isVisible()
    page.windows[wanted.audit.id].close()


def test_remove_an_import_after_confirmation(qtbot: Any, ctx: AppContext, ws: Workspace,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    demo.load_demo(ws)
    audit_id = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, audit_id, [PAYROLL_SAMPLES / "s1-simple.xlsx"])
    [imported] = payroll.list_imports(ws, audit_id)
    page = AuditsPage(ctx)
    qtbot.addWidget(page)
    page.select_audit(audit_id)
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True)
    )

    asked = answer_questions(monkeypatch, lambda _text: len(asked) > 1)  # 否, then 是
    qtbot.mouseClick(page.remove_import_button, Qt.MouseButton.LeftButton)
    assert "s1-simple.xlsx" in asked[0]
    assert payroll.list_imports(ws, audit_id) == [imported]  # 否: nothing removed
    qtbot.mouseClick(page.remove_import_button, Qt.MouseButton.LeftButton)
    assert payroll.list_imports(ws, audit_id) == []
