"""SQL for 跟诊 and the town-wide view: rectification moves, follow-ups, letters, dashboard counts.

A mixin of :class:`auditdesk.store.db.Tx` (kept apart so db.py stays readable).
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, and_, func, insert, select

from auditdesk.models.finding import finding_code
from auditdesk.models.followup import FollowUp, Letter, RectificationMove
from auditdesk.store import schema
from auditdesk.store.authors import authored
from auditdesk.store.predicates import open_finding
from auditdesk.store.upsert import upsert
from auditdesk.store.versions import serialize, update_versioned


class DueFollowup(NamedTuple):
    """One open follow-up of the due list and the calendar (what :meth:`due_followups` reads)."""

    id: str
    audit_id: str
    planned_on: date
    note: str
    company_id: str
    company_name: str
    town: str
    version: int
    """The record version the due list's 改期 saves against."""


class OverdueFinding(NamedTuple):
    """One row of the due list's overdue findings (what :meth:`overdue_finding_list` reads)."""

    id: str
    audit_id: str
    code: str
    """The printed 问题编号 (``W07``), as :attr:`Finding.code`."""
    title: str
    due_date: date
    company_id: str
    company_name: str
    version: int


class FollowupQueries:
    conn: Connection
    signed_in: str | None

    def _insert(self, table: Table, values: dict[str, Any]) -> None:  # provided by Tx
        raise NotImplementedError

    # -------------------------------------------------------------- rectification moves
    def insert_move(self, move: RectificationMove) -> None:
        move = authored(self.signed_in, "rectification_moves", move)
        values = move.model_dump(mode="python", exclude={"id"})
        values["from_status"] = move.from_status.value
        values["to_status"] = move.to_status.value
        self.conn.execute(insert(schema.rectification_moves).values(**values))

    def list_moves(self, finding_id: str) -> list[RectificationMove]:
        m = schema.rectification_moves
        rows = self.conn.execute(select(m).where(m.c.finding_id == finding_id).order_by(m.c.id))
        return [RectificationMove.model_validate(dict(r._mapping)) for r in rows]

    # -------------------------------------------------------------- follow-ups
    def insert_followup(self, followup: FollowUp) -> None:
        followup = authored(self.signed_in, "followups", followup)
        self._insert(schema.followups, followup.model_dump(mode="python"))

    def update_followup(self, followup: FollowUp) -> FollowUp:
        """Save a follow-up based on ``followup.version``; returns it at its new version.

        Raises:
            StaleRecordError: someone else saved it since that version was read.
            NotFoundError: it was deleted.
        """
        followup = authored(self.signed_in, "followups", followup)
        values = followup.model_dump(mode="python")
        version = update_versioned(
            self.conn, schema.followups, followup.id, followup.version, values, FollowUp
        )
        return followup.model_copy(update={"version": version})

    def list_followups(
        self, audit_id: str | None = None, *, open_only: bool = False
    ) -> list[FollowUp]:
        f = schema.followups
        query = select(f)
        if audit_id is not None:
            query = query.where(f.c.audit_id == audit_id)
        if open_only:
            query = query.where(f.c.visit_id.is_(None))
        rows = self.conn.execute(query.order_by(f.c.planned_on))
        return [FollowUp.model_validate(dict(r._mapping)) for r in rows]

    def due_followups(self, until: date) -> list[DueFollowup]:
        """Open follow-ups planned up to ``until``, with the company id, name and town, earliest
        first. Only the columns the due list and the calendar use are read (no model per row)."""
        f, a, c = schema.followups, schema.audits, schema.companies
        rows = self.conn.execute(
            select(f.c.id, f.c.audit_id, f.c.planned_on, f.c.note,
                   c.c.id.label("company_id"), c.c.name.label("company_name"), c.c.town,
                   f.c.version)
            .join(a, a.c.id == f.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(and_(f.c.visit_id.is_(None), f.c.planned_on <= until))
            .order_by(f.c.planned_on)
        )  # fmt: skip
        return [DueFollowup(r.id, r.audit_id, r.planned_on, r.note or "", r.company_id,
                            r.company_name, r.town or "", r.version) for r in rows]  # fmt: skip

    # -------------------------------------------------------------- letters
    def insert_letter(self, letter: Letter) -> None:
        letter = authored(self.signed_in, "letters", letter)
        values = letter.model_dump(mode="python")
        values["kind"] = letter.kind.value
        self._insert(schema.letters, values)

    def update_letter(self, letter: Letter) -> Letter:
        """As :meth:`update_followup`."""
        letter = authored(self.signed_in, "letters", letter)
        values = letter.model_dump(mode="python")
        values["kind"] = letter.kind.value
        version = update_versioned(
            self.conn, schema.letters, letter.id, letter.version, values, Letter
        )
        return letter.model_copy(update={"version": version})

    def list_letters(self, audit_id: str | None = None) -> list[Letter]:
        t = schema.letters
        query = select(t) if audit_id is None else select(t).where(t.c.audit_id == audit_id)
        return [
            Letter.model_validate(dict(r._mapping))
            for r in self.conn.execute(query.order_by(t.c.issued_on, t.c.number_seq))
        ]

    def next_letter_seq(self, kind: str, year: int) -> int:
        """The next number in the sequence of ``kind`` letters of ``year`` (1 for the first).
        Call inside the write transaction that inserts the letter: the unique index
        ``uq_letters_number`` refuses a duplicate, and the numbering lock of ``kind`` and
        ``year``, held until the commit, makes a second writer wait for the first."""
        t = schema.letters
        serialize(self.conn, f"letter-number:{kind}:{year}")
        top = self.conn.execute(
            select(func.max(t.c.number_seq)).where(and_(t.c.kind == kind, t.c.number_year == year))
        ).scalar_one()
        return int(top or 0) + 1

    # -------------------------------------------------------------- union settings
    def union_settings(self) -> dict[str, str]:
        t = schema.union_settings
        return {str(r.key): str(r.value) for r in self.conn.execute(select(t.c.key, t.c.value))}

    def set_union_settings(self, values: dict[str, str], now: Any) -> None:
        t = schema.union_settings
        for key, value in values.items():
            upsert(self.conn, t, {"key": key, "value": value, "updated_at": now}, ("key",))

    def unanswered_letters(self, until: date) -> list[tuple[Letter, str, str]]:
        """Letters without a reply whose deadline is on or before ``until`` (overdue included)."""
        return self._letters(until, inclusive=True)

    def overdue_letters(self, today: date) -> list[tuple[Letter, str, str]]:
        return self._letters(today, inclusive=False)

    def _letters(self, day: date, *, inclusive: bool) -> list[tuple[Letter, str, str]]:
        t, a, c = schema.letters, schema.audits, schema.companies
        rows = self.conn.execute(
            select(t, c.c.id.label("company_id"), c.c.name.label("company_name"))
            .join(a, a.c.id == t.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(
                and_(
                    t.c.replied_on.is_(None),
                    t.c.reply_due <= day if inclusive else t.c.reply_due < day,
                )
            )
            .order_by(t.c.reply_due)
        )
        out = []
        for r in rows:
            m = dict(r._mapping)
            company_id, name = m.pop("company_id"), m.pop("company_name")
            out.append((Letter.model_validate(m), company_id, name))
        return out

    # -------------------------------------------------------------- dashboard
    def finding_facts(
        self, *, town: str | None = None, since: date | None = None, until: date | None = None
    ) -> list[tuple[str, str, str, str, str, str, Any, Any, Any]]:
        """One tuple per kept finding: company id, name, town, area, severity, status, money at
        stake (Decimal or None), due date, money kind (text or None). Aggregated in Python: money is never summed in SQL
        (REAL), and the query stays the same on SQLite and PostgreSQL."""
        f, a, c = schema.findings, schema.audits, schema.companies
        query = (
            select(c.c.id, c.c.name, c.c.town, f.c.area, f.c.severity, f.c.status,
                   f.c.money_at_stake, f.c.due_date, f.c.money_kind)
            .join(a, a.c.id == f.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(f.c.dismissed_at.is_(None))
        )  # fmt: skip
        query = _filtered(query, a, c, town, since, until)
        return [tuple(r) for r in self.conn.execute(query)]

    def count_overdue_followups(
        self,
        today: date,
        *,
        town: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> int:
        f, a, c = schema.followups, schema.audits, schema.companies
        query = (
            select(func.count())
            .select_from(f.join(a, a.c.id == f.c.audit_id).join(c, c.c.id == a.c.company_id))
            .where(and_(f.c.visit_id.is_(None), f.c.planned_on < today))
        )
        query = _filtered(query, a, c, town, since, until)
        return int(self.conn.execute(query).scalar_one())

    def overdue_finding_list(self, today: date) -> list[OverdueFinding]:
        """Open findings past their deadline, each with its company id and name, earliest first.

        Only the columns the due list shows are read (no full :class:`Finding`: with 20,000
        findings, decoding each one's JSON columns and validating it was most of the due list's
        time)."""
        f, a, c = schema.findings, schema.audits, schema.companies
        rows = self.conn.execute(
            select(f.c.id, f.c.audit_id, f.c.number, f.c.title, f.c.due_date,
                   c.c.id.label("company_id"), c.c.name.label("company_name"), f.c.version)
            .join(a, a.c.id == f.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(and_(open_finding(f), f.c.due_date < today))
            .order_by(f.c.due_date, c.c.name, f.c.number)
        )  # fmt: skip
        return [
            OverdueFinding(
                r.id, r.audit_id, finding_code(r.number) if r.number else str(r.id)[:8].upper(),
                r.title, r.due_date, r.company_id, r.company_name, r.version,
            )
            for r in rows
        ]  # fmt: skip

    def overdue_findings(self, today: date, *, town: str | None = None) -> int:
        f, a, c = schema.findings, schema.audits, schema.companies
        query = (
            select(func.count())
            .select_from(f.join(a, a.c.id == f.c.audit_id).join(c, c.c.id == a.c.company_id))
            .where(and_(open_finding(f), f.c.due_date < today))
        )
        if town:
            query = query.where(c.c.town == town)
        return int(self.conn.execute(query).scalar_one())


def _filtered(
    query: Any, a: Table, c: Table, town: str | None, since: date | None, until: date | None
) -> Any:
    if town:
        query = query.where(c.c.town == town)
    if since is not None:
        query = query.where(a.c.started_on >= since)
    if until is not None:
        query = query.where(a.c.started_on <= until)
    return query
