"""Schema version 4: the company's agreed pay day (day of the following month). Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import Column, Integer


def upgrade(op: Operations) -> None:
    # A plain ADD COLUMN (no batch copy of the table): SQLite and PostgreSQL both support it,
    # and copying companies would fire ON DELETE CASCADE on everything below them.
    op.add_column("companies", Column("pay_day", Integer, nullable=True))
