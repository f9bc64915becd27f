"""看板: the town-wide view — rectification rate, open findings by area and severity, overdue
items, money found and recovered, per-company progress; filter by town, export .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_money
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.table_model import RIGHT, ColumnSpec, RecordProxyModel, RecordTableModel
from auditdesk.gui.widgets import page_title, read_only_table, stretch
from auditdesk.models.common import Area
from auditdesk.models.finding import Severity
from auditdesk.services import dashboard, server_backups
from auditdesk.services.dashboard import CompanyProgress, Dashboard

ALL_TOWNS = "全部街镇"
PROGRESS_COLUMNS: list[ColumnSpec[CompanyProgress]] = [
    ColumnSpec("企业", lambda p: p.name, tooltip=lambda p: p.name),
    ColumnSpec("街镇", lambda p: p.town),
    ColumnSpec("发现", lambda p: str(p.found), lambda p: p.found, RIGHT),
    ColumnSpec("已落实", lambda p: str(p.closed), lambda p: p.closed, RIGHT),
    ColumnSpec("未关闭", lambda p: str(p.open), lambda p: p.open, RIGHT),
    ColumnSpec("逾期", lambda p: str(p.overdue), lambda p: p.overdue, RIGHT),
    ColumnSpec(
        "整改率", lambda p: f"{p.rate}%" if p.rate is not None else "—", lambda p: p.rate, RIGHT
    ),
    ColumnSpec("应补发/应补缴", lambda p: format_money(p.money), lambda p: p.money, RIGHT),
]


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.board: Dashboard | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("看板"))
        self.backup_warning = QLabel("")
        self.backup_warning.setObjectName("backupWarning")
        self.backup_warning.setWordWrap(True)
        self.backup_warning.setStyleSheet(
            "QLabel#backupWarning { background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd;"
            " padding: 6px 10px; font-weight: bold; }"
        )
        self.backup_warning.hide()
        layout.addWidget(self.backup_warning)
        self.town = QComboBox()
        self.town.currentIndexChanged.connect(lambda _i: self.refresh())
        self.year = QComboBox()
        self.year.addItem("全部年度", None)
        for y in range(date.today().year, date.today().year - 6, -1):
            self.year.addItem(f"{y} 年开始的体检", y)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        export = QPushButton("导出统计表 (.xlsx)…")
        export.clicked.connect(self.export)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("范围"))
        bar.addWidget(self.town)
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(export)
        layout.addLayout(bar)
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        self.headline.setObjectName("scoreSummary")
        layout.addWidget(self.headline)
        self.matrix = QTableWidget(len(Area), len(Severity) + 1)
        self.matrix.setHorizontalHeaderLabels([s.label for s in Severity] + ["合计"])
        self.matrix.setVerticalHeaderLabels([a.label for a in Area])
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # every area in view, no scroll bar (a 260-px cap hid two of the eight at 1366×768)
        self.matrix.verticalHeader().setDefaultSectionSize(self.matrix.fontMetrics().height() + 8)
        self.matrix.setFixedHeight(
            self.matrix.horizontalHeader().sizeHint().height()
            + self.matrix.verticalHeader().defaultSectionSize() * len(Area)
            + 2 * self.matrix.frameWidth()
        )
        layout.addWidget(QLabel("未关闭的问题（领域 × 严重程度）"))
        layout.addWidget(self.matrix)
        self.model: RecordTableModel[CompanyProgress] = RecordTableModel(
            PROGRESS_COLUMNS, parent=self
        )
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setModel(self.proxy)
        stretch(self.table, 0)
        layout.addWidget(QLabel("各企业整改进度"))
        layout.addWidget(self.table, 1)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Counted afresh whenever shown: companies and findings change elsewhere too (the
        command line, colleagues on the office server)."""
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    def show_backup_warning(self) -> str | None:
        """Show (or hide) the administrator's warning that the server was not backed up lately;
        returns its text."""
        text = server_backups.admin_warning(self.ctx.ws)
        self.backup_warning.setText(text or "")
        self.backup_warning.setVisible(bool(text))
        return text

    def reload(self) -> None:
        self.show_backup_warning()
        try:
            towns = dashboard.town_choices(self.ctx.ws)
        except AuditDeskError:  # refresh() below reports what is wrong
            towns = []
        current = self.town.currentData()
        self.town.blockSignals(True)
        self.town.clear()
        self.town.addItem(ALL_TOWNS, None)
        for t in towns:
            self.town.addItem(t, t)
        self.town.setCurrentIndex(max(0, self.town.findData(current)) if current else 0)
        self.town.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        try:
            year = self.year.currentData()
            self.board = dashboard.build(
                self.ctx.ws, town=self.town.currentData(), today=date.today(),
                since=date(year, 1, 1) if year else None, until=date(year, 12, 31) if year else None,
            )  # fmt: skip
        except AuditDeskError as exc:
            report_failure(self, exc, "无法生成看板", None)
            return
        board = self.board
        self.headline.setText(dashboard.headline(board))
        for r, area in enumerate(Area):
            total = 0
            for c, sev in enumerate(Severity):
                n = board.open_by.get((area.value, sev.value), 0)
                total += n
                self.matrix.setItem(r, c, QTableWidgetItem(str(n) if n else ""))
            self.matrix.setItem(r, len(Severity), QTableWidgetItem(str(total) if total else ""))
        self.model.set_rows(board.companies)

    def export(self, path: str | None = None) -> Path | None:
        if self.board is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "导出看板", "整改情况统计.xlsx", "Excel 工作簿 (*.xlsx)"
            )
        if not path:
            return None
        try:
            return dashboard.export_xlsx(self.board, Path(path))
        except AuditDeskError as exc:
            report_failure(self, exc, "导出失败", None)
            return None
