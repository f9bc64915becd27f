"""A user's template may not set an underscore attribute on a ``namespace()``: Jinja's sandbox
checks reading such an attribute but not ``{% set ns.__html__ = … %}``, and markupsafe calls a
``__html__`` it finds on the namespace from outside the sandbox. Refused when the template is
checked and, should a template reach the renderer another way, when it renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from jinja2.exceptions import SecurityError

from auditdesk.errors import AuditDeskError
from auditdesk.reports.context import build_context
from auditdesk.reports.docx import render, render_file
from auditdesk.reports.sandbox import ReportSandbox
from auditdesk.reports.variables import specimen


def _template(tmp_path: Path, *lines: str) -> Path:
    d = docx.Document()
    d.add_paragraph("用工体检报告")
    for line in lines:
        d.add_paragraph(line)
    path = tmp_path / "我的模板.docx"
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    return build_context(specimen(), "report")


SETS = [
    ("{% set ns.__class__ = 1 %}", "ns.__class__"),
    ("{% set ns._x = 1 %}", "ns._x"),
    ("{% set ns.__init__ = 1 %}", "ns.__init__"),
    ("{% set ns.__html__ = company.name.upper %}{{ ns }}", "ns.__html__"),
    ("{% set ns._x %}块{% endset %}", "ns._x"),
]


@pytest.mark.parametrize(("line", "shown"), SETS)
def test_setting_an_underscore_attribute_on_a_namespace_is_refused_at_check_time(
    tmp_path: Path, context: dict[str, Any], line: str, shown: str
) -> None:
    template = _template(tmp_path, "{% set ns = namespace(n=0) %}", line)
    out = tmp_path / "out.docx"
    with pytest.raises(AuditDeskError) as info:
        render(template, context, out)
    message = info.value.message
    assert not out.exists()
    assert "我的模板.docx" in message
    assert f"模板不能给 namespace 设置以下划线开头的属性“{shown}”" in message
    assert f"（正文，所在段落：“{line[:80]}”）" in message


@pytest.mark.parametrize(
    "line",
    [
        "{% set ns = namespace(__html__=company.name.upper) %}{{ ns }}",
        "{% set ns = namespace({'_x': 1}) %}",
    ],
)
def test_a_namespace_made_with_underscore_names_is_refused_at_check_time(
    tmp_path: Path, context: dict[str, Any], line: str
) -> None:
    template = _template(tmp_path, line)
    with pytest.raises(AuditDeskError) as info:
        render(template, context, tmp_path / "out.docx")
    assert "模板不能给 namespace 设置以下划线开头的属性" in info.value.message
    assert f"所在段落：“{line[:80]}”" in info.value.message


def test_an_ordinary_namespace_still_works(tmp_path: Path, context: dict[str, Any]) -> None:
    template = _template(
        tmp_path,
        "{% set ns = namespace(n=0) %}{% for f in findings %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}共 {{ ns.n }} 项",
    )
    out = render(template, context, tmp_path / "out.docx")
    assert any("共 " in p.text and " 项" in p.text for p in docx.Document(str(out)).paragraphs)


@pytest.mark.parametrize(
    "source",
    [
        "{% set ns = namespace() %}{% set ns.__html__ = 'x'.upper %}{{ ns }}",
        "{% set ns = namespace() %}{% set ns._x = 1 %}",
        "{% set ns = namespace(__html__='x'.upper) %}{{ ns }}",
        "{% set ns = namespace({'__html__': 'x'.upper}) %}{{ ns }}",
        "{% set ns = namespace(dict(_y=1)) %}",
    ],
)
def test_the_sandbox_refuses_it_when_rendering(source: str) -> None:
    env = ReportSandbox(seconds=None)
    with pytest.raises(SecurityError, match="模板不能给 namespace 设置以下划线开头的属性"):
        env.from_string(source).render()


def test_the_render_time_refusal_names_the_template_and_paragraph(
    tmp_path: Path, context: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the check (skipped here), the renderer itself refuses, naming file and paragraph."""
    from auditdesk.reports import docx as docx_module

    line = "{% set ns = namespace() %}{% set ns.__html__ = company.name.upper %}{{ ns }}"
    template = _template(tmp_path, line)
    monkeypatch.setattr(docx_module.template_check, "find_problems", lambda *a: [])
    with pytest.raises(AuditDeskError) as info:
        render_file(template, context, tmp_path / "out.docx")
    message = info.value.message
    assert "我的模板.docx" in message
    assert "模板不能给 namespace 设置以下划线开头的属性“__html__”" in message
    assert f"所在段落：“{line[:80]}”" in message
