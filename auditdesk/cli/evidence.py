"""``auditdesk evidence list|add|remove|export``: the evidence files of an answer or a finding (the
walk's 证据 list and its 添加/打开 from the shell). On a server the files are streamed out of the
database; ``export`` writes a copy checked against its hash, never the stored file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditdesk.cli.base import EXIT_OK, ChineseArgumentParser, dump, emit_json, open_workspace

if TYPE_CHECKING:
    from auditdesk.services.workspace import Workspace


def _owner(ws: Workspace, args: argparse.Namespace) -> dict[str, str | None]:
    """The answer or the finding; a finding as ``findings list`` prints it (its id, its 8-character
    reference in any case, or its 问题编号 W07), so an unknown one is an error, not 没有证据文件."""
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import visit

    if (args.answer is None) == (args.finding is None):
        raise AuditDeskError("请用 --answer 或 --finding 指定证据所属的检查结果或问题（二选一）。")
    if args.finding is None:
        return {"answer_id": args.answer, "finding_id": None}
    found = visit.find_finding(ws, args.finding, audit_id=args.audit)
    return {"answer_id": None, "finding_id": found.id}


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from auditdesk.services import attachments

    with open_workspace(args) as ws:
        found = attachments.list_attachments(ws, **_owner(ws, args))
    if args.json:
        emit_json([{**dump(a), "available": path is not None} for a, path in found])
        return EXIT_OK
    if not found:
        print("没有证据文件。")
    for a, path in found:
        print(
            f"{a.id[: attachments.SHORT_REFERENCE]}  {a.filename}  {a.size:,} 字节"
            f"{'' if path else '  （文件缺失）'}"
        )
    return EXIT_OK


def cmd_evidence_add(args: argparse.Namespace) -> int:
    from auditdesk.services import attachments

    with open_workspace(args) as ws:
        owner = _owner(ws, args)
        added = [
            attachments.attach_file(ws, Path(f), answer_id=owner["answer_id"],
                                    finding_id=owner["finding_id"],
                                    by=getattr(args, "by", None) or "")
            for f in args.files
        ]  # fmt: skip
    if args.json:
        emit_json([dump(a) for a in added])
        return EXIT_OK
    for a in added:
        print(f"已添加证据：{a.filename}（{a.id}）")
    return EXIT_OK


def cmd_evidence_remove(args: argparse.Namespace) -> int:
    from auditdesk.services import attachments

    with open_workspace(args) as ws:
        found = attachments.find_attachment(ws, args.id)
        removed = attachments.remove_attachment(ws, found.id, by=args.by or "")
    if args.json:
        emit_json({**dump(removed), "removed": True})
        return EXIT_OK
    print(f"已删除证据：{removed.filename}（{removed.id}）")
    return EXIT_OK


def cmd_evidence_export(args: argparse.Namespace) -> int:
    from auditdesk.services import attachments

    with open_workspace(args) as ws:
        att = attachments.find_attachment(ws, args.id)
        target = Path(args.output)
        if target.is_dir():
            target = target / Path(att.filename).name
        attachments.export_copy(ws, att, target)
    print(f"已导出证据“{att.filename}”到：{target}")
    return EXIT_OK


def add_evidence_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    group = sub.add_parser("evidence", parents=[common], help="证据文件：列出、添加、删除、导出")
    esub = group.add_subparsers(dest="evidence_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    for name, helptext, func in (
        ("list", "列出一条检查结果或一个问题的证据文件", cmd_evidence_list),
        ("add", "为一条检查结果或一个问题添加证据文件", cmd_evidence_add),
    ):
        p = esub.add_parser(name, parents=[common, json_opt], help=helptext)
        p.add_argument("--answer", metavar="检查结果编号")
        p.add_argument("--finding", metavar="问题编号",
                       help="问题：findings list 列出的 8 位编号、问题编号（如 W07）或完整编号")  # fmt: skip
        p.add_argument(
            "--audit", metavar="体检编号", help="--finding 为问题编号时，只在该体检的问题中查找"
        )
        if name == "add":
            p.add_argument("files", nargs="+", metavar="FILE")
        p.set_defaults(func=func)
    p = esub.add_parser(
        "remove", parents=[common, json_opt],
        help="删除一个证据文件（记入修改记录；文件内容无其他附件使用时一并删除）",
    )  # fmt: skip
    p.add_argument("id", metavar="附件编号", help="evidence list 列出的 8 位编号或完整编号")
    p.add_argument("--by", metavar="名字", help="操作人（服务器数据库上为登录的用户）")
    p.set_defaults(func=cmd_evidence_remove)
    p = esub.add_parser(
        "export", parents=[common], help="把一个证据文件导出到指定位置（核对校验值）"
    )
    p.add_argument("id", metavar="附件编号", help="evidence list 列出的 8 位编号或完整编号")
    p.add_argument("-o", "--output", required=True, metavar="FILE|DIR")
    p.set_defaults(func=cmd_evidence_export)
