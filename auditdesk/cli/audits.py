"""``auditdesk audit start|status``: start an audit (开始体检) and move its status (已会诊, 已关闭)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    date_arg,
    dump,
    emit_json,
    enum_arg,
    open_workspace,
)
from auditdesk.models.audit import Audit, Auditor, AuditorRole, AuditScope, AuditStatus
from auditdesk.rules.params import KNOWN_REGIONS

STATUS_TARGETS = (AuditStatus.DIAGNOSED, AuditStatus.CLOSED, AuditStatus.IN_PROGRESS)


def _auditor_arg(value: str) -> Auditor:
    """``张卫东`` or ``张卫东:工会干部`` / ``陈静:lawyer`` (a full-width colon works too)."""
    name, sep, role_text = value.replace("：", ":").partition(":")
    role = AuditorRole.OTHER
    if sep:
        role = enum_arg(AuditorRole)(role_text)
    if not name.strip():
        raise argparse.ArgumentTypeError(f"“{value}”缺少姓名，应为 名字[:角色]")
    if len(name.strip()) > 50:
        raise argparse.ArgumentTypeError(f"姓名“{name.strip()[:20]}…”过长（最多 50 个字符）")
    return Auditor(name=name.strip(), role=role)


def audit_json(audit: Audit) -> dict[str, Any]:
    """An audit as stored, with the Chinese labels of its status and scope."""
    return {**dump(audit), "status_label": audit.status.label, "scope_label": audit.scope.label}


def cmd_start(args: argparse.Namespace) -> int:
    from auditdesk.models.audit import VisitChannel, VisitKind
    from auditdesk.services import audits

    day: date = args.visit_date or date.today()
    people: list[Auditor] = args.auditors or []
    with open_workspace(args) as ws:
        # the same two calls as the 开始体检 dialog: the audit, then its first visit (初诊, 问诊)
        audit = audits.start_audit(
            ws, args.company, title=args.title or "", scope=args.scope, auditors=people,
            region=args.region, started_on=day, by=getattr(args, "by", None) or "",
        )  # fmt: skip
        visit = audits.record_visit(ws, audit.id, visit_date=day, kind=VisitKind.INITIAL,
                                    channels=[VisitChannel.TALK],
                                    attendees=[p.name for p in people],
                                    by=getattr(args, "by", None) or "")  # fmt: skip
        audit = audits.get_audit(ws, audit.id)
    if args.json:
        emit_json({**audit_json(audit),
                   "visit": {"id": visit.id, "visit_date": visit.visit_date.isoformat()}})  # fmt: skip
    else:
        print(audit.id)
        print(
            f"已开始体检（{audit.scope.label}，首次走访 {day}，清单版本 {audit.checklist_version}）。",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from auditdesk.services import audits

    with open_workspace(args) as ws:
        audit = audits.change_status(
            ws, args.audit_id, args.status, by=getattr(args, "by", None) or ""
        )
    if args.json:
        emit_json(audit_json(audit))
    else:
        print(f"体检状态已改为“{audit.status.label}”。")
    return EXIT_OK


START_HELP = """\
为企业开始一次用工体检：体检固定使用当前的检查清单版本，并登记首次走访（初诊·问诊），
与图形界面“开始体检…”相同。文本输出只打印新体检的编号（便于脚本使用），说明写到 stderr。

--json 的结构：
{"id":…, "company_id":…, "title":"", "scope":"basic|deep", "scope_label":"深度评估",
 "region":"shanghai", "status":"in_progress", "status_label":"进行中",
 "checklist_version":"2026.1+ab12cd34", "auditors":[{"name":"陈静", "role":"lawyer"}],
 "started_on":"2026-03-02", "created_at":…, "updated_at":…,
 "visit":{"id":…, "visit_date":"2026-03-02"}}
"""

STATUS_HELP = """\
改变体检状态：diagnosed 已会诊（进行中 → 已会诊）、closed 已关闭（已会诊 → 已关闭，关闭后不能再改）、
in_progress 重新打开（已会诊 → 进行中，以便补充问题）。不允许的改动报错，退出码 2。
中文也可以：已会诊、已关闭、进行中。

--json 的结构：与 audit start 相同（不含 "visit"）：{"id":…, "status":"diagnosed", "status_label":"已会诊", …}
"""


def add_audit_commands(
    asub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    """``start`` and ``status`` under the ``audit`` command."""
    raw = argparse.RawDescriptionHelpFormatter
    p = asub.add_parser("start", parents=[common, json_opt], help="开始体检（打印新体检编号）",
                        description=START_HELP, formatter_class=raw)  # fmt: skip
    p.add_argument("--company", required=True, metavar="企业编号", help="体检的企业")
    p.add_argument("--title", help="体检名称，如 2026 年度用工体检（可省略）")
    p.add_argument("--scope", type=enum_arg(AuditScope), default=AuditScope.DEEP,
                   metavar="basic|deep",
                   help="basic 基础评估（核心项目）/ deep 深度评估（全部项目，默认）")  # fmt: skip
    p.add_argument("--auditor", dest="auditors", action="append", type=_auditor_arg,
                   metavar="名字[:角色]",
                   help="检查人员，可重复；角色 union_cadre 工会干部 / lawyer 律师 / other 其他"
                   "（省略时为其他）")  # fmt: skip
    p.add_argument("--region", default="shanghai", choices=list(KNOWN_REGIONS),
                   help="地区参数（默认 shanghai）")  # fmt: skip
    p.add_argument("--visit-date", dest="visit_date", type=date_arg, metavar="YYYY-MM-DD",
                   help="首次走访日期（默认今天）")  # fmt: skip
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_start)

    p = asub.add_parser("status", parents=[common, json_opt],
                        help="标记体检为已会诊或已关闭", description=STATUS_HELP,
                        formatter_class=raw)  # fmt: skip
    p.add_argument("audit_id", metavar="体检编号")
    p.add_argument("status", type=enum_arg(AuditStatus, STATUS_TARGETS),
                   metavar="diagnosed|closed|in_progress",
                   help="diagnosed 已会诊 / closed 已关闭 / in_progress 重新打开")  # fmt: skip
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_status)
