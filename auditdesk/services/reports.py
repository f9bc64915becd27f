"""Export an audit's documents (用工体检报告, 整改建议书, 一函两书) as .docx, and the 整改台账 as .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from auditdesk.errors import AuditDeskError
from auditdesk.models.followup import LetterKind
from auditdesk.paths import shipped_dir
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.reports.context import ReportData, build_context
from auditdesk.reports.docx import render
from auditdesk.reports.ledger import write_ledger
from auditdesk.reports.letters import NOTHING_TO_SEND
from auditdesk.services import payroll, visit
from auditdesk.services.union import get_union_settings
from auditdesk.services.workspace import Workspace

TEMPLATES = {
    "report": "audit_report.docx",
    "rectification": "rectification.docx",
    "followup": "followup_record.docx",
    "notice": "notice.docx",
    "opinion": "opinion.docx",
    "proposal": "proposal.docx",
}
KIND_LABELS = {
    "report": "用工体检报告",
    "rectification": "整改建议书",
    "followup": "跟诊记录",
    "notice": "劳动法律监督提示函",
    "opinion": "劳动法律监督意见书",
    "proposal": "劳动法律监督建议书",
    "ledger": "整改台账（Excel）",
}


def gather(ws: Workspace, audit_id: str, *, unmasked: bool = False) -> ReportData:
    """Everything a report needs from the store and the rules, as plain data."""
    walk = visit.load_walk(ws, audit_id)
    comparison = visit.compare_scores(ws, audit_id)
    with ws.store.read() as tx:
        visits = tx.list_visits(audit_id)
        findings = tx.list_findings(audit_id)
        moves = {f.id: m[-1] for f in findings if (m := tx.list_moves(f.id))}
    review = payroll.review_audit(ws, audit_id)  # the rows read once, the rules run once
    union = get_union_settings(ws).union_name  # the settings, not the company's town
    due = sorted(f.due_date for f in findings if f.due_date and not f.dismissed)
    followup = (f"建议在最早的整改期限 {due[0]:%Y-%m-%d} 之后安排跟诊，逐项核验整改情况。" if due
                else "整改期限确定后安排跟诊，逐项核验整改情况。")  # fmt: skip
    return ReportData(
        company=walk.company, audit=walk.audit, visits=visits, scores=comparison.verified,
        self_scores=comparison.self_assessed, findings=findings, items_total=walk.total,
        items_answered=walk.answered, payroll=review if review.rows else None,
        union=union or "工会", report_date=date.today(), unmasked=unmasked,
        followup=followup, moves=moves,
    )  # fmt: skip


def export(
    ws: Workspace,
    audit_id: str,
    out: Path,
    *,
    kind: str = "report",
    template: Path | None = None,
    unmasked: bool = False,
    mask_names: bool = False,
    chart_png: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Write one document of an audit to ``out``.

    Args:
        kind: ``report`` (用工体检报告), ``rectification`` (整改建议书), or a union letter:
            ``notice`` (提示函), ``opinion`` (意见书, reply within 15 working days), ``proposal``
            (建议书 to the labour authority, 5 working days); ``ledger`` writes the 整改台账 .xlsx.
            A letter already issued for the audit is reproduced as issued; otherwise a draft
            marked 草稿 without a number is written (issue with services.letters.issue_letter).
        template: a user's own .docx template instead of the shipped one.
        unmasked: show full ID numbers (masked by default).
        mask_names: show employees' names as 张** in the payroll appendix.
        chart_png: the score chart image to place in the report (the GUI renders it).

    Raises:
        AuditDeskError: unknown kind, a broken template (named, with its paragraph), an
            unwritable output file, or a 整改建议书/letter with nothing open to list
            (“没有未整改的问题，无需发出”). Nothing is written then.
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
    progress(0, 3, "汇总体检数据…")
    data = gather(ws, audit_id, unmasked=unmasked)
    data.mask_names = mask_names
    check_cancel(cancel)
    progress(1, 3, "生成文书…")
    if kind == "ledger":
        result = write_ledger(build_context(data, "rectification"), out)
        progress(3, 3, "完成")
        return result
    source = template or shipped_dir("report_templates") / TEMPLATES[kind]
    context = build_context(data, kind)
    if kind == "rectification" and not context["findings"]:
        raise AuditDeskError(NOTHING_TO_SEND, location=audit_id)
    result = render(source, context, out, chart_png=chart_png)
    progress(3, 3, "完成")
    return result
