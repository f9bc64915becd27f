"""跟诊: rectification moves (with their rules), planned follow-up visits, union letters with clocks."""

from __future__ import annotations

from datetime import date, datetime

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
    moved_by: str = ""
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
    """A union letter that was sent, with its reply clock."""

    audit_id: str
    kind: LetterKind
    issued_on: date
    reply_due: date
    replied_on: date | None = None
    note: str = Field(default="", max_length=2000)
