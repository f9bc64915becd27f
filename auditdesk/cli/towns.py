"""``auditdesk settings towns list|add|rename|remove``: the office's list of towns (街镇), through
the same services as 设置 → 街镇列表."""

from __future__ import annotations

import argparse
from typing import Any

from auditdesk.cli.base import EXIT_OK, ChineseArgumentParser, emit_json, open_workspace

TOWN_SHAPE = '{"name":"马陆镇", "companies":3}（companies：所属街镇为该名称的企业数）'


def cmd_list(args: argparse.Namespace) -> int:
    from auditdesk.services import towns

    with open_workspace(args) as ws:
        listed = towns.list_towns(ws)
    if args.json:
        emit_json([{"name": t.name, "companies": t.companies} for t in listed])
        return EXIT_OK
    if not listed:
        print("街镇列表为空。保存企业时填写的街镇会自动加入。")
    for t in listed:
        print(f"{t.name}  {t.companies} 家企业")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from auditdesk.services import towns

    with open_workspace(args) as ws:
        name = towns.add_town(ws, args.name, allow_variant=args.allow_variant)
    if args.json:
        emit_json({"name": name, "companies": 0})
    else:
        print(f"已加入街镇列表：{name}")
    return EXIT_OK


def cmd_rename(args: argparse.Namespace) -> int:
    from auditdesk.services import towns

    with open_workspace(args) as ws:
        result = towns.rename_town(ws, args.old, args.new)
    if args.json:
        emit_json({"old": result.old, "new": result.new, "merged": result.merged,
                   "companies": result.companies})  # fmt: skip
    else:
        how = "合并到" if result.merged else "改名为"
        print(f"“{result.old}”已{how}“{result.new}”，{result.companies} 家企业随之更新。")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from auditdesk.services import towns

    with open_workspace(args) as ws:
        name = towns.remove_town(ws, args.name)
    if args.json:
        emit_json({"removed": name})
    else:
        print(f"已从街镇列表删除：{name}")
    return EXIT_OK


def add_towns_commands(
    ssub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    """``towns`` under ``settings``."""
    raw = argparse.RawDescriptionHelpFormatter
    group = ssub.add_parser(
        "towns", parents=[common], help="街镇列表：查看、添加、改名或合并、删除"
    )
    tsub = group.add_subparsers(dest="towns_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = tsub.add_parser("list", parents=[common, json_opt], help="列出街镇及各自的企业数",
                        formatter_class=raw, description=f"--json：[{TOWN_SHAPE}…]，按名称排列")  # fmt: skip
    p.set_defaults(func=cmd_list)
    p = tsub.add_parser("add", parents=[common, json_opt], help="添加街镇", formatter_class=raw,
                        description=(
        "把新街镇加入列表（首尾空格去掉）。与已列出的街镇只差区县前缀（如“嘉定区”“上海市嘉定区”）"
        f"或空格时拒绝，除非加 --allow-variant。\n\n--json：{TOWN_SHAPE}"))  # fmt: skip
    p.add_argument("name", metavar="街镇")
    p.add_argument("--allow-variant", action="store_true",
                   help="确是另一个街镇：即使与已列出的只差区县前缀也添加")  # fmt: skip
    p.set_defaults(func=cmd_add)
    p = tsub.add_parser("rename", parents=[common, json_opt], help="改名，或合并到另一个街镇",
                        formatter_class=raw, description=(
        "把列表中的街镇改名；新名称已在列表中时即合并：使用旧名称的企业一并改为新名称，旧名称"
        "从列表删除（一次完成）。\n\n"
        '--json：{"old":…, "new":…, "merged":true|false, "companies":更新的企业数}'))  # fmt: skip
    p.add_argument("old", metavar="原名称")
    p.add_argument("new", metavar="新名称")
    p.set_defaults(func=cmd_rename)
    p = tsub.add_parser("remove", parents=[common, json_opt], help="删除没有企业使用的街镇",
                        formatter_class=raw, description=(
        "从列表删除街镇；仍有企业使用时拒绝（请先改名合并）。\n\n"
        '--json：{"removed":"江桥镇"}'))  # fmt: skip
    p.add_argument("name", metavar="街镇")
    p.set_defaults(func=cmd_remove)
