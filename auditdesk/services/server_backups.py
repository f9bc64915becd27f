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
import re
import shutil
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from auditdesk import __version__
from auditdesk.archive import sha256_file
from auditdesk.database import display_database, same_database, url_database
from auditdesk.errors import AuditDeskError, AuthenticationError
from auditdesk.models.common import utcnow
from auditdesk.models.user import OfficeRole
from auditdesk.paths import DataPaths
from auditdesk.services.backups import (
    BACKUP_SUFFIX,
    RECORD_LABELS,
    BackupError,
    BackupInfo,
    _info,
    _snapshots,
    latest_backup,
)
from auditdesk.services.restore_recovery import (
    BACKUP_FORMAT,
    BACKUP_FORMAT_VERSION,
    write_manifest,
)
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store, Tx
from auditdesk.store.migrations import LATEST_VERSION
from auditdesk.store.pgdump import PgToolError, list_dump
from auditdesk.store.restore import NOT_TAKEN_OUT

log = logging.getLogger(__name__)

DUMP_NAME = "auditdesk.dump"
BACKEND = "postgresql"
_STAMP = "%Y%m%d-%H%M%S"
DAILY = "daily"
"""The kind of the scheduled backups (``backup create --keep-days N``): the only ones pruned."""
LAST_BACKUP_KEY = "last_server_backup"
"""``office_settings`` key of the last successful server backup (when, where, by whom)."""
STALE_AFTER = timedelta(hours=36)
"""A daily backup missed once is tolerated; older than this the administrator is warned."""
MAX_KEEP_DAYS = 3650
_FOLDER_NAME = re.compile(r"^\d{8}-\d{6}-[a-z-]+(-\d+)?$")
SERVER_DATABASES = frozenset({"postgres", "template0", "template1"})
"""The server's own databases, never restored into: template1 is copied into every new database,
and all three are usually empty (so the 'not empty' check would not stop it)."""
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
    without_password: list[str] = field(default_factory=list)
    """Office users of the backup whose login this server did not have: created without a
    password, they sign in once an administrator sets one (``server user password``)."""

    revoked: list[str] = field(default_factory=list)
    """Logins that were members of the restored database's groups (left from an earlier
    database of that name) but are no users in the backup: taken out of them."""

    def notes(self) -> list[str]:
        """Chinese lines on what the administrator should know or still do (none when nothing)."""
        notes = []
        if self.without_password:
            notes.append(
                f"以下用户在本服务器上原来没有登录账户，已按备份中的角色建立，但没有密码："
                f"{'、'.join(self.without_password)}。请管理员用 auditdesk server user password "
                "用户名（或 设置 → 用户与分配 → 重设密码）为他们设置密码后，他们才能登录。"
            )
        if self.revoked:
            notes.append(
                f"以下账户不是备份中的用户，已取消其对数据库 {self.database} 的权限："
                f"{'、'.join(self.revoked)}（需要时请重新添加为用户）。"
            )
        return notes


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


def backup_refusal(ws: Workspace) -> str | None:
    """Why this workspace may not back up or restore the server database (Chinese), ``None`` when
    it may: on a server, signed in as an office administrator (or as a login that is not an
    office user, such as the server's own superuser). On the local file: the reason too."""
    if not ws.is_server:
        return "当前使用的是本机数据库文件，请用 auditdesk backup create 备份。"
    user = ws.store.user
    if user is not None and user.role is not OfficeRole.ADMIN:
        # row security would hide rows from the dump (or pg_dump would fail in English)
        return f"只有管理员可以备份服务器数据库（您的账户 {user.name} 是{user.role.label}）。"
    return None


def create_server_backup(
    ws: Workspace,
    *,
    kind: str = "manual",
    now: datetime | None = None,
    into: Path | None = None,
) -> BackupInfo:
    """``pg_dump`` the open server database into ``<into>/<time>-<kind>/`` (``into`` defaults to
    the data dir's ``backups/snapshots``) with its manifest, read the dump back
    (``pg_restore --list``) before it counts, and record it in the database as the office's
    last successful backup (:func:`backup_status`).

    Raises:
        AuditDeskError: the workspace is not on a server, or not signed in as an administrator.
        PgToolError: pg_dump / pg_restore missing or failed. BackupError: the folder cannot be
            written or the dump does not read back. Nothing is left behind on failure.
    """
    refusal = backup_refusal(ws)
    if refusal is not None:
        raise AuditDeskError(refusal)
    created = (now or datetime.now()).replace(microsecond=0)
    root = _snapshots(ws.paths) if into is None else into.expanduser()
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
    info = _info(folder, manifest)
    _record(ws, info, dump.stat().st_size)
    return info


def _record(ws: Workspace, info: BackupInfo, size: int) -> None:
    user = ws.store.user
    value = {
        "at": utcnow().isoformat(timespec="seconds"),
        "id": info.id,
        "path": str(info.path),
        "host": socket.gethostname(),
        "by": user.display_name if user is not None else "",
        "bytes": size,
        "kind": info.kind,
    }
    try:
        with ws.store.transaction() as tx:
            tx.set_office_setting(LAST_BACKUP_KEY, value, utcnow())
    except AuditDeskError:
        # the dump is good and kept; the office's record just stays older (and warns)
        log.warning("server backup %s made but not recorded", info.path, exc_info=True)


def prune_server_backups(
    root: Path, keep_days: int, *, database: str, now: datetime | None = None
) -> list[Path]:
    """Delete the scheduled (``daily``) server backups of ``database`` (a server URL; compared by
    host, port and name, whoever signs in) in ``root`` older than ``keep_days`` days; return the
    folders deleted, oldest first.

    Only folders this app made are touched: named ``<yyyymmdd-hhmmss>-daily``, with a
    ``manifest.json`` of a server backup of this database and its dump. Manual backups, other
    databases' backups in the same folder, anything else in the folder and the newest daily
    backup of this database (whatever its age) are always kept.

    Raises:
        AuditDeskError: ``keep_days`` outside 1 to 3650.
        BackupError: a folder cannot be deleted (the ones before it are gone; it is named).
    """
    if not 0 < keep_days <= MAX_KEEP_DAYS:
        raise AuditDeskError(f"保留天数应在 1 到 {MAX_KEEP_DAYS} 之间（{keep_days}）。")
    if not root.is_dir():
        return []
    daily: list[tuple[datetime, Path]] = []
    for folder in root.iterdir():
        if not folder.is_dir() or not _FOLDER_NAME.match(folder.name):
            continue
        manifest = _read_manifest(folder)
        if (
            manifest.get("format") != BACKUP_FORMAT
            or manifest.get("backend") != BACKEND
            or manifest.get("kind") != DAILY
            or not same_database(str(manifest.get("database") or ""), database)
            or not (folder / DUMP_NAME).is_file()
        ):
            continue
        try:
            created = datetime.fromisoformat(str(manifest["created"]))
        except (KeyError, ValueError):
            continue
        daily.append((created, folder))
    daily.sort()
    cutoff = (now or datetime.now()) - timedelta(days=keep_days)
    removed: list[Path] = []
    for created, folder in daily[:-1]:  # never the newest
        if created >= cutoff:
            break
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            raise BackupError(
                f"无法删除过期的备份 {folder}（{exc.strerror or exc}）。", location=str(folder)
            ) from exc
        log.info("pruned server backup %s", folder)
        removed.append(folder)
    return removed


@dataclass(frozen=True)
class BackupStatus:
    """The last successful backup of the database in use, and whether it is too old."""

    server: bool
    last: datetime | None
    """When (aware), ``None`` when none is known."""
    location: str | None
    """The backup folder (on the machine that made it) or file."""
    host: str | None
    by: str | None
    age: timedelta | None

    @property
    def stale(self) -> bool:
        """No backup, or the last one older than :data:`STALE_AFTER` (36 h)."""
        return self.age is None or self.age > STALE_AFTER

    def age_text(self) -> str:
        """``40 小时`` under two days, else ``3 天``."""
        if self.age is None:
            return ""
        hours = int(self.age.total_seconds() // 3600)
        return f"{hours} 小时" if hours < 48 else f"{hours // 24} 天"

    def warning(self) -> str | None:
        """The Chinese warning for an administrator, ``None`` when the backup is recent."""
        what = "服务器数据库" if self.server else "本机数据库"
        todo = ("请检查服务器上的每日定时备份（见 README“部署 → 备份”）。" if self.server
                else "请打开 AuditDesk（启动时自动备份）或运行 auditdesk backup create。")  # fmt: skip
        if self.last is None:
            return f"{what}还没有备份记录：{todo}"
        if not self.stale:
            return None
        when = f"{self.last.astimezone():%Y-%m-%d %H:%M}"
        return f"{what}已 {self.age_text()}未备份（最近一次：{when}）。{todo}"

    def describe(self) -> str:
        """One line for the settings page and ``backup status``."""
        if self.last is None:
            return "还没有备份记录。"
        where = f"{self.host}:{self.location}" if self.host else (self.location or "")
        by = f"，{self.by}" if self.by else ""
        return (
            f"{self.last.astimezone():%Y-%m-%d %H:%M}（{self.age_text() or '刚刚'}前{by}）：{where}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "backend": BACKEND if self.server else "sqlite",
            "last_backup": self.last.isoformat() if self.last else None,
            "age_hours": round(self.age.total_seconds() / 3600, 1) if self.age else None,
            "stale": self.stale,
            "stale_after_hours": int(STALE_AFTER.total_seconds() // 3600),
            "location": self.location,
            "host": self.host,
            "by": self.by,
            "warning": self.warning(),
        }


def backup_status(ws: Workspace, *, now: datetime | None = None) -> BackupStatus:
    """The last successful backup: on a server, the one the database records (made from any
    machine); on the local file, the newest snapshot or backup file of this data dir.

    Raises:
        StoreError: the server cannot be read.
    """
    moment = now or datetime.now(UTC)
    if not ws.is_server:
        latest = latest_backup(ws.paths)
        if latest is None:
            return BackupStatus(False, None, None, None, None, None)
        last = latest.created.astimezone()
        return BackupStatus(False, last, str(latest.path), None, None, moment - last)
    with ws.store.read() as tx:
        raw = tx.office_setting(LAST_BACKUP_KEY)
    if not isinstance(raw, dict):
        return BackupStatus(True, None, None, None, None, None)
    try:
        last = datetime.fromisoformat(str(raw["at"]))
    except (KeyError, ValueError):
        return BackupStatus(True, None, None, None, None, None)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return BackupStatus(
        True,
        last,
        str(raw.get("path") or "") or None,
        str(raw.get("host") or "") or None,
        str(raw.get("by") or "") or None,
        max(moment - last, timedelta(0)),
    )


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


LAPTOP_BACKUP = (
    "是本机数据库（SQLite 数据库文件）的备份，不能恢复到服务器数据库。"
    "请在使用本机数据库的 AuditDesk 中用 auditdesk backup restore 恢复它；"
    "要把其中的企业带到服务器，请在本机导出案卷（auditdesk case export）后在服务器上导入。"
)


def _folder(paths: DataPaths, ref: str) -> Path:
    candidates = [_snapshots(paths) / ref, Path(ref).expanduser()]
    for path in candidates:
        if path.is_file() and path.name == DUMP_NAME:
            return path.parent
        if path.is_dir() and (path / "manifest.json").exists():
            return path
        if path.is_file():
            what = "备份文件" if path.suffix.lower() == BACKUP_SUFFIX else "文件"
            raise BackupError(
                f"{what} {path} 不是服务器数据库的备份（应为含 {DUMP_NAME} 和 manifest.json "
                f"的备份目录）" + (f"，而{LAPTOP_BACKUP}" if what == "备份文件" else "。"),
                location=str(path),
            )
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
    label = f"备份 {folder}"
    manifest = _read_manifest(folder)
    if manifest.get("format") == BACKUP_FORMAT and manifest.get("backend") != BACKEND:
        raise BackupError(f"{label} {LAPTOP_BACKUP}", location=str(folder))
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
            f"备份文件 {dump} 与其清单不符（不完整、备份后被改动或损坏），"
            "不能用于恢复。请选择其他备份。",
            location=str(dump),
        )
    try:
        entries = list_dump(dump)
    except PgToolError as exc:
        raise _naming(exc, str(dump), f"备份文件 {dump} 无法读取（不完整或已损坏）：") from exc
    _check_listing(entries, label, folder)
    return info


def _naming(exc: AuditDeskError, name: str, prefix: str, suffix: str = "") -> AuditDeskError:
    """``exc`` with its message put after ``prefix`` unless it names ``name`` (the backup)
    already, and ending with ``suffix`` (what became of the target); the same exception, so
    callers still tell one kind of failure from another."""
    message = exc.message if name in exc.message else f"{prefix}{exc.message}"
    if suffix and suffix not in message:
        message = f"{message.rstrip('。')}。{suffix}"
    exc.message = message
    exc.args = (message,)
    return exc


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
        AuditDeskError: ``target_url`` is the database in use, one of the server's own
            (:data:`SERVER_DATABASES`), or not empty.
        BackupError, PgToolError: as :func:`verify_server_backup`; pg_restore failed (the
            target is left as it was: one transaction).
        SchemaMismatchError: the restored database is not at this AuditDesk's schema version
            (an administrator runs ``auditdesk db upgrade`` on it).
        StoreError: the target cannot be reached, or refuses the password.
    """
    target_name = url_database(target_url)
    if target_name.lower() in SERVER_DATABASES:
        raise AuditDeskError(
            f"不能恢复到 PostgreSQL 自带的数据库 {target_name}"
            "（template0/template1 是新建数据库的模板，postgres 供服务器维护）。"
            "请新建一个空数据库（如 auditdesk_restored）后重试。",
            location=target_name,
        )
    if in_use is not None and same_database(in_use, target_url):
        raise AuditDeskError(
            "不能恢复到正在使用的数据库。请新建一个空数据库，用 --database 指定它的地址；"
            "确认无误后再让大家改用新数据库。"
        )
    info = verify_server_backup(paths, ref)
    dump = info.path / DUMP_NAME
    target = display_database(target_url)
    if info.schema_version > LATEST_VERSION:
        raise BackupError(
            f"备份 {info.path} 的数据结构版本为 {info.schema_version}，本程序支持到 "
            f"{LATEST_VERSION}：它由更新版本的 AuditDesk 生成，请升级 AuditDesk 后再恢复。"
            f"目标数据库 {target} 未改动。",
            location=str(info.path),
        )
    try:
        restored = Store.restore_dump(dump, target_url, password=password, sslmode=sslmode)
    except AuthenticationError:
        raise  # the CLI asks for the password and tries again
    except AuditDeskError as exc:
        untouched = "" if NOT_TAKEN_OUT in exc.message else f"目标数据库 {target} 未改动。"
        raise _naming(exc, str(dump), f"从备份文件 {dump} 恢复失败：", untouched) from exc
    counts = restored.counts
    differing = [t for t, n in info.records.items() if counts.get(t) != n]
    if differing:
        raise BackupError(
            f"从备份 {info.path} 恢复后的数据与备份清单不符（{'、'.join(differing)}），"
            f"请勿使用数据库 {target}。",
            location=target_url,
        )
    return ServerRestoreResult(
        info, target, restored.schema_version, counts, restored.without_password, restored.revoked
    )


_DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def restore_into_new_database(ws: Workspace, ref: str, name: str) -> ServerRestoreResult:
    """Restore the server backup ``ref`` into the new, empty database ``name`` on the server the
    workspace is signed in to (same host, user, password and TLS), as
    :func:`restore_server_backup`; the database in use is never the target.

    Raises:
        AuditDeskError: not an administrator on a server; ``name`` is not a plain database name
            (letters, digits, ``_``; at most 63), is the database in use, or has tables.
        BackupError, PgToolError, SchemaMismatchError, StoreError: as
            :func:`restore_server_backup` (a missing database is a StoreError naming it).
    """
    if not ws.is_server:
        raise AuditDeskError("当前使用的是本机数据库文件，请用 auditdesk backup restore 恢复。")
    refusal = backup_refusal(ws)
    if refusal is not None:
        raise AuditDeskError(refusal.replace("备份", "恢复", 1))
    name = name.strip()
    if not _DATABASE_NAME.match(name):
        raise AuditDeskError(
            f"新数据库名“{name}”无效：只能用英文字母、数字和下划线，以字母开头，最多 63 个字符"
            "（如 auditdesk_restored）。",
            location=name,
        )
    current = ws.store.engine.url
    target = current.set(database=name).render_as_string(hide_password=False)
    return restore_server_backup(
        ws.paths, ref, target, in_use=current.render_as_string(hide_password=False)
    )


def target_url(ws: Workspace, name: str) -> str:
    """The URL of database ``name`` on the workspace's server, without the password (for the
    setting that switches to it)."""
    url = ws.store.engine.url.set(database=name.strip(), password=None)
    query = {k: v for k, v in url.query.items() if k != "sslmode"}
    return url.set(query=query).render_as_string(hide_password=True)


def admin_warning(ws: Workspace, *, now: datetime | None = None) -> str | None:
    """The backup warning for whoever can act on it: an administrator signed in to a server whose
    last backup is missing or older than 36 hours; ``None`` for everyone else (the local file
    backs itself up), or when the record cannot be read."""
    if not ws.is_server or backup_refusal(ws) is not None:
        return None
    try:
        return backup_status(ws, now=now).warning()
    except AuditDeskError:
        log.warning("backup status unreadable", exc_info=True)
        return None
