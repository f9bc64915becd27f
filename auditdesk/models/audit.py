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
    COMPANY = "company"
    AUDIT = "audit"
    VISIT = "visit"
    ANSWER = "answer"
    FINDING = "finding"
    FOLLOWUP = "followup"
    LETTER = "letter"
    PAYROLL_IMPORT = "payroll_import"
    ATTACHMENT = "attachment"
    REPORT = "report"
    CASE_IMPORT = "case_import"
    CHANGE_LOG = "change_log"


labels(
    ChangeEntity,
    {
        "company": "企业", "audit": "体检", "visit": "走访", "answer": "检查结果",
        "finding": "问题", "followup": "跟诊安排", "letter": "函件",
        "payroll_import": "工资表导入", "attachment": "附件", "report": "出具记录",
        "case_import": "案卷导入", "change_log": "修改记录",
    },
)  # fmt: skip


class Change(BaseModel):
    """One entry of the change log: who changed which field of which record, from what to what.

    Entries are only ever added (an undo is a new entry whose ``undoes`` names the entry it
    reverses); ``audit_id`` and ``company_id`` are plain values, not references, so an entry
    outlives its record. ``old_value``/``new_value`` hold JSON text; :attr:`old`/:attr:`new`
    decode it. ``undone`` is the flag entries carried before schema step 16 (never set since).
    """

    model_config = ConfigDict(frozen=True)

    id: int = 0
    audit_id: str | None = Field(default=None, max_length=36)
    company_id: str | None = Field(default=None, max_length=36)
    entity: ChangeEntity
    entity_id: str = Field(max_length=64)
    field: str = Field(max_length=40)
    old_value: str | None = None
    new_value: str | None = None
    changed_by: str = Field(default="", max_length=50)
    changed_at: datetime
    undone: bool = False
    undoes: int | None = None

    @property
    def old(self) -> Any:
        """The value before, decoded from the log's JSON (``None`` when there was none)."""
        return _decode(self.old_value)

    @property
    def new(self) -> Any:
        """The value after, decoded from the log's JSON."""
        return _decode(self.new_value)

    @property
    def old_text(self) -> str:
        """The value before in words (labels for enum values, ``—`` for none), in full."""
        return _shown(self.old, limit=None)

    @property
    def new_text(self) -> str:
        """The value after in words, in full."""
        return _shown(self.new, limit=None)

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
    "split_from": "拆分自", "deleted": "删除", "removed": "移除", "imported": "导入",
    "issued": "出具", "purged": "清理", "name": "名称", "credit_code": "统一社会信用代码",
    "legal_representative": "法定代表人", "address": "地址", "town": "所属街镇",
    "industry": "行业", "headcount": "人数", "has_union": "建会", "contact_name": "联系人",
    "contact_phone": "联系电话", "notes": "备注", "pay_day": "发薪日", "kind": "类型",
    "planned_on": "计划日期", "done_on": "完成日期", "replied_on": "回复日期",
    "served_on": "送达日期", "reply_due": "回复期限", "scope": "评估范围", "region": "地区",
    "auditors": "检查人员", "started_on": "开始日期", "file_name": "文件",
    "filename": "文件", "audit_status": "体检状态", "deleted_company": "删除企业",
    "attachment": "附件", "retention_days": "保留天数",
}  # fmt: skip
"""Chinese names of the logged fields (a change never shows ``due_date`` or ``result``)."""


def _decode(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # a plain text value written before values were JSON


def _shown(value: Any, limit: int | None = 40) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        for enum in _display_enums():
            try:
                return str(enum(value).label)
            except ValueError:
                continue
        return value[:limit]
    if isinstance(value, dict):
        text = "，".join(f"{k}：{_shown(v, None)}" for k, v in value.items())
        return text[:limit]
    if isinstance(value, list):
        return "、".join(_shown(v, None) for v in value)[:limit]
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)[:limit]


def _display_enums() -> tuple[type[LabeledEnum], ...]:
    from auditdesk.models.finding import RectificationStatus, Severity

    return (AnswerResult, AnswerSource, Severity, RectificationStatus)
