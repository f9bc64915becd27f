"""Record versions (issue 20.4): two users (two workspaces, two connections) on one database both
read a record and both save it: the second save is refused with who and when, never silently
lost; 汇总不符合项 pressed twice at once makes no duplicate findings; running numbers stay unique
under two allocators at once. Runs on SQLite and on PostgreSQL (``--db``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest

from auditdesk.errors import NotFoundError, StaleRecordError
from auditdesk.models.audit import AnswerResult, Audit
from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.models.followup import FollowUp, Letter, LetterKind
from auditdesk.services import audits, companies, followups, letters, visit
from auditdesk.services.workspace import Workspace
from auditdesk.store import schema
from auditdesk.store.authors import AUTHOR_COLUMNS
from auditdesk.store.versions import NOUNS, when_text

T = TypeVar("T")


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海版本测试有限公司", headcount=80))
    return audits.start_audit(ws, company.id)


def _items(ws: Workspace, audit: Audit, n: int) -> list[str]:
    walk = visit.load_walk(ws, audit.id)
    return [w.item.id for w in walk.items if w.item.scale.value == "compliance"][:n]


def _one_finding(ws: Workspace, audit: Audit) -> Finding:
    [item] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, note="未签合同", by="王")
    [finding] = visit.gather_findings(ws, audit.id, by="王")
    return finding


def _both(
    first: Callable[[], T], second: Callable[[], Any]
) -> tuple[list[Any], list[BaseException]]:
    """Run two saves on two threads that start together; their results and errors."""
    barrier = threading.Barrier(2, timeout=20)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(work: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


# ------------------------------------------------------------------ stale saves are refused
def test_a_new_record_is_version_1_and_each_save_adds_one(ws: Workspace, audit: Audit) -> None:
    finding = _one_finding(ws, audit)
    assert (finding.version, finding.updated_by) == (1, "王")
    saved = visit.edit_finding(ws, finding.id, {"owner": "人事部"}, by="张律师",
                               expected_version=1)  # fmt: skip
    assert (saved.version, saved.updated_by) == (2, "张律师")
    [stored] = visit.list_findings(ws, audit.id)
    assert (stored.version, stored.updated_by, stored.owner) == (2, "张律师", "人事部")


def test_second_finding_save_is_refused_naming_who_and_when(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    finding = _one_finding(ws, audit)
    mine = visit.find_finding(ws, finding.id)
    theirs = visit.find_finding(other, finding.id)  # both opened the finding
    visit.edit_finding(other, theirs.id, {"title": "未订立书面劳动合同（张）"}, by="张律师",
                       expected_version=theirs.version)  # fmt: skip
    with pytest.raises(StaleRecordError) as info:
        visit.edit_finding(ws, mine.id, {"title": "未签合同（李）"}, by="李干部",
                           expected_version=mine.version)  # fmt: skip
    err = info.value
    assert err.message.startswith("该问题已被 张律师 于 ")
    assert "修改（您打开后），您的修改未保存。" in err.message
    assert err.changed_by == "张律师"
    assert isinstance(err.current, Finding)
    assert err.current.title == "未订立书面劳动合同（张）"
    assert err.current.version == 2
    # nothing of the refused save was written, and the history holds only the first one
    [stored] = visit.list_findings(ws, audit.id)
    assert stored.title == "未订立书面劳动合同（张）"
    titles = [c.new for c in visit.history(ws, audit.id, finding.id) if c.field == "title"]
    assert titles == ["未订立书面劳动合同（张）"]
    # 覆盖: saving again on the version now shown goes through
    saved = visit.edit_finding(ws, mine.id, {"title": "未签合同（李）"}, by="李干部",
                               expected_version=err.current.version)  # fmt: skip
    assert (saved.title, saved.version) == ("未签合同（李）", 3)


def test_two_users_saving_one_finding_at_once_lose_nothing_silently(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    finding = _one_finding(ws, audit)
    results, errors = _both(
        lambda: followups.save_finding(ws, finding.id, {"owner": "甲"}, by="甲",
                                       expected_version=finding.version),
        lambda: followups.save_finding(other, finding.id, {"owner": "乙"}, by="乙",
                                       expected_version=finding.version),
    )  # fmt: skip
    assert len(results) == 1
    assert [type(e) for e in errors] == [StaleRecordError]
    [stored] = visit.list_findings(ws, audit.id)
    assert stored.owner == results[0].owner
    assert stored.version == 2
    assert isinstance(errors[0], StaleRecordError)
    assert errors[0].changed_by == results[0].owner


def test_second_company_save_is_refused_and_can_overwrite(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    mine = companies.get_company(ws, audit.company_id)
    theirs = companies.get_company(other, audit.company_id)
    data = CompanyInput.model_validate(theirs.model_dump(include=set(CompanyInput.model_fields)))
    companies.update_company(other, theirs.id, data.model_copy(update={"contact_name": "赵"}),
                             by="张律师", expected_version=theirs.version)  # fmt: skip
    with pytest.raises(StaleRecordError, match="该企业已被 张律师 于") as info:
        companies.update_company(ws, mine.id, data.model_copy(update={"contact_name": "钱"}),
                                 by="李干部", expected_version=mine.version)  # fmt: skip
    assert info.value.current.contact_name == "赵"  # type: ignore[attr-defined]
    assert companies.get_company(ws, mine.id).contact_name == "赵"
    saved = companies.update_company(ws, mine.id, data.model_copy(update={"contact_name": "钱"}),
                                     by="李干部", expected_version=2)  # fmt: skip
    assert (saved.contact_name, saved.version, saved.updated_by) == ("钱", 3, "李干部")


def test_deleting_a_company_changed_since_it_was_listed_is_refused(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    seen = companies.get_company(ws, audit.company_id)
    data = CompanyInput.model_validate(seen.model_dump(include=set(CompanyInput.model_fields)))
    companies.update_company(other, seen.id, data.model_copy(update={"notes": "已补充"}),
                             by="张律师", expected_version=seen.version)  # fmt: skip
    with pytest.raises(StaleRecordError, match="未删除"):
        companies.delete_company(ws, seen.id, expected_version=seen.version)
    assert companies.get_company(ws, seen.id).notes == "已补充"  # nothing went
    assert len(audits.list_audits(ws)) == 1
    companies.delete_company(ws, seen.id, expected_version=2)
    with pytest.raises(NotFoundError):
        companies.delete_company(ws, seen.id, expected_version=2)


def test_second_answer_save_is_refused_new_or_existing(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    [item] = _items(ws, audit, 1)
    # both see the item unanswered (version 0: no record)
    visit.answer_item(other, audit.id, item, AnswerResult.COMPLIANT, by="张律师",
                      expected_version=0)  # fmt: skip
    with pytest.raises(StaleRecordError, match="该检查结果已被 张律师 于") as info:
        visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, by="李干部",
                          expected_version=0)  # fmt: skip
    assert info.value.current.result is AnswerResult.COMPLIANT  # type: ignore[attr-defined]
    # both now see version 1; a note by one, then the other's note is refused
    saved = visit.note_item(other, audit.id, item, note="查看了合同", by="张律师",
                            expected_version=1)  # fmt: skip
    assert saved is not None
    assert saved.version == 2
    with pytest.raises(StaleRecordError):
        visit.note_item(ws, audit.id, item, note="合同缺页", by="李干部", expected_version=1)
    walk = visit.load_walk(ws, audit.id)
    answer = next(w.answer for w in walk.items if w.item.id == item)
    assert answer is not None
    assert (answer.note, answer.version, answer.updated_by) == ("查看了合同", 2, "张律师")
    # clearing an answer changed since is refused too
    with pytest.raises(StaleRecordError):
        visit.answer_item(ws, audit.id, item, None, expected_version=1)
    # without a version (the CLI), the save goes over whatever is stored
    forced = visit.answer_item(ws, audit.id, item, AnswerResult.PARTIAL, by="李干部")
    assert forced is not None
    assert forced.version == 3


def test_answer_cleared_by_another_user_is_refused(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    [item] = _items(ws, audit, 1)
    visit.answer_item(ws, audit.id, item, AnswerResult.COMPLIANT, by="李干部", expected_version=0)
    visit.answer_item(other, audit.id, item, None, by="张律师", expected_version=1)
    with pytest.raises(StaleRecordError, match="已被其他用户清除") as info:
        visit.note_item(ws, audit.id, item, note="补充", by="李干部", expected_version=1)
    assert info.value.current is None


def test_followup_and_letter_saves_based_on_an_old_version_are_refused(
    ws: Workspace, other: Workspace, audit: Audit
) -> None:
    planned = FollowUp(audit_id=audit.id, planned_on=date(2026, 12, 1), note="跟诊")
    letter = Letter(audit_id=audit.id, kind=LetterKind.OPINION, issued_on=date(2026, 11, 2),
                    reply_due=date(2026, 11, 30))  # fmt: skip
    with ws.store.transaction() as tx:
        tx.insert_followup(planned)
        tx.insert_letter(letter)
    moved = followups.reschedule(other, planned.id, date(2026, 12, 8), by="张律师",
                                 expected_version=1)  # fmt: skip
    assert (moved.version, moved.updated_by) == (2, "张律师")
    with pytest.raises(StaleRecordError, match="该跟诊安排已被 张律师 于"):
        followups.reschedule(ws, planned.id, date(2026, 12, 15), by="李干部", expected_version=1)
    followups.letter_replied(other, letter.id, date(2026, 11, 20), by="张律师",
                             expected_version=1)  # fmt: skip
    with pytest.raises(StaleRecordError, match="该函件已被 张律师 于"):
        letters.serve_letter(ws, letter.id, date(2026, 11, 3), by="李干部", expected_version=1,
                             today=date(2026, 11, 30))  # fmt: skip
    [stored] = followups.list_letters(ws, audit.id)
    assert (stored.replied_on, stored.served_on, stored.version) == (date(2026, 11, 20), None, 2)


def test_change_time_is_shown_in_shanghai_time_with_the_date_when_not_today() -> None:
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    assert when_text(datetime(2026, 11, 30, 6, 32, tzinfo=UTC), now=now) == "14:32"
    assert when_text(datetime(2026, 11, 28, 6, 32, tzinfo=UTC), now=now) == "11月28日 14:32"
    assert when_text(datetime(2025, 11, 28, 6, 32, tzinfo=UTC), now=now) == "2025年11月28日 14:32"
    # 23:30 UTC on the 29th is already the 30th in Shanghai: today
    assert when_text(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), now=now) == "07:30"


# ------------------------------------------------------------------ two users at once
def test_gathering_twice_at_once_makes_each_finding_once(
    ws: Workspace, other: Workspace, audit: Audit, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items(ws, audit, 3)
    for item in items:
        visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, note="缺", by="王")
    # both users have read the walk before either writes: they race into their transactions
    barrier = threading.Barrier(2, timeout=20)
    load = visit.load_walk

    def loaded_then_wait(w: Workspace, audit_id: str) -> visit.Walk:
        walk = load(w, audit_id)
        barrier.wait()
        return walk

    monkeypatch.setattr(visit, "load_walk", loaded_then_wait)
    results, errors = _both(
        lambda: visit.gather_findings(ws, audit.id, by="甲"),
        lambda: visit.gather_findings(other, audit.id, by="乙"),
    )
    assert errors == []
    assert sum(len(r) for r in results) == 3  # each item once, whoever made it
    found = visit.list_findings(ws, audit.id)
    assert sorted(f.origin_ref for f in found) == sorted(items)
    assert sorted(f.number or 0 for f in found) == [1, 2, 3]


def _pg_only(db_backend: str) -> None:
    if db_backend != "postgresql":
        pytest.skip("SQLite's write transactions take turns (BEGIN IMMEDIATE): no race to test")


def _racing_in_transactions(ws: Workspace, other: Workspace, work: Callable[[Any, int], Any]
                            ) -> tuple[list[Any], list[BaseException]]:  # fmt: skip
    """Two users' transactions, both open (and past their reads) before either allocates."""
    barrier = threading.Barrier(2, timeout=20)

    def run(w: Workspace, n: int) -> Any:
        with w.store.transaction() as tx:
            tx.count_companies()  # the transaction has begun and read
            barrier.wait()
            return work(tx, n)

    return _both(lambda: run(ws, 1), lambda: run(other, 2))


def test_finding_numbers_stay_unique_under_two_allocators(
    ws: Workspace, other: Workspace, audit: Audit, db_backend: str
) -> None:
    _pg_only(db_backend)

    def add(tx: Any, n: int) -> Finding:
        return tx.insert_finding(Finding(
            audit_id=audit.id, origin=FindingOrigin.PAYROLL, origin_ref=f"PAY.RACE{n}",
            area=Area.PAY, severity=Severity.HIGH, title=f"问题{n}", legal_basis=[],
        ))  # fmt: skip

    results, errors = _racing_in_transactions(ws, other, add)
    assert errors == []
    assert sorted(f.number for f in results) == [1, 2]
    assert sorted(f.number or 0 for f in visit.list_findings(ws, audit.id)) == [1, 2]


def test_letter_numbers_stay_unique_under_two_allocators(
    ws: Workspace, other: Workspace, audit: Audit, db_backend: str
) -> None:
    _pg_only(db_backend)

    def issue(tx: Any, n: int) -> int:
        seq: int = tx.next_letter_seq("opinion", 2026)
        tx.insert_letter(Letter(audit_id=audit.id, kind=LetterKind.OPINION,
                                issued_on=date(2026, 11, n), reply_due=date(2026, 11, 30),
                                number=f"意〔2026〕第{seq}号", number_year=2026,
                                number_seq=seq))  # fmt: skip
        return seq

    results, errors = _racing_in_transactions(ws, other, issue)
    assert errors == []
    assert sorted(results) == [1, 2]


def test_every_versioned_table_is_named_in_chinese_and_stamped_on_a_server() -> None:
    assert "schema_version" not in schema.VERSIONED_TABLES
    assert set(NOUNS) == set(schema.VERSIONED_TABLES)
    stamped = {t for t, column, _mode in AUTHOR_COLUMNS if column == "updated_by"}
    assert stamped == set(schema.VERSIONED_TABLES)
