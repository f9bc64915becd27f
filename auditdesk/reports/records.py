"""Issued documents (出具): the template variables frozen as JSON when a document is issued, and
thawed to render the very same document later; a draft is marked 草稿 and has no number."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docxtpl import RichText

from auditdesk.models.report import ISSUED_KINDS

DRAFT_MARK = "草稿（未出具，不作正式文书使用）"
DRAFT_NUMBER = "（草稿，出具时编号）"
_RICH = "__richtext_xml__"


def issue_number(kind: str, day: date, sequence: int) -> str:
    """``体检〔2026〕3号``: the kind's word, the year of issue, the sequence within that year."""
    return f"{ISSUED_KINDS[kind]}〔{day:%Y}〕{sequence}号"


def freeze(value: Any) -> Any:
    """Template variables as JSON: rich text keeps its Word XML; images are left out (the chart is
    placed again on export)."""
    if isinstance(value, RichText):
        return {_RICH: value.xml}
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [freeze(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "tpl") or type(value).__name__ == "InlineImage":
        return None
    return str(value)  # Decimal scores, dates already formatted: as printed


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`."""
    if isinstance(value, dict):
        if set(value) == {_RICH}:
            rich = RichText()
            rich.xml = value[_RICH]
            return rich
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def mark_draft(path: Path) -> None:
    """Put 草稿 at the top of the first page and in every page header of a rendered document."""
    doc = Document(str(path))
    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    para = body.insert_paragraph_before()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(DRAFT_MARK)
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor(0xB9, 0x1C, 0x1C)
    for i, section in enumerate(doc.sections):
        header = section.header
        if i and header.is_linked_to_previous:  # shares the header already marked
            continue
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        first.add_run("【草稿】").font.color.rgb = RGBColor(0xB9, 0x1C, 0x1C)
    doc.save(str(path))
