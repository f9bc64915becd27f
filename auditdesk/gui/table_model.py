"""A generic table model over frozen pydantic rows, with column specs, a row role and a sort role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

T = TypeVar("T")

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ColumnSpec(Generic[T]):
    """One column: Chinese header, display text, raw sort key, alignment, optional tooltip."""

    header: str
    display: Callable[[T], str]
    sort_key: Callable[[T], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[T], str] | None = None


class RecordTableModel(QAbstractTableModel, Generic[T]):
    def __init__(
        self,
        columns: Sequence[ColumnSpec[T]],
        rows: Sequence[T] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = list(rows)

    # ---------------------------------------------------------- Qt overrides
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return col.sort_key(row) if col.sort_key is not None else col.display(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self._columns[section].align.value)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    # ---------------------------------------------------------- our API
    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_row(self, position: int, row: T) -> None:
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self._columns) - 1))

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, position: int) -> T:
        return self._rows[position]


def _null_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


class RecordProxyModel(QSortFilterProxyModel):
    """Sorts on the raw sort key (numbers as numbers, empty last); filters on any column's text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:
        a = self.sourceModel().data(left, SORT_ROLE)
        b = self.sourceModel().data(right, SORT_ROLE)
        try:
            return bool(_null_last(a) < _null_last(b))
        except TypeError:
            return str(a) < str(b)
