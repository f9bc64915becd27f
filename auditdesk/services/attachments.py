"""Evidence files: copied into the data dir under their SHA-256, linked to an answer or a finding."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path

from auditdesk.archive import copy_atomic
from auditdesk.errors import AuditDeskError
from auditdesk.models.attachment import Attachment
from auditdesk.services.workspace import Workspace

log = logging.getLogger(__name__)


def blob_path(ws: Workspace, sha256: str) -> Path:
    return ws.paths.attachments / sha256[:2] / sha256


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def attach_file(
    ws: Workspace, source: Path, *, answer_id: str | None = None, finding_id: str | None = None
) -> Attachment:
    """Copy ``source`` into the store (once per content) and record it against an answer or finding."""
    try:
        sha, size = _hash_file(source)
        target = blob_path(ws, sha)
        if not target.exists():
            copy_atomic(source, target)
    except OSError as exc:
        raise AuditDeskError(
            f"无法读取或保存附件 {source}：{exc.strerror or exc}", location=str(source)
        ) from exc
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    attachment = Attachment(
        sha256=sha,
        filename=source.name,
        size=size,
        media_type=media_type,
        answer_id=answer_id,
        finding_id=finding_id,
    )
    with ws.store.transaction() as tx:
        tx.insert_attachment(attachment)
    return attachment


def remove_unreferenced_files(ws: Workspace, hashes: Iterable[str]) -> None:
    """Delete stored files whose hash no record uses any more (called after a committed delete)."""
    candidates = sorted(set(hashes))
    if not candidates:
        return
    with ws.store.read() as tx:
        still_used = tx.referenced_hashes(candidates)
    for sha in candidates:
        if sha in still_used:
            continue
        try:
            blob_path(ws, sha).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove attachment file %s", sha, exc_info=True)


def list_attachments(
    ws: Workspace, *, answer_id: str | None = None, finding_id: str | None = None
) -> list[tuple[Attachment, Path | None]]:
    """Attachments of an answer or finding with their stored file, or ``None`` when the file is
    missing from the data dir (reported to the user, never fatal)."""
    with ws.store.read() as tx:
        found = tx.list_attachments(answer_id=answer_id, finding_id=finding_id)
    out: list[tuple[Attachment, Path | None]] = []
    for a in found:
        path = blob_path(ws, a.sha256)
        out.append((a, path if path.is_file() else None))
    return out
