"""``auditdesk server init|user …`` and ``auditdesk audit assign|unassign|assignments``: users, roles
and audit assignments of a shared server database."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    dump,
    emit_json,
    enum_arg,
    open_with_password,
    open_workspace,
)
from auditdesk.errors import AuditDeskError
from auditdesk.models.user import OfficeRole, OfficeUser


def user_json(user: OfficeUser) -> dict[str, Any]:
    return {**dump(user), "role_label": user.role.label}


def cmd_init(args: argparse.Namespace) -> int:
    from auditdesk.services import database

    result = open_with_password(
        lambda pw: database.init_server(args.database, password=pw, sslmode=args.tls)
    )
    if args.json:
        emit_json({"before": result.before, "after": result.after, "roles": result.roles,
                   "created_roles": result.created_roles})  # fmt: skip
        return EXIT_OK
    if result.before != result.after:
        print(f"数据结构已从版本 {result.before} 建立/升级到 {result.after}。")
    else:
        print(f"数据结构已是最新（版本 {result.after}）。")
    for role in OfficeRole:
        name = result.roles[role.value]
        state = "已创建" if name in result.created_roles else "已存在"
        print(f"  {role.label}：角色 {name}（{state}）")
    print("权限与行级安全已设置。用 auditdesk server user add 名字 --role … 添加用户。")
    return EXIT_OK


def ask_new_password(name: str) -> str:
    """Ask for a new user's password twice on the terminal, never echoing it.

    Raises:
        AuditDeskError: no terminal, or the two entries differ or are empty.
    """
    if not sys.stdin.isatty():
        raise AuditDeskError("请用 --password 给出新用户的密码（当前没有可输入密码的终端）。")
    first = getpass.getpass(f"用户 {name} 的密码：")
    if not first:
        raise AuditDeskError("密码不能为空。")
    if getpass.getpass("再次输入密码：") != first:
        raise AuditDeskError("两次输入的密码不一致，用户未创建。")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    password = args.password if args.password is not None else ask_new_password(args.name)
    with open_workspace(args) as ws:
        user = users.add_user(ws, args.name, args.role, password,
                              display_name=args.display_name or "")  # fmt: skip
    if args.json:
        emit_json(user_json(user))
    else:
        print(f"已添加用户 {user.name}：{user.label}")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    with open_workspace(args) as ws:
        rows = users.list_users(ws)
        me = ws.user
    if args.json:
        emit_json([user_json(u) for u in rows])
        return EXIT_OK
    if not rows:
        print("还没有用户。用 auditdesk server user add 名字 --role … 添加。")
    for u in rows:
        mark = "（当前登录）" if me is not None and me.name == u.name else ""
        print(f"{u.name}  {u.display_name}  {u.role.label}{mark}")
    return EXIT_OK


def cmd_user_remove(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    with open_workspace(args) as ws:
        user = users.remove_user(ws, args.name)
    if args.json:
        emit_json({**user_json(user), "removed": True})
    else:
        print(f"已删除用户 {user.name}（{user.display_name}）；其记录的内容保留。")
    return EXIT_OK


def cmd_user_role(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    with open_workspace(args) as ws:
        user = users.set_role(ws, args.name, args.role)
    if args.json:
        emit_json(user_json(user))
    else:
        print(f"用户 {user.name} 的角色已改为：{user.role.label}")
    return EXIT_OK


def cmd_user_password(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    password = args.password if args.password is not None else ask_new_password(args.name)
    with open_workspace(args) as ws:
        users.set_password(ws, args.name, password)
    if args.json:
        emit_json({"name": args.name, "password_changed": True})
    else:
        print(f"已修改用户 {args.name} 的密码。")
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    with open_workspace(args) as ws:
        if args.unassign:
            changed = users.unassign(ws, args.audit_id, args.user)
        else:
            changed = users.assign(ws, args.audit_id, args.user)
    if args.json:
        emit_json({"audit_id": args.audit_id, "user": args.user,
                   "assigned": not args.unassign, "changed": changed})  # fmt: skip
    elif args.unassign:
        print(f"已取消 {args.user} 的分配。" if changed else f"{args.user} 本未分配到此体检。")
    else:
        print(f"已把体检分配给 {args.user}。" if changed else f"{args.user} 已分配到此体检。")
    return EXIT_OK


def cmd_assignments(args: argparse.Namespace) -> int:
    from auditdesk.services import users

    with open_workspace(args) as ws:
        rows = users.assignments(ws, args.audit_id)
    if args.json:
        emit_json([dump(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("没有分配。")
    for r in rows:
        print(f"{r.audit_id}  {r.user_name}  {r.display_name}  由 {r.assigned_by} 分配")
    return EXIT_OK


def _password_opt(p: ChineseArgumentParser) -> None:
    p.add_argument("--password", metavar="密码",
                   help="新用户的密码（不给时在终端提示输入，不回显；写在命令行会留在命令历史中）")  # fmt: skip


def add_server_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    server = sub.add_parser(
        "server", parents=[common], help="服务器数据库：初始化、用户与角色（管理员）"
    )
    ssub = server.add_subparsers(
        dest="server_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    p = ssub.add_parser(
        "init", parents=[common, json_opt],
        help="准备新的服务器数据库：数据结构、角色（管理员/律师·工会干部/只读）、授权与行级安全；可重复运行",
    )  # fmt: skip
    p.add_argument(
        "--tls", metavar="模式", help="TLS：disable / require / verify-ca / verify-full 等"
    )
    p.set_defaults(func=cmd_init)

    user = ssub.add_parser("user", parents=[common], help="用户：添加、列表、删除、改角色、改密码")
    usub = user.add_subparsers(
        dest="user_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    role = enum_arg(OfficeRole)
    roles_help = " / ".join(f"{r.value} {r.label}" for r in OfficeRole)
    p = usub.add_parser("add", parents=[common, json_opt], help="添加用户（PostgreSQL 登录角色）")
    p.add_argument(
        "name", metavar="用户名", help="登录名：小写英文字母、数字、下划线（如 zhang_lv）"
    )
    p.add_argument("--role", type=role, required=True, metavar="角色", help=roles_help)
    p.add_argument("--display-name", metavar="姓名", help="显示名称，作为记录人（如 张律师）")
    _password_opt(p)
    p.set_defaults(func=cmd_user_add)
    p = usub.add_parser("list", parents=[common, json_opt], help="列出用户")
    p.set_defaults(func=cmd_user_list)
    p = usub.add_parser("remove", parents=[common, json_opt], help="删除用户（其记录保留）")
    p.add_argument("name", metavar="用户名")
    p.set_defaults(func=cmd_user_remove)
    p = usub.add_parser("role", parents=[common, json_opt], help="修改用户的角色")
    p.add_argument("name", metavar="用户名")
    p.add_argument("role", type=role, metavar="角色", help=roles_help)
    p.set_defaults(func=cmd_user_role)
    p = usub.add_parser("password", parents=[common, json_opt], help="修改用户的密码")
    p.add_argument("name", metavar="用户名")
    _password_opt(p)
    p.set_defaults(func=cmd_user_password)


def add_assignment_commands(
    asub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    """``audit assign|unassign|assignments`` (under ``audit``)."""
    for name, unassign, text in (("assign", False, "把体检分配给用户（管理员；律师/工会干部只能修改分配给自己的体检）"),
                                 ("unassign", True, "取消用户对体检的分配（管理员）")):  # fmt: skip
        p = asub.add_parser(name, parents=[common, json_opt], help=text)
        p.add_argument("audit_id", metavar="体检编号")
        p.add_argument("user", metavar="用户名")
        p.set_defaults(func=cmd_assign, unassign=unassign)
    p = asub.add_parser("assignments", parents=[common, json_opt], help="列出体检的分配")
    p.add_argument("audit_id", nargs="?", metavar="体检编号", help="不给时列出全部体检的分配")
    p.set_defaults(func=cmd_assignments)
