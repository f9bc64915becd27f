"""Finding (发现的问题): origin, severity, legal basis, remedy, money at stake, rectification."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from auditdesk.models.common import Area, LabeledEnum, Money, Record, labels


class Severity(LabeledEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, for sorting."""
        return list(Severity).index(self)


labels(
    Severity,
    {"critical": "严重", "high": "高", "medium": "中", "low": "低", "info": "提示"},
)


class Certainty(LabeledEnum):
    """Whether a finding follows from the file alone or rests on a fact the file cannot show.

    A finding that depends on an unstated fact (the contract wage, the kind of a deduction, a
    retirement) is never above 中: it says which fact to verify.
    """

    DEFINITE = "definite"
    DEPENDS = "depends"


labels(Certainty, {"definite": "可确定", "depends": "待核实"})


class MoneyKind(LabeledEnum):
    """What an amount is. Amounts of different kinds are never added together."""

    WAGES_OWED = "wages_owed"
    CONTRIBUTIONS_OWED = "contributions_owed"
    EXPOSURE = "exposure"
    FINE_RISK = "fine_risk"
    PAID_LATE = "paid_late"

    @property
    def owed(self) -> bool:
        """Money the company owes and can pay back (what "money recovered" counts)."""
        return self in (MoneyKind.WAGES_OWED, MoneyKind.CONTRIBUTIONS_OWED)


labels(
    MoneyKind,
    {
        "wages_owed": "应补发工资",
        "contributions_owed": "应补缴社保公积金",
        "exposure": "赔偿风险（二倍工资等）",
        "fine_risk": "罚款风险",
        "paid_late": "迟付金额（非欠付）",
    },
)


def money_by_kind(
    items: Iterable[tuple[MoneyKind | None, Decimal | None]],
) -> dict[MoneyKind | None, Decimal]:
    """Totals per money kind (``None``: an amount of a finding made before kinds existed), in
    the order of :class:`MoneyKind`; never one sum across kinds."""
    totals: dict[MoneyKind | None, Decimal] = {}
    for kind, amount in items:
        if amount is not None:
            totals[kind] = totals.get(kind, Decimal(0)) + amount
    order = [*MoneyKind, None]
    return {k: totals[k] for k in order if k in totals}


def kind_label(kind: MoneyKind | None) -> str:
    """The Chinese name of an amount's kind (``涉及金额`` for one recorded without a kind)."""
    return kind.label if kind is not None else "涉及金额（未分类）"


def finding_code(number: int) -> str:
    """``7`` → ``W07``: the 问题编号 as printed (at least two digits, so W07 sorts before W10 up
    to 99 findings)."""
    return f"W{number:02d}"


class FindingOrigin(LabeledEnum):
    CHECKLIST = "checklist"
    PAYROLL = "payroll"


labels(FindingOrigin, {"checklist": "检查清单", "payroll": "工资表核查"})


class RectificationStatus(LabeledEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FIXED_PENDING = "fixed_pending"
    VERIFIED_CLOSED = "verified_closed"
    REFUSED = "refused"


labels(
    RectificationStatus,
    {
        "open": "待整改",
        "in_progress": "整改中",
        "fixed_pending": "已整改待核验",
        "verified_closed": "已核验关闭",
        "refused": "不予整改",
    },
)

OPEN_STATUSES = frozenset(
    {RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS, RectificationStatus.FIXED_PENDING}
)
"""The statuses of a finding still to rectify. With "not dismissed" this is the one definition of
an open finding: :attr:`Finding.is_open` here, ``store.predicates.open_finding`` in SQL."""


class Citation(BaseModel):
    """One legal citation, e.g. 《劳动合同法》第十条."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    law: str = Field(min_length=1)
    article: str = ""
    excerpt: str = ""

    def display(self) -> str:
        return f"《{self.law}》{self.article}"


class Finding(Record):
    audit_id: str
    origin: FindingOrigin
    origin_ref: str = Field(
        min_length=1, max_length=64, description="checklist item id or payroll rule id"
    )
    area: Area
    severity: Severity
    title: str = Field(min_length=1, max_length=300)
    facts: str = ""
    legal_basis: list[Citation] = Field(default_factory=list)
    remedy: str = ""
    consequence: str = ""
    """The legal consequence (法律后果) of this finding: the checklist item's own, or the payroll
    rule's; editable like the remedy. Empty for findings made before it was carried over."""
    money_at_stake: Money | None = None
    status: RectificationStatus = RectificationStatus.OPEN
    owner: str = Field(default="", max_length=100)
    due_date: date | None = None
    dismissed_reason: str | None = None
    """Why an auditor dropped this finding (required to dismiss); with who and when."""
    dismissed_by: str | None = Field(default=None, max_length=50)
    dismissed_at: datetime | None = None
    subjects: list[str] | None = None
    """For payroll findings: the employees (工号 or masked ID) the group covered, for re-checks."""
    money_kind: MoneyKind | None = None
    """What ``money_at_stake`` is; amounts of different kinds are never added together."""
    payroll_hash: str | None = None
    """For a finding adopted from a payroll group: the group's content hash at adoption, so a
    later re-import that changes the group shows as "工资表已变更" instead of going unnoticed."""
    number: int | None = None
    """The 问题编号 within the audit (1, 2, …), given by the store when the finding is first saved
    and never changed: dismissing or merging others leaves the gaps, so a number printed in a
    report, the 整改建议书, the letters, the 跟诊记录 and the 整改台账 always names this finding."""
    split_from: str | None = Field(default=None, max_length=36)
    """The id of the finding this one was split from (拆分); ``None`` for an original. Only an
    original checklist finding counts as its item's one finding (the store enforces that)."""

    @property
    def code(self) -> str:
        """The printed 问题编号: ``W07`` (W for 问题); the id's first 8 characters for a finding
        not yet saved."""
        return finding_code(self.number) if self.number else self.id[:8].upper()

    @property
    def dismissed(self) -> bool:
        return self.dismissed_at is not None

    @property
    def is_open(self) -> bool:
        """Still to rectify: not dismissed (剔除), not 已核验关闭 nor 不予整改."""
        return not self.dismissed and self.status in OPEN_STATUSES

    @model_validator(mode="after")
    def _money_not_negative(self) -> Self:
        if self.money_at_stake is not None and self.money_at_stake < 0:
            raise ValueError("涉及金额不能为负数")
        return self
