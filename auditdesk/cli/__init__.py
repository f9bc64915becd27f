"""Command line: the same services as the GUI. No arguments opens the GUI (imported lazily).

Exit codes: 0 ok, 1 a check found problems, 2 user error (bad argument, bad data, unusable
database), 3 internal error (logged with its traceback).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from auditdesk import __version__
from auditdesk.cli.audits import add_audit_commands
from auditdesk.cli.backups import add_backup_commands
from auditdesk.cli.base import (
    EXIT_BUG,
    EXIT_FAILED_CHECK,
    EXIT_OK,
    EXIT_USER_ERROR,
    ChineseArgumentParser,
    add_expect_version,
    date_arg,
    dump,
    emit_json,
    enum_arg,
    open_workspace,
    word_arg,
)
from auditdesk.cli.cases import add_case_commands
from auditdesk.cli.changelog import add_log_commands, add_undo_command
from auditdesk.cli.database import add_database_commands
from auditdesk.cli.evidence import add_evidence_commands
from auditdesk.cli.findings import add_findings_commands
from auditdesk.cli.followups import add_followup_commands
from auditdesk.cli.letters import add_letters_commands
from auditdesk.cli.payroll import add_payroll_commands
from auditdesk.cli.server import add_assignment_commands, add_server_commands
from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_date
from auditdesk.logsetup import log_file_failed, setup_logging, silence_last_resort
from auditdesk.models.audit import AnswerResult
from auditdesk.models.common import field_errors
from auditdesk.models.company import CompanyInput
from auditdesk.models.report import ISSUED_KINDS

if TYPE_CHECKING:
    from auditdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

COMPANY_FIELD_LABELS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "legal_representative": "法定代表人",
    "address": "地址",
    "town": "所属街镇",
    "industry": "行业",
    "headcount": "职工人数",
    "has_union": "是否建会",
    "pay_day": "约定发薪日",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "notes": "备注",
}


# ------------------------------------------------------------------ commands
def cmd_demo(args: argparse.Namespace) -> int:
    from auditdesk.services import demo

    with open_workspace(args) as ws:
        result = demo.load_demo(ws)
    if args.json:
        emit_json(
            {
                "created": result.created,
                "company": dump(result.company),
                "audit": dump(result.audit) if result.audit else None,
            }
        )
    elif result.created:
        print(
            f"已载入演示数据：{result.company.name}（一项进行中的用工体检，一项已会诊、待跟诊的体检）"
        )
        print(f"数据目录：{ws.paths.root}")
    else:
        print(f"演示数据已存在：{result.company.name}，未重复创建。")
    return EXIT_OK


def cmd_company_list(args: argparse.Namespace) -> int:
    from auditdesk.services import companies

    with open_workspace(args) as ws:
        rows = companies.list_companies(ws, args.search)
    if args.json:
        emit_json(
            [
                {**dump(r.company), "audit_count": r.audit_count, "open_findings": r.open_findings}
                for r in rows
            ]
        )
        return EXIT_OK
    if not rows:
        print("没有企业。" if not args.search else f"没有匹配“{args.search}”的企业。")
        return EXIT_OK
    for r in rows:
        c = r.company
        print(
            f"{c.id}  {c.name}  {c.credit_code or '—'}  {c.town or '—'}  "
            f"职工 {c.headcount if c.headcount is not None else '—'} 人  "
            f"体检 {r.audit_count} 次  未关闭问题 {r.open_findings} 项"
        )
    return EXIT_OK


def _company_input(fields: dict[str, Any]) -> CompanyInput:
    try:
        return CompanyInput.model_validate(fields)
    except ValidationError as exc:
        lines = [
            f"{COMPANY_FIELD_LABELS.get(loc, loc)}：{msg}" for loc, msg in field_errors(exc).items()
        ]
        raise AuditDeskError("企业信息有误：\n  " + "\n  ".join(lines)) from None


def _given_company_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in COMPANY_FIELD_LABELS if getattr(args, k, None) is not None}


def _listed_town(ws: Workspace, data: CompanyInput, args: argparse.Namespace) -> CompanyInput:
    """``data`` with its town spelled as the office's list spells it ("嘉定区马陆镇" → "马陆镇"),
    said on stderr, so that the CLI does not list a variant the GUI's editor would have asked
    about; ``--allow-variant`` keeps the town as typed (the editor's 否)."""
    from auditdesk.services import towns

    listed = None if args.allow_variant else towns.suggest(ws, data.town)
    if listed is None:
        return data
    print(f"所属街镇“{data.town}”按街镇列表记为“{listed}”。", file=sys.stderr)
    return data.model_copy(update={"town": listed})


def cmd_company_add(args: argparse.Namespace) -> int:
    from auditdesk.services import companies

    data = _company_input(_given_company_fields(args))
    with open_workspace(args) as ws:
        company = companies.add_company(ws, _listed_town(ws, data, args), by=args.by or "")
    if args.json:
        emit_json(dump(company))
    else:
        print(f"已添加企业：{company.name}（编号 {company.id}）")
    return EXIT_OK


def cmd_company_edit(args: argparse.Namespace) -> int:
    """``company edit ID --field …``: the fields given replace the stored ones; the rest stay."""
    from auditdesk.services import companies

    given = _given_company_fields(args)
    if args.no_union:
        given["has_union"] = False
    with open_workspace(args) as ws:
        current = companies.get_company(ws, args.company_id)
        if not given:
            raise AuditDeskError("未指定要修改的字段（如 --town、--pay-day）。")
        kept = {k: getattr(current, k) for k in COMPANY_FIELD_LABELS}
        data = _company_input({**kept, **given})
        if "town" in given:
            data = _listed_town(ws, data, args)
        company = companies.update_company(
            ws, current.id, data, by=args.by or "", expected_version=args.expect_version
        )
    if args.json:
        emit_json(dump(company))
    else:
        print(f"已修改企业：{company.name}（编号 {company.id}）")
    return EXIT_OK


def cmd_company_delete(args: argparse.Namespace) -> int:
    from auditdesk.services import companies

    with open_workspace(args) as ws:
        company = companies.get_company(ws, args.company_id)
        if not args.yes:
            raise AuditDeskError(
                f"删除“{company.name}”会同时删除它的全部体检、问题和附件，且无法撤销。"
                "确认删除请加 --yes。"
            )
        summary = companies.delete_company(ws, args.company_id, by=args.by or "")
    if args.json:
        emit_json(summary.__dict__)
    else:
        print(
            f"已删除企业：{summary.company_name}（体检 {summary.audits} 次，问题 {summary.findings} "
            f"项，附件 {summary.attachments} 个）"
        )
    return EXIT_OK


def cmd_audit_list(args: argparse.Namespace) -> int:
    from auditdesk.services import audits

    with open_workspace(args) as ws:
        rows = audits.list_audits(ws, args.company)
    if args.json:
        emit_json(
            [
                {
                    **dump(r.audit),
                    "company_name": r.company_name,
                    "finding_count": r.finding_count,
                    "open_findings": r.open_findings,
                }
                for r in rows
            ]
        )
        return EXIT_OK
    if not rows:
        print("没有体检记录。")
    for r in rows:
        a = r.audit
        print(
            f"{a.id}  {r.company_name}  {a.title or '用工体检'}  {a.status.label}  "
            f"{format_date(a.started_on) or '—'}  问题 {r.finding_count} 项"
        )
    return EXIT_OK


def cmd_checklists_validate(args: argparse.Namespace) -> int:
    from auditdesk.services import checklists

    paths = [Path(p) for p in args.paths]
    if paths:
        count, problems = checklists.validate(None, paths)
    else:
        with open_workspace(args) as ws:
            count, problems = checklists.validate(ws)
    errors = [p for p in problems if not p.warning]
    if args.json:
        emit_json({"items": count, "problems": [p.__dict__ for p in problems]})
    elif errors:
        print(f"检查清单有 {len(errors)} 处错误：")
        for problem in errors:
            print(f"  {problem}")
    else:
        print(f"校验通过：共 {count} 个检查项。")
    for problem in problems:
        if problem.warning and not args.json:
            print(f"  提示：{problem}")
    return EXIT_FAILED_CHECK if errors else EXIT_OK


def _item_json(item: Any, area: Any, module: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"area": area.value, "area_title": area.label, "module": module.source}
    data.update(item.model_dump(mode="json"))
    data["legal_basis_text"] = "；".join(c.display() for c in item.legal_basis)
    return data


def cmd_checklists_list(args: argparse.Namespace) -> int:
    from auditdesk.checklists.loader import scored_items
    from auditdesk.services import checklists

    with open_workspace(args) as ws:
        result = checklists.current_library(ws)
    library = result.library
    for problem in result.skipped:
        print(f"警告：已跳过有错误的自定义清单：{problem}", file=sys.stderr)
    if args.json:
        modules = []
        for module in library.modules:
            modules.append(
                {
                    "area": module.area.value,
                    "title": module.title,
                    "source": module.source,
                    "custom": module.custom,
                    "item_count": len(module.items),
                    "scored_item_count": len(scored_items(module)),
                    "items": [_item_json(i, module.area, module) for i in module.items],
                }
            )
        emit_json(
            {
                "version": library.version,
                "key": library.key,
                "title": library.title,
                "modules": modules,
            }
        )
        return EXIT_OK
    print(f"{library.title}  版本 {library.key}")
    for module in library.modules:
        scored = len(scored_items(module))
        core = sum(1 for i in module.items if i.core)
        origin = "（自定义）" if module.custom else ""
        print(
            f"  {module.title}{origin}：{len(module.items)} 项（计分 {scored} 项，基础评估 {core} 项）"
        )
    return EXIT_OK


def cmd_checklists_import(args: argparse.Namespace) -> int:
    from auditdesk.services import checklists

    with open_workspace(args) as ws:
        module = checklists.import_file(ws, Path(args.file), replace=args.replace)
        warnings = [w for w in checklists.current_library(ws).warnings if w.file == module.source]
    print(f"已导入自定义清单 {module.source}：{module.title}，{len(module.items)} 项。")
    for warning in warnings:
        print(f"提示：{warning}", file=sys.stderr)
    return EXIT_OK


def cmd_audit_score(args: argparse.Namespace) -> int:
    from auditdesk.services import checklists

    with open_workspace(args) as ws:
        report = checklists.audit_score(ws, args.audit_id)
    if args.json:
        emit_json(report.model_dump(mode="json"))
        return EXIT_OK

    def fmt(score: Any) -> str:
        return "—" if score is None else f"{score} 分"

    for line in [*report.areas, report.overall]:
        print(
            f"{line.title}：{fmt(line.score)}（符合 {line.compliant}，部分符合 {line.partial}，"
            f"不符合 {line.non_compliant}，待核实 {line.to_verify}，未答 {line.unanswered}）"
        )
    veto = f"；一票否决项：{'、'.join(report.veto_items)}" if report.veto_items else ""
    print(f"评级：{report.rating}{veto}")
    return EXIT_OK


def cmd_audit_answer(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        # without --note the note already there is kept
        answer = visit.answer_item(
            ws, args.audit_id, args.item_id, args.result, note=args.note, by=args.by or "",
            expected_version=args.expect_version,
        )  # fmt: skip
    assert answer is not None
    assert answer.result is not None
    if args.json:
        emit_json(dump(answer))
    else:
        print(f"已记录：{answer.item_id} → {answer.result.label}")
    return EXIT_OK


def cmd_audit_note(args: argparse.Namespace) -> int:
    from auditdesk.services import visit

    with open_workspace(args) as ws:
        answer = visit.note_item(ws, args.audit_id, args.item_id, note=args.text, by=args.by or "",
                                 expected_version=args.expect_version)  # fmt: skip
    if args.json:
        emit_json(
            dump(answer)
            if answer is not None
            else {"audit_id": args.audit_id, "item_id": args.item_id, "result": None, "note": ""}
        )
    else:
        shown = answer.result.label if answer is not None and answer.result else "未作答"
        print(f"已记录备注：{args.item_id}（结果：{shown}）")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from auditdesk.services import reports

    if args.audit_id == "issue":
        return cmd_report_issue(args)
    if args.rest:
        raise AuditDeskError(
            f"多余的参数：{' '.join(args.rest)}（出具请用 report issue 体检编号 --kind …）"
        )
    if not args.output:
        raise AuditDeskError("请用 -o 指定输出文件。")
    out_path = Path(args.output)
    with open_workspace(args) as ws:
        issued = reports.issues(ws, args.audit_id, args.kind) if args.kind in ISSUED_KINDS else []
        out = reports.export(
            ws, args.audit_id, out_path, kind=args.kind,
            template=Path(args.template) if args.template else None, unmasked=args.unmasked,
            mask_names=args.mask_names, draft=args.draft,
        )  # fmt: skip
        annex = None
        if args.annex and args.kind != "annex":
            annex = reports.export(ws, args.audit_id, reports.annex_path(out_path), kind="annex",
                                   unmasked=args.unmasked, mask_names=args.mask_names)  # fmt: skip
    number = issued[-1].number if issued and not args.draft else None
    if args.json:
        emit_json({"file": str(out), "kind": args.kind, "number": number, "draft": number is None
                   and args.kind in ISSUED_KINDS, "annex": str(annex) if annex else None})  # fmt: skip
    else:
        state = (
            f"（已出具 {number}）" if number else ("（草稿）" if args.kind in ISSUED_KINDS else "")
        )
        print(f"已生成：{out}{state}")
        if annex:
            print(f"人员明细（内部资料）：{annex}")
    return EXIT_OK


def cmd_report_issue(args: argparse.Namespace) -> int:
    """``report issue AUDIT --kind K [--date D] [--by 名字] [-o FILE]``."""
    from auditdesk.services import reports

    if not args.rest:
        raise AuditDeskError(
            "用法：auditdesk report issue 体检编号 --kind report|rectification|followup"
        )
    audit_id = args.rest[0]
    with open_workspace(args) as ws:
        record = reports.issue(ws, audit_id, args.kind, day=args.date, by=args.by or "")
        out = None
        if args.output:
            out = reports.export(ws, audit_id, Path(args.output), kind=args.kind,
                                 template=Path(args.template) if args.template else None)  # fmt: skip
    if args.json:
        emit_json({"id": record.id, "kind": record.kind, "number": record.number,
                   "date": record.issued_on.isoformat(), "by": record.issued_by,
                   "file": str(out) if out else None})  # fmt: skip
    else:
        print(
            f"已出具：{record.number}（{record.issued_on:%Y-%m-%d}）"
            + (f"，已生成 {out}" if out else "")
        )
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from auditdesk.gui.app import run_gui  # lazy: the CLI never loads Qt otherwise

    return run_gui(args.data_dir, args.database)


# ------------------------------------------------------------------ parser
REPORT_KINDS = {
    "report": "用工体检报告", "rectification": "整改建议书", "followup": "跟诊记录",
    "notice": "提示函", "opinion": "意见书", "proposal": "建议书", "ledger": "整改台账",
    "annex": "人员明细",
}  # fmt: skip
"""``report --kind``: each document's code and the Chinese name the help lists (both accepted)."""


def _company_field_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--name", required=adding, help="企业名称")
    p.add_argument("--credit-code", dest="credit_code", help="统一社会信用代码（18 位）")
    p.add_argument("--legal-rep", dest="legal_representative", help="法定代表人")
    p.add_argument("--address", help="地址")
    p.add_argument("--town", help="所属街镇（与列表中的写法只差区县前缀时，按列表记）")
    p.add_argument("--industry", help="行业")
    p.add_argument("--headcount", help="职工人数")
    p.add_argument(
        "--has-union", dest="has_union", action="store_true", default=None, help="已建立工会"
    )
    p.add_argument("--pay-day", dest="pay_day", help="约定发薪日（次月几日，1 至 31）")
    p.add_argument("--contact", dest="contact_name", help="联系人")
    p.add_argument("--phone", dest="contact_phone", help="联系电话")
    p.add_argument("--notes", help="备注")
    p.add_argument("--allow-variant", action="store_true",
                   help="所属街镇按输入记（即使列表中已有只差区县前缀的写法）")  # fmt: skip
    p.add_argument("--by", help="操作人（记入修改记录）")


def build_parser() -> ChineseArgumentParser:
    common = ChineseArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="数据目录（默认：环境变量 AUDITDESK_DATA_DIR，否则为系统用户数据目录）",
    )
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="共享的服务器数据库，如 postgresql+psycopg://用户@主机:5432/auditdesk"
        "（默认：环境变量 AUDITDESK_DATABASE，否则为设置中的地址，否则为数据目录中的本机数据库）",
    )
    json_opt = ChineseArgumentParser(add_help=False)
    json_opt.add_argument("--json", action="store_true", help="以 JSON 输出")

    parser = ChineseArgumentParser(
        prog="auditdesk",
        parents=[common],
        description="AuditDesk 用工体检台：企业用工合规体检。不带参数运行时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"AuditDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    p = sub.add_parser("gui", parents=[common], help="打开图形界面（默认）")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", parents=[common, json_opt], help="载入演示数据（一家嘉定制造企业）")
    p.set_defaults(func=cmd_demo)

    company = sub.add_parser("company", parents=[common], help="企业：列表、添加、修改、删除")
    csub = company.add_subparsers(
        dest="company_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    p = csub.add_parser("list", parents=[common, json_opt], help="列出企业")
    p.add_argument("--search", metavar="文本", help="按名称、信用代码、街镇或行业筛选")
    p.set_defaults(func=cmd_company_list)

    p = csub.add_parser("add", parents=[common, json_opt], help="添加企业")
    _company_field_options(p, adding=True)
    p.set_defaults(func=cmd_company_add)

    p = csub.add_parser("edit", parents=[common, json_opt], help="修改企业信息（只改给出的字段）")
    p.add_argument("company_id", metavar="企业编号")
    _company_field_options(p, adding=False)
    p.add_argument("--no-union", dest="no_union", action="store_true", help="未建立工会")
    add_expect_version(p)
    p.set_defaults(func=cmd_company_edit)

    p = csub.add_parser("delete", parents=[common, json_opt], help="删除企业及其全部体检记录")
    p.add_argument("company_id", metavar="企业编号")
    p.add_argument("--yes", action="store_true", help="确认删除")
    p.add_argument("--by", help="操作人（记入修改记录；企业的修改记录在删除后仍保留）")
    p.set_defaults(func=cmd_company_delete)

    audit = sub.add_parser("audit", parents=[common], help="体检：开始、列表、记录结果、得分、状态")
    asub = audit.add_subparsers(
        dest="audit_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    p = asub.add_parser("list", parents=[common, json_opt], help="列出体检")
    p.add_argument("--company", metavar="企业编号", help="只列该企业的体检")
    p.set_defaults(func=cmd_audit_list)

    p = asub.add_parser("score", parents=[common, json_opt], help="体检得分（分领域和总体）")
    p.add_argument("audit_id", metavar="体检编号")
    p.set_defaults(func=cmd_audit_score)

    p = asub.add_parser("answer", parents=[common, json_opt], help="记录一个检查项的结果")
    p.add_argument("audit_id", metavar="体检编号")
    p.add_argument("item_id", metavar="检查项编号")
    p.add_argument(
        "result",
        metavar="结果",
        type=enum_arg(AnswerResult),
        help="compliant 符合 / non_compliant 不符合 / partial 部分符合 / "
        "not_applicable 不适用 / to_verify 待核实 / yes 是 / no 否（英文或中文均可）",
    )
    p.add_argument("--note", help="备注（不给则保留原备注）")
    p.add_argument("--by", help="检查人")
    add_expect_version(p, zero="该项尚无记录")
    p.set_defaults(func=cmd_audit_answer)

    p = asub.add_parser(
        "note", parents=[common, json_opt], help="记录检查项的备注（不改变其结果；未作答的仍未作答）",
        description="记录检查项的备注，结果保持不变。--json 输出该检查项的记录："
        '{"id", "audit_id", "item_id", "result"（未作答为 null）, "note", "source", '
        '"answered_by", "answered_at", …}；清空未作答项的备注时只有 audit_id、item_id、result、note。',
    )  # fmt: skip
    p.add_argument("audit_id", metavar="体检编号")
    p.add_argument("item_id", metavar="检查项编号")
    p.add_argument("text", metavar="备注", help="备注全文（空字符串清空）")
    p.add_argument("--by", help="记录人")
    add_expect_version(p, zero="该项尚无记录")
    p.set_defaults(func=cmd_audit_note)
    add_audit_commands(asub, common, json_opt)
    add_undo_command(asub, common, json_opt)
    add_assignment_commands(asub, common, json_opt)

    checklists_p = sub.add_parser("checklists", parents=[common], help="检查清单：校验、列表、导入")
    lsub = checklists_p.add_subparsers(
        dest="checklists_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    p = lsub.add_parser(
        "validate", parents=[common, json_opt], help="校验清单文件（出错时退出码 1）"
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="清单目录或 .toml 文件；省略时校验自带清单和本机自定义清单",
    )
    p.set_defaults(func=cmd_checklists_validate)
    p = lsub.add_parser("list", parents=[common, json_opt], help="列出领域、检查项数量和清单版本")
    p.set_defaults(func=cmd_checklists_list)
    p = lsub.add_parser("import", parents=[common], help="导入本单位的自定义清单文件")
    p.add_argument("file", metavar="FILE", help="自定义清单 .toml 文件")
    p.add_argument("--replace", action="store_true", help="替换同名的自定义清单")
    p.set_defaults(func=cmd_checklists_import)

    add_payroll_commands(sub, common, json_opt)
    add_findings_commands(sub, common, json_opt)
    add_letters_commands(sub, common, json_opt)
    add_followup_commands(sub, common, json_opt)
    add_backup_commands(sub, common, json_opt)
    add_database_commands(sub, common, json_opt)
    add_server_commands(sub, common, json_opt)
    add_case_commands(sub, common, json_opt)
    add_log_commands(sub, common, json_opt)
    add_evidence_commands(sub, common, json_opt)

    p = sub.add_parser(
        "report", parents=[common, json_opt], help="导出文书（.docx）；report issue 出具（编号、日期）",
        description="auditdesk report 体检编号 -o FILE [--kind …]：导出文书。已出具的报告、整改建议书、"
        "跟诊记录按出具时的内容、编号和日期重新生成；未出具的（或加 --draft）标为“草稿”。\n"
        "auditdesk report issue 体检编号 --kind report|rectification|followup [--date D] [--by 名字] "
        "[-o FILE]：出具，记录编号和日期。--json：{\"file\", \"kind\", \"number\"（已出具的编号或 null）, "
        "\"draft\", \"annex\"}；出具：{\"id\", \"kind\", \"number\", \"date\", \"by\", \"file\"}。",
    )  # fmt: skip
    p.add_argument("audit_id", metavar="体检编号", help="体检编号，或 issue（出具）")
    p.add_argument("rest", nargs="*", metavar="体检编号", help=argparse.SUPPRESS)
    p.add_argument("-o", "--output", metavar="FILE.docx", help="输出文件")
    p.add_argument("--kind", default="report", type=word_arg(REPORT_KINDS), metavar="文书",
                   help="report 用工体检报告 / rectification 整改建议书 / followup 跟诊记录 / notice 提示函 / "
                   "opinion 意见书 / proposal 建议书 / ledger 整改台账（.xlsx） / "
                   "annex 人员明细（内部资料）")  # fmt: skip
    p.add_argument("--annex", action=argparse.BooleanOptionalAction, default=False,
                   help="另附人员明细（内部资料：姓名、身份证号、出生日期、个人金额），"
                   "写在输出文件旁；默认不附")  # fmt: skip
    p.add_argument("--draft", action="store_true", help="按当前数据生成草稿（即使已出具）")
    p.add_argument(
        "--mask-names", action="store_true", help="人员明细中的姓名也只显示姓氏（文书正文一律遮盖）"
    )
    p.add_argument("--template", metavar="PATH", help="使用自己的 Word 模板")
    p.add_argument(
        "--unmasked",
        action="store_true",
        help="人员明细中显示完整身份证号和出生日期（默认遮盖号码、只列年龄）",
    )
    p.add_argument(
        "--date", type=date_arg, metavar="YYYY-MM-DD", help="出具日期（report issue；默认今天）"
    )
    p.add_argument("--by", metavar="名字", help="出具人（report issue）")
    p.set_defaults(func=cmd_report)
    return parser


def _disk_full(exc: BaseException) -> bool:
    """An OSError "no space left" (ENOSPC, or Windows' ERROR_DISK_FULL) in ``exc`` or its causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and (
            seen.errno == errno.ENOSPC or getattr(seen, "winerror", None) in (39, 112)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _attach_log(args: argparse.Namespace) -> None:
    """A command that failed before opening the data dir still gets its traceback logged there."""
    from auditdesk.paths import DataPaths, resolve_data_dir

    try:
        setup_logging(DataPaths(resolve_data_dir(args.data_dir)).logs)
    except Exception:
        return


def main(argv: Sequence[str] | None = None) -> int:
    silence_last_resort()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    if not hasattr(args, "database"):
        args.database = None
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    try:
        return func(args)
    except AuditDeskError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        if getattr(args, "json", False):  # a script reading stdout still gets an object
            emit_json({"error": {"message": exc.message, "location": exc.location}})
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (``auditdesk … | head``): not an error of ours. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if _disk_full(exc):
            log.warning("disk full in command %s: %s", getattr(args, "command", None), exc)
            print(
                f"错误：磁盘空间已满，操作未完成（{getattr(exc, 'filename', None) or exc}）。"
                "已保存的数据不受影响；请清理磁盘后重试。",
                file=sys.stderr,
            )
            return EXIT_USER_ERROR
        _attach_log(args)
        log.exception("internal error in command %s", getattr(args, "command", None))
        where = (
            "日志文件无法写入，详情未能保存"
            if log_file_failed()
            else "详情已写入数据目录下的 logs/auditdesk.log"
        )
        print(
            f"内部错误：AuditDesk 遇到了程序缺陷，操作未完成，已保存的数据不受影响。{where}，"
            "请反馈给开发者。",
            file=sys.stderr,
        )
        return EXIT_BUG
