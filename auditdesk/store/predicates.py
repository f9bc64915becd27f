"""SQL predicates shared by every query that counts or lists findings, so each count means the same."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_

from auditdesk.models.finding import OPEN_STATUSES

OPEN_VALUES = sorted(s.value for s in OPEN_STATUSES)


def open_finding(f: Table) -> ColumnElement[bool]:
    """An open finding of the ``findings`` table ``f``: not dismissed and still to rectify — the SQL
    form of :attr:`auditdesk.models.finding.Finding.is_open`."""
    return and_(f.c.dismissed_at.is_(None), f.c.status.in_(OPEN_VALUES))
