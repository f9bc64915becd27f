"""Schema version 1. Frozen: later changes go into new steps, never here."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from auditdesk.store.types import MoneyText, UtcDateTime


def _record() -> tuple[Column[object], ...]:
    return (
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )


def upgrade(op: Operations) -> None:
    op.create_table(
        "companies",
        *_record(),
        Column("name", String(200), nullable=False),
        Column("credit_code", String(18), unique=True),
        Column("legal_representative", String(100), nullable=False),
        Column("address", String(300), nullable=False),
        Column("town", String(100), nullable=False),
        Column("industry", String(100), nullable=False),
        Column("headcount", Integer),
        Column("has_union", Boolean, nullable=False),
        Column("contact_name", String(100), nullable=False),
        Column("contact_phone", String(50), nullable=False),
        Column("notes", Text, nullable=False),
    )
    op.create_table(
        "audits",
        *_record(),
        Column(
            "company_id", String(36), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False
        ),
        Column("title", String(200), nullable=False),
        Column("scope", String(20), nullable=False),
        Column("region", String(40), nullable=False),
        Column("status", String(20), nullable=False),
        Column("checklist_version", String(40), nullable=False),
        Column("auditors", JSON, nullable=False),
        Column("started_on", Date),
    )
    op.create_index("ix_audits_company", "audits", ["company_id"])
    op.create_table(
        "visits",
        *_record(),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("visit_date", Date, nullable=False),
        Column("kind", String(20), nullable=False),
        Column("channels", JSON, nullable=False),
        Column("attendees", JSON, nullable=False),
        Column("notes", Text, nullable=False),
    )
    op.create_index("ix_visits_audit", "visits", ["audit_id"])
    op.create_table(
        "answers",
        *_record(),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("item_id", String(64), nullable=False),
        Column("result", String(20), nullable=False),
        Column("note", Text, nullable=False),
        Column("source", String(20)),
        Column("answered_by", String(50), nullable=False),
        Column("answered_at", UtcDateTime),
        UniqueConstraint("audit_id", "item_id", name="uq_answers_audit_item"),
    )
    op.create_table(
        "findings",
        *_record(),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("origin", String(20), nullable=False),
        Column("origin_ref", String(64), nullable=False),
        Column("area", String(30), nullable=False),
        Column("severity", String(20), nullable=False),
        Column("title", String(300), nullable=False),
        Column("facts", Text, nullable=False),
        Column("legal_basis", JSON, nullable=False),
        Column("remedy", Text, nullable=False),
        Column("money_at_stake", MoneyText),
        Column("status", String(20), nullable=False),
        Column("owner", String(100), nullable=False),
        Column("due_date", Date),
    )
    op.create_index("ix_findings_audit", "findings", ["audit_id"])
    op.create_table(
        "attachments",
        *_record(),
        Column("sha256", String(64), nullable=False),
        Column("filename", String(255), nullable=False),
        Column("size", Integer, nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("answer_id", String(36), ForeignKey("answers.id", ondelete="CASCADE")),
        Column("finding_id", String(36), ForeignKey("findings.id", ondelete="CASCADE")),
    )
    op.create_index("ix_attachments_sha", "attachments", ["sha256"])
