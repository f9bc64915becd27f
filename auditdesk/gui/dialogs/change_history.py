"""修改记录: the change-log entries of one record (an answer, a finding, a company and its audits),
newest first, with 导出 Excel. Same services as ``auditdesk log list|export``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_datetime
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.table_model import ColumnSpec, RecordProxyModel, RecordTableModel
from auditdesk.gui.widgets import read_only_table, stretch
from auditdesk.models.audit import Change
from auditdesk.services import changelog
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace

HISTORY_COLUMNS: list[ColumnSpec[Change]] = [
    ColumnSpec("时间", lambda c: format_datetime(c.changed_at), lambda c: c.id),
    ColumnSpec("操作人", lambda c: c.changed_by or "—"),
    ColumnSpec("对象", lambda c: c.entity.label),
    ColumnSpec("字段", lambda c: c.field_label),
    ColumnSpec("原值", lambda c: c.old_text[:60], tooltip=lambda c: c.old_text),
    ColumnSpec("新值", lambda c: c.new_text[:60], tooltip=lambda c: c.new_text),
    ColumnSpec("说明", changelog.remark),
]


class ChangeHistoryDialog(QDialog):
    """The entries ``where`` selects; ``title`` names the record (``问题 Q3 “未签合同”``)."""

    def __init__(
        self, ws: Workspace, where: LogFilter, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.where = where
        self.setWindowTitle(f"修改记录 — {title}")
        self.resize(860, 460)
        self.model: RecordTableModel[Change] = RecordTableModel(HISTORY_COLUMNS, parent=self)
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setModel(self.proxy)
        stretch(self.table, 5)
        self.summary = QLabel()
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip(
            "导出为 .xlsx（时间为上海时间；个人信息按原样导出，请妥善保存）"
        )
        self.export_button.clicked.connect(self.choose_export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        try:
            entries = changelog.entries(self.ws, self.where)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取修改记录", None)
            entries = []
        self.model.set_rows(entries)
        self.proxy.sort(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.summary.setText(f"共 {len(entries)} 条修改记录" if entries else "还没有修改记录。")
        self.export_button.setEnabled(bool(entries))

    def entries(self) -> list[Change]:
        return self.model.rows()

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出修改记录", "修改记录.xlsx",
                                              "Excel 工作簿 (*.xlsx)")  # fmt: skip
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> Path | None:
        """Write the entries shown to ``path`` (``.xlsx`` added when missing); ``None`` when
        that failed (the reason shown)."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            written = changelog.export_xlsx(self.entries(), path)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法导出", None)
            return None
        self.summary.setText(f"已导出 {len(self.entries())} 条：{written}")
        return written
