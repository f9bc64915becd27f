"""Store round trips: every aggregate goes in and comes back equal; money stays exact text."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from auditdesk.errors import NotFoundError
from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import (
    Answer,
    AnswerResult,
    AnswerSource,
    Audit,
    Auditor,
    AuditorRole,
    AuditStatus,
    Visit,
    VisitChannel,
)
from auditdesk.models.common import Area, utcnow
from auditdesk.models.company import Company
from auditdesk.models.finding import (
    Citation,
    Finding,
    FindingOrigin,
    RectificationStatus,
    Severity,
)
from auditdesk.services.workspace import Workspace


def _company(ws: Workspace, name: str = "上海甲乙机械有限公司", **kw: object) -> Company:
    company = Company.model_validate({"name": name, **kw})
    with ws.store.transaction() as tx:
        tx.insert_company(company)
    return company


def _audit(ws: Workspace, company: Company) -> Audit:
    audit = Audit(
        company_id=company.id,
        title="体检",
        auditors=[Auditor(name="王", role=AuditorRole.LAWYER)],
        started_on=date(2025, 7, 1),
        status=AuditStatus.IN_PROGRESS,
    )
    with ws.store.transaction() as tx:
        tx.insert_audit(audit)
    return audit


def _finding(
    audit: Audit, money: str | None = "1234.56", status=RectificationStatus.OPEN
) -> Finding:
    return Finding(
        audit_id=audit.id,
        origin=FindingOrigin.PAYROLL,
        origin_ref="PAY.MIN_WAGE",
        area=Area.PAY,
        severity=Severity.HIGH,
        title="工资低于最低工资标准",
        legal_basis=[
            Citation(law="劳动法", article="第四十八条"),
            Citation(law="上海市企业工资支付办法", article="第十二条", excerpt="……"),
        ],
        money_at_stake=Decimal(money) if money else None,
        status=status,
        due_date=date(2025, 9, 30),
    )


def test_company_round_trip(ws: Workspace) -> None:
    company = _company(
        ws, credit_code="91350200776049653A", headcount=120, has_union=True, notes="多行\n备注"
    )
    with ws.store.read() as tx:
        assert tx.get_company(company.id) == company
        assert tx.find_company_by_credit_code("91350200776049653A") == company
        assert tx.get_company("nope") is None


def test_audit_visit_answer_round_trip(ws: Workspace) -> None:
    audit = _audit(ws, _company(ws))
    visit = Visit(
        audit_id=audit.id,
        visit_date=date(2025, 7, 2),
        channels=[VisitChannel.TALK, VisitChannel.RECORDS],
        attendees=["张三", "李四"],
    )
    answer = Answer(
        audit_id=audit.id,
        item_id="ONB.CONTRACT_1M",
        result=AnswerResult.NON_COMPLIANT,
        note="3 人未签",
        source=AnswerSource.RECORDS,
        answered_by="王",
        answered_at=utcnow(),
    )
    with ws.store.transaction() as tx:
        tx.insert_visit(visit)
        tx.upsert_answer(answer)
    with ws.store.read() as tx:
        assert tx.get_audit(audit.id) == audit
        assert tx.list_visits(audit.id) == [visit]
        assert tx.list_answers(audit.id) == [answer]


def test_answer_upsert_replaces_and_keeps_id(ws: Workspace) -> None:
    audit = _audit(ws, _company(ws))
    first = Answer(audit_id=audit.id, item_id="X.1", result=AnswerResult.TO_VERIFY)
    second = Answer(audit_id=audit.id, item_id="X.1", result=AnswerResult.COMPLIANT, note="已核")
    with ws.store.transaction() as tx:
        tx.upsert_answer(first)
    with ws.store.transaction() as tx:
        kept = tx.upsert_answer(second)
    with ws.store.read() as tx:
        answers = tx.list_answers(audit.id)
    assert len(answers) == 1
    assert answers[0].id == first.id == kept.id
    assert answers[0].result is AnswerResult.COMPLIANT
    assert answers[0].note == "已核"
    assert answers[0].created_at == first.created_at


def test_finding_money_is_exact_and_stored_as_text_or_numeric(ws: Workspace) -> None:
    audit = _audit(ws, _company(ws))
    finding = _finding(audit, "0.10")
    with ws.store.transaction() as tx:
        saved = tx.insert_finding(finding)
        tx.insert_finding(_finding(audit, None))
    with ws.store.read() as tx:
        stored = tx.list_findings(audit.id)
    assert stored[0] == saved == finding.model_copy(update={"number": 1})
    assert [f.number for f in stored] == [1, 2]  # 问题编号, given in order of saving
    assert stored[0].money_at_stake == Decimal("0.10")
    assert stored[1].money_at_stake is None
    if ws.store.is_server:  # NUMERIC keeps the scale written: 0.10, not 0.1
        with ws.store.engine.connect() as conn:
            row = conn.execute(
                text("select pg_typeof(money_at_stake)::text, money_at_stake::text from findings"
                     " where id = :i"), {"i": finding.id}
            ).one()  # fmt: skip
        assert tuple(row) == ("numeric", "0.10")
        return
    raw = sqlite3.connect(ws.paths.database)
    kind, stored_text = raw.execute(
        "select typeof(money_at_stake), money_at_stake from findings where id = ?", (finding.id,)
    ).fetchone()
    raw.close()
    assert (kind, stored_text) == ("text", "0.10")


def test_summaries_count_audits_and_open_findings(ws: Workspace) -> None:
    company = _company(ws)
    _company(ws, "另一家公司")
    audit = _audit(ws, company)
    _audit(ws, company)
    with ws.store.transaction() as tx:
        tx.insert_finding(_finding(audit))
        tx.insert_finding(_finding(audit, status=RectificationStatus.VERIFIED_CLOSED))
        tx.insert_finding(_finding(audit, status=RectificationStatus.IN_PROGRESS))
    with ws.store.read() as tx:
        rows = {r.company.name: r for r in tx.list_company_summaries()}
        audits = {a.audit.id: a for a in tx.list_audit_summaries(company.id)}
    assert (
        rows["上海甲乙机械有限公司"].audit_count,
        rows["上海甲乙机械有限公司"].open_findings,
    ) == (2, 2)
    assert (rows["另一家公司"].audit_count, rows["另一家公司"].open_findings) == (0, 0)
    assert audits[audit.id].finding_count == 3
    assert audits[audit.id].open_findings == 2
    assert audits[audit.id].company_name == "上海甲乙机械有限公司"


def test_search_matches_fields_and_escapes_wildcards(ws: Workspace) -> None:
    _company(ws, "上海嘉定精工有限公司", town="马陆镇", industry="Auto parts")
    _company(ws, "100%纯净水厂", town="安亭镇")
    _company(ws, "A_B 贸易")
    with ws.store.read() as tx:

        def names(q: str) -> list[str]:
            return [r.company.name for r in tx.list_company_summaries(q)]

        assert names("马陆") == ["上海嘉定精工有限公司"]
        assert names("auto") == ["上海嘉定精工有限公司"]  # case-insensitive
        assert names("%") == ["100%纯净水厂"]
        assert names("_") == ["A_B 贸易"]
        assert len(names("  ")) == 3


def test_delete_company_cascades(ws: Workspace) -> None:
    keep = _company(ws, "保留")
    keep_audit = _audit(ws, keep)
    gone = _company(ws, "删除")
    audit = _audit(ws, gone)
    finding = _finding(audit)
    answer = Answer(audit_id=audit.id, item_id="A.1", result=AnswerResult.NON_COMPLIANT)
    with ws.store.transaction() as tx:
        tx.insert_finding(finding)
        tx.insert_finding(_finding(keep_audit))
        tx.upsert_answer(answer)
        tx.insert_visit(Visit(audit_id=audit.id, visit_date=date(2025, 1, 1)))
        tx.insert_attachment(
            Attachment(sha256="b" * 64, filename="a.jpg", size=1, finding_id=finding.id)
        )
        tx.insert_attachment(
            Attachment(sha256="c" * 64, filename="b.jpg", size=1, answer_id=answer.id)
        )
    with ws.store.transaction() as tx:
        counts = tx.delete_company(gone.id)
    assert (counts.companies, counts.audits, counts.findings, counts.attachments) == (1, 1, 1, 2)
    assert counts.attachment_hashes == {"b" * 64, "c" * 64}
    with ws.store.read() as tx:
        assert tx.count_rows("companies") == 1
        assert tx.count_rows("audits") == 1
        assert tx.count_rows("findings") == 1
        for table in ("visits", "answers", "attachments"):
            assert tx.count_rows(table) == 0, table


def test_a_failing_transaction_leaves_nothing(ws: Workspace) -> None:
    company = Company(name="回滚")

    def insert_then_fail() -> None:
        with ws.store.transaction() as tx:
            tx.insert_company(company)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    with ws.store.read() as tx:
        assert tx.get_company(company.id) is None


def test_update_of_missing_record_says_so(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="已不存在"), ws.store.transaction() as tx:
        tx.update_company(Company(name="不存在"))


@pytest.mark.sqlite_only("SQLite pragmas")
def test_pragmas_are_on(ws: Workspace) -> None:
    with ws.store.read() as tx:
        assert tx.conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
