"""The one score formula, per area and overall (documented in README.md, "Scores").

For every shown compliance item that has a scored answer, the item's weight is its severity weight
(critical 8, high 4, medium 2, low 1) and its credit is 1 for 符合, 0.5 for 部分符合, 0 for 不符合.
    score = 100 * Σ(weight * credit) / Σ(weight), rounded half up to one decimal.
不适用, 待核实 and unanswered items are left out of both sums (and counted, so coverage is visible).
The overall score applies the same formula to all areas' items together (not an average of area
scores). Rating: ≥ 90 优, ≥ 75 良, ≥ 60 中, otherwise 差; any critical item answered 不符合 is a veto
(一票否决) and makes the rating 差 whatever the score, and so is a critical finding of the payroll
review kept in the report (child labour): :func:`with_vetoes` adds those. Vetoes are named by what
the reader knows — the item's question, the payroll rule's title — never by an internal id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from auditdesk.checklists.applicability import CompanyProfile, visible_items
from auditdesk.checklists.schema import ChecklistItem, ChecklistLibrary, Scale
from auditdesk.models.audit import AnswerResult, AuditScope
from auditdesk.models.common import Area
from auditdesk.models.finding import Severity

SEVERITY_WEIGHTS: dict[Severity, int] = {
    Severity.CRITICAL: 8,
    Severity.HIGH: 4,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
}
CREDITS: dict[AnswerResult, Decimal] = {
    AnswerResult.COMPLIANT: Decimal(1),
    AnswerResult.PARTIAL: Decimal("0.5"),
    AnswerResult.NON_COMPLIANT: Decimal(0),
}
RATING_BANDS: list[tuple[Decimal, str]] = [
    (Decimal(90), "优"),
    (Decimal(75), "良"),
    (Decimal(60), "中"),
    (Decimal(0), "差"),
]


class ScoreLine(BaseModel):
    """Counts and score for one area (``area`` set) or for the whole audit (``area`` None)."""

    model_config = ConfigDict(frozen=True)

    area: Area | None
    title: str
    score: Decimal | None
    applicable: int
    compliant: int
    partial: int
    non_compliant: int
    not_applicable: int
    to_verify: int
    unanswered: int
    weight_total: int
    weight_earned: Decimal

    @property
    def answered(self) -> int:
        return self.compliant + self.partial + self.non_compliant + self.not_applicable


class ScoreReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    areas: list[ScoreLine]
    overall: ScoreLine
    rating: str
    veto_items: list[str]
    """What vetoes the rating, in words: ``检查项“…”不符合``, ``工资表核查：使用童工（2025-07）``."""
    veto_ids: list[str] = []
    """The checklist item ids among the vetoes (for code; never printed)."""


def _line(
    area: Area | None,
    title: str,
    items: Iterable[ChecklistItem],
    answers: Mapping[str, AnswerResult],
) -> ScoreLine:
    counts = dict.fromkeys(
        ("compliant", "partial", "non_compliant", "not_applicable", "to_verify", "unanswered"), 0
    )
    weight_total = 0
    earned = Decimal(0)
    applicable = 0
    for item in items:
        applicable += 1
        answer = answers.get(item.id)
        if answer is None:
            counts["unanswered"] += 1
            continue
        counts[answer.value] = counts.get(answer.value, 0) + 1
        if answer in CREDITS:
            weight = SEVERITY_WEIGHTS[item.severity]
            weight_total += weight
            earned += weight * CREDITS[answer]
    score = None
    if weight_total:
        score = (Decimal(100) * earned / weight_total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return ScoreLine(
        area=area,
        title=title,
        score=score,
        applicable=applicable,
        weight_total=weight_total,
        weight_earned=earned,
        **counts,
    )


def rating_for(score: Decimal | None, vetoed: bool) -> str:
    if vetoed:
        return "差"
    if score is None:
        return "未评分"
    return next(label for floor, label in RATING_BANDS if score >= floor)


def score_audit(
    library: ChecklistLibrary,
    answers: Mapping[str, AnswerResult],
    profile: CompanyProfile,
    scope: AuditScope = AuditScope.DEEP,
) -> ScoreReport:
    """Per-area and overall scores for the items the audit shows."""
    shown = [
        i for i in visible_items(library, answers, profile, scope) if i.scale is Scale.COMPLIANCE
    ]
    shown_ids = {i.id for i in shown}
    lines: list[ScoreLine] = []
    for module in library.modules:
        if any(line.area is module.area for line in lines):
            continue  # a custom file adding to an area is scored with the shipped module
        area_items = [
            i for m in library.modules_for(module.area) for i in m.items if i.id in shown_ids
        ]
        lines.append(_line(module.area, module.area.label, area_items, answers))
    overall = _line(None, "总体", shown, answers)
    veto = [
        i
        for i in shown
        if i.severity is Severity.CRITICAL and answers.get(i.id) is AnswerResult.NON_COMPLIANT
    ]
    return ScoreReport(
        areas=lines,
        overall=overall,
        rating=rating_for(overall.score, bool(veto)),
        veto_items=[veto_name(i) for i in veto],
        veto_ids=[i.id for i in veto],
    )


def veto_name(item: ChecklistItem) -> str:
    """How a vetoing checklist item is named in the report, the 评分 tab and the CLI."""
    return f"检查项“{item.question.rstrip('？?')}”不符合"


def with_vetoes(report: ScoreReport, names: Iterable[str]) -> ScoreReport:
    """``report`` with further vetoes (critical payroll findings, named in words): the rating is
    差 when there is any, as for a critical checklist item answered 不符合."""
    extra = [n for n in names if n not in report.veto_items]
    if not extra:
        return report
    vetoes = [*report.veto_items, *extra]
    return report.model_copy(
        update={"veto_items": vetoes, "rating": rating_for(report.overall.score, True)}
    )
