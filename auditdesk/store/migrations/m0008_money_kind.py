"""Schema version 8: what a finding's amount is (wages owed, contributions owed, exposure, fine
risk, paid late), so totals add only like with like; and the content hash of the payroll group a
finding was adopted from, so a re-import that changes it is noticed. Frozen."""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import Column, String


def upgrade(op: Operations) -> None:
    # A plain ADD COLUMN, as in step 4: copying findings would fire ON DELETE CASCADE below them.
    op.add_column("findings", Column("money_kind", String(30), nullable=True))
    op.add_column("findings", Column("payroll_hash", String(64), nullable=True))
