"""The visit: walk the checklist (answers saved one change at a time, with history and undo),
gather and edit findings (会诊), the company's self-assessment beside the verified score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from auditdesk.checklists.applicability import CompanyProfile, visible_items
from auditdesk.checklists.schema import ChecklistItem, ChecklistLibrary
from auditdesk.checklists.scoring import ScoreReport, score_audit, with_vetoes
from auditdesk.errors import AuditDeskError, StaleRecordError
from auditdesk.models.audit import (
    Answer,
    AnswerResult,
    AnswerSource,
    Audit,
    AuditStatus,
    Change,
    ChangeEntity,
)
from auditdesk.models.common import Area, utcnow
from auditdesk.models.company import Company
from auditdesk.models.finding import Finding, FindingOrigin, Severity, kind_label
from auditdesk.services import changelog, checklists
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx
from auditdesk.store.versions import stale_message

FINDING_RESULTS = (AnswerResult.NON_COMPLIANT, AnswerResult.PARTIAL)
EDITABLE_FINDING_FIELDS = (
    "title", "facts", "severity", "remedy", "consequence", "due_date", "owner",
)  # fmt: skip
"""Status is not here: rectification moves have rules (``services.followups.move_finding``)."""


@dataclass(frozen=True)
class WalkItem:
    item: ChecklistItem
    area: Area
    answer: Answer | None
    self_result: AnswerResult | None = None

    @property
    def result(self) -> AnswerResult | None:
        """The item's answer; ``None`` while unanswered (even with a note or evidence on it)."""
        return self.answer.result if self.answer is not None else None


@dataclass(frozen=True)
class AreaProgress:
    area: Area
    visible: int
    answered: int
    to_verify: int

    @property
    def label(self) -> str:
        return f"{self.area.label} {self.answered}/{self.visible}"


@dataclass(frozen=True)
class Walk:
    """What the walk-through shows: the items visible now (conditions applied) and progress."""

    audit: Audit
    company: Company
    library: ChecklistLibrary
    items: list[WalkItem]
    progress: list[AreaProgress]

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.progress)

    @property
    def total(self) -> int:
        return sum(p.visible for p in self.progress)


def _area_of(library: ChecklistLibrary) -> dict[str, Area]:
    return {item.id: module.area for module in library.modules for item in module.items}


def load_walk(ws: Workspace, audit_id: str) -> Walk:
    with ws.store.read() as tx:
        audit = tx.require_audit(audit_id)
        company = tx.require_company(audit.company_id)
        answers = {a.item_id: a for a in tx.list_answers(audit_id)}
        own = tx.list_self_assessment(audit_id)
    library = checklists.library_for_audit(ws, audit)
    areas = _area_of(library)
    shown = visible_items(library, {k: a.result for k, a in answers.items() if a.result},
                          CompanyProfile.of(company), audit.scope)  # fmt: skip
    items = [
        WalkItem(i, areas[i.id], answers.get(i.id),
                 AnswerResult(own[i.id]) if i.id in own else None)
        for i in shown
    ]  # fmt: skip
    progress: list[AreaProgress] = []
    for area in Area:
        mine = [w for w in items if w.area is area]
        if not mine:
            continue
        answered = sum(1 for w in mine if w.result is not None)
        verify = sum(1 for w in mine if w.result is AnswerResult.TO_VERIFY)
        progress.append(AreaProgress(area, len(mine), answered, verify))
    return Walk(audit, company, library, items, progress)


def _log(tx: Tx, audit_id: str, entity: ChangeEntity, entity_id: str, field: str,
         old: Any, new: Any, by: str, at: Any) -> None:  # fmt: skip
    changelog.record(tx, entity, entity_id, field, old, new, by=by, audit_id=audit_id, at=at)


_KEEP: Any = object()
"""The result argument of :func:`_save_answer` that leaves the result as it is."""


def _item_name(item: ChecklistItem | None, item_id: str) -> str:
    """How messages name an item: its question (shortened), the code only without one."""
    if item is None or not item.question.strip():
        return f"检查项 {item_id} "
    title = item.question.strip()
    return f"检查项“{title if len(title) <= 30 else title[:29] + '…'}”"


def answer_item(
    ws: Workspace,
    audit_id: str,
    item_id: str,
    result: AnswerResult | None,
    *,
    note: str | None = None,
    source: AnswerSource | None = None,
    by: str = "",
    expected_version: int | None = None,
) -> Answer | None:
    """Save one change to an item's answer in one transaction, with its history.

    ``result=None`` clears the answer: the item is unanswered again, its note, channel and
    evidence kept (the record goes only when nothing is left on it; returns ``None`` then).
    ``note``/``source`` left ``None`` keep what was there. Each save that changes a field adds
    one entry per changed field to the change log (entries are never rewritten: a note saved at
    each pause in typing gives one entry per save). ``expected_version``: the version of the
    answer the user saw (``0`` when the item had no record); ``None`` saves over whatever is
    stored.

    Raises:
        AuditDeskError: the item is not in the audit's checklist version, the answer does not fit
            its scale, or the audit is closed.
        StaleRecordError: another user saved or cleared the item's answer after the user's
            ``expected_version`` (nothing saved; ``current`` is the stored answer or ``None``).
    """
    return _save_answer(ws, audit_id, item_id, result, note=note, source=source, by=by,
                        expected_version=expected_version)  # fmt: skip


def note_item(
    ws: Workspace,
    audit_id: str,
    item_id: str,
    *,
    note: str | None = None,
    source: AnswerSource | None = None,
    by: str = "",
    expected_version: int | None = None,
    log_note: bool = True,
) -> Answer | None:
    """Save an item's note and/or channel without touching its answer: on an unanswered item
    they are kept with ``result`` ``None`` (未作答), never as 待核实. One transaction, logged as
    :func:`answer_item` does (``expected_version`` likewise). ``log_note=False`` (the walk's
    autosave while a note is being typed) saves the note without an entry: :func:`log_note_edit`
    then writes one entry for the whole edit when it is committed (the note editor leaves the
    item or the window closes).

    Returns the saved record, or ``None`` when an unanswered item is left with nothing on it.

    Raises:
        AuditDeskError: as :func:`answer_item`.
        StaleRecordError: as :func:`answer_item`.
    """
    return _save_answer(ws, audit_id, item_id, _KEEP, note=note, source=source, by=by,
                        log_note=log_note, expected_version=expected_version)  # fmt: skip


def _save_answer(
    ws: Workspace,
    audit_id: str,
    item_id: str,
    result: Any,
    *,
    note: str | None,
    source: AnswerSource | None,
    by: str,
    expected_version: int | None = None,
    log_note: bool = True,
) -> Answer | None:
    with ws.store.read() as tx:
        audit = tx.require_audit(audit_id)
    if audit.status is AuditStatus.CLOSED:
        raise AuditDeskError("体检已关闭，不能再修改检查结果。", location=audit_id)
    item = checklists.library_for_audit(ws, audit).item(item_id)
    if item is None:
        raise AuditDeskError(
            f"{_item_name(_current_item(ws, item_id), item_id)}不在本次体检使用的清单版本中。",
            location=item_id,
        )
    if result is not _KEEP and result is not None and result not in item.scale.answers:
        choices = "、".join(a.label for a in item.scale.answers)
        raise AuditDeskError(f"{_item_name(item, item_id)}的答案只能是：{choices}。",
                             location=item_id)  # fmt: skip
    now = utcnow()
    with ws.store.transaction() as tx:
        old = tx.get_answer(audit_id, item_id)
        new = Answer(
            audit_id=audit_id, item_id=item_id,
            result=(old.result if old else None) if result is _KEEP else result,
            note=old.note if note is None and old else (note or ""),
            source=source if source is not None else (old.source if old else None),
            answered_by=by, answered_at=now, updated_at=now, updated_by=by,
        )  # fmt: skip
        if expected_version is not None and (old.version if old else 0) != expected_version:
            raise tx.stale_answer(audit_id, item_id)
        empty = new.result is None and not new.note and new.source is None
        if empty and (old is None or not tx.list_attachments(answer_id=old.id)):
            if old is not None:
                tx.delete_answer(audit_id, item_id, old.version)
                for field in ("result", "note", "source"):
                    before = getattr(old, field)
                    if before and (log_note or field != "note"):
                        _log(tx, audit_id, ChangeEntity.ANSWER, item_id, field, before,
                             None if field != "note" else "", by, now)  # fmt: skip
            return None
        saved = tx.save_answer(new, expected_version)
        for field in ("result", "note", "source"):
            before = getattr(old, field) if old else None
            after = getattr(saved, field)
            if field == "note" and not log_note:
                continue
            if before != after and not (field == "note" and not before and not after):
                _log(tx, audit_id, ChangeEntity.ANSWER, item_id, field, before, after, by, now)
        if audit.status is AuditStatus.DRAFT:
            _start(tx, audit_id, now, by)
        return saved


def _start(tx: Tx, audit_id: str, now: Any, by: str) -> None:
    """A draft audit whose first answer is saved is in progress (read again here: the copy read
    before this transaction may be stale)."""
    audit = tx.require_audit(audit_id)
    if audit.status is AuditStatus.DRAFT:
        tx.update_audit(audit.model_copy(update={"status": AuditStatus.IN_PROGRESS,
                                                 "updated_at": now, "updated_by": by}))  # fmt: skip


def _current_item(ws: Workspace, item_id: str) -> ChecklistItem | None:
    """The item in the current checklist library, to name an item the audit's version lacks."""
    try:
        return checklists.current_library(ws).library.item(item_id)
    except AuditDeskError:
        return None


def log_note_edit(ws: Workspace, audit_id: str, item_id: str, before: str, *, by: str = "") -> bool:
    """Log one entry for a note edited over several unlogged saves (``note_item(...,
    log_note=False)``): from ``before`` (the note when the editing began) to the note saved now.
    ``False`` (nothing logged) when the note is back to ``before``."""
    with ws.store.transaction() as tx:
        answer = tx.get_answer(audit_id, item_id)
        now_note = answer.note if answer is not None else ""
        if now_note == before:
            return False
        _log(tx, audit_id, ChangeEntity.ANSWER, item_id, "note", before, now_note, by, utcnow())
        return True


def undo_last_answer(ws: Workspace, audit_id: str, *, by: str = "") -> str | None:
    """Undo ``by``'s own latest answer change in the audit (every field that one save changed),
    never another person's: the undo is new entries in the change log (each naming the entry it
    reverses), nothing is rewritten.

    Returns the item id that was restored, or ``None`` when ``by`` has nothing left to undo.

    Raises:
        AuditDeskError: the item was changed by someone else since (their change would be
            lost), or the audit is closed.
    """
    with ws.store.transaction() as tx:
        by = tx.author(by)  # whose changes: on a server, the signed-in user's
        audit = tx.require_audit(audit_id)
        if audit.status is AuditStatus.CLOSED:
            raise AuditDeskError("体检已关闭，不能再撤销检查结果的修改。", location=audit_id)
        changes = tx.list_changes(audit_id, ChangeEntity.ANSWER.value)
        undone = tx.undone_change_ids(c.id for c in changes)
        mine = [
            c
            for c in changes
            if c.changed_by == by and c.field in ("result", "note", "source")
            and c.undoes is None and c.id not in undone and not c.undone
        ]  # fmt: skip
        if not mine:
            return None
        last = mine[-1]
        batch = [
            c for c in mine if c.entity_id == last.entity_id and c.changed_at == last.changed_at
        ]
        later = [
            c for c in changes
            if c.id > last.id and c.entity_id == last.entity_id and c.changed_by != by
        ]  # fmt: skip
        if later:
            who = later[-1].changed_by or "其他人"
            raise AuditDeskError(
                f"检查项 {last.entity_id} 在您修改之后已被 {who} 修改，撤销会覆盖其修改，未撤销。",
                location=last.entity_id,
            )
        current = tx.get_answer(audit_id, last.entity_id)
        values: dict[str, Any] = {
            "result": current.result if current else None,
            "note": current.note if current else "",
            "source": current.source if current else None,
        }
        now = utcnow()
        for c in batch:
            changelog.record(tx, ChangeEntity.ANSWER, c.entity_id, c.field, values[c.field],
                           c.old, by=by, audit_id=audit_id, company_id=audit.company_id,
                           at=now, undoes=c.id)  # fmt: skip
            values[c.field] = c.old
        # evidence hangs on the record: kept (unanswered) with the photos, never deleted
        evidence = current is not None and bool(tx.list_attachments(answer_id=current.id))
        if not (values["result"] or values["note"] or values["source"] or evidence):
            tx.delete_answer(audit_id, last.entity_id)
        else:
            restored = Answer(
                audit_id=audit_id, item_id=last.entity_id,
                result=AnswerResult(values["result"]) if values["result"] else None,
                note=values["note"] or "",
                source=AnswerSource(values["source"]) if values["source"] else None,
                answered_by=by, answered_at=now, updated_at=now, updated_by=by,
            )  # fmt: skip
            tx.upsert_answer(restored)
        return last.entity_id


def history(ws: Workspace, audit_id: str, entity_id: str) -> list[Change]:
    """Every recorded change of one item's answer or one finding, oldest first (``undone`` set
    on the entries a later undo reversed)."""
    with ws.store.read() as tx:
        return changelog.with_undone(tx, tx.list_changes(audit_id, entity_id=entity_id))


# ------------------------------------------------------------------ 会诊: findings
PARTIAL_PREFIX = "部分符合："
NO_NOTE = "检查记录未写明查见的具体情况，出具文书前请补充。"


def finding_facts(answer: Answer) -> str:
    """The facts of a finding gathered from ``answer``: what the auditor wrote down, marked
    部分符合 for a partial answer; without a note, a line that asks for the facts. Never the
    checklist question (the title is the item's finding statement)."""
    partial = answer.result is AnswerResult.PARTIAL
    if answer.note.strip():
        return f"{PARTIAL_PREFIX if partial else ''}{answer.note.strip()}"
    how = f"经{answer.source.label if answer.source else '核查'}"
    if partial:
        return f"{PARTIAL_PREFIX}{how}，部分情况不符合要求；{NO_NOTE}"
    return f"{how}，不符合要求；{NO_NOTE}"


def gather_findings(ws: Workspace, audit_id: str, *, by: str = "") -> list[Finding]:
    """Create a finding for each 不符合/部分符合 answer that has none yet; return the new ones.

    A finding is titled with its item's finding statement (the same for 部分符合: the facts say
    部分), its facts are the auditor's note (:func:`finding_facts`), and it carries the item's
    legal basis, consequence (法律后果) and remedy.
    """
    walk = load_walk(ws, audit_id)
    created: list[Finding] = []
    now = utcnow()
    with ws.store.transaction() as tx:
        have = {
            f.origin_ref for f in tx.list_findings(audit_id) if f.origin is FindingOrigin.CHECKLIST
        }
        for w in walk.items:
            if w.answer is None or w.result not in FINDING_RESULTS or w.item.id in have:
                continue
            item = w.item
            finding = Finding(
                audit_id=audit_id, origin=FindingOrigin.CHECKLIST, origin_ref=item.id,
                area=w.area, severity=Severity(item.severity.value), title=item.statement[:300],
                facts=finding_facts(w.answer), legal_basis=list(item.legal_basis),
                remedy=item.remedy, consequence=item.consequence, updated_by=by,
            )  # fmt: skip
            saved = tx.insert_item_finding(finding)
            if saved is None:  # another user gathered this item meanwhile
                continue
            finding = saved
            _log(
                tx,
                audit_id,
                ChangeEntity.FINDING,
                finding.id,
                "created",
                None,
                finding.title,
                by,
                now,
            )
            created.append(finding)
    return created


def list_findings(ws: Workspace, audit_id: str, *, include_dismissed: bool = True) -> list[Finding]:
    with ws.store.read() as tx:
        found = tx.list_findings(audit_id)
    return [f for f in found if include_dismissed or not f.dismissed]


def find_finding(ws: Workspace, ref: str, *, audit_id: str | None = None) -> Finding:
    """The finding with this id, whose 问题编号 is ``ref`` (``W07``, as printed on the documents and
    the 整改台账), or whose id starts with ``ref`` (the short reference in lists: the first 8
    characters, any case), within one audit if given.

    Raises:
        AuditDeskError: no finding, or more than one, matches.
    """
    text = ref.strip()
    with ws.store.read() as tx:
        exact = tx.get_finding(text)
        if exact is not None and (audit_id is None or exact.audit_id == audit_id):
            return exact
        if audit_id is not None:
            tx.require_audit(audit_id)
            audit_ids = [audit_id]
        else:
            audit_ids = [s.audit.id for s in tx.list_audit_summaries()]
        prefix = text.upper()
        code = prefix.replace(" ", "")
        matches = [
            f
            for a in audit_ids
            for f in tx.list_findings(a)
            if (len(prefix) >= 4 and f.id.upper().startswith(prefix))
            or (f.number is not None and f.code == code)
        ]
    if audit_id is None and len({f.audit_id for f in matches}) > 1 and code.startswith("W"):
        raise AuditDeskError(
            f"问题编号 {text} 在多次体检中都有，请用 --audit 指明体检（或给出 8 位编号）。",
            location=text,
        )
    return only_match(matches, text, "问题", where="该体检中" if audit_id else "")


T = TypeVar("T")


def only_match(matches: list[T], text: str, noun: str, *, where: str = "") -> T:
    """The one record a short reference names. Raises AuditDeskError (Chinese, naming ``text``)
    when none or several match."""
    if not matches:
        raise AuditDeskError(f"{where}找不到{noun}编号 {text}。", location=text)
    if len(matches) > 1:
        raise AuditDeskError(
            f"{noun}编号 {text} 对应 {len(matches)} 个{noun}，请写得更长一些（或给出完整编号）。",
            location=text,
        )
    return matches[0]


def edit_finding(
    ws: Workspace,
    finding_id: str,
    changes: dict[str, Any],
    *,
    by: str = "",
    expected_version: int | None = None,
) -> Finding:
    """Change a finding's title, facts, severity, remedy, deadline or owner (logged).
    ``expected_version``: the version of the finding the user edited (``None``: save over
    whatever is stored). Returns the finding as saved, at its new version.

    Raises:
        AuditDeskError: an unknown field, or a value the finding model refuses (Chinese message).
        StaleRecordError: another user saved the finding after ``expected_version`` (nothing
            saved; ``current`` is the stored finding).
    """
    with ws.store.transaction() as tx:
        return edit_in(tx, finding_id, changes, by=by, expected_version=expected_version)


def edit_in(
    tx: Tx,
    finding_id: str,
    changes: dict[str, Any],
    *,
    by: str = "",
    expected_version: int | None = None,
) -> Finding:
    """:func:`edit_finding` inside a transaction the caller holds (one 保存 = one transaction)."""
    unknown = set(changes) - set(EDITABLE_FINDING_FIELDS)
    if unknown:
        raise AuditDeskError(f"不能修改问题的这些字段：{'、'.join(sorted(unknown))}")
    now = utcnow()
    old = tx.require_finding(finding_id)
    try:
        new = Finding.model_validate({**old.model_dump(), **changes, "updated_at": now,
                                      "updated_by": by})  # fmt: skip
    except ValueError as exc:
        raise AuditDeskError(f"问题内容有误：{exc}") from exc
    if expected_version is not None:
        new = new.model_copy(update={"version": expected_version})
    new = tx.update_finding(new)
    for field in changes:
        if getattr(old, field) != getattr(new, field):
            _log(tx, old.audit_id, ChangeEntity.FINDING, finding_id, field,
                 getattr(old, field), getattr(new, field), by, now)  # fmt: skip
    return new


def require_seen(finding: Finding, expected: int | None) -> Finding:
    """``finding`` (as stored now) when it is still at the version the user saw (``expected``;
    ``None``: whatever is stored).

    Raises:
        StaleRecordError: another user saved it since (``current`` is the stored finding; the
            message names who and when).
    """
    if expected is None or finding.version == expected:
        return finding
    return _raise_stale(finding)


def _raise_stale(finding: Finding) -> Finding:
    raise StaleRecordError(
        stale_message("findings", finding.updated_by or "", finding.updated_at),
        current=finding,
        changed_by=finding.updated_by or "",
        changed_at=finding.updated_at,
        location=finding.id,
    )


def dismiss_finding(
    ws: Workspace,
    finding_id: str,
    reason: str,
    *,
    by: str = "",
    expected_version: int | None = None,
) -> Finding:
    """Drop a finding from the report. A written reason is required and kept, with who and when.
    ``expected_version``: the version the user saw (``None``: whatever is stored).

    Raises:
        AuditDeskError: no reason. StaleRecordError: another user saved the finding after
            ``expected_version`` (nothing saved).
    """
    if not reason.strip():
        raise AuditDeskError("请写明不予列入报告的理由。", location="dismissed_reason")
    now = utcnow()
    with ws.store.transaction() as tx:
        old = require_seen(tx.require_finding(finding_id), expected_version)
        new = old.model_copy(update={"dismissed_reason": reason.strip(), "dismissed_by": by,
                                     "dismissed_at": now, "updated_at": now,
                                     "updated_by": by})  # fmt: skip
        new = tx.update_finding(new)
        _log(
            tx,
            old.audit_id,
            ChangeEntity.FINDING,
            finding_id,
            "dismissed",
            None,
            reason.strip(),
            by,
            now,
        )
        return new


def restore_finding(
    ws: Workspace, finding_id: str, *, by: str = "", expected_version: int | None = None
) -> Finding:
    """Put a 剔除 finding back in the report (``expected_version`` as :func:`dismiss_finding`)."""
    now = utcnow()
    with ws.store.transaction() as tx:
        old = require_seen(tx.require_finding(finding_id), expected_version)
        new = old.model_copy(update={"dismissed_reason": None, "dismissed_by": None,
                                     "dismissed_at": None, "updated_at": now,
                                     "updated_by": by})  # fmt: skip
        new = tx.update_finding(new)
        _log(tx, old.audit_id, ChangeEntity.FINDING, finding_id, "restored",
             old.dismissed_reason, None, by, now)  # fmt: skip
        return new


def merge_findings(
    ws: Workspace,
    finding_ids: list[str],
    *,
    by: str = "",
    expected_versions: Mapping[str, int] | None = None,
) -> Finding:
    """Merge findings into the first one: facts joined, money added, the most severe severity; the
    others are dismissed with the reason "合并到 …". ``expected_versions``: finding id → the
    version the user saw (missing or ``None``: whatever is stored).

    Raises:
        AuditDeskError: fewer than two, or money of different kinds.
        StaleRecordError: another user saved one of them since (nothing saved).
    """
    if len(finding_ids) < 2:
        raise AuditDeskError("请至少选择两条问题进行合并。")
    seen = expected_versions or {}
    now = utcnow()
    with ws.store.transaction() as tx:
        found = [require_seen(tx.require_finding(i), seen.get(i)) for i in finding_ids]
        keep, others = found[0], found[1:]
        money = [f.money_at_stake for f in found if f.money_at_stake is not None]
        kinds = {f.money_kind for f in found if f.money_at_stake is not None}
        if len(kinds) > 1:
            raise AuditDeskError(
                "这些问题的金额类别不同（"
                + "、".join(sorted(kind_label(k) for k in kinds))
                + "），金额不能相加，请分别保留。"
            )
        basis = list(keep.legal_basis)
        for f in others:
            basis += [c for c in f.legal_basis if c not in basis]
        merged = keep.model_copy(update={
            "facts": "\n".join(f.facts for f in found if f.facts),
            "severity": min((f.severity for f in found), key=lambda s: s.rank),
            "money_at_stake": sum(money, Decimal(0)) if money else None,
            "money_kind": next(iter(kinds), None),
            "legal_basis": basis, "updated_at": now, "updated_by": by,
        })  # fmt: skip
        merged = tx.update_finding(merged)
        # the history shows words, 问题编号 and title, never a finding's raw id
        _log(tx, keep.audit_id, ChangeEntity.FINDING, keep.id, "merged", None,
             "、".join(f"{f.code}“{f.title}”" for f in others), by, now)  # fmt: skip
        for f in others:
            tx.update_finding(f.model_copy(update={"dismissed_reason": f"合并到“{keep.title}”",
                                                   "dismissed_by": by, "dismissed_at": now,
                                                   "updated_at": now, "updated_by": by}))  # fmt: skip
            _log(
                tx,
                f.audit_id,
                ChangeEntity.FINDING,
                f.id,
                "dismissed",
                None,
                f"合并到 {keep.code}“{keep.title}”",
                by,
                now,
            )
        return merged


def split_finding(
    ws: Workspace, finding_id: str, *, by: str = "", expected_version: int | None = None
) -> Finding:
    """A copy of a finding to edit separately (e.g. one problem per department).
    ``expected_version``: the version the user saw; when another user saved the finding since,
    :class:`StaleRecordError` (the copy would carry their content, not what the user saw)."""
    now = utcnow()
    with ws.store.transaction() as tx:
        old = require_seen(tx.require_finding(finding_id), expected_version)
        fresh = {"id", "created_at", "updated_at", "number", "version"}
        copy = Finding.model_validate({**old.model_dump(exclude=fresh),
                                       "updated_by": by,
                                       "title": f"{old.title}（拆分）"[:300],
                                       "split_from": old.split_from or old.id})  # fmt: skip
        copy = tx.insert_finding(copy)  # a split is a new finding: the next 问题编号
        _log(tx, old.audit_id, ChangeEntity.FINDING, copy.id, "split_from", None,
             f"{old.code}“{old.title}”", by, now)  # fmt: skip
        return copy


# ------------------------------------------------------------------ self-assessment and scores
def set_self_assessment(
    ws: Workspace, audit_id: str, item_id: str, result: AnswerResult | None
) -> None:
    """The company's own answer to an item (自评); ``None`` removes it."""
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        tx.set_self_assessment(audit_id, item_id, result.value if result else None)


@dataclass(frozen=True)
class ScoreComparison:
    verified: ScoreReport
    self_assessed: ScoreReport | None
    differences: list[tuple[ChecklistItem, AnswerResult, AnswerResult | None]]
    """(item, company's answer, verified answer) where they differ."""


def compare_scores(ws: Workspace, audit_id: str) -> ScoreComparison:
    walk = load_walk(ws, audit_id)
    profile = CompanyProfile.of(walk.company)
    verified_answers = {w.item.id: w.result for w in walk.items if w.result is not None}
    with ws.store.read() as tx:
        own = {k: AnswerResult(v) for k, v in tx.list_self_assessment(audit_id).items()}
        findings = tx.list_findings(audit_id)
    verified = score_audit(walk.library, verified_answers, profile, walk.audit.scope)
    verified = with_vetoes(verified, checklists.payroll_vetoes(findings))
    if not own:
        return ScoreComparison(verified, None, [])
    self_report = score_audit(walk.library, own, profile, walk.audit.scope)
    diffs = [
        (w.item, own[w.item.id], verified_answers.get(w.item.id))
        for w in walk.items
        if w.item.id in own and own[w.item.id] != verified_answers.get(w.item.id)
    ]
    return ScoreComparison(verified, self_report, diffs)
