"""Backups of a shared PostgreSQL database: ``pg_dump`` (custom format) into the data dir's backup
folder, with the same ``manifest.json`` as a laptop's snapshots; verify; restore into a new,
empty database (never into the one in use).

Layout (beside the SQLite snapshots, listed by ``backup list`` alike)::

    backups/snapshots/20261130-210000-manual/   auditdesk.dump + manifest.json

The manifest records the dump's SHA-256, the schema version, the row counts and the evidence
hashes, all read from the very snapshot the dump holds, plus ``"backend": "postgresql"``.
Evidence files are inside the dump (a server keeps them in the database). The password reaches
``pg_dump``/``pg_restore`` only through ``PGPASSWORD`` in the child's environment.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from auditdesk import __version__
from auditdesk.archive import sha256_file
from auditdesk.database import display_database, same_database
from auditdesk.errors import AuditDeskError
from auditdesk.models.user import OfficeRole
from auditdesk.paths import DataPaths
from auditdesk.services.backups import (
    RECORD_LABELS,
    BackupError,
    BackupInfo,
    _info,
    _snapshots,
)
from auditdesk.services.restore_recovery import (
    BACKUP_FORMAT,
    BACKUP_FORMAT_VERSION,
    write_manifest,
)
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store, Tx
from auditdesk.store.pgdump import list_dump

log = logging.getLogger(__name__)

DUMP_NAME = "auditdesk.dump"
BACKEND = "postgresql"
_STAMP = "%Y%m%d-%H%M%S"
_REQUIRED_TABLES = ("schema_version", "companies", "audits", "findings", "attachments")
"""Tables whose data a dump of an AuditDesk database must list."""


@dataclass(frozen=True)
class ServerRestoreResult:
    restored: BackupInfo
    database: str
    """The database restored into (password hidden)."""
    schema_version: int
    records: dict[str, int]
    """Row counts by table of the restored database."""


def _describe(tx: Tx, kind: str, created: datetime, where: str) -> dict[str, Any]:
    tables = (*RECORD_LABELS, "file_blobs")
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "app_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "kind": kind,
        "backend": BACKEND,
        "database": where,
        "dump": DUMP_NAME,
        "schema_version": tx.schema_version(),
        "records": {t: tx.count_rows(t) for t in tables},
        "attachments": tx.attachment_hashes(),
        "attachment_bytes": tx.stored_blob_bytes(),
    }


def create_server_backup(
    ws: Workspace, *, kind: str = "manual", now: datetime | None = None
) -> BackupInfo:
    """``pg_dump`` the open server database into ``backups/snapshots/<time>-<kind>/`` with its
    manifest, and read the dump back (``pg_restore --list``) before it counts.

    Raises:
        AuditDeskError: the workspace is not on a server.
        PgToolError: pg_dump / pg_restore missing or failed. BackupError: the folder cannot be
            written or the dump does not read back. Nothing is left behind on failure.
    """
    if not ws.is_server:
        raise AuditDeskError("当前使用的是本机数据库文件，请用 auditdesk backup create 备份。")
    user = ws.store.user
    if user is not None and user.role is not OfficeRole.ADMIN:
        # row security would hide rows from the dump (or pg_dump would fail in English)
        raise AuditDeskError(
            f"只有管理员可以备份服务器数据库（您的账户 {user.name} 是{user.role.label}）。"
        )
    created = (now or datetime.now()).replace(microsecond=0)
    root = _snapshots(ws.paths)
    folder = root / f"{created.strftime(_STAMP)}-{kind}"
    n = 1
    while folder.exists():
        n += 1
        folder = root / f"{created.strftime(_STAMP)}-{kind}-{n}"
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise BackupError(
            f"无法创建备份目录 {folder}（{exc.strerror or exc}）。", location=str(folder)
        ) from exc
    try:
        dump = folder / DUMP_NAME
        manifest = ws.store.dump_to(dump, lambda tx: _describe(tx, kind, created, ws.store.where))
        manifest["db_sha256"] = sha256_file(dump)
        _check_listing(list_dump(dump), f"备份 {folder.name}", folder)
        write_manifest(folder, manifest)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(
            f"无法写入备份 {folder}（{exc.strerror or exc}）。", location=str(folder)
        ) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    log.info("server backup %s written (%d bytes)", folder, dump.stat().st_size)
    return _info(folder, manifest)


def _check_listing(entries: list[str], label: str, where: Path) -> None:
    listed = " ".join(entries)
    missing = [t for t in _REQUIRED_TABLES if f"TABLE DATA public {t} " not in listed]
    if missing:
        raise BackupError(
            f"{label} 不完整：缺少数据表 {'、'.join(missing)}，不能用于恢复。",
            location=str(where),
        )


def is_server_backup(paths: DataPaths, ref: str) -> bool:
    """Whether ``ref`` (a backup id, its folder, or its ``auditdesk.dump``) names a server
    backup (rather than a laptop snapshot or a ``.adbackup`` file)."""
    try:
        folder = _folder(paths, ref)
    except BackupError:
        return False
    return (folder / DUMP_NAME).exists() or _read_manifest(folder).get("backend") == BACKEND


def _folder(paths: DataPaths, ref: str) -> Path:
    candidates = [_snapshots(paths) / ref, Path(ref).expanduser()]
    for path in candidates:
        if path.is_file() and path.name == DUMP_NAME:
            return path.parent
        if path.is_dir() and (path / "manifest.json").exists():
            return path
    raise BackupError(
        f"找不到服务器备份“{ref}”。用 auditdesk backup list 查看可用的备份，"
        "或给出备份目录（或其中的 auditdesk.dump）的路径。",
        location=ref,
    )


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def verify_server_backup(paths: DataPaths, ref: str) -> BackupInfo:
    """Check a server backup without restoring it: its manifest, the dump's SHA-256 against the
    manifest, and the dump's table of contents (``pg_restore --list``).

    Raises:
        BackupError: missing, damaged or altered since it was made (the message says which).
        PgToolError: pg_restore missing, or it cannot read the dump.
    """
    folder = _folder(paths, ref)
    label = f"备份 {folder.name}"
    manifest = _read_manifest(folder)
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("backend") != BACKEND:
        raise BackupError(
            f"{label} 的清单缺失或已损坏，或不是服务器数据库的备份。", location=str(folder)
        )
    if int(manifest.get("format_version", 0)) > BACKUP_FORMAT_VERSION:
        raise BackupError(
            f"{label} 由更新版本的 AuditDesk 生成，请升级后再检查或恢复。", location=str(folder)
        )
    info = _info(folder, manifest)
    dump = folder / DUMP_NAME
    if not dump.is_file():
        raise BackupError(f"{label} 缺少数据库备份文件 {DUMP_NAME}。", location=str(folder))
    if sha256_file(dump) != info.db_sha256:
        raise BackupError(
            f"{label} 的备份文件与其清单不符（备份后被改动或损坏），不能用于恢复。请选择其他备份。",
            location=str(dump),
        )
    _check_listing(list_dump(dump), label, folder)
    return info


def restore_server_backup(
    paths: DataPaths,
    ref: str,
    target_url: str,
    *,
    password: str | None = None,
    sslmode: str | None = None,
    in_use: str | None = None,
) -> ServerRestoreResult:
    """Restore a server backup into the new, empty database ``target_url`` (checked first as
    :func:`verify_server_backup`), then check its schema version.

    ``in_use`` is the database this data dir works with (setting or ``AUDITDESK_DATABASE``):
    restoring into it is refused, as is any database with tables.

    Raises:
        AuditDeskError: ``target_url`` is the database in use, or not empty.
        BackupError, PgToolError: as :func:`verify_server_backup`; pg_restore failed (the
            target is left as it was: one transaction).
        SchemaMismatchError: the restored database is not at this AuditDesk's schema version
            (an administrator runs ``auditdesk db upgrade`` on it).
        StoreError: the target cannot be reached, or refuses the password.
    """
    if in_use is not None and same_database(in_use, target_url):
        raise AuditDeskError(
            "不能恢复到正在使用的数据库。请新建一个空数据库，用 --database 指定它的地址；"
            "确认无误后再让大家改用新数据库。"
        )
    info = verify_server_backup(paths, ref)
    version, counts = Store.restore_dump(
        info.path / DUMP_NAME, target_url, password=password, sslmode=sslmode
    )
    expected = info.records
    differing = [t for t, n in expected.items() if counts.get(t) != n]
    if differing:
        raise BackupError(
            f"恢复后的数据与备份清单不符（{'、'.join(differing)}），请勿使用该数据库。",
            location=target_url,
        )
    return ServerRestoreResult(info, display_database(target_url), version, counts)
