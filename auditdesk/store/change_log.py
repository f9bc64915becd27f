"""The change log's queries: append an entry, read entries by record, company or audit, and the
one deletion there is (purging entries older than a date). Nothing here updates an entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, text

from auditdesk.models.audit import Change
from auditdesk.store import schema
from auditdesk.store.authors import authored


def restrict_append_only(conn: Connection, roles: Iterable[str] = ()) -> None:
    """On PostgreSQL, take UPDATE, DELETE and TRUNCATE on every table in
    :data:`schema.APPEND_ONLY_TABLES` away from PUBLIC and from ``roles`` (role names, quoted
    here): only the owner can change or purge entries. Nothing on SQLite (no roles there).

    ``server init`` calls this after granting its roles their rights.
    """
    if conn.dialect.name != "postgresql":
        return
    targets = ["PUBLIC", *(_quoted(r) for r in roles)]
    for table in schema.APPEND_ONLY_TABLES:
        for target in targets:
            conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {target}'))


def _quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


class ChangeLogQueries:
    conn: Connection
    signed_in: str | None

    def log_change(self, change: Change) -> int:
        """Append one entry (its author the signed-in user on a server); returns its id."""
        change = authored(self.signed_in, "change_log", change)
        values = change.model_dump(mode="python", exclude={"id"})
        values["entity"] = change.entity.value
        values["undone"] = bool(change.undone)
        result = self.conn.execute(insert(schema.change_log).values(**values))
        return int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0

    def list_changes(
        self,
        audit_id: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        *,
        company_id: str | None = None,
        limit: int | None = None,
    ) -> list[Change]:
        """Entries oldest first, narrowed by every filter given; with ``limit``, the latest
        ``limit`` of them (still oldest first)."""
        cl = schema.change_log
        query = select(cl)
        if audit_id is not None:
            query = query.where(cl.c.audit_id == audit_id)
        if company_id is not None:
            query = query.where(cl.c.company_id == company_id)
        if entity is not None:
            query = query.where(cl.c.entity == entity)
        if entity_id is not None:
            query = query.where(cl.c.entity_id == entity_id)
        query = query.order_by(cl.c.id)
        if limit is not None:
            query = query.order_by(None).order_by(cl.c.id.desc()).limit(limit)
        rows = list(self.conn.execute(query))
        if limit is not None:
            rows.reverse()
        return [Change.model_validate(dict(r._mapping)) for r in rows]

    def undone_change_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` a later entry undoes, or that were flagged undone before step 16."""
        cl = schema.change_log
        wanted = list(ids)
        if not wanted:
            return set()
        undone = set(
            self.conn.execute(select(cl.c.undoes).where(cl.c.undoes.in_(wanted))).scalars()
        )
        flagged = self.conn.execute(select(cl.c.id).where(cl.c.id.in_(wanted), cl.c.undone))
        return {int(i) for i in undone if i is not None} | {int(i) for i in flagged.scalars()}

    def count_changes_before(self, before: datetime) -> int:
        cl = schema.change_log
        query = select(func.count()).select_from(cl).where(cl.c.changed_at < before)
        return int(self.conn.execute(query).scalar_one())

    def purge_changes(self, before: datetime) -> int:
        """Delete the entries written before ``before`` (UTC); the count deleted. The only
        deletion of entries: ``auditdesk log purge`` and the retention setting."""
        cl = schema.change_log
        return int(self.conn.execute(delete(cl).where(cl.c.changed_at < before)).rowcount)
