"""User preferences: a versioned pydantic model saved as JSON in the data dir, with small migrators."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from auditdesk.errors import AuditDeskError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


DEFAULT_FOLLOWUP_DAYS = {"critical": 15, "high": 30, "medium": 60, "low": 90, "info": 90}


class Preferences(BaseModel):
    schema_version: int = SCHEMA_VERSION
    demo_offer_declined: bool = False
    followup_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_FOLLOWUP_DAYS))
    """Days from diagnosis to the rectification deadline, by finding severity, on a laptop; on a
    server the office's (:mod:`auditdesk.services.office_settings`) apply instead."""
    database_url: str | None = None
    """A shared PostgreSQL server (``postgresql+psycopg://user@host:5432/auditdesk``), or ``None``
    for the SQLite file in the data dir. Never holds a password (see :mod:`auditdesk.database`)."""
    database_sslmode: str | None = None
    """TLS for the server connection: libpq's sslmode (``require``, ``verify-full`` …); ``None``
    leaves it to the URL (libpq's default is ``prefer``)."""


# Each migrator takes the JSON dict at version N and returns it at version N+1.
_MIGRATORS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_preferences(path: Path) -> Preferences:
    """Read preferences; a missing file gives defaults, an unreadable one is set aside and replaced."""
    if not path.exists():
        return Preferences()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"expected a JSON object, found {type(raw).__name__}")
        version = int(raw.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise AuditDeskError(
                f"设置文件 {path} 由更新版本的 AuditDesk 写入，请升级本程序。", location=str(path)
            )
        while version < SCHEMA_VERSION:
            raw = _MIGRATORS[version](raw)
            version += 1
        raw["schema_version"] = SCHEMA_VERSION
        return Preferences.model_validate(raw)
    except (OSError, ValueError, TypeError, ValidationError, KeyError, RecursionError) as exc:
        broken = path.with_suffix(".broken.json")
        log.warning("unreadable preferences %s (%s); moved to %s", path, exc, broken)
        try:
            path.replace(broken)
        except OSError as move_error:  # the defaults still apply; the file stays where it is
            log.warning("could not set %s aside: %s", path, move_error)
        return Preferences()


def save_preferences(path: Path, prefs: Preferences) -> None:
    """Write atomically (temp file, then rename) so a crash never leaves half a file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(prefs.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
