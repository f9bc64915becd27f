"""Pydantic schema of checklist files: items, answer scales, conditions, applicability, library."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from auditdesk.models.audit import AnswerResult
from auditdesk.models.common import Area
from auditdesk.models.finding import Citation, Severity

ITEM_ID_PATTERN = r"^[A-Z]{2,5}\.[A-Z0-9_]+$"
FINDING_MAX_LENGTH = 40
"""The longest finding statement (问题表述): a heading in every document, not a paragraph."""


class Scale(StrEnum):
    """How an item is answered. Only ``compliance`` items are scored and become findings."""

    COMPLIANCE = "compliance"
    YES_NO = "yes_no"

    @property
    def answers(self) -> tuple[AnswerResult, ...]:
        if self is Scale.YES_NO:
            return (AnswerResult.YES, AnswerResult.NO, AnswerResult.TO_VERIFY)
        return (
            AnswerResult.COMPLIANT,
            AnswerResult.NON_COMPLIANT,
            AnswerResult.PARTIAL,
            AnswerResult.NOT_APPLICABLE,
            AnswerResult.TO_VERIFY,
        )


class BasisStatus(StrEnum):
    """How far the legal basis and figures of an item have been checked.

    ``verified``: taken from the verified facts file; ``needs_review``: cited from the statute but
    not yet checked against a stored source; ``unverified``: the facts file marks a figure or rule
    unverified, and the item's text says so.
    """

    VERIFIED = "verified"
    NEEDS_REVIEW = "needs_review"
    UNVERIFIED = "unverified"


BASIS_STATUS_LABELS = {
    BasisStatus.VERIFIED: "已核对",
    BasisStatus.NEEDS_REVIEW: "待律师复核",
    BasisStatus.UNVERIFIED: "依据未经核实",
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Condition(_Strict):
    """Show the item only when another item was answered with one of ``answers``."""

    item: str = Field(pattern=ITEM_ID_PATTERN)
    answers: list[AnswerResult] = Field(min_length=1)


class AppliesTo(_Strict):
    """Company profile the item applies to; an empty profile means every company."""

    min_headcount: int | None = Field(default=None, ge=0)
    max_headcount: int | None = Field(default=None, ge=0)
    industry_keywords: list[str] = Field(default_factory=list)
    has_union: bool | None = None


class ChecklistItem(_Strict):
    id: str = Field(pattern=ITEM_ID_PATTERN)
    question: str = Field(min_length=4)
    finding: str = Field(default="", max_length=FINDING_MAX_LENGTH)
    """The violation stated as a fact (问题表述, e.g. “规章制度中设有罚款条款”): the title of the
    finding in every document. Required in shipped compliance items (the loader checks); older
    snapshots and the organisation's own files may lack it (:attr:`statement` falls back)."""
    guidance: str = Field(min_length=4)
    scale: Scale = Scale.COMPLIANCE
    severity: Severity
    core: bool = False
    legal_basis: list[Citation] = Field(default_factory=list)
    basis_status: BasisStatus
    consequence: str = ""
    remedy: str = ""
    when: Condition | None = None
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    note: str = ""

    @property
    def statement(self) -> str:
        """What a finding from this item is titled: the ``finding`` statement, or the question
        for an item written before statements existed."""
        return self.finding or self.question

    @field_validator("finding")
    @classmethod
    def _a_fact(cls, value: str) -> str:
        if any(mark in value for mark in "？?"):
            raise ValueError("问题表述（finding）应写成查明的事实，不能是问句")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.scale is Scale.COMPLIANCE:
            missing = [
                label
                for label, present in (
                    ("法律依据 legal_basis", bool(self.legal_basis)),
                    ("法律后果 consequence", bool(self.consequence)),
                    ("整改建议 remedy", bool(self.remedy)),
                )
                if not present
            ]
            if missing:
                raise ValueError("检查项缺少：" + "、".join(missing))
            if self.severity is Severity.INFO:
                raise ValueError("合规检查项的严重程度不能是 info（info 只用于是/否类前提问题）")
        elif self.severity is not Severity.INFO:
            raise ValueError("是/否类前提问题不计分，严重程度应为 info")
        return self


class ChecklistModule(_Strict):
    """One file: one area and its items."""

    area: Area
    title: str = Field(min_length=2)
    description: str = ""
    items: list[ChecklistItem] = Field(min_length=1)
    source: str = Field(default="", description="file name, for messages")
    custom: bool = False


class ChecklistLibrary(BaseModel):
    """The checklist set in force (shipped modules plus the organisation's own)."""

    model_config = ConfigDict(frozen=True)

    version: str
    title: str
    region: str = "shanghai"
    modules: list[ChecklistModule]

    def content_hash(self) -> str:
        payload = self.model_dump(mode="json", exclude={"modules": {"__all__": {"source"}}})
        canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        """``version+hash8``: what an audit pins; changes whenever any item text changes."""
        return f"{self.version}+{self.content_hash()[:8]}"

    def items(self) -> list[ChecklistItem]:
        return [item for module in self.modules for item in module.items]

    def item(self, item_id: str) -> ChecklistItem | None:
        return self._index().get(item_id)

    def area_of(self, item_id: str) -> Area | None:
        for module in self.modules:
            if any(i.id == item_id for i in module.items):
                return module.area
        return None

    def modules_for(self, area: Area) -> list[ChecklistModule]:
        return [m for m in self.modules if m.area is area]

    def _index(self) -> dict[str, ChecklistItem]:
        return {item.id: item for item in self.items()}
