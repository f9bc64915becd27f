"""Schema version 17: what a shared server keeps for the whole office. Evidence files by their
SHA-256 (``file_blobs``, with the bytes in 1 MiB ``file_chunks``), office settings
(``office_settings``: follow-up days) and the office's own checklist files
(``office_checklists``). A SQLite file gets the same (empty) tables and keeps using the data dir.
Frozen.
"""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB


def upgrade(op: Operations) -> None:
    server = op.get_bind().dialect.name == "postgresql"
    # the native types step 13 gave a server; on SQLite the text and integers every step wrote
    when = DateTime(timezone=True) if server else String(40)
    size = BigInteger() if server else Integer()
    document = JSONB() if server else JSON()
    op.create_table(
        "file_blobs",
        Column("sha256", String(64), primary_key=True),
        Column("size", size, nullable=False),
        Column("created_at", when, nullable=False),
    )
    op.create_table(
        "file_chunks",
        Column(
            "sha256",
            String(64),
            ForeignKey("file_blobs.sha256", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("seq", Integer, primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )
    op.create_table(
        "office_settings",
        Column("key", String(40), primary_key=True),
        Column("value", document, nullable=False),
        Column("updated_at", when, nullable=False),
    )
    op.create_table(
        "office_checklists",
        Column("name", String(255), primary_key=True),
        Column("content", Text, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("updated_at", when, nullable=False),
    )
