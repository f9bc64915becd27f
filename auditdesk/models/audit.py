"""Audit (用工体检), its auditors, visits (初诊/跟诊) and checklist answers; allowed status moves."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditdesk.models.common import LabeledEnum, Record, labels


class AuditorRole(LabeledEnum):
    UNION_CADRE = "union_cadre"
    LAWYER = "lawyer"
    OTHER = "other"


labels(AuditorRole, {"union_cadre": "工会干部", "lawyer": "律师", "other": "其他"})


class AuditScope(LabeledEnum):
    BASIC = "basic"
    DEEP = "deep"


labels(AuditScope, {"basic": "基础评估", "deep": "深度评估"})


class AuditStatus(LabeledEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    DIAGNOSED = "diagnosed"
    CLOSED = "closed"


labels(
    AuditStatus,
    {"draft": "草稿", "in_progress": "进行中", "diagnosed": "已会诊", "closed": "已关闭"},
)

# A diagnosed audit may be reopened to add findings; a closed one is final.
ALLOWED_STATUS_MOVES: dict[AuditStatus, frozenset[AuditStatus]] = {
    AuditStatus.DRAFT: frozenset({AuditStatus.IN_PROGRESS}),
    AuditStatus.IN_PROGRESS: frozenset({AuditStatus.DIAGNOSED}),
    AuditStatus.DIAGNOSED: frozenset({AuditStatus.IN_PROGRESS, AuditStatus.CLOSED}),
    AuditStatus.CLOSED: frozenset(),
}


def can_move(current: AuditStatus, target: AuditStatus) -> bool:
    return target in ALLOWED_STATUS_MOVES[current]


class Auditor(BaseModel):
    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=50)
    role: AuditorRole


class Audit(Record):
    company_id: str
    title: str = Field(default="", max_length=200)
    scope: AuditScope = AuditScope.DEEP
    region: str = Field(default="shanghai", max_length=40)
    status: AuditStatus = AuditStatus.DRAFT
    checklist_version: str = Field(default="", max_length=40)
    auditors: list[Auditor] = Field(default_factory=list)
    started_on: date | None = None


class VisitKind(LabeledEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


labels(VisitKind, {"initial": "初诊", "follow_up": "跟诊"})


class VisitChannel(LabeledEnum):
    TALK = "talk"
    RECORDS = "records"
    DIAGNOSIS = "diagnosis"


labels(VisitChannel, {"talk": "问诊", "records": "查诊", "diagnosis": "会诊"})


class Visit(Record):
    audit_id: str
    visit_date: date
    kind: VisitKind = VisitKind.INITIAL
    channels: list[VisitChannel] = Field(default_factory=list)
    attendees: list[str] = Field(default_factory=list)
    notes: str = ""


class AnswerResult(LabeledEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    PARTIAL = "partial"
    NOT_APPLICABLE = "not_applicable"
    TO_VERIFY = "to_verify"
    # yes/no answers to profile questions (e.g. "uses a special hour system?") that gate other items
    YES = "yes"
    NO = "no"


labels(
    AnswerResult,
    {
        "compliant": "符合",
        "non_compliant": "不符合",
        "partial": "部分符合",
        "not_applicable": "不适用",
        "to_verify": "待核实",
        "yes": "是",
        "no": "否",
    },
)


class AnswerSource(LabeledEnum):
    TALK = "talk"
    RECORDS = "records"
    OBSERVATION = "observation"


labels(AnswerSource, {"talk": "问诊", "records": "查诊", "observation": "现场查看"})


class Answer(Record):
    """What was recorded on one checklist item of an audit."""

    audit_id: str
    item_id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)
    result: AnswerResult | None = None
    """``None``: not answered yet (a note, channel or evidence kept on an unanswered item)."""
    note: str = ""
    source: AnswerSource | None = None
    answered_by: str = Field(default="", max_length=50)
    answered_at: datetime | None = None


class AuditSummary(BaseModel):
    """An audit with its company's name and finding count, for lists."""

    model_config = ConfigDict(frozen=True)

    audit: Audit
    company_name: str
    finding_count: int = 0
    open_findings: int = 0


class ChangeEntity(LabeledEnum):
    ANSWER = "answer"
    FINDING = "finding"


labels(ChangeEntity, {"answer": "检查结果", "finding": "问题"})


class Change(BaseModel):
    """One recorded change: who changed which field of an answer or finding, from what to what."""

    model_config = ConfigDict(frozen=True)

    id: int = 0
    audit_id: str
    entity: ChangeEntity
    entity_id: str = Field(max_length=64)
    field: str = Field(max_length=40)
    old_value: str | None = None
    new_value: str | None = None
    changed_by: str = Field(default="", max_length=50)
    changed_at: datetime
    undone: bool = False

    @property
    def old(self) -> Any:
        """The value before, decoded from the log's JSON (``None`` when there was none)."""
        return _decode(self.old_value)

    @property
    def new(self) -> Any:
        """The value after, decoded from the log's JSON."""
        return _decode(self.new_value)

    @property
    def field_label(self) -> str:
        return CHANGE_FIELD_LABELS.get(self.field, self.field)

    @property
    def summary(self) -> str:
        """``结果：待核实 → 不符合``: the change in words, values as their Chinese labels."""
        return f"{self.field_label}：{_shown(self.old)} → {_shown(self.new)}"


CHANGE_FIELD_LABELS = {
    "result": "结果", "note": "备注", "source": "来源", "undo": "撤销", "title": "标题",
    "facts": "事实", "severity": "严重程度", "remedy": "整改建议", "due_date": "整改期限",
    "owner": "负责人", "status": "整改状态", "dismissed": "剔除", "restored": "恢复",
    "merged": "合并", "split": "拆分", "consequence": "法律后果", "created": "生成",
    "split_from": "拆分自",
}  # fmt: skip
"""Chinese names of the logged fields (a change never shows ``due_date`` or ``result``)."""


def _decode(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # a plain text value written before values were JSON


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        for enum in _display_enums():
            try:
                return str(enum(value).label)
            except ValueError:
                continue
        return value[:40]
    return str(value)[:40]


def _display_enums() -> tuple[type[LabeledEnum], ...]:
    from auditdesk.models.finding import RectificationStatus, Severity

    return (AnswerResult, AnswerSource, Severity, RectificationStatus)
