"""``auditdesk letters issue|serve|reply|list|export`` (一函两书 as records) and ``auditdesk settings
union`` (who issues them), through the same services as the 导出文书 dialog, the 跟诊 page and
the 设置 page."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    add_expect_version,
    date_arg,
    dump,
    emit_json,
    enum_arg,
    open_workspace,
    short_ref,
)
from auditdesk.cli.towns import add_towns_commands
from auditdesk.errors import AuditDeskError
from auditdesk.models.followup import UNION_FIELDS, Letter, LetterKind

LETTER_SHAPE = """\
一份函件的 JSON：
{"ref":"5E6F7A8B"（函件记录编号）, "id":…, "audit_id":…, "kind":"notice|opinion|proposal",
 "kind_label":"意见书", "number":"马陆工监意〔2026〕第1号"（文号；编号前登记的函件为 null）,
 "issued_on":"2026-03-02", "served_on":"2026-03-03" 或 null（送达日期）,
 "reply_due":"2026-03-24"（答复期限，按工作日计算）, "due_estimated":false（true：尚未登记送达，
 按发出当日送达估算）, "replied_on":"2026-03-20" 或 null, "overdue":false（已过答复期限且未答复）,
 "archived":true（正文已存档，可 letters export 重现）, "note":"", "created_at":…, "updated_at":…}"""


def letter_json(letter: Letter, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    return {
        "ref": short_ref(letter.id),
        **{k: v for k, v in dump(letter).items() if k != "content"},
        "kind_label": letter.kind.label,
        "due_estimated": letter.due_estimated,
        "overdue": letter.replied_on is None and letter.reply_due < today,
        "archived": letter.content is not None,
    }


def _line(letter: Letter) -> str:
    estimate = "（估算，尚未登记送达）" if letter.due_estimated else ""
    if letter.replied_on is not None:
        state = f"已于 {letter.replied_on} 答复"
    elif letter.reply_due < date.today():
        state = f"答复期限 {letter.reply_due}{estimate} 已过，尚未答复"
    else:
        state = f"须于 {letter.reply_due}{estimate} 前答复"
    served = f"，{letter.served_on} 送达" if letter.served_on else ""
    return f"{short_ref(letter.id)}  {letter.label}  {letter.issued_on} 发出{served}  {state}"


def cmd_issue(args: argparse.Namespace) -> int:
    from auditdesk.services import letters

    day: date = args.date or date.today()
    with open_workspace(args) as ws:
        written = letters.issue_letter(
            ws, args.audit, args.kind, day, served_on=args.served, note=args.note or "",
            out=Path(args.output) if args.output else None, by=getattr(args, "by", None) or "",
        )  # fmt: skip
    letter = written.letter
    assert letter is not None
    if args.json:
        emit_json({**letter_json(letter), "file": str(written.path) if written.path else None})
        return EXIT_OK
    if written.path:
        print(f"已生成：{written.path}")
    clock = "（估算：登记送达日期后按送达次日起算）" if letter.due_estimated else ""
    print(f"已发出{letter.label}（记录编号 {short_ref(letter.id)}）：{day} 发出，"
          f"须于 {letter.reply_due}{clock} 前答复。")  # fmt: skip
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from auditdesk.services import followups, letters

    with open_workspace(args) as ws:
        letter = followups.find_letter(ws, args.letter)
        saved = letters.serve_letter(ws, letter.id, args.date,
                                     expected_version=args.expect_version,
                                     by=getattr(args, "by", None) or "")  # fmt: skip
    if args.json:
        emit_json(letter_json(saved))
    else:
        print(f"已登记{saved.label} 于 {args.date} 送达，须于 {saved.reply_due} 前答复。")
    return EXIT_OK


def cmd_reply(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        letter = followups.find_letter(ws, args.letter)
        saved = followups.letter_replied(ws, letter.id, args.date,
                                         expected_version=args.expect_version,
                                         by=getattr(args, "by", None) or "")  # fmt: skip
    if args.json:
        emit_json(letter_json(saved))
    else:
        late = "（逾期答复）" if args.date > saved.reply_due else ""
        print(f"已登记{saved.label} {short_ref(saved.id)} 于 {args.date} 答复{late}。")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        letters = followups.list_letters(ws, args.audit)
    if args.json:
        emit_json([letter_json(x) for x in letters])
        return EXIT_OK
    for x in letters:
        print(_line(x))
    if not letters:
        print("该体检还没有登记发出的函件。")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from auditdesk.services import followups, letters

    with open_workspace(args) as ws:
        letter = followups.find_letter(ws, args.letter)
        written = letters.export_letter(ws, letter.id, Path(args.output))
    if args.json:
        emit_json({**letter_json(letter), "file": str(written.path), "exact": written.exact})
    else:
        how = "" if written.exact else "（存档文件不在本机，已按存档内容重新生成）"
        print(f"已导出{letter.label}：{written.path}{how}")
    return EXIT_OK


def cmd_settings_union(args: argparse.Namespace) -> int:
    from auditdesk.services import union

    with open_workspace(args) as ws:
        if args.set:
            changes: dict[str, str] = {}
            for item in args.set:
                key, sep, value = item.partition("=")
                if not sep:
                    raise AuditDeskError(
                        f"“{item}”应写成 键=值，例如 union_name=嘉定区马陆镇总工会。"
                    )
                changes[key.strip()] = value.strip()
            settings = union.set_union_settings(ws, changes)
        else:
            settings = union.get_union_settings(ws)
    if args.json:
        emit_json(settings.model_dump())
        return EXIT_OK
    for key, label in UNION_FIELDS.items():
        print(f"{key:16} {label}：{getattr(settings, key) or '（未设置）'}")
    return EXIT_OK


def cmd_settings_followup_days(args: argparse.Namespace) -> int:
    from auditdesk.models.finding import Severity
    from auditdesk.services import office_settings

    with open_workspace(args) as ws:
        if args.set:
            changes: dict[str, int] = {}
            for item in args.set:
                key, sep, value = item.partition("=")
                if not sep or not value.strip().isdigit():
                    raise AuditDeskError(f"“{item}”应写成 严重程度=天数，例如 critical=15。")
                changes[key.strip()] = int(value.strip())
            days = office_settings.set_followup_days(ws, changes)
        else:
            days = office_settings.followup_days(ws)
        shared = ws.is_server
    if args.json:
        emit_json(days)
        return EXIT_OK
    for severity in Severity:
        print(f"{severity.value:10} {severity.label}：{days[severity.value]} 天")
    print("（服务器数据库：全办公室共用）" if shared else "（本机设置）")
    return EXIT_OK


def add_letters_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    group = sub.add_parser("letters", parents=[common],
                           help="一函两书：发出（编号存档）、登记送达、登记答复、列出、重新导出")  # fmt: skip
    lsub = group.add_subparsers(dest="letters_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip

    p = lsub.add_parser("issue", parents=[common, json_opt], help="发出提示函、意见书或建议书",
                        formatter_class=raw, description=(
        "发出函件：按类别和年度取下一个文号（前缀见 settings union），正文和 Word 文书存档，"
        "开始计算答复期限（提示函 10 个工作日，自发出次日起；意见书 15 个、建议书 5 个，自送达次日起，"
        "未登记送达前按发出当日送达估算）。跳过法定节假日，调休上班日计入；期限超出已收录的节假日安排时拒绝。"
        "没有未整改的问题时拒绝；建议书须在意见书送达、答复期限届满且未答复后发出。\n\n"
        f'--json：函件，另加 "file"（写出的文书路径，或 null）\n\n{LETTER_SHAPE}\n'))  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("--kind", required=True, type=enum_arg(LetterKind),
                   metavar="notice|opinion|proposal",
                   help="notice 提示函 / opinion 意见书 / proposal 建议书")  # fmt: skip
    p.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD", help="发出日期（默认今天）")
    p.add_argument("--served", type=date_arg, metavar="YYYY-MM-DD",
                   help="当场送达时的送达日期（否则之后用 letters serve 登记）")  # fmt: skip
    p.add_argument("--note", help="备注")
    p.add_argument("-o", "--output", metavar="FILE.docx", help="同时写出该函件的 Word 文书")
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_issue)

    p = lsub.add_parser("serve", parents=[common, json_opt], help="登记送达日期（送达回执）",
                        formatter_class=raw, description=(
        "登记函件的送达日期。意见书、建议书的答复期限自送达次日起按工作日计算（最后一日计入），"
        f"不再是估算。再次登记可更正日期。\n\n--json：函件\n\n{LETTER_SHAPE}\n"))  # fmt: skip
    p.add_argument("letter", metavar="函件编号", help="函件记录编号（letters list 中的 8 位编号）")
    p.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD", help="送达日期")
    add_expect_version(p)
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_serve)

    p = lsub.add_parser("reply", parents=[common, json_opt], help="登记企业已答复",
                        formatter_class=raw,
                        description=f"登记企业答复函件的日期，答复期限提醒随之停止。\n\n"
                        f"--json：函件\n\n{LETTER_SHAPE}\n")  # fmt: skip
    p.add_argument("letter", metavar="函件编号", help="函件记录编号（letters list 中的 8 位编号）")
    p.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD",
                   help="答复日期")  # fmt: skip
    add_expect_version(p)
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_reply)

    p = lsub.add_parser("list", parents=[common, json_opt], help="列出体检发出的函件",
                        formatter_class=raw,
                        description=f"--json：[函件…]，按发出日期排列\n\n{LETTER_SHAPE}\n")  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_list)

    p = lsub.add_parser("export", parents=[common, json_opt], help="重新导出已发出的函件（原样重现）",
                        formatter_class=raw, description=(
        "写出已发出函件的存档 Word 文书（文号、日期、正文不变，不会改成今天的日期）。\n\n"
        f'--json：函件，另加 "file" 和 "exact"（true：存档文件原样复制；false：存档文件不在本机，'
        f"按存档内容重新生成）\n\n{LETTER_SHAPE}\n"))  # fmt: skip
    p.add_argument("letter", metavar="函件编号", help="函件记录编号（letters list 中的 8 位编号）")
    p.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="输出文件")
    p.set_defaults(func=cmd_export)

    keys = "\n".join(f"  {k:16} {label}" for k, label in UNION_FIELDS.items())
    group = sub.add_parser("settings", parents=[common], help="设置：工会与函件")
    ssub = group.add_subparsers(dest="settings_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = ssub.add_parser("union", parents=[common, json_opt], help="查看或修改发函工会、联系人、文号前缀",
                        formatter_class=raw, description=(
        "不带 --set 时显示当前设置。可设置的键：\n" + keys +
        '\n\n--json：{"union_name":…, "district_union":…, …}（上述各键，未设置为 ""）\n'))  # fmt: skip
    p.add_argument("--show", action="store_true", help="显示当前设置（默认）")
    p.add_argument("--set", action="append", metavar="键=值",
                   help="修改一项（可重复；值为空则清除），如 --set union_name=嘉定区马陆镇总工会")  # fmt: skip
    p.set_defaults(func=cmd_settings_union)
    p = ssub.add_parser("followup-days", parents=[common, json_opt],
                        help="查看或修改各严重程度的整改期限天数（服务器数据库上全办公室共用）")  # fmt: skip
    p.add_argument("--set", action="append", metavar="严重程度=天数",
                   help="修改一项（可重复），如 --set critical=15（critical high medium low info）")  # fmt: skip
    p.set_defaults(func=cmd_settings_followup_days)
    add_towns_commands(ssub, common, json_opt)
