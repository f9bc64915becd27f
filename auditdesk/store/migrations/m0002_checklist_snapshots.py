"""Schema version 2: frozen copies of the checklist library that audits pin. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import JSON, Column, String

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    op.create_table(
        "checklist_snapshots",
        Column("key", String(80), primary_key=True),
        Column("version", String(40), nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )
