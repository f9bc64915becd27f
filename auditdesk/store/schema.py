"""The current database schema (SQLAlchemy Core tables) that queries in db.py are written against.

Migrations keep their own frozen copies; when this file changes, a new migration step must make an
existing database match it (tests/core/test_store_migrations.py compares the two).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from auditdesk.store.types import BigInt, Flag, Json, Money, Timestamp

metadata = MetaData()

CHECKLIST_ORIGINAL = text("origin = 'checklist' AND split_from IS NULL")
"""The findings that :data:`findings`' unique index ``uq_findings_checklist_item`` covers."""


def _version_columns() -> list[Column[object]]:
    """Appended to every editable record's table (step 15): ``version`` goes up by one on each
    save, and a save whose expected version is not the stored one is refused (a stale copy);
    ``updated_by`` names who saved it last."""
    return [
        Column("version", Integer, nullable=False, server_default=text("1")),
        Column("updated_by", String(50), nullable=False, server_default=""),
    ]


def _record_columns() -> list[Column[object]]:
    return [
        Column("id", String(36), primary_key=True),
        Column("created_at", Timestamp, nullable=False),
        Column("updated_at", Timestamp, nullable=False),
    ]


schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

companies = Table(
    "companies",
    metadata,
    *_record_columns(),
    Column("name", String(200), nullable=False),
    Column("credit_code", String(18), unique=True),
    Column("legal_representative", String(100), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
    Column("town", String(100), nullable=False, default=""),
    Column("industry", String(100), nullable=False, default=""),
    Column("headcount", Integer),
    Column("has_union", Boolean, nullable=False, default=False),
    Column("contact_name", String(100), nullable=False, default=""),
    Column("contact_phone", String(50), nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("pay_day", Integer),
    *_version_columns(),
)

audits = Table(
    "audits",
    metadata,
    *_record_columns(),
    Column(
        "company_id", String(36), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False
    ),
    Column("title", String(200), nullable=False, default=""),
    Column("scope", String(20), nullable=False),
    Column("region", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("checklist_version", String(40), nullable=False, default=""),
    Column("auditors", Json, nullable=False),
    Column("started_on", Date),
    Index("ix_audits_company", "company_id"),
    *_version_columns(),
)

visits = Table(
    "visits",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("visit_date", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("channels", Json, nullable=False),
    Column("attendees", Json, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Index("ix_visits_audit", "audit_id"),
    *_version_columns(),
)

answers = Table(
    "answers",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("result", String(20)),  # NULL: not answered yet (a note or evidence without an answer)
    Column("note", Text, nullable=False, default=""),
    Column("source", String(20)),
    Column("answered_by", String(50), nullable=False, default=""),
    Column("answered_at", Timestamp),
    UniqueConstraint("audit_id", "item_id", name="uq_answers_audit_item"),
    *_version_columns(),
)

findings = Table(
    "findings",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("origin", String(20), nullable=False),
    Column("origin_ref", String(64), nullable=False),
    Column("area", String(30), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("facts", Text, nullable=False, default=""),
    Column("legal_basis", Json, nullable=False),
    Column("remedy", Text, nullable=False, default=""),
    Column("money_at_stake", Money),
    Column("status", String(20), nullable=False),
    Column("owner", String(100), nullable=False, default=""),
    Column("due_date", Date),
    Index("ix_findings_audit", "audit_id"),
    Column("dismissed_reason", Text),
    Column("dismissed_by", String(50)),
    Column("dismissed_at", Timestamp),
    Column("subjects", Json),
    Column("money_kind", String(30)),
    Column("payroll_hash", String(64)),
    Column("consequence", Text, nullable=False, default="", server_default=""),
    Column("number", Integer),
    Column("split_from", String(36)),
    # one checklist item gives one finding per audit (two users gathering at once cannot double
    # it); a split copy names the finding it came from and stays outside the rule
    Index(
        "uq_findings_checklist_item",
        "audit_id",
        "origin_ref",
        unique=True,
        sqlite_where=CHECKLIST_ORIGINAL,
        postgresql_where=CHECKLIST_ORIGINAL,
    ),
    *_version_columns(),
)

checklist_snapshots = Table(
    "checklist_snapshots",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("version", String(40), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("payload", Json, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    *_record_columns(),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("size", BigInt, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("answer_id", String(36), ForeignKey("answers.id", ondelete="CASCADE")),
    Column("finding_id", String(36), ForeignKey("findings.id", ondelete="CASCADE")),
    Index("ix_attachments_sha", "sha256"),
    *_version_columns(),
)

payroll_imports = Table(
    "payroll_imports",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("periods", Json, nullable=False),
    Column("report", Json, nullable=False),
    Index("ix_payroll_imports_audit", "audit_id"),
    *_version_columns(),
)

payroll_rows = Table(
    "payroll_rows",
    metadata,
    Column("id", BigInt, primary_key=True, autoincrement=True),
    Column(
        "import_id",
        String(36),
        ForeignKey("payroll_imports.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("employee_id", String(64)),
    Column("data", Json, nullable=False),
    Index("ix_payroll_rows_audit", "audit_id", "period"),
    Index("ix_payroll_rows_import", "import_id"),
)

mapping_profiles = Table(
    "mapping_profiles",
    metadata,
    Column(
        "company_id",
        String(36),
        ForeignKey("companies.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("columns", Json, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

change_log = Table(
    "change_log",
    metadata,
    Column("id", BigInt, primary_key=True, autoincrement=True),
    # plain values, no foreign keys: an entry outlives the audit and company it names
    Column("audit_id", String(36)),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("changed_by", String(50), nullable=False),
    Column("changed_at", Timestamp, nullable=False),
    Column("undone", Flag, nullable=False, server_default=false()),  # before step 16 only
    Column("company_id", String(36)),
    Column("undoes", BigInt),  # the entry this one undoes (an undo is a new entry)
    Index("ix_change_log_entity", "audit_id", "entity", "entity_id"),
    Index("ix_change_log_company", "company_id"),
    Index("ix_change_log_record", "entity", "entity_id"),
    Index("ix_change_log_time", "changed_at"),
)

APPEND_ONLY_TABLES = ("change_log",)
"""Tables whose rows are only ever inserted: no code updates or deletes them (the one exception,
``auditdesk log purge``, is run by the database owner). On PostgreSQL no role but the owner may
UPDATE, DELETE or TRUNCATE them: grant other roles SELECT and INSERT only (see
:func:`auditdesk.store.change_log.restrict_append_only`)."""


self_assessments = Table(
    "self_assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("result", String(20), nullable=False),
    UniqueConstraint("audit_id", "item_id", name="uq_self_assessments_audit_item"),
)

rectification_moves = Table(
    "rectification_moves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finding_id", String(36), ForeignKey("findings.id", ondelete="CASCADE"), nullable=False),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("moved_by", String(50), nullable=False, server_default=""),
    Column("moved_at", Timestamp, nullable=False),
    Column("visit_id", String(36)),
    Index("ix_moves_finding", "finding_id"),
)

followups = Table(
    "followups",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("planned_on", Date, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("visit_id", String(36)),
    Column("done_on", Date),
    Index("ix_followups_planned", "planned_on"),
    Index("ix_followups_audit", "audit_id"),
    *_version_columns(),
)

letters = Table(
    "letters",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("reply_due", Date, nullable=False),
    Column("replied_on", Date),
    Column("note", Text, nullable=False, server_default=""),
    Index("ix_letters_audit", "audit_id"),
    Column("number", String(80)),
    Column("number_year", Integer),
    Column("number_seq", Integer),
    Column("served_on", Date),
    Column("content", Json),
    Column("document_sha256", String(64)),
    Index("uq_letters_number", "kind", "number_year", "number_seq", unique=True),
    *_version_columns(),
)

union_settings = Table(
    "union_settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

exchange_state = Table(
    "exchange_state",
    metadata,
    Column("table_name", String(40), primary_key=True),
    Column("record_key", String(200), primary_key=True),
    Column("content_sha", String(64), primary_key=True),
    Column("exchanged_at", Timestamp, nullable=False),
)

report_issues = Table(
    "report_issues",
    metadata,
    *_record_columns(),
    Column("audit_id", String(36), ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("number", String(60), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False),
    Column("issued_by", String(50), nullable=False, server_default=""),
    Column("snapshot", Json, nullable=False),
    Index("ix_report_issues_audit", "audit_id"),
    *_version_columns(),
)

towns = Table(
    "towns",
    metadata,
    *_record_columns(),
    Column("name", String(100), nullable=False, unique=True),
    *_version_columns(),
)

FILE_CHUNK_SIZE = 1 << 20
"""Bytes per :data:`file_chunks` row (1 MiB): a file goes in and out one chunk at a time."""

file_blobs = Table(
    "file_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInt, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)
"""Evidence files held in a server database, once per content (unused on SQLite, where they stay
in the data dir). A row goes in the transaction that removes its last attachment."""

file_chunks = Table(
    "file_chunks",
    metadata,
    Column(
        "sha256",
        String(64),
        ForeignKey("file_blobs.sha256", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

office_settings = Table(
    "office_settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Json, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)
"""Settings every user of a shared database sees alike (``followup_days``); on SQLite they stay in
the data dir's preferences."""

office_checklists = Table(
    "office_checklists",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("content", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)
"""The office's own checklist files (``town.toml``) on a server, by file name with their text;
on SQLite they stay in ``<data>/checklists``."""

VERSIONED_TABLES: tuple[str, ...] = tuple(
    name
    for name, table in metadata.tables.items()
    if {"version", "updated_by"} <= set(table.columns.keys())
)
"""The editable records' tables (those with :func:`_version_columns`): saved only at the version
the change was based on, and stamped with who saved them last."""
