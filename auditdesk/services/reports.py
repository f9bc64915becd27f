"""Export an audit's documents (用工体检报告, 整改建议书, 跟诊记录, 一函两书, the 内部资料 annex) as
.docx, and the 整改台账 as .xlsx; issue (出具) the report, the 整改建议书 and the 跟诊记录 with a
recorded number and date, so exporting them again reproduces what was issued."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import ChangeEntity, VisitKind
from auditdesk.models.finding import RectificationStatus
from auditdesk.models.followup import UNION_FIELDS, LetterKind
from auditdesk.models.report import ISSUED_KINDS, ReportIssue
from auditdesk.paths import shipped_dir
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.reports.context import ReportData, build_context
from auditdesk.reports.dates import cn_date
from auditdesk.reports.docx import render
from auditdesk.reports.ledger import write_ledger
from auditdesk.reports.letters import NOTHING_TO_SEND, listed_in_letters
from auditdesk.reports.records import freeze, issue_number, mark_draft, thaw
from auditdesk.rules.review import adopted_state
from auditdesk.services import changelog, payroll, visit
from auditdesk.services.union import get_union_settings
from auditdesk.services.workspace import Workspace

TEMPLATES = {
    "report": "audit_report.docx",
    "rectification": "rectification.docx",
    "followup": "followup_record.docx",
    "notice": "notice.docx",
    "opinion": "opinion.docx",
    "proposal": "proposal.docx",
    "annex": "personal_annex.docx",
}
KIND_LABELS = {
    "report": "用工体检报告",
    "rectification": "整改建议书",
    "followup": "跟诊记录",
    "notice": "劳动法律监督提示函",
    "opinion": "劳动法律监督意见书",
    "proposal": "劳动法律监督建议书",
    "ledger": "整改台账（Excel）",
    "annex": "人员明细附件（内部资料）",
}


def gather(ws: Workspace, audit_id: str, *, unmasked: bool = False) -> ReportData:
    """Everything a report needs from the store and the rules, as plain data."""
    walk = visit.load_walk(ws, audit_id)
    comparison = visit.compare_scores(ws, audit_id)
    with ws.store.read() as tx:
        visits = tx.list_visits(audit_id)
        findings = tx.list_findings(audit_id)
        moves = {f.id: m[-1] for f in findings if (m := tx.list_moves(f.id))}
    follow_ups = [v for v in visits if v.kind is VisitKind.FOLLOW_UP]
    last = max(follow_ups, key=lambda v: (v.visit_date, v.created_at), default=None)
    review = payroll.review_audit(ws, audit_id)  # the rows read once, the rules run once
    union = get_union_settings(ws).union_name  # the settings, not the company's town
    due = sorted(f.due_date for f in findings if f.due_date and not f.dismissed)
    followup = (f"建议在最早的整改期限 {cn_date(due[0])} 之后安排跟诊，逐项核验整改情况。" if due
                else "整改期限确定后安排跟诊，逐项核验整改情况。")  # fmt: skip
    return ReportData(
        company=walk.company, audit=walk.audit, visits=visits, scores=comparison.verified,
        self_scores=comparison.self_assessed, findings=findings, items_total=walk.total,
        items_answered=walk.answered, payroll=review if review.rows else None,
        union=union or "工会", report_date=date.today(), unmasked=unmasked,
        followup=followup, moves=moves, last_followup_id=last.id if last else None,
    )  # fmt: skip


def annex_path(out: Path) -> Path:
    """Where ``--annex`` writes the 内部资料 annex beside a document: ``报告-人员明细（内部资料）.docx``."""
    return out.with_name(f"{out.stem}-人员明细（内部资料）.docx")


def unfinished(data: ReportData, kind: str) -> str:
    """Why the document of ``kind`` cannot be issued (出具 or, for a letter, 发出) yet, in Chinese,
    naming each finding by its 问题编号; ``""`` when it can. An issued document is fixed, so a
    note meant for the drafter must not reach it: a finding of the report whose facts still
    ask for the inspection record (:data:`visit.NO_NOTE`), and, in any document listing it, a
    payroll finding whose payroll was re-imported since it was adopted (changed or gone)."""
    letter = kind in {k.value for k in LetterKind}
    if kind in ("report", "followup"):
        shown = [f for f in data.findings if not f.dismissed]
    elif letter:
        shown = [f for f in data.findings if listed_in_letters(f)]
    else:
        shown = [f for f in data.findings if not f.dismissed
                 and f.status is not RectificationStatus.VERIFIED_CLOSED]  # fmt: skip
    shown.sort(key=lambda f: f.number or 0)
    reasons = []
    if kind == "report":
        no_facts = [f.code for f in shown if visit.NO_NOTE in f.facts]
        if no_facts:
            reasons.append(
                f"问题 {_codes(no_facts)} 的事实尚未填写（请在会诊中写明查见的具体情况）"
            )
    if data.payroll is not None:
        changed = [f.code for f in shown if f.payroll_hash
                   and adopted_state(f.payroll_hash, data.payroll.group(f.origin_ref))]  # fmt: skip
        if changed:
            reasons.append(
                f"问题 {_codes(changed)} 采纳后工资表已重新导入，核查结果已有变化（请复核："
                "重新转为问题以更新，或剔除）"
            )
    if not reasons:
        return ""
    return (
        f"{KIND_LABELS.get(kind, kind)}暂不能{'发出' if letter else '出具'}：{'；'.join(reasons)}。"
    )


def _codes(codes: list[str]) -> str:
    return "、".join(codes[:20]) + ("等" if len(codes) > 20 else "")


def issues(ws: Workspace, audit_id: str, kind: str | None = None) -> list[ReportIssue]:
    """The documents of an audit issued so far (of ``kind`` if given), oldest first."""
    with ws.store.read() as tx:
        tx.require_audit(audit_id)
        return tx.list_report_issues(audit_id, kind)


def issue(
    ws: Workspace,
    audit_id: str,
    kind: str,
    *,
    day: date | None = None,
    by: str = "",
) -> ReportIssue:
    """出具: give the document of ``kind`` (``report``, ``rectification``, ``followup``) its number
    (``体检〔2026〕3号``, numbered per kind and year) and date, and record the template variables
    as issued; :func:`export` then writes this very document, whatever changes later. Issuing
    again makes a new number (the earlier issue stays recorded).

    Raises:
        AuditDeskError: a kind that is not issued this way (the letters are issued with
            ``letters issue``), an unknown audit, or a 整改建议书 with findings that have no
            整改期限 yet (it asks the company to rectify "within the deadline": each must have
            one; named by 问题编号), or a note for the drafter still in it (:func:`unfinished`),
            or no issuing union set (the document would be signed “工会”).
    """
    if kind not in ISSUED_KINDS:
        known = "、".join(f"{k}（{KIND_LABELS[k]}）" for k in ISSUED_KINDS)
        raise AuditDeskError(f"“{kind}”不能出具编号；可出具：{known}（函件用 letters issue）。")
    if not get_union_settings(ws).union_name:  # the 出具单位 and the signature, never “工会”
        raise AuditDeskError(
            f"出具{KIND_LABELS[kind]}前请先填写工会设置：{UNION_FIELDS['union_name']}"
            "（设置 → 工会与函件，或 auditdesk settings union --set union_name=…）。",
            location=audit_id,
        )
    day = day or date.today()
    data = gather(ws, audit_id)
    data.report_date = day
    if why := unfinished(data, kind):
        raise AuditDeskError(why, location=audit_id)
    if kind == "rectification":
        open_ = [f for f in data.findings if not f.dismissed
                 and f.status is not RectificationStatus.VERIFIED_CLOSED]  # fmt: skip
        if not open_:
            raise AuditDeskError(NOTHING_TO_SEND, location=audit_id)
        undated = sorted((f for f in open_ if f.due_date is None), key=lambda f: f.number or 0)
        if undated:
            codes = "、".join(f.code for f in undated[:20]) + ("等" if len(undated) > 20 else "")
            raise AuditDeskError(
                f"整改建议书要求企业“于期限内整改”，但 {len(undated)} 个问题还没有整改期限：{codes}。"
                "请先在会诊中填写期限，或用“followups plan”按严重程度设定期限，再出具。",
                location=audit_id,
            )
    with ws.store.transaction() as tx:
        number = issue_number(kind, day, tx.count_report_issues(kind, day.year) + 1)
        data.report_number = number
        record = ReportIssue(audit_id=audit_id, kind=kind, number=number, issued_on=day,
                             issued_by=by, snapshot=freeze(build_context(data, kind)))  # fmt: skip
        record = tx.insert_report_issue(record)
        changelog.record(tx, ChangeEntity.REPORT, record.id, "issued", None,
                         f"{KIND_LABELS[kind]} {number}", by=by, audit_id=audit_id)  # fmt: skip
    return record


def export(
    ws: Workspace,
    audit_id: str,
    out: Path,
    *,
    kind: str = "report",
    template: Path | None = None,
    unmasked: bool = False,
    mask_names: bool = False,
    draft: bool = False,
    chart_png: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Write one document of an audit to ``out``.

    Args:
        kind: ``report`` (用工体检报告), ``rectification`` (整改建议书), ``followup`` (跟诊记录),
            a union letter: ``notice`` (提示函), ``opinion`` (意见书, reply within 15 working
            days), ``proposal`` (建议书 to the labour authority, 5 working days) — a letter
            already issued is reproduced as issued, otherwise a draft marked 草稿 without a
            number is written (issue with services.letters.issue_letter); ``annex`` (人员
            明细, marked 内部资料: names, ID numbers, birth dates, amounts per person); ``ledger``
            writes the 整改台账 .xlsx. The report and letters name employees by 工号 and masked
            name only.
        unmasked: in the annex, full ID numbers and birth dates (masked ID and age by default).
        mask_names: in the annex too, names as 张** (documents other than the annex always).
        draft: for ``report``, ``rectification`` and ``followup``: write the current data marked
            草稿 even when the document was issued. Without it, an issued document is written as
            issued (its number, date and content); one never issued is a draft anyway.
        chart_png: the score chart image to place in the report (the GUI renders it).

    Raises:
        AuditDeskError: unknown kind, a broken template (named, with its paragraph), a template
            that fails, runs past its deadline or writes a full ID number into a masked document,
            an unwritable output file, or a 整改建议书/letter with nothing open to list
            (“没有未整改的问题，无需发出”). Nothing is written then.
        Cancelled: ``cancel`` was set (a user's template is stopped at once).
    """
    if kind not in KIND_LABELS:
        known = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        raise AuditDeskError(f"不支持的文书类型“{kind}”。可用：{known}")
    if kind in {k.value for k in LetterKind}:
        from auditdesk.services.letters import write_letter

        progress(0, 1, "生成函件…")
        written = write_letter(ws, audit_id, LetterKind(kind), out, template=template)
        progress(1, 1, "完成")
        assert written.path is not None
        return written.path
    source = template or shipped_dir("report_templates") / TEMPLATES.get(kind, "")
    if kind in ISSUED_KINDS and not draft:
        issued = issues(ws, audit_id, kind)
        if issued:  # reproduce what was issued
            progress(1, 3, f"生成已出具的文书 {issued[-1].number}…")
            context: dict[str, Any] = thaw(issued[-1].snapshot)
            result = render(
                source,
                context,
                out,
                chart_png=chart_png,
                unmasked=unmasked,
                isolate=template is not None,
                cancel=cancel,
            )
            progress(3, 3, "完成")
            return result
    progress(0, 3, "汇总体检数据…")
    data = gather(ws, audit_id, unmasked=unmasked)
    data.mask_names = mask_names
    check_cancel(cancel)
    progress(1, 3, "生成文书…")
    if kind == "ledger":
        result = write_ledger(build_context(data, "rectification"), out)
        progress(3, 3, "完成")
        return result
    if kind == "annex" and (reported := issues(ws, audit_id, "report")):
        data.report_number = reported[-1].number  # the annex belongs to the issued report
    context = build_context(data, kind)
    if kind == "rectification" and not context["findings"]:
        raise AuditDeskError(NOTHING_TO_SEND, location=audit_id)
    # a user's own template is untrusted code: it renders in a child process with a deadline
    result = render(source, context, out, chart_png=chart_png, unmasked=unmasked,
                    isolate=template is not None, cancel=cancel,
                    after=mark_draft if kind in ISSUED_KINDS else None)  # fmt: skip
    progress(3, 3, "完成")
    return result


def export_set(
    ws: Workspace,
    audit_id: str,
    out: Path,
    *,
    kind: str = "report",
    issue_now: bool = False,
    by: str = "",
    annex: bool = False,
    draft: bool = False,
    **options: Any,
) -> list[Path]:
    """What 导出文书 does in one call: optionally issue (出具) the document first, write it, and
    optionally the 内部资料 annex beside it (:func:`annex_path`). ``options`` go to :func:`export`
    (``template``, ``unmasked``, ``mask_names``, ``chart_png``, ``progress``, ``cancel``).
    Returns the files written, the document first.

    Raises:
        AuditDeskError: as :func:`issue` and :func:`export`.
    """
    if issue_now:
        issue(ws, audit_id, kind, by=by)
    written = [export(ws, audit_id, out, kind=kind, draft=draft and not issue_now, **options)]
    if annex and kind != "annex":
        extra = {k: v for k, v in options.items() if k in ("unmasked", "mask_names")}
        written.append(export(ws, audit_id, annex_path(out), kind="annex", **extra))
    return written
