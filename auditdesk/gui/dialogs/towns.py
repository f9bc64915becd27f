"""街镇列表: the office's list of towns — add, rename or merge a variant into a listed name (its
companies follow), remove an unused one. Same services as ``auditdesk settings towns``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.discard import FormSnapshot, may_discard
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.table_model import RIGHT, ColumnSpec, RecordProxyModel, RecordTableModel
from auditdesk.gui.widgets import read_only_table, selected_record, stretch
from auditdesk.models.town import TownUsage, clean_town
from auditdesk.services import towns
from auditdesk.services.workspace import Workspace

TOWN_COLUMNS: list[ColumnSpec[TownUsage]] = [
    ColumnSpec("街镇", lambda t: t.name),
    ColumnSpec("企业数", lambda t: str(t.companies), lambda t: t.companies, RIGHT),
]


class TownsDialog(QDialog):
    """Emits ``towns_changed`` after each change (companies may have moved)."""

    towns_changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("街镇列表")
        self.resize(460, 480)
        self.model: RecordTableModel[TownUsage] = RecordTableModel(TOWN_COLUMNS, parent=self)
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setModel(self.proxy)
        stretch(self.table, 0)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("新街镇名称，或选中一行后输入新名称")
        self.add_button = QPushButton("添加")
        self.rename_button = QPushButton("改名/合并")
        self.rename_button.setToolTip(
            "把选中的街镇改成上面的名称；名称已在列表中时合并，其企业一并改过去"
        )
        self.remove_button = QPushButton("删除")
        self.remove_button.setToolTip("删除没有企业使用的街镇")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        hint = QLabel(
            "看板按这里的名称统计。同一街镇有几种写法（如“嘉定区马陆镇”与“马陆镇”）时，"
            "选中多余的写法，输入保留的名称，点“改名/合并”。"
        )
        hint.setWordWrap(True)
        row = QHBoxLayout()  # the name on its own row: beside the buttons its hint was cut
        for b in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.name_edit)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.remove_button.clicked.connect(self.remove)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()
        self.snapshot = FormSnapshot(self)

    def reject(self) -> None:
        """Esc, 关闭 or closing: a name typed but not yet added or applied is asked about."""
        if may_discard(self, self.snapshot, self.windowTitle()):
            super().reject()

    def selected(self) -> TownUsage | None:
        row: TownUsage | None = selected_record(self.table)
        return row

    def reload(self, keep: str | None = None) -> None:
        self.model.set_rows(towns.list_towns(self.ws))
        if keep is not None:
            for r in range(self.proxy.rowCount()):
                if self.proxy.index(r, 0).data() == keep:
                    self.table.selectRow(r)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.rename_button.setEnabled(chosen is not None)
        self.remove_button.setEnabled(chosen is not None)

    def _done(self, message: str, keep: str | None) -> None:
        self.status.setText(message)
        self.name_edit.clear()
        self.reload(keep)
        self.towns_changed.emit()

    def add(self) -> None:
        name = clean_town(self.name_edit.text())
        variant = towns.suggest(self.ws, name)
        if variant is not None and not confirm(
            self, "添加街镇",
            f"列表中已有“{variant}”，与“{name}”只差区县前缀或空格。\n\n"
            f"仍要把“{name}”作为另一个街镇添加？",
        ):  # fmt: skip
            return
        try:
            added = towns.add_town(self.ws, name, allow_variant=variant is not None)
        except AuditDeskError as exc:
            self.status.setText(exc.message)
            return
        self._done(f"已添加“{added}”。", added)

    def rename(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        new = clean_town(self.name_edit.text())
        listed = {t.name for t in towns.list_towns(self.ws)}
        if new and new != chosen.name:
            if new in listed:
                question = (
                    f"把“{chosen.name}”合并到“{new}”？\n\n{chosen.companies} 家企业的所属街镇"
                    f"将改为“{new}”，“{chosen.name}”从列表删除。"
                )
            else:
                question = (
                    f"把“{chosen.name}”改名为“{new}”？\n\n{chosen.companies} 家企业随之更新。"
                )
            if not confirm(self, "改名/合并", question):
                return
        try:
            result = towns.rename_town(self.ws, chosen.name, new)
        except AuditDeskError as exc:
            self.status.setText(exc.message)
            return
        how = "合并到" if result.merged else "改名为"
        self._done(
            f"“{result.old}”已{how}“{result.new}”，{result.companies} 家企业随之更新。", result.new
        )

    def remove(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            towns.remove_town(self.ws, chosen.name)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法删除街镇", None)
            return
        self._done(f"已删除“{chosen.name}”。", None)
