"""The only package that talks SQL: SQLAlchemy Core over SQLite (default) or PostgreSQL (later)."""

from auditdesk.store.db import Store, Tx

__all__ = ["Store", "Tx"]
