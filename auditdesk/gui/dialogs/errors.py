"""User-error and crash dialogs."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError, Cancelled, DatabaseReplacedError

log = logging.getLogger(__name__)


def show_user_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


class CrashDialog(QDialog):
    """An unexpected error: say that saved data is safe, offer the details to copy."""

    def __init__(self, exc: BaseException, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("程序错误")
        layout = QVBoxLayout(self)
        where = f"详情已写入日志：{log_file}" if log_file else "详情如下。"
        intro = QLabel(
            "AuditDesk 遇到了一个程序缺陷，刚才的操作没有完成。已保存的数据不受影响。\n"
            f"{where}\n请把下面的详情复制给开发者。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        )
        self.details.setReadOnly(True)
        self.details.setMinimumSize(560, 200)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制详情", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.details.toPlainText())
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def report_failure(
    parent: QWidget | None, exc: BaseException, title: str, log_file: Path | None
) -> None:
    """Show a failure from a service or job: user errors as a message, bugs as a crash dialog."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, DatabaseReplacedError):
        stop_on_replaced_database(parent, exc)
        return
    if isinstance(exc, AuditDeskError):
        show_user_error(parent, title, exc.message)
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    CrashDialog(exc, log_file, parent).open()


EXIT_DATABASE_REPLACED = 3


def stop_on_replaced_database(parent: QWidget | None, exc: DatabaseReplacedError) -> None:
    """The database this window opened was replaced under it (a restore elsewhere): say so and
    end the application, so that nothing more is written into the file set aside."""
    log.error("database replaced under this process: %s", exc.message)
    QMessageBox.critical(parent, "数据库已被替换", f"{exc.message}\n\nAuditDesk 将关闭。")
    _quit(EXIT_DATABASE_REPLACED)


def _quit(code: int) -> None:
    QApplication.exit(code)
