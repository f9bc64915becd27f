"""Backups of the data directory: automatic snapshots with rotation, single-file backups, restore.

Layout under ``<data dir>/backups``::

    snapshots/20261128-231502-auto/   auditdesk.db + manifest.json (one per backup)
    blobs/ab/ab12…                    attachment files, shared by every snapshot (content-addressed,
                                      read-only copies whose hash was checked; never hard links)
    replaced/20261128-232000-before-restore/   the database a restore put aside

A snapshot's database is written with SQLite's online backup API and must pass
``PRAGMA integrity_check`` before it counts; its manifest records the database's SHA-256, the
schema version and every attachment hash, so a snapshot damaged later is noticed before a restore.
Every attachment file is hashed as it is backed up: an evidence file edited in place fails the
backup, naming the file, instead of making an unusable snapshot.
A single-file backup (``.adbackup``, "备份到…") is an archive (:mod:`auditdesk.archive`) carrying the
same database and the attachment files themselves, optionally sealed with a passphrase.

Restore holds the data directory exclusively (:mod:`auditdesk.datalock`), so it is refused while
another AuditDesk window or command has it open. It never works on the live files directly: the
backup is staged and checked in a temporary folder, the attachment files copied in, the manifest of
the database about to be set aside written (marked pending), and only then the current database is
moved aside and the staged one moved in and opened. If anything fails, the current database is moved
back; if the process is killed, the next start puts it back
(:mod:`auditdesk.services.restore_recovery`).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from auditdesk.archive import (
    SCRATCH_PREFIX,
    copy_verified,
    is_intact,
    open_archive,
    sha256_file,
    write_archive,
)
from auditdesk.database import resolve_database
from auditdesk.datalock import DataDirLock
from auditdesk.errors import AuditDeskError, DatabaseCorruptError
from auditdesk.fileperms import remove_stored
from auditdesk.paths import DataPaths
from auditdesk.progress import CancelToken, ProgressFn, no_progress
from auditdesk.services.restore_recovery import (
    BACKUP_FORMAT,
    BACKUP_FORMAT_VERSION,
    DB_SUFFIXES,
    aside_manifest,
    backup_manifest,
    recover_interrupted_restore,
    replaced_root,
    write_manifest,
)
from auditdesk.services.workspace import SERVER_BACKUP_MESSAGE, Workspace
from auditdesk.settings import load_preferences
from auditdesk.store import Store
from auditdesk.store.errors import (
    DatabaseFileError,
    classify,
    path_too_long,
    too_long_message,
)
from auditdesk.store.migrate import LATEST_VERSION
from auditdesk.store.sqlite import (
    attachment_files,
    attachment_hashes,
    describe_database,
    integrity_problems,
    online_backup,
)

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".adbackup"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_STAMP = "%Y%m%d-%H%M%S"
KIND_LABELS = {"auto": "自动", "manual": "手动", "before-restore": "恢复前", "file": "备份文件",
               "daily": "每日定时"}  # fmt: skip


class BackupError(AuditDeskError):
    """A backup cannot be made or used; nothing in the data directory was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    """The snapshot folder, or the ``.adbackup`` file."""
    created: datetime
    kind: str
    schema_version: int
    app_version: str
    records: dict[str, int] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    db_sha256: str = ""
    repaired: tuple[str, ...] = ()
    """Names of evidence files found changed in the data dir and put back from a checked copy."""

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def describe(self) -> str:
        r = self.records
        return (
            f"{self.created:%Y-%m-%d %H:%M}（{self.kind_label}）：企业 {r.get('companies', 0)} 家，"
            f"体检 {r.get('audits', 0)} 次，问题 {r.get('findings', 0)} 条，附件 {len(self.attachments)} 个"
        )


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    set_aside: Path | None
    """Where the database that was replaced now lives (``None`` when there was none)."""


def _snapshots(paths: DataPaths) -> Path:
    return paths.backups / "snapshots"


def _blobs(paths: DataPaths) -> Path:
    return paths.backups / "blobs"


def _blob(root: Path, sha: str) -> Path:
    return root / sha[:2] / sha


def _info(path: Path, manifest: dict[str, Any]) -> BackupInfo:
    try:
        return BackupInfo(
            path=path,
            created=datetime.fromisoformat(str(manifest["created"])),
            kind=str(manifest.get("kind", "manual")),
            schema_version=int(manifest.get("schema_version", 0)),
            app_version=str(manifest.get("app_version", "")),
            records={str(k): int(v) for k, v in dict(manifest.get("records", {})).items()},
            attachments=tuple(str(s) for s in manifest.get("attachments", [])),
            db_sha256=str(manifest.get("db_sha256", "")),
            repaired=tuple(str(n) for n in manifest.get("repaired_attachments", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"备份 {path.name} 的清单已损坏（{exc}）。", location=str(path)) from exc


def _cannot_check(exc: DatabaseFileError | OSError, where: Path, doing: str) -> BackupError:
    """A backup or check that could not run because of the machine (a full disk, a path too long
    for SQLite, a disk error): say what is wrong, and never suggest a restore — the database itself
    was not found damaged."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            reason = f"磁盘空间已满（{where}）。请清理磁盘后重试"
        elif exc.errno == errno.ENAMETOOLONG:
            reason = too_long_message(where)
        else:
            reason = f"{exc.strerror or exc}（{where}）"
    elif path_too_long(where):
        reason = too_long_message(where)
    else:
        user_error = classify(exc, where)
        reason = user_error.message if user_error is not None else f"{exc}（{where}）"
    return BackupError(f"{doing}未能进行：{reason.rstrip('。')}。数据库本身未发现损坏。",
                       location=str(where))  # fmt: skip


def _snapshot_db(source: Path, target: Path) -> None:
    """Online-backup ``source`` to ``target`` and insist the copy is sound."""
    if path_too_long(target):
        raise _cannot_check(DatabaseFileError("path too long"), target, "备份")
    try:
        online_backup(source, target)
        problems = integrity_problems(target)
    except (DatabaseFileError, OSError) as exc:
        target.unlink(missing_ok=True)
        damaged = isinstance(exc, DatabaseFileError) and isinstance(
            classify(exc, source), DatabaseCorruptError
        )
        if not damaged:
            raise _cannot_check(exc, target, "备份") from exc
        raise BackupError(
            f"无法备份数据库 {source}（{exc}）。数据库可能已损坏；请从已有备份恢复。",
            location=str(source),
        ) from exc
    if problems:
        target.unlink(missing_ok=True)
        raise BackupError(
            f"数据库 {source} 未通过完整性检查（{'；'.join(problems[:3])}），本次未生成备份，"
            "已有的备份保持不变。请从备份恢复。",
            location=str(source),
        )


def _pool_attachments(paths: DataPaths, db: Path, hashes: list[str]) -> tuple[list[str], list[str]]:
    """Make sure the shared pool holds an intact copy of every attachment ``db`` names, and that
    the data dir's own files are intact; return (hashes found nowhere, names of data-dir files
    put back from the pool because they had been changed). Every file is hashed: a pooled copy
    before it is trusted, a data-dir file before it is copied (and the copy after).

    Raises:
        BackupError: a data-dir file's content no longer matches its hash (edited in place or
            damaged) and the pool has no good copy; names the files.
    """
    missing: list[str] = []
    damaged: list[str] = []
    repaired: list[str] = []
    for sha in hashes:
        pooled = _blob(_blobs(paths), sha)
        source = _blob(paths.attachments, sha)
        if is_intact(pooled, sha):
            if source.exists() and not is_intact(source, sha):
                copy_verified(pooled, source, sha)
                repaired.append(sha)
            continue
        if not source.exists():
            missing.append(sha)
        elif not copy_verified(source, pooled, sha):
            damaged.append(sha)
    names = attachment_files(db) if damaged or repaired else {}
    if repaired:
        log.warning("attachment files changed in place, put back from the backup pool: %s",
                    ", ".join(repaired))  # fmt: skip
    if damaged:
        listed = "、".join(f"“{names.get(sha, sha[:12])}”" for sha in damaged[:5])
        raise BackupError(
            f"{len(damaged)} 个证据文件的内容与保存时不符（被其他程序改动或已损坏）：{listed}"
            f"{'等' if len(damaged) > 5 else ''}。本次未生成备份，已有的备份保持不变。"
            "请从备份恢复这些文件，或删除后重新添加证据。",
            location=str(_blob(paths.attachments, damaged[0])),
        )
    return missing, [names.get(sha, sha[:12]) for sha in repaired]


def _shared_hold(paths: DataPaths) -> DataDirLock:
    lock = DataDirLock(paths.root)
    lock.acquire_shared()
    return lock


def create_backup(
    paths: DataPaths, *, kind: str = "manual", now: datetime | None = None
) -> BackupInfo:
    """A snapshot of the live database (and its attachment files) under ``backups/snapshots``.

    Raises:
        BackupError: no database yet, the database fails its integrity check, or an attachment
            file was changed since it was stored (named); nothing is left behind.
    """
    with _shared_hold(paths):
        return _create_backup(paths, kind=kind, now=now)


def _create_backup(paths: DataPaths, *, kind: str, now: datetime | None) -> BackupInfo:
    if not paths.database.exists():
        raise BackupError("还没有数据库，无需备份。", location=str(paths.database))
    created = (now or datetime.now()).replace(microsecond=0)
    folder = _snapshots(paths) / f"{created.strftime(_STAMP)}-{kind}"
    n = 1
    while folder.exists():
        n += 1
        folder = _snapshots(paths) / f"{created.strftime(_STAMP)}-{kind}-{n}"
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise _cannot_check(exc, folder, "备份") from exc
    try:
        db = folder / "auditdesk.db"
        _snapshot_db(paths.database, db)
        manifest = backup_manifest(db, kind, created)
        missing, repaired = _pool_attachments(paths, db, manifest["attachments"])
        manifest["missing_attachments"] = missing
        manifest["repaired_attachments"] = repaired
        write_manifest(folder, manifest)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise _cannot_check(exc, folder, "备份") from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if missing:
        log.warning(
            "backup %s: %d attachment files missing from the data dir", folder, len(missing)
        )
    return _info(folder, manifest)


def export_backup(
    paths: DataPaths,
    target: Path,
    *,
    now: datetime | None = None,
    passphrase: str | None = None,
) -> BackupInfo:
    """ "备份到…": one ``.adbackup`` file with the database and every attachment file, sealed with
    ``passphrase`` when one is given (the file holds ID numbers and wages: unsealed, anyone who
    finds the USB stick reads them). The file is readable by its owner only where the OS allows.

    Raises:
        BackupError: no database, a failed integrity check, or the target cannot be written.
    """
    created = (now or datetime.now()).replace(microsecond=0)
    with (
        _shared_hold(paths),
        tempfile.TemporaryDirectory(prefix="backup-", dir=_workroot(paths)) as tmp,
    ):
        db = Path(tmp) / "auditdesk.db"
        if not paths.database.exists():
            raise BackupError("还没有数据库，无需备份。", location=str(paths.database))
        _snapshot_db(paths.database, db)
        manifest = backup_manifest(db, "file", created)
        manifest["encrypted"] = bool(passphrase)
        try:
            with write_archive(target, passphrase, workdir=_workroot(paths)) as archive:
                archive.add_file("auditdesk.db", db)
                for sha in manifest["attachments"]:
                    source = _blob(paths.attachments, sha)
                    if not is_intact(source, sha):
                        source = _blob(_blobs(paths), sha)
                    if is_intact(source, sha):
                        archive.add_file(f"attachments/{sha}", source, compress=False)
                archive.finish(manifest)
        except OSError as exc:
            raise BackupError(
                f"无法写入备份文件 {target}（{exc.strerror or exc}）。", location=str(target)
            ) from exc
    _record_export(paths, target, manifest)
    return _info(target, manifest)


def _exported(paths: DataPaths) -> Path:
    return paths.backups / "exported"


def _record_export(paths: DataPaths, target: Path, manifest: dict[str, Any]) -> None:
    """Note a "备份到…" file under ``backups/exported`` (its manifest and where it was written),
    so the 设置 page and the restore list know of it. Failing to note it never fails the backup."""
    try:
        folder = _exported(paths)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.fromisoformat(str(manifest["created"])).strftime(_STAMP)
        note = folder / f"{stamp}.json"
        n = 1
        while note.exists():
            n += 1
            note = folder / f"{stamp}-{n}.json"
        note.write_text(
            json.dumps({**manifest, "path": str(target.resolve())}, ensure_ascii=False),
            encoding="utf-8",
        )
    except OSError:
        log.warning("could not note the backup file %s", target, exc_info=True)


def exported_backups(paths: DataPaths) -> list[BackupInfo]:
    """The "备份到…" files written from this data directory that still exist where they were
    written, newest first (kind ``file``; ``path`` is the ``.adbackup`` file)."""
    found: list[BackupInfo] = []
    folder = _exported(paths)
    for note in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            manifest = json.loads(note.read_text(encoding="utf-8"))
            target = Path(str(manifest["path"]))
            if target.is_file():
                found.append(_info(target, manifest))
        except (OSError, ValueError, KeyError, BackupError):
            log.warning("unreadable backup note %s", note, exc_info=True)
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def latest_backup(paths: DataPaths) -> BackupInfo | None:
    """The newest backup of any kind but a set-aside database: automatic and manual snapshots
    and "备份到…" files (see :func:`exported_backups`); ``None`` when there is none."""
    found = [b for b in list_backups(paths) if b.kind != "before-restore"]
    found += exported_backups(paths)
    return max(found, key=lambda b: b.created, default=None)


RECORD_LABELS: dict[str, tuple[str, str]] = {
    "companies": ("企业", "家"),
    "audits": ("体检", "次"),
    "answers": ("检查结果", "条"),
    "findings": ("问题", "条"),
    "payroll_imports": ("工资表导入", "次"),
    "followups": ("跟诊", "次"),
    "letters": ("函件", "份"),
    "attachments": ("附件", "个"),
}
"""The tables a restore confirmation compares (table → Chinese name, counting word)."""


@dataclass(frozen=True)
class RestorePreview:
    """What a restore would replace: the records now and in the backup, the backup's age, and
    whether it is older than the latest change or holds fewer records (both are flagged)."""

    backup: BackupInfo
    in_backup: dict[str, int]
    current: dict[str, int]
    """Empty when the current database is missing or cannot be read."""
    last_change: datetime | None
    """When the current database file was last written (``None`` when there is none)."""
    checked_at: datetime

    @property
    def age(self) -> timedelta:
        return max(self.checked_at - self.backup.created, timedelta(0))

    def age_text(self) -> str:
        """``3 天前`` / ``5 小时前`` / ``刚刚``."""
        seconds = int(self.age.total_seconds())
        if seconds >= 86400:
            return f"{seconds // 86400} 天前"
        if seconds >= 3600:
            return f"{seconds // 3600} 小时前"
        if seconds >= 60:
            return f"{seconds // 60} 分钟前"
        return "刚刚"

    @property
    def older_than_data(self) -> bool:
        """The current data changed after the backup was made (more than a minute later)."""
        return self.last_change is not None and (
            self.last_change - self.backup.created > timedelta(minutes=1)
        )

    def fewer(self) -> list[str]:
        """The tables the backup holds fewer records of than the current data, by name."""
        return [
            RECORD_LABELS[t][0]
            for t in RECORD_LABELS
            if t in self.current and self.in_backup.get(t, 0) < self.current[t]
        ]

    @property
    def flagged(self) -> bool:
        return self.older_than_data or bool(self.fewer())

    def rows(self) -> list[tuple[str, str, str]]:
        """(名称, 当前, 备份中) for each compared table."""
        out = []
        for table, (name, unit) in RECORD_LABELS.items():
            now = f"{self.current[table]} {unit}" if table in self.current else "—"
            then = f"{self.in_backup[table]} {unit}" if table in self.in_backup else "—"
            out.append((name, now, then))
        return out

    def warnings(self) -> list[str]:
        """The flags in Chinese, most serious first; empty when the backup is newer and no
        smaller than the current data."""
        out = []
        if self.fewer():
            out.append(f"备份中的记录比当前少（{'、'.join(self.fewer())}），恢复后这些记录会丢失。")
        if self.older_than_data and self.last_change is not None:
            out.append(
                f"当前数据在备份之后还有改动（最后修改 {self.last_change:%Y-%m-%d %H:%M}），"
                "恢复后这些改动会丢失。"
            )
        if not self.current:
            out.append("当前数据库不存在或无法读取。")
        return out


def _last_change(paths: DataPaths) -> datetime | None:
    times = []
    for suffix in ("", "-wal"):
        f = paths.database.with_name(paths.database.name + suffix)
        try:
            times.append(f.stat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(max(times)).replace(microsecond=0) if times else None


def restore_preview(
    paths: DataPaths,
    source: BackupInfo | Path,
    *,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> RestorePreview:
    """Check a backup fully (as :func:`validate_backup`) and compare it with the current data,
    for the restore confirmation.

    Raises:
        BackupError, ArchiveError, PassphraseError: as :func:`validate_backup`.
    """
    tables = tuple(RECORD_LABELS)
    with tempfile.TemporaryDirectory(
        prefix=f"{SCRATCH_PREFIX}{os.getpid()}-restore-check-", dir=_workroot(paths)
    ) as tmp:
        staged = _stage(paths, source, Path(tmp), passphrase)
        try:
            _, in_backup = describe_database(staged.db, tables)
        except DatabaseFileError as exc:
            raise _cannot_check(exc, staged.db, "检查") from exc
    current: dict[str, int] = {}
    if paths.database.exists():
        try:
            _, current = describe_database(paths.database, tables)
        except DatabaseFileError:
            log.warning("current database unreadable for the restore preview", exc_info=True)
    return RestorePreview(
        staged.info, in_backup, current, _last_change(paths),
        (now or datetime.now()).replace(microsecond=0),
    )  # fmt: skip


def list_backups(paths: DataPaths, *, folder: Path | None = None) -> list[BackupInfo]:
    """Every snapshot and set-aside database, newest first (a snapshot with a broken manifest is
    logged and left out). With ``folder``, the backups in that folder instead: a server's
    scheduled backups (``backup create --folder``) or copied snapshots.

    Raises:
        BackupError: ``folder`` is not a folder.
    """
    if folder is not None and not folder.is_dir():
        raise BackupError(f"备份目录 {folder} 不存在或不是目录。", location=str(folder))
    found: list[BackupInfo] = []
    roots = (folder,) if folder is not None else (_snapshots(paths), replaced_root(paths))
    for root in roots:
        if not root.is_dir():
            continue
        for folder in root.iterdir():
            manifest_file = folder / "manifest.json"
            if not folder.is_dir() or not manifest_file.exists():
                continue
            try:
                manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
                found.append(_info(folder, manifest))
            except (OSError, ValueError, BackupError):
                log.warning("unreadable backup manifest %s", manifest_file, exc_info=True)
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def find_backup(paths: DataPaths, ref: str) -> BackupInfo | Path:
    """A snapshot by its id (folder name) or its folder's path (one copied elsewhere, or a
    server's backup: restoring it then says what it is), or a ``.adbackup`` file path.

    Raises:
        BackupError: nothing of that name, or a folder whose manifest cannot be read.
    """
    for info in list_backups(paths):
        if info.id == ref:
            return info
    path = Path(ref).expanduser()
    if path.is_file():
        return path
    if path.is_dir() and (path / "manifest.json").is_file():
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            return _info(path, manifest)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise BackupError(
                f"备份目录 {path} 的清单 manifest.json 无法读取或已损坏，不能用于恢复。",
                location=str(path),
            ) from exc
    raise BackupError(
        f"找不到备份“{ref}”。用 auditdesk backup list 查看可用的备份，或给出 .adbackup 文件路径。",
        location=ref,
    )


# ------------------------------------------------------------------ automatic backups
def prune(
    paths: DataPaths, *, keep_daily: int = KEEP_DAILY, keep_weekly: int = KEEP_WEEKLY
) -> list[Path]:
    """Keep the newest automatic snapshot of each of the last ``keep_daily`` days and of each of the
    last ``keep_weekly`` ISO weeks; delete the other automatic ones. Manual snapshots and set-aside
    databases are never deleted here. Returns the folders removed."""
    autos = [b for b in list_backups(paths) if b.kind == "auto"]
    keep: set[Path] = set()
    periods: list[tuple[Callable[[BackupInfo], object], int]] = [
        (lambda b: b.created.date(), keep_daily),
        (lambda b: tuple(b.created.isocalendar())[:2], keep_weekly),
    ]
    for key, limit in periods:
        seen: list[object] = []
        for b in autos:  # newest first
            k = key(b)
            if k in seen:
                continue
            seen.append(k)
            if len(seen) > limit:
                break
            keep.add(b.path)
    removed = [b.path for b in autos if b.path not in keep]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    _prune_blobs(paths)
    return removed


def _prune_blobs(paths: DataPaths) -> None:
    root = _blobs(paths)
    if not root.is_dir():
        return
    wanted = {sha for b in list_backups(paths) for sha in b.attachments}
    for sub in root.iterdir():
        for blob in sub.iterdir() if sub.is_dir() else ():
            if blob.name not in wanted:
                remove_stored(blob)


def auto_backup(
    paths: DataPaths, *, startup: bool, now: datetime | None = None
) -> BackupInfo | None:
    """The automatic backup: at start-up always (unless nothing changed since the last one), and
    otherwise once per day of use. Old automatic backups are rotated out."""
    now = now or datetime.now()
    if not paths.database.exists():
        return None
    autos = [b for b in list_backups(paths) if b.kind == "auto"]
    latest = autos[0] if autos else None
    if latest is not None and not startup and latest.created.date() == now.date():
        return None
    info = create_backup(paths, kind="auto", now=now)
    if latest is not None and latest.db_sha256 == info.db_sha256:
        shutil.rmtree(info.path, ignore_errors=True)  # nothing changed: the previous one stands
        prune(paths)
        return None
    prune(paths)
    return info


# ------------------------------------------------------------------ restore
@dataclass
class _Staged:
    db: Path
    info: BackupInfo
    blobs: dict[str, Path]


def _stage(
    paths: DataPaths, source: BackupInfo | Path, workdir: Path, passphrase: str | None = None
) -> _Staged:
    """Copy the backup's database and attachment files into ``workdir`` and check all of it."""
    db = workdir / "auditdesk.db"
    blobs: dict[str, Path] = {}
    if isinstance(source, BackupInfo):
        info = source
        label = f"备份 {info.id}"
        snapshot = info.path / "auditdesk.db"
        if not snapshot.exists() and (info.path / "auditdesk.dump").exists():
            raise BackupError(
                f"{label} 是服务器数据库的备份，不能恢复为本机数据库文件；"
                "请用 auditdesk backup restore 备份编号 --database 新建的空数据库地址。",
                location=str(info.path),
            )
        if not snapshot.exists():
            raise BackupError(f"{label} 缺少数据库文件，无法恢复。", location=str(info.path))
        shutil.copyfile(snapshot, db)
        if info.db_sha256 and sha256_file(db) != info.db_sha256:
            raise BackupError(
                f"{label} 的数据库文件与其清单不符（备份后被改动或损坏），无法恢复。请选择其他备份。",
                location=str(info.path),
            )
    else:
        label = source.name
        with open_archive(source, passphrase=passphrase, workdir=_workroot(paths)) as archive:
            manifest = archive.manifest
            if manifest.get("format") != BACKUP_FORMAT:
                raise BackupError(f"{label} 不是 AuditDesk 备份文件。", location=str(source))
            if int(manifest.get("format_version", 0)) > BACKUP_FORMAT_VERSION:
                raise BackupError(
                    f"{label} 由更新版本的 AuditDesk 生成，请升级后再恢复。", location=str(source)
                )
            info = _info(source, manifest)
            archive.extract("auditdesk.db", db)
            for name in archive.names():
                if name.startswith("attachments/"):
                    sha = name.removeprefix("attachments/")
                    target = workdir / "blobs" / sha
                    archive.extract(name, target)
                    blobs[sha] = target
    if not _is_database(db):
        raise BackupError(f"{label} 中的数据库无法打开，备份已损坏。", location=str(info.path))
    try:
        problems = integrity_problems(db)
    except DatabaseFileError as exc:
        raise _cannot_check(exc, db, f"{label} 的完整性检查") from exc
    if problems:
        raise BackupError(
            f"{label} 中的数据库未通过完整性检查（{'；'.join(problems[:3])}），无法恢复。请选择其他备份。",
            location=str(info.path),
        )
    version, _counts = describe_database(db, ())
    if version < 0:
        raise BackupError(f"{label} 中的文件不是 AuditDesk 数据库。", location=str(info.path))
    if version > LATEST_VERSION:
        raise BackupError(
            f"{label} 由更新版本的 AuditDesk 创建（数据结构版本 {version}，本程序支持到 "
            f"{LATEST_VERSION}），请升级后再恢复。",
            location=str(info.path),
        )
    # every attachment the database names must be at hand, with the right content
    checked: dict[str, Path] = {}
    missing = []
    for sha in sorted(attachment_hashes(db)):
        # from the .adbackup file, the snapshots' shared pool, or already in the data dir
        for candidate in (blobs.get(sha), _blob(_blobs(paths), sha), _blob(paths.attachments, sha)):
            if candidate is not None and candidate.exists() and sha256_file(candidate) == sha:
                checked[sha] = candidate
                break
        else:
            missing.append(sha)
    if missing:
        raise BackupError(
            f"{label} 引用的 {len(missing)} 个附件文件缺失或内容不符（如 {missing[0][:12]}…），"
            "无法完整恢复。请选择其他备份或 .adbackup 备份文件。",
            location=str(info.path),
        )
    return _Staged(db=db, info=info, blobs=checked)


def _is_database(path: Path) -> bool:
    try:
        describe_database(path, ())
    except DatabaseFileError:
        return False
    return True


def validate_backup(
    paths: DataPaths, source: BackupInfo | Path, *, passphrase: str | None = None
) -> BackupInfo:
    """Check a backup fully (hashes, integrity, version, attachments) without restoring it.

    Raises:
        BackupError: the backup is unusable (the message says why).
        ArchiveError: a ``.adbackup`` file is damaged; PassphraseError: sealed, and the passphrase
            is missing or wrong.
    """
    with tempfile.TemporaryDirectory(
        prefix=f"{SCRATCH_PREFIX}{os.getpid()}-restore-check-", dir=_workroot(paths)
    ) as tmp:
        return _stage(paths, source, Path(tmp), passphrase).info


@dataclass(frozen=True)
class LatestGood:
    good: BackupInfo | None
    """The newest snapshot that passes :func:`validate_backup`, or ``None``."""
    skipped: list[tuple[BackupInfo, str]] = field(default_factory=list)
    """The newer snapshots passed over, each with the Chinese reason it is unusable."""

    def skipped_lines(self) -> list[str]:
        return [f"已跳过较新的备份 {b.id}（{b.describe()}）：{why}" for b, why in self.skipped]


def find_latest_good(paths: DataPaths) -> LatestGood:
    """The newest usable snapshot, and every newer one skipped with the reason, so that "restore
    latest" never silently falls back to an old (perhaps empty) backup."""
    skipped: list[tuple[BackupInfo, str]] = []
    for info in list_backups(paths):
        if info.kind == "before-restore":
            continue
        try:
            return LatestGood(validate_backup(paths, info), skipped)
        except AuditDeskError as exc:
            log.warning("backup %s is not usable", info.id, exc_info=True)
            skipped.append((info, exc.message))
    return LatestGood(None, skipped)


def latest_good_backup(paths: DataPaths) -> BackupInfo | None:
    """The newest snapshot that passes :func:`validate_backup` (see :func:`find_latest_good`)."""
    return find_latest_good(paths).good


def _workroot(paths: DataPaths) -> Path:
    paths.tmp.mkdir(parents=True, exist_ok=True)
    return paths.tmp


def restore_backup(
    paths: DataPaths,
    source: BackupInfo | Path,
    *,
    now: datetime | None = None,
    open_check: Callable[[Path], None] | None = None,
    passphrase: str | None = None,
) -> RestoreResult:
    """Replace the live database with a checked backup. The caller must have closed its store and
    released its data-dir hold (:meth:`Workspace.release_for_restore`).

    Order, so that a kill at any point loses nothing: stage and check the backup; copy in the
    attachment files it needs (additions only, or replacing a damaged file); write the set-aside
    folder's manifest, marked pending; move the current database files there; move the staged
    database in and open it; clear the pending mark. The set-aside database is listed as a backup
    itself. Any failure moves it back, leaving the data directory as it was; a kill is settled by
    the next start (:func:`recover_interrupted_restore`).

    Raises:
        DataDirBusyError: another AuditDesk window or command has the data dir open.
        BackupError / ArchiveError / PassphraseError: the backup is unusable; nothing changed.
    """
    now = (now or datetime.now()).replace(microsecond=0)
    with DataDirLock(paths.root) as lock:
        lock.acquire_exclusive()
        recover_interrupted_restore(paths)
        return _restore_locked(paths, source, now, open_check or _open_and_close, passphrase)


def _free_folder(base: Path) -> Path:
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def _restore_locked(
    paths: DataPaths,
    source: BackupInfo | Path,
    now: datetime,
    open_check: Callable[[Path], None],
    passphrase: str | None,
) -> RestoreResult:
    with tempfile.TemporaryDirectory(
        prefix=f"{SCRATCH_PREFIX}{os.getpid()}-restore-", dir=_workroot(paths)
    ) as tmp:
        staged = _stage(paths, source, Path(tmp), passphrase)
        aside_dir = _free_folder(replaced_root(paths) / f"{now.strftime(_STAMP)}-before-restore")
        moved: list[tuple[Path, Path]] = []
        added_blobs: list[Path] = []
        placed = False
        try:
            # every copy first, while the live database is still in place
            for sha, blob in staged.blobs.items():
                target = _blob(paths.attachments, sha)
                if is_intact(target, sha):
                    continue
                existed = target.exists()
                if not copy_verified(blob, target, sha):
                    raise BackupError(
                        f"附件文件 {sha[:12]}… 在恢复过程中被改动，未恢复；数据未改动。",
                        location=str(blob),
                    )
                if not existed:
                    added_blobs.append(target)
            if paths.database.exists():
                aside_dir.mkdir(parents=True)
                # listed (and found by the next start) before anything moves; described fully
                # once moved, so that describing cannot leave files beside the live database
                write_manifest(aside_dir, aside_manifest(None, now))
                for suffix in DB_SUFFIXES:
                    live = paths.database.with_name(paths.database.name + suffix)
                    if live.exists():
                        target = aside_dir / ("auditdesk.db" + suffix)
                        os.replace(live, target)
                        moved.append((target, live))
            os.replace(staged.db, paths.database)
            placed = True
            open_check(paths.database)
        except BaseException:
            if placed:  # before that, the files at the live path are still the user's database
                for suffix in DB_SUFFIXES:
                    paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
            for target, live in moved:
                os.replace(target, live)
            for blob in added_blobs:
                remove_stored(blob)
            shutil.rmtree(aside_dir, ignore_errors=True)
            raise
    if moved:
        write_manifest(aside_dir, aside_manifest(aside_dir / "auditdesk.db", now))
    log.info("restored %s; previous database set aside in %s", staged.info.id, aside_dir)
    return RestoreResult(restored=staged.info, set_aside=aside_dir if moved else None)


def recover(paths: DataPaths) -> list[str]:
    """Settle a restore that a killed process left half done (see
    :func:`recover_interrupted_restore`), holding the data dir shared meanwhile. For commands that
    work on the data dir's files without opening a workspace."""
    with _shared_hold(paths):
        return recover_interrupted_restore(paths)


def restore_workspace(
    ws: Workspace,
    source: BackupInfo | Path,
    *,
    now: datetime | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    passphrase: str | None = None,
) -> RestoreResult:
    """Restore into an open workspace: close its store and release its data-dir hold,
    :func:`restore_backup`, and reopen the store whatever happened (on the old database when the
    restore failed, which leaves it as it was).

    Nothing else may use ``ws.store`` meanwhile: the GUI runs this on its one-thread job pool, after
    any job already queued, and keeps the window disabled until it ends. ``progress`` and
    ``cancel`` are accepted for the job pool's calling convention; a restore is not cancellable.
    """
    progress(0, 1, "正在从备份恢复")
    ws.release_for_restore()
    try:
        result = restore_backup(ws.paths, source, now=now, passphrase=passphrase)
    except BaseException:
        ws.reopen()
        raise
    ws.reopen()
    progress(1, 1, "已恢复")
    return result


def database_problems(paths: DataPaths) -> list[str]:
    """What SQLite's integrity check reports for the live database: empty when it is sound or does
    not exist yet. The file is opened read-only, so a damaged database is not altered.

    Raises:
        BackupError: the check could not run (full disk, path too long, disk error); the message
            says so and suggests no restore.
    """
    if not paths.database.exists():
        return []
    try:
        return integrity_problems(paths.database)
    except DatabaseFileError as exc:
        raise _cannot_check(exc, paths.database, "完整性检查") from exc


def _open_and_close(db: Path) -> None:
    Store.open_sqlite(db, check_integrity=False).close()


__all__ = [
    "BackupError",
    "BackupInfo",
    "LatestGood",
    "RestoreResult",
    "auto_backup",
    "create_backup",
    "database_problems",
    "export_backup",
    "exported_backups",
    "find_backup",
    "find_latest_good",
    "latest_backup",
    "latest_good_backup",
    "list_backups",
    "prune",
    "recover",
    "restore_backup",
    "restore_preview",
    "restore_workspace",
    "server_database",
    "validate_backup",
]


def server_database(database: str | None, paths: DataPaths) -> str | None:
    """The server URL the data dir works with (``--database`` > ``AUDITDESK_DATABASE`` > the
    setting), ``None`` for the local file.

    Raises:
        AuditDeskError: the value is not a database URL.
    """
    return resolve_database(database, load_preferences(paths.settings_file).database_url)


def refuse_server(database: str | None, paths: DataPaths) -> None:
    """Refuse the file backups and restores when the database is a shared server.

    Raises:
        AuditDeskError: ``database`` (``--database``), ``AUDITDESK_DATABASE`` or the preference
            names a server (服务器数据库请用 pg_dump 备份…).
    """
    if server_database(database, paths):
        raise AuditDeskError(SERVER_BACKUP_MESSAGE)
