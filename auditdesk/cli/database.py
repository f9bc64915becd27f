"""``auditdesk db …``: the shared server database (administrator commands)."""

from __future__ import annotations

import argparse
from typing import Any

from auditdesk.cli.base import EXIT_OK, ChineseArgumentParser, emit_json, open_with_password


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from auditdesk.services import database

    before, after = open_with_password(
        lambda pw: database.upgrade(args.database, password=pw, sslmode=args.tls)
    )
    if args.json:
        emit_json({"before": before, "after": after})
    elif before == after:
        print(f"服务器数据库已是最新的数据结构（版本 {after}），无需升级。")
    else:
        print(f"服务器数据库已从版本 {before} 升级到 {after}。")
    return EXIT_OK


def add_database_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    db = sub.add_parser("db", parents=[common], help="服务器数据库：初始化与升级（管理员）")
    dsub = db.add_subparsers(
        dest="db_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    p = dsub.add_parser(
        "upgrade",
        parents=[common, json_opt],
        help="建立或升级共享数据库的数据结构（持有咨询锁，客户端不会自动升级）",
    )
    p.add_argument(
        "--tls", metavar="模式", help="TLS：disable / require / verify-ca / verify-full 等"
    )
    p.set_defaults(func=cmd_db_upgrade)
