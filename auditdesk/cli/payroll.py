"""``auditdesk payroll inspect|import|check|list``: read company payroll files from the command line."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_OK,
    ChineseArgumentParser,
    emit_json,
    open_workspace,
)
from auditdesk.errors import AuditDeskError
from auditdesk.formatting import (
    format_datetime,
    format_money,
    mask_id_number,
)
from auditdesk.models.finding import Certainty, kind_label, money_by_kind
from auditdesk.models.payroll import (
    GUESS_THRESHOLD,
    CheckResult,
    ColumnInfo,
    ColumnMapping,
    FileReport,
    ImportResult,
    MappingSource,
    SheetReport,
)

SHOWN_PROBLEMS = 30


def _period_arg(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"“{value}”不是有效的工资月份，应为 YYYY-MM，如 2025-07")
    return value


def _mapping(args: argparse.Namespace) -> ColumnMapping | None:
    if not args.mapping:
        return None
    from auditdesk.services.payroll import read_mapping_file

    return read_mapping_file(Path(args.mapping))


def sheet_json(sheet: SheetReport) -> dict[str, Any]:
    """The documented JSON shape of one sheet (see ``payroll inspect --help``)."""
    return {
        "name": sheet.name,
        "header_rows": sheet.header_rows,
        "columns": [
            {
                "column": c.column,
                "header": c.header,
                "field": c.field.value if c.field else None,
                "confidence": c.confidence,
                "hidden": c.hidden,
                "source": c.source.value,
                "source_label": c.source.label,
                "note": c.note,
                "candidate": c.candidate.value if c.candidate else None,
            }
            for c in sheet.columns
        ],
        "periods": sheet.periods,
        "period_source": sheet.period_source,
        "data_rows": sheet.data_rows,
        "skipped_rows": [
            {"row": s.row, "reason": s.reason.value, "label": s.reason.label}
            for s in sheet.skipped_rows
        ],
        "problems": [
            {
                "cell": p.cell,
                "value": mask_id_number(p.value) if _looks_like_id(p.value) else p.value,
                "reason": p.reason,
                "field": p.field.value if p.field else None,
            }
            for p in sheet.problems
        ],
        "note": sheet.note,
        "found_rows": sheet.found_rows,
        "hidden_rows": sheet.hidden_rows,
        "unmapped_money": sheet.unmapped_money,
        "remarks": sheet.remarks,
    }


def _looks_like_id(value: str) -> bool:
    return bool(re.fullmatch(r"\d{15}|\d{17}[\dXx]", value.strip()))


def result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "files": [
            {
                "file": f.file,
                "format": f.format,
                "encoding": f.encoding,
                "sheets": [sheet_json(s) for s in f.sheets],
            }
            for f in result.files
        ]
    }


def column_text(c: ColumnInfo) -> str:
    """``gross_pay（应发工资） · 同义词 1.00`` / ``—（不导入） · 推测为… 需确认`` for one column."""
    field = f"{c.field.label}（{c.field.value}）" if c.field else "—（不导入）"
    how = c.source.label
    if c.field is None and c.candidate is not None:
        how = f"候选“{c.candidate.label}” {c.confidence:.2f}"
    elif c.source is MappingSource.GUESS:
        how += f" {c.confidence:.2f}"
    parts = [field, how]
    if c.note:
        parts.append(c.note)
    if c.hidden:
        parts.append("隐藏列")
    return " · ".join(parts)


def _print_file(f: FileReport) -> None:
    encoding = f"，编码 {f.encoding}" if f.encoding else ""
    print(f"文件：{f.file}（{f.format}{encoding}）")
    for s in f.sheets:
        print(f"  工作表「{s.name}」")
        if s.note:
            print(f"    未导入：{s.note}")
        if s.header_rows:
            print(f"    表头行：{'、'.join(str(r) for r in s.header_rows)}")
        for c in s.columns:
            print(f"    {c.column:>3} {c.header or '（无表头）'} → {column_text(c)}")
        if s.imported:
            source = f"（依据：{s.period_source}）" if s.period_source else ""
            print(f"    工资月份：{'、'.join(s.periods) or '—'}{source}")
            print(f"    数据行：{s.data_rows}")
        elif s.found_rows:
            print(f"    员工数据行：{s.found_rows}（指定 --period YYYY-MM 后可导入）")
        if s.unmapped_money:
            print(f"    未映射的金额列：{'、'.join(s.unmapped_money)}")
        for remark in s.remarks:
            print(f"    说明：{remark}")
        if s.skipped_rows:
            print(f"    跳过的行：{len(s.skipped_rows)}")
            for k in s.skipped_rows:
                print(f"      第 {k.row} 行：{k.reason.label}")
        if s.problems:
            print(f"    无法读取的单元格：{len(s.problems)}")
            for p in s.problems[:SHOWN_PROBLEMS]:
                print(f"      {s.name}!{p.cell}：“{p.value}” {p.reason}")
            if len(s.problems) > SHOWN_PROBLEMS:
                print(f"      …另有 {len(s.problems) - SHOWN_PROBLEMS} 处，用 --json 查看全部")


def cmd_inspect(args: argparse.Namespace) -> int:
    from auditdesk.services import payroll

    paths = [Path(p) for p in args.files]
    mapping = _mapping(args)
    if args.company:
        with open_workspace(args) as ws:
            result = payroll.inspect_files(
                ws, paths, company_id=args.company, mapping=mapping, period=args.period,
                accept_guesses=args.accept_guesses,
            )  # fmt: skip
    else:
        result = payroll.inspect_files(None, paths, mapping=mapping, period=args.period,
                                       accept_guesses=args.accept_guesses)  # fmt: skip
    if args.json:
        emit_json(result_json(result))
    else:
        for f in result.files:
            _print_file(f)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from auditdesk.services import payroll

    paths = [Path(p) for p in args.files]
    mapping = _mapping(args)
    with open_workspace(args) as ws:
        outcome = payroll.import_payroll(ws, args.audit, paths, mapping=mapping, period=args.period,
                                         accept_guesses=args.accept_guesses,
                                         by=getattr(args, "by", None) or "")  # fmt: skip
    result = outcome.result
    if args.json:
        data = result_json(result)
        data["imported_rows"] = len(result.rows)
        data["periods"] = result.periods
        data["replaced_imports"] = outcome.replaced
        data["overlaps"] = outcome.overlaps
        data["imports"] = [{"id": i.id, "file": i.file_name, "rows": i.row_count}
                           for i in outcome.imports]  # fmt: skip
        emit_json(data)
        return EXIT_OK
    for f in result.files:
        _print_file(f)
    replaced = f"（替换了此前导入的 {outcome.replaced} 个同一文件）" if outcome.replaced else ""
    print(f"已导入 {len(result.rows)} 行，工资月份 {'、'.join(result.periods)}{replaced}。")
    for warning in outcome.overlaps:
        print(f"注意：{warning}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from auditdesk.services import payroll

    with open_workspace(args) as ws:
        gone = payroll.remove_import(
            ws, args.audit, args.import_ref, by=getattr(args, "by", None) or ""
        )
    if args.json:
        emit_json({"id": gone.id, "file": gone.file_name, "rows": gone.row_count,
                   "periods": gone.periods})  # fmt: skip
    else:
        print(f"已移除工资表 {gone.file_name}（{gone.row_count} 行，{'、'.join(gone.periods)}）。")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from auditdesk.services import payroll

    with open_workspace(args) as ws:
        imports = payroll.list_imports(ws, args.audit)
    if args.json:
        emit_json(
            [
                {
                    "id": i.id,
                    "file": i.file_name,
                    "rows": i.row_count,
                    "periods": i.periods,
                    "sha256": i.sha256,
                    "imported_at": i.created_at.isoformat(),
                }
                for i in imports
            ]
        )
        return EXIT_OK
    if not imports:
        print("该体检还没有导入工资表。")
    for i in imports:
        print(f"{i.id}  {i.file_name}  {i.row_count} 行  {'、'.join(i.periods)}  "
              f"{format_datetime(i.created_at)}")  # fmt: skip
    return EXIT_OK


def _totals(result: CheckResult) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Amounts per money kind: definite ones, and those that depend on a fact to verify (which a
    signed total must not count as owed)."""
    sure = money_by_kind(
        (f.money_kind, f.amount) for f in result.findings if f.certainty is Certainty.DEFINITE
    )
    depends = money_by_kind(
        (f.money_kind, f.amount) for f in result.findings if f.certainty is Certainty.DEPENDS
    )
    return sure, depends


def _totals_json(result: CheckResult) -> dict[str, dict[str, str]]:
    sure, depends = _totals(result)
    out: dict[str, dict[str, str]] = {}
    for certainty, totals in (("definite", sure), ("depends", depends)):
        for kind, amount in totals.items():
            out.setdefault(kind.value if kind else "unclassified", {})[certainty] = f"{amount:.2f}"
    return out


def check_json(imported: ImportResult | None, result: CheckResult) -> dict[str, Any]:
    """The documented JSON shape of ``payroll check``."""
    problems = [] if imported is None else [
        {"file": p.file, "sheet": p.sheet, "cell": p.cell, "value": p.value, "reason": p.reason}
        for p in imported.problems
    ]  # fmt: skip
    return {
        "region": result.region,
        "rows": result.rows,
        "employees": result.employees,
        "periods": result.periods,
        "rules_run": result.rules_run,
        "rules_skipped": [
            {"rule": s.rule, "title": s.title, "reason": s.reason} for s in result.rules_skipped
        ],
        "findings": [
            {
                "rule": f.rule,
                "title": f.title,
                "severity": f.severity.value,
                "employee_id": f.employee_key,
                "employee_name": f.employee_name,
                "department": f.department,
                "period": f.period,
                "message": f.message,
                "caveat": f.caveat,
                "legal_basis": [
                    {"law": c.law, "article": c.article, "text": c.display()} for c in f.legal_basis
                ],
                "amount": None if f.amount is None else f"{f.amount:.2f}",
                "money_kind": f.money_kind.value if f.money_kind else None,
                "certainty": f.certainty.value,
                "depends_on": f.depends_on,
                "source": {"file": f.source_file, "sheet": f.source_sheet, "row": f.source_row},
            }
            for f in result.findings
        ],
        "totals": _totals_json(result),
        "notes": result.notes,
        "problems": problems,
        "remarks": [] if imported is None else [
            {"file": f.file, "sheet": s.name, "remark": remark}
            for f in imported.files
            for s in f.sheets
            for remark in s.remarks
        ],
    }  # fmt: skip


def _print_import_notes(imported: ImportResult) -> None:
    """What the import of the checked files says (remarks, unreadable cells), each line naming
    the file and sheet: rows not imported and people the rules cannot tell apart are found here."""
    for f in imported.files:
        for s in f.sheets:
            for remark in s.remarks:
                print(f"导入说明：{f.file} 工作表「{s.name}」：{remark}")
            for p in s.problems[:SHOWN_PROBLEMS]:
                print(f"无法读取：{f.file} {s.name}!{p.cell}：“{p.value}” {p.reason}")
            if len(s.problems) > SHOWN_PROBLEMS:
                print(f"无法读取：{f.file} 工作表「{s.name}」另有 "
                      f"{len(s.problems) - SHOWN_PROBLEMS} 处，用 payroll inspect 查看全部")  # fmt: skip


def _print_check(result: CheckResult) -> None:
    print(f"地区：{result.region}；{result.rows} 行，{result.employees} 名员工，"
          f"工资月份 {'、'.join(result.periods)}")  # fmt: skip
    print(f"已运行 {len(result.rules_run)} 条规则：{'、'.join(result.rules_run)}")
    for s in result.rules_skipped:
        print(f"未运行 {s.rule}（{s.title}）：{s.reason}")
    for note in result.notes:
        print(f"注意：{note}")
    if not result.findings:
        print("未发现问题。")
        return
    print(f"发现 {len(result.findings)} 项：")
    for f in result.findings:
        named = f.employee_name and f.employee_name != f.employee_key  # not known by name alone
        who = f.employee_key + (f"（{f.employee_name}）" if named else "")
        amount = (
            f"  {kind_label(f.money_kind)} {format_money(f.amount)}" if f.amount is not None else ""
        )
        sure = "" if f.certainty is Certainty.DEFINITE else f"·{f.certainty.label}"
        print(f"[{f.severity.label}{sure}] {f.period} {f.rule} {who}{amount}")
        print(f"    {f.message}")
        if f.depends_on:
            print(f"    待核实：{f.depends_on}")
        if f.caveat:
            print(f"    说明：{f.caveat}")
        print(f"    依据：{'；'.join(c.display() for c in f.legal_basis)}  来源：{f.source_ref}")
    definite, depends = _totals(result)
    if definite or depends:
        parts = [f"{kind_label(k)} {format_money(v)}" for k, v in definite.items()]
        parts += [f"{kind_label(k)}（待核实）{format_money(v)}" for k, v in depends.items()]
        print(f"金额合计（按类别和确定性，不可相加）：{'；'.join(parts)}")


def cmd_check(args: argparse.Namespace) -> int:
    from auditdesk.models.company import CompanyInput
    from auditdesk.services import payroll

    imported: ImportResult | None = None
    if args.audit:
        if args.files:
            raise AuditDeskError(
                "--audit 与文件不能同时给出：要么核查体检中已导入的工资表，要么核查文件。"
            )
        with open_workspace(args) as ws:
            result = payroll.check_audit(ws, args.audit)
    elif args.files:
        pay_day = None
        if args.pay_day:
            pay_day = CompanyInput(name="-", pay_day=args.pay_day).pay_day
        imported, result = payroll.check_files(
            [Path(p) for p in args.files], region=args.region, mapping=_mapping(args),
            period=args.period, agreed_pay_day=pay_day, accept_guesses=args.accept_guesses,
        )  # fmt: skip
    else:
        raise AuditDeskError("请给出要核查的工资表文件，或用 --audit 指定体检。")
    if args.json:
        emit_json(check_json(imported, result))
    else:
        if imported is not None:
            _print_import_notes(imported)
        _print_check(result)
    return EXIT_OK


INSPECT_HELP = """\
逐个文件、逐个工作表列出：表头行、每列的表头文字、对应字段及映射依据（同义词、企业档案、用户指定、
推测及相似度）、未采用的原因（累计数、费率、计税基数、单位缴纳部分、与另一列竞争…）、识别出的工资
月份及依据、数据行数、跳过的行及原因、无法读取的单元格（位置、原值、原因）、未映射的金额列和导入说明
（按天计的加班、隐藏行、表尾之后的内容、其他工作表的副本）。不写入任何数据。
相似度低于 0.90 的推测映射不采用，须用 --mapping 确认，或加 --accept-guesses。

--json 的结构（文件无法读取时输出 {"error":{"message":…,"location":…}}，退出码 2）：
{"files":[{"file":…, "format":"xlsx", "encoding":"", "sheets":[{"name":…, "header_rows":[3,4],
  "columns":[{"column":"A", "header":"工号", "field":"employee_id", "confidence":1.0,
              "hidden":false, "source":"synonym|guess|profile|user|none", "source_label":"同义词",
              "note":"未采用的原因，或空", "candidate":"未采用时表头所指的字段，或 null"}],
  "periods":["2025-07"], "period_source":"工作表名“2025年7月”", "data_rows":N,
  "found_rows":N（缺少工资月份、未导入时识别到的员工行）, "hidden_rows":[3],
  "unmapped_money":["C 请假扣款"], "remarks":["…"], "note":"未导入的原因，或空",
  "skipped_rows":[{"row":40, "reason":"subtotal", "label":"小计行"}],
  "problems":[{"cell":"K17", "value":"abc", "reason":"…", "field":"gross_pay"}]}]}]}
"""

CHECK_HELP = """\
对每一行工资数据运行风险规则，列出违反的规则、确定性（可确定，或待核实及须核实的事实）、金额及其类别、
法律依据和来源行。缺少所需列的规则不运行，并说明原因。金额分五类，不同类别从不相加：应补发工资、
应补缴社保公积金、赔偿风险（二倍工资等）、罚款风险、迟付金额（非欠付）。

--json 的结构：
{"region":"shanghai", "rows":N, "employees":N, "periods":[…], "rules_run":[…],
 "rules_skipped":[{"rule":…, "title":…, "reason":…}],
 "findings":[{"rule":"PAY.MIN_WAGE", "title":…, "severity":"high", "certainty":"definite|depends",
   "depends_on":"须核实的事实，或空", "amount":"740.00", "money_kind":"wages_owed|contributions_owed|
   exposure|fine_risk|paid_late", "employee_id":…, "employee_name":…, "department":…,
   "period":"2025-07", "message":…, "caveat":…, "legal_basis":[{"law":…, "article":…, "text":…}],
   "source":{"file":…, "sheet":…, "row":N}}],
 "totals":{"wages_owed":{"definite":"…", "depends":"…"}, "fine_risk":{"definite":"…"}},
 "notes":[…], "problems":[…], "remarks":[{"file":…, "sheet":…, "remark":"导入时的说明"}]}
"""

MAPPING_HELP = (
    '列映射 JSON 文件：{"应发合计": "gross_pay", "备用列": null}；'
    "字段可写英文名或中文名（如 应发工资）"
)


def add_payroll_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    payroll = sub.add_parser("payroll", parents=[common], help="工资表：检查、导入、列出")
    psub = payroll.add_subparsers(
        dest="payroll_command", metavar="操作", required=True, parser_class=ChineseArgumentParser
    )
    shared = ChineseArgumentParser(add_help=False)
    shared.add_argument("--mapping", metavar="FILE", help=MAPPING_HELP)
    shared.add_argument(
        "--period", type=_period_arg, metavar="YYYY-MM", help="所有行都按此工资月份导入"
    )
    shared.add_argument(
        "--accept-guesses",
        dest="accept_guesses",
        action="store_true",
        help=f"采用相似度低于 {GUESS_THRESHOLD:.2f} 的推测映射（默认不采用，须用 --mapping 确认）",
    )

    p = psub.add_parser(
        "inspect",
        parents=[common, json_opt, shared],
        help="检查工资表文件如何被识别（不导入）",
        description=INSPECT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".xlsx / .xls / .csv 文件")
    p.add_argument("--company", metavar="企业编号", help="套用该企业保存的列映射")
    p.set_defaults(func=cmd_inspect)

    p = psub.add_parser("import", parents=[common, json_opt, shared], help="把工资表导入体检")
    p.add_argument("files", nargs="+", metavar="FILE", help=".xlsx / .xls / .csv 文件")
    p.add_argument("--audit", required=True, metavar="体检编号", help="导入到哪次体检")
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_import)

    p = psub.add_parser(
        "check",
        parents=[common, json_opt, shared],
        help="按法律法规核查工资表（最低工资、加班费、社保等）",
        description=CHECK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="*", metavar="FILE", help=".xlsx / .xls / .csv 文件")
    p.add_argument("--audit", metavar="体检编号", help="核查该体检已导入的工资表（不再给文件）")
    p.add_argument("--region", default="shanghai", help="地区参数（默认 shanghai）")
    p.add_argument("--pay-day", dest="pay_day", metavar="日", help="企业约定发薪日（次月几日）")
    p.set_defaults(func=cmd_check)

    p = psub.add_parser("list", parents=[common, json_opt], help="列出体检已导入的工资表")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_list)
    p = psub.add_parser("remove", parents=[common, json_opt], help="从体检中移除一次工资表导入",
                        description="从体检中移除一次工资表导入（连同其工资行）。已转为问题的"
                        "工资核查结果不受影响。\n\n--json 的结构：{\"id\":…, \"file\":…, "
                        "\"rows\":12, \"periods\":[\"2025-07\"]}",
                        formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.add_argument("import_ref", metavar="导入编号", help="payroll list 中的编号（前 8 位即可）")
    p.add_argument("--by", help="操作人（记入修改记录）")
    p.set_defaults(func=cmd_remove)
