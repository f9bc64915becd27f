"""Case files and backups in the GUI: export a company's case, preview an import with its conflicts
side by side, choose a backup to restore. The work itself is the services'; these only ask."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditdesk.gui.context import AppContext
from auditdesk.gui.widgets import company_combo
from auditdesk.services import audits, backups
from auditdesk.services.backups import BackupInfo
from auditdesk.services.cases import CASE_SUFFIX, ImportPlan, Prefer

MIN_PASSPHRASE = 8
FIELD_LABELS = {
    "title": "标题", "name": "名称", "status": "状态", "facts": "事实", "remedy": "整改建议",
    "severity": "严重程度", "owner": "负责人", "due_date": "整改期限", "result": "结果",
    "note": "备注", "contact_name": "联系人", "contact_phone": "联系电话", "address": "地址",
    "money_at_stake": "涉及金额", "money_kind": "金额类别", "planned_on": "计划日期", "replied_on": "答复日期",
}  # fmt: skip


class CaseExportDialog(QDialog):
    """Company, which audits, where to, and an optional passphrase (typed twice)."""

    def __init__(
        self, ctx: AppContext, company_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导出案卷")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.company = company_combo(ctx.ws, company_id)
        self.audit_list = QListWidget()
        self.audit_list.setMaximumHeight(140)
        self.path = QLineEdit()
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.encrypt = QCheckBox("用口令加密（通过 U 盘或电子邮件传递时建议勾选）")
        self.encrypt.setChecked(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"至少 {MIN_PASSPHRASE} 个字符，请另行告知接收方")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        form.addRow("企业", self.company)
        form.addRow("包含的体检", self.audit_list)
        form.addRow("保存到", path_row)
        form.addRow("", self.encrypt)
        form.addRow("口令", self.passphrase)
        form.addRow("再输入一次", self.confirm)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.company.currentIndexChanged.connect(self._fill_audits)
        self.encrypt.toggled.connect(self._toggle_passphrase)
        self._fill_audits()

    def _fill_audits(self) -> None:
        self.audit_list.clear()
        company_id = self.company.currentData()
        if company_id is None:
            return
        for summary in audits.list_audits(self.ctx.ws, company_id):
            a = summary.audit
            item = QListWidgetItem(
                f"{a.title or '用工体检'}（{a.started_on or ''}，问题 {summary.finding_count} 条）"
            )
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.audit_list.addItem(item)
        name = self.company.currentText()
        folder = Path(self.path.text()).parent if self.path.text() else Path.home()
        self.path.setText(str(folder / f"{name}{CASE_SUFFIX}"))

    def _toggle_passphrase(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.confirm.setEnabled(on)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存案卷", self.path.text(), f"AuditDesk 案卷 (*{CASE_SUFFIX})"
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(CASE_SUFFIX) else chosen + CASE_SUFFIX)

    def audit_ids(self) -> list[str]:
        return [
            str(self.audit_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.audit_list.count())
            if self.audit_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def chosen_passphrase(self) -> str | None:
        return self.passphrase.text() if self.encrypt.isChecked() else None

    def problem(self) -> str:
        if self.company.currentData() is None:
            return "还没有企业可以导出。"
        if self.audit_list.count() and not self.audit_ids():
            return "请至少勾选一次体检。"
        if not self.path.text().strip():
            return "请选择保存位置。"
        if self.encrypt.isChecked():
            if len(self.passphrase.text()) < MIN_PASSPHRASE:
                return f"口令至少 {MIN_PASSPHRASE} 个字符。"
            if self.passphrase.text() != self.confirm.text():
                return "两次输入的口令不一致。"
        return ""

    def _accept(self) -> None:
        message = self.problem()
        self.error.setText(message)
        if not message:
            self.accept()


class BackupFileDialog(QDialog):
    """备份到…: where to, and a passphrase (encryption on by default: the file holds every ID
    number and wage in the data dir)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("备份到文件")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.path = QLineEdit(str(Path.home() / f"AuditDesk备份{backups.BACKUP_SUFFIX}"))
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.encrypt = QCheckBox("用口令加密（备份含全部身份证号、工资等个人信息，建议勾选）")
        self.encrypt.setChecked(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"至少 {MIN_PASSPHRASE} 个字符；忘记口令将无法恢复")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.warning = QLabel("未加密的备份文件任何人拿到都能读出其中的个人信息。")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020")
        self.warning.setVisible(False)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        form.addRow("保存到", path_row)
        form.addRow("", self.encrypt)
        form.addRow("口令", self.passphrase)
        form.addRow("再输入一次", self.confirm)
        form.addRow("", self.warning)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("备份")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.encrypt.toggled.connect(self._toggle_passphrase)

    def _toggle_passphrase(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.confirm.setEnabled(on)
        self.warning.setVisible(not on)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "备份到", self.path.text(), f"AuditDesk 备份 (*{backups.BACKUP_SUFFIX})"
        )
        if chosen:
            suffix = backups.BACKUP_SUFFIX
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)

    def target(self) -> Path:
        return Path(self.path.text().strip())

    def chosen_passphrase(self) -> str | None:
        return self.passphrase.text() if self.encrypt.isChecked() else None

    def problem(self) -> str:
        if not self.path.text().strip():
            return "请选择保存位置。"
        if self.encrypt.isChecked():
            if len(self.passphrase.text()) < MIN_PASSPHRASE:
                return f"口令至少 {MIN_PASSPHRASE} 个字符。"
            if self.passphrase.text() != self.confirm.text():
                return "两次输入的口令不一致。"
        return ""

    def _accept(self) -> None:
        message = self.problem()
        self.error.setText(message)
        if not message:
            self.accept()


class CaseImportDialog(QDialog):
    """The dry run's plan; conflicts side by side, each with a 本机 / 文件 choice."""

    def __init__(self, plan: ImportPlan, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入案卷：{file_name}")
        self.resize(860, 460)
        layout = QVBoxLayout(self)
        summary = QLabel(plan.summary())
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["记录", "字段", "本机", "案卷文件", "采用"])
        self._combos: list[tuple[str, QComboBox]] = []
        if plan.conflicts:
            hint = QLabel("以下记录在两边都被修改过，请逐条选择以哪一方为准：")
            layout.addWidget(hint)
            for conflict in plan.conflicts:
                combo = QComboBox()
                combo.addItem("本机", "mine")
                combo.addItem("案卷文件", "theirs")
                self._combos.append((conflict.ref, combo))
                first = True
                for diff in conflict.diffs or ():
                    row = self.table.rowCount()
                    self.table.insertRow(row)
                    label = f"{conflict.label}「{conflict.description}」" if first else ""
                    cells = [
                        label,
                        FIELD_LABELS.get(diff.field, diff.field),
                        _text(diff.mine),
                        _text(diff.theirs),
                    ]
                    for col, text in enumerate(cells):
                        item = QTableWidgetItem(text)
                        item.setToolTip(text)
                        self.table.setItem(row, col, item)
                    if first:
                        self.table.setCellWidget(row, 4, combo)
                    first = False
            header = self.table.horizontalHeader()
            modes = [QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.ResizeToContents,
                     QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch,
                     QHeaderView.ResizeMode.ResizeToContents]  # fmt: skip
            for col, mode in enumerate(modes):
                header.setSectionResizeMode(col, mode)
            self.table.setColumnWidth(0, 200)
            self.table.setWordWrap(True)  # long facts and remedies are read in full, side by side
            self.table.resizeRowsToContents()
            layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导入")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> dict[str, Prefer]:
        return {ref: combo.currentData() for ref, combo in self._combos}


def _text(value: object) -> str:
    return "（空）" if value in (None, "") else str(value)


class RestoreDialog(QDialog):
    """Pick a snapshot from the list, or a ``.adbackup`` file."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.resize(640, 380)
        self.chosen: BackupInfo | Path | None = None
        layout = QVBoxLayout(self)
        note = QLabel(
            "恢复前会先检查备份是否完好；当前数据库会被移到 backups/replaced 中保存，不会丢失。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = QListWidget()
        self.items: list[BackupInfo | Path] = []
        """What each row restores: a snapshot, or a "备份到…" file (by its path)."""
        found = backups.list_backups(ctx.ws.paths) + backups.exported_backups(ctx.ws.paths)
        for info in sorted(found, key=lambda b: b.created, reverse=True):
            text = info.describe()
            if info.kind == "file":
                text += f"\n    {info.path}"
                self.items.append(info.path)
            else:
                self.items.append(info)
            self.list.addItem(text)
        if not self.items:
            self.list.addItem("（还没有备份）")
            self.list.setEnabled(False)
        layout.addWidget(self.list, 1)
        from_file = QPushButton("从备份文件恢复…")
        from_file.clicked.connect(self._from_file)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("恢复所选备份")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        buttons.addButton(from_file, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        # nothing is preselected and no button restores on Enter: a restore is always chosen
        self.buttons = buttons
        self._no_default_button()
        self.ok_button.setEnabled(False)
        self.list.setCurrentRow(-1)
        self.list.itemSelectionChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.items and self.list.selectedItems()))
        )

    def _no_default_button(self) -> None:
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._no_default_button()  # the button box makes its OK button the default when shown

    def _accept(self) -> None:
        row = self.list.currentRow()
        if self.items and row >= 0 and self.list.selectedItems():
            self.chosen = self.items[row]
            self.accept()

    def _from_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(Path.home()),
                                                f"AuditDesk 备份 (*{backups.BACKUP_SUFFIX})")  # fmt: skip
        if chosen:
            self.chosen = Path(chosen)
            self.accept()


def ask_passphrase(parent: QWidget | None, file_name: str, *, again: bool = False) -> str | None:
    """The passphrase of a sealed file, or ``None`` when the user cancels."""
    what = "备份文件" if file_name.endswith(backups.BACKUP_SUFFIX) else "案卷"
    prompt = (
        "口令错误，请重新输入" if again else f"此{what}已加密，请输入口令"
    ) + f"：\n{file_name}"
    text, ok = QInputDialog.getText(parent, "输入口令", prompt, QLineEdit.EchoMode.Password)
    return text if ok and text else None
