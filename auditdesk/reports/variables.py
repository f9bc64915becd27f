"""The template variables, derived from the context builder itself so the check never drifts.

:func:`specimen` is a small made-up audit with one of everything (a finding with money and a
deadline, a follow-up visit, a payroll row under the minimum wage); :func:`known_shape` runs
:func:`~auditdesk.reports.context.build_context` over it for every kind and merges what comes out
into a :class:`Shape`: which names a template may use, which fields each has, what a list holds.
A key another part of the program adds to the context is known here the moment it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from auditdesk.checklists.scoring import ScoreLine, ScoreReport
from auditdesk.models.audit import Audit, Auditor, AuditorRole, Visit, VisitChannel, VisitKind
from auditdesk.models.common import Area
from auditdesk.models.company import Company
from auditdesk.models.finding import (
    Citation,
    Finding,
    FindingOrigin,
    MoneyKind,
    RectificationStatus,
    Severity,
)
from auditdesk.models.followup import LetterKind, RectificationMove, UnionSettings
from auditdesk.models.payroll import PayrollRow
from auditdesk.reports.context import ReportData, build_context
from auditdesk.reports.letters import LETTERS, OpinionCited, letter_snapshot
from auditdesk.rules.review import review_payroll

KINDS = ("report", "rectification", "followup", "annex", *LETTERS)
"""Every kind of document rendered from a Word template."""


@dataclass
class Shape:
    """What a template may do with a value.

    ``fields`` is set for a mapping (its keys), ``item`` for a list (one element's shape), and
    ``types`` holds the Python types a plain value had. ``open`` means nothing is known below this
    point (an empty list or mapping in every specimen), so nothing below is checked.
    """

    fields: dict[str, Shape] | None = None
    item: Shape | None = None
    types: set[type] = field(default_factory=set)
    open: bool = False

    def merge(self, other: Shape) -> Shape:
        fields: dict[str, Shape] | None = None
        if self.fields is not None or other.fields is not None:
            fields = dict(self.fields or {})
            for key, sub in (other.fields or {}).items():
                fields[key] = fields[key].merge(sub) if key in fields else sub
        item = self.item.merge(other.item) if self.item and other.item else self.item or other.item
        merged = Shape(fields, item, self.types | other.types)
        merged.open = (self.open or other.open) and not (fields or item)
        return merged


def shape_of(value: Any) -> Shape:
    """The :class:`Shape` of one context value (mappings and lists recursively)."""
    if isinstance(value, dict):
        return Shape(fields={str(k): shape_of(v) for k, v in value.items()}, open=not value)
    if isinstance(value, list | tuple):
        shape = Shape(types={list}, open=not value)
        for element in value:
            shape.item = shape.item.merge(shape_of(element)) if shape.item else shape_of(element)
        return shape
    return Shape(types={type(value)})


def paths(shape: Shape, prefix: str = "") -> list[str]:
    """Every variable path below ``shape``: ``company.name``, ``findings[].title`` (``[]`` is one
    element of a list, what a ``for`` loop gives)."""
    out: list[str] = []
    for key, sub in (shape.fields or {}).items():
        here = f"{prefix}.{key}" if prefix else key
        out.append(here)
        out.extend(paths(sub, here))
    if shape.item is not None:
        out.extend(paths(shape.item, f"{prefix}[]"))
    return out


def context_shape(contexts: list[dict[str, Any]]) -> Shape:
    """The merged shape of several contexts (e.g. one per kind)."""
    shape = Shape(fields={})
    for context in contexts:
        shape = shape.merge(shape_of(context))
    return shape


@cache
def known_shape() -> Shape:
    """The shape of the context for every kind, built from :func:`specimen`; cached."""
    data = specimen()
    return context_shape([specimen_context(kind, data) for kind in KINDS])


SPECIMEN_UNION = UnionSettings(
    union_name="示例镇总工会", district_union="示例区总工会", labour_bureau="示例区人力资源和社会保障局",
    contact_person="李某", contact_phone="021-00000000", address="示例路 2 号", prefix_notice="示工监提",
    prefix_opinion="示工监意", prefix_proposal="示工监建", cc="示例区总工会",
)  # fmt: skip


def specimen_context(kind: str, data: ReportData | None = None) -> dict[str, Any]:
    """The template context of ``kind`` for the specimen audit (a letter as issued, numbered,
    its 意见书 served; the 建议书 citing a served 意见书)."""
    data = data or specimen()
    if kind not in LETTERS:
        return build_context(data, kind)
    day = data.report_date or date(2025, 9, 1)
    opinion = OpinionCited(number="示工监意〔2025〕第1号", issued_on=day, served_on=day,
                           reply_due=day)  # fmt: skip
    return letter_snapshot(LetterKind(kind), data, SPECIMEN_UNION, issued_on=day,
                           number=f"{SPECIMEN_UNION.prefix(LetterKind(kind))}〔2025〕第1号",
                           served_on=day, opinion=opinion)  # fmt: skip


def specimen() -> ReportData:
    """A small made-up audit with one of everything a template can show (no real person)."""
    day = date(2025, 9, 1)
    company = Company(name="示例企业有限公司", town="示例镇", address="示例路 1 号",
                      legal_representative="王某", headcount=10)  # fmt: skip
    audit = Audit(company_id=company.id, title="用工体检", checklist_version="2025.1",
                  auditors=[Auditor(name="陈某", role=AuditorRole.LAWYER)], started_on=day)  # fmt: skip
    visits = [
        Visit(
            audit_id=audit.id,
            visit_date=day,
            kind=kind,
            channels=list(VisitChannel),
            attendees=["人事经理"],
        )
        for kind in VisitKind
    ]
    area = next(iter(Area))
    line = ScoreLine(area=area, title=area.label, score=Decimal(80), applicable=5, compliant=4,
                     partial=0, non_compliant=1, not_applicable=0, to_verify=0, unanswered=0,
                     weight_total=5, weight_earned=Decimal(4))  # fmt: skip
    overall = line.model_copy(update={"area": None, "title": "总体"})
    scores = ScoreReport(areas=[line], overall=overall, rating="良", veto_items=["示例否决项"])
    finding = Finding(audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref="X.1", area=area,
                      severity=Severity.HIGH, title="示例问题", facts="示例事实", number=1,
                      legal_basis=[Citation(law="中华人民共和国劳动合同法", article="第十条")],
                      remedy="示例整改", money_at_stake=Decimal(100), money_kind=next(iter(MoneyKind)),
                      status=RectificationStatus.IN_PROGRESS, owner="人事部",
                      due_date=day)  # fmt: skip
    move = RectificationMove(finding_id=finding.id, audit_id=audit.id,
                             from_status=RectificationStatus.OPEN,
                             to_status=RectificationStatus.IN_PROGRESS, note="示例说明",
                             moved_at=datetime(2025, 9, 2, tzinfo=UTC))  # fmt: skip
    row = PayrollRow(source_file="示例.xlsx", source_sheet="工资", source_row=2, period="2025-07",
                     employee_id="E1", name="张某", base_pay=Decimal(1000), gross_pay=Decimal(1000),
                     scheduled_days=Decimal(22), attended_days=Decimal(22), net_pay=Decimal(1000),
                     pay_date=date(2025, 8, 10))  # fmt: skip
    return ReportData(
        company=company, audit=audit, visits=visits, scores=scores, self_scores=scores,
        findings=[finding], items_total=5, items_answered=5, payroll=review_payroll([row]),
        union="示例镇总工会", report_date=day, followup="示例跟诊安排", moves={finding.id: move},
    )  # fmt: skip
