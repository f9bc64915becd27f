"""``auditdesk payroll inspect|import|list``: read company payroll files from the command line."""

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
from auditdesk.formatting import format_datetime, mask_id_number
from auditdesk.models.payroll import ColumnMapping, FileReport, ImportResult, SheetReport

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
                "source": c.source,
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
            field = f"{c.field.value}（{c.field.label}）" if c.field else "—（不导入）"
            hidden = " [隐藏列]" if c.hidden else ""
            print(f"    {c.column:>3} {c.header or '（无表头）'} → {field} 置信度 {c.confidence:.2f}"
                  f"{hidden}")  # fmt: skip
        if s.imported:
            source = f"（依据：{s.period_source}）" if s.period_source else ""
            print(f"    工资月份：{'、'.join(s.periods) or '—'}{source}")
            print(f"    数据行：{s.data_rows}")
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
                ws, paths, company_id=args.company, mapping=mapping, period=args.period
            )
    else:
        result = payroll.inspect_files(None, paths, mapping=mapping, period=args.period)
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
        outcome = payroll.import_payroll(ws, args.audit, paths, mapping=mapping, period=args.period)
    result = outcome.result
    if args.json:
        data = result_json(result)
        data["imported_rows"] = len(result.rows)
        data["periods"] = result.periods
        data["replaced_imports"] = outcome.replaced
        data["imports"] = [{"id": i.id, "file": i.file_name, "rows": i.row_count}
                           for i in outcome.imports]  # fmt: skip
        emit_json(data)
        return EXIT_OK
    for f in result.files:
        _print_file(f)
    replaced = f"（替换了此前导入的 {outcome.replaced} 个同一文件）" if outcome.replaced else ""
    print(f"已导入 {len(result.rows)} 行，工资月份 {'、'.join(result.periods)}{replaced}。")
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


INSPECT_HELP = """\
逐个文件、逐个工作表列出：表头行、每列的表头文字、对应字段与置信度、识别出的工资月份、数据行数、
跳过的行及原因、无法读取的单元格（位置、原值、原因）。不写入任何数据。

--json 的结构：
{"files":[{"file":…, "sheets":[{"name":…, "header_rows":[3,4],
  "columns":[{"column":"A","header":"工号","field":"employee_id","confidence":1.0}],
  "periods":["2025-07"], "data_rows":N, "skipped_rows":[{"row":40,"reason":"subtotal"}],
  "problems":[{"cell":"K17","value":"abc","reason":"…"}]}]}]}
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
    p.set_defaults(func=cmd_import)

    p = psub.add_parser("list", parents=[common, json_opt], help="列出体检已导入的工资表")
    p.add_argument("--audit", required=True, metavar="体检编号")
    p.set_defaults(func=cmd_list)
