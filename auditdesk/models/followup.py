"""跟诊: rectification moves (with their rules), planned follow-up visits, union letters with clocks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditdesk.models.common import LabeledEnum, Record, labels
from auditdesk.models.finding import RectificationStatus

S = RectificationStatus

# Closing needs verification: 已核验关闭 is reached only with ``verify`` (a follow-up visit or an
# explicit verifier), never by a plain status change. 不予整改 needs a reason.
ALLOWED_MOVES: dict[RectificationStatus, frozenset[RectificationStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.FIXED_PENDING, S.VERIFIED_CLOSED, S.REFUSED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.FIXED_PENDING, S.VERIFIED_CLOSED, S.REFUSED}),
    S.FIXED_PENDING: frozenset({S.IN_PROGRESS, S.VERIFIED_CLOSED, S.REFUSED}),
    S.REFUSED: frozenset({S.OPEN, S.IN_PROGRESS}),
    S.VERIFIED_CLOSED: frozenset({S.IN_PROGRESS}),  # reopened when a later visit finds it again
}


def move_problem(current: RectificationStatus, target: RectificationStatus, *, verify: bool,
                 note: str) -> str | None:  # fmt: skip
    """Why a move is not allowed (Chinese), or ``None``."""
    if current is target:
        return f"问题已是“{target.label}”。"
    if target not in ALLOWED_MOVES[current]:
        return f"问题状态不能从“{current.label}”改为“{target.label}”。"
    if target is S.VERIFIED_CLOSED and not verify:
        return "关闭问题需要核验：请在跟诊中核验，或以核验人身份确认。"
    if target is S.REFUSED and not note.strip():
        return "“不予整改”须写明理由。"
    return None


class RectificationMove(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int = 0
    finding_id: str
    audit_id: str
    from_status: RectificationStatus
    to_status: RectificationStatus
    note: str = ""
    moved_by: str = Field(default="", max_length=50)
    moved_at: datetime
    visit_id: str | None = None


class FollowUp(Record):
    """A planned follow-up visit; ``visit_id`` is set when it took place."""

    audit_id: str
    planned_on: date
    note: str = ""
    visit_id: str | None = None
    done_on: date | None = None


class LetterKind(LabeledEnum):
    NOTICE = "notice"
    OPINION = "opinion"
    PROPOSAL = "proposal"


labels(LetterKind, {"notice": "提示函", "opinion": "意见书", "proposal": "建议书"})


class Letter(Record):
    """A union letter that was issued, with its reply clock.

    An issued letter is a record: ``number`` (文号, e.g. ``马陆工监意〔2026〕第 3 号``, from the
    per-kind, per-year sequence ``number_year``/``number_seq``), ``issued_on`` and ``content``
    (the rendered letter's template variables, plain JSON) are fixed when it is issued, and
    ``document_sha256`` names the issued .docx kept in the data dir. Letters recorded before
    numbering (schema < 9) have none of these.

    ``reply_due`` is counted from ``served_on`` (送达日期) for the 意见书 and 建议书; before service
    is recorded it is an estimate (as if served on the day of issue), see :attr:`due_estimated`.
    The 提示函 states a fixed reply date in its text.
    """

    audit_id: str
    kind: LetterKind
    issued_on: date
    reply_due: date
    replied_on: date | None = None
    note: str = Field(default="", max_length=2000)
    number: str | None = Field(default=None, max_length=80)
    number_year: int | None = None
    number_seq: int | None = None
    served_on: date | None = None
    content: dict[str, Any] | None = None
    document_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @property
    def clock_from_service(self) -> bool:
        """The reply period runs from service (意见书, 建议书), not from a date in the letter."""
        return self.kind is not LetterKind.NOTICE

    @property
    def due_estimated(self) -> bool:
        """``reply_due`` is an estimate: the period runs from service, which is not recorded."""
        return self.clock_from_service and self.served_on is None

    @property
    def label(self) -> str:
        """``意见书 马陆工监意〔2026〕第 3 号`` (or the kind alone for a letter without a number)."""
        return f"{self.kind.label} {self.number}" if self.number else self.kind.label


UNION_FIELDS: dict[str, str] = {
    "union_name": "发函工会（落款）",
    "district_union": "区总工会（建议书落款）",
    "labour_bureau": "区劳动行政部门（建议书收件）",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "address": "通讯地址",
    "prefix_notice": "提示函文号前缀",
    "prefix_opinion": "意见书文号前缀",
    "prefix_proposal": "建议书文号前缀",
    "cc": "抄送",
}
"""The union settings (设置 → 工会与函件; ``auditdesk settings union``), key → Chinese label."""

REQUIRED_FOR: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.NOTICE: ("union_name", "contact_person", "contact_phone", "prefix_notice"),
    LetterKind.OPINION: ("union_name", "contact_person", "contact_phone", "prefix_opinion"),
    LetterKind.PROPOSAL: ("union_name", "district_union", "labour_bureau", "contact_person",
                          "contact_phone", "prefix_proposal"),
}  # fmt: skip


class UnionSettings(BaseModel):
    """Who issues the letters and how they are numbered; stored in the database, edited on the
    设置 page. Not derived from the company's town: a town union may audit companies elsewhere."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    union_name: str = Field(default="", max_length=100)
    district_union: str = Field(default="", max_length=100)
    labour_bureau: str = Field(default="", max_length=100)
    contact_person: str = Field(default="", max_length=50)
    contact_phone: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=200)
    prefix_notice: str = Field(default="", max_length=30)
    prefix_opinion: str = Field(default="", max_length=30)
    prefix_proposal: str = Field(default="", max_length=30)
    cc: str = Field(default="", max_length=200)

    def missing_for(self, kind: LetterKind) -> list[str]:
        """Chinese labels of the settings ``kind`` needs that are empty."""
        return [UNION_FIELDS[k] for k in REQUIRED_FOR[kind] if not getattr(self, k)]

    def prefix(self, kind: LetterKind) -> str:
        return str(getattr(self, f"prefix_{kind.value}"))
