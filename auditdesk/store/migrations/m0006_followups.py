"""Schema version 6: rectification moves, planned follow-ups, union letters, payroll finding
subjects. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Text

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    op.create_table(
        "rectification_moves",
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "finding_id", String(36), ForeignKey("findings.id", ondelete="CASCADE"), nullable=False
        ),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("from_status", String(20), nullable=False),
        Column("to_status", String(20), nullable=False),
        Column("note", Text, nullable=False, server_default=""),
        Column("moved_by", String(50), nullable=False, server_default=""),
        Column("moved_at", UtcDateTime, nullable=False),
        Column("visit_id", String(36)),
        Index("ix_moves_finding", "finding_id"),
    )
    op.create_table(
        "followups",
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("planned_on", Date, nullable=False),
        Column("note", Text, nullable=False, server_default=""),
        Column("visit_id", String(36)),
        Column("done_on", Date),
        Index("ix_followups_planned", "planned_on"),
        Index("ix_followups_audit", "audit_id"),
    )
    op.create_table(
        "letters",
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("issued_on", Date, nullable=False),
        Column("reply_due", Date, nullable=False),
        Column("replied_on", Date),
        Column("note", Text, nullable=False, server_default=""),
        Index("ix_letters_audit", "audit_id"),
    )
    op.add_column("findings", Column("subjects", JSON, nullable=True))
