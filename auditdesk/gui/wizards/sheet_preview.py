"""A table model over a sheet's raw cells: header rows highlighted, skipped rows greyed, IDs masked."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from auditdesk.formatting import mask_id_number
from auditdesk.payroll.importer import SheetPlan
from auditdesk.payroll.layout import column_letter

_ID_LIKE = re.compile(r"^\s*(\d{15}|\d{17}[\dXx])\s*$")
HEADER_BRUSH = QBrush(QColor("#fde68a"))
PROBLEM_BRUSH = QBrush(QColor("#fecaca"))
SKIPPED_BRUSH = QBrush(QColor("#9ca3af"))

Index = QModelIndex | QPersistentModelIndex


def display_cell(value: Any, *, reveal: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != datetime.min.time()
            else (value.strftime("%Y-%m-%d"))
        )
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    text = str(value)
    if not reveal and _ID_LIKE.match(text):
        return mask_id_number(text.strip())
    return text


class SheetPreviewModel(QAbstractTableModel):
    """Rows as Excel numbers them (1-based) and columns as letters, so cell references match."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []
        self._width = 0
        self._header_rows: set[int] = set()
        self._skipped: dict[int, str] = {}
        self._problems: dict[tuple[int, int], str] = {}
        self._id_column: int | None = None
        self.reveal_ids = False

    def set_sheet(self, plan: SheetPlan | None, problems: dict[tuple[int, int], str]) -> None:
        self.beginResetModel()
        if plan is None:
            self._rows, self._width = [], 0
            self._header_rows, self._id_column = set(), None
            self._skipped = {}
        else:
            self._skipped = {r: reason.label for r, reason in plan.skipped().items()}
            self._rows = plan.sheet.rows
            self._width = max((len(r) for r in self._rows), default=0)
            self._header_rows = set(plan.header.rows) if plan.header else set()
            ids = [
                c.index
                for c in plan.columns
                if c.field is not None and c.field.value == "id_number"
            ]
            self._id_column = ids[0] if ids else None
        self._problems = problems
        self.endResetModel()

    def set_reveal(self, reveal: bool) -> None:
        self.beginResetModel()
        self.reveal_ids = reveal
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._width

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = self._rows[r]
        value = row[c] if c < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            if c == self._id_column and r not in self._header_rows and not self.reveal_ids:
                return mask_id_number(str(value)) if value not in (None, "") else ""
            return display_cell(value, reveal=self.reveal_ids)
        if role == Qt.ItemDataRole.BackgroundRole:
            if (r, c) in self._problems:
                return PROBLEM_BRUSH
            if r in self._header_rows:
                return HEADER_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and r in self._skipped:
            return SKIPPED_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if (r, c) in self._problems:
                return self._problems[(r, c)]
            if r in self._skipped:
                return f"跳过：{self._skipped[r]}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section)
        return str(section + 1)
