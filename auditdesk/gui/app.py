"""GUI start-up: QApplication, Qt's zh_CN translation, CJK font, crash dialog, main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from auditdesk.database import url_without_password
from auditdesk.errors import (
    AuditDeskError,
    AuthenticationError,
    DatabaseCorruptError,
    DatabaseReplacedError,
    ServerUnreachableError,
)
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import CrashDialog, stop_on_replaced_database
from auditdesk.gui.dialogs.sign_in import LOCAL, SignInDialog
from auditdesk.gui.gc_guard import install_gc_guard
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.wheel_guard import install_wheel_guard
from auditdesk.gui.worker import JobRunner
from auditdesk.paths import DataPaths, resolve_data_dir, shipped_dir
from auditdesk.services import backups, changelog
from auditdesk.services import database as db_service
from auditdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

# First one installed wins; these are the usual CJK UI fonts on Windows, macOS and Linux.
UI_FONTS = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
]


def configure_application(app: QApplication) -> None:
    """Chinese standard buttons (下一步/取消), a CJK UI font, names and icon; the mouse wheel
    scrolls pages, never an unfocused drop-down or spin box (:mod:`auditdesk.gui.wheel_guard`);
    the cycle collector runs on the GUI thread only (:mod:`auditdesk.gui.gc_guard`)."""
    install_wheel_guard(app)
    install_gc_guard(app)
    app.setApplicationName("AuditDesk")
    app.setApplicationDisplayName("AuditDesk 用工体检台")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)
    else:
        log.warning("Qt's zh_CN translation not found; standard buttons stay English")
    font = QFont(app.font())
    font.setFamilies(UI_FONTS)
    font.setPointSize(max(font.pointSize(), 10))
    app.setFont(font)
    try:
        icon = shipped_dir("resources") / "auditdesk.svg"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
    except AuditDeskError:
        log.warning("resources folder missing; no window icon")


def _install_excepthook(log_file: Path | None) -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, DatabaseReplacedError) and QApplication.instance() is not None:
            stop_on_replaced_database(None, exc)
            return
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if QApplication.instance() is not None:
            CrashDialog(exc, log_file).exec()

    sys.excepthook = hook


def run_on_pool(fn: Callable[[], Any], title: str) -> Any:
    """Before the main window exists: run ``fn`` on a job pool (with the delayed progress
    dialog) while a local event loop keeps the application responsive; return or raise its
    outcome."""
    runner = JobRunner()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def settle(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    runner.start(
        lambda progress, cancel: fn(),
        title=title,
        on_finished=lambda result: settle("result", result),
        on_failed=lambda exc: settle("error", exc),
    )
    loop.exec()  # the job's signals are queued: they arrive inside this loop, never before it
    runner.pool.waitForDone()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def open_with_recovery(
    data_dir: str | Path | None, database: str | None = None
) -> Workspace | None:
    """Open the data dir with a full integrity check; a damaged database is offered a restore of
    the latest good backup (the damaged file is kept aside). ``None`` when the user gives up.
    ``database`` as :meth:`Workspace.open` (``"sqlite"``: the local file whatever is configured)."""
    try:
        return Workspace.open(data_dir, check_integrity=True, database=database)
    except DatabaseCorruptError as exc:
        paths = DataPaths(resolve_data_dir(data_dir))
        latest = run_on_pool(lambda: backups.find_latest_good(paths), "正在查找完好的备份")
        skipped = "".join(f"\n{line}" for line in latest.skipped_lines())
        good = latest.good
        if good is None:
            QMessageBox.critical(
                None, "数据库已损坏", f"{exc.message}\n\n没有找到可用的备份。{skipped}"
            )
            return None
        if not confirm(
            None,
            "数据库已损坏",
            f"{exc.message}\n\n要从最近的完好备份恢复吗？\n{good.describe()}{skipped}\n\n"
            "损坏的数据库会保存在 backups/replaced 中，不会删除。",
        ):
            return None
        try:
            run_on_pool(lambda: backups.restore_backup(paths, good), "正在从备份恢复")
            return Workspace.open(data_dir, check_integrity=True, database=database)
        except AuditDeskError as again:
            QMessageBox.critical(None, "恢复失败", again.message)
            return None
    except AuditDeskError as exc:
        QMessageBox.critical(None, "无法打开 AuditDesk 数据", exc.message)
        return None


LOCAL_DATABASE = "sqlite"


def open_for_gui(data_dir: str | Path | None, database: str | None = None) -> Workspace | None:
    """Open the database a start should open (``--database`` > ``AUDITDESK_DATABASE`` > 设置 →
    数据库 > the local file). A server without a known password asks for one (登录办公室服务器);
    a refused one asks again; an unreachable server offers 重试 or the local database. ``None``
    when the user gives up (or the database cannot be opened, which was shown)."""
    try:
        choice = db_service.configured_database(data_dir, database)
    except AuditDeskError as exc:
        QMessageBox.critical(None, "无法打开 AuditDesk 数据", exc.message)
        return None
    if choice.url is None:
        return open_with_recovery(data_dir, LOCAL_DATABASE)
    url = choice.url
    while True:
        if db_service.needs_sign_in(url):
            dialog = SignInDialog(url, choice.sslmode)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            if dialog.choice == LOCAL:
                return open_with_recovery(data_dir, LOCAL_DATABASE)
            if dialog.remember_warning:
                QMessageBox.warning(None, "未能记住密码", dialog.remember_warning)
            url = dialog.url
            try:
                db_service.keep_signed_in_user(data_dir, choice, url)
            except OSError as exc:  # the sign-in stands; only next start's user name is lost
                log.warning("could not save the signed-in user: %s", exc)
        try:
            return Workspace.open(data_dir, database=url)
        except AuthenticationError:
            url = url_without_password(url)  # a wrong password in the URL: ask for the right one
            continue
        except ServerUnreachableError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "无法连接办公室服务器", exc.message)
            retry = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
            local = box.addButton("改用本机数据库", QMessageBox.ButtonRole.ActionRole)
            box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is retry:
                continue
            if box.clickedButton() is local:
                return open_with_recovery(data_dir, LOCAL_DATABASE)
            return None
        except AuditDeskError as exc:
            QMessageBox.critical(None, "无法打开 AuditDesk 数据", exc.message)
            return None


def run_gui(data_dir: str | Path | None = None, database: str | None = None) -> int:
    """Open the main window on ``data_dir`` and the configured database (``database``: the
    ``--database`` option); return the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    ws = open_for_gui(data_dir, database)
    if ws is None:
        return 2
    _install_excepthook(ws.paths.logs / "auditdesk.log")
    window = MainWindow(AppContext(ws))
    window.show()
    for warning in ws.warnings:  # the window is up; the user reads why something is amiss
        QTimer.singleShot(0, lambda text=warning: QMessageBox.warning(window, "磁盘空间不足", text))
    QTimer.singleShot(0, window.offer_demo_if_empty)
    QTimer.singleShot(500, window.remind)
    if not ws.is_server:  # a server is backed up by its administrator (pg_dump)
        QTimer.singleShot(1500, lambda: window.transfer.auto_backup(startup=True))
    QTimer.singleShot(2500, lambda: changelog.apply_retention(ws))  # 修改记录保留期限, if set
    _smoke_test_hook(app, window)
    try:
        return app.exec()
    finally:
        ws.close()


SMOKE_SHOT_ENV = "AUDITDESK_SMOKE_SHOT"
"""For the bundle's smoke test (tests/bundle): a PNG path. The app writes ``<path>.shown`` once the
main window is up, a screenshot of the window to ``<path>`` after ``AUDITDESK_SMOKE_SECONDS``
(default 3), and quits."""


def _smoke_test_hook(app: QApplication, window: MainWindow) -> None:
    shot = os.environ.get(SMOKE_SHOT_ENV)
    if not shot:
        return
    target = Path(shot)
    seconds = float(os.environ.get("AUDITDESK_SMOKE_SECONDS", "3"))

    def shown() -> None:
        target.with_name(target.name + ".shown").write_text("", encoding="utf-8")

    def finish() -> None:
        window.grab().save(str(target), "PNG")
        app.quit()

    QTimer.singleShot(0, shown)
    QTimer.singleShot(int(seconds * 1000), finish)


def main() -> int:
    """Entry point of the ``auditdesk-gui`` launcher (no console on Windows)."""
    return run_gui(None)
