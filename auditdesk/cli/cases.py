"""``auditdesk case export|import``: carry a company's case between machines in one file.

The passphrase of ``--encrypt`` (and of a sealed file on import) is asked for on the terminal, or
taken from the ``AUDITDESK_CASE_PASSPHRASE`` environment variable for scripts; it is never an
argument, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_FAILED_CHECK,
    EXIT_OK,
    ChineseArgumentParser,
    open_workspace,
    word_arg,
)

ENV_PASSPHRASE = "AUDITDESK_CASE_PASSPHRASE"


def _passphrase(*, confirm: bool) -> str:
    from auditdesk.archive import MIN_PASSPHRASE
    from auditdesk.errors import AuditDeskError

    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        if len(env) < MIN_PASSPHRASE:
            raise AuditDeskError(
                f"环境变量 {ENV_PASSPHRASE} 中的口令至少需 {MIN_PASSPHRASE} 个字符。"
            )
        return env
    first = getpass.getpass("口令：")
    if confirm and getpass.getpass("再输入一次口令：") != first:
        raise AuditDeskError("两次输入的口令不一致。")
    if len(first) < MIN_PASSPHRASE:
        raise AuditDeskError(f"口令至少 {MIN_PASSPHRASE} 个字符。")
    return first


def cmd_case_export(args: argparse.Namespace) -> int:
    from auditdesk.services import cases

    passphrase = _passphrase(confirm=True) if args.encrypt else None
    with open_workspace(args) as ws:
        result = cases.export_case(ws, args.company, Path(args.output),
                                   audit_ids=args.audit or None, passphrase=passphrase)  # fmt: skip
    c = result.counts
    print(f"已导出案卷：{result.path}{'（已加密）' if result.encrypted else ''}")
    if not result.encrypted:
        print("提示：案卷未加密，其中有身份证号、工资等个人信息；通过 U 盘或电子邮件传递时请加 --encrypt。",
              file=sys.stderr)  # fmt: skip
    print(f"{result.company}：体检 {c['audits']} 次，问题 {c['findings']} 条，"
          f"检查结果 {c['answers']} 条，附件 {result.attachments} 个，工资记录 {c['payroll_rows']} 行")  # fmt: skip
    return EXIT_OK


def cmd_case_import(args: argparse.Namespace) -> int:
    from auditdesk.archive import is_sealed
    from auditdesk.services import cases

    path = Path(args.file)
    passphrase = _passphrase(confirm=False) if is_sealed(path) else None
    with open_workspace(args) as ws:
        plan = cases.import_case(ws, path, passphrase=passphrase, prefer=args.prefer,
                                 dry_run=args.dry_run, by=getattr(args, "by", None) or "")  # fmt: skip
    if args.dry_run:
        print("预览（未写入）：" + plan.summary())
        for c in plan.conflicts:
            print(f"冲突：{c.label}「{c.description}」")
            for d in c.diffs:
                print(f"    {d.field}：本机 {_show(d.mine)} / 文件 {_show(d.theirs)}")
        return EXIT_FAILED_CHECK if plan.conflicts else EXIT_OK
    print("已导入：" + plan.summary())
    if plan.attachments_added:
        print(f"附件文件新增 {plan.attachments_added} 个。")
    return EXIT_OK


def _show(value: Any) -> str:
    return "（空）" if value in (None, "") else f"“{value}”"


def add_case_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    group = sub.add_parser("case", parents=[common], help="案卷文件：在电脑之间传递企业的体检记录")
    csub = group.add_subparsers(dest="case_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = csub.add_parser(
        "export", parents=[common], help="把一家企业（或其中几次体检）导出为 .adcase"
    )
    p.add_argument("--company", required=True, metavar="企业编号")
    p.add_argument("--audit", action="append", metavar="体检编号", help="只导出这次体检（可重复）")
    p.add_argument("-o", "--output", required=True, metavar="FILE.adcase")
    p.add_argument(
        "--encrypt", action="store_true", help=f"用口令加密（口令从终端输入或 {ENV_PASSPHRASE}）"
    )
    p.set_defaults(func=cmd_case_export)
    p = csub.add_parser("import", parents=[common], help="导入 .adcase 案卷，按记录编号合并")
    p.add_argument("file", metavar="FILE.adcase")
    p.add_argument("--dry-run", action="store_true", help="只预览将新增、更新的内容和冲突")
    p.add_argument("--prefer", type=word_arg({"mine": "保留本机", "theirs": "采用文件"}),
                   metavar="mine|theirs",
                   help="两边都改过的记录：mine 保留本机 / theirs 采用文件；不给时列出冲突并停止")  # fmt: skip
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_case_import)
