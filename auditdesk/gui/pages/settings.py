"""Settings page: where the data lives, versions, demo data, backups, the union letters are issued by."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from auditdesk import __version__
from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.widgets import page_title
from auditdesk.models.followup import UNION_FIELDS
from auditdesk.services import backups, union


class SettingsPage(QWidget):
    demo_requested = Signal()
    backup_requested = Signal()
    restore_requested = Signal()
    towns_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # the page scrolls: its forms are taller than a laptop screen at 125 % (1093×582)
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addWidget(page_title("设置"))

        data_box = QGroupBox("数据")
        form = QFormLayout(data_box)
        paths = ctx.ws.paths
        self.data_dir_label = QLabel(str(paths.root))
        self.database_label = QLabel(str(paths.database))
        self.schema_label = QLabel()
        for label in (self.data_dir_label, self.database_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("数据目录", self.data_dir_label)
        form.addRow("数据库", self.database_label)
        form.addRow("数据结构版本", self.schema_label)
        form.addRow("程序版本", QLabel(f"AuditDesk {__version__}"))
        note = QLabel("身份证号、工资等个人信息只保存在本机的数据目录中，不会上传。")
        note.setWordWrap(True)
        form.addRow("", note)
        buttons = QHBoxLayout()
        self.open_dir_button = QPushButton("打开数据目录")
        self.demo_button = QPushButton("载入演示数据")
        buttons.addWidget(self.open_dir_button)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self._towns_button())
        buttons.addStretch(1)
        form.addRow("", buttons)
        layout.addWidget(data_box)

        backup_box = QGroupBox("备份")
        backup_form = QFormLayout(backup_box)
        self.latest_backup_label = QLabel()
        self.latest_backup_label.setWordWrap(True)
        backup_form.addRow("最近一次备份", self.latest_backup_label)
        rule = QLabel("每次启动和每天使用时自动备份，保留最近 7 天每天一份、最近 4 周每周一份；"
                      "手动备份不会自动删除。")  # fmt: skip
        rule.setWordWrap(True)
        backup_form.addRow("", rule)
        backup_buttons = QHBoxLayout()
        self.backup_button = QPushButton("备份到…")
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setAutoDefault(False)  # Enter never starts a restore
        backup_buttons.addWidget(self.backup_button)
        backup_buttons.addWidget(self.restore_button)
        backup_buttons.addStretch(1)
        backup_form.addRow("", backup_buttons)
        layout.addWidget(backup_box)
        layout.addWidget(self._union_box())
        layout.addStretch(1)
        scroll.setWidget(content)
        self.backup_button.clicked.connect(self.backup_requested)
        self.restore_button.clicked.connect(self.restore_requested)

        self.open_dir_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.root)))
        )
        self.demo_button.clicked.connect(self.demo_requested)
        self.reload()

    def _union_box(self) -> QGroupBox:
        """工会与函件: who issues the letters, contact, 文号 prefixes, 抄送 (stored in the database)."""
        box = QGroupBox("工会与函件")
        form = QFormLayout(box)
        self.union_fields: dict[str, QLineEdit] = {}
        for key, label in UNION_FIELDS.items():
            field = QLineEdit()
            field.setObjectName(f"union_{key}")
            self.union_fields[key] = field
            form.addRow(label, field)
        hint = QLabel(
            "函件落款、联系人和文号（如 马陆工监意〔2026〕第1号）取自这里，而不是企业所在镇。"
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.union_status = QLabel("")
        self.union_save = QPushButton("保存工会设置")
        self.union_save.clicked.connect(self.save_union)
        row = QHBoxLayout()
        row.addWidget(self.union_save)
        row.addWidget(self.union_status, 1)
        form.addRow("", row)
        return box

    def _towns_button(self) -> QPushButton:
        """街镇列表…: the towns the company editor and the dashboard offer (a dialog edits them)."""
        self.towns_button = QPushButton("街镇列表…")
        self.towns_button.setToolTip(
            "企业的所属街镇从此列表选择，看板按它统计；可添加、改名或合并写法不同的同一街镇"
        )
        self.towns_button.clicked.connect(self.open_towns)
        return self.towns_button

    def open_towns(self) -> None:
        from auditdesk.gui.dialogs.towns import TownsDialog

        self.towns_dialog = TownsDialog(self.ctx.ws, self)
        self.towns_dialog.towns_changed.connect(self.towns_changed)
        self.towns_dialog.open()

    def save_union(self) -> None:
        changes = {k: f.text() for k, f in self.union_fields.items()}
        try:
            union.set_union_settings(self.ctx.ws, changes)
        except AuditDeskError as exc:
            self.union_status.setText(exc.message)
            return
        self.union_status.setText("已保存。")

    def reload(self) -> None:
        current = union.get_union_settings(self.ctx.ws)
        for key, field in self.union_fields.items():
            field.setText(str(getattr(current, key)))
        self.schema_label.setText(str(self.ctx.ws.schema_version()))
        latest = backups.latest_backup(self.ctx.ws.paths)
        if latest is None:
            text = "还没有备份：点“备份到…”把数据备份到 U 盘或其他位置。"
        else:
            text = latest.describe() + (f"\n文件：{latest.path}" if latest.kind == "file" else "")
        self.latest_backup_label.setText(text)
