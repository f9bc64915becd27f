"""Audits page: every audit across companies, newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_date
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.gui.table_model import (
    RIGHT,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)
from auditdesk.gui.widgets import page_title, read_only_table, selected_record, stretch
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.models.audit import AuditSummary
from auditdesk.services import audits


def _auditors(r: AuditSummary) -> str:
    return "、".join(f"{a.name}（{a.role.label}）" for a in r.audit.auditors)


AUDIT_COLUMNS: list[ColumnSpec[AuditSummary]] = [
    ColumnSpec("企业", lambda r: r.company_name),
    ColumnSpec("体检", lambda r: r.audit.title or "用工体检"),
    ColumnSpec("范围", lambda r: r.audit.scope.label),
    ColumnSpec(
        "状态",
        lambda r: r.audit.status.label,
        lambda r: list(type(r.audit.status)).index(r.audit.status),
    ),
    ColumnSpec("开始日期", lambda r: format_date(r.audit.started_on), lambda r: r.audit.started_on),
    ColumnSpec("检查人员", _auditors, tooltip=_auditors),
    ColumnSpec("问题", lambda r: str(r.finding_count), lambda r: r.finding_count, RIGHT),
    ColumnSpec("未关闭", lambda r: str(r.open_findings), lambda r: r.open_findings, RIGHT),
]


class AuditsPage(QWidget):
    data_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.wizard: PayrollImportWizard | None = None
        self.findings_dialog: PayrollFindingsDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("体检"))
        bar = QHBoxLayout()
        self.import_button = QPushButton("导入工资表…")
        self.import_button.setToolTip("把企业的工资表（.xlsx/.xls/.csv）导入所选体检，供查诊核对")
        self.import_button.clicked.connect(self.import_payroll)
        self.new_button = QPushButton("开始体检…")
        self.new_button.clicked.connect(self.start_audit)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("进入体检：问诊、查诊、会诊与评分（双击列表行也可打开）")
        self.open_button.clicked.connect(self.open_selected)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.import_button)
        self.check_button = QPushButton("工资核查…")
        self.check_button.setToolTip("按最低工资、加班费、社保等规则核查所选体检已导入的工资表")
        self.check_button.clicked.connect(self.check_payroll)
        bar.addWidget(self.check_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.empty_hint = QLabel("暂无体检记录。")
        self.empty_hint.setObjectName("emptyHint")
        layout.addWidget(self.empty_hint)
        self.model: RecordTableModel[AuditSummary] = RecordTableModel(AUDIT_COLUMNS, parent=self)
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setModel(self.proxy)
        stretch(self.table, 0)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.windows: dict[str, AuditWindow] = {}
        self.reload()

    def selected(self) -> AuditSummary | None:
        row: AuditSummary | None = selected_record(self.table)
        return row

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.import_button.setEnabled(chosen)
        self.check_button.setEnabled(chosen)

    def start_audit(self) -> None:
        dialog = StartAuditDialog(self.ctx, None, self)
        dialog.audit_started.connect(self._started)
        dialog.open()
        self.start_dialog = dialog

    def _started(self, audit_id: str) -> None:
        self.data_changed.emit("audits")
        self.open_audit(audit_id)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_audit(row.audit.id)

    def open_audit(self, audit_id: str) -> AuditWindow:
        window = self.windows.get(audit_id)
        if window is None or not window.isVisible():
            window = AuditWindow(self.ctx, audit_id, self)
            window.data_changed.connect(lambda _k: self.reload())
            self.windows[audit_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def close_windows(self) -> bool:
        """Close the open audit windows as their own close does (last note keystrokes and
        finding edits saved first). ``False`` when one stays open on edits it could not save."""
        for window in list(self.windows.values()):
            if window.isVisible() and not window.close():
                window.raise_()
                window.activateWindow()
                return False
        return True

    def check_payroll(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.findings_dialog = PayrollFindingsDialog(self.ctx, row.audit.id, self)
        self.findings_dialog.finding_adopted.connect(lambda _id: self.data_changed.emit("findings"))
        self.findings_dialog.open()
        self.findings_dialog.start()

    def import_payroll(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.wizard = PayrollImportWizard(self.ctx, row.audit.id, row.audit.company_id, self)
        self.wizard.imported.connect(lambda _outcome: self.data_changed.emit("payroll"))
        self.wizard.open()

    def reload(self) -> None:
        try:
            rows = audits.list_audits(self.ctx.ws)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取体检列表", None)
            return
        self.model.set_rows(rows)
        self.empty_hint.setVisible(not rows)
        self._update_buttons()
