"""A document issued (出具): its number, date and the content as issued, so it can be reproduced."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from auditdesk.models.common import Record

ISSUED_KINDS = {"report": "体检", "rectification": "整改", "followup": "跟诊"}
"""The documents that are issued with a number (kind → the word in the number ``体检〔2026〕3号``);
the letters are numbered when they are recorded (``letters issue``)."""


class ReportIssue(Record):
    """One issue (出具) of a document of an audit: the number and date printed on it, who issued
    it, and the template variables as issued (``snapshot``, JSON), so exporting it again later
    writes the same document whatever changed since."""

    audit_id: str
    kind: str = Field(pattern="^(report|rectification|followup)$")
    number: str = Field(min_length=1, max_length=60)
    issued_on: date
    issued_by: str = ""
    snapshot: dict[str, Any] = Field(default_factory=dict)
