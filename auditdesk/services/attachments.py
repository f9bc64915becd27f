"""Evidence files, content-addressed by SHA-256 and linked to an answer or a finding.

Where the bytes live depends on the database:

* SQLite (a laptop): files in the data dir under their hash (``attachments/ab/ab12…``), as
  always; the backups pool them (:mod:`auditdesk.services.backups`). Nothing else is needed.
* A shared PostgreSQL server: in the database itself (``file_blobs`` + 1 MiB ``file_chunks``), so
  every user of the office sees the same evidence and ``pg_dump`` backs it up with the records.
  A file is streamed in and out one chunk at a time, never loaded whole; stored once per content;
  and deleted in the transaction that removes its last attachment.

A stored file is read-only and is never handed to another program: "open" gives a temporary copy
(an editor that saves in place would otherwise change the evidence and every backup of it).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from auditdesk.archive import SCRATCH_PREFIX, copy_verified, is_intact
from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.fileperms import make_read_only, remove_stored
from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import new_id, utcnow
from auditdesk.services import changelog
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx
from auditdesk.store.schema import FILE_CHUNK_SIZE

log = logging.getLogger(__name__)


def blob_path(ws: Workspace, sha256: str) -> Path:
    """Where a laptop's data dir keeps the file of this hash (not used on a server)."""
    return ws.paths.attachments / sha256[:2] / sha256


def files_in_database(ws: Workspace) -> bool:
    """Whether evidence files live in the database (a shared server) rather than the data dir."""
    return ws.is_server


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(FILE_CHUNK_SIZE), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _changed(source: Path) -> AuditDeskError:
    return AuditDeskError(
        f"附件 {source} 在复制过程中被改动，未保存；请关闭正在编辑它的程序后重试。",
        location=str(source),
    )


def store_in_database(tx: Tx, source: Path, sha256: str, size: int) -> bool:
    """Stream ``source`` into a server database under ``sha256`` (inside ``tx``) unless a file of
    that hash is stored already; whether it was written.

    Raises:
        AuditDeskError: the file's content while copying is not ``sha256`` (changed since it was
            hashed): the caller's transaction must roll back, which raising does.
        OSError: ``source`` cannot be read.
    """
    digest = hashlib.sha256()

    def chunks() -> Iterator[bytes]:
        with source.open("rb") as fh:
            while chunk := fh.read(FILE_CHUNK_SIZE):
                digest.update(chunk)
                yield chunk

    written = tx.insert_blob(sha256, size, chunks(), utcnow())
    if written and digest.hexdigest() != sha256:
        raise _changed(source)
    return written


def attach_file(
    ws: Workspace,
    source: Path,
    *,
    answer_id: str | None = None,
    finding_id: str | None = None,
    by: str = "",
) -> Attachment:
    """Store ``source`` (once per content) and record it against an answer or finding, in one
    transaction on a server (file and record go in together or not at all); logged on the
    attachment and on that answer or finding (``by``: who).

    Raises:
        AuditDeskError: the file cannot be read, or was changed while being copied (nothing saved).
    """
    try:
        sha, size = _hash_file(source)
        in_db = files_in_database(ws)
        if not in_db:
            target = blob_path(ws, sha)
            if not target.exists() and not copy_verified(source, target, sha):
                raise _changed(source)
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
    try:
        with ws.store.transaction() as tx:
            if in_db:
                store_in_database(tx, source, sha, size)
            tx.insert_attachment(attachment)
            _log_attached(tx, attachment, by)
    except OSError as exc:
        raise AuditDeskError(
            f"无法读取附件 {source}：{exc.strerror or exc}", location=str(source)
        ) from exc
    return attachment


def remove_attachment(ws: Workspace, attachment_id: str, *, by: str = "") -> Attachment:
    """Remove one evidence file from its answer or finding, logged (移除) on the attachment and
    in the history of that answer or finding (``by``: who; on a server the signed-in user). The
    stored file is deleted when no other attachment uses the same content (on a server in the
    same transaction, on SQLite from the data dir once committed). Returns the removed record.

    Raises:
        NotFoundError: no such attachment (already removed, or a wrong id).
        PermissionDeniedError: on a server, the user may not change that audit.
    """
    with ws.store.transaction() as tx:
        attachment = tx.delete_attachment(attachment_id)
        _log_attached(tx, attachment, by, removed=True)
    remove_unreferenced_files(ws, [attachment.sha256])
    return attachment


def _log_attached(tx: Tx, attachment: Attachment, by: str, *, removed: bool = False) -> None:
    """The change-log entries of an attachment added (``created``) or removed (``removed``): on
    the attachment and on the answer or finding it hangs on."""
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
    at = utcnow() if removed else attachment.created_at
    field, old, new = ("removed", words, None) if removed else ("created", None, words)
    changelog.record(tx, ChangeEntity.ATTACHMENT, attachment.id, field, old, new, by=by,
                     audit_id=audit_id, at=at)  # fmt: skip
    if owner is not None:  # in the history of the answer or finding it hangs on, too
        before, after = (words, None) if removed else (None, words)
        changelog.record(tx, owner[0], owner[1], "attachment", before, after, by=by,
                         audit_id=audit_id, at=at)  # fmt: skip


def remove_unreferenced_files(ws: Workspace, hashes: Iterable[str]) -> None:
    """Delete the data dir's files whose hash no record uses any more (called after a committed
    delete). On a server there is nothing to do: the store deleted them in that transaction."""
    candidates = sorted(set(hashes))
    if not candidates or files_in_database(ws):
        return
    with ws.store.read() as tx:
        still_used = tx.referenced_hashes(candidates)
    for sha in candidates:
        if sha in still_used:
            continue
        path = blob_path(ws, sha)
        try:
            remove_stored(path)
        except OSError:
            log.warning("could not remove attachment file %s", sha, exc_info=True)
            continue
        with contextlib.suppress(OSError):  # its attachments/<xx>/ folder, once empty
            path.parent.rmdir()


def missing_files(ws: Workspace, hashes: Iterable[str]) -> list[str]:
    """The hashes among ``hashes`` whose file is stored nowhere (sorted)."""
    wanted = sorted(set(hashes))
    if not files_in_database(ws):
        return [h for h in wanted if not blob_path(ws, h).exists()]
    with ws.store.read() as tx:
        stored = tx.stored_blobs(wanted)
    return [h for h in wanted if h not in stored]


def save_copy(ws: Workspace, sha256: str, target: Path) -> None:
    """Write the stored file of ``sha256`` to ``target`` (a user-chosen path, or a temp file),
    streamed chunk by chunk and checked against its hash; ``target`` is replaced only when the
    copy is whole and right.

    Raises:
        AuditDeskError: no file of that hash is stored, it is damaged, or ``target`` cannot be
            written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        if not files_in_database(ws):
            if not is_intact(blob_path(ws, sha256), sha256):
                raise AuditDeskError(
                    f"附件文件 {sha256[:12]}… 在数据目录中缺失或已损坏。", location=sha256
                )
            shutil.copyfile(blob_path(ws, sha256), part)
            part.replace(target)
            return
        with ws.store.read() as tx, part.open("wb") as out:
            for chunk in tx.blob_chunks(sha256):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise AuditDeskError(
                f"附件文件 {sha256[:12]}… 在数据库中缺失或已损坏。", location=sha256
            )
        part.replace(target)
    except OSError as exc:
        raise AuditDeskError(
            f"无法写出附件到 {target}：{exc.strerror or exc}", location=str(target)
        ) from exc
    finally:
        part.unlink(missing_ok=True)


@contextmanager
def readable_file(ws: Workspace, sha256: str, scratch: Path) -> Iterator[Path]:
    """A file holding the stored content of ``sha256`` for as long as the block runs, to be read
    only: the data dir's own file on a laptop; on a server a copy streamed into ``scratch``
    (removed afterwards).

    Raises:
        AuditDeskError: as :func:`save_copy`.
    """
    if not files_in_database(ws):
        yield blob_path(ws, sha256)
        return
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-file-", dir=scratch))
    try:
        target = folder / sha256
        save_copy(ws, sha256, target)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _server_cache(ws: Workspace) -> Path:
    """This process's read-only copies of a server's evidence files (swept when it is gone)."""
    return ws.paths.tmp / f"{SCRATCH_PREFIX}{os.getpid()}-files"


def list_attachments(
    ws: Workspace, *, answer_id: str | None = None, finding_id: str | None = None
) -> list[tuple[Attachment, Path | None]]:
    """Attachments of an answer or finding with a local file of their content (for a thumbnail),
    or ``None`` when the file is missing (reported to the user, never fatal). On a server the
    file is a read-only copy in this process's scratch folder, streamed once per process."""
    with ws.store.read() as tx:
        found = tx.list_attachments(answer_id=answer_id, finding_id=finding_id)
    out: list[tuple[Attachment, Path | None]] = []
    for a in found:
        if not files_in_database(ws):
            path = blob_path(ws, a.sha256)
            out.append((a, path if path.is_file() else None))
            continue
        cached = _server_cache(ws) / a.sha256
        if not cached.is_file():
            try:
                save_copy(ws, a.sha256, cached)
                make_read_only(cached)
            except AuditDeskError:
                log.warning("evidence file %s missing from the server", a.sha256, exc_info=True)
                out.append((a, None))
                continue
        out.append((a, cached))
    return out


def open_copy(ws: Workspace, attachment: Attachment) -> Path:
    """A fresh, writable copy of a stored evidence file under its original name, in the data dir's
    scratch folder (swept after a day), for an outside program to open: whatever that program
    saves never reaches the stored file. On a server it is streamed out of the database.

    Raises:
        AuditDeskError: the stored file is missing or cannot be copied.
    """
    ws.paths.tmp.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="opened-", dir=ws.paths.tmp))
    name = Path(attachment.filename).name or attachment.sha256[:12]
    target = folder / name
    if files_in_database(ws):
        try:
            save_copy(ws, attachment.sha256, target)
        except AuditDeskError as exc:
            raise AuditDeskError(
                f"无法打开附件“{attachment.filename}”：{exc.message}", location=attachment.sha256
            ) from exc
        return target
    source = blob_path(ws, attachment.sha256)
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise AuditDeskError(
            f"无法打开附件“{attachment.filename}”：{exc.strerror or exc}。"
            "文件可能已从数据目录中缺失。",
            location=str(source),
        ) from exc
    return target


def get_attachment(ws: Workspace, attachment_id: str) -> Attachment:
    """The attachment record of this id.

    Raises:
        NotFoundError: no such attachment (deleted, or a wrong id).
    """
    with ws.store.read() as tx:
        found = tx.get_attachment(attachment_id)
    if found is None:
        raise NotFoundError(
            f"找不到附件（编号 {attachment_id}），可能已被删除。", location=attachment_id
        )
    return found


SHORT_REFERENCE = 8
"""Characters of an attachment's id that ``evidence list`` prints, as ``findings list`` does."""
_MIN_REFERENCE = 4


def find_attachment(ws: Workspace, ref: str) -> Attachment:
    """The attachment whose id is ``ref`` or starts with it (the 8-character reference that
    ``evidence list`` prints; any case, at least 4 characters).

    Raises:
        NotFoundError: a whole id that names no attachment (deleted, or wrong).
        AuditDeskError: a reference that names none, or several, or is shorter than 4 characters.
    """
    from auditdesk.services.visit import only_match

    text = ref.strip().lower()
    with ws.store.read() as tx:
        exact = tx.get_attachment(text)
        if exact is not None:
            return exact
        if len(text) >= len(new_id()):
            raise NotFoundError(
                f"附件已不存在（编号 {ref.strip()}），可能已被删除。", location=ref.strip()
            )
        if len(text) < _MIN_REFERENCE:
            raise AuditDeskError(
                f"附件编号 {ref.strip()} 太短：请给出 evidence list 列出的 {SHORT_REFERENCE} 位编号。",
                location=ref.strip(),
            )
        matches = tx.attachments_with_id_prefix(text)
    return only_match(matches, ref.strip(), "附件")


def export_copy(ws: Workspace, attachment: Attachment, target: Path) -> Path:
    """Save an evidence file to a user-chosen ``target`` (streamed, checked against its hash).

    Raises:
        AuditDeskError: the stored file is missing or damaged, or ``target`` cannot be written.
    """
    save_copy(ws, attachment.sha256, target)
    return target
