from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from PySide6.QtCore import Qt

from auditdesk.gui.table_model import (
    RIGHT,
    ROW_ROLE,
    SORT_ROLE,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)


class Row(BaseModel, frozen=True):
    name: str
    amount: Decimal | None


COLUMNS = [
    ColumnSpec[Row]("姓名", lambda r: r.name),
    ColumnSpec[Row](
        "金额",
        lambda r: "" if r.amount is None else f"{r.amount:,}",
        lambda r: r.amount,
        RIGHT,
        tooltip=lambda r: f"{r.name} 的金额",
    ),
]
ROWS = [
    Row(name="张三", amount=Decimal("900")),
    Row(name="李四", amount=None),
    Row(name="王五", amount=Decimal("12000.5")),
]


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = RecordTableModel(COLUMNS, ROWS)
    qtmodeltester.check(model)
    model.set_rows(ROWS[:1])
    qtmodeltester.check(model)


def test_data_roles() -> None:
    model = RecordTableModel(COLUMNS, ROWS)
    assert model.rowCount() == 3
    assert model.columnCount() == 2
    index = model.index(2, 1)
    assert model.data(index) == "12,000.5"
    assert model.data(index, SORT_ROLE) == Decimal("12000.5")
    assert model.data(index, ROW_ROLE) == ROWS[2]
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "王五 的金额"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT.value)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "金额"


def test_update_row_emits_data_changed(qtbot) -> None:
    model = RecordTableModel(COLUMNS, ROWS)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_row(1, Row(name="李四", amount=Decimal(1)))
    assert blocker.args[0].row() == 1
    assert model.data(model.index(1, 1)) == "1"


def test_proxy_sorts_numbers_as_numbers_with_blanks_last() -> None:
    model = RecordTableModel(COLUMNS, ROWS)
    proxy = RecordProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.data(proxy.index(r, 0)) for r in range(3)] == ["张三", "王五", "李四"]
    proxy.setFilterFixedString("王")
    assert proxy.rowCount() == 1
