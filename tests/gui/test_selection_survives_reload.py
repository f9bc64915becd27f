"""A change saved anywhere reloads every page; the row the user had chosen stays chosen.

Found under Xvfb: after 导入工资表 finished (its summary says "在体检页选中本次体检点'工资核查…'"),
the 体检 page had lost its selected row and every button was greyed out; the same after any
save in an audit window, on the 企业 page too.
"""

from __future__ import annotations

from typing import Any

from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace


def _select_row(table: Any, predicate: Any) -> None:
    model = table.model()
    for r in range(model.rowCount()):
        if predicate(model.data(model.index(r, 0), ROW_ROLE)):
            table.selectRow(r)
            return
    raise AssertionError("row not found")


def test_audit_stays_selected_after_an_import_reloads_the_pages(
    qtbot: Any, main_window: MainWindow, ws: Workspace
) -> None:
    demo.load_demo(ws)
    main_window.data_changed.emit("companies")
    page = main_window.audits_page
    main_window.nav.setCurrentRow(1)
    chosen = audits.list_audits(ws)[1].audit.id
    _select_row(page.table, lambda row: row.audit.id == chosen)
    assert page.selected().audit.id == chosen
    assert page.check_button.isEnabled()
    page.data_changed.emit("payroll")  # what the import wizard's imported signal does
    assert page.selected() is not None
    assert page.selected().audit.id == chosen
    assert page.check_button.isEnabled()


def test_company_stays_selected_after_a_reload(
    qtbot: Any, main_window: MainWindow, ws: Workspace
) -> None:
    demo.load_demo(ws)
    main_window.data_changed.emit("companies")
    page = main_window.companies_page
    _select_row(page.table, lambda row: True)
    chosen = page.selected().company.id
    main_window.data_changed.emit("findings")
    assert page.selected() is not None
    assert page.selected().company.id == chosen
    assert page.edit_button.isEnabled()
