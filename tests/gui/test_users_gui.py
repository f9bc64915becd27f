"""设置 → 用户与分配 on an office server, driven with the real widgets against a PostgreSQL database
prepared by ``server init``: the administrator adds a user (password twice, never echoed),
changes the role, resets the password, removes the user after a confirmation, and assigns users
to an audit; an auditor sees the same lists read-only with the reason; the local file has no
such box. Refusals show the service's Chinese message."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from auditdesk.errors import AuditDeskError
from auditdesk.gui.app import configure_application
from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.settings import SettingsPage
from auditdesk.gui.pages.users import UserDialog, UsersBox
from auditdesk.models.company import CompanyInput
from auditdesk.models.user import OfficeRole
from auditdesk.services import audits, companies, users
from auditdesk.services.workspace import Workspace
from tests.core.test_server_roles import Office, office  # noqa: F401  (the fixture)
from tests.gui.questions import answer_questions
from tests.gui.typing_helpers import type_text

server_only = pytest.mark.postgresql_only("users and roles exist only on an office server")

SECRET = "Geheim-密码-42"


def _page(qtbot: Any, qapp: Any, ws: Workspace) -> SettingsPage:
    configure_application(qapp)
    pool = QThreadPool()
    page = SettingsPage(AppContext(ws, pool))
    qtbot.addWidget(page)
    page.resize(1100, 680)
    page.show()
    qtbot.waitExposed(page)
    return page


def _box(page: SettingsPage) -> UsersBox:
    assert page.users_box is not None
    assert page.users_box.isVisibleTo(page)
    return page.users_box


def _rows(box: UsersBox) -> list[list[str]]:
    m = box.user_proxy
    return [[m.index(r, c).data() for c in range(3)] for r in range(m.rowCount())]


def _select_user(box: UsersBox, name: str) -> None:
    m = box.user_proxy
    row = next(r for r in range(m.rowCount()) if m.index(r, 0).data() == name)
    box.user_table.selectRow(row)


def _click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _ok(qtbot: Any, dialog: UserDialog) -> None:
    _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))


@pytest.fixture
def admin_ws(office: Office) -> Workspace:  # noqa: F811
    """Signed in as the database administrator (may create roles, not an office user)."""
    return office.workspace()


@server_only
def test_admin_adds_changes_resets_and_removes_a_user(
    qtbot: Any, qapp: Any, office: Office, admin_ws: Workspace,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    existing = office.add(OfficeRole.VIEWER, "王干事")
    page = _page(qtbot, qapp, admin_ws)
    box = _box(page)
    assert not box.rights_label.isVisible()
    assert _rows(box) == [[existing, "王干事", "只读"]]

    name = f"z{uuid.uuid4().hex[:8]}"
    office.roles.append(name)
    _click(qtbot, box.add_button)
    dialog = box.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.again_edit.echoMode() == QLineEdit.EchoMode.Password
    type_text(qtbot, dialog.name_edit, name)
    type_text(qtbot, dialog.display_edit, "张律师")
    type_text(qtbot, dialog.password_edit, SECRET)
    type_text(qtbot, dialog.again_edit, SECRET + "x")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == "两次输入的密码不一致。"
    assert users.list_users(admin_ws) == [users.list_users(admin_ws)[0]]  # nothing created
    type_text(qtbot, dialog.again_edit, SECRET)
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert [existing, "王干事", "只读"] in _rows(box)
    assert [name, "张律师", "律师/工会干部"] in _rows(box)  # the role offered by default
    assert box.status.text() == f"已添加用户 {name}：张律师（律师/工会干部）"

    # the same name again: the service's refusal, in the dialog, which stays open
    _click(qtbot, box.add_button)
    again = box.dialog
    assert again is not None
    assert again is not dialog
    type_text(qtbot, again.name_edit, name)
    type_text(qtbot, again.password_edit, "pw")
    type_text(qtbot, again.again_edit, "pw")
    _ok(qtbot, again)
    assert again.isVisible()
    assert again.error.text() == (f"用户 {name} 已存在；改角色用 server user role。")
    dropped = answer_questions(monkeypatch, True)  # 取消 with typed input asks 放弃? first
    _click(qtbot, again.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    assert dropped
    assert not again.isVisible()

    _select_user(box, name)
    box.role_combo.setCurrentIndex(box.role_combo.findData(OfficeRole.ADMIN))
    _click(qtbot, box.role_button)
    assert [name, "张律师", "管理员"] in _rows(box)
    assert {u.name: u.role for u in users.list_users(admin_ws)}[name] is OfficeRole.ADMIN

    _select_user(box, name)
    _click(qtbot, box.password_button)
    reset = box.dialog
    assert reset is not None
    assert reset.windowTitle() == f"重置密码：{name}"
    type_text(qtbot, reset.password_edit, SECRET + "2")
    type_text(qtbot, reset.again_edit, SECRET + "2")
    _ok(qtbot, reset)
    assert not reset.isVisible()
    assert box.status.text() == f"已重置用户 {name} 的密码。"
    assert SECRET not in caplog.text  # never logged
    assert SECRET not in box.status.text()

    _select_user(box, name)
    asked = answer_questions(monkeypatch, False)
    _click(qtbot, box.remove_button)
    assert asked
    assert "张律师（管理员）" in asked[0]
    assert name in [r[0] for r in _rows(box)]  # 否: kept
    answer_questions(monkeypatch, True)
    _click(qtbot, box.remove_button)
    assert [r[0] for r in _rows(box)] == [existing]
    assert [u.name for u in users.list_users(admin_ws)] == [existing]
    assert box.status.text() == f"已删除用户 {name}（张律师）；其记录的内容保留。"


@server_only
def test_admin_assigns_and_unassigns_users_of_the_chosen_audit(
    qtbot: Any,
    qapp: Any,
    office: Office,  # noqa: F811
    admin_ws: Workspace,
) -> None:
    zhang = office.add(OfficeRole.AUDITOR, "张律师")
    li = office.add(OfficeRole.AUDITOR, "李干部")
    first = audits.start_audit(
        admin_ws, companies.add_company(admin_ws, CompanyInput(name="甲厂")).id
    )
    second = audits.start_audit(
        admin_ws, companies.add_company(admin_ws, CompanyInput(name="乙厂")).id
    )
    users.assign(admin_ws, first.id, li)
    page = _page(qtbot, qapp, admin_ws)
    box = _box(page)
    labels = [box.audit_combo.itemText(i) for i in range(box.audit_combo.count())]
    assert any("甲厂" in t for t in labels)
    assert any("乙厂" in t for t in labels)
    box.audit_combo.setCurrentIndex(box.audit_combo.findData(second.id))
    assert box.assignment_model.rowCount() == 0
    box.assign_user_combo.setCurrentIndex(box.assign_user_combo.findData(zhang))
    _click(qtbot, box.assign_button)
    assert box.status.text() == f"已把体检分配给 {zhang}。"
    assert [a.user_name for a in users.assignments(admin_ws, second.id)] == [zhang]
    assert box.assignment_model.index(0, 1).data() == "张律师"
    _click(qtbot, box.assign_button)  # again: said, not doubled
    assert box.status.text() == f"{zhang} 已分配到此体检。"
    assert box.assignment_model.rowCount() == 1

    box.audit_combo.setCurrentIndex(box.audit_combo.findData(first.id))
    assert [
        box.assignment_model.index(r, 0).data() for r in range(box.assignment_model.rowCount())
    ] == [li]
    assert not box.unassign_button.isEnabled()
    box.assignment_table.selectRow(0)
    _click(qtbot, box.unassign_button)
    assert box.status.text() == f"已取消 {li} 的分配。"
    assert users.assignments(admin_ws, first.id) == []
    assert box.assignment_model.rowCount() == 0


@server_only
def test_office_admin_assigns_but_may_not_create_users(
    qtbot: Any,
    qapp: Any,
    office: Office,  # noqa: F811
) -> None:
    boss = office.add(OfficeRole.ADMIN, "主任")
    ws = office.workspace(boss)
    audit = audits.start_audit(ws, companies.add_company(ws, CompanyInput(name="丙厂")).id)
    page = _page(qtbot, qapp, ws)
    box = _box(page)
    assert box.rights_label.isVisible()
    assert "需要能创建角色的数据库账户" in box.rights_label.text()
    assert not box.add_button.isEnabled()
    _select_user(box, boss)
    assert not box.role_button.isEnabled()
    assert not box.remove_button.isEnabled()
    assert box.add_button.toolTip() == box.rights_label.text()
    box.audit_combo.setCurrentIndex(box.audit_combo.findData(audit.id))
    assert box.assign_button.isEnabled()


@server_only
def test_auditor_sees_users_read_only_with_the_reason_and_the_server_refuses(
    qtbot: Any,
    qapp: Any,
    office: Office,  # noqa: F811
) -> None:
    admin = office.workspace()
    audit = audits.start_audit(admin, companies.add_company(admin, CompanyInput(name="丁厂")).id)
    zhang = office.add(OfficeRole.AUDITOR, "张律师")
    ws = office.workspace(zhang)
    page = _page(qtbot, qapp, ws)
    box = _box(page)
    assert (
        box.rights_label.text() == "只有管理员可以管理用户与分配；张律师（律师/工会干部）只能查看。"
    )
    assert [zhang, "张律师", "律师/工会干部"] in _rows(box)
    box.audit_combo.setCurrentIndex(box.audit_combo.findData(audit.id))
    for button in (box.add_button, box.role_button, box.password_button, box.remove_button,
                   box.assign_button, box.unassign_button):  # fmt: skip
        assert not button.isEnabled()
    # were the buttons enabled anyway, the server's refusal is what the page shows
    box.assign_user_combo.setCurrentIndex(box.assign_user_combo.findData(zhang))
    box.assign()
    assert box.status.text()
    assert "权限" in box.status.text() or "管理员" in box.status.text()
    assert users.assignments(admin, audit.id) == []


def test_no_users_box_on_the_local_file(qtbot: Any, qapp: Any, ws: Workspace) -> None:
    page = _page(qtbot, qapp, ws)
    assert page.users_box is None
    assert not users.user_rights(ws).assign


def test_the_user_dialog_is_wide_enough_for_its_hints_and_messages(qtbot: Any, qapp: Any) -> None:
    """The placeholders and a refusal (one line of Chinese, or a long server message) show in
    full: the dialog was 200 px wide, cutting 小写英文字母、数… and wrapping 两次输入的密码不一致
    over the buttons."""
    configure_application(qapp)
    long = "数据库服务器上已有名为 auditdesk 的角色（可能属于其他数据库或系统），请换一个用户名。"

    def refuse(*_: object) -> None:
        raise AuditDeskError(long)

    dialog = UserDialog(refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.name_edit.placeholderText()
    assert dialog.name_edit.width() > dialog.name_edit.fontMetrics().horizontalAdvance(hint)
    type_text(qtbot, dialog.password_edit, "abc12345")
    type_text(qtbot, dialog.again_edit, "abc12346")
    _ok(qtbot, dialog)
    qtbot.wait(50)
    message = dialog.error
    assert message.text() == "两次输入的密码不一致。"
    assert message.width() > message.fontMetrics().horizontalAdvance(message.text())
    type_text(qtbot, dialog.name_edit, "auditdesk")
    dialog.password_edit.clear()
    type_text(qtbot, dialog.password_edit, "abc12345")
    type_text(qtbot, dialog.again_edit, "abc12345")
    _ok(qtbot, dialog)
    qtbot.wait(50)
    assert message.text() == long
    assert message.height() >= message.heightForWidth(message.width())
    assert not message.geometry().intersects(dialog.buttons.geometry())


@server_only
def test_the_recorder_on_a_server_is_the_signed_in_user(
    qtbot: Any,
    qapp: Any,
    office: Office,  # noqa: F811
) -> None:
    """The audit window's 记录人 offered the audit's auditors (张卫东) to a lawyer signed in as
    张律师, while every save is written as 张律师: on a server it names the signed-in user and
    cannot be changed."""
    from auditdesk.gui.audit.window import AuditWindow
    from auditdesk.models.audit import Auditor, AuditorRole

    admin = office.workspace()
    company = companies.add_company(admin, CompanyInput(name="戊厂"))
    team = [Auditor(name="张卫东", role=next(iter(AuditorRole)))]
    audit = audits.start_audit(admin, company.id, auditors=team)
    zhang = office.add(OfficeRole.AUDITOR, "张律师")
    users.assign(admin, audit.id, zhang)
    configure_application(qapp)
    window = AuditWindow(AppContext(office.workspace(zhang), QThreadPool()), audit.id)
    qtbot.addWidget(window)
    combo = window.auditor
    assert [combo.itemText(i) for i in range(combo.count())] == ["张律师（律师/工会干部）"]
    assert not combo.isEnabled()
    assert window.walk.by == "张律师"
    assert window.findings.by == "张律师"
