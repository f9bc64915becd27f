"""跟诊: rectification moves, follow-up planning and visits, payroll re-checks, letters and their
clocks, what is due, and the .ics calendar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import AuditStatus, ChangeEntity, Visit, VisitChannel, VisitKind
from auditdesk.models.common import utcnow
from auditdesk.models.finding import Finding, FindingOrigin, RectificationStatus
from auditdesk.models.followup import FollowUp, Letter, RectificationMove, move_problem
from auditdesk.rules.engine import employee_key, person_token
from auditdesk.services import attachments, changelog, office_settings, payroll, visit
from auditdesk.services.visit import require_seen
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx
from auditdesk.store.followup_queries import DueFollowup, OverdueFinding

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = RectificationStatus
ESTIMATE_NOTE = "（估算：尚未登记送达，按发出当日送达计算）"


def _move(tx: Tx, finding: Finding, to: RectificationStatus, *, note: str, by: str,
          verify: bool, visit_id: str | None = None) -> Finding:  # fmt: skip
    problem = move_problem(finding.status, to, verify=verify, note=note)
    if problem:
        raise AuditDeskError(problem, location=finding.id)
    now = utcnow()
    moved = finding.model_copy(update={"status": to, "updated_at": now, "updated_by": by})
    moved = tx.update_finding(moved)
    tx.insert_move(RectificationMove(finding_id=finding.id, audit_id=finding.audit_id,
                                     from_status=finding.status, to_status=to, note=note,
                                     moved_by=by, moved_at=now, visit_id=visit_id))  # fmt: skip
    changelog.record(tx, ChangeEntity.FINDING, finding.id, "status", finding.status, to, by=by,
                     audit_id=finding.audit_id, at=now)  # fmt: skip
    return moved


def move_finding(ws: Workspace, finding_id: str, to: RectificationStatus, *, note: str = "",
                 by: str = "", verify: bool = False, evidence: Sequence[Path] = ()) -> Finding:  # fmt: skip
    """Move a finding along 待整改 → 整改中 → 已整改待核验 → 已核验关闭 (or 不予整改, with a reason).

    Closing needs ``verify`` (a follow-up visit or an explicit verifier). Evidence files are
    attached to the finding. Raises AuditDeskError for a move the rules do not allow.
    """
    with ws.store.transaction() as tx:
        moved = _move(tx, tx.require_finding(finding_id), to, note=note, by=by, verify=verify)
    for path in evidence:
        attachments.attach_file(ws, path, finding_id=finding_id)
    return moved


def save_finding(
    ws: Workspace,
    finding_id: str,
    changes: dict[str, Any],
    *,
    status: RectificationStatus | None = None,
    note: str = "",
    by: str = "",
    verify: bool = False,
    expected_version: int | None = None,
) -> Finding:
    """会诊's 保存修改: the edited fields and, when ``status`` differs, the rectification move, in
    one transaction — a refused move leaves the edits unsaved too. ``expected_version``: the
    version of the finding the user edited (``None``: save over whatever is stored).

    Raises:
        AuditDeskError: an unknown field, a value the model refuses, or a move the rules forbid.
        StaleRecordError: another user saved the finding after ``expected_version`` (nothing
            saved; ``current`` is the stored finding).
    """
    with ws.store.transaction() as tx:
        saved = visit.edit_in(tx, finding_id, changes, by=by, expected_version=expected_version)
        if status is not None and status is not saved.status:
            saved = _move(tx, saved, status, note=note, by=by, verify=verify)
        return saved


def history(ws: Workspace, finding_id: str) -> list[RectificationMove]:
    with ws.store.read() as tx:
        return tx.list_moves(finding_id)


# ------------------------------------------------------------------ planning
def plan_followups(
    ws: Workspace, audit_id: str, *, today: date | None = None, by: str = ""
) -> list[FollowUp]:
    """After diagnosis: give open findings without a deadline one by severity (office settings),
    and propose follow-ups on the earliest deadline and, when much later, on the latest one. Each
    deadline given and follow-up planned is logged (``by``: who)."""
    today = today or date.today()
    days = office_settings.followup_days(ws)
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        deadlines: list[date] = []
        for f in tx.list_findings(audit_id):
            if not f.is_open:
                continue
            due = f.due_date or today + timedelta(days=days.get(f.severity.value, 60))
            if f.due_date is None:
                tx.update_finding(f.model_copy(update={"due_date": due, "updated_at": utcnow()}))
                changelog.record(tx, ChangeEntity.FINDING, f.id, "due_date", None, due, by=by,
                                 audit_id=audit_id)  # fmt: skip
            deadlines.append(due)
        planned = {p.planned_on for p in tx.list_followups(audit_id, open_only=True)}
        proposals = sorted(set(deadlines))
        chosen = proposals[:1] + (
            [proposals[-1]]
            if proposals and proposals[-1] - proposals[0] > timedelta(days=14)
            else []
        )
        made = []
        for day in chosen:
            if day in planned:
                continue
            followup = FollowUp(audit_id=audit_id, planned_on=day, note="按整改期限安排的跟诊")
            tx.insert_followup(followup)
            changelog.record(tx, ChangeEntity.FOLLOWUP, followup.id, "planned_on", None, day,
                             by=by, audit_id=audit_id)  # fmt: skip
            made.append(followup)
        return made


def reschedule(
    ws: Workspace,
    followup_id: str,
    planned_on: date,
    note: str | None = None,
    *,
    by: str = "",
    expected_version: int | None = None,
) -> FollowUp:
    """Move a planned follow-up to ``planned_on`` (and replace its note when given); logged
    (``by``: who). ``expected_version``: the version the user saw (``None``: whatever is stored).

    Raises:
        AuditDeskError: it no longer exists.
        StaleRecordError: another user saved it after ``expected_version`` (nothing saved).
    """
    with ws.store.transaction() as tx:
        current = next((f for f in tx.list_followups() if f.id == followup_id), None)
        if current is None:
            raise AuditDeskError("要修改的跟诊安排已不存在。")
        version = current.version if expected_version is None else expected_version
        changed = current.model_copy(update={"planned_on": planned_on, "updated_at": utcnow(),
                                             "updated_by": by, "version": version,
                                             **({"note": note} if note is not None else {})})  # fmt: skip
        saved = tx.update_followup(changed)
        changelog.record_fields(tx, ChangeEntity.FOLLOWUP, followup_id, current, changed,
                                ("planned_on", "note"), by=by, audit_id=current.audit_id)  # fmt: skip
        return saved


# ------------------------------------------------------------------ the follow-up visit
@dataclass(frozen=True)
class VisitResult:
    finding_id: str
    outcome: str  # "fixed" | "partly" | "not_fixed"
    note: str = ""
    new_due: date | None = None
    evidence: tuple[Path, ...] = ()


def open_findings(ws: Workspace, audit_id: str) -> list[Finding]:
    """What a 跟诊 visit starts from: every finding not closed, carried forward from earlier visits."""
    with ws.store.read() as tx:
        return [f for f in tx.list_findings(audit_id) if f.is_open]


def _fulfilled(planned: list[FollowUp], visit_date: date, followup_id: str | None, *,
               nothing_open: bool) -> list[FollowUp]:  # fmt: skip
    """The open follow-ups a visit on ``visit_date`` replaces: the one it was started from, every
    one planned on or before the visit (a late visit covers them all, so none stays 逾期), else
    the next one within 14 days; all of them when nothing is left open."""
    if nothing_open:
        return planned
    chosen = [f for f in planned if f.id == followup_id or f.planned_on <= visit_date]
    if not chosen:
        chosen = [f for f in planned if f.planned_on <= visit_date + timedelta(days=14)][:1]
    return chosen


def list_followups(ws: Workspace, audit_id: str | None = None, *, open_only: bool = False
                   ) -> list[FollowUp]:  # fmt: skip
    """Planned follow-ups of an audit (or of all), earliest first; ``open_only`` leaves out those
    a visit fulfilled."""
    with ws.store.read() as tx:
        return tx.list_followups(audit_id, open_only=open_only)


def record_followup_visit(ws: Workspace, audit_id: str, visit_date: date, results: Sequence[VisitResult],
                          *, by: str = "", attendees: Sequence[str] = (),
                          followup_id: str | None = None,
                          expected_versions: Mapping[str, int] | None = None) -> Visit:  # fmt: skip
    """One 跟诊 visit in one transaction: the visit, each finding's outcome (fixed → 已核验关闭,
    partly → 整改中, not fixed → 整改中 with a new deadline), and the planned follow-ups it
    fulfils (``followup_id``, the one it was started from, if any; every one planned on or before
    the visit; see :func:`_fulfilled`), so none of them stays on the due list as 逾期.

    ``expected_versions``: finding id → the version the user saw when the visit form opened
    (missing: whatever is stored).

    Raises:
        AuditDeskError: the audit or a finding does not exist, or a move the rules forbid.
        StaleRecordError: another user saved one of the findings since (nothing saved).
    """
    seen = expected_versions or {}
    visit = Visit(audit_id=audit_id, visit_date=visit_date, kind=VisitKind.FOLLOW_UP,
                  channels=[VisitChannel.RECORDS], attendees=list(attendees))  # fmt: skip
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        tx.insert_visit(visit)
        changelog.record(tx, ChangeEntity.VISIT, visit.id, "created", None,
                         f"{visit_date.isoformat()} {visit.kind.label}", by=by,
                         audit_id=audit_id)  # fmt: skip
        for r in results:
            finding = require_seen(tx.require_finding(r.finding_id), seen.get(r.finding_id))
            if r.outcome == "fixed":
                _move(tx, finding, S.VERIFIED_CLOSED, note=r.note or "跟诊核验已整改", by=by,
                      verify=True, visit_id=visit.id)  # fmt: skip
            else:
                target = S.IN_PROGRESS
                note = r.note or ("部分整改" if r.outcome == "partly" else "未整改")
                if finding.status is not target:
                    finding = _move(
                        tx, finding, target, note=note, by=by, verify=True, visit_id=visit.id
                    )
                else:  # still 整改中: recorded all the same, so the 跟诊记录 shows it was checked
                    tx.insert_move(RectificationMove(
                        finding_id=finding.id, audit_id=audit_id, from_status=target,
                        to_status=target, note=note, moved_by=by, moved_at=utcnow(),
                        visit_id=visit.id))  # fmt: skip
                if r.new_due is not None:
                    tx.update_finding(
                        finding.model_copy(update={"due_date": r.new_due, "updated_at": utcnow()})
                    )
                    changelog.record(tx, ChangeEntity.FINDING, finding.id, "due_date",
                                     finding.due_date, r.new_due, by=by,
                                     audit_id=audit_id)  # fmt: skip
        remaining = [f for f in tx.list_findings(audit_id) if f.is_open]
        for planned in _fulfilled(tx.list_followups(audit_id, open_only=True), visit_date,
                                  followup_id, nothing_open=not remaining):  # fmt: skip
            tx.update_followup(planned.model_copy(update={"visit_id": visit.id, "done_on": visit_date,
                                                          "updated_at": utcnow()}))  # fmt: skip
            changelog.record(tx, ChangeEntity.FOLLOWUP, planned.id, "done_on", None, visit_date,
                             by=by, audit_id=audit_id)  # fmt: skip
        audit = tx.require_audit(audit_id)
        if not remaining and audit.status is AuditStatus.DIAGNOSED:
            tx.update_audit(
                audit.model_copy(update={"status": AuditStatus.CLOSED, "updated_at": utcnow()})
            )
            changelog.record(tx, ChangeEntity.AUDIT, audit_id, "audit_status",
                             audit.status.label, AuditStatus.CLOSED.label, by=by,
                             audit_id=audit_id, company_id=audit.company_id)  # fmt: skip
    for r in results:
        for path in r.evidence:
            attachments.attach_file(ws, path, finding_id=r.finding_id)
    return visit


@dataclass(frozen=True)
class Recheck:
    """A payroll finding compared with the rules run on the newest payroll of the audit."""

    finding: Finding
    still: list[str]
    """Employees for whom the rule still fires."""
    before: Decimal | None
    after: Decimal | None
    missing: list[str] = field(default_factory=list)
    """Employees of the finding who are not in the latest payroll (cannot be re-checked)."""

    @property
    def fixed(self) -> bool:
        """Proposed as fixed: the rule no longer fires for anyone, and at least one of the
        finding's employees is in the new payroll (absence is not a fix)."""
        subjects = self.finding.subjects or []
        return not self.still and (not subjects or len(self.missing) < len(subjects))


def recheck_payroll(ws: Workspace, audit_id: str) -> list[Recheck]:
    """Run the rules on the audit's latest pay month and compare each open payroll finding:
    no longer firing for its employees → proposed as fixed; still firing → stays, with new figures.

    Employees are matched by one identity (the ID number where the payroll has one, else 工号,
    else the name: ``rules.engine.person_token``); findings adopted before identities were kept
    name their employees by 工号 or masked ID, which is matched against the same display key.
    """
    review = payroll.review_audit(ws, audit_id)
    latest = review.latest_period
    current_all = [x for x in review.result.findings if x.period == latest]
    present: set[str] = set()
    present_keys: set[str] = set()
    shown: dict[str, str] = {}  # identity token → what documents show (工号 or masked ID)
    for row in review.rows:
        token, key = person_token(row), employee_key(row)
        shown.setdefault(token, key)
        if row.period == latest:
            present.add(token)
            present_keys.add(key)
    out: list[Recheck] = []
    for f in open_findings(ws, audit_id):
        if f.origin is not FindingOrigin.PAYROLL:
            continue
        rule = f.origin_ref.split("@")[0]
        subjects = set(f.subjects or [])
        current = [x for x in current_all if x.rule == rule
                   and (not subjects or x.person in subjects or x.employee_key in subjects)]  # fmt: skip
        amounts = [x.amount for x in current if x.amount is not None]
        missing = sorted(
            shown.get(s, s) for s in subjects if s not in present and s not in present_keys
        )
        out.append(Recheck(f, sorted({x.employee_key for x in current}), f.money_at_stake,
                           sum(amounts, Decimal(0)) if amounts else None, missing))  # fmt: skip
    return out


# ------------------------------------------------------------------ letters
def letter_replied(
    ws: Workspace,
    letter_id: str,
    replied_on: date,
    *,
    by: str = "",
    expected_version: int | None = None,
) -> Letter:
    """Record the company's reply to a letter on ``replied_on`` (logged; ``by``: who).
    ``expected_version``: the version the user saw (``None``: whatever is stored).

    Raises:
        AuditDeskError: no such letter, or a reply before the letter was issued.
        StaleRecordError: another user saved it after ``expected_version`` (nothing saved).
    """
    with ws.store.transaction() as tx:
        letter = next((x for x in tx.list_letters() if x.id == letter_id), None)
        if letter is None:
            raise AuditDeskError("该函件记录已不存在。")
        if replied_on < letter.issued_on:
            raise AuditDeskError(
                f"答复日期 {replied_on} 早于{letter.kind.label}的发出日期 {letter.issued_on}。",
                location=letter_id,
            )
        version = letter.version if expected_version is None else expected_version
        changed = letter.model_copy(update={"replied_on": replied_on, "updated_at": utcnow(),
                                            "updated_by": by, "version": version})  # fmt: skip
        saved = tx.update_letter(changed)
        changelog.record(tx, ChangeEntity.LETTER, letter_id, "replied_on", letter.replied_on,
                         replied_on, by=by, audit_id=letter.audit_id)  # fmt: skip
        return saved


def list_letters(ws: Workspace, audit_id: str | None = None) -> list[Letter]:
    """The letters recorded for an audit (or for every audit), oldest first."""
    with ws.store.read() as tx:
        if audit_id is not None:
            tx.require_audit(audit_id)
        return tx.list_letters(audit_id)


def find_letter(ws: Workspace, ref: str) -> Letter:
    """The letter with this id, or whose id starts with ``ref`` (its short reference, any case).

    Raises:
        AuditDeskError: no letter, or more than one, matches.
    """
    text = ref.strip()
    letters = list_letters(ws)
    matches = [x for x in letters if x.id == text] or [
        x for x in letters if len(text) >= 4 and x.id.upper().startswith(text.upper())
    ]
    return visit.only_match(matches, text, "函件")


# ------------------------------------------------------------------ what is due
@dataclass(frozen=True)
class DueItem:
    kind: str  # "followup" | "letter" | "finding"
    day: date
    company_id: str
    company: str
    text: str
    overdue: bool
    ref: str = ""
    """The follow-up, letter or finding id (to reschedule, mark replied or open it)."""
    audit_id: str = ""
    """The audit the row belongs to (a 跟诊 visit started from the row is for this audit)."""
    version: int | None = None
    """The version of the follow-up, letter or finding as listed: a change made from the row
    passes it, so a record another user changed since is not saved over unseen."""


DUE_PAGE = 200
"""Entries of the due list shown at a time (the GUI's 显示更多 loads the next ones)."""


@dataclass(frozen=True)
class DuePage:
    """One page of the due list and the whole list's counts."""

    items: list[DueItem]
    """The page's entries, most urgent first (as :func:`due_page` orders them)."""
    total: int
    """Entries of the whole list (every page)."""
    overdue: int
    """Overdue entries of the whole list."""
    by_kind: dict[str, int]
    """``followup`` / ``letter`` / ``finding`` → entries of the whole list (0 for none)."""
    offset: int = 0
    limit: int | None = None

    @property
    def more(self) -> int:
        """Entries after this page."""
        return max(0, self.total - self.offset - len(self.items))


def due(ws: Workspace, *, today: date | None = None, within_days: int = 7) -> list[DueItem]:
    """The whole due list (every entry of :func:`due_page`, in its order): follow-ups due by
    ``today + within_days`` (and overdue ones), letters whose reply deadline passed or falls in
    the window, and each open finding past its deadline (named by 问题编号 and title); overdue
    first. A district's list can have thousands of entries: screens page it with
    :func:`due_page`."""
    return due_page(ws, today=today, within_days=within_days, limit=None).items


def due_page(
    ws: Workspace,
    *,
    today: date | None = None,
    within_days: int = 7,
    limit: int | None = DUE_PAGE,
    offset: int = 0,
) -> DuePage:
    """``limit`` entries of the due list from ``offset`` (``limit=None``: to the end; ``0``: only
    the counts), most urgent first — overdue first, then by day, company name, kind (follow-up,
    letter, finding) and number, ordered and paged in the database — with the whole list's
    total, overdue and per-kind counts. The entries are those :func:`due` describes, with the
    same texts (今天/已逾期/本周/N 天后, letter deadlines, 问题编号 and title). With
    ``limit=None`` the list is read whole and sorted here by the same key, company names by code
    point (pages follow the database's collation: the same on SQLite and on a server created
    with the C or C.UTF-8 locale).

    Raises:
        AuditDeskError: a negative ``limit`` or ``offset``.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise AuditDeskError("显示的条数和起始位置不能为负数。")
    today = today or date.today()
    until = today + timedelta(days=within_days)
    if limit is None:  # to the end: the whole list, from ``offset``
        whole = _whole_due_list(ws, today, until)
        return DuePage(whole.items[offset:], whole.total, whole.overdue, whole.by_kind, offset)
    with ws.store.read() as tx:
        counts = tx.due_counts(today, until)
        keys = [] if limit == 0 else tx.due_keys(today, until, limit=limit, offset=offset)
        wanted: dict[str, list[str]] = {"followup": [], "letter": [], "finding": []}
        for key in keys:
            wanted[key.kind].append(key.ref)
        shown: dict[str, DueItem] = {}
        if wanted["followup"]:
            for f in tx.due_followups(until, ids=wanted["followup"]):
                shown[f.id] = _followup_item(f, today)
        if wanted["letter"]:
            for letter, company_id, name in tx.unanswered_letters(until, ids=wanted["letter"]):
                shown[letter.id] = _letter_item(letter, company_id, name, today)
        if wanted["finding"]:
            for finding in tx.overdue_finding_list(today, ids=wanted["finding"]):
                shown[finding.id] = _finding_item(finding)
    items = [shown[key.ref] for key in keys if key.ref in shown]
    by_kind = {kind: counts.by_kind.get(kind, 0) for kind in ("followup", "letter", "finding")}
    return DuePage(items, sum(by_kind.values()), counts.overdue, by_kind, offset, limit)


def _whole_due_list(ws: Workspace, today: date, until: date) -> DuePage:
    """Every entry, read in three queries and sorted here by the key :meth:`Tx.due_keys` orders by
    (overdue first, day, company name, kind, number, id), and counted here: the whole list needs
    no paging query (on SQLite it took as long as reading the entries)."""
    ranked: list[tuple[tuple[bool, date, str, int, int, str], DueItem]] = []
    with ws.store.read() as tx:
        for f in tx.due_followups(until):
            item = _followup_item(f, today)
            ranked.append(((not item.overdue, item.day, item.company, 0, 0, item.ref), item))
        for letter, company_id, name in tx.unanswered_letters(until):
            item = _letter_item(letter, company_id, name, today)
            key = (not item.overdue, item.day, item.company, 1, letter.number_seq or 0, item.ref)
            ranked.append((key, item))
        for finding in tx.overdue_finding_list(today):
            item = _finding_item(finding)
            ranked.append(((False, item.day, item.company, 2, finding.number, item.ref), item))
    ranked.sort(key=lambda pair: pair[0])
    items = [item for _, item in ranked]
    by_kind = {
        kind: sum(1 for i in items if i.kind == kind) for kind in ("followup", "letter", "finding")
    }
    return DuePage(items, len(items), sum(1 for i in items if i.overdue), by_kind, 0, None)


def _followup_item(f: DueFollowup, today: date) -> DueItem:
    if f.planned_on == today:
        when = "今天"
    elif f.planned_on < today:
        when = "已逾期"
    elif f.planned_on <= today + timedelta(days=7):
        when = "本周"
    else:
        when = f"{(f.planned_on - today).days} 天后"
    return DueItem("followup", f.planned_on, f.company_id, f.company_name,
                   f"跟诊（{when}）：{f.note or '按计划跟诊'}", f.planned_on < today,
                   f.id, f.audit_id, f.version)  # fmt: skip


def _letter_item(letter: Letter, company_id: str, name: str, today: date) -> DueItem:
    late = letter.reply_due < today
    text = (f"{letter.label}答复期限 {letter.reply_due} 已过，尚未答复" if late
            else f"{letter.label}（{letter.issued_on} 发出）须于 {letter.reply_due} 前答复")  # fmt: skip
    text += ESTIMATE_NOTE if letter.due_estimated else ""
    return DueItem("letter", letter.reply_due, company_id, name, text, late,
                   letter.id, letter.audit_id, letter.version)  # fmt: skip


def _finding_item(finding: OverdueFinding) -> DueItem:
    text = f"{finding.code} {finding.title}：整改期限 {finding.due_date} 已过"
    return DueItem("finding", finding.due_date, finding.company_id, finding.company_name, text,
                   True, finding.id, finding.audit_id, finding.version)  # fmt: skip


def ics(ws: Workspace, *, company_id: str | None = None) -> bytes:
    """Planned follow-ups and letter deadlines as an iCalendar file (Asia/Shanghai, a reminder the
    day before), for Outlook and phone calendars."""
    cal = Calendar()
    cal.add("prodid", "-//AuditDesk//用工体检台//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    with ws.store.read() as tx:
        followups = tx.due_followups(date(9999, 12, 31))
        letters = [(letter, tx.require_audit(letter.audit_id).company_id) for letter in tx.list_letters()
                   if letter.replied_on is None]  # fmt: skip
        names = {c.company.id: c.company.name for c in tx.list_company_summaries()}
    for f in followups:
        if company_id and f.company_id != company_id:
            continue
        cal.add_component(
            _event(f"followup-{f.id}@auditdesk", f"跟诊：{f.company_name}", f.planned_on, f.note)
        )
    for letter, cid in letters:
        if company_id and cid != company_id:
            continue
        estimate = "（估算）" if letter.due_estimated else ""
        summary = f"{letter.kind.label}答复期限{estimate}：{names.get(cid, '')}"
        about = f"{letter.issued_on} 发出的{letter.label}" + (ESTIMATE_NOTE if estimate else "")
        cal.add_component(_event(f"letter-{letter.id}@auditdesk", summary, letter.reply_due, about))
    return bytes(cal.to_ical())


def _event(uid: str, summary: str, day: date, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", datetime.combine(day, time(9, 0), tzinfo=SHANGHAI))
    event.add("dtend", datetime.combine(day, time(11, 0), tzinfo=SHANGHAI))
    event.add("dtstamp", datetime.now(SHANGHAI))
    if description:
        event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    return event
