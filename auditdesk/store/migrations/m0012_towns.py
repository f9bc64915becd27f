"""Schema version 12: the list of towns (街镇) the office keeps, seeded with the distinct towns
already on companies (as written; variants are merged later by the office, never guessed here).
Frozen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic.operations import Operations
from sqlalchemy import Column, String, column, insert, select, table

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    towns = op.create_table(
        "towns",
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("name", String(100), nullable=False, unique=True),
    )
    companies = table("companies", column("town"))
    conn = op.get_bind()
    names = sorted({
        str(t).strip() for t in conn.execute(select(companies.c.town).distinct()).scalars()
        if t and str(t).strip()
    })  # fmt: skip
    now = datetime.now(UTC)
    for name in names:
        conn.execute(
            insert(towns).values(id=str(uuid.uuid4()), created_at=now, updated_at=now, name=name)
        )
