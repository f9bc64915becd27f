"""Which items an audit shows: scope (基础/深度), company profile, and answer-dependent conditions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditdesk.checklists.schema import ChecklistItem, ChecklistLibrary
from auditdesk.models.audit import AnswerResult, AuditScope
from auditdesk.models.company import Company


@dataclass(frozen=True)
class CompanyProfile:
    """The company facts that decide whether an item applies. Unknown facts never hide an item."""

    headcount: int | None = None
    industry: str = ""
    has_union: bool | None = None

    @classmethod
    def of(cls, company: Company) -> CompanyProfile:
        return cls(company.headcount, company.industry, company.has_union)


def applies_to_company(item: ChecklistItem, profile: CompanyProfile) -> bool:
    rule = item.applies_to
    if profile.headcount is not None:
        if rule.min_headcount is not None and profile.headcount < rule.min_headcount:
            return False
        if rule.max_headcount is not None and profile.headcount > rule.max_headcount:
            return False
    if (
        rule.industry_keywords
        and profile.industry
        and not any(k in profile.industry for k in rule.industry_keywords)
    ):
        return False
    return not (
        rule.has_union is not None
        and profile.has_union is not None
        and rule.has_union != profile.has_union
    )


def _in_scope(library: ChecklistLibrary, scope: AuditScope) -> set[str]:
    """Item ids in scope. A basic (基础) audit keeps core items and the questions their conditions need."""
    items = library.items()
    if scope is AuditScope.DEEP:
        return {i.id for i in items}
    keep = {i.id for i in items if i.core}
    by_id = {i.id: i for i in items}
    frontier = list(keep)
    while frontier:
        item = by_id[frontier.pop()]
        if item.when is not None and item.when.item not in keep:
            keep.add(item.when.item)
            frontier.append(item.when.item)
    return keep


def visible_items(
    library: ChecklistLibrary,
    answers: Mapping[str, AnswerResult],
    profile: CompanyProfile,
    scope: AuditScope = AuditScope.DEEP,
) -> list[ChecklistItem]:
    """Items to show, in library order. An item with a condition shows only while the item it depends
    on is itself shown and answered with one of the listed answers."""
    in_scope = _in_scope(library, scope)
    shown: dict[str, bool] = {}
    by_id = {i.id: i for i in library.items()}

    def visible(item_id: str) -> bool:
        if item_id in shown:
            return shown[item_id]
        item = by_id[item_id]
        ok = item_id in in_scope and applies_to_company(item, profile)
        if ok and item.when is not None:
            ok = visible(item.when.item) and answers.get(item.when.item) in item.when.answers
        shown[item_id] = ok
        return ok

    return [item for item in library.items() if visible(item.id)]
