"""``auditdesk followups due|ics|plan|ledger`` and ``auditdesk dashboard``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    add_expect_version,
    date_arg,
    emit_json,
    non_negative_int,
    open_workspace,
)
from auditdesk.fileperms import owner_only


def _due_json(i: Any) -> dict[str, Any]:
    return {"kind": i.kind, "date": i.day.isoformat(), "company_id": i.company_id,
            "company": i.company, "text": i.text, "overdue": i.overdue, "ref": i.ref,
            "audit_id": i.audit_id}  # fmt: skip


def cmd_due(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    paged = args.limit is not None or args.offset is not None
    with open_workspace(args) as ws:
        page = followups.due_page(ws, today=date.today(), within_days=args.within,
                                  limit=args.limit, offset=args.offset or 0)  # fmt: skip
    items = page.items
    if args.json:
        if not paged:  # the list alone, as before paging existed (scripts read it)
            emit_json([_due_json(i) for i in items])
        else:
            emit_json({"total": page.total, "overdue": page.overdue, "by_kind": page.by_kind,
                       "offset": page.offset, "limit": page.limit,
                       "items": [_due_json(i) for i in items]})  # fmt: skip
        return EXIT_OK
    if not page.total:
        print(f"今天起 {args.within} 天内没有到期的跟诊、函件或整改期限。")
    for i in items:
        print(f"{'[逾期] ' if i.overdue else ''}{i.day} {i.company}：{i.text}")
    if paged and page.total:
        counts = f"共 {page.total} 条（逾期 {page.overdue} 条）"
        if items:
            shown = f"显示第 {page.offset + 1} 至 {page.offset + len(items)} 条，{counts}"
        elif page.offset >= page.total:
            shown = f"第 {page.offset} 条之后没有了，{counts}"
        else:
            shown = f"显示 0 条，{counts}"
        if not page.more:
            more = ""
        elif items:
            more = f"；用 --offset {page.offset + len(items)} 查看后面的 {page.more} 条"
        else:  # --limit 0: the counts alone
            more = "；用 --limit N 查看前 N 条"
        print(f"{shown}{more}。")
    return EXIT_OK


def cmd_ics(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        data = followups.ics(ws, company_id=args.company)
    out = Path(args.output)
    out.write_bytes(data)
    owner_only(out)
    print(f"已生成：{out}")
    return EXIT_OK


def cmd_reschedule(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        changed = followups.reschedule(ws, args.followup_id, args.date,
                                       expected_version=args.expect_version,
                                       by=getattr(args, "by", None) or "")  # fmt: skip
    print(f"跟诊已改到 {changed.planned_on}。")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        made = followups.plan_followups(ws, args.audit, by=getattr(args, "by", None) or "")
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


def cmd_open(args: argparse.Namespace) -> int:
    from auditdesk.services import followups

    with open_workspace(args) as ws:
        found = followups.open_findings(ws, args.audit)
    if args.json:
        emit_json([{"ref": f.id[:8].upper(), "code": f.code, "id": f.id, "title": f.title,
                    "status": f.status.value,
                    "due_date": f.due_date.isoformat() if f.due_date else None} for f in found])  # fmt: skip
        return EXIT_OK
    for f in found:
        print(
            f"{f.code}  {f.id[:8].upper()}  [{f.status.label}]  期限 {f.due_date or '—'}  {f.title}"
        )
    if not found:
        print("没有未关闭的问题。")
    return EXIT_OK


def cmd_visit(args: argparse.Namespace) -> int:
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import followups, visit
    from auditdesk.services.followups import VisitResult

    with open_workspace(args) as ws:
        open_ids = {f.id for f in followups.open_findings(ws, args.audit)}
        if args.recheck:
            for check in followups.recheck_payroll(ws, args.audit):
                if check.fixed:
                    state = "不再触发，建议标为已整改"
                elif check.still:
                    state = f"仍有 {len(check.still)} 人"
                else:
                    state = "相关员工不在最新工资表中，无法复查"
                print(
                    f"工资复查 {check.finding.id[:8].upper()}：{state}（{check.before} → {check.after}）"
                )
        results = []
        for outcome, refs in (
            ("fixed", args.fixed),
            ("partly", args.partly),
            ("not_fixed", args.not_fixed),
        ):
            for ref in refs or []:  # the 问题编号 on the documents (W07) or the short reference
                finding = visit.find_finding(ws, ref, audit_id=args.audit)
                if finding.id not in open_ids:
                    raise AuditDeskError(
                        f"问题编号 {ref} 不是该体检未关闭的问题（用 followups open 查看）。"
                    )
                due = None if outcome == "fixed" else args.due
                results.append(VisitResult(finding.id, outcome, args.note or "", due))
        if not results:
            raise AuditDeskError(
                "请用 --fixed / --partly / --not-fixed 给出至少一个问题的核验结果。"
            )
        day = args.date or date.today()
        followups.record_followup_visit(ws, args.audit, day, results, by=args.by or "",
                                        followup_id=args.followup)  # fmt: skip
        left = followups.open_findings(ws, args.audit)
    print(f"已记录 {day} 的跟诊：核验 {len(results)} 项，尚未关闭 {len(left)} 项。")
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    from auditdesk.services import dashboard, towns

    with open_workspace(args) as ws:
        town = args.town
        listed = towns.suggest(ws, town) if town else None
        if listed is not None:  # "嘉定区马陆镇" finds the companies of the listed "马陆镇"
            print(f"街镇“{town}”按街镇列表统计为“{listed}”。", file=sys.stderr)
            town = listed
        board = dashboard.build(ws, town=town, today=date.today(),
                                since=args.since, until=args.until)  # fmt: skip
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
    p.add_argument("--limit", type=non_negative_int, metavar="N",
                   help="只列最紧急的 N 条（逾期在前，再按日期、企业）；默认列出全部；0：只给条数")  # fmt: skip
    p.add_argument("--offset", type=non_negative_int, metavar="N",
                   help="跳过前 N 条（与 --limit 一起翻页；默认 0）")  # fmt: skip
    p.epilog = ("不给 --limit/--offset 时列出全部，--json 输出条目列表（与以前相同）；"
                "给出其中之一时，文字输出末尾注明“共 N 条”，--json 输出 "
                "{total, overdue, by_kind, offset, limit, items}。")  # fmt: skip
    p.set_defaults(func=cmd_due)
    p = fsub.add_parser("ics", parents=[common], help="把跟诊安排和函件期限导出为 .ics 日历")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics")
    p.add_argument("--company", metavar="企业编号", help="只导出这家企业")
    p.set_defaults(func=cmd_ics)
    p = fsub.add_parser("plan", parents=[common, json_opt], help="按整改期限安排跟诊")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_plan)
    p = fsub.add_parser("reschedule", parents=[common], help="改期：修改一次跟诊安排的日期")
    p.add_argument("followup_id", metavar="跟诊编号", help="followups plan / due --json 中的编号")
    p.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD", help="新日期")
    add_expect_version(p)
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_reschedule)
    p = fsub.add_parser("ledger", parents=[common], help="导入企业回填的整改台账（先预览）")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--apply", action="store_true", help="确认写入")
    p.set_defaults(func=cmd_ledger)
    p = fsub.add_parser(
        "open", parents=[common, json_opt], help="列出体检未关闭的问题（含问题编号）"
    )
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_open)
    p = fsub.add_parser("visit", parents=[common], help="记录一次跟诊：逐项核验整改情况")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD", help="跟诊日期（默认今天）")
    p.add_argument("--fixed", nargs="*", metavar="问题编号", help="已整改（核验关闭）")
    p.add_argument("--partly", nargs="*", metavar="问题编号", help="部分整改")
    p.add_argument("--not-fixed", dest="not_fixed", nargs="*", metavar="问题编号", help="未整改")
    p.add_argument(
        "--due", type=date_arg, metavar="YYYY-MM-DD", help="未整改、部分整改问题的新期限"
    )
    p.add_argument("--note", help="核验说明")
    p.add_argument("--by", help="跟诊人员")
    p.add_argument("--recheck", action="store_true", help="先用最新导入的工资表复查工资问题")
    p.add_argument("--followup", metavar="跟诊编号",
                   help="本次跟诊完成的跟诊安排（followups due --json 的 ref）；此外，"
                   "跟诊日期当天及以前的跟诊安排都视为已完成")  # fmt: skip
    p.set_defaults(func=cmd_visit)
    p = sub.add_parser(
        "dashboard", parents=[common, json_opt], help="全镇看板：整改率、逾期、涉及金额"
    )
    p.add_argument("--town", help="只统计该街镇")
    p.add_argument("--since", type=date_arg, metavar="YYYY-MM-DD", help="只统计此日起开始的体检")
    p.add_argument("--until", type=date_arg, metavar="YYYY-MM-DD", help="只统计此日前开始的体检")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="导出统计表")
    p.set_defaults(func=cmd_dashboard)
