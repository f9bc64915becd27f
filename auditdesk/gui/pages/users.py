"""设置 → 用户与分配 (office server only): the office's users (登录名, 姓名, 角色) — add, change
role, reset password, remove — and who is assigned to a chosen audit. The same services as
``auditdesk server user …`` and ``auditdesk audit assign|unassign|assignments``; the rights are
the server's, the page only greys out what the signed-in user may not do and says why.

Passwords are typed twice into password fields (never echoed), handed to the service and
forgotten: never shown, stored or logged."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.discard import FormSnapshot, may_discard
from auditdesk.gui.table_model import ColumnSpec, RecordProxyModel, RecordTableModel
from auditdesk.gui.widgets import read_only_table, selected_record, stretch
from auditdesk.models.user import AuditAssignment, OfficeRole, OfficeUser
from auditdesk.services import audits, users
from auditdesk.services.workspace import Workspace

USER_COLUMNS: list[ColumnSpec[OfficeUser]] = [
    ColumnSpec("登录名", lambda u: u.name),
    ColumnSpec("姓名", lambda u: u.display_name),
    ColumnSpec("角色", lambda u: u.role.label),
]

ASSIGNMENT_COLUMNS: list[ColumnSpec[AuditAssignment]] = [
    ColumnSpec("登录名", lambda a: a.user_name),
    ColumnSpec("姓名", lambda a: a.display_name),
    ColumnSpec("分配人", lambda a: a.assigned_by),
]


def _role_combo() -> QComboBox:
    combo = QComboBox()
    for role in OfficeRole:
        combo.addItem(role.label, role)
    combo.setCurrentIndex(combo.findData(OfficeRole.AUDITOR))
    return combo


def _role_of(combo: QComboBox) -> OfficeRole:
    """The chosen role (Qt hands a str-based enum back as a plain str)."""
    return OfficeRole(combo.currentData())


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class UserDialog(QDialog):
    """添加用户 (login name, name, role, password twice) or 重置密码 (password twice).

    ``submit`` gets ``(name, display_name, role, password)`` and calls the service; a refusal
    (:class:`AuditDeskError`) is shown in the dialog, which stays open."""

    def __init__(
        self,
        submit: Callable[[str, str, OfficeRole, str], None],
        *,
        user: OfficeUser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.submit = submit
        self.user = user
        self.setWindowTitle("添加用户" if user is None else f"重置密码：{user.name}")
        self.setMinimumWidth(480)  # the hints and a refusal in full, not cut or wrapped short
        form = QFormLayout(self)
        self.name_edit = QLineEdit(user.name if user is not None else "")
        self.name_edit.setPlaceholderText("小写英文字母、数字、下划线，如 zhang_lv")
        self.display_edit = QLineEdit(user.display_name if user is not None else "")
        self.display_edit.setPlaceholderText("作为记录人显示，如 张律师")
        self.role_combo = _role_combo()
        self.password_edit = _password_field()
        self.again_edit = _password_field()
        if user is None:
            form.addRow("登录名", self.name_edit)
            form.addRow("姓名", self.display_edit)
            form.addRow("角色", self.role_combo)
        else:
            form.addRow("用户", QLabel(user.label))
        form.addRow("密码", self.password_edit)
        form.addRow("再次输入", self.again_edit)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        form.addRow("", self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.snapshot = FormSnapshot(self)

    def reject(self) -> None:
        """Esc, 取消 or closing asks before dropping a typed name or password."""
        if may_discard(self, self.snapshot, self.windowTitle()):
            self.password_edit.clear()
            self.again_edit.clear()
            super().reject()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.adjustSize()  # room for a message of several lines

    def try_accept(self) -> None:
        password = self.password_edit.text()
        if not password:
            self._refuse("密码不能为空。")
            return
        if self.again_edit.text() != password:
            self._refuse("两次输入的密码不一致。")
            self.again_edit.clear()
            return
        try:
            self.submit(self.name_edit.text(), self.display_edit.text(),
                        _role_of(self.role_combo), password)  # fmt: skip
        except AuditDeskError as exc:
            self._refuse(exc.message)
            return
        finally:
            password = ""
        self.password_edit.clear()
        self.again_edit.clear()
        self.accept()


class UsersBox(QGroupBox):
    """用户与分配, for the settings page of a window connected to an office server."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("用户与分配", parent)
        self.setObjectName("usersBox")
        self.ws = ws
        self.rights = users.user_rights(ws)
        self.dialog: UserDialog | None = None
        layout = QVBoxLayout(self)
        self.rights_label = QLabel(self.rights.reason)
        self.rights_label.setObjectName("rightsReason")
        self.rights_label.setWordWrap(True)
        self.rights_label.setVisible(bool(self.rights.reason))
        layout.addWidget(self.rights_label)

        self.user_model: RecordTableModel[OfficeUser] = RecordTableModel(USER_COLUMNS, parent=self)
        self.user_proxy = RecordProxyModel(self)
        self.user_proxy.setSourceModel(self.user_model)
        self.user_table = read_only_table()
        self.user_table.setObjectName("usersTable")
        self.user_table.setModel(self.user_proxy)
        self.user_table.setMinimumHeight(150)
        stretch(self.user_table, 1)
        layout.addWidget(self.user_table)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加用户…")
        self.role_combo = _role_combo()
        self.role_button = QPushButton("修改角色")
        self.password_button = QPushButton("重置密码…")
        self.remove_button = QPushButton("删除用户…")
        self.remove_button.setAutoDefault(False)
        row.addWidget(self.add_button)
        row.addWidget(QLabel("角色"))
        row.addWidget(self.role_combo)
        row.addWidget(self.role_button)
        row.addWidget(self.password_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)

        audit_row = QHBoxLayout()
        audit_row.addWidget(QLabel("体检"))
        self.audit_combo = QComboBox()
        self.audit_combo.setObjectName("auditCombo")
        audit_row.addWidget(self.audit_combo, 1)
        layout.addLayout(audit_row)
        self.assignment_model: RecordTableModel[AuditAssignment] = RecordTableModel(
            ASSIGNMENT_COLUMNS, parent=self
        )
        self.assignment_table = read_only_table()
        self.assignment_table.setObjectName("assignmentsTable")
        self.assignment_table.setModel(self.assignment_model)
        self.assignment_table.setMinimumHeight(120)
        stretch(self.assignment_table, 1)
        layout.addWidget(self.assignment_table)
        assign_row = QHBoxLayout()
        self.assign_user_combo = QComboBox()
        self.assign_user_combo.setObjectName("assignUser")
        self.assign_button = QPushButton("分配给此体检")
        self.unassign_button = QPushButton("取消分配")
        assign_row.addWidget(QLabel("用户"))
        assign_row.addWidget(self.assign_user_combo, 1)
        assign_row.addWidget(self.assign_button)
        assign_row.addWidget(self.unassign_button)
        layout.addLayout(assign_row)
        self.status = QLabel("")
        self.status.setObjectName("usersStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.remove_button.clicked.connect(self.remove_user)
        self.assign_button.clicked.connect(self.assign)
        self.unassign_button.clicked.connect(self.unassign)
        self.audit_combo.currentIndexChanged.connect(lambda _i: self.reload_assignments())
        self.user_table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.assignment_table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.reload()

    # ------------------------------------------------------------------ state
    def selected_user(self) -> OfficeUser | None:
        found: OfficeUser | None = selected_record(self.user_table)
        return found

    def selected_assignment(self) -> AuditAssignment | None:
        found: AuditAssignment | None = selected_record(self.assignment_table)
        return found

    def audit_id(self) -> str | None:
        data = self.audit_combo.currentData()
        return str(data) if data else None

    def _update(self) -> None:
        chosen = self.selected_user()
        manage = self.rights.manage_users
        self.add_button.setEnabled(manage)
        self.role_combo.setEnabled(manage and chosen is not None)
        self.role_button.setEnabled(manage and chosen is not None)
        self.password_button.setEnabled(manage and chosen is not None)
        self.remove_button.setEnabled(manage and chosen is not None)
        if chosen is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(chosen.role))
        has_audit = self.audit_id() is not None
        self.assign_user_combo.setEnabled(self.rights.assign and has_audit)
        self.assign_button.setEnabled(
            self.rights.assign and has_audit and self.assign_user_combo.count() > 0
        )
        self.unassign_button.setEnabled(
            self.rights.assign and self.selected_assignment() is not None
        )
        for button in (self.add_button, self.role_button, self.password_button,
                       self.remove_button, self.assign_button, self.unassign_button):  # fmt: skip
            button.setToolTip("" if button.isEnabled() else self.rights.reason)

    def _refused(self, exc: AuditDeskError) -> None:
        self.status.setText(exc.message)

    def reload(self, keep: str | None = None) -> None:
        """Users, the audits to choose from, and the chosen audit's assignments."""
        try:
            listed = users.list_users(self.ws)
            summaries = audits.list_audits(self.ws)
        except AuditDeskError as exc:
            listed, summaries = [], []
            self._refused(exc)
        self.user_model.set_rows(listed)
        if keep is not None:
            for r in range(self.user_proxy.rowCount()):
                if self.user_proxy.index(r, 0).data() == keep:
                    self.user_table.selectRow(r)
        self.assign_user_combo.clear()
        for u in listed:
            self.assign_user_combo.addItem(u.label, u.name)
        chosen = self.audit_id()
        self.audit_combo.blockSignals(True)
        self.audit_combo.clear()
        for s in summaries:
            when = s.audit.started_on.isoformat() if s.audit.started_on else ""
            self.audit_combo.addItem(f"{s.company_name}  {s.audit.title}  {when}".strip(),
                                     s.audit.id)  # fmt: skip
        index = self.audit_combo.findData(chosen) if chosen else 0
        self.audit_combo.setCurrentIndex(max(index, 0) if summaries else -1)
        self.audit_combo.blockSignals(False)
        self.reload_assignments()

    def reload_assignments(self) -> None:
        audit_id = self.audit_id()
        rows: list[AuditAssignment] = []
        if audit_id is not None:
            try:
                rows = users.assignments(self.ws, audit_id)
            except AuditDeskError as exc:
                self._refused(exc)
        self.assignment_model.set_rows(rows)
        self._update()

    # ---------------------------------------------------------------- actions
    def add_user(self) -> None:
        def submit(name: str, display: str, role: OfficeRole, password: str) -> None:
            added = users.add_user(self.ws, name, role, password, display_name=display)
            self.status.setText(f"已添加用户 {added.name}：{added.label}")
            self.reload(added.name)

        self._open_dialog(UserDialog(submit, parent=self))

    def reset_password(self) -> None:
        chosen = self.selected_user()
        if chosen is None:
            return

        def submit(name: str, _display: str, _role: OfficeRole, password: str) -> None:
            users.set_password(self.ws, name, password)
            self.status.setText(f"已重置用户 {name} 的密码。")

        self._open_dialog(UserDialog(submit, user=chosen, parent=self))

    def _open_dialog(self, dialog: UserDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def change_role(self) -> None:
        chosen = self.selected_user()
        if chosen is None:
            return
        role = _role_of(self.role_combo)
        try:
            changed = users.set_role(self.ws, chosen.name, role)
        except AuditDeskError as exc:
            self._refused(exc)
            return
        self.status.setText(f"用户 {changed.name} 的角色已改为：{changed.role.label}")
        self.reload(changed.name)

    def remove_user(self) -> None:
        chosen = self.selected_user()
        if chosen is None:
            return
        if not confirm(
            self,
            "删除用户",
            f"删除用户 {chosen.label}？\n\n其登录账户和体检分配将被删除；其记录的内容保留。",
        ):
            return
        try:
            removed = users.remove_user(self.ws, chosen.name)
        except AuditDeskError as exc:
            self._refused(exc)
            return
        self.status.setText(
            f"已删除用户 {removed.name}（{removed.display_name}）；其记录的内容保留。"
        )
        self.reload()

    def assign(self) -> None:
        audit_id, name = self.audit_id(), self.assign_user_combo.currentData()
        if audit_id is None or not name:
            return
        try:
            changed = users.assign(self.ws, audit_id, str(name))
        except AuditDeskError as exc:
            self._refused(exc)
            return
        self.status.setText(f"已把体检分配给 {name}。" if changed else f"{name} 已分配到此体检。")
        self.reload_assignments()

    def unassign(self) -> None:
        audit_id, chosen = self.audit_id(), self.selected_assignment()
        if audit_id is None or chosen is None:
            return
        try:
            changed = users.unassign(self.ws, audit_id, chosen.user_name)
        except AuditDeskError as exc:
            self._refused(exc)
            return
        name = chosen.user_name
        self.status.setText(f"已取消 {name} 的分配。" if changed else f"{name} 本未分配到此体检。")
        self.reload_assignments()
