"""SQL for what a shared server keeps for the whole office: evidence files by SHA-256 (in 1 MiB
chunks, streamed in and out), office settings and the office's own checklist files.

A mixin of :class:`auditdesk.store.db.Tx` (kept apart so db.py stays readable). On SQLite these
tables stay empty: a laptop keeps evidence files and checklists in its data dir.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, func, insert, select

from auditdesk.store import schema
from auditdesk.store.upsert import insert_new, upsert


@dataclass(frozen=True)
class OfficeChecklist:
    """One of the office's checklist files kept in a server database."""

    name: str
    """The file name (``town.toml``)."""
    content: str
    """The file's TOML text."""
    sha256: str
    """SHA-256 of ``content`` encoded as UTF-8 (hex)."""
    updated_at: datetime


class FileQueries:
    conn: Connection

    # -------------------------------------------------------------- evidence files
    def insert_blob(self, sha256: str, size: int, chunks: Iterable[bytes], now: datetime) -> bool:
        """Store a file's bytes under its hash once: when no file of that hash is stored, insert
        it and every chunk of ``chunks`` (each at most :data:`schema.FILE_CHUNK_SIZE` bytes, read
        one at a time) and return True; otherwise return False without reading ``chunks``, the
        stored file held (``FOR SHARE``) until the transaction ends, so that no transaction
        removing its last reference can delete it under the attachment about to use it.

        Two users storing the same file at once: the second waits for the first's commit and
        then finds it stored. A file being deleted meanwhile is waited for, then stored again."""
        fb = schema.file_blobs
        values = {"sha256": sha256, "size": size, "created_at": now}
        held = select(fb.c.sha256).where(fb.c.sha256 == sha256).with_for_update(read=True)
        while not insert_new(self.conn, fb, values, ("sha256",)):
            if self.conn.execute(held).first() is not None:
                return False
            # deleted by a transaction that committed after our insert looked: store it again
        for seq, chunk in enumerate(chunks):
            self.conn.execute(insert(schema.file_chunks).values(sha256=sha256, seq=seq, data=chunk))
        return True

    def blob_chunks(self, sha256: str) -> Iterator[bytes]:
        """A stored file's bytes, one chunk per query (never the whole file in memory); nothing
        when no file of that hash is stored. Consume it inside the transaction."""
        fc = schema.file_chunks
        seq = 0
        while True:
            data = self.conn.execute(
                select(fc.c.data).where(fc.c.sha256 == sha256, fc.c.seq == seq)
            ).scalar_one_or_none()
            if data is None:
                return
            yield bytes(data)
            seq += 1

    def stored_blobs(self, hashes: Sequence[str]) -> dict[str, int]:
        """The stored files among ``hashes``: ``{sha256: size in bytes}``."""
        fb = schema.file_blobs
        rows = self.conn.execute(select(fb.c.sha256, fb.c.size).where(fb.c.sha256.in_(hashes)))
        return {str(r.sha256): int(r.size) for r in rows}

    def drop_unreferenced_blobs(self, hashes: Iterable[str] | None = None) -> int:
        """Delete the stored files (among ``hashes``, or all) that no attachment uses any more,
        with their chunks; the number of files deleted. Call it in the transaction that removed
        the last reference, so a file never outlives its records nor goes before them.

        The candidates are locked (``FOR UPDATE``) and then checked again by a new statement, so
        an attachment that another user's transaction added to one of them (holding it with
        :meth:`insert_blob`) is seen once that transaction commits, and the file stays."""
        fb, att = schema.file_blobs, schema.attachments
        unused = ~exists().where(att.c.sha256 == fb.c.sha256)
        query = select(fb.c.sha256).where(unused)
        if hashes is not None:
            wanted = sorted(set(hashes))
            if not wanted:
                return 0
            query = query.where(fb.c.sha256.in_(wanted))
        locked = list(self.conn.execute(query.order_by(fb.c.sha256).with_for_update()).scalars())
        if not locked:
            return 0
        gone = list(self.conn.execute(query.where(fb.c.sha256.in_(locked))).scalars())
        if not gone:
            return 0
        fc = schema.file_chunks  # (ON DELETE CASCADE too; SQLite may run without foreign keys)
        self.conn.execute(delete(fc).where(fc.c.sha256.in_(gone)))
        return int(self.conn.execute(delete(fb).where(fb.c.sha256.in_(gone))).rowcount)

    def attachment_hashes(self) -> list[str]:
        """The distinct hashes the attachments use, sorted."""
        att = schema.attachments
        query = select(att.c.sha256).distinct().order_by(att.c.sha256)
        return [str(h) for h in self.conn.execute(query).scalars()]

    def schema_version(self) -> int:
        """The schema version the database records."""
        return int(self.conn.execute(select(schema.schema_version.c.version)).scalar_one())

    def stored_blob_bytes(self) -> int:
        """Bytes of every evidence file held in the database."""
        fb = schema.file_blobs
        return int(self.conn.execute(select(func.coalesce(func.sum(fb.c.size), 0))).scalar_one())

    # -------------------------------------------------------------- office settings
    def office_setting(self, key: str) -> Any | None:
        """A setting's JSON value, ``None`` when never set."""
        t = schema.office_settings
        return self.conn.execute(select(t.c.value).where(t.c.key == key)).scalar_one_or_none()

    def set_office_setting(self, key: str, value: Any, now: datetime) -> None:
        t = schema.office_settings
        upsert(self.conn, t, {"key": key, "value": value, "updated_at": now}, ("key",))

    # -------------------------------------------------------------- office checklists
    def office_checklists(self) -> list[OfficeChecklist]:
        """The office's checklist files, by name."""
        t = schema.office_checklists
        rows = self.conn.execute(select(t).order_by(t.c.name))
        return [OfficeChecklist(**dict(r._mapping)) for r in rows]

    def save_office_checklist(self, name: str, content: str, sha256: str, now: datetime) -> None:
        """Add or replace the checklist file ``name``."""
        t = schema.office_checklists
        values = {"name": name, "content": content, "sha256": sha256, "updated_at": now}
        upsert(self.conn, t, values, ("name",))

    def delete_office_checklist(self, name: str) -> bool:
        t = schema.office_checklists
        return bool(self.conn.execute(delete(t).where(t.c.name == name)).rowcount)
