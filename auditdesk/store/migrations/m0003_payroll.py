"""Schema version 3: imported payroll (per audit) and per-company column mapping profiles. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String

from auditdesk.store.types import UtcDateTime


def upgrade(op: Operations) -> None:
    op.create_table(
        "payroll_imports",
        Column("id", String(36), primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("file_name", String(255), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("row_count", Integer, nullable=False),
        Column("periods", JSON, nullable=False),
        Column("report", JSON, nullable=False),
        Index("ix_payroll_imports_audit", "audit_id"),
    )
    op.create_table(
        "payroll_rows",
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "import_id",
            String(36),
            ForeignKey("payroll_imports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        Column("period", String(7), nullable=False),
        Column("employee_id", String(64)),
        Column("data", JSON, nullable=False),
        Index("ix_payroll_rows_audit", "audit_id", "period"),
        Index("ix_payroll_rows_import", "import_id"),
    )
    op.create_table(
        "mapping_profiles",
        Column(
            "company_id",
            String(36),
            ForeignKey("companies.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("columns", JSON, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )
