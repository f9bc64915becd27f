"""SQL for issued documents (出具) and the per-audit 问题编号, as a mixin of :class:`auditdesk.store.db.Tx`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select

from auditdesk.models.finding import Finding
from auditdesk.models.report import ReportIssue
from auditdesk.store import schema
from auditdesk.store.authors import authored
from auditdesk.store.versions import serialize


class ReportQueries:
    conn: Connection
    signed_in: str | None

    def next_finding_number(self, audit_id: str) -> int:
        """One more than the highest 问题编号 the audit has ever given (dismissed findings keep
        theirs, so a number is never given twice). Call inside the write transaction that
        inserts the finding: it holds the audit's numbering lock until the commit, so two users
        adding findings at once never get the same number."""
        f = schema.findings
        serialize(self.conn, f"finding-number:{audit_id}")
        top = self.conn.execute(select(func.max(f.c.number)).where(f.c.audit_id == audit_id))
        return int(top.scalar() or 0) + 1

    def numbered(self, finding: Finding) -> Finding:
        """``finding`` with its 问题编号 (the next free one when it has none yet)."""
        if finding.number is not None:
            return finding
        return finding.model_copy(update={"number": self.next_finding_number(finding.audit_id)})

    def insert_report_issue(self, issue: ReportIssue) -> ReportIssue:
        """Record an issued document; returns it as written (its 出具人 the signed-in user on a
        server)."""
        issue = authored(self.signed_in, "report_issues", issue)
        values: dict[str, Any] = issue.model_dump(mode="python")
        self.conn.execute(insert(schema.report_issues).values(**values))
        return issue

    def list_report_issues(self, audit_id: str, kind: str | None = None) -> list[ReportIssue]:
        """The audit's issued documents (of ``kind`` if given), oldest first."""
        t = schema.report_issues
        query = select(t).where(t.c.audit_id == audit_id)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        rows = self.conn.execute(query.order_by(t.c.issued_on, t.c.created_at))
        return [ReportIssue.model_validate(dict(r._mapping)) for r in rows]

    def count_report_issues(self, kind: str, year: int) -> int:
        """How many documents of ``kind`` were issued in ``year`` (for the next number). Call
        inside the write transaction that inserts the document: it holds the numbering lock of
        ``kind`` and ``year`` until the commit."""
        t = schema.report_issues
        serialize(self.conn, f"report-number:{kind}:{year}")
        prefix = f"%〔{year}〕%"
        query = select(func.count()).where(t.c.kind == kind, t.c.number.like(prefix))
        return int(self.conn.execute(query).scalar() or 0)
