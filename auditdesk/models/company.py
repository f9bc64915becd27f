"""Company (企业) and the 统一社会信用代码 check of GB 32100-2015."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from auditdesk.models.common import Record

# GB 32100-2015: 31 characters (no I, O, S, V, Z); weight of position i (0-based) is 3^i mod 31.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese; ``None`` when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位"
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3～8 位应为行政区划代码（数字）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位不符（第 18 位应为 {expected}），请核对是否输错"
    return None


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class CompanyInput(BaseModel):
    """The fields a user edits. Validators give Chinese messages for the editor and the CLI."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = None
    legal_representative: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    town: str = Field(default="", max_length=100)
    industry: str = Field(default="", max_length=100)
    headcount: int | None = Field(default=None, ge=0, le=1_000_000)
    has_union: bool = False
    pay_day: int | None = Field(default=None, ge=1, le=31)
    """The agreed pay day: wages for a month are paid on this day of the following month."""
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=50)
    notes: str = Field(default="", max_length=5000)

    @field_validator("name", mode="before")
    @classmethod
    def _name_required(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("企业名称必填")
        return value

    @field_validator("credit_code", mode="before")
    @classmethod
    def _normalise_credit_code(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if isinstance(value, str):
            value = value.strip().upper().replace(" ", "")
            problem = credit_code_problem(value)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("headcount", mode="before")
    @classmethod
    def _headcount_number(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if isinstance(value, str):
            text = value.strip().replace(",", "")
            if not text.isdigit():
                raise ValueError("职工人数必须是不小于 0 的整数")
            return int(text)
        return value

    @field_validator("pay_day", mode="before")
    @classmethod
    def _pay_day_number(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if isinstance(value, str):
            text = value.strip().removeprefix("次月").removesuffix("日").removesuffix("号").strip()
            if not text.isdigit() or not 1 <= int(text) <= 31:
                raise ValueError("约定发薪日应为 1 至 31 之间的日期（次月几日）")
            return int(text)
        return value


class Company(Record, CompanyInput):
    """A company under audit."""

    def to_input(self) -> CompanyInput:
        return CompanyInput.model_validate(self.model_dump(include=set(CompanyInput.model_fields)))


class CompanySummary(BaseModel):
    """A company with the counts the company list shows."""

    model_config = ConfigDict(frozen=True)

    company: Company
    audit_count: int = 0
    open_findings: int = 0
