from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from sqlalchemy import text

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import AuditStatus
from auditdesk.models.finding import RectificationStatus as S
from auditdesk.models.followup import LetterKind
from auditdesk.services import (
    audits,
    demo,
    followups,
    ledger,
    letters,
    office_settings,
    payroll,
    reports,
    visit,
)
from auditdesk.services.followups import VisitResult
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import HEADER, SheetSpec, employee_row, write_xlsx
from tests.samples import PAYROLL_SAMPLES as SAMPLES


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    """This year's demo audit with its findings gathered, and last year's demo audit (with its own
    follow-ups and letter) removed, so each test sees only what it makes."""
    demo.load_demo(ws)
    current, last_year = audits.list_audits(ws)
    with ws.store.transaction() as tx:
        tx.conn.execute(text("DELETE FROM audits WHERE id = :i"), {"i": last_year.audit.id})
    visit.gather_findings(ws, current.audit.id, by="陈静")
    return current.audit.id


def _findings(ws: Workspace, audit_id: str) -> list:
    return visit.list_findings(ws, audit_id, include_dismissed=False)


def test_closing_needs_verification_and_refusal_a_reason(ws: Workspace, audit_id: str) -> None:
    f = _findings(ws, audit_id)[0]
    with pytest.raises(AuditDeskError) as info:
        followups.move_finding(ws, f.id, S.VERIFIED_CLOSED)
    assert "核验" in info.value.message
    with pytest.raises(AuditDeskError):
        followups.move_finding(ws, f.id, S.REFUSED, note=" ")
    followups.move_finding(ws, f.id, S.IN_PROGRESS, note="已开始补签", by="人事")
    followups.move_finding(ws, f.id, S.FIXED_PENDING, note="已全部补签", by="人事")
    closed = followups.move_finding(ws, f.id, S.VERIFIED_CLOSED, verify=True, by="张卫东")
    assert closed.status is S.VERIFIED_CLOSED
    moves = followups.history(ws, f.id)
    assert [(m.from_status, m.to_status) for m in moves] == [
        (S.OPEN, S.IN_PROGRESS), (S.IN_PROGRESS, S.FIXED_PENDING), (S.FIXED_PENDING, S.VERIFIED_CLOSED),
    ]  # fmt: skip
    assert moves[-1].moved_by == "张卫东"
    with pytest.raises(AuditDeskError):
        followups.move_finding(ws, f.id, S.FIXED_PENDING)  # a closed finding only reopens


def test_saving_edits_and_a_move_is_one_transaction(ws: Workspace, audit_id: str) -> None:
    f = _findings(ws, audit_id)[0]
    with pytest.raises(AuditDeskError):  # closing needs verification: nothing is saved
        followups.save_finding(ws, f.id, {"title": "新标题"}, status=S.VERIFIED_CLOSED)
    assert visit.find_finding(ws, f.id).title == f.title
    saved = followups.save_finding(ws, f.id, {"title": "新标题"}, status=S.IN_PROGRESS, by="陈静")
    assert (saved.title, saved.status) == ("新标题", S.IN_PROGRESS)
    assert [m.to_status for m in followups.history(ws, f.id)] == [S.IN_PROGRESS]


def test_plan_follow_ups_from_severity_deadlines(ws: Workspace, audit_id: str) -> None:
    today = date(2026, 11, 28)
    made = followups.plan_followups(ws, audit_id, today=today)
    days = office_settings.followup_days(ws)
    severities = {f.severity.value for f in _findings(ws, audit_id)}
    expected = sorted({today + timedelta(days=days[s]) for s in severities})
    assert [m.planned_on for m in made] == [expected[0], expected[-1]]
    assert all(f.due_date is not None for f in _findings(ws, audit_id))
    assert followups.plan_followups(ws, audit_id, today=today) == []  # not planned twice


def test_follow_up_visit_carries_open_findings_forward(ws: Workspace, audit_id: str) -> None:
    findings = _findings(ws, audit_id)
    assert len(findings) >= 3
    followups.plan_followups(ws, audit_id, today=date(2026, 11, 28))
    first = followups.record_followup_visit(ws, audit_id, date(2026, 12, 15), [
        VisitResult(findings[0].id, "fixed", "合同已补签"),
        VisitResult(findings[1].id, "not_fixed", new_due=date(2027, 1, 31)),
    ], by="张卫东")  # fmt: skip
    carried = {f.id for f in followups.open_findings(ws, audit_id)}
    assert findings[0].id not in carried
    assert {findings[1].id, findings[2].id} <= carried
    still = next(f for f in _findings(ws, audit_id) if f.id == findings[1].id)
    assert (still.status, still.due_date) == (S.IN_PROGRESS, date(2027, 1, 31))
    assert followups.history(ws, findings[0].id)[-1].visit_id == first.id
    # a second visit closes the rest; a diagnosed audit with nothing open is closed
    audits.change_status(ws, audit_id, AuditStatus.DIAGNOSED)
    rest = [VisitResult(f.id, "fixed") for f in followups.open_findings(ws, audit_id)]
    followups.record_followup_visit(ws, audit_id, date(2027, 2, 1), rest)
    assert followups.open_findings(ws, audit_id) == []
    assert audits.get_audit(ws, audit_id).status is AuditStatus.CLOSED


def test_payroll_recheck_before_and_after(ws: Workspace, tmp_path: Path) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id  # this year's audit: no payroll findings yet
    rows = [list(HEADER), employee_row(1), employee_row(2)]
    rows[1][11] = 2000  # 应发 of E0001 below the minimum wage
    rows[2][11] = 2100
    payroll.import_payroll(
        ws, aid, [write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("2025-07", rows)])]
    )
    [group] = [
        g for g in payroll.group_findings(payroll.check_audit(ws, aid)) if g.rule == "PAY.MIN_WAGE"
    ]
    finding = payroll.adopt_group(ws, aid, group)
    # the employees' identities (hashed ID numbers), not their 工号 that another file may reuse
    assert finding.subjects is not None
    assert len(finding.subjects) == 2
    assert all(s.startswith("id:") for s in finding.subjects)
    # next month: E0001 now paid enough, E0002 still short
    later = [list(HEADER), employee_row(1), employee_row(2)]
    later[2][11] = 2200
    payroll.import_payroll(
        ws, aid, [write_xlsx(tmp_path / "2025-08.xlsx", [SheetSpec("2025-08", later)])]
    )
    [check] = followups.recheck_payroll(ws, aid)
    assert check.finding.id == finding.id
    assert check.still == ["E0002"]
    assert not check.fixed
    assert check.before is not None
    assert check.after is not None
    assert check.after < check.before
    # a month in which neither employee appears proves nothing: not proposed as fixed
    other = [list(HEADER), employee_row(3)]
    payroll.import_payroll(
        ws, aid, [write_xlsx(tmp_path / "2025-09.xlsx", [SheetSpec("2025-09", other)])]
    )
    [absent] = followups.recheck_payroll(ws, aid)
    assert absent.still == []
    assert absent.missing == ["E0001", "E0002"]
    assert not absent.fixed


def test_ledger_round_trip_with_bad_rows(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "整改台账.xlsx", kind="ledger")
    wb = openpyxl.load_workbook(out)
    sheet = wb.active
    sheet["I3"] = "已整改待核验"
    sheet["J3"] = "已补签全部合同"
    sheet["K3"] = "2026/12/10"
    sheet["I4"] = "已核验关闭"  # not HR's to decide
    sheet["K5"] = "下个月"
    sheet.append([99, "NOSUCH01", "x", "x", "", "", "", "", "整改中"])
    wb.save(out)
    diff = ledger.read_ledger(ws, audit_id, out)
    assert [c.row for c in diff.changes] == [3]
    change = diff.changes[0]
    assert change.to is S.FIXED_PENDING
    assert change.done_on == date(2026, 12, 10)
    reasons = " ".join(r for _row, r in diff.rejected)
    assert "第 4 行" in reasons and "须由工会跟诊核验" in reasons  # noqa: PT018
    assert "第 5 行" in reasons and "完成日期" in reasons  # noqa: PT018
    assert "NOSUCH01" in reasons
    assert ledger.apply_ledger(ws, diff) == 1
    moved = next(f for f in _findings(ws, audit_id) if f.id == change.finding.id)
    assert moved.status is S.FIXED_PENDING
    assert "已补签全部合同" in followups.history(ws, moved.id)[-1].note


def test_ledger_that_is_not_ours(ws: Workspace, audit_id: str) -> None:
    with pytest.raises(AuditDeskError) as info:
        ledger.read_ledger(ws, audit_id, SAMPLES / "s1-simple.xlsx")
    assert "问题编号" in info.value.message


def test_due_lists_around_dates(ws: Workspace, audit_id: str) -> None:
    today = date(2026, 10, 1)  # National Day
    for day in (date(2026, 9, 25), today, date(2026, 10, 3), date(2026, 10, 20)):
        with ws.store.transaction() as tx:
            from auditdesk.models.followup import FollowUp

            tx.insert_followup(FollowUp(audit_id=audit_id, planned_on=day))
    items = [i for i in followups.due(ws, today=today, within_days=7) if i.kind == "followup"]
    assert [(i.day, i.overdue) for i in items] == [
        (date(2026, 9, 25), True), (today, False), (date(2026, 10, 3), False),
    ]  # fmt: skip
    assert "今天" in items[1].text
    sent = date(2026, 9, 28)  # handed over on the day
    letter = letters.issue_letter(ws, audit_id, LetterKind.OPINION, sent, served_on=sent).letter
    assert letter is not None
    assert letter.reply_due == date(2026, 10, 23)  # 15 working days over the National Day break
    [running] = [i for i in followups.due(ws, today=date(2026, 10, 23)) if i.kind == "letter"]
    assert not running.overdue  # the clock is still running on the deadline day
    assert "须于 2026-10-23 前答复" in running.text
    assert not [
        i for i in followups.due(ws, today=date(2026, 10, 1), within_days=7) if i.kind == "letter"
    ]
    [late] = [i for i in followups.due(ws, today=date(2026, 10, 26)) if i.kind == "letter"]
    assert late.overdue
    assert "已过" in late.text
    followups.letter_replied(ws, letter.id, date(2026, 10, 26))
    assert not [i for i in followups.due(ws, today=date(2026, 10, 27)) if i.kind == "letter"]


def test_ics_has_events_alarms_and_time_zone(ws: Workspace, audit_id: str) -> None:
    followups.plan_followups(ws, audit_id, today=date(2026, 11, 28))
    letters.issue_letter(ws, audit_id, LetterKind.OPINION, date(2026, 11, 30))
    cal = Calendar.from_ical(followups.ics(ws))
    events = cal.walk("VEVENT")
    assert len(events) == 3
    summaries = [str(e.get("summary")) for e in events]
    assert any(s.startswith("跟诊：上海嘉研精密部件有限公司") for s in summaries)
    # not served yet: the reminder is an estimate and says so
    assert any("意见书答复期限（估算）" in s for s in summaries)
    for e in events:
        start = e.decoded("dtstart")
        assert str(start.tzinfo) == "Asia/Shanghai"
        [alarm] = e.walk("VALARM")
        assert alarm.decoded("trigger") == timedelta(days=-1)
    assert Calendar.from_ical(followups.ics(ws, company_id="nobody")).walk("VEVENT") == []


def test_status_is_not_an_editable_field(ws: Workspace, audit_id: str) -> None:
    """Moves go through move_finding, where the rules are."""
    f = _findings(ws, audit_id)[0]
    with pytest.raises(AuditDeskError):
        visit.edit_finding(ws, f.id, {"status": S.VERIFIED_CLOSED})


def test_followup_record_document(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    import docx

    findings = _findings(ws, audit_id)
    followups.record_followup_visit(ws, audit_id, date(2026, 12, 15), [
        VisitResult(findings[0].id, "fixed", "合同已全部补签"),
        VisitResult(findings[1].id, "not_fixed", "仍有 2 人未签", new_due=date(2027, 1, 15)),
    ])  # fmt: skip
    out = reports.export(ws, audit_id, tmp_path / "跟诊记录.docx", kind="followup")
    document = docx.Document(str(out))
    text = "\n".join([p.text for p in document.paragraphs] +
                     [c.text for t in document.tables for r in t.rows for c in r.cells])  # fmt: skip
    assert "跟诊记录" in text
    assert "跟诊日期：2026年12月15日" in text
    assert (
        f"本次跟诊核查 2 项，未核查 {len(findings) - 2} 项；共 {len(findings)} 项问题，已核验关闭 1 项"
        in text
    )
    assert "合同已全部补签" in text
    assert "仍有 2 人未签" in text
    assert "2027年1月15日" in text
