"""Audits page: every audit across companies, newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_date
from auditdesk.gui import diagnosis
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.gui.table_model import (
    RIGHT,
    ROW_ROLE,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)
from auditdesk.gui.widgets import page_title, read_only_table, selected_record, stretch
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.models.audit import AuditStatus, AuditSummary, can_move
from auditdesk.services import audits, payroll


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
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索企业、体检、人员")
        self.search.setToolTip("按企业名称、体检名称、状态或检查人员筛选")
        self.search.setClearButtonEnabled(True)
        self.remove_import_button = QPushButton("移除工资表…")
        self.remove_import_button.setToolTip("从所选体检中移除一次导入的工资表（先确认）")
        self.remove_import_button.clicked.connect(self.remove_import)
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
        bar.addWidget(self.remove_import_button)
        bar.addWidget(self.check_button)
        bar.addWidget(self.search, 1)
        self.diagnose_button = QPushButton("标记已会诊")
        self.diagnose_button.setToolTip("会诊完成：问题已汇总、核定，进入跟诊阶段")
        self.diagnose_button.clicked.connect(self.mark_diagnosed)
        self.plan_button = QPushButton("安排跟诊")
        self.plan_button.setToolTip(
            "按严重程度给未关闭的问题定整改期限，并在最早和最晚期限安排跟诊（可在“跟诊”页改期）"
        )
        self.plan_button.clicked.connect(self.plan_followups)
        self.visit_button = QPushButton("跟诊…")
        self.visit_button.setToolTip("逐项核验所选体检未关闭问题的整改情况")
        self.visit_button.clicked.connect(self.start_visit)
        # reopen (补充问题) or close (结案) a diagnosed audit: `auditdesk audit status`
        self.status_button = QToolButton()
        self.status_button.setText("状态")
        self.status_button.setToolTip("重新打开已会诊的体检以补充问题，或在跟诊结束后关闭（结案）")
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        status_menu = QMenu(self.status_button)
        self.reopen_action = status_menu.addAction("重新打开（补充问题）…")
        self.reopen_action.triggered.connect(self.reopen)
        self.close_action = status_menu.addAction("关闭体检（结案）…")
        self.close_action.triggered.connect(self.close_audit)
        self.status_button.setMenu(status_menu)
        for b in (self.diagnose_button, self.plan_button, self.visit_button, self.status_button):
            bar.addWidget(b)
        layout.addLayout(bar)
        self.empty_hint = QLabel(
            "暂无体检记录。点击“开始体检…”，或在“企业”页选中企业后点“开始体检…”。"
        )
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
        # activated: double-click, and Enter/Return on the selected row
        self.table.activated.connect(lambda _i: self.open_selected())
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
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
        self.remove_import_button.setEnabled(chosen)
        row = self.selected()
        status = row.audit.status if row else None
        self.diagnose_button.setEnabled(status is AuditStatus.IN_PROGRESS)
        self.plan_button.setEnabled(
            status is AuditStatus.DIAGNOSED and bool(row and row.open_findings)
        )
        self.visit_button.setEnabled(bool(row and row.open_findings))
        movable = {t for t in AuditStatus if status is not None and can_move(status, t)}
        self.reopen_action.setEnabled(AuditStatus.IN_PROGRESS in movable and
                                      status is AuditStatus.DIAGNOSED)  # fmt: skip
        self.close_action.setEnabled(AuditStatus.CLOSED in movable)
        self.status_button.setEnabled(
            self.reopen_action.isEnabled() or self.close_action.isEnabled()
        )

    def reopen(self) -> None:
        """重新打开: a diagnosed audit back to 进行中, to add or change findings."""
        row = self.selected()
        if row is None or not confirm(
            self, "重新打开体检",
            f"重新打开“{row.company_name}”的{row.audit.title or '用工体检'}？\n\n"
            "状态改回“进行中”，可补充检查项和问题；补充后再点“标记已会诊”。",
        ):  # fmt: skip
            return
        self._move(row, AuditStatus.IN_PROGRESS, "无法重新打开体检")

    def close_audit(self) -> None:
        """关闭体检 (结案): final; says how many findings are still open."""
        row = self.selected()
        if row is None:
            return
        still = (f"尚有 {row.open_findings} 项未关闭的问题。" if row.open_findings
                 else "问题均已关闭。")  # fmt: skip
        if not confirm(
            self, "关闭体检",
            f"关闭（结案）“{row.company_name}”的{row.audit.title or '用工体检'}？\n\n"
            f"{still}关闭后不能再重新打开。",
        ):  # fmt: skip
            return
        self._move(row, AuditStatus.CLOSED, "无法关闭体检")

    def _move(self, row: AuditSummary, target: AuditStatus, title: str) -> None:
        try:
            audits.change_status(self.ctx.ws, row.audit.id, target)
        except AuditDeskError as exc:
            report_failure(self, exc, title, None)
            return
        self._changed("audits", row.audit.id)

    def remove_import(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            imports = payroll.list_imports(self.ctx.ws, row.audit.id)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取工资表", None)
            return
        if not imports:
            QMessageBox.information(self, "移除工资表", "该体检还没有导入工资表。")
            return
        labels = [f"{i.file_name}（{i.row_count} 行，{'、'.join(i.periods)}）" for i in imports]
        choice, ok = QInputDialog.getItem(self, "移除工资表", "移除哪一次导入：", labels, 0, False)
        if not ok:
            return
        chosen = imports[labels.index(choice)]
        if not confirm(
            self,
            "移除工资表",
            f"从“{row.company_name}”的体检中移除 {choice}？\n\n"
            "其工资行将被删除；已转为问题的工资核查结果保留。",
        ):
            return
        try:
            payroll.remove_import(self.ctx.ws, row.audit.id, chosen.id)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法移除工资表", None)
            return
        self._changed("payroll", row.audit.id)

    def mark_diagnosed(self) -> None:
        row = self.selected()
        if row is None or not diagnosis.mark_diagnosed(self, self.ctx.ws, row):
            return
        self._changed("audits", row.audit.id)
        if row.open_findings:
            self.plan_followups()

    def plan_followups(self) -> None:
        row = self.selected()
        if row is None:
            return
        if diagnosis.plan_followups(self, self.ctx.ws, row.audit.id):
            self._changed("followups", row.audit.id)

    def start_visit(self) -> None:
        row = self.selected()
        if row is None or not row.open_findings:
            return
        self.visit_dialog = FollowupVisitDialog(self.ctx, row.audit.id, self)
        self.visit_dialog.visit_recorded.connect(
            lambda _v: self._changed("followups", row.audit.id)
        )
        self.visit_dialog.open()

    def _changed(self, kind: str, audit_id: str) -> None:
        self.data_changed.emit(kind)  # in the main window this reloads every page, this one too
        self.reload()
        self.select_audit(audit_id)

    def select_audit(self, audit_id: str) -> None:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if self.proxy.data(index, ROW_ROLE).audit.id == audit_id:
                self.table.selectRow(r)
                self.table.scrollTo(index)
                return

    def start_audit(self) -> None:
        dialog = StartAuditDialog(self.ctx, None, self)
        dialog.audit_started.connect(self.audit_started)
        dialog.open()
        self.start_dialog = dialog

    def audit_started(self, audit_id: str) -> None:
        """A new audit (started here or on the 企业 page): reload, select it and open it."""
        self.data_changed.emit("audits")
        self.reload()
        self.select_audit(audit_id)
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
        chosen = self.selected()  # a save anywhere reloads this page: the row chosen stays
        self.model.set_rows(rows)
        self.empty_hint.setVisible(not rows)
        if chosen is not None:
            self.select_audit(chosen.audit.id)
        self._update_buttons()
