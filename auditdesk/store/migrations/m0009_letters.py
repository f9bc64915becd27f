"""Schema version 9: union letters as records (文号 from a per-kind, per-year sequence, service
date, the issued content and document) and the union settings that letters are issued under. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import JSON, Column, Date, Integer, String, Text

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    # Plain ADD COLUMNs and an index: no table copy (nothing references letters, but stay uniform).
    op.add_column("letters", Column("number", String(80), nullable=True))
    op.add_column("letters", Column("number_year", Integer, nullable=True))
    op.add_column("letters", Column("number_seq", Integer, nullable=True))
    op.add_column("letters", Column("served_on", Date, nullable=True))
    op.add_column("letters", Column("content", JSON, nullable=True))
    op.add_column("letters", Column("document_sha256", String(64), nullable=True))
    op.create_index(
        "uq_letters_number", "letters", ["kind", "number_year", "number_seq"], unique=True
    )
    op.create_table(
        "union_settings",
        Column("key", String(40), primary_key=True),
        Column("value", Text, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )
