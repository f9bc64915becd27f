"""Schema version 5: change history, company self-assessments, dismissed findings. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    op.create_table(
        "change_log",
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("entity", String(20), nullable=False),
        Column("entity_id", String(64), nullable=False),
        Column("field", String(40), nullable=False),
        Column("old_value", Text),
        Column("new_value", Text),
        Column("changed_by", String(50), nullable=False),
        Column("changed_at", UtcDateTime, nullable=False),
        Column("undone", Integer, nullable=False, server_default="0"),
        Index("ix_change_log_entity", "audit_id", "entity", "entity_id"),
    )
    op.create_table(
        "self_assessments",
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("item_id", String(64), nullable=False),
        Column("result", String(20), nullable=False),
        UniqueConstraint("audit_id", "item_id", name="uq_self_assessments_audit_item"),
    )
    op.add_column("findings", Column("dismissed_reason", Text, nullable=True))
    op.add_column("findings", Column("dismissed_by", String(50), nullable=True))
    op.add_column("findings", Column("dismissed_at", UtcDateTime, nullable=True))
