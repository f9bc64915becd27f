"""Issue 20, point 1 (GUI): signing in to the office server, 设置 → 数据库, the window title.

Against the test server (``AUDITDESK_TEST_DATABASE``, a throw-away cluster with trust auth, which
accepts any password): a sign-in is accepted; a refusal is real too — a user the server does not
know is refused by the server itself (SQLSTATE 28000) through the same classification as a wrong
password (28P01), so nothing is monkeypatched at the store. A wrong password proper needs a
role the server checks with a password: give one as ``AUDITDESK_TEST_PASSWORD_ROLE=name:password``
(a ``scram-sha-256`` line for it in ``pg_hba.conf``); without it that test is skipped. An
unreachable server is a socket directory with nobody listening. The OS keyring is an in-memory
keyring backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from auditdesk.database import ENV_DATABASE, KEYRING_SERVICE, PASSWORDS, account_key, with_user
from auditdesk.gui import app as gui_app
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.sign_in import LOCAL, SERVER, SignInDialog
from auditdesk.gui.main_window import MainWindow
from auditdesk.gui.pages.settings import SettingsPage
from auditdesk.services import database as db_service
from auditdesk.services.workspace import Workspace


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    PASSWORDS._memory.clear()
    yield ring
    PASSWORDS._memory.clear()
    keyring.set_keyring(before)


@pytest.fixture
def server_url(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv(ENV_DATABASE, raising=False)
    return pg_database


UNREACHABLE = "postgresql+psycopg://auditdesk@/auditdesk?host=/nonexistent-auditdesk-socket-dir"


def _fill(dialog: SignInDialog, qtbot, user: str, password: str, remember: bool = False) -> None:
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.remember_box.setChecked(remember)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def test_sign_in_accepted_and_remembered_in_the_keyring(
    qtbot, server_url: str, memory_keyring: MemoryKeyring
) -> None:
    dialog = SignInDialog(server_url)
    qtbot.addWidget(dialog)
    assert dialog.server_label.text() == server_url  # 服务器地址, no password in it
    assert dialog.user_edit.text() == "auditdesk"  # the URL's user, to be changed if not mine
    _fill(dialog, qtbot, "auditdesk", "秘密口令1", remember=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == SERVER
    assert memory_keyring.saved == {(KEYRING_SERVICE, account_key(server_url)): "秘密口令1"}
    PASSWORDS._memory.clear()  # a new process: the keyring still knows it
    assert PASSWORDS.get(server_url) == "秘密口令1"


def test_sign_in_without_remember_keeps_the_password_in_memory_only(
    qtbot, server_url: str, memory_keyring: MemoryKeyring
) -> None:
    dialog = SignInDialog(server_url)
    qtbot.addWidget(dialog)
    _fill(dialog, qtbot, "auditdesk", "只在内存")
    assert dialog.choice == SERVER
    assert memory_keyring.saved == {}
    assert PASSWORDS.get(server_url) == "只在内存"


def test_refused_sign_in_stays_in_the_dialog_with_a_chinese_message(
    qtbot, server_url: str, memory_keyring: MemoryKeyring
) -> None:
    dialog = SignInDialog(server_url)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, qtbot, "不存在的用户", "错误的密码", remember=True)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.choice == ""
    assert "数据库服务器拒绝登录" in dialog.message.text()
    assert "用户名或密码不正确" in dialog.message.text()
    assert dialog.password_edit.text() == ""  # typed again, not resent
    assert not dialog.local_button.isVisible()  # the server answered: no reason to go local
    assert memory_keyring.saved == {}  # a refused password is never remembered
    assert PASSWORDS.get(with_user(server_url, "不存在的用户")) is None
    # the right account then signs in from the same dialog
    _fill(dialog, qtbot, "auditdesk", "好")
    assert dialog.choice == SERVER
    assert dialog.url == server_url


PASSWORD_ROLE_ENV = "AUDITDESK_TEST_PASSWORD_ROLE"


@pytest.mark.skipif(
    not os.environ.get(PASSWORD_ROLE_ENV),
    reason=f"{PASSWORD_ROLE_ENV}=name:password names no role with password authentication",
)
def test_wrong_password_is_refused_by_a_server_that_checks_it(
    qtbot, server_url: str, memory_keyring: MemoryKeyring
) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name, password = os.environ[PASSWORD_ROLE_ENV].split(":", 1)
    admin = make_url(server_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:  # the role may read the version
        conn.execute(f'grant select on all tables in schema public to "{name}"')
    dialog = SignInDialog(with_user(server_url, name))
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, qtbot, name, "", remember=True)
    assert "数据库服务器要求输入密码" in dialog.message.text()
    _fill(dialog, qtbot, name, "不对的密码", remember=True)
    assert dialog.isVisible()
    assert "用户名或密码不正确" in dialog.message.text()
    assert memory_keyring.saved == {}
    _fill(dialog, qtbot, name, password, remember=True)
    assert dialog.choice == SERVER
    assert memory_keyring.saved == {(KEYRING_SERVICE, account_key(dialog.url)): password}


def test_unreachable_server_offers_the_local_database(qtbot, memory_keyring) -> None:
    dialog = SignInDialog(UNREACHABLE)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, qtbot, "auditdesk", "pw")
    assert dialog.isVisible()
    assert "无法连接数据库服务器" in dialog.message.text()
    assert dialog.local_button.isVisible()
    qtbot.mouseClick(dialog.local_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == LOCAL


def test_empty_user_name_is_asked_for(qtbot, memory_keyring) -> None:
    dialog = SignInDialog(UNREACHABLE)
    qtbot.addWidget(dialog)
    _fill(dialog, qtbot, "  ", "pw")
    assert dialog.message.text() == "请输入用户名。"
    assert dialog.choice == ""


def test_start_with_a_server_signs_in_and_the_title_says_who(
    qtbot, server_url: str, memory_keyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``auditdesk gui --database URL``: the sign-in dialog comes first, then the window opens on
    the server, its title naming the server and the signed-in user."""
    shown: list[SignInDialog] = []

    def sign_in_as_me(dialog: SignInDialog) -> int:
        shown.append(dialog)
        qtbot.addWidget(dialog)
        _fill(dialog, qtbot, "auditdesk", "pw")
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", sign_in_as_me)
    ws = gui_app.open_for_gui(tmp_path, server_url)
    assert ws is not None
    assert len(shown) == 1
    try:
        assert ws.is_server
        window = MainWindow(AppContext(ws))
        qtbot.addWidget(window)
        assert "办公室服务器" in window.windowTitle()
        assert "用户 auditdesk" in window.windowTitle()
        assert make_db_name(server_url) in window.windowTitle()
        # 设置 says where the data is; the server's own superuser may back it up (pg_dump), and
        # the office's last backup is what the database records
        page = window.settings_page
        assert page.database_label.text() == ws.store.where
        assert page.backup_button.isEnabled()
        assert page.restore_button.isEnabled()
        assert page.latest_backup_label.text().startswith("服务器数据库：还没有备份记录。")
        # signed in once: a second start in this process does not ask again
        again = gui_app.open_for_gui(tmp_path, server_url)
        assert again is not None
        assert len(shown) == 1
        again.close()
    finally:
        ws.close()


def test_start_with_an_unreachable_server_can_open_the_local_database(
    qtbot, memory_keyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def go_local(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        _fill(dialog, qtbot, "auditdesk", "pw")
        qtbot.mouseClick(dialog.local_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", go_local)
    monkeypatch.setenv(ENV_DATABASE, UNREACHABLE)
    ws = gui_app.open_for_gui(tmp_path)
    assert ws is not None
    try:
        assert not ws.is_server
        window = MainWindow(AppContext(ws))
        qtbot.addWidget(window)
        assert window.windowTitle().startswith("本机数据库 · ")
    finally:
        ws.close()


def test_cancelled_sign_in_opens_nothing(qtbot, memory_keyring, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(SignInDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert gui_app.open_for_gui(tmp_path, UNREACHABLE) is None


def make_db_name(url: str) -> str:
    return url.split("?")[0].rsplit("/", 1)[1]


# ------------------------------------------------------------------ 设置 → 数据库
@pytest.fixture
def local_ctx(tmp_path: Path, qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.delenv(ENV_DATABASE, raising=False)
    ws = Workspace.open(tmp_path / "data", database="sqlite")
    yield AppContext(ws)
    ws.close()


def test_settings_say_this_window_is_not_on_the_saved_database(
    qtbot, local_ctx: AppContext
) -> None:
    """The radio buttons are the saved choice for the next start: when this window was opened on
    another database (``--database``), the page says so instead of looking as if it used it."""
    db_service.choose_database(local_ctx.ws, "postgresql+psycopg://zhang@db.example:5432/auditdesk")
    page = SettingsPage(local_ctx)
    qtbot.addWidget(page)
    assert page.server_radio.isChecked()  # what the next start opens
    status = page.database_status.text()
    assert "本次打开的是本机数据库" in status
    assert "下次启动时使用办公室服务器" in status


def test_settings_choose_the_office_server_test_and_save(
    qtbot, local_ctx: AppContext, server_url: str, memory_keyring
) -> None:
    page = SettingsPage(local_ctx)
    qtbot.addWidget(page)
    assert page.local_radio.isChecked()
    assert not page.server_url_edit.isEnabled()
    page.server_radio.setChecked(True)
    assert page.server_url_edit.isEnabled()
    page.server_url_edit.setText(server_url)
    page.test_password_edit.setText("pw")
    qtbot.mouseClick(page.test_connection_button, Qt.MouseButton.LeftButton)
    assert page.database_status.text().startswith("连接成功")
    page.tls_combo.setCurrentIndex(page.tls_combo.findData("disable"))
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    assert "下次启动时使用办公室服务器" in page.database_status.text()
    prefs = local_ctx.ws.preferences()
    assert (prefs.database_url, prefs.database_sslmode) == (server_url, "disable")

    # back to the local file
    page.local_radio.setChecked(True)
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    prefs = local_ctx.ws.preferences()
    assert (prefs.database_url, prefs.database_sslmode) == (None, None)


def test_settings_never_save_a_password_and_refuse_a_bad_address(
    qtbot, local_ctx: AppContext, memory_keyring
) -> None:
    page = SettingsPage(local_ctx)
    qtbot.addWidget(page)
    page.server_radio.setChecked(True)
    page.server_url_edit.setText("mysql://root@db/x")
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    assert "数据库地址“mysql://root@db/x”无效" in page.database_status.text()
    assert local_ctx.ws.preferences().database_url is None
    page.server_url_edit.setText("postgresql+psycopg://张律师:secret@db.example:5432/auditdesk")
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    saved = local_ctx.ws.preferences().database_url
    assert saved == "postgresql+psycopg://张律师@db.example:5432/auditdesk"
    assert "secret" not in Path(local_ctx.ws.paths.settings_file).read_text(encoding="utf-8")


def test_settings_test_connection_says_why_it_failed(qtbot, local_ctx, memory_keyring) -> None:
    page = SettingsPage(local_ctx)
    qtbot.addWidget(page)
    page.server_radio.setChecked(True)
    page.server_url_edit.setText(UNREACHABLE)
    assert page.test_connection() is False
    assert page.database_status.text().startswith("连接失败：无法连接数据库服务器")


def test_signing_in_as_another_user_is_kept_for_the_next_start(
    qtbot, server_url: str, memory_keyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """设置 → 数据库 saved the URL with someone else's name: after signing in as oneself (记住密码),
    the next start offers one's own name and finds the remembered password (no dialog)."""
    from auditdesk.settings import Preferences, load_preferences, save_preferences

    settings = tmp_path / "settings.json"
    save_preferences(settings, Preferences(database_url=with_user(server_url, "前任用户")))
    shown: list[str] = []

    def sign_in_as_me(dialog: SignInDialog) -> int:
        shown.append(dialog.user_edit.text())
        qtbot.addWidget(dialog)
        _fill(dialog, qtbot, "auditdesk", "pw", remember=True)
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", sign_in_as_me)
    ws = gui_app.open_for_gui(tmp_path)
    assert ws is not None
    ws.close()
    assert shown == ["前任用户"]
    assert load_preferences(settings).database_url == server_url
    PASSWORDS._memory.clear()  # a new process: the keyring has the password for this account
    again = gui_app.open_for_gui(tmp_path)
    assert again is not None
    again.close()
    assert shown == ["前任用户"]
