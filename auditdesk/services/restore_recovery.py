"""Finish what a killed restore left: put back a set-aside database that has no live replacement.

A restore writes the manifest of the database it sets aside (marked pending) before it moves
anything, so at every instant either the live database is in place or the set-aside folder names
it. Whoever next opens the data dir (holding the data-dir lock, so no restore is running) calls
:func:`recover_interrupted_restore`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from auditdesk import __version__
from auditdesk.archive import sha256_file
from auditdesk.paths import DataPaths
from auditdesk.store.errors import DatabaseFileError
from auditdesk.store.sqlite import attachment_hashes, describe_database

log = logging.getLogger(__name__)

BACKUP_FORMAT = "auditdesk-backup"
BACKUP_FORMAT_VERSION = 1
PENDING_KEY = "restore_pending"
DB_SUFFIXES = ("", "-wal", "-shm", "-journal")
_COUNTED = ("companies", "audits", "findings", "attachments")


def backup_manifest(db: Path, kind: str, created: datetime) -> dict[str, Any]:
    """What a backup's ``manifest.json`` says of its database file (opened read-only).

    Raises:
        DatabaseFileError: the file is not a readable database.
    """
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


def aside_manifest(db: Path | None, created: datetime) -> dict[str, Any]:
    """The manifest of a database a restore set aside: marked pending while ``db`` is ``None``
    (written before the move); else a description of what can be described (it may be the
    damaged database the restore replaces)."""
    bare = {"created": created.isoformat(timespec="seconds"), "kind": "before-restore",
            "schema_version": 0, "records": {}, "attachments": []}  # fmt: skip
    if db is None:
        return {**bare, PENDING_KEY: True}
    try:
        return backup_manifest(db, "before-restore", created)
    except (DatabaseFileError, OSError):
        return bare


def replaced_root(paths: DataPaths) -> Path:
    """``backups/replaced``: the databases restores put aside, one folder each."""
    return paths.backups / "replaced"


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` atomically (a kill leaves the old one or the new one)."""
    tmp = folder / "manifest.json.part"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / "manifest.json")


def _read(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def recover_interrupted_restore(paths: DataPaths) -> list[str]:
    """Settle every set-aside folder a killed restore left pending; return what was done (for the
    log and the CLI). Call only while holding the data-dir lock.

    - no live database, the set-aside one present: it is moved back (the restore never finished);
    - nothing was moved yet: the empty folder goes;
    - the backup's database is live: the restore took effect, the set-aside copy stays a backup.
    """
    root = replaced_root(paths)
    if not root.is_dir():
        return []
    done: list[str] = []
    for folder in sorted(root.iterdir(), reverse=True):
        if not folder.is_dir():
            continue
        aside_db = folder / paths.database.name
        manifest = _read(folder)
        if manifest is None and not aside_db.exists():
            shutil.rmtree(folder, ignore_errors=True)  # killed before its manifest was written
            continue
        if manifest is None or not manifest.get(PENDING_KEY):
            continue
        if not paths.database.exists() and aside_db.exists():
            for suffix in DB_SUFFIXES:
                aside = folder / (paths.database.name + suffix)
                live = paths.database.with_name(paths.database.name + suffix)
                if aside.exists() and not live.exists():
                    os.replace(aside, live)
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"上次从备份恢复被中断，已把原数据库放回：{paths.database}")
        elif not aside_db.exists():
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"上次从备份恢复被中断，数据库未改动：{paths.database}")
        else:
            created = datetime.fromisoformat(str(manifest.get("created")))
            write_manifest(folder, aside_manifest(aside_db, created))
            done.append(f"上次从备份恢复已完成，原数据库保存在：{folder}")
    for line in done:
        log.warning("%s", line)
    return done
