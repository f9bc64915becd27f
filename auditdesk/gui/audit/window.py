"""One audit's workspace: header with progress and score, tabs 问诊·查诊 / 工资表 / 会诊 / 评分."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent
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

from auditdesk.gui import diagnosis
from auditdesk.gui.audit.findings_tab import FindingsTab
from auditdesk.gui.audit.scores_tab import ScoresTab
from auditdesk.gui.audit.walk import WalkTab
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.export_report import ExportReportDialog
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.models.audit import AuditStatus
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
        self.wizard = PayrollImportWizard(self.ctx, self.audit_id, self.company_id, self,
                                          check_where="在本窗口的“会诊 · 问题”页点")  # fmt: skip
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
        signed_in = ctx.ws.user
        if signed_in is not None:  # a server writes every change as the signed-in user
            self.auditor.addItem(signed_in.label, ctx.ws.author())
            self.auditor.setEnabled(False)
            self.auditor.setToolTip("办公室服务器上，记录人为登录的用户")
        else:
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
        self.diagnose_button = QPushButton("标记已会诊")
        self.diagnose_button.setToolTip("会诊完成：问题已汇总、核定，进入跟诊阶段")
        self.diagnose_button.clicked.connect(self.mark_diagnosed)
        top.addWidget(self.diagnose_button)
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
        self._tab_index = 0
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.walk.changed.connect(self._walk_changed)
        self.findings.changed.connect(lambda: self.data_changed.emit("findings"))
        self.payroll.changed.connect(lambda: self.data_changed.emit("payroll"))
        self._set_auditor()
        self._walk_changed()
        self.company_name, self.company_id = company.name, company.id
        self._state = QSettings(str(ctx.ws.paths.gui_state), QSettings.Format.IniFormat)
        self._restore_place()

    # ------------------------------------------------------------ where the user was
    def _key(self, name: str) -> str:
        return f"audit-{self.audit_id}/{name}"

    def _restore_place(self) -> None:
        """Reopen where this audit was left: 记录人, tab, checklist item (per audit, kept in the
        data dir's gui-state file, never the global registry)."""
        auditor = self._state.value(self._key("auditor"))
        index = self.auditor.findData(auditor) if isinstance(auditor, str) else -1
        if index >= 0:
            self.auditor.setCurrentIndex(index)
        item = self._state.value(self._key("item"))
        if isinstance(item, str) and item:
            self.walk.select(item)
        finding = self._state.value(self._key("finding"))
        tab = self._state.value(self._key("tab"))
        if tab is not None and str(tab).isdigit() and 0 <= int(str(tab)) < self.tabs.count():
            self.tabs.setCurrentIndex(int(str(tab)))
        if isinstance(finding, str) and finding:
            self.findings.reload(keep=finding)

    def _remember_place(self) -> None:
        current = self.walk.current()
        chosen = self.findings.selected()
        self._state.setValue(self._key("tab"), self.tabs.currentIndex())
        self._state.setValue(self._key("item"), current.item.id if current else "")
        self._state.setValue(self._key("finding"), chosen[0].id if chosen else "")
        self._state.setValue(self._key("auditor"), self.auditor.currentData() or "")
        self._state.sync()

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
        self.diagnose_button.setEnabled(walk.audit.status is AuditStatus.IN_PROGRESS)
        self.data_changed.emit("answers")

    def _tab_changed(self, index: int) -> None:
        left = self.tabs.widget(self._tab_index)
        if left is self.findings and not self.findings.save_edits():
            self.tabs.blockSignals(True)  # the edits could not be saved: stay with them
            self.tabs.setCurrentIndex(self._tab_index)
            self.tabs.blockSignals(False)
            return
        self._tab_index = index
        page = self.tabs.widget(index)
        if page is self.scores:
            self.scores.reload()
        elif page is self.findings:
            self.findings.reload()

    def export_report(self) -> None:
        self.walk.commit_note()
        if not self.findings.save_edits():
            return
        self.export_dialog = ExportReportDialog(self.ctx, self.audit_id, self.scores.chart, self)
        self.export_dialog.open()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc with unsaved edits (a note being typed, a finding edited) saves them and keeps the
        workspace open, saying so; Esc with nothing unsaved closes it (issue 18.2)."""
        if event.key() == Qt.Key.Key_Escape and (
            self.walk.has_unsaved_note() or self.findings.has_unsaved_edits()
        ):
            event.accept()
            self.walk.commit_note()
            if self.findings.save_edits():
                self.findings.save_state.setText("已保存。再按 Esc 关闭窗口。")
                self.walk.note_state.setText("备注已保存。再按 Esc 关闭窗口。")
            else:
                self.tabs.setCurrentWidget(self.findings)
            return
        super().keyPressEvent(event)

    def mark_diagnosed(self) -> None:
        """标记已会诊 as on the 体检 list (same confirmation), then offer 安排跟诊 when problems
        are open. Unsaved note and finding edits are saved first."""
        self.walk.commit_note()
        if not self.findings.save_edits():
            return
        row = next(
            (
                r
                for r in audits.list_audits(self.ctx.ws, self.company_id)
                if r.audit.id == self.audit_id
            ),
            None,
        )
        if row is None or not diagnosis.mark_diagnosed(self, self.ctx.ws, row):
            return
        self.walk.reload()  # the header shows 已会诊; emits data_changed
        self.data_changed.emit("audits")
        if row.open_findings and diagnosis.plan_followups(self, self.ctx.ws, self.audit_id):
            self.findings.reload()
            self.data_changed.emit("followups")

    def done(self, result: int) -> None:
        """Closing (Esc, the close button, 关闭) saves the last note keystrokes and finding
        edits first; edits that cannot be saved keep the window open on them."""
        self.walk.commit_note()  # the last keystrokes of a note, before the window goes
        if not self.findings.save_edits():
            self.tabs.setCurrentWidget(self.findings)
            return
        self._remember_place()
        super().done(result)
