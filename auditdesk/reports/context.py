"""The report view-model: everything a template may use, built from an audit's data (Qt-free).

The top-level names and their fields are the template contract documented in
``report_templates/README.md``; keep the two in step.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from docxtpl import RichText

from auditdesk.checklists.scoring import ScoreReport
from auditdesk.formatting import format_date, format_money, format_money_by_kind, mask_id_number
from auditdesk.models.audit import Audit, Visit
from auditdesk.models.company import Company
from auditdesk.models.finding import (
    Finding,
    RectificationStatus,
    Severity,
    kind_label,
    money_by_kind,
)
from auditdesk.rules.review import PayrollReview, adopted_state

KNOWN_NAMES = frozenset(
    {"company", "report", "audit", "summary", "findings_by_area", "findings", "finding_count",
     "money_text", "payroll", "laws", "letter", "followup"}
)  # fmt: skip
"""Every top-level template variable; a template using any other name is refused."""

SEVERITY_COLORS = {
    Severity.CRITICAL: "B91C1C", Severity.HIGH: "C2410C", Severity.MEDIUM: "B45309",
    Severity.LOW: "1D4ED8", Severity.INFO: "4B5563",
}  # fmt: skip
APPENDIX_LIMIT = 5000
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
    followup: str = ""
    unmasked: bool = False
    mask_names: bool = False
    chart: Any = None
    """An image object the renderer made from a PNG (docxtpl InlineImage), or None."""
    moves: dict[str, Any] = field(default_factory=dict)
    """Finding id → its latest rectification move (for the 跟诊记录)."""


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
    return "；".join(c.display() for c in finding.legal_basis) or "—"


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
    the 整改建议书 and the letters list only findings not yet verified as closed."""
    company, audit = data.company, data.audit
    day = data.report_date or date.today()
    findings = [f for f in data.findings if not f.dismissed]
    if kind != "report":
        findings = [f for f in findings if f.status is not RectificationStatus.VERIFIED_CLOSED]
    findings.sort(key=lambda f: (list(type(f.area)).index(f.area), f.severity.rank, f.created_at))
    numbered = [(i + 1, f) for i, f in enumerate(findings)]
    by_area: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    flat: list[dict[str, Any]] = []
    for no, f in numbered:
        entry = {
            "no": no, "ref": f.id[:8].upper(), "id": f.id, "title": f.title,
            "facts": (f.facts or "—") + _payroll_changed(f, data.payroll),
            "severity": severity_text(f.severity),
            "severity_label": f.severity.label, "area": f.area.label, "basis": _basis(f),
            "consequence": (f"{kind_label(f.money_kind)}约 {_money(f.money_at_stake)}" if f.money_at_stake else
                            "依法可能被责令改正、补发或补缴，并承担相应的行政或民事责任"),
            "amount": _money(f.money_at_stake), "remedy": f.remedy or "—",
            "due": format_date(f.due_date) or "待定", "owner": f.owner or "—", "status": f.status.label,
        }  # fmt: skip
        by_area.setdefault(f.area.label, []).append(entry)
        flat.append(entry)
    totals = money_by_kind((f.money_kind, f.money_at_stake) for f in findings)
    dates = sorted({v.visit_date for v in data.visits})
    own = {line.area: line for line in data.self_scores.areas} if data.self_scores else {}
    laws: OrderedDict[str, list[str]] = OrderedDict()
    for f in findings:
        for c in f.legal_basis:
            arts = laws.setdefault(c.law, [])
            if c.article and c.article not in arts:
                arts.append(c.article)
    return {
        "company": {
            "name": company.name, "credit_code": company.credit_code or "—",
            "address": company.address or "—", "town": company.town or "—",
            "legal_representative": company.legal_representative or "—",
            "headcount": company.headcount if company.headcount is not None else "—",
        },
        "report": {
            "number": f"{(audit.started_on or day):%Y}-{audit.id[:8].upper()}",
            "date": format_date(day), "union": data.union or "工会",
            "followup": data.followup or "根据整改期限另行约定跟诊时间。", "limits": LIMITS,
        },
        "audit": {
            "title": audit.title or "用工体检", "scope": audit.scope.label,
            "checklist_version": audit.checklist_version.split("+")[0] or "—",
            "dates": "、".join(format_date(d) for d in dates) or format_date(audit.started_on) or "—",
            "auditors": "、".join(f"{a.name}（{a.role.label}）" for a in audit.auditors) or "—",
            "items_total": data.items_total, "items_answered": data.items_answered,
            "method": METHOD,
            "visits": [
                {"date": format_date(v.visit_date), "kind": v.kind.label,
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
        },
        "findings_by_area": [{"name": name, "findings": items} for name, items in by_area.items()],
        "findings": flat,
        "finding_count": len(flat),
        "money_text": f"，涉及金额（按类别，不可相加）：{format_money_by_kind(totals, kind_label)}"
        if totals
        else "",
        "payroll": _payroll(data),
        "laws": [{"name": law, "articles": "、".join(arts)} for law, arts in laws.items()],
        "letter": {},  # the letters build their own context: auditdesk.reports.letters
        "followup": _followup(data) if kind == "followup" else {},
    }  # fmt: skip


def _followup(data: ReportData) -> dict[str, Any]:
    visits = [v for v in data.visits if v.kind.value == "follow_up"]
    last = max((v.visit_date for v in visits), default=None)
    kept = [f for f in data.findings if not f.dismissed]
    rows = []
    for no, f in enumerate(kept, start=1):
        move = data.moves.get(f.id)
        rows.append({"no": no, "title": f.title, "status": f.status.label,
                     "note": move.note if move else "—", "due": format_date(f.due_date) or "—"})  # fmt: skip
    closed = sum(1 for f in kept if f.status is RectificationStatus.VERIFIED_CLOSED)
    still = len(kept) - closed
    return {
        "date": format_date(last) or "—", "total": len(kept), "closed": closed, "open": still, "rows": rows,
        "next": ("尚未整改到位的问题请于新的期限前整改，工会将再次跟诊核验。" if still
                 else "全部问题已整改到位，本次体检的跟诊结束。"),
    }  # fmt: skip


def _mask_name(name: str | None) -> str:
    """张三丰 → 张**; the surname stays so HR can still recognise the row."""
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else "—"


def _payroll(data: ReportData) -> dict[str, Any]:
    review = data.payroll
    if review is None or review.result.rows == 0:
        return {"present": False, "scope_text": "未导入工资表。", "appendix": [], "groups": []}
    result = review.result
    groups: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()
    for f in result.findings:
        groups.setdefault((f.rule, f.period), []).append(f)
    appendix = []
    for f in result.findings[:APPENDIX_LIMIT]:
        source = review.row_of(f)  # the finding's own row: its ID number is this person's
        raw = source.id_number if source is not None else None
        appendix.append({
            "employee": f.employee_key,
            "name": _mask_name(f.employee_name) if data.mask_names else (f.employee_name or "—"),
            "id_number": (raw if data.unmasked else mask_id_number(raw)) if raw else "—",
            "period": f.period, "rule": f.title,
            "amount": f"{_money(f.amount)}（{kind_label(f.money_kind)}）" if f.amount is not None else "—",
        })  # fmt: skip
    skipped = "；".join(f"{s.title}（{s.reason}）" for s in result.rules_skipped)
    return {
        "present": True, "rows": result.rows, "employees": result.employees,
        "periods": "、".join(result.periods), "rules_run_count": len(result.rules_run),
        "skipped_text": f"未运行的规则：{skipped}。" if skipped else "",
        "scope_text": f"{result.rows} 行工资数据，{result.employees} 名员工，月份 {'、'.join(result.periods)}。",
        "groups": [
            {"title": members[0].title, "period": period, "employees": len({m.employee_key for m in members}),
             "total": format_money_by_kind(money_by_kind((m.money_kind, m.amount) for m in members),
                                           kind_label) or "—",
             "severity": severity_text(min((m.severity for m in members), key=lambda s: s.rank))}
            for (_rule, period), members in groups.items()
        ],
        "appendix": appendix, "notes": result.notes,
    }  # fmt: skip
