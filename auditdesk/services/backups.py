"""Backups of the data directory: automatic snapshots with rotation, single-file backups, restore.

Layout under ``<data dir>/backups``::

    snapshots/20261128-231502-auto/   auditdesk.db + manifest.json (one per backup)
    blobs/ab/ab12…                    attachment files, shared by every snapshot (content-addressed,
                                      hard-linked from the data dir where the file system allows)
    replaced/20261128-232000-before-restore/   the database a restore put aside

A snapshot's database is written with SQLite's online backup API and must pass
``PRAGMA integrity_check`` before it counts; its manifest records the database's SHA-256, the
schema version and every attachment hash, so a snapshot damaged later is noticed before a restore.
A single-file backup (``.adbackup``, "备份到…") is an archive (:mod:`auditdesk.archive`) carrying the
same database and the attachment files themselves.

Restore never works on the live files directly: the backup is staged and checked in a temporary
folder, the current database is moved aside, the staged one moved in and opened; if anything fails,
the current database is moved back and the data directory is as it was.
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
from datetime import datetime
from pathlib import Path
from typing import Any

from auditdesk import __version__
from auditdesk.archive import copy_atomic, open_archive, sha256_file, write_archive
from auditdesk.errors import AuditDeskError, DatabaseCorruptError
from auditdesk.paths import DataPaths
from auditdesk.progress import CancelToken, ProgressFn, no_progress
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store
from auditdesk.store.errors import (
    DatabaseFileError,
    classify,
    path_too_long,
    too_long_message,
)
from auditdesk.store.migrate import LATEST_VERSION
from auditdesk.store.sqlite import (
    attachment_hashes,
    describe_database,
    integrity_problems,
    online_backup,
)

log = logging.getLogger(__name__)

BACKUP_FORMAT = "auditdesk-backup"
BACKUP_FORMAT_VERSION = 1
BACKUP_SUFFIX = ".adbackup"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_COUNTED = ("companies", "audits", "findings", "attachments")
_STAMP = "%Y%m%d-%H%M%S"
KIND_LABELS = {"auto": "自动", "manual": "手动", "before-restore": "恢复前", "file": "备份文件"}


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


def _manifest(db: Path, kind: str, created: datetime) -> dict[str, Any]:
    version, records = describe_database(db, _COUNTED)
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "app_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "kind": kind,
        "schema_version": version,
        "records": records,
        "db_sha256": sha256_file(db),
        "attachments": sorted(attachment_hashes(db)),
    }


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


def _link_or_copy(source: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        copy_atomic(source, target)


def create_backup(
    paths: DataPaths, *, kind: str = "manual", now: datetime | None = None
) -> BackupInfo:
    """A snapshot of the live database (and its attachment files) under ``backups/snapshots``."""
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
        manifest = _manifest(db, kind, created)
        missing = []
        for sha in manifest["attachments"]:
            source = _blob(paths.attachments, sha)
            if source.exists():
                _link_or_copy(source, _blob(_blobs(paths), sha))
            elif not _blob(_blobs(paths), sha).exists():
                missing.append(sha)
        manifest["missing_attachments"] = missing
        (folder / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
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


def export_backup(paths: DataPaths, target: Path, *, now: datetime | None = None) -> BackupInfo:
    """ "备份到…": one ``.adbackup`` file with the database and every attachment file."""
    created = (now or datetime.now()).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="backup-", dir=_workroot(paths)) as tmp:
        db = Path(tmp) / "auditdesk.db"
        if not paths.database.exists():
            raise BackupError("还没有数据库，无需备份。", location=str(paths.database))
        _snapshot_db(paths.database, db)
        manifest = _manifest(db, "file", created)
        try:
            with write_archive(target) as archive:
                archive.add_file("auditdesk.db", db)
                for sha in manifest["attachments"]:
                    source = _blob(paths.attachments, sha)
                    if source.exists():
                        archive.add_file(f"attachments/{sha}", source, compress=False)
                archive.finish(manifest)
        except OSError as exc:
            raise BackupError(
                f"无法写入备份文件 {target}（{exc.strerror or exc}）。", location=str(target)
            ) from exc
    return _info(target, manifest)


def list_backups(paths: DataPaths) -> list[BackupInfo]:
    """Every snapshot and set-aside database, newest first (a snapshot with a broken manifest is
    listed as unusable rather than hidden)."""
    found: list[BackupInfo] = []
    for root in (_snapshots(paths), paths.backups / "replaced"):
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
    """A snapshot by its id (folder name), or a ``.adbackup`` file path."""
    for info in list_backups(paths):
        if info.id == ref:
            return info
    path = Path(ref).expanduser()
    if path.is_file():
        return path
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
                blob.unlink(missing_ok=True)


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


def _stage(paths: DataPaths, source: BackupInfo | Path, workdir: Path) -> _Staged:
    """Copy the backup's database and attachment files into ``workdir`` and check all of it."""
    db = workdir / "auditdesk.db"
    blobs: dict[str, Path] = {}
    if isinstance(source, BackupInfo):
        info = source
        label = f"备份 {info.id}"
        snapshot = info.path / "auditdesk.db"
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
        with open_archive(source, workdir=_workroot(paths)) as archive:
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


def validate_backup(paths: DataPaths, source: BackupInfo | Path) -> BackupInfo:
    """Check a backup fully (hashes, integrity, version, attachments) without restoring it."""
    with tempfile.TemporaryDirectory(prefix="restore-check-", dir=_workroot(paths)) as tmp:
        return _stage(paths, source, Path(tmp)).info


def latest_good_backup(paths: DataPaths) -> BackupInfo | None:
    """The newest snapshot that passes :func:`validate_backup`."""
    for info in list_backups(paths):
        if info.kind == "before-restore":
            continue
        try:
            return validate_backup(paths, info)
        except AuditDeskError:
            log.warning("backup %s is not usable", info.id, exc_info=True)
    return None


def _workroot(paths: DataPaths) -> Path:
    paths.tmp.mkdir(parents=True, exist_ok=True)
    return paths.tmp


_DB_FILES = ("", "-wal", "-shm", "-journal")


def restore_backup(
    paths: DataPaths,
    source: BackupInfo | Path,
    *,
    now: datetime | None = None,
    open_check: Callable[[Path], None] | None = None,
) -> RestoreResult:
    """Replace the live database with a checked backup. The caller must have closed its store.

    The current database files are moved to ``backups/replaced/<time>-before-restore`` and listed as
    a backup themselves; any failure moves them back, leaving the data directory as it was.
    """
    now = (now or datetime.now()).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=_workroot(paths)) as tmp:
        staged = _stage(paths, source, Path(tmp))
        aside_dir = paths.backups / "replaced" / f"{now.strftime(_STAMP)}-before-restore"
        moved: list[tuple[Path, Path]] = []
        added_blobs: list[Path] = []
        try:
            if paths.database.exists():
                aside_dir.mkdir(parents=True, exist_ok=True)
                for suffix in _DB_FILES:
                    live = paths.database.with_name(paths.database.name + suffix)
                    if live.exists():
                        target = aside_dir / ("auditdesk.db" + suffix)
                        os.replace(live, target)
                        moved.append((target, live))
            for sha, blob in staged.blobs.items():
                target = _blob(paths.attachments, sha)
                if not target.exists():
                    copy_atomic(blob, target)
                    added_blobs.append(target)
            os.replace(staged.db, paths.database)
            (open_check or _open_and_close)(paths.database)
        except BaseException:
            for suffix in _DB_FILES:
                paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
            for target, live in moved:
                os.replace(target, live)
            for blob in added_blobs:
                blob.unlink(missing_ok=True)
            if moved:
                shutil.rmtree(aside_dir, ignore_errors=True)
            raise
    if moved:
        _write_aside_manifest(aside_dir / "auditdesk.db", now)
    log.info("restored %s; previous database set aside in %s", staged.info.id, aside_dir)
    return RestoreResult(restored=staged.info, set_aside=aside_dir if moved else None)


def restore_workspace(
    ws: Workspace,
    source: BackupInfo | Path,
    *,
    now: datetime | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> RestoreResult:
    """Restore into an open workspace: close its store, :func:`restore_backup`, and reopen the store
    whatever happened (on the old database when the restore failed, which leaves it as it was).

    Nothing else may use ``ws.store`` meanwhile: the GUI runs this on its one-thread job pool, after
    any job already queued, and keeps the window disabled until it ends. ``progress`` and
    ``cancel`` are accepted for the job pool's calling convention; a restore is not cancellable.
    """
    progress(0, 1, "正在从备份恢复")
    ws.store.close()
    try:
        result = restore_backup(ws.paths, source, now=now)
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


def _write_aside_manifest(db: Path, now: datetime) -> None:
    # the database put aside may be the damaged one: describe what can be described
    try:
        manifest = _manifest(db, "before-restore", now)
    except (DatabaseFileError, OSError):
        manifest = {"created": now.isoformat(timespec="seconds"), "kind": "before-restore",
                    "schema_version": 0, "records": {}, "attachments": []}  # fmt: skip
    (db.parent / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )


__all__ = [
    "BackupError",
    "BackupInfo",
    "RestoreResult",
    "auto_backup",
    "create_backup",
    "database_problems",
    "export_backup",
    "find_backup",
    "latest_good_backup",
    "list_backups",
    "prune",
    "restore_backup",
    "restore_workspace",
    "validate_backup",
]
