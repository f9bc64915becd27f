"""Small reusable widget helpers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableView

from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.services import companies
from auditdesk.services.workspace import Workspace


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def read_only_table() -> QTableView:
    """A sortable, row-selecting, read-only table view as every list page uses it."""
    table = QTableView()
    table.setSortingEnabled(True)
    # no arrow until the user sorts: the rows come in the service's order, unsorted
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    return table


def stretch(table: QTableView, column: int) -> None:
    table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def selected_record(table: QTableView) -> Any:
    """The record object behind the selected row of a table over a RecordTableModel (or None)."""
    indexes = table.selectionModel().selectedRows()
    if not indexes:
        return None
    return table.model().data(indexes[0], ROW_ROLE)


def company_combo(ws: Workspace, company_id: str | None = None) -> QComboBox:
    """Every company by name (the id as item data), with ``company_id`` selected when given."""
    combo = QComboBox()
    for row in companies.list_companies(ws):
        combo.addItem(row.company.name, row.company.id)
    if company_id is not None:
        combo.setCurrentIndex(max(0, combo.findData(company_id)))
    return combo
