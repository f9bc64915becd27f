"""Store: open (pragmas, migrations, error translation), transactions, and CRUD returning pydantic objects."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from auditdesk.errors import (
    DatabaseCorruptError,
    DatabaseReplacedError,
    NotFoundError,
    StaleRecordError,
)
from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import Answer, Audit, AuditSummary, Visit
from auditdesk.models.common import utcnow
from auditdesk.models.company import Company, CompanySummary
from auditdesk.models.finding import Finding
from auditdesk.models.payroll import ColumnMapping, PayrollImport, PayrollRow
from auditdesk.models.user import OfficeUser
from auditdesk.store import pgdump, schema
from auditdesk.store.authors import KEEPING_AUTHOR, authored
from auditdesk.store.change_log import ChangeLogQueries
from auditdesk.store.errors import RETRY_SQLSTATES, sqlstate, translated
from auditdesk.store.exchange import ExchangeQueries
from auditdesk.store.file_queries import FileQueries
from auditdesk.store.followup_queries import FollowupQueries
from auditdesk.store.migrate import migrate, read_version
from auditdesk.store.predicates import open_finding
from auditdesk.store.report_queries import ReportQueries
from auditdesk.store.restore import RestoredDump, restore_dump
from auditdesk.store.roles import InitResult, RoleQueries, init_server, refresh_security
from auditdesk.store.server import (
    check_server_version,
    create_server_engine,
    display_url,
    parse_server_url,
    upgrade_server,
)
from auditdesk.store.sqlite import WRITE_OPTION, create_sqlite_engine, integrity_problems
from auditdesk.store.town_queries import TownQueries
from auditdesk.store.upsert import insert_new, upsert
from auditdesk.store.versions import (
    delete_versioned,
    hidden_write_refusal,
    stale_message,
    update_versioned,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", Company, Audit, Finding)
T = TypeVar("T")


def _to_model(model: type[M], row: Row[Any]) -> M:
    return model.model_validate(dict(row._mapping))


def _values(record: BaseModel) -> dict[str, Any]:
    # mode="python" keeps Decimal, date and datetime for the column types to store.
    return record.model_dump(mode="python")


def _json_values(record: BaseModel, *json_fields: str) -> dict[str, Any]:
    values = _values(record)
    for name in json_fields:
        values[name] = record.model_dump(mode="json", include={name})[name]
    return values


def _audit_values(audit: Audit) -> dict[str, Any]:
    return _json_values(audit, "auditors")


def _visit_values(visit: Visit) -> dict[str, Any]:
    return _json_values(visit, "channels", "attendees")


def _finding_values(finding: Finding) -> dict[str, Any]:
    return _json_values(finding, "legal_basis")


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file (Windows gives its volume serial and file index), ``None`` when
    it does not exist."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\"``: its own ``%``, ``_`` and ``\\`` literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    return f"%{_escape_like(text)}%"


@dataclass(frozen=True)
class DeletedCounts:
    companies: int
    audits: int
    findings: int
    attachments: int
    attachment_hashes: frozenset[str]


class Tx(
    ChangeLogQueries,
    FollowupQueries,
    ExchangeQueries,
    ReportQueries,
    TownQueries,
    RoleQueries,
    FileQueries,
):
    """The operations available inside one transaction. Only the store creates these.

    ``signed_in``: the office user's display name on a server (``None`` on SQLite, or for a login
    that is no office user). The records a transaction writes name them as author whatever the
    caller gave (:func:`auditdesk.store.authors.authored`, as the server's trigger stores them),
    so a service passes its ``by`` on as given."""

    def __init__(self, conn: Connection, signed_in: str | None = None) -> None:
        self.conn = conn
        self.signed_in = signed_in

    def author(self, given: str = "") -> str:
        """The author to record (记录人): the signed-in office user, else ``given``."""
        return self.signed_in if self.signed_in is not None else given

    # -------------------------------------------------------------- generic helpers
    def _insert(self, table: Table, values: dict[str, Any]) -> None:
        self.conn.execute(insert(table).values(**values))

    def _insert_record(
        self, table: Table, record: M, values_of: Callable[[M], dict[str, Any]] = _values
    ) -> M:
        """Insert ``record`` (its columns as ``values_of`` gives them), with its author fields
        naming the signed-in user; returns it as written."""
        record = authored(self.signed_in, table.name, record)
        self._insert(table, values_of(record))
        return record

    def _update(
        self, table: Table, record: R, values_of: Callable[[R], dict[str, Any]] = _values
    ) -> R:
        """Save ``record`` (its columns as ``values_of`` gives them, its author fields naming the
        signed-in user) over the stored one when that is still at ``record.version`` (the
        version the change was based on); returns it at its new version.

        Raises:
            StaleRecordError: someone else saved the record since (see
                :func:`auditdesk.store.versions.update_versioned`).
            NotFoundError: it was deleted.
        """
        old = None
        if self.signed_in is not None and table.name in KEEPING_AUTHOR:
            row = self.conn.execute(select(table).where(table.c.id == record.id)).first()
            old = _to_model(type(record), row) if row is not None else None
        record = authored(self.signed_in, table.name, record, old)
        version = update_versioned(
            self.conn, table, record.id, record.version, values_of(record), type(record)
        )
        return record.model_copy(update={"version": version})

    def refuse_if_hidden(self, table: Table, where: Any) -> None:
        """After an UPDATE or DELETE that matched no row: refuse, when row-level security hid
        a row under ``where`` from the write (see
        :func:`auditdesk.store.versions.hidden_write_refusal`).

        Raises:
            PermissionDeniedError: so (Chinese message).
        """
        refusal = hidden_write_refusal(self.conn, table, where)
        if refusal is not None:
            raise refusal

    # -------------------------------------------------------------- companies
    def insert_company(self, company: Company) -> None:
        self._insert_record(schema.companies, company)

    def update_company(self, company: Company) -> Company:
        """Save a company based on ``company.version``; returns it at its new version.
        Raises StaleRecordError / NotFoundError (see :meth:`_update`)."""
        return self._update(schema.companies, company)

    def get_company(self, company_id: str) -> Company | None:
        row = self.conn.execute(
            select(schema.companies).where(schema.companies.c.id == company_id)
        ).first()
        return _to_model(Company, row) if row else None

    def require_company(self, company_id: str) -> Company:
        """The company, or :class:`NotFoundError` naming the id."""
        company = self.get_company(company_id)
        if company is None:
            raise NotFoundError(
                f"找不到企业（编号 {company_id}），可能已被删除。", location=company_id
            )
        return company

    def find_company_by_credit_code(self, credit_code: str) -> Company | None:
        row = self.conn.execute(
            select(schema.companies).where(schema.companies.c.credit_code == credit_code)
        ).first()
        return _to_model(Company, row) if row else None

    def list_company_summaries(self, search: str | None = None) -> list[CompanySummary]:
        c, a, f = schema.companies, schema.audits, schema.findings
        audit_counts = (
            select(a.c.company_id, func.count().label("n")).group_by(a.c.company_id).subquery()
        )
        open_counts = (
            select(a.c.company_id, func.count().label("n"))
            .select_from(f.join(a, f.c.audit_id == a.c.id))
            .where(open_finding(f))
            .group_by(a.c.company_id)
            .subquery()
        )
        query = (
            select(
                c,
                func.coalesce(audit_counts.c.n, 0).label("audit_count"),
                func.coalesce(open_counts.c.n, 0).label("open_findings"),
            )
            .outerjoin(audit_counts, audit_counts.c.company_id == c.c.id)
            .outerjoin(open_counts, open_counts.c.company_id == c.c.id)
            .order_by(c.c.name, c.c.id)
        )
        if search and search.strip():
            pattern = _like(search.strip())
            query = query.where(
                or_(
                    c.c.name.ilike(pattern, escape="\\"),
                    c.c.credit_code.ilike(pattern, escape="\\"),
                    c.c.town.ilike(pattern, escape="\\"),
                    c.c.industry.ilike(pattern, escape="\\"),
                )
            )
        out = []
        for row in self.conn.execute(query):
            data = dict(row._mapping)
            audit_count = data.pop("audit_count")
            open_findings = data.pop("open_findings")
            out.append(
                CompanySummary(
                    company=Company.model_validate(data),
                    audit_count=audit_count,
                    open_findings=open_findings,
                )
            )
        return out

    def count_companies(self) -> int:
        return int(
            self.conn.execute(select(func.count()).select_from(schema.companies)).scalar_one()
        )

    def delete_company(self, company_id: str, expected: int | None = None) -> DeletedCounts:
        """Delete a company and everything under it; return what went, for the confirmation.
        With ``expected``, only when the company is still at that version.

        Raises:
            StaleRecordError: it changed since it was read (nothing deleted: the caller's
                transaction rolls back).
            NotFoundError: it does not exist (any more).
        """
        a, f, ans, att = schema.audits, schema.findings, schema.answers, schema.attachments
        audit_ids = select(a.c.id).where(a.c.company_id == company_id)
        finding_ids = select(f.c.id).where(f.c.audit_id.in_(audit_ids))
        answer_ids = select(ans.c.id).where(ans.c.audit_id.in_(audit_ids))
        att_where = or_(att.c.finding_id.in_(finding_ids), att.c.answer_id.in_(answer_ids))
        hashes = frozenset(self.conn.execute(select(att.c.sha256).where(att_where)).scalars())
        n_att = self.conn.execute(delete(att).where(att_where)).rowcount
        n_findings = self.conn.execute(
            select(func.count()).select_from(f).where(f.c.audit_id.in_(audit_ids))
        ).scalar_one()
        # Audits, visits, answers and findings go by ON DELETE CASCADE, counted first.
        n_audits = self.conn.execute(
            select(func.count()).select_from(a).where(a.c.company_id == company_id)
        ).scalar_one()
        delete_versioned(self.conn, schema.companies, company_id, expected, Company)
        self.drop_unreferenced_blobs(hashes)  # a server's files go with their last record
        return DeletedCounts(1, int(n_audits), int(n_findings), n_att, hashes)

    # -------------------------------------------------------------- audits
    def insert_audit(self, audit: Audit) -> None:
        self._insert_record(schema.audits, audit, _audit_values)

    def update_audit(self, audit: Audit) -> Audit:
        """As :meth:`update_company`."""
        return self._update(schema.audits, audit, _audit_values)

    def get_audit(self, audit_id: str) -> Audit | None:
        row = self.conn.execute(select(schema.audits).where(schema.audits.c.id == audit_id)).first()
        return _to_model(Audit, row) if row else None

    def require_audit(self, audit_id: str) -> Audit:
        """The audit, or :class:`NotFoundError` naming the id."""
        audit = self.get_audit(audit_id)
        if audit is None:
            raise NotFoundError(f"找不到体检（编号 {audit_id}），可能已被删除。", location=audit_id)
        return audit

    def list_audit_summaries(self, company_id: str | None = None) -> list[AuditSummary]:
        a, c, f = schema.audits, schema.companies, schema.findings
        counts = (
            select(
                f.c.audit_id,
                func.count().label("n"),
                func.sum(case((open_finding(f), 1), else_=0)).label("open"),
            )
            .group_by(f.c.audit_id)
            .subquery()
        )
        query = (
            select(
                a,
                c.c.name.label("company_name"),
                func.coalesce(counts.c.n, 0).label("finding_count"),
                func.coalesce(counts.c.open, 0).label("open_findings"),
            )
            .join(c, c.c.id == a.c.company_id)
            .outerjoin(counts, counts.c.audit_id == a.c.id)
            .order_by(a.c.started_on.desc(), a.c.created_at.desc())
        )
        if company_id is not None:
            query = query.where(a.c.company_id == company_id)
        out = []
        for row in self.conn.execute(query):
            data = dict(row._mapping)
            extra = {k: data.pop(k) for k in ("company_name", "finding_count", "open_findings")}
            out.append(AuditSummary(audit=Audit.model_validate(data), **extra))
        return out

    # -------------------------------------------------------------- visits, answers, findings
    def insert_visit(self, visit: Visit) -> None:
        self._insert_record(schema.visits, visit, _visit_values)

    def list_visits(self, audit_id: str) -> list[Visit]:
        v = schema.visits
        rows = self.conn.execute(select(v).where(v.c.audit_id == audit_id).order_by(v.c.visit_date))
        return [_to_model(Visit, r) for r in rows]

    def upsert_answer(self, answer: Answer) -> Answer:
        """Insert, or replace the answer to the same item in the same audit (keeping its id and
        creation time): one ``INSERT … ON CONFLICT`` statement, so two users answering the same
        item at once leave one answer, the later one."""
        ans = schema.answers
        answer = authored(self.signed_in, "answers", answer)
        row = upsert(
            self.conn,
            ans,
            {**_values(answer), "version": 1},
            ("audit_id", "item_id"),
            keep=("id", "created_at", "version"),
            on_update={"updated_at": utcnow(), "version": ans.c.version + 1},
            returning=("id", "created_at", "updated_at", "version"),
        ).one()
        return answer.model_copy(
            update={
                "id": row.id,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
                "version": row.version,
            }
        )

    def save_answer(self, answer: Answer, expected: int | None) -> Answer:
        """Save the answer to its item when the stored one is still at ``expected`` (``0``: the
        caller saw the item unanswered, with no record); ``None`` saves whatever is stored
        (:meth:`upsert_answer`). Returns it as stored, at its new version.

        Raises:
            StaleRecordError: another user saved or cleared the item's answer since the caller
                read it (``current`` is the stored answer, ``None`` when cleared).
            PermissionDeniedError: on a server, the user may not change this audit (row-level
                security hid the unchanged answer from the write).
        """
        if expected is None:
            return self.upsert_answer(answer)
        ans = schema.answers
        answer = authored(self.signed_in, "answers", answer)
        if expected == 0:
            values = {**_values(answer), "version": 1}
            if insert_new(self.conn, ans, values, ("audit_id", "item_id")):
                return answer.model_copy(update={"version": 1})
            raise self.stale_answer(answer.audit_id, answer.item_id)
        keep = {"id", "created_at", "audit_id", "item_id"}
        values = {k: v for k, v in _values(answer).items() if k not in keep}
        values["version"] = expected + 1
        unchanged = and_(
            ans.c.audit_id == answer.audit_id,
            ans.c.item_id == answer.item_id,
            ans.c.version == expected,
        )
        row = self.conn.execute(
            update(ans).where(unchanged).values(**values).returning(ans.c.id, ans.c.created_at)
        ).first()
        if row is None:
            refusal = hidden_write_refusal(self.conn, ans, unchanged, answer.item_id)
            raise refusal or self.stale_answer(answer.audit_id, answer.item_id)
        return answer.model_copy(
            update={"id": row.id, "created_at": row.created_at, "version": expected + 1}
        )

    def stale_answer(self, audit_id: str, item_id: str) -> StaleRecordError:
        """The refusal of a save based on an older copy of the item's answer (to raise)."""
        current = self.get_answer(audit_id, item_id)
        if current is None:
            return StaleRecordError(
                "该检查结果已被其他用户清除（您打开后），您的修改未保存。",
                current=None,
                location=item_id,
            )
        return StaleRecordError(
            stale_message("answers", current.updated_by, current.updated_at),
            current=current,
            changed_by=current.updated_by,
            changed_at=current.updated_at,
            location=item_id,
        )

    def list_answers(self, audit_id: str) -> list[Answer]:
        ans = schema.answers
        rows = self.conn.execute(
            select(ans).where(ans.c.audit_id == audit_id).order_by(ans.c.item_id)
        )
        return [_to_model(Answer, r) for r in rows]

    def insert_finding(self, finding: Finding) -> Finding:
        """Save a new finding; returns it with its 问题编号 (the next of its audit if unset)."""
        return self._insert_record(schema.findings, self.numbered(finding), _finding_values)

    def insert_item_finding(self, finding: Finding) -> Finding | None:
        """Save a new original finding of a checklist item, numbered as :meth:`insert_finding`;
        ``None`` (nothing written) when its item already has one in the audit (another user
        gathered it first): the unique index ``uq_findings_checklist_item`` decides."""
        finding = authored(self.signed_in, "findings", self.numbered(finding))
        values = _finding_values(finding)
        keys = ("audit_id", "origin_ref")
        where = schema.CHECKLIST_ORIGINAL
        return (
            finding if insert_new(self.conn, schema.findings, values, keys, where=where) else None
        )

    def update_finding(self, finding: Finding) -> Finding:
        """As :meth:`update_company`."""
        return self._update(schema.findings, finding, _finding_values)

    def list_findings(self, audit_id: str) -> list[Finding]:
        f = schema.findings
        rows = self.conn.execute(select(f).where(f.c.audit_id == audit_id).order_by(f.c.created_at))
        return [_to_model(Finding, r) for r in rows]

    def get_finding(self, finding_id: str) -> Finding | None:
        f = schema.findings
        row = self.conn.execute(select(f).where(f.c.id == finding_id)).first()
        return None if row is None else _to_model(Finding, row)

    def require_finding(self, finding_id: str) -> Finding:
        found = self.get_finding(finding_id)
        if found is None:
            raise NotFoundError(f"问题已不存在（编号 {finding_id}）。", location=finding_id)
        return found

    def delete_answer(self, audit_id: str, item_id: str, expected: int | None = None) -> None:
        """Delete the item's answer record (its attachments go by ON DELETE CASCADE, and a
        server's files with their last reference); with ``expected``, only while it is at that
        version.

        Raises:
            StaleRecordError: with ``expected``, another user changed or cleared it since.
        """
        ans, att = schema.answers, schema.attachments
        where = and_(ans.c.audit_id == audit_id, ans.c.item_id == item_id)
        hashes = list(
            self.conn.execute(
                select(att.c.sha256).join(ans, att.c.answer_id == ans.c.id).where(where)
            ).scalars()
        )
        query = delete(ans).where(where)
        if expected is not None:
            query = query.where(ans.c.version == expected)
        if self.conn.execute(query).rowcount == 0:
            # still there at the version this delete was based on: hidden from the write by RLS
            self.refuse_if_hidden(
                ans, where if expected is None else and_(where, ans.c.version == expected)
            )
            if expected is not None:
                raise self.stale_answer(audit_id, item_id)
            return
        if hashes:
            self.drop_unreferenced_blobs(hashes)

    def get_answer_by_id(self, answer_id: str) -> Answer | None:
        ans = schema.answers
        row = self.conn.execute(select(ans).where(ans.c.id == answer_id)).first()
        return None if row is None else _to_model(Answer, row)

    def get_answer(self, audit_id: str, item_id: str) -> Answer | None:
        ans = schema.answers
        row = self.conn.execute(
            select(ans).where(and_(ans.c.audit_id == audit_id, ans.c.item_id == item_id))
        ).first()
        return None if row is None else _to_model(Answer, row)

    # -------------------------------------------------------------- self-assessment
    def set_self_assessment(self, audit_id: str, item_id: str, result: str | None) -> None:
        sa = schema.self_assessments
        if result is None:
            self.conn.execute(
                delete(sa).where(and_(sa.c.audit_id == audit_id, sa.c.item_id == item_id))
            )
            return
        values = {"audit_id": audit_id, "item_id": item_id, "result": result}
        upsert(self.conn, sa, values, ("audit_id", "item_id"))

    def list_self_assessment(self, audit_id: str) -> dict[str, str]:
        sa = schema.self_assessments
        rows = self.conn.execute(select(sa.c.item_id, sa.c.result).where(sa.c.audit_id == audit_id))
        return {r.item_id: r.result for r in rows}

    # -------------------------------------------------------------- checklist snapshots
    def save_snapshot(self, key: str, version: str, content_hash: str, payload: Any) -> bool:
        """Store a checklist library under ``key`` once; returns False if it was already there."""
        snaps = schema.checklist_snapshots
        values = {
            "key": key,
            "version": version,
            "content_hash": content_hash,
            "payload": payload,
            "created_at": utcnow(),
        }
        return insert_new(self.conn, snaps, values, ("key",))

    def get_snapshot(self, key: str) -> Any | None:
        snaps = schema.checklist_snapshots
        row = self.conn.execute(select(snaps.c.payload).where(snaps.c.key == key)).first()
        return None if row is None else row[0]

    # -------------------------------------------------------------- payroll
    def insert_payroll_import(self, record: PayrollImport, rows: Sequence[PayrollRow]) -> None:
        """Store one imported file and its rows (money as text in the JSON, never float)."""
        record = authored(self.signed_in, "payroll_imports", record)
        values = _json_values(record, "periods", "report")
        self._insert(schema.payroll_imports, values)
        if self.conn.dialect.name == "postgresql":
            self._copy_payroll_rows(record, rows)
            return
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(
                {
                    "import_id": record.id,
                    "audit_id": record.audit_id,
                    "period": row.period,
                    "employee_id": row.employee_id,
                    "data": row.model_dump(mode="json", exclude_none=True),
                }
            )
            if len(batch) >= 5000:
                self.conn.execute(insert(schema.payroll_rows), batch)
                batch = []
        if batch:
            self.conn.execute(insert(schema.payroll_rows), batch)

    def _copy_payroll_rows(self, record: PayrollImport, rows: Sequence[PayrollRow]) -> None:
        """On a server, the rows go in with ``COPY`` in this transaction: 60,000 JSONB rows took
        twice SQLite's time as batched ``INSERT``s (benchmarks/server_queries.py)."""
        import psycopg  # only reached on a server: psycopg is there
        from psycopg.types.json import Jsonb

        raw = self.conn.connection.driver_connection
        assert raw is not None
        statement = "COPY payroll_rows (import_id, audit_id, period, employee_id, data) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    data = row.model_dump(mode="json", exclude_none=True)
                    copy.write_row((record.id, record.audit_id, row.period, row.employee_id,
                                    Jsonb(data)))  # fmt: skip
        except psycopg.Error as exc:  # as SQLAlchemy wraps it, so the store's translation applies
            raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc

    def delete_payroll_import(self, import_id: str) -> int:
        pi = schema.payroll_imports
        removed = int(self.conn.execute(delete(pi).where(pi.c.id == import_id)).rowcount)
        if not removed:
            self.refuse_if_hidden(pi, pi.c.id == import_id)
        return removed

    def get_payroll_import(self, import_id: str) -> PayrollImport | None:
        pi = schema.payroll_imports
        row = self.conn.execute(select(pi).where(pi.c.id == import_id)).first()
        return None if row is None else _to_model(PayrollImport, row)

    def list_payroll_imports(self, audit_id: str) -> list[PayrollImport]:
        pi = schema.payroll_imports
        rows = self.conn.execute(
            select(pi).where(pi.c.audit_id == audit_id).order_by(pi.c.created_at)
        )
        return [_to_model(PayrollImport, r) for r in rows]

    def payroll_row_people(
        self, audit_id: str
    ) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """Per stored payroll row of an audit: (import id, pay month, ID number, 工号, name),
        read out of the row's JSON without building the rows."""
        pr = schema.payroll_rows
        query = select(
            pr.c.import_id,
            pr.c.period,
            pr.c.data["id_number"].as_string(),
            pr.c.employee_id,
            pr.c.data["name"].as_string(),
        ).where(pr.c.audit_id == audit_id)
        return [(r[0], r[1], r[2], r[3], r[4]) for r in self.conn.execute(query)]

    def list_payroll_rows(self, audit_id: str) -> list[PayrollRow]:
        pr = schema.payroll_rows
        rows = self.conn.execute(
            select(pr.c.data).where(pr.c.audit_id == audit_id).order_by(pr.c.id)
        ).scalars()
        return [PayrollRow.model_validate(data) for data in rows]

    def get_mapping_profile(self, company_id: str) -> ColumnMapping | None:
        mp = schema.mapping_profiles
        row = self.conn.execute(select(mp.c.columns).where(mp.c.company_id == company_id)).first()
        return None if row is None else ColumnMapping.model_validate({"columns": row[0]})

    def save_mapping_profile(self, company_id: str, mapping: ColumnMapping) -> None:
        mp = schema.mapping_profiles
        columns = mapping.model_dump(mode="json")["columns"]
        values = {"company_id": company_id, "columns": columns, "updated_at": utcnow()}
        upsert(self.conn, mp, values, ("company_id",))

    # -------------------------------------------------------------- attachments
    def insert_attachment(self, attachment: Attachment) -> None:
        """Record an attachment.

        Raises:
            NotFoundError: its answer or finding is gone (another user deleted it).
        """
        try:
            with self.conn.begin_nested():
                self._insert_record(schema.attachments, attachment)
        except IntegrityError as exc:
            raise NotFoundError(
                "要添加证据的检查结果或问题已不存在（可能已被删除），附件未保存。",
                location=attachment.answer_id or attachment.finding_id,
            ) from exc

    def list_attachments(
        self, *, answer_id: str | None = None, finding_id: str | None = None
    ) -> list[Attachment]:
        att = schema.attachments
        query = select(att)
        if answer_id is not None:
            query = query.where(att.c.answer_id == answer_id)
        if finding_id is not None:
            query = query.where(att.c.finding_id == finding_id)
        return [
            _to_model(Attachment, r) for r in self.conn.execute(query.order_by(att.c.created_at))
        ]

    def get_attachment(self, attachment_id: str) -> Attachment | None:
        att = schema.attachments
        row = self.conn.execute(select(att).where(att.c.id == attachment_id)).first()
        return None if row is None else _to_model(Attachment, row)

    def attachments_with_id_prefix(self, prefix: str, *, limit: int = 2) -> list[Attachment]:
        """At most ``limit`` attachments whose id starts with ``prefix`` (ids are lower case)."""
        att = schema.attachments
        pattern = f"{_escape_like(prefix.lower())}%"
        query = select(att).where(att.c.id.like(pattern, escape="\\")).limit(limit)
        return [_to_model(Attachment, r) for r in self.conn.execute(query)]

    def delete_attachment(self, attachment_id: str) -> Attachment:
        """Delete one attachment record; on a server its stored file goes too when no other
        attachment uses it (in this transaction). Returns the deleted record.

        Raises:
            NotFoundError: no such attachment (already deleted, or a wrong id).
            PermissionDeniedError: on a server, row-level security hid it from the delete.
        """
        att = schema.attachments
        found = self.get_attachment(attachment_id)
        if found is None:
            raise NotFoundError(
                f"附件已不存在（编号 {attachment_id}），可能已被删除。", location=attachment_id
            )
        where = att.c.id == attachment_id
        if self.conn.execute(delete(att).where(where)).rowcount == 0:
            self.refuse_if_hidden(att, where)
            raise NotFoundError(
                f"附件已不存在（编号 {attachment_id}），可能已被删除。", location=attachment_id
            )
        self.drop_unreferenced_blobs([found.sha256])
        return found

    def referenced_hashes(self, hashes: Sequence[str]) -> set[str]:
        att = schema.attachments
        rows = self.conn.execute(select(att.c.sha256).where(att.c.sha256.in_(list(hashes))))
        return set(rows.scalars())

    def count_rows(self, table_name: str) -> int:
        table = schema.metadata.tables[table_name]
        return int(self.conn.execute(select(func.count()).select_from(table)).scalar_one())


class Store:
    """The database. Open with :meth:`open_sqlite` (a file) or :meth:`open_server` (a shared
    PostgreSQL database); run every user action in :meth:`transaction`."""

    def __init__(self, engine: Engine, where: str, path: Path | None = None) -> None:
        self.engine = engine
        self.where = where
        self.path = path
        self.user: OfficeUser | None = None
        """On a server prepared by ``server init``: the office user signed in (``None`` on
        SQLite, or for a login that is not an office user)."""
        self._identity = _file_identity(path) if path is not None else None

    @classmethod
    def open_sqlite(
        cls,
        path: Path,
        *,
        backups_dir: Path | None = None,
        busy_timeout_ms: int = 5000,
        check_integrity: bool = False,
    ) -> Store:
        """Open (creating if missing) and migrate the SQLite database at ``path``.

        With ``check_integrity`` an existing file first passes ``PRAGMA integrity_check`` (read-only)
        or :class:`DatabaseCorruptError` is raised before anything touches it.

        Raises:
            StoreError: the file is corrupt, locked, read-only, or from a newer AuditDesk; the file
                is left as it was.
        """
        if check_integrity and path.exists() and path.stat().st_size > 0:
            with translated(path):
                problems = integrity_problems(path)
            if problems:
                raise DatabaseCorruptError(
                    f"数据库文件已损坏或不是 AuditDesk 数据库：{path}（完整性检查：{'；'.join(problems[:3])}）。"
                    "文件未被改动；请从备份恢复（auditdesk backup restore）。",
                    location=str(path),
                )
        engine = create_sqlite_engine(path, busy_timeout_ms=busy_timeout_ms)
        try:
            with translated(path):
                migrate(engine, where=str(path), sqlite_path=path, backups_dir=backups_dir)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, str(path), path)

    @classmethod
    def open_server(
        cls, url: str, *, password: str | None = None, sslmode: str | None = None
    ) -> Store:
        """Connect to a shared PostgreSQL database (``postgresql+psycopg://user@host:5432/db``).

        The schema is never migrated from here: the database must be at exactly this AuditDesk's
        version (an administrator runs ``auditdesk db upgrade``, :meth:`upgrade_server`).

        Raises:
            PasswordRequiredError: the server wants a password and none was given.
            StoreError: unreachable, wrong password, no such database, no privilege (Chinese
                message, see :func:`auditdesk.store.errors.classify_server`).
            SchemaMismatchError: the database is empty, older or newer than this AuditDesk.
        """
        parsed = parse_server_url(url)
        where = display_url(parsed)
        engine = create_server_engine(parsed, password=password, sslmode=sslmode)
        try:
            with translated(where):
                check_server_version(engine, where)
            store = cls(engine, where)
            with store.read() as tx:
                store.user = tx.signed_in_user()
        except BaseException:
            engine.dispose()
            raise
        return store

    @staticmethod
    def upgrade_server(
        url: str, *, password: str | None = None, sslmode: str | None = None
    ) -> tuple[int, int]:
        """Create or migrate the schema of a shared database under its advisory lock:
        ``(version before, version after)``. For ``auditdesk db upgrade`` only.

        Raises:
            StoreError: as :meth:`open_server`; DatabaseTooNewError for a newer database.
        """
        parsed = parse_server_url(url)
        where = display_url(parsed)
        engine = create_server_engine(parsed, password=password, sslmode=sslmode)
        try:
            with translated(where):
                versions = upgrade_server(engine, where)
                refresh_security(engine)  # tables a new version added get their grants
                return versions
        finally:
            engine.dispose()

    @staticmethod
    def init_server(
        url: str, *, password: str | None = None, sslmode: str | None = None
    ) -> InitResult:
        """``auditdesk server init``: migrate a shared database under its advisory lock, then
        create its group roles, grants and row-level security (see :mod:`auditdesk.store.roles`).
        Idempotent.

        Raises:
            PermissionDeniedError: the user cannot create roles (nothing changed).
            StoreError: as :meth:`open_server`; DatabaseTooNewError for a newer database.
        """
        parsed = parse_server_url(url)
        where = display_url(parsed)
        engine = create_server_engine(parsed, password=password, sslmode=sslmode)
        try:
            with translated(where):
                return init_server(engine, where)
        finally:
            engine.dispose()

    @property
    def signed_in(self) -> str | None:
        """The signed-in office user's display name (``None`` on SQLite, or for a login that is
        no office user): every transaction names them as the author of what it writes."""
        return self.user.display_name if self.user is not None else None

    def author(self, given: str = "") -> str:
        """The author to record (记录人, a change's ``by``): on a server, the signed-in user's
        display name whatever was given (the server enforces the same); otherwise ``given``."""
        return self.signed_in if self.signed_in is not None else given

    @property
    def is_server(self) -> bool:
        """Whether this is a shared server database (backed up with pg_dump, not as a file)."""
        return self.engine.dialect.name != "sqlite"

    def dump_to(self, target: Path, describe: Callable[[Tx], T]) -> T:
        """Back up a server database to ``target`` (``pg_dump --format=custom``) and return
        ``describe`` run on the very snapshot the dump holds (counts for its manifest): one
        repeatable-read transaction exports its snapshot to pg_dump.

        Raises:
            PgToolError: pg_dump is missing or failed. StoreError: the server cannot be reached.
        """
        if not self.is_server:
            raise AssertionError("dump_to is for a server database")
        with translated(self.where), self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = str(conn.execute(text("select pg_export_snapshot()")).scalar_one())
                described = describe(Tx(conn, self.signed_in))
                pgdump.dump(self.engine.url, target, snapshot=snapshot)
        return described

    @staticmethod
    def restore_dump(
        dump: Path, url: str, *, password: str | None = None, sslmode: str | None = None
    ) -> RestoredDump:
        """Restore a ``pg_dump`` backup into the new, empty database at ``url``, as
        :func:`auditdesk.store.restore.restore_dump` (its errors), and count its rows."""

        def count(conn: Connection) -> dict[str, int]:
            tx = Tx(conn)
            return {name: tx.count_rows(name) for name in schema.metadata.tables}

        return restore_dump(dump, url, count, password=password, sslmode=sslmode)

    def close(self) -> None:
        self.engine.dispose()

    def retrying(self, work: Callable[[Tx], T], *, attempts: int = 3) -> T:
        """Run ``work`` in one write transaction; on a server, run it again (up to ``attempts``
        times in all) when the server aborted it for a conflict with another user's transaction
        (serialization failure 40001, deadlock 40P01). ``work`` must have no effect outside the
        database, since it may run more than once.

        Raises:
            ConcurrentUpdateError: still conflicting after the last attempt.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(**{WRITE_OPTION: True})
                    with conn.begin():
                        self._check_same_file()
                        return work(Tx(conn, self.signed_in))
            except DBAPIError as exc:
                if attempt < attempts and sqlstate(exc) in RETRY_SQLSTATES:
                    log.info("transaction conflict (%s), attempt %d again", sqlstate(exc), attempt)
                    continue
                with translated(self.where):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        with translated(self.where), self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                self._check_same_file()
                yield Tx(conn, self.signed_in)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot (a deferred transaction, never committed with changes)."""
        with translated(self.where), self.engine.connect() as conn, conn.begin():
            self._check_same_file()
            yield Tx(conn, self.signed_in)

    def _check_same_file(self) -> None:
        """Refuse to go on when the database file at our path is not the one we opened: a restore
        in another process moved ours aside, and anything written now would land in the copy set
        aside and vanish from the live data. One ``stat`` per transaction.

        Raises:
            DatabaseReplacedError: the file was moved, deleted or replaced since it was opened.
        """
        if self.path is None or self._identity is None:
            return
        if _file_identity(self.path) != self._identity:
            raise DatabaseReplacedError(
                f"数据库文件已被替换或移走：{self.path}（可能另一个 AuditDesk 窗口或命令从备份恢复了数据）。"
                "本次操作未保存。请关闭此窗口，重新打开 AuditDesk 后再继续。",
                location=str(self.path),
            )

    def schema_version(self) -> int:
        with translated(self.where), self.engine.connect() as conn:
            return read_version(conn, self.where)
