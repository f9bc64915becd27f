"""``auditdesk log list|export|purge|retention`` (修改记录) and ``auditdesk audit undo``: the same
services as the GUI's 修改记录 dialogs and the walk's Ctrl+Z."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditdesk.cli.base import EXIT_OK, ChineseArgumentParser, date_arg, emit_json, open_workspace
from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_datetime
from auditdesk.models.audit import Change, ChangeEntity

ENTRY_SHAPE = (
    '{"id":12, "changed_at":"2026-11-30T06:32:00+00:00", "changed_by":"张律师", '
    '"entity":"finding", "entity_label":"问题", "entity_id":…, "company_id":…, "audit_id":…, '
    '"field":"owner", "field_label":"负责人", "old":…, "new":…, "undoes":null, "undone":false}'
    "（时间为 UTC；old/new 为记录的原值/新值）"
)


def _entity(text: str) -> ChangeEntity:
    for e in ChangeEntity:
        if text.strip() in (e.value, e.label):
            return e
    known = "、".join(f"{e.value}（{e.label}）" for e in ChangeEntity)
    raise argparse.ArgumentTypeError(f"没有“{text}”这类记录；可选：{known}")


def _filter(args: argparse.Namespace) -> Any:
    from auditdesk.services.changelog import LogFilter

    if args.record_id and args.entity is None:
        raise AuditDeskError("--id 需与 --entity 一起使用（如 --entity finding --id 编号）。")
    return LogFilter(company_id=args.company, audit_id=args.audit, entity=args.entity,
                     entity_id=args.record_id)  # fmt: skip


def entry_json(c: Change) -> dict[str, Any]:
    return {
        "id": c.id, "changed_at": c.changed_at.isoformat(), "changed_by": c.changed_by,
        "entity": c.entity.value, "entity_label": c.entity.label, "entity_id": c.entity_id,
        "company_id": c.company_id, "audit_id": c.audit_id, "field": c.field,
        "field_label": c.field_label, "old": c.old, "new": c.new, "undoes": c.undoes,
        "undone": c.undone,
    }  # fmt: skip


def cmd_list(args: argparse.Namespace) -> int:
    from auditdesk.services import changelog

    with open_workspace(args) as ws:
        entries = changelog.entries(ws, _filter(args))
    if args.json:
        emit_json([entry_json(c) for c in entries])
        return EXIT_OK
    if not entries:
        print("没有符合条件的修改记录。")
    for c in entries:
        note = changelog.remark(c)
        print(
            f"#{c.id}  {format_datetime(c.changed_at)}  {c.changed_by or '—'}  "
            f"{c.entity.label} {c.entity_id}  {c.summary}" + (f"（{note}）" if note else "")
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from auditdesk.services import changelog

    with open_workspace(args) as ws:
        entries = changelog.entries(ws, _filter(args))
    out = changelog.export_xlsx(entries, Path(args.output))
    if args.json:
        emit_json({"path": str(out), "entries": len(entries)})
    else:
        print(f"已导出 {len(entries)} 条修改记录：{out}")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from auditdesk.services import changelog

    with open_workspace(args) as ws:
        if args.before is not None:
            count = changelog.purge(ws, args.before, by=args.by or "")
        elif changelog.retention_days(ws) is None:
            raise AuditDeskError(
                "未设置保留期限（修改记录不限期保留）：请用 --before 日期 指定清理哪天之前的记录，"
                "或先用“auditdesk log retention 天数”设置保留期限。"
            )
        else:
            count = changelog.purge_expired(ws, by=args.by or "")
    if args.json:
        emit_json({"deleted": count})
    else:
        print(f"已清理 {count} 条修改记录（清理本身已记入修改记录）。")
    return EXIT_OK


def cmd_retention(args: argparse.Namespace) -> int:
    from auditdesk.services import changelog

    with open_workspace(args) as ws:
        if args.days is not None:
            changelog.set_retention_days(ws, args.days, by=args.by or "")
        days = changelog.retention_days(ws)
    if args.json:
        emit_json({"days": days})
    else:
        print(f"修改记录保留期限：{f'{days} 天' if days else '不限'}")
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        by = ws.author(args.by or "")  # on a server: the signed-in user, whatever --by says
        if not by:
            raise AuditDeskError("请用 --by 指明撤销谁的修改（与记录结果时的 --by 相同）。")
        item_id = visit.undo_last_answer(ws, args.audit_id, by=by)
    if args.json:
        emit_json({"item_id": item_id})
    elif item_id is None:
        print(f"{by} 在该体检中没有可撤销的修改。")
    else:
        print(f"已撤销 {by} 对检查项 {item_id} 的最近一次修改。")
    return EXIT_OK


def _days(text: str) -> int:
    if text.strip() in ("off", "不限", "0"):
        return 0
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"“{text}”不是天数（整数，或 off 表示不限）")
    return int(text)


def _filters(p: ChineseArgumentParser) -> None:
    p.add_argument("--company", metavar="企业编号", help="只看该企业（含其体检，企业删除后仍在）")
    p.add_argument("--audit", metavar="体检编号", help="只看该体检")
    p.add_argument("--entity", type=_entity, metavar="类型",
                   help="记录类型：" + "、".join(f"{e.value}（{e.label}）" for e in ChangeEntity))  # fmt: skip
    p.add_argument("--id", dest="record_id", metavar="编号",
                   help="记录编号（检查结果用检查项编号，需与 --audit 一起更准确）")  # fmt: skip


def add_log_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    """``log list|export|purge|retention``."""
    group = sub.add_parser("log", parents=[common], help="修改记录：查看、导出、清理、保留期限")
    lsub = group.add_subparsers(dest="log_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = lsub.add_parser("list", parents=[common, json_opt], help="列出修改记录（最早的在前）",
                        description=f"--json 输出数组，每条：{ENTRY_SHAPE}")  # fmt: skip
    _filters(p)
    p.set_defaults(func=cmd_list)
    p = lsub.add_parser("export", parents=[common, json_opt], help="导出修改记录为 .xlsx",
                        description="导出为 Excel：时间（上海时间）、操作人、对象、对象编号、字段、"
                        "原值、新值、说明。个人信息按原样导出，文件只保存在本机。")  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="文件.xlsx", help="导出文件")
    _filters(p)
    p.set_defaults(func=cmd_export)
    p = lsub.add_parser("purge", parents=[common, json_opt], help="清理某日之前的修改记录（管理员）",
                        description="删除某日（上海时间）之前的修改记录；不给 --before 时按保留期限"
                        "清理。这是删除修改记录的唯一方式，清理本身会记入修改记录。服务器数据库上"
                        "只有数据库所有者（管理员）可以清理。")  # fmt: skip
    p.add_argument("--before", type=date_arg, metavar="YYYY-MM-DD", help="清理此日之前的记录")
    p.add_argument("--by", help="操作人")
    p.set_defaults(func=cmd_purge)
    p = lsub.add_parser("retention", parents=[common, json_opt],
                        help="查看或设置修改记录的保留期限（默认不限）")  # fmt: skip
    p.add_argument("days", nargs="?", type=_days, metavar="天数",
                   help="保留天数；off 或 0 表示不限（不给则只显示当前设置）")  # fmt: skip
    p.add_argument("--by", help="操作人")
    p.set_defaults(func=cmd_retention)


def add_undo_command(
    asub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    """``audit undo AUDIT --by NAME``: the walk's Ctrl+Z."""
    p = asub.add_parser("undo", parents=[common, json_opt],
                        help="撤销本人在该体检中最近一次修改的检查结果（不会撤销他人的修改）",
                        description='--json 输出 {"item_id": 检查项编号或 null（没有可撤销的）}')  # fmt: skip
    p.add_argument("audit_id", metavar="体检编号")
    p.add_argument("--by", help="撤销谁的修改（本人姓名，与记录结果时的 --by 相同；"
                   "服务器数据库上总是登录的用户本人，可不给）")  # fmt: skip
    p.set_defaults(func=cmd_undo)
