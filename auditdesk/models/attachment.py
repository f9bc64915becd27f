"""Attachment: an evidence file stored content-addressed in the data dir, linked to an answer or a finding."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from auditdesk.models.common import Record


class Attachment(Record):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0)
    media_type: str = Field(default="application/octet-stream", max_length=100)
    answer_id: str | None = None
    finding_id: str | None = None

    @model_validator(mode="after")
    def _linked_once(self) -> Self:
        if (self.answer_id is None) == (self.finding_id is None):
            raise ValueError("附件必须且只能关联一个检查答案或一个问题")
        return self
