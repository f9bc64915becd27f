"""Shared building blocks: money, ids, timestamps, labelled enums, Chinese validation messages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def _to_money(value: Any) -> Any:
    """Accept Decimal, int or a numeric string; refuse float (binary floats lose cents)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("金额必须是数字")
    if isinstance(value, float):
        raise ValueError("金额不能以浮点数传入，请使用 Decimal 或文本")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").lstrip("¥￥")
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"“{value}”不是有效的金额") from exc
    raise ValueError("金额必须是数字")


Money = Annotated[Decimal, BeforeValidator(_to_money)]
"""A yuan amount, Decimal end to end."""


class LabeledEnum(StrEnum):
    """A string enum whose members have a Chinese display label (``member.label``)."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value]


_LABELS: dict[str, dict[str, str]] = {}


def labels(enum_cls: type[LabeledEnum], mapping: dict[str, str]) -> None:
    """Register the Chinese labels of ``enum_cls``; every member must have one."""
    missing = {m.value for m in enum_cls} - set(mapping)
    if missing:
        raise ValueError(f"{enum_cls.__name__} lacks labels for {sorted(missing)}")
    _LABELS[enum_cls.__name__] = mapping


class Area(LabeledEnum):
    ONBOARDING = "onboarding"
    RULES = "rules"
    HOURS = "hours"
    LEAVE = "leave"
    PAY = "pay"
    SOCIAL_INSURANCE = "social_insurance"
    SPECIAL_PERIOD = "special_period"


labels(
    Area,
    {
        "onboarding": "入职管理",
        "rules": "规章制度",
        "hours": "工作时间",
        "leave": "休息休假",
        "pay": "薪酬管理",
        "social_insurance": "社会保险",
        "special_period": "特殊时期用工调整",
    },
)


class Record(BaseModel):
    """Every stored record: a UUID and created/updated times (UTC), so data can merge across
    machines; its ``version`` (1 when created, one more on each save: a save carries the version
    it was based on and is refused when the stored one moved on) and who saved it last."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    id: str = Field(default_factory=new_id)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, ge=1)
    updated_by: str = Field(default="", max_length=50)


# ------------------------------------------------------------------ Chinese validation messages
_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_type": "必须是文本",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "decimal_parsing": "必须是数字",
    "decimal_type": "必须是数字",
    "date_parsing": "不是有效日期（应为 YYYY-MM-DD）",
    "date_from_datetime_parsing": "不是有效日期（应为 YYYY-MM-DD）",
    "date_type": "不是有效日期",
    "enum": "不是允许的选项",
    "literal_error": "不是允许的选项",
    "bool_parsing": "必须是“是”或“否”",
    "too_short": "至少需要 {min_length} 项",
    "list_type": "必须是列表",
    "uuid_parsing": "不是有效的编号",
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map each failing field (dotted ``loc``) to one Chinese message.

    Our own validators raise ``ValueError`` with a Chinese message, which pydantic reports as
    ``value_error``; pydantic's built-in checks are translated from their error type.
    """
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "__root__"
        if loc in out:
            continue
        if err["type"] == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            template = _PYDANTIC_MESSAGES.get(err["type"])
            msg = template.format(**err.get("ctx", {})) if template else f"无效：{err['msg']}"
        out[loc] = msg
    return out
