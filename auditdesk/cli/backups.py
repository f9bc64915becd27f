"""``auditdesk backup …``: create, list, verify and restore backups of the data directory.

These commands work on the data directory's files without opening the live database through the
store, so they also work when that database is damaged. ``restore`` holds the data directory
exclusively and is refused while another AuditDesk window or command has it open.

A backup file holds ID numbers and wages: ``-o`` without ``--encrypt`` warns. The passphrase is
asked for on the terminal or taken from ``AUDITDESK_CASE_PASSPHRASE``, as for case files.

On a shared server (``--database``, ``AUDITDESK_DATABASE`` or the setting) ``create`` runs
``pg_dump`` into the same backup folder (:mod:`auditdesk.services.server_backups`), ``verify ID``
checks such a backup, and ``restore ID --database NEW_URL`` restores it into a new, empty
database: there ``--database`` names the target, never the database in use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditdesk.cli.base import (
    EXIT_FAILED_CHECK,
    EXIT_OK,
    ChineseArgumentParser,
    emit_json,
    open_with_password,
    open_workspace,
)
from auditdesk.cli.cases import _passphrase


def _data_paths(args: argparse.Namespace) -> Any:
    from auditdesk.paths import DataPaths, ensure_dir, resolve_data_dir

    return DataPaths(ensure_dir(resolve_data_dir(args.data_dir)))


def _paths(args: argparse.Namespace) -> Any:
    """The data dir, with a restore that a killed process left half done settled first; refused
    when the database is a server (the file backups are for the local file only)."""
    from auditdesk.services import backups

    paths = _data_paths(args)
    backups.refuse_server(getattr(args, "database", None), paths)
    for line in backups.recover(paths):
        print(f"注意：{line}", file=sys.stderr)
    return paths


def _server_backup(args: argparse.Namespace, paths: Any) -> bool:
    from auditdesk.services import server_backups

    ref = getattr(args, "ref", None)
    return ref is not None and ref != "latest" and server_backups.is_server_backup(paths, ref)


def _create_on_server(args: argparse.Namespace) -> int:
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import server_backups

    if args.output:
        raise AuditDeskError(
            "服务器数据库的备份由 pg_dump 写入备份目录，不支持 -o；要写到别处请用 --folder 文件夹。"
        )
    folder = Path(args.folder) if args.folder else None
    kind = server_backups.DAILY if args.keep_days is not None else "manual"
    if args.keep_days is not None and not 0 < args.keep_days <= server_backups.MAX_KEEP_DAYS:
        raise AuditDeskError(
            f"--keep-days 应在 1 到 {server_backups.MAX_KEEP_DAYS} 之间（{args.keep_days}）。"
        )
    with open_workspace(args) as ws:
        info = server_backups.create_server_backup(ws, kind=kind, into=folder)
        database = ws.store.where
    print(f"已创建服务器数据库备份 {info.id}（pg_dump）：{info.path}\n{info.describe()}")
    if args.keep_days is not None:
        removed = server_backups.prune_server_backups(
            info.path.parent, args.keep_days, database=database
        )
        for old in removed:
            print(f"已删除超过 {args.keep_days} 天的定时备份：{old}")
    return EXIT_OK


def cmd_backup_status(args: argparse.Namespace) -> int:
    from auditdesk.services import server_backups

    with open_with_password(lambda pw: _open_plain(args, pw)) as ws:
        status = server_backups.backup_status(ws)
    if args.json:
        emit_json(status.as_json())
    else:
        print(f"最近一次备份：{status.describe()}")
        warning = status.warning()
        if warning:
            print(f"警告：{warning}")
    return EXIT_FAILED_CHECK if status.stale else EXIT_OK


def _open_plain(args: argparse.Namespace, password: str | None) -> Any:
    """The workspace without the per-command automatic backup (``status`` only reads)."""
    from auditdesk.services.workspace import Workspace

    return Workspace.open(args.data_dir, database=args.database, password=password)


def _verify_on_server(args: argparse.Namespace, paths: Any) -> int:
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import server_backups

    try:
        info = server_backups.verify_server_backup(paths, args.ref)
    except AuditDeskError as exc:
        print(f"备份不可用：{exc.message}")
        return EXIT_FAILED_CHECK
    print(f"备份可用：{info.describe()}")
    return EXIT_OK


def _restore_on_server(args: argparse.Namespace, paths: Any) -> int:
    from auditdesk.database import resolve_database
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import server_backups
    from auditdesk.settings import load_preferences

    if not args.database:
        raise AuditDeskError(
            f"“{args.ref}”是服务器数据库的备份：请新建一个空数据库，"
            "用 --database 指定它的地址（如 postgresql+psycopg://用户@主机:5432/auditdesk_restored）。"
        )
    prefs = load_preferences(paths.settings_file)
    in_use = resolve_database(None, prefs.database_url)
    result = open_with_password(
        lambda pw: server_backups.restore_server_backup(
            paths, args.ref, args.database, password=pw,
            sslmode=prefs.database_sslmode, in_use=in_use,
        )
    )  # fmt: skip
    print(f"已恢复到 {result.database}：{result.restored.describe()}")
    for note in result.notes():
        print(f"注意：{note}")
    print(
        f"数据结构版本 {result.schema_version}，与本程序一致。确认无误后，可让大家改用这个数据库。"
    )
    return EXIT_OK


def _file_passphrase(source: Any) -> str | None:
    from auditdesk.archive import is_sealed

    return _passphrase(confirm=False) if isinstance(source, Path) and is_sealed(source) else None


def _as_json(info: Any) -> dict[str, Any]:
    return {"id": info.id, "path": str(info.path), "created": info.created.isoformat(),
            "kind": info.kind, "schema_version": info.schema_version,
            "app_version": info.app_version, "records": info.records,
            "attachments": len(info.attachments)}  # fmt: skip


def cmd_backup_create(args: argparse.Namespace) -> int:
    from auditdesk.services import backups

    if backups.server_database(args.database, _data_paths(args)):
        return _create_on_server(args)
    if args.folder or args.keep_days is not None:
        from auditdesk.errors import AuditDeskError

        raise AuditDeskError(
            "--folder 和 --keep-days 只用于服务器数据库（pg_dump）；本机数据库的自动备份"
            "已按“最近 7 天每天一份、最近 4 周每周一份”保留，另存请用 -o 文件。"
        )
    paths = _paths(args)
    if args.output:
        passphrase = _passphrase(confirm=True) if args.encrypt else None
        info = backups.export_backup(paths, Path(args.output), passphrase=passphrase)
        print(f"已备份到：{info.path}{'（已加密）' if passphrase else ''}\n{info.describe()}")
        if not passphrase:
            print("提示：备份文件未加密，其中有身份证号、工资等个人信息；拷贝到 U 盘或交给他人时请加 "
                  "--encrypt。", file=sys.stderr)  # fmt: skip
    else:
        info = backups.create_backup(paths)
        print(f"已创建备份 {info.id}\n{info.describe()}")
    for name in info.repaired:
        print(f"注意：证据文件“{name}”曾被其他程序改动，已用备份中的原件恢复。", file=sys.stderr)
    return EXIT_OK


def cmd_backup_list(args: argparse.Namespace) -> int:
    from auditdesk.services import backups

    paths = _data_paths(args)
    if not backups.server_database(args.database, paths):
        paths = _paths(args)
    folder = Path(args.folder).expanduser() if args.folder else None
    items = backups.list_backups(paths, folder=folder)
    if args.json:
        emit_json([_as_json(i) for i in items])
        return EXIT_OK
    if not items:
        print(f"目录 {folder} 中没有备份。" if folder is not None
              else "还没有备份。用 auditdesk backup create 创建一个。")  # fmt: skip
    for i in items:
        print(f"{i.id}  {i.describe()}")
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import backups

    if _server_backup(args, _data_paths(args)):
        return _verify_on_server(args, _data_paths(args))
    paths = _paths(args)
    if args.ref is None:
        problems = backups.database_problems(paths)
        if problems:
            print(f"数据库 {paths.database} 未通过完整性检查：{'；'.join(problems[:5])}")
            print("可用 auditdesk backup restore 从备份恢复。")
            return EXIT_FAILED_CHECK
        print(f"数据库 {paths.database} 完整性检查通过。")
        return EXIT_OK
    source = backups.find_backup(paths, args.ref)
    try:
        info = backups.validate_backup(paths, source, passphrase=_file_passphrase(source))
    except AuditDeskError as exc:
        print(f"备份不可用：{exc.message}")
        return EXIT_FAILED_CHECK
    print(f"备份可用：{info.describe()}")
    return EXIT_OK


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from auditdesk.errors import AuditDeskError
    from auditdesk.services import backups

    data = _data_paths(args)
    if _server_backup(args, data):
        return _restore_on_server(args, data)
    if args.ref != "latest" and backups.server_database(args.database, data):
        from auditdesk.services import server_backups

        # not a server backup: say what it is (a laptop's backup, or nothing) rather than that
        # file restores are for the local file
        server_backups.verify_server_backup(data, args.ref)
    paths = _paths(args)
    if args.ref == "latest":
        latest = backups.find_latest_good(paths)
        for line in latest.skipped_lines():
            print(line)
        if latest.good is None:
            raise AuditDeskError("没有可用的完好备份。")
        source: Any = latest.good
    else:
        source = backups.find_backup(paths, args.ref)
    passphrase = _file_passphrase(source)
    info = backups.validate_backup(paths, source, passphrase=passphrase)
    if not args.yes:
        print(f"将恢复：{info.describe()}")
        print("当前数据库会被移到 backups/replaced 保存。确认请加 --yes 重新运行。")
        return EXIT_OK
    result = backups.restore_backup(paths, source, passphrase=passphrase)
    print(f"已恢复：{result.restored.describe()}")
    if result.set_aside:
        print(f"原数据库已保存在：{result.set_aside}")
    return EXIT_OK


def add_backup_commands(
    sub: Any, common: ChineseArgumentParser, json_opt: ChineseArgumentParser
) -> None:
    group = sub.add_parser("backup", parents=[common], help="备份与恢复数据库和附件")
    bsub = group.add_subparsers(dest="backup_command", metavar="操作", required=True,
                                parser_class=ChineseArgumentParser)  # fmt: skip
    p = bsub.add_parser("create", parents=[common],
                        help="立即备份（-o 时写成一个 .adbackup 文件；服务器数据库用 pg_dump）")  # fmt: skip
    p.add_argument("-o", "--output", metavar="FILE.adbackup", help="备份到这个文件（含附件）")
    p.add_argument("--encrypt", action="store_true",
                   help="用口令加密备份文件（口令在终端输入，或取自 AUDITDESK_CASE_PASSPHRASE）")  # fmt: skip
    p.add_argument("--folder", metavar="DIR",
                   help="服务器数据库：备份写入此文件夹（默认数据目录的 backups/snapshots）")  # fmt: skip
    p.add_argument("--keep-days", type=int, metavar="N",
                   help="服务器数据库的每日定时备份：备份成功后删除此文件夹中超过 N 天的定时备份"
                        "（手动备份和最新一份总是保留）")  # fmt: skip
    p.set_defaults(func=cmd_backup_create)
    p = bsub.add_parser("status", parents=[common, json_opt],
                        help="最近一次成功备份的时间；超过 36 小时或没有时退出码 1")  # fmt: skip
    p.set_defaults(func=cmd_backup_status)
    p = bsub.add_parser("list", parents=[common, json_opt], help="列出备份（最新的在前）")
    p.add_argument("--folder", metavar="DIR",
                   help="列出该目录中的备份（如服务器的定时备份目录），而不是本机数据目录中的")  # fmt: skip
    p.set_defaults(func=cmd_backup_list)
    p = bsub.add_parser("verify", parents=[common], help="检查当前数据库或某个备份是否完好")
    p.add_argument("ref", nargs="?", metavar="备份编号|FILE", help="省略时检查当前数据库")
    p.set_defaults(func=cmd_backup_verify)
    p = bsub.add_parser(
        "restore", parents=[common],
        help="从备份恢复（当前数据库会先被移到一旁保存）；服务器备份用 --database 新建的空数据库地址",
    )  # fmt: skip
    p.add_argument(
        "ref", metavar="备份编号|FILE|latest", help="备份编号、.adbackup 文件，或 latest"
    )
    p.add_argument("--yes", action="store_true", help="确认恢复")
    p.set_defaults(func=cmd_backup_restore)
