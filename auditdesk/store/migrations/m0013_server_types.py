"""Schema version 13: fit for a shared PostgreSQL server, and one finding per checklist item.

On both databases: ``findings.split_from`` (the finding a 拆分 copy came from, filled from the
change log for existing copies) and a unique index so one checklist item gives one (original)
finding per audit. Should an old database hold two originals of one item anyway, the later ones
are recorded as split from the earliest, never deleted.

On PostgreSQL only, native types where the frozen steps wrote text or integers: ``timestamptz``
for every ``…_at`` time column, ``NUMERIC`` for money, ``JSONB`` for JSON documents, ``BIGINT``
for sizes and growing row ids, ``BOOLEAN`` for the change log's ``undone``. The columns are found
by inspecting the database (so time and JSON columns of steps 12 and earlier are all covered). A
SQLite file keeps its storage exactly: the current schema's types read and write the same text
there. Frozen.
"""

from __future__ import annotations

import json
from typing import Any

from alembic.operations import Operations
from sqlalchemy import JSON, Column, Connection, String, inspect, text

_MONEY = {("findings", "money_at_stake")}
_BIGINT = {("attachments", "size"), ("payroll_rows", "id"), ("change_log", "id")}


def _split_origins(conn: Connection) -> None:
    rows = conn.execute(
        text(
            "select entity_id, new_value from change_log"
            " where entity = 'finding' and field = 'split_from' order by id"
        )
    ).all()
    for copy_id, new_value in rows:
        try:
            origin: Any = json.loads(new_value) if new_value else None
        except ValueError:
            origin = new_value
        if isinstance(origin, str) and origin:
            conn.execute(
                text("update findings set split_from = :o where id = :i and split_from is null"),
                {"o": origin, "i": copy_id},
            )
    # two originals of one item without a recorded split: the later ones become copies
    dupes = conn.execute(
        text(
            "select id, audit_id, origin_ref from findings"
            " where origin = 'checklist' and split_from is null"
            " order by audit_id, origin_ref, created_at, id"
        )
    ).all()
    first: dict[tuple[str, str], str] = {}
    for finding_id, audit_id, item in dupes:
        key = (audit_id, item)
        if key in first:
            conn.execute(
                text("update findings set split_from = :o where id = :i"),
                {"o": first[key], "i": finding_id},
            )
        else:
            first[key] = finding_id


def _native_types(conn: Connection) -> None:
    insp = inspect(conn)
    for table in insp.get_table_names():
        for col in insp.get_columns(table):
            name, kind = col["name"], col["type"]
            q = f'"{name}"'
            alter = f'alter table "{table}" alter column {q} type'
            if (table, name) in _MONEY:
                conn.execute(text(f"{alter} numeric using nullif({q}, '')::numeric"))
            elif (table, name) in _BIGINT:
                conn.execute(text(f"{alter} bigint"))
                if col.get("autoincrement") and str(col.get("default") or "").startswith("nextval"):
                    conn.execute(text(f'alter sequence "{table}_{name}_seq" as bigint'))
            elif isinstance(kind, String) and name.endswith("_at"):
                conn.execute(text(f"{alter} timestamptz using {q}::timestamptz"))
            elif isinstance(kind, JSON):
                conn.execute(text(f"{alter} jsonb using {q}::jsonb"))
    conn.execute(text("alter table change_log alter column undone drop default"))
    conn.execute(text("alter table change_log alter column undone type boolean using undone <> 0"))
    conn.execute(text("alter table change_log alter column undone set default false"))


def upgrade(op: Operations) -> None:
    op.add_column("findings", Column("split_from", String(36), nullable=True))
    conn = op.get_bind()
    _split_origins(conn)
    where = text("origin = 'checklist' AND split_from IS NULL")
    op.create_index(
        "uq_findings_checklist_item",
        "findings",
        ["audit_id", "origin_ref"],
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )
    if conn.dialect.name == "postgresql":
        _native_types(conn)
