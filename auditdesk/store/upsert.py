"""``INSERT … ON CONFLICT`` for both databases, through SQLAlchemy's dialect inserts: one statement
instead of a look-up and a second write, so two users saving the same key at once cannot both
insert (the second updates, or does nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, CursorResult, Table, TextClause
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    conn: Connection,
    table: Table,
    values: dict[str, Any],
    keys: Sequence[str],
    *,
    keep: Sequence[str] = (),
    on_update: dict[str, Any] | None = None,
    where: ColumnElement[bool] | TextClause | None = None,
    returning: Sequence[str] = (),
) -> CursorResult[Any]:
    """Insert ``values``; when a row with the same ``keys`` (a primary key or unique index, partial
    with ``where``) exists, update it to ``values`` except the ``keys`` and the ``keep`` columns,
    and to ``on_update`` (values for an update only, e.g. a new ``updated_at``).
    With nothing left to update, a conflict does nothing. ``returning`` names columns to read back
    from the row inserted or updated (none comes back when nothing was done)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values)
    changed: dict[str, Any] = {
        k: stmt.excluded[k] for k in values if k not in keys and k not in keep
    }
    changed.update(on_update or {})
    if changed:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), index_where=where, set_=changed
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys), index_where=where)
    if returning:
        stmt = stmt.returning(*(table.c[name] for name in returning))
    return conn.execute(stmt)


def insert_new(
    conn: Connection,
    table: Table,
    values: dict[str, Any],
    keys: Sequence[str],
    *,
    where: ColumnElement[bool] | TextClause | None = None,
) -> bool:
    """Insert ``values`` unless a row with the same ``keys`` exists; whether it was inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=list(keys), index_where=where)
    # RETURNING tells (psycopg's rowcount is -1 here); SQLite has it since 3.35
    return conn.execute(stmt.returning(table.c[keys[0]])).first() is not None
