"""SQL for 跟诊 and the town-wide view: rectification moves, follow-ups, letters, dashboard counts.

A mixin of :class:`auditdesk.store.db.Tx` (kept apart so db.py stays readable).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
    union_all,
)

from auditdesk.models.finding import MoneyKind, RectificationStatus, finding_code
from auditdesk.models.followup import FollowUp, Letter, RectificationMove
from auditdesk.store import schema
from auditdesk.store.authors import authored
from auditdesk.store.predicates import OPEN_VALUES, open_finding
from auditdesk.store.types import Money
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
    number: int = 0
    """The 问题编号's number (0 for a finding without one): the due list's order within a day."""


CLOSED = RectificationStatus.VERIFIED_CLOSED.value
OWED_KINDS = sorted(k.value for k in MoneyKind if k.owed)


class CompanyCounts(NamedTuple):
    """One company's line of the dashboard (:meth:`FollowupQueries.dashboard_counts`)."""

    company_id: str
    name: str
    town: str
    found: int
    closed: int
    """Verified closed (已核验关闭)."""
    open: int
    overdue: int
    """Open with a deadline before the day asked about."""
    money_owed: Decimal | None
    """Wages and contributions owed found in this company (any status); ``None``: none recorded."""


class FindingGroup(NamedTuple):
    """The kept findings of one (area, severity, status, money kind): how many, and their amounts."""

    area: str
    severity: str
    status: str
    money_kind: str | None
    findings: int
    money: Decimal | None
    """The sum of the group's recorded amounts (one kind); ``None``: none recorded."""


class DueKey(NamedTuple):
    """One entry of the due list, as ordered and paged in SQL (:meth:`FollowupQueries.due_keys`)."""

    kind: str
    """``followup``, ``letter`` or ``finding``."""
    ref: str
    """The follow-up, letter or finding id."""
    day: date
    overdue: bool


class DueCounts(NamedTuple):
    by_kind: dict[str, int]
    """``followup`` / ``letter`` / ``finding`` → entries (kinds without entries left out)."""
    overdue: int


class DashboardCounts(NamedTuple):
    companies: list[CompanyCounts]
    groups: list[FindingGroup]


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

    def due_followups(self, until: date, *, ids: list[str] | None = None) -> list[DueFollowup]:
        """Open follow-ups planned up to ``until`` (only those of ``ids`` when given), with the
        company id, name and town, earliest first. Only the columns the due list and the calendar
        use are read (no model per row)."""
        f, a, c = schema.followups, schema.audits, schema.companies
        query = (
            select(f.c.id, f.c.audit_id, f.c.planned_on, f.c.note,
                   c.c.id.label("company_id"), c.c.name.label("company_name"), c.c.town,
                   f.c.version)
            .join(a, a.c.id == f.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(and_(f.c.visit_id.is_(None), f.c.planned_on <= until))
            .order_by(f.c.planned_on)
        )  # fmt: skip
        if ids is not None:
            query = query.where(f.c.id.in_(ids))
        rows = self.conn.execute(query)
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

    def last_letter_date(self, kind: str, year: int) -> date | None:
        """The latest 发文日期 of the numbered ``kind`` letters of ``year`` (``None`` before the
        first): a letter numbered next must not be dated before it."""
        t = schema.letters
        top = self.conn.execute(
            select(func.max(t.c.issued_on)).where(and_(t.c.kind == kind, t.c.number_year == year))
        ).scalar_one()
        return None if top is None else date.fromisoformat(str(top)[:10])

    # -------------------------------------------------------------- union settings
    def union_settings(self) -> dict[str, str]:
        t = schema.union_settings
        return {str(r.key): str(r.value) for r in self.conn.execute(select(t.c.key, t.c.value))}

    def set_union_settings(self, values: dict[str, str], now: Any) -> None:
        t = schema.union_settings
        for key, value in values.items():
            upsert(self.conn, t, {"key": key, "value": value, "updated_at": now}, ("key",))

    def unanswered_letters(
        self, until: date, *, ids: list[str] | None = None
    ) -> list[tuple[Letter, str, str]]:
        """Letters without a reply whose deadline is on or before ``until`` (overdue included;
        only those of ``ids`` when given), each with its company id and name."""
        return self._letters(until, inclusive=True, ids=ids)

    def overdue_letters(self, today: date) -> list[tuple[Letter, str, str]]:
        return self._letters(today, inclusive=False)

    def _letters(
        self, day: date, *, inclusive: bool, ids: list[str] | None = None
    ) -> list[tuple[Letter, str, str]]:
        t, a, c = schema.letters, schema.audits, schema.companies
        query = (
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
        if ids is not None:
            query = query.where(t.c.id.in_(ids))
        rows = self.conn.execute(query)
        out = []
        for r in rows:
            m = dict(r._mapping)
            company_id, name = m.pop("company_id"), m.pop("company_name")
            out.append((Letter.model_validate(m), company_id, name))
        return out

    # -------------------------------------------------------------- dashboard
    def dashboard_counts(
        self,
        today: date,
        *,
        town: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> DashboardCounts:
        """The dashboard's figures, counted and summed in SQL over the kept (not dismissed)
        findings of the audits chosen by ``town`` and by ``since``/``until`` (audit start dates,
        inclusive): one row per company followed — every company in ``town``, or with a period
        every one with an audit started in it, findings or not (zeros) — and one per (area, severity, status,
        money kind) group. Money is summed exactly per kind, never across kinds: ``SUM`` of
        NUMERIC on PostgreSQL, ``decimal_sum`` of the canonical text on SQLite
        (:class:`auditdesk.store.sqlite.DecimalSum`); ``None`` where no amount was recorded.
        "Overdue": open (the same test as :attr:`Finding.is_open`) with a deadline before
        ``today``."""
        f, a, c = schema.findings, schema.audits, schema.companies
        money_sum = func.decimal_sum if self.conn.dialect.name == "sqlite" else func.sum
        is_open = f.c.status.in_(OPEN_VALUES)
        owed = f.c.money_kind.in_(OWED_KINDS)

        def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.count(case((condition, 1)))

        def total(amount: Any) -> ColumnElement[Decimal]:
            return type_coerce(money_sum(amount), Money)

        joined = f.join(a, a.c.id == f.c.audit_id).join(c, c.c.id == a.c.company_id)
        # per audit first, without joins (20,000 findings, a few thousand audits), then per
        # company: the joins and the filters see one row per audit
        per_audit = (
            select(f.c.audit_id, func.count().label("found"),
                   count_if(f.c.status == CLOSED).label("closed"),
                   count_if(is_open).label("open"),
                   count_if(and_(is_open, f.c.due_date < today)).label("overdue"),
                   money_sum(case((owed, f.c.money_at_stake))).label("owed"))
            .where(f.c.dismissed_at.is_(None))
            .group_by(f.c.audit_id)
            .subquery("per_audit")
        )  # fmt: skip
        p = per_audit.c
        # every company followed (in ``town``; with a period, those with an audit started in
        # it), with or without findings: outer joins from the companies
        dated = since is not None or until is not None
        followed = (c.join(a, a.c.company_id == c.c.id) if dated
                    else c.outerjoin(a, a.c.company_id == c.c.id))  # fmt: skip

        def zero_if_none(column: Any) -> ColumnElement[int]:
            return func.coalesce(func.sum(column), 0)

        per_company = _filtered(
            select(c.c.id, c.c.name, c.c.town, zero_if_none(p.found), zero_if_none(p.closed),
                   zero_if_none(p.open), zero_if_none(p.overdue), total(p.owed))
            .select_from(followed.outerjoin(per_audit, p.audit_id == a.c.id))
            .group_by(c.c.id, c.c.name, c.c.town),
            a, c, town, since, until,
        )  # fmt: skip
        # every finding has its audit and company (foreign keys): join them only to filter
        audits_of = f.join(a, a.c.id == f.c.audit_id)
        groups = _filtered(
            select(f.c.area, f.c.severity, f.c.status, f.c.money_kind, func.count(),
                   total(f.c.money_at_stake))
            .select_from(joined if town else audits_of if since or until else f)
            .where(f.c.dismissed_at.is_(None))
            .group_by(f.c.area, f.c.severity, f.c.status, f.c.money_kind),
            a, c, town, since, until,
        )  # fmt: skip
        return DashboardCounts(
            companies=[CompanyCounts(r[0], r[1], r[2] or "", int(r[3]), int(r[4]), int(r[5]),
                                     int(r[6]), r[7])
                       for r in self.conn.execute(per_company)],
            groups=[FindingGroup(r[0], r[1], r[2], r[3], r[4], r[5])
                    for r in self.conn.execute(groups)],
        )  # fmt: skip

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

    def overdue_finding_list(
        self, today: date, *, ids: list[str] | None = None
    ) -> list[OverdueFinding]:
        """Open findings past their deadline (only those of ``ids`` when given), each with its
        company id and name, earliest first.

        Only the columns the due list shows are read (no full :class:`Finding`: with 20,000
        findings, decoding each one's JSON columns and validating it was most of the due list's
        time)."""
        f, a, c = schema.findings, schema.audits, schema.companies
        query = (
            select(f.c.id, f.c.audit_id, f.c.number, f.c.title, f.c.due_date,
                   c.c.id.label("company_id"), c.c.name.label("company_name"), f.c.version)
            .join(a, a.c.id == f.c.audit_id)
            .join(c, c.c.id == a.c.company_id)
            .where(and_(open_finding(f), f.c.due_date < today))
            .order_by(f.c.due_date, c.c.name, f.c.number)
        )  # fmt: skip
        if ids is not None:
            query = query.where(f.c.id.in_(ids))
        rows = self.conn.execute(query)
        return [
            OverdueFinding(
                r.id, r.audit_id, finding_code(r.number) if r.number else str(r.id)[:8].upper(),
                r.title, r.due_date, r.company_id, r.company_name, r.version, r.number or 0,
            )
            for r in rows
        ]  # fmt: skip

    # -------------------------------------------------------------- the due list, paged
    def _due_entries(
        self, today: date, until: date, *, names: bool = True, through: date | None = None
    ) -> Any:
        """The due list's entries as one ``UNION ALL`` subquery: kind, ref, day, late (1 overdue,
        0 not) and, with ``names``, the company name and rank/seq to break ties as the unpaged
        list did (follow-ups, then letters, then findings; letters by number, findings by
        问题编号). Without ``names`` no audit or company is joined (counting needs none).
        ``through``: only entries on or before that day."""
        f, t, fi = schema.followups, schema.letters, schema.findings
        a, c = schema.audits, schema.companies

        def entries(
            kind: str, rank: int, table: Table, day: Any, late: Any, seq: Any
        ) -> Select[Any]:
            columns = [literal_column(f"'{kind}'", String).label("kind"), table.c.id.label("ref"),
                       day.label("day"), late.label("late")]  # fmt: skip
            if not names:
                query = select(*columns).select_from(table)
            else:
                query = (
                    select(*columns, c.c.name.label("company"),
                           literal_column(str(rank), Integer).label("rank"), seq.label("seq"))
                    .select_from(table.join(a, a.c.id == table.c.audit_id)
                                 .join(c, c.c.id == a.c.company_id))
                )  # fmt: skip
            return query if through is None else query.where(day <= through)

        def late_if(condition: ColumnElement[bool]) -> Any:
            return case((condition, 1), else_=0)

        return union_all(
            entries("followup", 0, f, f.c.planned_on, late_if(f.c.planned_on < today),
                    literal_column("0", Integer))
            .where(and_(f.c.visit_id.is_(None), f.c.planned_on <= until)),
            entries("letter", 1, t, t.c.reply_due, late_if(t.c.reply_due < today),
                    func.coalesce(t.c.number_seq, 0))
            .where(and_(t.c.replied_on.is_(None), t.c.reply_due <= until)),
            entries("finding", 2, fi, fi.c.due_date, literal_column("1", Integer),
                    func.coalesce(fi.c.number, 0))
            .where(and_(open_finding(fi), fi.c.due_date < today)),
        ).subquery("due")  # fmt: skip

    def due_keys(
        self, today: date, until: date, *, limit: int | None = None, offset: int = 0
    ) -> list[DueKey]:
        """The due list's entries ordered in SQL — overdue first, then by day, company name,
        kind (follow-up, letter, finding) and number — from ``offset``, at most ``limit``
        (``None``: all). Entries: open follow-ups planned up to ``until``, unanswered letters due
        up to ``until``, open findings with a deadline before ``today``.

        An entry is overdue exactly when its day is before ``today``, so the order is by day
        first: a page first finds the last day it reaches (no joins), then names and orders
        only the entries up to that day, not the district's thousands."""
        if limit == 0:
            return []
        through: date | None = None  # None: the page runs past the end, so every entry
        if limit is not None:
            bare = self._due_entries(today, until, names=False)
            through = self.conn.execute(
                select(bare.c.day).order_by(bare.c.day).offset(offset + limit - 1).limit(1)
            ).scalar_one_or_none()
        due = self._due_entries(today, until, through=through)
        query = (
            select(due.c.kind, due.c.ref, due.c.day, due.c.late)
            .order_by(due.c.late.desc(), due.c.day, due.c.company, due.c.rank, due.c.seq,
                      due.c.ref)
            .offset(offset)
        )  # fmt: skip
        if limit is not None:
            query = query.limit(limit)
        return [DueKey(r.kind, r.ref, r.day, bool(r.late)) for r in self.conn.execute(query)]

    def due_counts(self, today: date, until: date) -> DueCounts:
        """How many entries :meth:`due_keys` has in all, per kind, and how many are overdue."""
        due = self._due_entries(today, until, names=False)
        by_kind: dict[str, int] = {}
        overdue = 0
        for kind, late, n in self.conn.execute(
            select(due.c.kind, due.c.late, func.count()).group_by(due.c.kind, due.c.late)
        ):
            by_kind[kind] = by_kind.get(kind, 0) + n
            overdue += n if late else 0
        return DueCounts(by_kind, overdue)

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
