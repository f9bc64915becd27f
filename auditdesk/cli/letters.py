"""``auditdesk letters issue|reply|list``: the union letters (一函两书) sent for an audit and their
reply clocks, through the same service the 导出文书 dialog and the 跟诊 page use."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    date_arg,
    dump,
    emit_json,
    enum_arg,
    open_workspace,
    short_ref,
)
from auditdesk.models.followup import Letter, LetterKind

LETTER_SHAPE = """\
一份函件的 JSON：
{"ref":"5E6F7A8B"（函件编号）, "id":…, "audit_id":…, "kind":"notice|opinion|proposal",
 "kind_label":"意见书", "issued_on":"2026-03-02", "reply_due":"2026-03-23"（按工作日计算）,
 "replied_on":"2026-03-20" 或 null, "overdue":false（已过答复期限且未答复）, "note":"",
 "created_at":…, "updated_at":…}"""


def letter_json(letter: Letter, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    return {
        "ref": short_ref(letter.id),
        **dump(letter),
        "kind_label": letter.kind.label,
        "overdue": letter.replied_on is None and letter.reply_due < today,
    }


def _line(letter: Letter) -> str:
    if letter.replied_on is not None:
        state = f"已于 {letter.replied_on} 答复"
    elif letter.reply_due < date.today():
        state = f"答复期限 {letter.reply_due} 已过，尚未答复"
    else:
        state = f"须于 {letter.reply_due} 前答复"
    return f"{short_ref(letter.id)}  {letter.kind.label}  {letter.issued_on} 发出  {state}"


def cmd_issue(args: argparse.Namespace) -> int:
    from auditdesk.services import followups, reports

    day: date = args.date or date.today()
    with open_workspace(args) as ws:
        written = None
        if args.output:
            # as the 导出文书 dialog: write the letter first, record it as sent once it exists
            written = reports.export(ws, args.audit, Path(args.output), kind=args.kind.value)
        letter = followups.record_letter(ws, args.audit, args.kind, day, note=args.note or "")
    if args.json:
        emit_json({**letter_json(letter), "file": str(written) if written else None})
    else:
        if written:
            print(f"已生成：{written}")
        print(f"已登记{letter.kind.label}（编号 {short_ref(letter.id)}）：{day} 发出，"
              f"须于 {letter.reply_due} 前答复。")  # fmt: skip
    return EXIT_OK


def cmd_reply(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        letter = followups.find_letter(ws, args.letter)
        saved = followups.letter_replied(ws, letter.id, args.date)
    if args.json:
        emit_json(letter_json(saved))
    else:
        late = "（逾期答复）" if args.date > saved.reply_due else ""
        print(f"已登记{saved.kind.label} {short_ref(saved.id)} 于 {args.date} 答复{late}。")
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


def add_letters_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    group = sub.add_parser("letters", parents=[common],
                           help="一函两书：登记发出、登记答复、列出（答复期限按工作日计算）")  # fmt: skip
    lsub = group.add_subparsers(dest="letters_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip

    p = lsub.add_parser("issue", parents=[common, json_opt], help="登记发出提示函、意见书或建议书",
                        formatter_class=raw, description=(
        "登记函件已发出，开始计算答复期限（提示函 10 个工作日、意见书 15 个、建议书 5 个；"
        "跳过法定节假日，调休上班日计入）。加 -o 时先生成文书（同 report --kind），成功后再登记。\n\n"
        f'--json：函件，另加 "file"（生成的文书路径，或 null）\n\n{LETTER_SHAPE}\n'))  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("--kind", required=True, type=enum_arg(LetterKind),
                   metavar="notice|opinion|proposal",
                   help="notice 提示函 / opinion 意见书 / proposal 建议书")  # fmt: skip
    p.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD", help="发出日期（默认今天）")
    p.add_argument("--note", help="备注")
    p.add_argument("-o", "--output", metavar="FILE.docx", help="同时生成该函件的 Word 文书")
    p.set_defaults(func=cmd_issue)

    p = lsub.add_parser("reply", parents=[common, json_opt], help="登记企业已答复",
                        formatter_class=raw,
                        description=f"登记企业答复函件的日期，答复期限提醒随之停止。\n\n"
                        f"--json：函件\n\n{LETTER_SHAPE}\n")  # fmt: skip
    p.add_argument("letter", metavar="函件编号", help="函件编号（letters list 中的 8 位编号）")
    p.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD",
                   help="答复日期")  # fmt: skip
    p.set_defaults(func=cmd_reply)

    p = lsub.add_parser("list", parents=[common, json_opt], help="列出体检发出的函件",
                        formatter_class=raw,
                        description=f"--json：[函件…]，按发出日期排列\n\n{LETTER_SHAPE}\n")  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_list)
