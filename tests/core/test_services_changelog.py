"""Issue 20.6: the change log covers every record, is append-only, outlives deleted companies,
exports to .xlsx; undo is per user and is a new entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import AnswerResult, Audit, AuditStatus, Change, ChangeEntity
from auditdesk.models.company import CompanyInput
from auditdesk.services import (
    attachments,
    audits,
    changelog,
    companies,
    followups,
    reports,
    union,
    visit,
)
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"), by="王律师")
    return audits.start_audit(ws, company.id, by="王律师")


def _items(ws: Workspace, audit: Audit, n: int) -> list[str]:
    walk = visit.load_walk(ws, audit.id)
    return [w.item.id for w in walk.items if w.item.scale.value == "compliance"][:n]


def _answer(ws: Workspace, audit: Audit, item: str) -> AnswerResult | None:
    with ws.store.read() as tx:
        found = tx.get_answer(audit.id, item)
    return found.result if found else None


def _all(ws: Workspace) -> list[Change]:
    return changelog.entries(ws)


def test_undo_undoes_only_the_signed_in_users_own_answer(ws: Workspace, audit: Audit) -> None:
    x, y = _items(ws, audit, 2)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, by="A")
    visit.answer_item(ws, audit.id, y, AnswerResult.COMPLIANT, by="B")
    before = len(_all(ws))

    assert visit.undo_last_answer(ws, audit.id, by="A") == x  # A's, though B answered later
    assert _answer(ws, audit, x) is None
    assert _answer(ws, audit, y) is AnswerResult.COMPLIANT
    assert visit.undo_last_answer(ws, audit.id, by="A") is None  # A has nothing left

    assert visit.undo_last_answer(ws, audit.id, by="B") == y
    assert _answer(ws, audit, y) is None
    assert visit.undo_last_answer(ws, audit.id, by="C") is None

    log = _all(ws)
    undos = log[before:]
    assert [(c.entity_id, c.changed_by, c.field) for c in undos] == [
        (x, "A", "result"),
        (y, "B", "result"),
    ]
    originals = {c.id: c for c in log[:before]}
    for u in undos:
        assert u.undoes is not None
        assert originals[u.undoes].changed_by == u.changed_by  # each undid their own
        assert originals[u.undoes].undone
        assert (u.old, u.new) == (originals[u.undoes].new, originals[u.undoes].old)


def test_undo_refuses_when_another_user_changed_the_item_since(ws: Workspace, audit: Audit) -> None:
    [x] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, by="A")
    visit.answer_item(ws, audit.id, x, AnswerResult.COMPLIANT, by="B")
    with pytest.raises(AuditDeskError, match="已被 B 修改"):
        visit.undo_last_answer(ws, audit.id, by="A")
    assert _answer(ws, audit, x) is AnswerResult.COMPLIANT
    assert visit.undo_last_answer(ws, audit.id, by="B") == x
    assert _answer(ws, audit, x) is AnswerResult.NON_COMPLIANT


def test_entries_are_never_rewritten(ws: Workspace, audit: Audit) -> None:
    [x] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, note="一", by="A")
    first = _all(ws)
    visit.note_item(ws, audit.id, x, note="一二", by="A")
    visit.undo_last_answer(ws, audit.id, by="A")
    after = _all(ws)
    # every earlier entry reads back exactly as written (only the derived ``undone`` may differ)
    assert [c.model_copy(update={"undone": False}) for c in after[: len(first)]] == first
    assert [c.field for c in after[len(first) :]] == ["note", "note"]


def test_every_kind_of_record_is_logged_with_company_and_audit(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    company_id = audit.company_id
    companies.update_company(
        ws, company_id, CompanyInput(name="上海测试机械有限公司", town="马陆镇"), by="王律师"
    )
    visit_ = audits.record_visit(ws, audit.id, visit_date=date(2026, 11, 2), by="王律师")
    [x] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, note="未签合同", by="王律师")
    [finding] = visit.gather_findings(ws, audit.id, by="王律师")
    visit.edit_finding(ws, finding.id, {"owner": "人事部"}, by="李干部")
    photo = tmp_path / "合同.png"
    photo.write_bytes(b"png")
    att = attachments.attach_file(ws, photo, finding_id=finding.id, by="李干部")
    audits.change_status(ws, audit.id, AuditStatus.DIAGNOSED, by="王律师")
    [plan, *_] = followups.plan_followups(ws, audit.id, today=date(2026, 11, 2), by="王律师")
    followups.reschedule(ws, plan.id, plan.planned_on + timedelta(days=3), by="王律师")
    union.set_union_settings(ws, {"union_name": "嘉定区马陆镇总工会"})  # who issues the report
    record = reports.issue(ws, audit.id, "report", day=date(2026, 11, 3), by="王律师")

    log = changelog.entries(ws, LogFilter(company_id=company_id))
    seen = {(c.entity, c.field) for c in log}
    assert {
        (ChangeEntity.COMPANY, "created"),
        (ChangeEntity.COMPANY, "town"),
        (ChangeEntity.AUDIT, "created"),
        (ChangeEntity.VISIT, "created"),
        (ChangeEntity.AUDIT, "audit_status"),
        (ChangeEntity.ANSWER, "result"),
        (ChangeEntity.FINDING, "created"),
        (ChangeEntity.FINDING, "owner"),
        (ChangeEntity.ATTACHMENT, "created"),
        (ChangeEntity.FINDING, "attachment"),
        (ChangeEntity.FINDING, "due_date"),
        (ChangeEntity.FOLLOWUP, "planned_on"),
        (ChangeEntity.REPORT, "issued"),
    } <= seen
    assert all(c.company_id == company_id for c in log)
    assert all(c.audit_id == audit.id for c in log if c.entity is not ChangeEntity.COMPANY)
    assert all(c.changed_at.tzinfo is not None for c in log)
    town = next(c for c in log if c.field == "town")
    assert (town.old, town.new, town.changed_by) == ("", "马陆镇", "王律师")
    by_record = changelog.entries(ws, LogFilter(entity=ChangeEntity.FINDING, entity_id=finding.id))
    assert {c.field for c in by_record} >= {"created", "owner", "attachment", "due_date"}
    assert {c.entity_id for c in changelog.entries(ws, LogFilter(audit_id=audit.id))} >= {
        visit_.id, att.id, record.id, plan.id, x,
    }  # fmt: skip


def test_deleting_a_company_keeps_its_log_and_says_what_went(ws: Workspace, audit: Audit) -> None:
    [x] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, by="A")
    visit.gather_findings(ws, audit.id, by="A")
    before = changelog.entries(ws, LogFilter(company_id=audit.company_id))
    companies.delete_company(ws, audit.company_id, by="管理员")
    after = changelog.entries(ws, LogFilter(company_id=audit.company_id))
    assert after[: len(before)] == before
    [deleted] = after[len(before) :]
    assert (deleted.entity, deleted.field, deleted.changed_by) == (
        ChangeEntity.COMPANY, "deleted", "管理员",
    )  # fmt: skip
    assert deleted.old == "上海测试机械有限公司"
    assert deleted.new["体检"] == 1
    assert deleted.new["问题"] == 1
    assert changelog.entries(ws, LogFilter(audit_id=audit.id))  # the audit's entries too


def test_purge_is_the_only_deletion_and_logs_itself(ws: Workspace, audit: Audit) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    with ws.store.transaction() as tx:
        changelog.record(tx, ChangeEntity.AUDIT, audit.id, "title", "", "旧", by="A",
                         audit_id=audit.id, at=old)  # fmt: skip
    total = len(_all(ws))
    assert changelog.purge(ws, date(2021, 1, 1), by="管理员") == 1
    log = _all(ws)
    assert len(log) == total  # one gone, one added: the purge itself
    assert (log[-1].entity, log[-1].field, log[-1].changed_by) == (
        ChangeEntity.CHANGE_LOG, "purged", "管理员",
    )  # fmt: skip
    assert log[-1].new == {"before": "2021-01-01", "deleted": 1}
    with pytest.raises(AuditDeskError, match="晚于今天"):
        changelog.purge(ws, date.today() + timedelta(days=2))


def test_retention_is_unlimited_by_default_and_purges_when_set(ws: Workspace, audit: Audit) -> None:
    old = datetime.now(UTC) - timedelta(days=400)
    with ws.store.transaction() as tx:
        changelog.record(tx, ChangeEntity.AUDIT, audit.id, "title", "", "旧", by="A",
                         audit_id=audit.id, at=old)  # fmt: skip
    assert changelog.retention_days(ws) is None
    assert changelog.purge_expired(ws) == 0
    changelog.set_retention_days(ws, 365, by="管理员")
    assert changelog.retention_days(ws) == 365
    assert changelog.purge_expired(ws, by="管理员") == 1
    assert changelog.purge_expired(ws, by="管理员") == 0  # nothing old enough: nothing logged
    fields = [c.field for c in _all(ws)]
    assert fields.count("purged") == 1
    assert "retention_days" in fields
    changelog.set_retention_days(ws, None)
    assert changelog.retention_days(ws) is None


def test_export_xlsx_reads_back_with_chinese_headers_and_shanghai_time(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    [x] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, x, AnswerResult.NON_COMPLIANT, note="张三 身份证 310101199001011234",
                      by="A")  # fmt: skip
    visit.undo_last_answer(ws, audit.id, by="A")
    entries = changelog.entries(ws, LogFilter(audit_id=audit.id, entity=ChangeEntity.ANSWER))
    out = changelog.export_xlsx(entries, tmp_path / "修改记录.xlsx")
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("时间", "操作人", "对象", "对象编号", "字段", "原值", "新值")
    body = rows[1:]
    assert len(body) == len(entries)
    first = entries[0]
    shanghai = first.changed_at.astimezone(timezone(timedelta(hours=8)))
    assert body[0][0] == shanghai.strftime("%Y-%m-%d %H:%M:%S")
    assert body[0][1:5] == ("A", "检查结果", x, "结果")
    assert body[0][5:7] == ("—", "不符合")
    assert any(r[6] == "张三 身份证 310101199001011234" for r in body)  # as stored
    assert body[0][7] == "已撤销"
    assert body[-1][7].startswith("撤销 #")
    with pytest.raises(AuditDeskError, match=r"\.xlsx"):
        changelog.export_xlsx(entries, tmp_path / "x.csv")


def test_the_database_refuses_to_rewrite_an_entry(ws: Workspace, audit: Audit) -> None:
    """Append-only below the code too: a trigger refuses UPDATE on both backends; purge's
    DELETE (owner only on a server) stays possible."""
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    from auditdesk.errors import PermissionDeniedError
    from auditdesk.store import schema

    [entry] = changelog.entries(ws, LogFilter(audit_id=audit.id))
    with pytest.raises((DBAPIError, PermissionDeniedError)) as caught, ws.store.transaction() as tx:
        tx.conn.execute(
            update(schema.change_log).where(schema.change_log.c.id == entry.id)
            .values(new_value='"改过"')
        )  # fmt: skip
    # SQLite: the trigger's words; a server: classified as 没有权限 (SQLSTATE 42501), in Chinese
    assert "修改记录只能追加" in str(caught.value) or "没有执行此操作的权限" in str(caught.value)
    assert changelog.entries(ws, LogFilter(audit_id=audit.id)) == [entry]


def test_non_owner_roles_cannot_change_or_delete_entries(pg_database: str) -> None:
    """The hook ``server init`` calls (``restrict_append_only``): a role granted everything on
    the table keeps SELECT and INSERT only."""
    from sqlalchemy import text

    from auditdesk.store import Store
    from auditdesk.store.change_log import restrict_append_only

    store = Store.open_server(pg_database)
    role = "pglog_test_clerk"
    try:
        with store.transaction() as tx:
            tx.conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
            tx.conn.execute(text(f"CREATE ROLE {role}"))
            tx.conn.execute(text(f"GRANT ALL ON change_log TO {role}"))
            restrict_append_only(tx.conn, [role])
            rights = set(tx.conn.execute(text(
                "select privilege_type from information_schema.role_table_grants"
                f" where table_name = 'change_log' and grantee = '{role}'"
            )).scalars())  # fmt: skip
            tx.conn.execute(text(f"REVOKE ALL ON change_log FROM {role}"))
            tx.conn.execute(text(f"DROP ROLE {role}"))
    finally:
        store.close()
    assert {"SELECT", "INSERT"} <= rights
    assert not rights & {"UPDATE", "DELETE", "TRUNCATE"}
