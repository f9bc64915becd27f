"""Author columns (记录人): which columns name who made a change, and how the signed-in office
user is written into them — by the server's trigger (:data:`AUTHOR_COLUMNS`, see
:mod:`auditdesk.store.roles`) and, for the records a transaction returns, by :func:`authored`
with the same rules, so no service has to substitute the author itself."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from auditdesk.store import schema

M = TypeVar("M", bound=BaseModel)

AUTHOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("answers", "answered_by", "always"),
    ("change_log", "changed_by", "changed"),
    ("rectification_moves", "moved_by", "changed"),
    ("report_issues", "issued_by", "changed"),
    ("findings", "dismissed_by", "dismissed_at"),
    *((table, "updated_by", "always") for table in schema.VERSIONED_TABLES),
)
"""Author columns stamped by the server (记录人, every change's author, and who saved each
versioned record last — the name a stale-save refusal shows): (table, column, mode). A column the
schema lacks is skipped. Modes: ``always`` (every write), ``changed`` (when the client sets or
changes it) or the name of a companion column whose change also marks a new author
(``dismissed_at``)."""


KEEPING_AUTHOR = frozenset(t for t, _column, mode in AUTHOR_COLUMNS if mode != "always")
"""Tables with an author column that an update leaves as it is unless it changes: stamping a save
to one needs the stored record (``old`` of :func:`authored`)."""


def authored(signed_in: str | None, table: str, record: M, old: BaseModel | None = None) -> M:
    """``record``, about to be written to ``table``, with its author fields naming ``signed_in``
    (the office user's display name) as the server's trigger will store them: an ``always`` field
    on every write; another when ``record`` sets it (not ``None``) on an insert (``old`` is
    ``None``), or changes it or its companion field from ``old`` on an update. ``record`` as it
    is when nobody is signed in (SQLite, or a login that is no office user)."""
    if signed_in is None:
        return record
    stamp: dict[str, str] = {}
    for name, column, mode in AUTHOR_COLUMNS:
        if name != table or column not in type(record).model_fields:
            continue
        if mode != "always":
            value = getattr(record, column)
            if value is None:
                continue
            if (
                old is not None
                and value == getattr(old, column)
                and (mode == "changed" or getattr(record, mode) == getattr(old, mode))
            ):
                continue  # the author of an earlier change stays
        stamp[column] = signed_in
    return record.model_copy(update=stamp) if stamp else record
