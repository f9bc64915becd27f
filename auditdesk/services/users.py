"""Users of a shared server database and who is assigned to which audit (``auditdesk server user …``,
``auditdesk audit assign``). The rights themselves are PostgreSQL's (see store/roles.py)."""

from __future__ import annotations

from dataclasses import dataclass

from auditdesk.errors import AuditDeskError
from auditdesk.models.user import AuditAssignment, OfficeRole, OfficeUser
from auditdesk.services.workspace import Workspace


@dataclass(frozen=True)
class UserRights:
    """What the signed-in person may do on 设置 → 用户与分配 (the server enforces the same)."""

    manage_users: bool
    """Add and remove users, change their role and password (a PostgreSQL user that may create
    roles: the database administrator, or an office admin given CREATEROLE)."""
    assign: bool
    """Assign users to audits and take them off (an office admin, or the database administrator)."""
    reason: str
    """Why not, in Chinese, when either right is missing; empty otherwise."""


def user_rights(ws: Workspace) -> UserRights:
    """The signed-in user's rights over users and assignments; none on the local SQLite file."""
    if not ws.is_server:
        return UserRights(False, False, "本机数据库只有一个使用者，无需用户与分配。")
    with ws.store.read() as tx:
        manage = tx.may_create_roles()
    me = ws.user
    assign = manage or (me is not None and me.role is OfficeRole.ADMIN)
    who = me.label if me is not None else "当前登录的数据库用户"
    if not assign:
        reason = f"只有管理员可以管理用户与分配；{who}只能查看。"
    elif not manage:
        reason = (
            f"{who}可以分配体检，但添加、删除用户和修改角色、密码需要能创建角色的数据库账户"
            "（超级用户或具有 CREATEROLE 权限），请由数据库管理员操作。"
        )
    else:
        reason = ""
    return UserRights(manage, assign, reason)


def list_users(ws: Workspace) -> list[OfficeUser]:
    """Every office user, by login name.

    Raises:
        AuditDeskError: not a server database, or ``server init`` was not run.
    """
    with ws.store.read() as tx:
        return tx.list_office_users()


def add_user(
    ws: Workspace, name: str, role: OfficeRole, password: str, *, display_name: str = ""
) -> OfficeUser:
    """Create the PostgreSQL login ``name`` with ``password`` (kept only by PostgreSQL, as its
    SCRAM verifier) in the group of ``role``; ``display_name`` (张律师) is what is written as
    记录人 and author, the login name when empty.

    Raises:
        AuditDeskError: a bad name or display name, an empty password, the name taken, the
            display name another user's.
        PermissionDeniedError: the signed-in PostgreSQL user cannot create roles.
    """
    if len(display_name.strip()) > 50:
        raise AuditDeskError("显示名称过长（最多 50 个字符）。", location="display_name")
    shown = display_name.strip() or name.strip()
    with ws.store.transaction() as tx:
        for other in tx.list_office_users():
            if other.display_name == shown and other.name != name.strip():
                # 记录人, authors and 已被 … 修改 show the display name alone
                raise AuditDeskError(
                    f"姓名“{shown}”已被用户 {other.name} 使用；记录人和修改记录只显示姓名，"
                    "请换一个能区分的姓名（如 张律师（劳动争议））。",
                    location="display_name",
                )
        return tx.add_office_user(name.strip(), role, password, display_name)


def remove_user(ws: Workspace, name: str) -> OfficeUser:
    """Drop the user's login and assignments; what they recorded keeps their display name.

    Raises:
        NotFoundError: no such user. PermissionDeniedError: as :func:`add_user`.
    """
    if ws.user is not None and ws.user.name == name:
        raise AuditDeskError("不能删除当前登录的用户自己。", location=name)
    with ws.store.transaction() as tx:
        return tx.remove_office_user(name)


def set_role(ws: Workspace, name: str, role: OfficeRole) -> OfficeUser:
    """Move a user to another role.

    Raises:
        NotFoundError: no such user. PermissionDeniedError: as :func:`add_user`.
    """
    with ws.store.transaction() as tx:
        return tx.set_office_role(name, role)


def set_password(ws: Workspace, name: str, password: str) -> None:
    """Give a user a new password (kept only by PostgreSQL)."""
    with ws.store.transaction() as tx:
        tx.set_office_password(name, password)


def assign(ws: Workspace, audit_id: str, user_name: str) -> bool:
    """Assign an office user to an audit (an auditor may then edit it); ``False`` when they
    already were. Only an admin may (the server refuses anyone else).

    Raises:
        NotFoundError: no such audit or user. PermissionDeniedError: not an admin.
    """
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        tx.require_office_user(user_name)
        return tx.assign_audit(audit_id, user_name)


def unassign(ws: Workspace, audit_id: str, user_name: str) -> bool:
    """Take an office user off an audit; ``False`` when they were not assigned.

    Raises:
        NotFoundError: no such audit. PermissionDeniedError: not an admin.
    """
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        return tx.unassign_audit(audit_id, user_name)


def assignments(ws: Workspace, audit_id: str | None = None) -> list[AuditAssignment]:
    """Who is assigned to the audit (every audit's when ``audit_id`` is ``None``)."""
    with ws.store.read() as tx:
        if audit_id is not None:
            tx.require_audit(audit_id)
        return tx.list_assignments(audit_id)
