"""One audit's workspace: header with progress and score, tabs 问诊·查诊 / 工资表 / 会诊 / 评分."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from auditdesk.gui.audit.findings_tab import FindingsTab
from auditdesk.gui.audit.scores_tab import ScoresTab
from auditdesk.gui.audit.walk import WalkTab
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.export_report import ExportReportDialog
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.services import audits, companies, payroll


class PayrollTab(QWidget):
    """查诊 of the payroll: imports of this audit, the import wizard and the rule results."""

    changed = Signal()

    def __init__(
        self, ctx: AppContext, audit_id: str, company_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id, self.company_id = ctx, audit_id, company_id
        self.imports = QListWidget()
        import_button = QPushButton("导入工资表…")
        import_button.clicked.connect(self.import_payroll)
        bar = QHBoxLayout()
        bar.addWidget(import_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(
            QLabel("已导入的工资表（核查结果在“会诊”页的“工资核查…”中查看并转为问题）")
        )
        layout.addWidget(self.imports, 1)
        self.wizard: PayrollImportWizard | None = None
        self.reload()

    def reload(self) -> None:
        self.imports.clear()
        for i in payroll.list_imports(self.ctx.ws, self.audit_id):
            self.imports.addItem(f"{i.file_name}：{i.row_count} 行，月份 {'、'.join(i.periods)}")
        if not self.imports.count():
            self.imports.addItem("尚未导入工资表。")

    def import_payroll(self) -> None:
        self.wizard = PayrollImportWizard(self.ctx, self.audit_id, self.company_id, self)
        self.wizard.imported.connect(self._imported)
        self.wizard.open()

    def _imported(self, _outcome: object) -> None:
        self.reload()
        self.changed.emit()


class AuditWindow(QDialog):
    """Non-modal: several audits can be open; every change is already saved when it closes."""

    data_changed = Signal(str)

    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id = ctx, audit_id
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        audit = audits.get_audit(ctx.ws, audit_id)
        company = companies.get_company(ctx.ws, audit.company_id)
        self.setWindowTitle(f"{company.name} · {audit.title or '用工体检'}")
        self.resize(1340, 700)  # within 1366×728, a laptop screen less its taskbar
        self.header = QLabel("")
        self.header.setObjectName("pageTitle")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.auditor = QComboBox()
        for a in audit.auditors:
            self.auditor.addItem(f"{a.name}（{a.role.label}）", a.name)
        self.auditor.setToolTip("以谁的名义记录（写入修改记录）")
        self.auditor.currentIndexChanged.connect(self._set_auditor)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        self.export_button = QPushButton("导出文书…")
        self.export_button.setToolTip("导出用工体检报告或整改建议书（Word）")
        self.export_button.clicked.connect(self.export_report)
        top.addWidget(self.export_button)
        top.addWidget(QLabel("记录人"))
        top.addWidget(self.auditor)
        top.addWidget(QLabel("进度"))
        top.addWidget(self.progress)
        self.walk = WalkTab(ctx, audit_id)
        self.payroll = PayrollTab(ctx, audit_id, audit.company_id)
        self.findings = FindingsTab(ctx, audit_id)
        self.scores = ScoresTab(ctx, audit_id)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.walk, "问诊 · 查诊")
        self.tabs.addTab(self.payroll, "工资表")
        self.tabs.addTab(self.findings, "会诊 · 问题")
        self.tabs.addTab(self.scores, "评分")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.walk.changed.connect(self._walk_changed)
        self.findings.changed.connect(lambda: self.data_changed.emit("findings"))
        self.payroll.changed.connect(lambda: self.data_changed.emit("payroll"))
        self._set_auditor()
        self._walk_changed()
        self.company_name = company.name

    def _set_auditor(self) -> None:
        name = self.auditor.currentData() or ""
        self.walk.by = name
        self.findings.by = name

    def _walk_changed(self) -> None:
        walk = self.walk.walk
        if walk is None:
            return
        self.progress.setMaximum(max(walk.total, 1))
        self.progress.setValue(walk.answered)
        self.progress.setFormat(f"{walk.answered}/{walk.total} 项")
        self.header.setText(
            f"{walk.company.name}　{walk.audit.scope.label}　{walk.audit.status.label}"
        )
        self.data_changed.emit("answers")

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is self.scores:
            self.scores.reload()
        elif page is self.findings:
            self.findings.reload()

    def export_report(self) -> None:
        self.walk.save_note()
        self.export_dialog = ExportReportDialog(self.ctx, self.audit_id, self.scores.chart, self)
        self.export_dialog.open()

    def done(self, result: int) -> None:
        self.walk.save_note()  # the last keystrokes of a note, before the window goes
        super().done(result)
