"""Schema version 7: every version of a record sent or received in a case-file exchange. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import Column, String

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    op.create_table(
        "exchange_state",
        Column("table_name", String(40), primary_key=True),
        Column("record_key", String(200), primary_key=True),
        Column("content_sha", String(64), primary_key=True),
        Column("exchanged_at", UtcDateTime, nullable=False),
    )
