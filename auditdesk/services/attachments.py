"""Evidence files: copied into the data dir under their SHA-256, linked to an answer or a finding.

A stored file is read-only and is never handed to another program: "open" gives a temporary copy
(an editor that saves in place would otherwise change the evidence and every backup of it).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from auditdesk.archive import copy_verified
from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import remove_stored
from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import ChangeEntity
from auditdesk.services import changelog
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx

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
    ws: Workspace,
    source: Path,
    *,
    answer_id: str | None = None,
    finding_id: str | None = None,
    by: str = "",
) -> Attachment:
    """Copy ``source`` into the store (once per content) and record it against an answer or
    finding; logged on the attachment and on that answer or finding (``by``: who)."""
    try:
        sha, size = _hash_file(source)
        target = blob_path(ws, sha)
        if not target.exists() and not copy_verified(source, target, sha):
            raise AuditDeskError(
                f"附件 {source} 在复制过程中被改动，未保存；请关闭正在编辑它的程序后重试。",
                location=str(source),
            )
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
        _log_attached(tx, attachment, by)
    return attachment


def _log_attached(tx: Tx, attachment: Attachment, by: str) -> None:
    words = f"{attachment.filename}（{attachment.size:,} 字节）"
    audit_id: str | None = None
    owner: tuple[ChangeEntity, str] | None = None
    if attachment.finding_id is not None:
        finding = tx.get_finding(attachment.finding_id)
        audit_id = finding.audit_id if finding else None
        owner = (ChangeEntity.FINDING, attachment.finding_id)
    elif attachment.answer_id is not None:
        answer = tx.get_answer_by_id(attachment.answer_id)
        if answer is not None:
            audit_id = answer.audit_id
            owner = (ChangeEntity.ANSWER, answer.item_id)
    changelog.record(tx, ChangeEntity.ATTACHMENT, attachment.id, "created", None, words, by=by,
                     audit_id=audit_id, at=attachment.created_at)  # fmt: skip
    if owner is not None:  # in the history of the answer or finding it hangs on, too
        changelog.record(tx, owner[0], owner[1], "attachment", None, words, by=by,
                         audit_id=audit_id, at=attachment.created_at)  # fmt: skip


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
            remove_stored(blob_path(ws, sha))
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


def open_copy(ws: Workspace, attachment: Attachment) -> Path:
    """A fresh, writable copy of a stored evidence file under its original name, in the data dir's
    scratch folder (swept after a day), for an outside program to open: whatever that program
    saves never reaches the stored file.

    Raises:
        AuditDeskError: the stored file is missing or cannot be copied.
    """
    source = blob_path(ws, attachment.sha256)
    ws.paths.tmp.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="opened-", dir=ws.paths.tmp))
    name = Path(attachment.filename).name or attachment.sha256[:12]
    target = folder / name
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise AuditDeskError(
            f"无法打开附件“{attachment.filename}”：{exc.strerror or exc}。"
            "文件可能已从数据目录中缺失。",
            location=str(source),
        ) from exc
    return target
