from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import AnswerResult, AnswerSource, Audit, AuditStatus
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Severity
from auditdesk.services import audits, checklists, companies, reports, visit
from auditdesk.services.workspace import Workspace


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司", headcount=120))
    return audits.start_audit(ws, company.id)


def _first_item(ws: Workspace, audit: Audit, scale: str = "compliance") -> str:
    walk = visit.load_walk(ws, audit.id)
    return next(w.item.id for w in walk.items if w.item.scale.value == scale)


def test_answer_is_saved_with_history_and_the_audit_starts(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, note="未见合同",
                      source=AnswerSource.RECORDS, by="陈静")  # fmt: skip
    visit.answer_item(ws, audit.id, item, AnswerResult.PARTIAL, by="陈静")
    walk = visit.load_walk(ws, audit.id)
    answered = next(w for w in walk.items if w.item.id == item)
    assert answered.answer is not None
    assert answered.answer.result is AnswerResult.PARTIAL
    assert answered.answer.note == "未见合同"  # kept when not given
    assert answered.answer.source is AnswerSource.RECORDS
    changes = visit.history(ws, audit.id, item)
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [
        ("result", None, '"non_compliant"'),
        ("note", None, '"未见合同"'),
        ("source", None, '"records"'),
        ("result", '"non_compliant"', '"partial"'),
    ]
    assert all(c.changed_by == "陈静" for c in changes)
    assert audits.get_audit(ws, audit.id).status is AuditStatus.IN_PROGRESS
    assert walk.answered == 1
    area = next(p for p in walk.progress if p.area is answered.area)
    assert area.answered == 1


def test_undo_restores_the_previous_answer_then_clears(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    visit.answer_item(ws, audit.id, item, AnswerResult.COMPLIANT, note="a")
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, note="b")
    assert visit.undo_last_answer(ws, audit.id) == item
    answer = next(w.answer for w in visit.load_walk(ws, audit.id).items if w.item.id == item)
    assert answer is not None
    assert (answer.result, answer.note) == (AnswerResult.COMPLIANT, "a")
    assert visit.undo_last_answer(ws, audit.id) == item
    assert next(w.answer for w in visit.load_walk(ws, audit.id).items if w.item.id == item) is None
    assert visit.undo_last_answer(ws, audit.id) is None


def test_conditional_items_follow_the_gate_answer(ws: Workspace, audit: Audit) -> None:
    walk = visit.load_walk(ws, audit.id)
    lib_items = {i.id: i for i in walk.library.items()}
    dependent = next(i for i in lib_items.values() if i.when is not None and i.when.item in
                     {w.item.id for w in walk.items})  # fmt: skip
    assert dependent.when is not None
    shown = {w.item.id for w in walk.items}
    assert dependent.id not in shown
    visit.answer_item(ws, audit.id, dependent.when.item, dependent.when.answers[0])
    assert dependent.id in {w.item.id for w in visit.load_walk(ws, audit.id).items}


def test_wrong_answer_for_the_scale_and_closed_audit(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    with pytest.raises(AuditDeskError):
        visit.answer_item(ws, audit.id, item, AnswerResult.YES)
    with pytest.raises(AuditDeskError):
        visit.answer_item(ws, audit.id, "NO.SUCH.ITEM", AnswerResult.COMPLIANT)


def test_findings_gathered_edited_dismissed_merged_split(ws: Workspace, audit: Audit) -> None:
    walk = visit.load_walk(ws, audit.id)
    items = [w.item for w in walk.items if w.item.scale.value == "compliance"][:3]
    for item in items:
        visit.answer_item(
            ws, audit.id, item.id, AnswerResult.NON_COMPLIANT, note=f"{item.id} 的事实"
        )
    created = visit.gather_findings(ws, audit.id, by="张卫东")
    assert [f.origin_ref for f in created] == [i.id for i in items]
    assert visit.gather_findings(ws, audit.id) == []  # once per answer
    first = created[0]
    assert first.legal_basis == items[0].legal_basis
    edited = visit.edit_finding(ws, first.id, {"facts": "改写的事实", "due_date": date(2026, 12, 31),
                                               "owner": "人事部", "severity": Severity.CRITICAL},
                                by="陈静")  # fmt: skip
    assert edited.due_date == date(2026, 12, 31)
    fields = [c.field for c in visit.history(ws, audit.id, first.id)]
    assert fields == ["created", "facts", "due_date", "owner", "severity"]
    with pytest.raises(AuditDeskError):
        visit.dismiss_finding(ws, created[1].id, "  ")
    dismissed = visit.dismiss_finding(ws, created[1].id, "企业已当场整改", by="陈静")
    assert dismissed.dismissed
    assert dismissed.dismissed_by == "陈静"
    assert [f.id for f in visit.list_findings(ws, audit.id, include_dismissed=False)] == [
        created[0].id, created[2].id,
    ]  # fmt: skip
    merged = visit.merge_findings(ws, [created[0].id, created[2].id])
    assert "改写的事实" in merged.facts
    assert f"{items[2].id} 的事实" in merged.facts
    assert merged.severity is Severity.CRITICAL
    assert len(visit.list_findings(ws, audit.id, include_dismissed=False)) == 1
    copy = visit.split_finding(ws, merged.id)
    assert copy.id != merged.id
    assert copy.title.endswith("（拆分）")
    restored = visit.restore_finding(ws, created[1].id)
    assert not restored.dismissed


def test_edit_finding_refuses_unknown_fields_and_bad_values(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT)
    [finding] = visit.gather_findings(ws, audit.id)
    with pytest.raises(AuditDeskError):
        visit.edit_finding(ws, finding.id, {"audit_id": "x"})
    with pytest.raises(AuditDeskError):
        visit.edit_finding(ws, finding.id, {"title": ""})


def test_self_assessment_beside_verified_score(ws: Workspace, audit: Audit) -> None:
    walk = visit.load_walk(ws, audit.id)
    items = [w.item for w in walk.items if w.item.scale.value == "compliance"][:2]
    for item in items:
        visit.set_self_assessment(ws, audit.id, item.id, AnswerResult.COMPLIANT)
    visit.answer_item(ws, audit.id, items[0].id, AnswerResult.COMPLIANT)
    visit.answer_item(ws, audit.id, items[1].id, AnswerResult.NON_COMPLIANT)
    comparison = visit.compare_scores(ws, audit.id)
    assert comparison.self_assessed is not None
    assert comparison.self_assessed.overall.score == Decimal(100)
    assert comparison.verified.overall.score is not None
    assert comparison.verified.overall.score < Decimal(100)
    assert [(i.id, own, verified) for i, own, verified in comparison.differences] == [
        (items[1].id, AnswerResult.COMPLIANT, AnswerResult.NON_COMPLIANT)
    ]


def test_gathered_finding_states_the_finding_not_the_question(ws: Workspace, audit: Audit) -> None:
    library = visit.load_walk(ws, audit.id).library
    fines, roster = library.item("RUL.NO_FINES"), library.item("ONB.ROSTER")
    assert fines is not None
    assert roster is not None
    visit.answer_item(ws, audit.id, fines.id, AnswerResult.NON_COMPLIANT,
                      note="《车间管理规定》第 12 条：迟到一次罚款 50 元", source=AnswerSource.RECORDS)  # fmt: skip
    visit.answer_item(ws, audit.id, roster.id, AnswerResult.PARTIAL)
    by_item = {f.origin_ref: f for f in visit.gather_findings(ws, audit.id)}
    fine = by_item["RUL.NO_FINES"]
    assert fine.title == "规章制度中设有罚款、扣罚或收取押金等处罚条款"
    assert fine.facts == "《车间管理规定》第 12 条：迟到一次罚款 50 元"  # what was seen
    assert fine.consequence == fines.consequence
    assert fine.consequence.startswith("罚款不属于法定可以代扣的项目")
    partial = by_item["ONB.ROSTER"]
    assert partial.title == roster.finding
    assert partial.consequence == roster.consequence
    # no note: the facts say what the answer was and ask for the facts, never the question
    assert partial.facts.startswith("部分符合")
    assert "请补充" in partial.facts
    for f in by_item.values():
        assert "？" not in f.title + f.facts
        assert roster.question not in f.facts
    edited = visit.edit_finding(ws, fine.id, {"consequence": "可能被责令改正并退还罚款。"})
    assert edited.consequence == "可能被责令改正并退还罚款。"
    assert [c.field for c in visit.history(ws, audit.id, fine.id)][-1] == "consequence"


def test_partial_answer_with_a_note_says_partial(ws: Workspace, audit: Audit) -> None:
    visit.answer_item(ws, audit.id, "ONB.CONTRACT_WRITTEN", AnswerResult.PARTIAL,
                      note="抽查 20 人，3 人入职满两个月仍未签订合同")  # fmt: skip
    [finding] = visit.gather_findings(ws, audit.id)
    assert finding.title == "未在用工之日起一个月内与部分劳动者订立书面劳动合同"
    assert finding.facts == "部分符合：抽查 20 人，3 人入职满两个月仍未签订合同"


# ------------------------------------------------------------------ notes without an answer
def test_a_note_on_an_unanswered_item_leaves_it_unanswered(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    before_walk = visit.load_walk(ws, audit.id)
    before_score = checklists.audit_score(ws, audit.id)
    saved = visit.note_item(ws, audit.id, item, note="花名册 54 人，合同只见 50 份", by="陈静")
    assert saved is not None
    assert (saved.result, saved.note) == (None, "花名册 54 人，合同只见 50 份")
    walk = visit.load_walk(ws, audit.id)
    noted = next(w for w in walk.items if w.item.id == item)
    assert noted.result is None
    assert noted.answer is not None
    assert noted.answer.note == "花名册 54 人，合同只见 50 份"
    assert walk.answered == before_walk.answered
    assert [p.to_verify for p in walk.progress] == [p.to_verify for p in before_walk.progress]
    assert checklists.audit_score(ws, audit.id) == before_score
    assert reports.gather(ws, audit.id).items_answered == before_walk.answered
    assert visit.gather_findings(ws, audit.id) == []
    assert [(c.field, c.new) for c in visit.history(ws, audit.id, item)] == [
        ("note", "花名册 54 人，合同只见 50 份")
    ]
    # answering later keeps the note; clearing the answer keeps it too
    visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, by="陈静")
    assert visit.load_walk(ws, audit.id).answered == before_walk.answered + 1
    cleared = visit.answer_item(ws, audit.id, item, None, by="陈静")
    assert cleared is not None
    assert (cleared.result, cleared.note) == (None, "花名册 54 人，合同只见 50 份")
    assert visit.load_walk(ws, audit.id).answered == before_walk.answered
    # undoing the clear answers it again; undoing the answer leaves the note alone
    assert visit.undo_last_answer(ws, audit.id, by="陈静") == item
    assert visit.undo_last_answer(ws, audit.id, by="陈静") == item
    with ws.store.read() as tx:
        back = tx.get_answer(audit.id, item)
    assert back is not None
    assert (back.result, back.note) == (None, "花名册 54 人，合同只见 50 份")
    # emptying the note of an unanswered item leaves nothing behind
    assert visit.note_item(ws, audit.id, item, note="", by="陈静") is None
    with ws.store.read() as tx:
        assert tx.get_answer(audit.id, item) is None


def test_a_note_keeps_the_answer_there_is(ws: Workspace, audit: Audit) -> None:
    item = _first_item(ws, audit)
    visit.answer_item(ws, audit.id, item, AnswerResult.PARTIAL, by="陈静")
    saved = visit.note_item(ws, audit.id, item, note="部分岗位未签", source=AnswerSource.TALK)
    assert saved is not None
    assert (saved.result, saved.note, saved.source) == (
        AnswerResult.PARTIAL, "部分岗位未签", AnswerSource.TALK,
    )  # fmt: skip


def test_errors_name_the_item_by_its_question(ws: Workspace, audit: Audit) -> None:
    walk = visit.load_walk(ws, audit.id)
    gate = next(w.item for w in walk.items if w.item.scale.value == "yes_no")
    with pytest.raises(AuditDeskError) as info:
        visit.answer_item(ws, audit.id, gate.id, AnswerResult.PARTIAL)
    assert gate.question[:10] in info.value.message
    assert gate.id not in info.value.message
    with pytest.raises(AuditDeskError, match=r"检查项 NO\.SUCH_ITEM 不在本次体检"):
        visit.answer_item(ws, audit.id, "NO.SUCH_ITEM", AnswerResult.COMPLIANT)
