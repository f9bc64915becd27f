"""Schema version 11: each finding's 问题编号 (a per-audit number given once, never renumbered),
existing findings numbered by creation time; and the issued documents (出具: number, date, who,
the content as issued). Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    column,
    select,
    table,
    update,
)

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    # A plain ADD COLUMN, as in step 4: copying findings would fire ON DELETE CASCADE below them.
    op.add_column("findings", Column("number", Integer, nullable=True))
    findings = table(
        "findings", column("id"), column("audit_id"), column("created_at"), column("number")
    )
    conn = op.get_bind()
    rows = conn.execute(
        select(findings.c.id, findings.c.audit_id).order_by(
            findings.c.audit_id, findings.c.created_at, findings.c.id
        )
    ).all()
    counters: dict[str, int] = {}
    for finding_id, audit_id in rows:
        counters[audit_id] = counters.get(audit_id, 0) + 1
        conn.execute(
            update(findings).where(findings.c.id == finding_id).values(number=counters[audit_id])
        )
    op.create_table(
        "report_issues",
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("number", String(60), nullable=False, unique=True),
        Column("issued_on", Date, nullable=False),
        Column("issued_by", String(50), nullable=False, server_default=""),
        Column("snapshot", JSON, nullable=False),
        Index("ix_report_issues_audit", "audit_id"),
    )
