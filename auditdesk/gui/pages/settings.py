"""Settings page: where the data lives, which database (local file or office server), versions,
demo data, backups, users and assignments (office server only), the union letters are issued by."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from auditdesk import __version__
from auditdesk.database import ENV_DATABASE
from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.users import UsersBox
from auditdesk.gui.widgets import page_title
from auditdesk.models.followup import UNION_FIELDS
from auditdesk.services import backups, server_backups, union
from auditdesk.services import database as db_service
from auditdesk.services.workspace import SERVER_BACKUP_MESSAGE

TLS_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("默认（能加密就加密）", None),
    ("要求加密 require", "require"),
    ("加密并验证证书 verify-ca", "verify-ca"),
    ("加密并验证证书和主机名 verify-full", "verify-full"),
    ("不加密 disable（仅限本机或内网测试）", "disable"),
)
"""设置 → 数据库 → TLS 加密: the label and libpq's sslmode (``None``: leave it to the URL)."""


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
        opened = db_service.open_database(ctx.ws)
        self.data_dir_label = QLabel(str(paths.root))
        self.database_label = QLabel(opened.where if opened.is_server else str(paths.database))
        self.schema_label = QLabel()
        for label in (self.data_dir_label, self.database_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("数据目录", self.data_dir_label)
        form.addRow("数据库", self.database_label)
        form.addRow("数据结构版本", self.schema_label)
        form.addRow("程序版本", QLabel(f"AuditDesk {__version__}"))
        note = QLabel(
            "身份证号、工资等个人信息保存在办公室服务器的数据库中；本机数据目录只存日志和设置。"
            if opened.is_server
            else "身份证号、工资等个人信息只保存在本机的数据目录中，不会上传。"
        )
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
        layout.addWidget(self._database_box())

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
        self.backup_reason = QLabel("")
        self.backup_reason.setObjectName("backupReason")
        self.backup_reason.setWordWrap(True)
        self.backup_reason.hide()
        backup_form.addRow("", self.backup_reason)
        if opened.is_server:
            refusal = server_backups.backup_refusal(ctx.ws)
            if refusal is None:
                rule.setText(
                    "服务器数据库应由服务器上的每日定时任务备份（见 README“部署 → 备份”）。"
                    "“备份到…”用 pg_dump 把整个数据库写到您选择的文件夹；"
                    "“从备份恢复…”只恢复到新建的空数据库，不会改动正在使用的数据库。"
                )
                self.backup_button.setToolTip("pg_dump 备份整个服务器数据库到一个文件夹")
                self.restore_button.setToolTip("把服务器数据库的备份恢复到一个新建的空数据库")
            else:
                rule.hide()
                for button in (self.backup_button, self.restore_button):
                    button.setEnabled(False)
                    button.setToolTip(refusal)
                self.backup_reason.setText(f"不可用：{refusal}")
                self.backup_reason.show()
        layout.addWidget(backup_box)
        self.users_box: UsersBox | None = None
        if opened.is_server:  # 用户与分配: accounts exist only on the office server
            self.users_box = UsersBox(ctx.ws)
            layout.addWidget(self.users_box)
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

    def _database_box(self) -> QGroupBox:
        """数据库: 本机数据库 or 办公室服务器 (URL, TLS), 测试连接, 保存 (used from the next start)."""
        box = QGroupBox("数据库")
        box.setObjectName("databaseBox")
        form = QFormLayout(box)
        self.local_radio = QRadioButton("本机数据库（数据目录中的文件，不需要网络）")
        self.server_radio = QRadioButton("办公室服务器（共享的 PostgreSQL 数据库）")
        choice = QButtonGroup(box)
        choice.addButton(self.local_radio)
        choice.addButton(self.server_radio)
        form.addRow("启动时使用", self.local_radio)
        form.addRow("", self.server_radio)
        self.server_url_edit = QLineEdit()
        self.server_url_edit.setObjectName("serverUrl")
        self.server_url_edit.setPlaceholderText("postgresql+psycopg://用户名@服务器:5432/auditdesk")
        form.addRow("服务器地址", self.server_url_edit)
        self.tls_combo = QComboBox()
        self.tls_combo.setObjectName("tlsMode")
        for label, mode in TLS_CHOICES:
            self.tls_combo.addItem(label, mode)
        form.addRow("TLS 加密", self.tls_combo)
        self.test_password_edit = QLineEdit()
        self.test_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_password_edit.setPlaceholderText("仅用于测试连接，不保存")
        form.addRow("密码", self.test_password_edit)
        self.database_status = QLabel("")
        self.database_status.setObjectName("databaseStatus")
        self.database_status.setWordWrap(True)
        self.database_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        self.test_connection_button = QPushButton("测试连接")
        self.save_database_button = QPushButton("保存")
        self.save_database_button.setAutoDefault(False)
        row.addWidget(self.test_connection_button)
        row.addWidget(self.save_database_button)
        row.addStretch(1)
        form.addRow("", row)
        form.addRow("", self.database_status)
        hint = QLabel(
            f"当前：{db_service.open_database(self.ctx.ws).title()}。"
            "更改在下次启动 AuditDesk 时生效；连接服务器时要求以您自己的账号登录，密码不写入设置。"
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.local_radio.toggled.connect(self._database_choice_toggled)
        self.test_connection_button.clicked.connect(self.test_connection)
        self.save_database_button.clicked.connect(self.save_database)
        self._load_database_choice()
        return box

    def _load_database_choice(self) -> None:
        prefs = self.ctx.ws.preferences()
        self.server_url_edit.setText(prefs.database_url or "")
        index = self.tls_combo.findData(prefs.database_sslmode)
        self.tls_combo.setCurrentIndex(max(index, 0))
        (self.server_radio if prefs.database_url else self.local_radio).setChecked(True)
        self._database_choice_toggled()
        if os.environ.get(ENV_DATABASE, "").strip():
            self.database_status.setText(
                f"注意：环境变量 {ENV_DATABASE} 已指定数据库，它优先于这里的设置。"
            )
        elif db_service.open_database(self.ctx.ws).is_server != bool(prefs.database_url):
            opened = "办公室服务器" if self.ctx.ws.is_server else "本机数据库"
            saved = "办公室服务器" if prefs.database_url else "本机数据库"
            self.database_status.setText(
                f"注意：本次打开的是{opened}（启动时指定）；这里是保存的设置，下次启动时使用{saved}。"
            )

    def _database_choice_toggled(self) -> None:
        server = self.server_radio.isChecked()
        for widget in (self.server_url_edit, self.tls_combo, self.test_password_edit,
                       self.test_connection_button):  # fmt: skip
            widget.setEnabled(server)

    def test_connection(self) -> bool:
        """Connect to the server typed in (URL, TLS, the password typed for the test) and show
        what answered or why not. Returns whether it connected."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            text = db_service.check_connection(
                self.server_url_edit.text(),
                password=self.test_password_edit.text() or None,
                sslmode=self.tls_combo.currentData(),
            )
        except AuditDeskError as exc:
            self.database_status.setText(f"连接失败：{exc.message}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.database_status.setText(text)
        return True

    def save_database(self) -> bool:
        """Save the choice for the next start (never a password). Returns whether it was saved."""
        server = self.server_radio.isChecked()
        try:
            db_service.choose_database(
                self.ctx.ws,
                self.server_url_edit.text() if server else None,
                self.tls_combo.currentData() if server else None,
            )
        except AuditDeskError as exc:
            self.database_status.setText(exc.message)
            return False
        where = "办公室服务器" if server else "本机数据库"
        self.database_status.setText(f"已保存：下次启动时使用{where}。")
        self._load_database_choice()
        return True

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
        if self.users_box is not None:
            self.users_box.reload()
        if self.ctx.ws.is_server:  # the office's last backup, as the database records it
            try:
                status = server_backups.backup_status(self.ctx.ws)
            except AuditDeskError:
                self.latest_backup_label.setText(SERVER_BACKUP_MESSAGE)
                return
            warning = status.warning()
            self.latest_backup_label.setText(
                f"服务器数据库：{status.describe()}" + (f"\n注意：{warning}" if warning else "")
            )
            return
        latest = backups.latest_backup(self.ctx.ws.paths)
        if latest is None:
            text = "还没有备份：点“备份到…”把数据备份到 U 盘或其他位置。"
        else:
            text = latest.describe() + (f"\n文件：{latest.path}" if latest.kind == "file" else "")
        self.latest_backup_label.setText(text)
