"""Render a Word template with docxtpl: check it first (unknown placeholder or syntax error → a
Chinese message naming it and its paragraph, nothing written), then write the file atomically."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import owner_only
from auditdesk.reports.context import KNOWN_NAMES

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _paragraph_texts(path: Path) -> list[str]:
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def _where(path: Path, needle: str) -> str:
    for text in _paragraph_texts(path):
        if needle in text:
            return f"所在段落：“{text.strip()[:60]}”"
    return ""


def check_template(path: Path) -> DocxTemplate:
    """Open a template and check it. Raises AuditDeskError naming the problem and the paragraph."""
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for a non-docx file
        raise AuditDeskError(
            f"模板 {path.name} 无法打开（不是有效的 Word 文件）：{exc}", location=str(path)
        ) from exc
    try:
        names = tpl.get_undeclared_template_variables()
    except jinja2.TemplateSyntaxError as exc:
        bad = next((t for t in _paragraph_texts(path) if _unbalanced(t)), "")
        where = f"所在段落：“{bad.strip()[:60]}”" if bad else ""
        raise AuditDeskError(
            f"模板 {path.name} 的占位符写法有误：{exc.message}。{where}", location=str(path)
        ) from exc
    unknown = sorted(set(names) - KNOWN_NAMES)
    if unknown:
        details = "；".join(f"“{n}”{_where(path, n)}" for n in unknown)
        raise AuditDeskError(
            f"模板 {path.name} 使用了未定义的变量：{details}。可用变量见 report_templates/README.md。",
            location=str(path),
        )
    return tpl


def _unbalanced(text: str) -> bool:
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")


def render(
    template: Path,
    context: dict[str, Any],
    out: Path,
    *,
    chart_png: Path | None = None,
    after: Callable[[Path], None] | None = None,
) -> Path:
    """Render ``template`` with ``context`` into ``out`` (written to a temporary file, then moved).

    Raises:
        AuditDeskError: the template is broken (see :func:`check_template`), or ``out`` cannot be
            written; an existing ``out`` is left as it was.
    """
    tpl = check_template(template)
    if chart_png is not None:
        context = {**context, "summary": {**context["summary"],
                                          "chart": InlineImage(tpl, str(chart_png), width=Mm(150))}}  # fmt: skip
    try:
        tpl.render(context, autoescape=True)
    except jinja2.TemplateError as exc:
        raise AuditDeskError(
            f"模板 {template.name} 渲染失败：{exc}", location=str(template)
        ) from exc
    tmp = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(str(tmp))
        if after is not None:
            after(tmp)
        owner_only(tmp)  # names, wages and ID numbers: readable by the owner only
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AuditDeskError(f"无法写入 {out}：{exc.strerror or exc}（文件是否正在 Word 中打开？）",
                             location=str(out)) from exc  # fmt: skip
    return out


def leftover_tags(path: Path) -> list[str]:
    """Template tags left in a rendered document (should be none)."""
    return [m.group(0) for t in _paragraph_texts(path) for m in _TAG.finditer(t)]
