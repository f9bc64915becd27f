"""Schema version 16: the change log covers every record and outlives it. Frozen.

``change_log.audit_id`` loses its foreign key (and NOT NULL): entries stay when their company is
deleted, and entries of a company or of a deleted record need no audit. New columns:
``company_id`` (filled here from each entry's audit) and ``undoes`` (an undo is a new entry naming
the entry it reverses; ``undone`` keeps the flag older entries carry and is never set again).
Indexes by company, by record and by time (for purging). A trigger refuses every UPDATE of an
entry on both backends (entries are only appended; ``log purge`` deletes, nothing updates). On
PostgreSQL, UPDATE, DELETE and TRUNCATE on the table are also revoked from PUBLIC.

SQLite cannot drop a foreign key in place: the table is copied into a new one (no table refers
to ``change_log``, so dropping the old one loses nothing). On PostgreSQL the constraint is
dropped by its reflected name.
"""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import BigInteger, Column, String, inspect, text

_SQLITE_TABLE = """
CREATE TABLE change_log_v16 (
    id INTEGER NOT NULL,
    audit_id VARCHAR(36),
    entity VARCHAR(20) NOT NULL,
    entity_id VARCHAR(64) NOT NULL,
    field VARCHAR(40) NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_by VARCHAR(50) NOT NULL,
    changed_at VARCHAR(40) NOT NULL,
    undone INTEGER DEFAULT '0' NOT NULL,
    company_id VARCHAR(36),
    undoes INTEGER,
    PRIMARY KEY (id)
)
"""
_COLUMNS = (
    "id, audit_id, entity, entity_id, field, old_value, new_value, changed_by, changed_at, undone"
)
APPEND_ONLY_MESSAGE = "修改记录只能追加，不能改写。"
_SQLITE_TRIGGER = f"""
CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
"""
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_PG_TRIGGER = (
    "CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log "
    "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
)
_FILL_COMPANY = (
    "UPDATE change_log SET company_id = "
    "(SELECT audits.company_id FROM audits WHERE audits.id = change_log.audit_id)"
)


def upgrade(op: Operations) -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.execute(text(_SQLITE_TABLE))
        conn.execute(
            text(f"INSERT INTO change_log_v16 ({_COLUMNS}) SELECT {_COLUMNS} FROM change_log")
        )
        conn.execute(text("DROP TABLE change_log"))
        conn.execute(text("ALTER TABLE change_log_v16 RENAME TO change_log"))
        op.create_index("ix_change_log_entity", "change_log", ["audit_id", "entity", "entity_id"])
    else:
        for fk in inspect(conn).get_foreign_keys("change_log"):
            name = fk.get("name")
            if name:
                op.drop_constraint(name, "change_log", type_="foreignkey")
        op.alter_column("change_log", "audit_id", existing_type=String(36), nullable=True)
        op.add_column("change_log", Column("company_id", String(36)))
        op.add_column("change_log", Column("undoes", BigInteger()))
        conn.execute(text('REVOKE UPDATE, DELETE, TRUNCATE ON "change_log" FROM PUBLIC'))
    conn.execute(text(_FILL_COMPANY))
    if conn.dialect.name == "sqlite":
        conn.execute(text(_SQLITE_TRIGGER))
    else:
        conn.execute(text(_PG_FUNCTION))
        conn.execute(text(_PG_TRIGGER))
    op.create_index("ix_change_log_company", "change_log", ["company_id"])
    op.create_index("ix_change_log_record", "change_log", ["entity", "entity_id"])
    op.create_index("ix_change_log_time", "change_log", ["changed_at"])
