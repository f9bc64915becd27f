"""Schema version 15: every editable record carries a ``version`` (1 for the rows already there,
one more on each save, so a save based on a stale copy is refused) and who last changed it
(``updated_by``, empty for the rows already there). Frozen.

Both columns are appended with a server default, so ``ALTER TABLE … ADD COLUMN`` fills existing
rows in place on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import Column, Integer, String, text

TABLES = (
    "companies", "audits", "visits", "answers", "findings", "attachments", "payroll_imports",
    "followups", "letters", "report_issues", "towns",
)  # fmt: skip


def upgrade(op: Operations) -> None:
    for name in TABLES:
        op.add_column(name, Column("version", Integer, nullable=False, server_default=text("1")))
        op.add_column(name, Column("updated_by", String(50), nullable=False, server_default=""))
