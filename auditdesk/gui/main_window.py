"""Main window: navigation 企业 / 体检 / 跟诊 / 法规参数 / 设置 over a stacked widget; one data_changed signal."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from auditdesk import __version__
from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.data_transfer import DataTransfer
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.pages.audits import AuditsPage
from auditdesk.gui.pages.companies import CompaniesPage
from auditdesk.gui.pages.dashboard import DashboardPage
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.gui.pages.params import ParamsPage
from auditdesk.gui.pages.settings import SettingsPage
from auditdesk.gui.worker import JobRunner
from auditdesk.services import companies, demo, followups
from auditdesk.services import database as db_service
from auditdesk.services.demo import DemoResult

log = logging.getLogger(__name__)

STYLE = """
QListWidget#nav { background: #f3f5f8; border: none; font-size: 15px; padding-top: 8px; }
QListWidget#nav::item { padding: 10px 16px; }
QListWidget#nav::item:selected { background: #dfe8f5; color: #1d4f91; }
QLabel#pageTitle { font-size: 20px; font-weight: bold; padding: 4px 0 8px 0; }
QLabel#emptyHint { color: #666; padding: 8px 0; }
"""

NAV_PAGES = ("企业", "体检", "跟诊", "看板", "法规参数", "设置")
REMINDER_PREFIX = "提醒："


class MainWindow(QMainWindow):
    data_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = JobRunner(self, ctx.pool)
        self.transfer = DataTransfer(ctx, self, self.runner)
        self.database = db_service.open_database(ctx.ws)
        # ends with the application's display name, so Qt appends nothing (it would repeat it)
        self.setWindowTitle(f"{self.database.title()} · {__version__} 版 — AuditDesk 用工体检台")
        self.setStyleSheet(STYLE)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(120)
        for name in NAV_PAGES:
            item = QListWidgetItem(name)
            item.setSizeHint(QSize(110, 44))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.companies_page = CompaniesPage(ctx)
        self.audits_page = AuditsPage(ctx)
        self.followups_page = FollowupsPage(ctx)
        self.dashboard_page = DashboardPage(ctx)
        self.params_page = ParamsPage(ctx)
        self.settings_page = SettingsPage(ctx)
        for page in self.pages():
            self.stack.addWidget(page)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 8, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self._build_menu()
        # a widget, not a temporary message: a hovered menu item or 已备份到… would clear that
        self.where_label = QLabel(
            f"数据库：{self.database.where}"
            if self.database.is_server
            else f"数据目录：{ctx.ws.paths.root}"
        )
        self.statusBar().addWidget(self.where_label)
        self.backup_warning = QLabel("")
        self.backup_warning.setObjectName("backupWarningStatus")
        self.backup_warning.setStyleSheet("color: #b00020; font-weight: bold; padding: 0 6px;")
        self.backup_warning.hide()
        self.statusBar().addPermanentWidget(self.backup_warning)
        self.refresh_backup_warning()
        self._tray: QSystemTrayIcon | None = None
        self._reminded_on = date.today()
        self._day_timer = QTimer(self)  # the app stays open for days on an office PC
        self._day_timer.setInterval(30 * 60 * 1000)
        self._day_timer.timeout.connect(self._check_date)
        self._day_timer.start()

        self.companies_page.data_changed.connect(self.data_changed)
        self.audits_page.data_changed.connect(self.data_changed)
        self.companies_page.audit_started.connect(self._audit_started)
        self.followups_page.data_changed.connect(self.data_changed)
        self.settings_page.demo_requested.connect(self.load_demo)
        self.settings_page.towns_changed.connect(lambda: self.data_changed.emit("companies"))
        self.settings_page.backup_requested.connect(lambda: self.transfer.backup_to_dialog())
        self.settings_page.restore_requested.connect(lambda: self.transfer.restore())
        self.transfer.backups_changed.connect(self.settings_page.reload)
        self.transfer.backups_changed.connect(self.refresh_backup_warning)
        self.transfer.data_changed.connect(self.data_changed)
        self.transfer.status.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.data_changed.connect(self._reload_pages)

        self._gui_state = QSettings(str(ctx.ws.paths.gui_state), QSettings.Format.IniFormat)
        geometry = self._gui_state.value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            # 1100×680 unless the screen is smaller: 1366×768 at 125 % leaves about 1092×582
            # (taskbar and title bar), and a larger window hides the status bar off-screen
            free = self.screen().availableGeometry()
            self.resize(min(1100, free.width()), min(680, free.height() - 40))

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        new_company = QAction("新建企业(&N)", self)
        new_company.setShortcut(QKeySequence.StandardKey.New)
        new_company.triggered.connect(self._new_company)
        file_menu.addAction(new_company)
        demo_action = QAction("载入演示数据", self)
        demo_action.triggered.connect(self.load_demo)
        file_menu.addAction(demo_action)
        file_menu.addSeparator()
        for text, slot in (
            ("导出案卷(&E)…", lambda: self.transfer.export_case(self._selected_company_id())),
            ("导入案卷(&I)…", lambda: self.transfer.import_case()),
            (None, None),
            ("备份到(&B)…", lambda: self.transfer.backup_to_dialog()),
            ("从备份恢复(&R)…", lambda: self.transfer.restore()),
        ):
            if text is None:
                file_menu.addSeparator()
                continue
            action = QAction(text, self)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction("退出(&Q)", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        about = QAction("关于 AuditDesk", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _selected_company_id(self) -> str | None:
        summary = self.companies_page.selected()
        return summary.company.id if summary is not None else None

    def _audit_started(self, audit_id: str) -> None:
        self.nav.setCurrentRow(1)
        self.audits_page.audit_started(audit_id)

    def _new_company(self) -> None:
        self.nav.setCurrentRow(0)
        self.companies_page.add_company()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "关于 AuditDesk",
            f"AuditDesk 用工体检台 {__version__}\n\n"
            "供工会干部与劳动法律师开展企业用工“专家三诊”：问诊、查诊、会诊与跟诊。\n"
            f"数据目录：{self.ctx.ws.paths.root}\n数据库：{self.database.title()}",
        )

    def pages(self) -> tuple[QWidget, ...]:
        """The pages in navigation order."""
        return (self.companies_page, self.audits_page, self.followups_page, self.dashboard_page,
                self.params_page, self.settings_page)  # fmt: skip

    def _reload_pages(self, kind: str) -> None:
        for page in self.pages():
            page.reload()  # type: ignore[attr-defined]
        self._refresh_reminder()
        self.refresh_backup_warning()

    def refresh_backup_warning(self) -> str | None:
        """The status bar's (and the 看板 page's) warning for an administrator signed in to a server
        whose last backup is missing or older than 36 hours; returns its text."""
        text = self.dashboard_page.show_backup_warning()
        # the status bar gets the headline (a 1092 px window has room for little else), the
        # tooltip the whole warning
        self.backup_warning.setText(text.split("（")[0].split("：")[0] if text else "")
        self.backup_warning.setToolTip(
            f"{text}\n设置 → 备份 → 备份到… 可立即备份。" if text else ""
        )
        self.backup_warning.setVisible(bool(text))
        return text

    def _refresh_reminder(self) -> None:
        """After a change (a 跟诊 recorded, a deadline moved) the status bar's 提醒 counts follow the
        跟诊 page, and go when nothing is due; a passing message (已恢复…) is left alone."""
        shown = self.statusBar().currentMessage()
        if shown and not shown.startswith(REMINDER_PREFIX):
            return
        text = self._reminder_text()
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    # ------------------------------------------------------------ demo data
    # ------------------------------------------------------------ reminders
    def remind(self) -> str:
        """What is due today or overdue: in the status bar, and as a tray notification where the
        platform has a tray. Run on start and whenever the date changes while the app is open."""
        self._reminded_on = date.today()
        text = self._reminder_text()
        if not text:
            return ""
        self.statusBar().showMessage(text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(self.windowIcon(), self)
                self._tray.show()
            self._tray.showMessage("AuditDesk 跟诊提醒", text)
        return text

    def _reminder_text(self) -> str:
        try:
            counts = followups.due_page(self.ctx.ws, today=date.today(), within_days=0, limit=0)
        except AuditDeskError:
            return ""
        if not counts.total:
            return ""
        overdue = counts.overdue
        today = counts.total - overdue
        return f"{REMINDER_PREFIX}{overdue} 项已逾期，{today} 项今天到期（见“跟诊”页）"

    def _check_date(self) -> None:
        if date.today() != self._reminded_on:
            self.followups_page.reload()
            self.remind()
            self.transfer.auto_backup(startup=False)
            self.refresh_backup_warning()

    def offer_demo_if_empty(self) -> bool:
        """On first start with an empty database, offer the demo company. Returns True if offered."""
        prefs = self.ctx.ws.preferences()
        empty = companies.count_companies(self.ctx.ws) == 0
        if not empty or prefs.demo_offer_declined:
            return False
        if confirm(
            self,
            "欢迎使用 AuditDesk",
            "数据库中还没有企业。\n\n要载入一家演示企业（嘉定区的汽车零部件制造商，含一项进行中的"
            "用工体检）来熟悉功能吗？\n演示数据以后可以随时删除。",
        ):
            self.load_demo()
        else:
            self.ctx.ws.save_preferences(prefs.model_copy(update={"demo_offer_declined": True}))
        return True

    def load_demo(self) -> None:
        self.runner.start(
            demo.load_demo,
            self.ctx.ws,
            title="正在载入演示数据",
            on_finished=self._demo_loaded,
            on_failed=lambda exc: report_failure(self, exc, "无法载入演示数据", self._log_file()),
        )

    def _demo_loaded(self, result: DemoResult) -> None:
        self.data_changed.emit("companies")
        self.nav.setCurrentRow(0)
        self.companies_page.select_company(result.company.id)
        message = "已载入演示数据。" if result.created else "演示数据已存在，未重复创建。"
        self.statusBar().showMessage(message, 8000)

    def _log_file(self) -> Path:
        return self.ctx.ws.paths.logs / "auditdesk.log"

    def closeEvent(self, event: QCloseEvent) -> None:
        # The app quits with this window: the audit windows save their edits first, and
        # edits that cannot be saved keep both open (the message says why).
        if not self.audits_page.close_windows():
            event.ignore()
            return
        if self.runner.running():
            self.ctx.pool.waitForDone(10_000)
        self._gui_state.setValue("main/geometry", self.saveGeometry())
        self._gui_state.sync()
        super().closeEvent(event)


__all__ = ["MainWindow"]
