"""``auditdesk findings …``: 会诊 from the command line — gather the non-compliant answers into
findings, turn 工资核查 groups into findings, edit, dismiss (with a reason), restore, merge, split.

Every command calls the service function the 会诊 · 问题 tab or the 工资核查 dialog calls."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    add_expect_version,
    date_or_none_arg,
    dump,
    emit_json,
    enum_arg,
    open_workspace,
    short_ref,
)
from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_money
from auditdesk.models.finding import Finding, Severity

if TYPE_CHECKING:
    from auditdesk.services.payroll import FindingGroup
    from auditdesk.services.workspace import Workspace

FINDING_SHAPE = """\
一个问题（finding）的 JSON：
{"ref":"1A2B3C4D"（问题编号）, "id":…, "audit_id":…, "origin":"checklist|payroll",
 "origin_ref":"检查项编号，或 规则@YYYY-MM", "area":"pay", "area_label":"薪酬管理",
 "severity":"critical|high|medium|low|info", "severity_label":"高", "title":…, "facts":…,
 "legal_basis":[{"law":"劳动合同法", "article":"第十条", "excerpt":""}], "remedy":…,
 "consequence":"该检查项或规则自己的法律后果（旧问题可能为空）",
 "money_at_stake":"1234.50" 或 null, "status":"open|in_progress|fixed_pending|verified_closed|refused",
 "status_label":"待整改", "owner":"", "due_date":"2026-04-30" 或 null, "dismissed":false,
 "dismissed_reason":null, "dismissed_by":null, "dismissed_at":null, "subjects":["E0041"] 或 null,
 "payroll_state":null 或 "changed"（采纳后工资表重新导入，核查结果已变）或 "gone"（已不再出现）,
 "created_at":…, "updated_at":…}"""


def finding_json(f: Finding, payroll_state: str | None = None) -> dict[str, Any]:
    data = dump(f)
    data.update(
        ref=short_ref(f.id),
        area_label=f.area.label,
        severity_label=f.severity.label,
        status_label=f.status.label,
        dismissed=f.dismissed,
        payroll_state=payroll_state,
    )
    return {"ref": data.pop("ref"), **data}


PAYROLL_STATE_TEXT = {
    "changed": "  【采纳后工资表已变更，请复核】",
    "gone": "  【工资表中已无此问题，请复核】",
}


def _line(f: Finding, payroll_state: str | None = None) -> str:
    state = f"已剔除：{f.dismissed_reason}" if f.dismissed else f.status.label
    due = f"  期限 {f.due_date}" if f.due_date else ""
    money = ""
    if f.money_at_stake is not None and "合计" not in f.title:
        money = f"  涉及 {format_money(f.money_at_stake)}"
    warning = PAYROLL_STATE_TEXT.get(payroll_state or "", "")
    return f"{short_ref(f.id)}  [{f.severity.label}] [{state}]  {f.title}{due}{money}{warning}"


def _resolve(ws: Workspace, args: argparse.Namespace) -> Finding:
    from auditdesk.services import visit

    return visit.find_finding(ws, args.finding, audit_id=args.audit)


# ------------------------------------------------------------------ commands
def cmd_gather(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        created = visit.gather_findings(ws, args.audit, by=args.by or "")
        total = visit.list_findings(ws, args.audit)
    if args.json:
        emit_json({"created": [finding_json(f) for f in created], "total": len(total)})
        return EXIT_OK
    for f in created:
        print(f"新增 {_line(f)}")
    print(
        f"汇总不符合项：新增 {len(created)} 个问题，本次体检共 {len(total)} 个。"
        if created
        else f"没有新的不符合项需要汇总（本次体检共 {len(total)} 个问题）。"
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from auditdesk.services import audits, followups, payroll, visit

    with open_workspace(args) as ws:
        audits.get_audit(ws, args.audit)  # a wrong id is an error, not an empty list
        found = (
            followups.open_findings(ws, args.audit)
            if args.open
            else visit.list_findings(ws, args.audit)
        )
        stale = payroll.stale_findings(ws, args.audit)
    if args.json:
        emit_json([finding_json(f, stale.get(f.id)) for f in found])
        return EXIT_OK
    for f in found:
        print(_line(f, stale.get(f.id)))
    if not found:
        print("没有未关闭的问题。" if args.open else "该体检还没有问题。")
    return EXIT_OK


def _check_payroll(ws: Workspace, audit_id: str) -> tuple[Any, Any, dict[str, Any]]:
    """The audit's payroll reviewed and grouped as in the 工资核查 dialog, and the mark of each
    group key (``RULE@YYYY-MM``) that already has a finding (alone or merged across months)."""
    from auditdesk.services import payroll

    review = payroll.review_audit(ws, audit_id)
    return review.result, review, payroll.adoption_marks(ws, audit_id, review)


def group_key(group: FindingGroup) -> str:
    return f"{group.rule}@{group.period}"


def group_json(group: FindingGroup, marks: dict[str, Any]) -> dict[str, Any]:
    total = group.total
    mark = marks.get(group_key(group))
    return {
        "key": group_key(group),
        "rule": group.rule,
        "title": group.title,
        "period": group.period,
        "severity": group.severity.value,
        "severity_label": group.severity.label,
        "employees": group.employees,
        "findings": len(group.findings),
        "total": None if total is None else f"{total:.2f}",
        "headline": group.headline(),
        "adopted": mark is not None,
        "finding_number": mark.code if mark else None,
    }


def cmd_groups(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        result, review, marks = _check_payroll(ws, args.audit)
    groups = review.groups
    if args.json:
        emit_json({
            "rows": result.rows, "employees": result.employees, "periods": result.periods,
            "rules_skipped": [{"rule": s.rule, "title": s.title, "reason": s.reason}
                              for s in result.rules_skipped],
            "notes": result.notes,
            "groups": [group_json(g, marks) for g in groups],
        })  # fmt: skip
        return EXIT_OK
    if not result.rows:
        print("该体检还没有导入工资表：请先用 payroll import 导入。")
        return EXIT_OK
    print(f"{result.rows} 行工资数据，{result.employees} 名员工，月份 {'、'.join(result.periods)}；"
          f"{len(groups)} 组问题。")  # fmt: skip
    if not groups:
        print("工资核查没有发现问题。")
    for g in groups:
        mark = marks.get(group_key(g))
        print(f"{group_key(g)}  [{g.severity.label}]  {g.headline()}"
              f"{'（' + mark.label + '）' if mark else ''}")  # fmt: skip
    return EXIT_OK


def cmd_adopt(args: argparse.Namespace) -> int:
    from auditdesk.services import payroll

    with open_workspace(args) as ws:
        result, review, marks = _check_payroll(ws, args.audit)
        if not result.rows:
            raise AuditDeskError("该体检还没有导入工资表：请先用 payroll import 导入。")
        by_key = {group_key(g): g for g in review.groups}
        if args.all:
            chosen = list(by_key)
        else:
            unknown = [k for k in args.groups if k.strip() not in by_key]
            if unknown:
                known = "、".join(by_key) or "（无）"
                raise AuditDeskError(
                    f"工资核查中没有这些分组：{'、'.join(unknown)}。可选：{known}"
                    "（用 findings groups --audit 查看）。"
                )
            chosen = list(dict.fromkeys(k.strip() for k in args.groups))
        before = {mark.finding_id for mark in marks.values()}
        adopted = payroll.adopt_refs(
            ws, args.audit, review, chosen, merge=args.merge, by=getattr(args, "by", None) or ""
        )
        out = [(f.origin_ref, f.id in before, f) for f in adopted]
    if args.json:
        emit_json({"adopted": [{"group": ref, "refreshed": refreshed,
                                "finding": finding_json(f)} for ref, refreshed, f in out]})  # fmt: skip
        return EXIT_OK
    for ref, refreshed, f in out:
        print(
            f"{'已更新' if refreshed else '已转为报告问题'} {short_ref(f.id)}（{f.code}）  {ref}  {f.title}"
        )
    if not out:
        print("工资核查没有发现问题，没有可转为报告问题的分组。")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    changes: dict[str, Any] = {}
    for field in ("title", "facts", "severity", "remedy", "consequence", "owner"):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value
    if args.due is not _UNSET:
        changes["due_date"] = args.due
    if not changes:
        raise AuditDeskError(
            "请至少给出一项要修改的内容"
            "（--title、--facts、--severity、--remedy、--consequence、--due、--owner）。"
        )
    with open_workspace(args) as ws:
        finding = _resolve(ws, args)
        saved = visit.edit_finding(ws, finding.id, changes, by=args.by or "",
                                   expected_version=args.expect_version)  # fmt: skip
    if args.json:
        emit_json(finding_json(saved))
    else:
        print(f"已修改 {_line(saved)}")
    return EXIT_OK


def cmd_dismiss(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        finding = _resolve(ws, args)
        if finding.dismissed:
            raise AuditDeskError(
                f"问题 {short_ref(finding.id)} 已于 {finding.dismissed_at:%Y-%m-%d} 剔除"
                f"（理由：{finding.dismissed_reason}）；要恢复请用 findings restore。"
            )
        saved = visit.dismiss_finding(ws, finding.id, args.reason or "", by=args.by or "")
    if args.json:
        emit_json(finding_json(saved))
    else:
        print(f"已剔除 {short_ref(saved.id)}（不列入报告）：{saved.dismissed_reason}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        finding = _resolve(ws, args)
        if not finding.dismissed:
            raise AuditDeskError(f"问题 {short_ref(finding.id)} 没有被剔除，无需恢复。")
        saved = visit.restore_finding(ws, finding.id, by=args.by or "")
    if args.json:
        emit_json(finding_json(saved))
    else:
        print(f"已恢复 {_line(saved)}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        ids = [visit.find_finding(ws, ref, audit_id=args.audit).id for ref in args.findings]
        if len(set(ids)) < len(ids):
            raise AuditDeskError("同一个问题不能合并到自己：请给出不同的问题编号。")
        merged = visit.merge_findings(ws, ids, by=args.by or "")
    if args.json:
        emit_json(finding_json(merged))
    else:
        print(f"已合并到 {_line(merged)}；其余 {len(ids) - 1} 个问题已剔除（理由：合并）。")
    return EXIT_OK


def cmd_split(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        copy = visit.split_finding(ws, _resolve(ws, args).id, by=args.by or "")
    if args.json:
        emit_json(finding_json(copy))
    else:
        print(f"已拆分出 {_line(copy)}")
    return EXIT_OK


# ------------------------------------------------------------------ parser
_UNSET = object()

GROUPS_HELP = """\
对体检已导入的工资表运行风险规则，按“规则 + 工资月份”分组（与图形界面“工资核查…”相同），
列出每组的键（RULE@YYYY-MM，供 findings adopt --group 使用）、人数、合计金额，以及是否已转为报告问题。

--json 的结构：
{"rows":135, "employees":54, "periods":["2025-06"], "notes":["…"],
 "rules_skipped":[{"rule":…, "title":…, "reason":…}],
 "groups":[{"key":"PAY.MIN_WAGE@2025-07", "rule":"PAY.MIN_WAGE", "title":…, "period":"2025-07",
            "severity":"high", "severity_label":"高", "employees":1, "findings":1,
            "total":"1845.30" 或 null, "headline":"1 名员工 2025-07 …", "adopted":false}]}
"""


def _desc(text: str) -> str:
    return f"{text}\n\n{FINDING_SHAPE}\n"


def add_findings_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    group = sub.add_parser(
        "findings", parents=[common], help="会诊：汇总不符合项、工资核查转问题、编辑、剔除、恢复"
    )
    fsub = group.add_subparsers(dest="findings_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    by = ChineseArgumentParser(add_help=False)
    by.add_argument("--by", metavar="名字", help="记录人（写入问题的修改记录）")
    one = ChineseArgumentParser(add_help=False)
    one.add_argument("finding", metavar="问题编号", help="问题编号（列表中的 8 位编号）或完整编号")
    one.add_argument("--audit", metavar="体检编号", help="只在该体检的问题中查找编号")

    p = fsub.add_parser("gather", parents=[common, json_opt, by], help="汇总不符合项",
                        formatter_class=raw, description=_desc(
        "把每个“不符合”“部分符合”的检查结果变成一个问题；已汇总过的不会重复。\n\n"
        '--json：{"created":[问题…], "total":本次体检的问题总数（含已剔除）}'))  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_gather)

    p = fsub.add_parser("list", parents=[common, json_opt], help="列出体检的问题（含问题编号）",
                        formatter_class=raw, description=_desc(
        "列出体检的全部问题（含已剔除的），或加 --open 只列未剔除、未关闭的问题"
        "（待整改、整改中、已整改待核验）。\n\n--json：[问题…]"))  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("--open", action="store_true", help="只列未关闭的问题（不含已剔除的）")
    p.set_defaults(func=cmd_list)

    p = fsub.add_parser("groups", parents=[common, json_opt], help="工资核查的问题分组",
                        description=GROUPS_HELP, formatter_class=raw)  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_groups)

    p = fsub.add_parser("adopt", parents=[common, json_opt], help="把工资核查分组转为报告问题",
                        formatter_class=raw, description=_desc(
        "每组（规则 + 工资月份）成为一个报告问题，含人数、合计金额、法律依据和整改建议；"
        "同一组再次转入时更新原来的问题（如更正导入之后）。加 --merge 时同一规则的多个月份合并为一个问题，"
        "分组写作 规则@首月..末月。\n\n"
        '--json：{"adopted":[{"group":"PAY.MIN_WAGE@2025-07", "refreshed":false, '
        '"finding":问题}]}'))  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--group", dest="groups", nargs="+", metavar="RULE@YYYY-MM",
                       help="要转入的分组（见 findings groups）")  # fmt: skip
    which.add_argument("--all", action="store_true", help="转入全部分组")
    p.add_argument("--merge", action="store_true",
                   help="同一规则的多个月份合并为一个问题（从所选最早到最晚的月份，同一员工各月列在一起；"
                   "已转入的月份并入编号最小的问题，其余的剔除并注明并入）")  # fmt: skip
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_adopt)

    p = fsub.add_parser("edit", parents=[common, json_opt, by, one], help="修改问题（一次保存）",
                        formatter_class=raw, description=_desc(
        "修改问题的标题、事实、严重程度、整改建议、法律后果、整改期限或责任人；给出的各项在同一事务中保存，"
        "并记入修改记录。整改状态请用跟诊命令修改。\n\n--json：修改后的问题"))  # fmt: skip
    p.add_argument("--title", help="标题")
    p.add_argument("--facts", help="事实")
    p.add_argument("--severity", type=enum_arg(Severity), metavar="严重程度",
                   help="critical 严重 / high 高 / medium 中 / low 低 / info 提示")  # fmt: skip
    p.add_argument("--remedy", help="整改建议")
    p.add_argument("--consequence", help="法律后果（报告中的“可能后果”）")
    p.add_argument("--due", type=date_or_none_arg, default=_UNSET, metavar="YYYY-MM-DD|none",
                   help="整改期限；none 清除")  # fmt: skip
    p.add_argument("--owner", help="企业责任人")
    add_expect_version(p)
    p.set_defaults(func=cmd_edit)

    p = fsub.add_parser("dismiss", parents=[common, json_opt, by, one],
                        help="剔除问题（不列入报告，须写明理由）", formatter_class=raw,
                        description=_desc("剔除问题：不列入报告；理由必填，与记录人、时间一起保存，"
                                          "可用 findings restore 恢复。\n\n--json：剔除后的问题"))  # fmt: skip
    p.add_argument("--reason", metavar="理由", help="不列入报告的理由（必填）")
    p.set_defaults(func=cmd_dismiss)

    p = fsub.add_parser("restore", parents=[common, json_opt, by, one], help="恢复已剔除的问题",
                        formatter_class=raw, description=_desc("--json：恢复后的问题"))  # fmt: skip
    p.set_defaults(func=cmd_restore)

    p = fsub.add_parser("merge", parents=[common, json_opt, by], help="合并问题到第一个",
                        formatter_class=raw, description=_desc(
        "把后面的问题合并到第一个：事实合并、金额相加、取最高严重程度；其余问题以“合并到…”为理由剔除。"
        "\n\n--json：合并后的问题"))  # fmt: skip
    p.add_argument("findings", nargs="+", metavar="问题编号")
    p.add_argument("--audit", metavar="体检编号", help="只在该体检的问题中查找编号")
    p.set_defaults(func=cmd_merge)

    p = fsub.add_parser("split", parents=[common, json_opt, by, one],
                        help="拆分问题（复制一份单独编辑）", formatter_class=raw,
                        description=_desc("--json：新的问题"))  # fmt: skip
    p.set_defaults(func=cmd_split)
