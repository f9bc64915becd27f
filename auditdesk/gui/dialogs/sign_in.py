"""登录办公室服务器: user name, password, 记住密码; a refused password keeps the dialog open, an
unreachable server offers the local database instead."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.database import url_user, url_without_password, with_user
from auditdesk.errors import AuditDeskError, AuthenticationError, ServerUnreachableError
from auditdesk.services import database

log = logging.getLogger(__name__)

SERVER = "server"
LOCAL = "local"


class SignInDialog(QDialog):
    """Sign in to the office server at ``url``. After ``accept()``, :attr:`choice` is ``"server"``
    (:attr:`url` then names the signed-in user, whose password is kept by
    :func:`auditdesk.services.database.sign_in`) or ``"local"`` (the server did not answer and
    the user chose 改用本机数据库). ``reject()``: the user gave up (取消)."""

    def __init__(self, url: str, sslmode: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("登录办公室服务器")
        self.setMinimumWidth(460)
        self._sslmode = sslmode
        self.url = url
        self.choice = ""
        self.remember_warning = ""
        layout = QVBoxLayout(self)
        intro = QLabel("连接办公室的共享数据库，请以您自己的账号登录。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.server_label = QLabel(url_without_password(url))
        self.server_label.setObjectName("serverAddress")
        self.server_label.setWordWrap(True)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("服务器地址", self.server_label)
        self.user_edit = QLineEdit(url_user(url))
        self.user_edit.setObjectName("user")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("用户名", self.user_edit)
        form.addRow("密码", self.password_edit)
        self.remember_box = QCheckBox("记住密码（保存在系统钥匙串中）")
        form.addRow("", self.remember_box)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.local_button = QPushButton("改用本机数据库")
        self.local_button.setToolTip("打开本机数据目录中的数据库；办公室服务器上的数据不会显示")
        self.local_button.setAutoDefault(False)
        self.buttons.addButton(self.local_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.local_button.hide()
        cancel = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        layout.addWidget(self.buttons)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.local_button.clicked.connect(self.use_local)
        self.buttons.rejected.connect(self.reject)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def sign_in(self) -> bool:
        """Check the name and password with the server; accept on success. On a refusal the
        dialog stays with a Chinese message and the password cleared; an unreachable server also
        offers 改用本机数据库. Returns whether the sign-in succeeded."""
        try:
            url = with_user(self.url, self.user_edit.text())
        except AuditDeskError as exc:
            self._show(exc.message)
            self.user_edit.setFocus()
            return False
        password = self.password_edit.text()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            database.sign_in(
                url, password, remember=self.remember_box.isChecked(), sslmode=self._sslmode
            )
        except AuthenticationError as exc:
            self._show(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return False
        except ServerUnreachableError as exc:
            self._show(
                f"{exc.message}\n可以稍后重试登录，或改用本机数据库（办公室服务器上的数据不会显示）。"
            )
            self.local_button.show()
            return False
        except AuditDeskError as exc:
            if isinstance(exc, database.KeyringError):
                self.remember_warning = exc.message  # signed in; only 记住 failed
            else:
                self._show(exc.message)
                return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.url = url
        self.choice = SERVER
        self.accept()
        return True

    def use_local(self) -> None:
        self.choice = LOCAL
        self.accept()


__all__ = ["LOCAL", "SERVER", "SignInDialog"]
