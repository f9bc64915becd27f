"""``auditdesk followups due|ics|plan|ledger`` and ``auditdesk dashboard``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from auditdesk.cli.base import EXIT_OK, ChineseArgumentParser, emit_json, open_workspace


def cmd_due(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        items = followups.due(ws, today=date.today(), within_days=args.within)
    if args.json:
        emit_json([{"kind": i.kind, "date": i.day.isoformat(), "company_id": i.company_id,
                    "company": i.company, "text": i.text, "overdue": i.overdue} for i in items])  # fmt: skip
        return EXIT_OK
    if not items:
        print(f"今天起 {args.within} 天内没有到期的跟诊、函件或整改期限。")
    for i in items:
        print(f"{'[逾期] ' if i.overdue else ''}{i.day} {i.company}：{i.text}")
    return EXIT_OK


def cmd_ics(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        data = followups.ics(ws, company_id=args.company)
    out = Path(args.output)
    out.write_bytes(data)
    print(f"已生成：{out}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        made = followups.plan_followups(ws, args.audit)
    if args.json:
        emit_json([{"id": f.id, "planned_on": f.planned_on.isoformat()} for f in made])
    else:
        for f in made:
            print(f"已安排跟诊：{f.planned_on}")
        if not made:
            print("没有新的跟诊需要安排。")
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    from auditdesk.services import ledger

    with open_workspace(args) as ws:
        diff = ledger.read_ledger(ws, args.audit, Path(args.file))
        for c in diff.changes:
            arrow = f"{c.finding.status.label} → {c.to.label}" if c.changes_status else "状态不变"
            print(
                f"第 {c.row} 行 {c.finding.id[:8].upper()} {c.finding.title[:30]}：{arrow} {c.note}"
            )
        for _row, reason in diff.rejected:
            print(f"未采用：{reason}")
        if args.apply:
            moved = ledger.apply_ledger(ws, diff)
            print(f"已更新 {moved} 个问题的整改状态。")
        else:
            print("（预览；加 --apply 写入）")
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    from auditdesk.services import dashboard

    with open_workspace(args) as ws:
        board = dashboard.build(ws, town=args.town, today=date.today())
        if args.xlsx:
            dashboard.export_xlsx(board, Path(args.xlsx))
    if args.json:
        emit_json(dashboard.as_json(board))
    else:
        print(dashboard.headline(board))
        if args.xlsx:
            print(f"已导出：{args.xlsx}")
    return EXIT_OK


def add_followup_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    group = sub.add_parser(
        "followups", parents=[common], help="跟诊：到期提醒、日历、安排、整改台账"
    )
    fsub = group.add_subparsers(dest="followups_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = fsub.add_parser(
        "due", parents=[common, json_opt], help="到期和逾期的跟诊、函件答复和整改期限"
    )
    p.add_argument("--within", type=int, default=7, metavar="DAYS", help="往后看几天（默认 7）")
    p.set_defaults(func=cmd_due)
    p = fsub.add_parser("ics", parents=[common], help="把跟诊安排和函件期限导出为 .ics 日历")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics")
    p.add_argument("--company", metavar="企业编号", help="只导出这家企业")
    p.set_defaults(func=cmd_ics)
    p = fsub.add_parser("plan", parents=[common, json_opt], help="按整改期限安排跟诊")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_plan)
    p = fsub.add_parser("ledger", parents=[common], help="导入企业回填的整改台账（先预览）")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--apply", action="store_true", help="确认写入")
    p.set_defaults(func=cmd_ledger)
    p = sub.add_parser(
        "dashboard", parents=[common, json_opt], help="全镇看板：整改率、逾期、涉及金额"
    )
    p.add_argument("--town", help="只统计该街镇")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="导出统计表")
    p.set_defaults(func=cmd_dashboard)
