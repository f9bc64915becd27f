"""The report view-model: everything a template may use, built from an audit's data (Qt-free).

The names and fields :func:`build_context` returns are the template contract: templates are
checked against them (:mod:`auditdesk.reports.variables`), and ``report_templates/README.md``
documents every one of them (a test fails when a key is missing there).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from docxtpl import RichText

from auditdesk.checklists.scoring import ScoreReport
from auditdesk.formatting import format_money, format_money_by_kind
from auditdesk.models.audit import Audit, Visit
from auditdesk.models.company import Company
from auditdesk.models.finding import (
    Certainty,
    Finding,
    FindingOrigin,
    RectificationStatus,
    Severity,
    kind_label,
    money_by_kind,
)
from auditdesk.reports import laws as law_list
from auditdesk.reports import summary as risk_summary
from auditdesk.reports.dates import chinese_context, cn_date
from auditdesk.reports.personal import (
    ANNEX_LIMIT,
    annex_context,
    appendix_rows,
    payroll_names,
    redact,
)
from auditdesk.reports.records import DRAFT_NUMBER
from auditdesk.rules.review import PayrollReview, adopted_state

SEVERITY_COLORS = {
    Severity.CRITICAL: "B91C1C", Severity.HIGH: "C2410C", Severity.MEDIUM: "B45309",
    Severity.LOW: "1D4ED8", Severity.INFO: "4B5563",
}  # fmt: skip
APPENDIX_LIMIT = ANNEX_LIMIT
METHOD = "问诊（与企业管理人员和职工座谈）、查诊（调阅劳动合同、规章制度、考勤和工资资料）、会诊（综合研判）"
LIMITS = (
    "本报告依据体检当日企业提供的资料、现场查看和访谈情况作出，反映的是抽查范围内的情况；"
    "企业未提供或提供不实资料的，相关结论以实际情况为准。工资表核查按工资表所列数据和所属月份的"
    "地区标准自动计算，涉及金额为估算，供企业自查整改和劳资协商参考，不构成仲裁或诉讼意见。"
)


@dataclass
class ReportData:
    """What services gather for a report; the builder below turns it into template variables."""

    company: Company
    audit: Audit
    visits: list[Visit]
    scores: ScoreReport
    self_scores: ScoreReport | None
    findings: list[Finding]
    items_total: int
    items_answered: int
    payroll: PayrollReview | None = None
    """The audit's one payroll review (rules run once over the rows read once)."""
    union: str = ""
    report_date: date | None = None
    report_number: str = ""
    """The number given when the document is issued (出具); empty for a draft."""
    followup: str = ""
    unmasked: bool = False
    mask_names: bool = False
    chart: Any = None
    """An image object the renderer made from a PNG (docxtpl InlineImage), or None."""
    moves: dict[str, Any] = field(default_factory=dict)
    """Finding id → its latest rectification move (for the 跟诊记录)."""
    last_followup_id: str | None = None
    """The latest 跟诊 visit: a finding with no move on it was not looked at (未核查)."""


NO_CONSEQUENCE = "依法可能被责令改正，并承担相应的行政或民事责任。"
"""Only for a finding made before findings carried their item's own consequence (and not filled
by the migration: a payroll finding not adopted again, an item missing from its snapshot)."""


def severity_text(severity: Severity) -> RichText:
    """Colour and text, so it reads in black and white too: 【高】."""
    return RichText(f"【{severity.label}】", color=SEVERITY_COLORS[severity], bold=True)


def score_bar(score: Decimal | None, width: int = 5) -> str:
    """A text bar (■■■■□ for 80) that prints in black and white and needs no image library:
    the CLI has no chart renderer, and it also reads on a fax or a photocopy."""
    if score is None:
        return ""
    filled = int((score / 100 * width).to_integral_value(rounding="ROUND_HALF_UP"))
    return "■" * filled + "□" * (width - filled)


def _money(amount: Decimal | None) -> str:
    return format_money(amount) if amount is not None else "—"


def _basis(finding: Finding) -> str:
    return law_list.basis_text(finding.legal_basis)


PAYROLL_CHANGED = {
    "changed": "（注意：此问题采纳后，工资表已重新导入，核查结果已有变化，请复核后再出具。）",
    "gone": "（注意：重新导入的工资表中已不再出现此问题，请复核后再出具。）",
}


def _payroll_changed(finding: Finding, review: PayrollReview | None) -> str:
    """The warning a payroll finding carries when today's payroll no longer says what it said
    when it was adopted (its group's content hash differs, or the group is gone)."""
    if review is None or not finding.payroll_hash:
        return ""
    return PAYROLL_CHANGED.get(
        adopted_state(finding.payroll_hash, review.group(finding.origin_ref)), ""
    )


def build_context(data: ReportData, kind: str = "report") -> dict[str, Any]:
    """The template variables for ``kind``: ``report`` lists every finding kept in the report;
    the 整改建议书 and the letters list only findings not yet verified as closed. Months and dates
    quoted in findings and payroll months read as the document's own dates do (2025年7月15日,
    :func:`~auditdesk.reports.dates.chinese_context`); the findings stay as written."""
    company, audit = data.company, data.audit
    day = data.report_date or date.today()
    findings = [f for f in data.findings if not f.dismissed]
    if kind != "report":
        findings = [f for f in findings if f.status is not RectificationStatus.VERIFIED_CLOSED]
    findings.sort(key=_by_number)
    names = payroll_names(data.payroll)
    by_area: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    flat: list[dict[str, Any]] = []
    for f in findings:
        entry = {
            "no": f.code, "ref": f.code, "id": f.id, "title": redact(f.title, names),
            "facts": redact(f.facts or "—", names) + _payroll_changed(f, data.payroll),
            "severity": severity_text(f.severity),
            "severity_label": f.severity.label, "area": f.area.label, "basis": _basis(f),
            "consequence": f.consequence or NO_CONSEQUENCE,
            "amount": f"{kind_label(f.money_kind)}约 {_money(f.money_at_stake)}" if f.money_at_stake else "",
            "remedy": f.remedy or "—",
            "due": due_text(f, day), "owner": f.owner or "—", "status": f.status.label,
        }  # fmt: skip
        flat.append(entry)
    for f, entry in sorted(zip(findings, flat, strict=True), key=lambda p: _area_rank(p[0])):
        by_area.setdefault(f.area.label, []).append(entry)
    totals = money_by_kind((f.money_kind, f.money_at_stake) for f in findings)
    dates = sorted({v.visit_date for v in data.visits})
    own = {line.area: line for line in data.self_scores.areas} if data.self_scores else {}
    return chinese_context({
        "company": {
            "name": company.name, "credit_code": company.credit_code or "—",
            "address": company.address or "—", "town": company.town or "—",
            "legal_representative": company.legal_representative or "—",
            "headcount": company.headcount if company.headcount is not None else "—",
        },
        "report": {
            "number": data.report_number or DRAFT_NUMBER, "draft": not data.report_number,
            "date": cn_date(day), "union": data.union or "工会",
            "followup": data.followup or "根据整改期限另行约定跟诊时间。", "limits": LIMITS,
        },
        "audit": {
            "title": audit.title or "用工体检", "scope": audit.scope.label,
            "checklist_version": audit.checklist_version.split("+")[0] or "—",
            "dates": "、".join(cn_date(d) for d in dates) or cn_date(audit.started_on) or "—",
            "auditors": "、".join(f"{a.name}（{a.role.label}）" for a in audit.auditors) or "—",
            "items_total": data.items_total, "items_answered": data.items_answered,
            "method": METHOD,
            "visits": [
                {"date": cn_date(v.visit_date), "kind": v.kind.label,
                 "channels": "、".join(c.label for c in v.channels) or "—",
                 "attendees": "、".join(v.attendees) or "—"}
                for v in data.visits
            ],
        },
        "summary": {
            "score": data.scores.overall.score if data.scores.overall.score is not None else "—",
            "rating": data.scores.rating,
            "veto_text": ("存在一票否决项：" + "、".join(data.scores.veto_items) + "，评级不高于“差”。")
            if data.scores.veto_items else "",
            "areas": [
                {"name": line.title, "score": line.score if line.score is not None else "—",
                 "self_score": (own[line.area].score if line.area in own and own[line.area].score is not None
                                else "—"),
                 "compliant": line.compliant, "partial": line.partial,
                 "non_compliant": line.non_compliant, "to_verify": line.to_verify,
                 "unanswered": line.unanswered, "bar": score_bar(line.score)}
                for line in data.scores.areas
            ],
            "chart": data.chart,
            "top_risks": risk_summary.top_risks([(f.code, f) for f in findings]),
            "severity_counts": risk_summary.severity_counts(findings),
            "no_findings": _no_findings_text(data),
        },
        "findings_by_area": [
            {"name": name, "ordinal": f"（{risk_summary.chinese_numeral(i)}）", "findings": items}
            for i, (name, items) in enumerate(by_area.items(), start=1)
        ],
        "findings": flat,
        "finding_count": len(flat),
        "money_text": money_text(totals),
        "payroll": _payroll(data),
        "laws": law_list.law_list(c for f in findings for c in f.legal_basis),
        "letter": {},  # the letters build their own context: auditdesk.reports.letters
        "followup": _followup(data, day) if kind == "followup" else {},
        "annex": annex_context(data.payroll, unmasked=data.unmasked, mask_names=data.mask_names)
        if kind == "annex" else {},
    })  # fmt: skip


def _followup(data: ReportData, day: date) -> dict[str, Any]:
    """The 跟诊记录 of the latest follow-up visit: each finding kept in the report, checked on
    that visit (its outcome and the verifier's note) or 未核查 — not looked at, which is not 未整改;
    a finding already closed before the visit says so. An audit with no findings says that, never
    that all problems were put right."""
    visits = [v for v in data.visits if v.kind.value == "follow_up"]
    last = max(visits, key=lambda v: (v.visit_date, v.created_at), default=None)
    kept = sorted((f for f in data.findings if not f.dismissed), key=_by_number)
    names = payroll_names(data.payroll)
    rows = []
    checked = not_checked = 0
    for f in kept:
        move = data.moves.get(f.id)
        seen = bool(last is not None and move is not None and move.visit_id == last.id)
        closed_before = f.status is RectificationStatus.VERIFIED_CLOSED and not seen
        if seen:
            checked += 1
            outcome = "已整改" if f.status is RectificationStatus.VERIFIED_CLOSED else "未整改到位"
            status, note = f"{outcome}（{f.status.label}）", (move.note if move else "") or "—"
        elif closed_before:
            status, note = "此前已核验关闭", "—"
        else:
            not_checked += 1
            status, note = f"未核查（当前：{f.status.label}）", "本次跟诊未核查此项"
        open_now = f.status is not RectificationStatus.VERIFIED_CLOSED
        rows.append({"no": f.code, "title": redact(f.title, names), "status": status, "note": note,
                     "checked": "是" if seen else "否",
                     "due": due_text(f, day) if open_now else "—"})  # fmt: skip
    closed = sum(1 for f in kept if f.status is RectificationStatus.VERIFIED_CLOSED)
    still = len(kept) - closed
    if not kept:
        verdict = "没有列入整改的问题，无需跟诊核验。"
    elif still:
        verdict = "尚未整改到位的问题请于期限内整改，工会将再次跟诊核验。"
        if not_checked:
            verdict += f"本次未核查的 {not_checked} 项将在下次跟诊时核验。"
    else:
        verdict = "本次体检发现的问题均已核验关闭，跟诊结束。"
    return {
        "date": cn_date(last.visit_date) if last else "—", "total": len(kept), "closed": closed,
        "open": still, "checked": checked, "not_checked": not_checked, "rows": rows, "next": verdict,
        "summary": (f"本次跟诊核查 {checked} 项，未核查 {not_checked} 项；共 {len(kept)} 项问题，"
                    f"已核验关闭 {closed} 项，尚未整改到位 {still} 项。") if kept
        else _no_findings_text(data),
        "sign_company": "企业代表（签字）：____________　　日期：____年__月__日",
        "sign_checkers": "核查人（签字）：____________　____________　　日期：____年__月__日",
    }  # fmt: skip


def _group_money(members: list[Any]) -> str:
    """A payroll group's amounts by kind: what the file shows as owed, then apart, marked
    待核实, what rests on a fact to verify (never added to it)."""
    parts = []
    for certainty, prefix in ((Certainty.DEFINITE, ""), (Certainty.DEPENDS, "待核实：")):
        totals = money_by_kind(
            (m.money_kind, m.amount) for m in members if m.certainty is certainty
        )
        if totals:
            parts.append(prefix + format_money_by_kind(totals, kind_label))
    return "；".join(parts) or "—"


def _no_findings_text(data: ReportData) -> str:
    """What a document says when it lists no finding: only as much as was looked at. An audit
    with nothing answered and no payroll says it cannot conclude, never "未发现问题"."""
    payroll = data.payroll is not None and data.payroll.result.rows > 0
    answered, total = data.items_answered, data.items_total
    if answered == 0 and not payroll:
        return "本次体检尚未核查任何检查项，也未核查工资表，尚不能作出是否存在问题的结论。"
    if payroll and data.payroll is not None and data.payroll.result.findings:
        # the payroll's findings stand in 工资表核查 but none was adopted: never "nothing found"
        pending = "工资表核查发现的情况（见“工资表核查”）尚未列为本报告的问题，须逐项研判。"
        if not answered:
            return f"本次体检尚未核查任何检查项；{pending}"
        items = f"已核查的 {answered} 项检查项" if answered < total else "全部检查项"
        return f"在{items}范围内未发现问题；{pending}"
    missing = "（未导入工资表，工资支付情况未核查）" if not payroll else ""
    # items answered 不符合 or 部分符合 that no finding (kept or dismissed) comes from: not yet
    # gathered (汇总不符合项), while the 总体评价 table counts them — never "nothing found"
    overall = data.scores.overall
    gathered = {f.origin_ref for f in data.findings if f.origin is FindingOrigin.CHECKLIST}
    ungathered = overall.non_compliant + overall.partial - len(gathered)
    if answered and ungathered > 0:
        items = f"已核查的 {answered} 项检查项" if answered < total else "全部检查项"
        return (f"{items}中有 {ungathered} 项不符合或部分符合，尚未汇总为问题，"
                f"须汇总研判后列出{missing}。")  # fmt: skip
    scope = []
    if answered:
        scope.append(f"已核查的 {answered} 项检查项" if answered < total else "全部检查项")
    if payroll:
        scope.append("导入的工资表")
    return f"在{'和'.join(scope)}范围内，本次体检未发现问题{missing}。"


def _by_number(f: Finding) -> tuple[int, str]:
    return (f.number or 10**9, f.created_at.isoformat())


def _area_rank(f: Finding) -> int:
    return list(type(f.area)).index(f.area)


IMMEDIATE = "立即整改"


def is_immediate(f: Finding) -> bool:
    """Findings to put right at once: 严重 ones (child labour) and remedies that start 立即."""
    return f.severity is Severity.CRITICAL or f.remedy.lstrip().startswith("立即")


def due_text(f: Finding, day: date) -> str:
    """The deadline a document dated ``day`` prints: never a date before ``day``. 立即 findings
    read 立即整改 (with the set date as the latest, when it is later); a date already past reads
    已逾期（原定 …），请立即整改; none set, 待定."""
    if (
        f.due_date is not None
        and f.due_date < day
        and f.status is not RectificationStatus.VERIFIED_CLOSED
    ):
        return f"已逾期（原定 {cn_date(f.due_date)}），请立即整改"
    if is_immediate(f):
        return (
            f"{IMMEDIATE}（最迟 {cn_date(f.due_date)}）"
            if f.due_date and f.due_date > day
            else IMMEDIATE
        )
    return cn_date(f.due_date) or "待定"


def money_text(totals: dict[Any, Decimal]) -> str:
    """After 共发现问题 N 项: what the company owes its employees (补发工资, 补缴社保) apart from
    risks that are not owed to anyone (赔偿风险, 罚款风险, 迟付), each kind on its own, never added."""
    owed = {k: v for k, v in totals.items() if k is not None and k.owed}
    other = {k: v for k, v in totals.items() if not (k is not None and k.owed)}
    parts = []
    if owed:
        parts.append(f"应补发、补缴职工的金额：{format_money_by_kind(owed, kind_label)}")
    if other:
        parts.append(
            f"另有风险金额（不是欠付职工的款项，各类不可相加）：{format_money_by_kind(other, kind_label)}"
        )
    return "，" + "；".join(parts) if parts else ""


def _payroll(data: ReportData) -> dict[str, Any]:
    review = data.payroll
    if review is None or review.result.rows == 0:
        return {"present": False, "scope_text": "未导入工资表。", "appendix": [], "groups": []}
    result = review.result
    groups: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()
    for f in result.findings:
        groups.setdefault((f.rule, f.period), []).append(f)
    appendix = appendix_rows(review)  # 工号 and masked name; the rest is in the annex
    skipped = "；".join(f"{s.title}（{s.reason}）" for s in result.rules_skipped)
    return {
        "present": True, "rows": result.rows, "employees": result.employees,
        "periods": "、".join(result.periods), "rules_run_count": len(result.rules_run),
        "skipped_text": f"未运行的规则：{skipped}。" if skipped else "",
        "scope_text": f"{result.rows} 行工资数据，{result.employees} 名员工，月份 {'、'.join(result.periods)}。",
        "groups": [
            {"title": members[0].title, "period": period, "employees": len({m.employee_key for m in members}),
             "total": _group_money(members),
             "severity": severity_text(min((m.severity for m in members), key=lambda s: s.rank))}
            for (_rule, period), members in groups.items()
        ],
        "appendix": appendix, "notes": result.notes,
    }  # fmt: skip
