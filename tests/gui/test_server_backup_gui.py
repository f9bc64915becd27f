"""设置 → 备份 on a shared server (issue 20.7): an administrator backs up with pg_dump on the job
pool into a chosen folder and restores into a NEW database, then may switch to it; others see the
buttons disabled with the reason. The 看板 page and the status bar warn an administrator when the
last backup is missing or older than 36 hours. Real pg_dump / pg_restore against the test
cluster (skipped without one)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from sqlalchemy.engine import make_url

from auditdesk.gui import data_transfer
from auditdesk.gui.app import configure_application
from auditdesk.gui.context import AppContext
from auditdesk.gui.main_window import MainWindow
from auditdesk.models.common import utcnow
from auditdesk.models.company import CompanyInput
from auditdesk.models.user import OfficeRole
from auditdesk.services import companies, server_backups
from auditdesk.services.workspace import Workspace
from tests.conftest import PgServer
from tests.core.test_server_roles import Office, office  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgresql_only("backups of a server database")


def _ctx(ws: Workspace, qapp: Any) -> AppContext:
    configure_application(qapp)
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    return AppContext(ws, pool)


@pytest.fixture
def server_ctx(pg_database: str, tmp_path: Path, qapp: Any) -> Iterator[AppContext]:
    """The server's own superuser (not an office user): may back up, as an administrator."""
    ws = Workspace.open(tmp_path / "data", database=pg_database)
    companies.add_company(ws, CompanyInput(name="嘉定某厂"))
    ctx = _ctx(ws, qapp)
    yield ctx
    ctx.pool.waitForDone(20000)
    ws.close()


def _window(qtbot: Any, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def test_admin_backs_up_into_a_chosen_folder_on_the_pool_and_the_warning_goes(
    qtbot: Any, server_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, server_ctx)
    page, board = window.settings_page, window.dashboard_page
    assert page.backup_button.isEnabled()
    assert page.restore_button.isEnabled()
    assert page.backup_reason.isHidden()
    # never backed up: the administrator is warned on the 看板 page and in the status bar
    assert "服务器数据库还没有备份记录" in board.backup_warning.text()
    assert not board.backup_warning.isHidden()
    assert not window.backup_warning.isHidden()
    assert window.backup_warning.text() == "服务器数据库还没有备份记录"
    assert board.backup_warning.text() in window.backup_warning.toolTip()

    folder = tmp_path / "U盘"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    threads: list[threading.Thread] = []
    real = server_backups.create_server_backup

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(server_backups, "create_server_backup", recording)
    page.backup_button.click()
    qtbot.waitUntil(
        lambda: "已备份服务器数据库到" in window.statusBar().currentMessage(), timeout=60000
    )
    assert threads
    assert threads[0] is not threading.main_thread()  # pg_dump ran on the job pool
    (made,) = folder.iterdir()
    assert (made / server_backups.DUMP_NAME).is_file()
    assert str(made) in window.transfer.last_dialog.text()
    window.transfer.last_dialog.close()
    assert str(made) in page.latest_backup_label.text()
    assert board.backup_warning.isHidden()
    assert window.backup_warning.isHidden()

    # 40 hours later (the record aged by hand): warned again, in hours
    with server_ctx.ws.store.transaction() as tx:
        record = dict(tx.office_setting(server_backups.LAST_BACKUP_KEY))
        record["at"] = (utcnow() - timedelta(hours=40)).isoformat(timespec="seconds")
        tx.set_office_setting(server_backups.LAST_BACKUP_KEY, record, utcnow())
    window.data_changed.emit("companies")
    assert "服务器数据库已 40 小时未备份" in window.backup_warning.text()
    assert not board.backup_warning.isHidden()


def test_admin_restores_into_a_new_database_only_and_may_switch_to_it(
    qtbot: Any,
    server_ctx: AppContext,
    pg_server: PgServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = _window(qtbot, server_ctx)
    info = server_backups.create_server_backup(server_ctx.ws, into=tmp_path / "备份")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(info.path))
    reported: list[tuple[str, str]] = []
    monkeypatch.setattr(data_transfer, "report_failure",
                        lambda _w, exc, title, _log: reported.append((title, exc.message)))  # fmt: skip
    in_use = str(server_ctx.ws.store.engine.url.database)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (in_use, True))
    window.settings_page.restore_button.click()
    qtbot.waitUntil(lambda: bool(reported), timeout=60000)
    assert reported[0][0] == "恢复失败"
    assert "不能恢复到正在使用的数据库" in reported[0][1]

    target = pg_server.create()  # new and empty, as the IT person makes it
    name = str(make_url(target).database)
    try:
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
        window.settings_page.restore_button.click()
        qtbot.waitUntil(lambda: "已恢复到新数据库" in window.statusBar().currentMessage(),
                        timeout=60000)  # fmt: skip
        box = window.transfer.last_dialog
        assert isinstance(box, QMessageBox)
        assert "要改用这个数据库吗" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        saved = make_url(server_ctx.ws.preferences().database_url or "")
        assert saved.database == name
        assert saved.password is None
        assert "已保存：下次启动时使用数据库" in window.statusBar().currentMessage()
        with Workspace.open(tmp_path / "next-start", database=target) as restored:
            assert [c.company.name for c in companies.list_companies(restored)] == ["嘉定某厂"]
        # and again into the same, now filled, database: refused, named
        window.settings_page.restore_button.click()
        qtbot.waitUntil(lambda: len(reported) == 2, timeout=60000)
        assert "不是空的" in reported[1][1]
        assert name in reported[1][1]
    finally:
        pg_server.drop(target)


def test_non_admins_see_the_buttons_disabled_with_the_reason_and_no_warning(
    qtbot: Any,
    office: Office,  # noqa: F811
    qapp: Any,
) -> None:
    auditor = office.workspace(office.add(OfficeRole.AUDITOR, "张律师"))
    ctx = _ctx(auditor, qapp)
    window = _window(qtbot, ctx)
    page = window.settings_page
    assert not page.backup_button.isEnabled()
    assert not page.restore_button.isEnabled()
    assert "只有管理员可以备份服务器数据库" in page.backup_reason.text()
    assert not page.backup_reason.isHidden()
    assert "只有管理员" in page.backup_button.toolTip()
    assert window.dashboard_page.backup_warning.isHidden()  # nothing they could do about it
    assert window.backup_warning.isHidden()
    assert window.transfer.backup_to_dialog() is None  # the 文件 menu's 备份到…: refused, said why
    assert "只有管理员" in window.transfer.last_dialog.text()
    window.transfer.last_dialog.close()
    admin = office.workspace(office.add(OfficeRole.ADMIN, "刘主任"))
    admin_window = _window(qtbot, _ctx(admin, qapp))
    assert admin_window.settings_page.backup_button.isEnabled()
    assert "还没有备份记录" in admin_window.backup_warning.text()
    # an office administrator's backup is recorded (row security lets them write the setting),
    # and every user's 设置 page shows it
    info = server_backups.create_server_backup(admin, into=office.tmp / "备份")
    assert admin_window.refresh_backup_warning() is None
    assert admin_window.backup_warning.isHidden()
    window.settings_page.reload()
    assert str(info.path) in window.settings_page.latest_backup_label.text()
    assert "刘主任" in window.settings_page.latest_backup_label.text()
