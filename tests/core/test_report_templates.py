"""Template checks and the sandbox: hostile user templates are refused with a Chinese message
naming their paragraph, nothing is written, and the six shipped templates still render."""

from __future__ import annotations

import re
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.paths import shipped_dir
from auditdesk.progress import CancelToken
from auditdesk.reports.context import build_context
from auditdesk.reports.docx import check_template, leftover_tags, render
from auditdesk.reports.variables import KINDS, known_shape, paths, specimen, specimen_context
from auditdesk.services.reports import TEMPLATES

SHIPPED = shipped_dir("report_templates")
L, R, P = "\uff5b", "\uff5d", "\uff05"  # full-width braces and percent sign


def _template(
    tmp_path: Path, *body: str, header: str = "", title: str = "", name: str = "我的模板.docx"
) -> Path:
    d = docx.Document()
    d.add_paragraph("用工体检报告")
    for line in body:
        d.add_paragraph(line)
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if title:
        d.core_properties.title = title
    path = tmp_path / name
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    return build_context(specimen(), "report")


def _refused(template: Path, context: dict[str, Any], out: Path, **kwargs: Any) -> str:
    with pytest.raises(AuditDeskError) as info:
        render(template, context, out, **kwargs)
    assert not out.exists()
    assert not list(out.parent.glob(".*.part"))
    assert template.name in info.value.message
    return info.value.message


HOSTILE = [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "未知变量“cycler”"),
    ("{{ ''.__class__.__mro__ }}", "不允许使用以下划线开头的属性"),
    ("{{ company.name.__class__.__base__.__subclasses__() }}", "属性“company.name.__class__”（"),
    ("代码：{{ company.credt_code }}", "“company.credt_code”不是可用的变量，是否应为“company.credit_code”"),
    ("{{ company.name|shout }}", "未知过滤器“shout”"),
    ("{{ company.name is shouting }}", "未知判断“is shouting”"),
    ("{% for f in findings %}{{ f.titel }}{% endfor %}", "“findings[].titel”不是可用的变量"),
    ("{{ company.name.whatever }}", "没有属性“whatever”"),
    ("{{ lipsum(10**9) }}", "未知变量“lipsum”"),
    ("{% include 'other.docx' %}", "不能引用其他文件"),
    ("{% import os %}", "不能引用其他文件"),  # a syntax error to Jinja, said as what it tries
    ("{% from os import system %}", "不能引用其他文件"),
    (f"受检单位：{L}{L} company.name {R}{R}", f"全角括号“{L}{L}”"),
    (f"{{{P} if findings {P}}}有问题{{{P} endif {P}}}", "全角括号"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "expected"), HOSTILE)
def test_hostile_template_is_refused_before_anything_runs(
    tmp_path: Path, context: dict[str, Any], line: str, expected: str
) -> None:
    template = _template(tmp_path, line)
    message = _refused(template, context, tmp_path / "out.docx")
    assert expected in message
    assert f"所在段落：“{line[:80]}”" in message  # the paragraph is named
    assert message.count("所在段落") == 1  # one problem, said once
    assert "正文" in message


def test_problems_in_headers_and_document_properties_are_named(
    tmp_path: Path, context: dict[str, Any]
) -> None:
    template = _template(tmp_path, "{{ company.name }}", header="页眉 {{ company.nmae }}",
                         title="{{ company.credt_code }}的报告")  # fmt: skip
    message = _refused(template, context, tmp_path / "out.docx")
    assert "“company.nmae”不是可用的变量，是否应为“company.name”？" in message
    assert "（页眉，所在段落：“页眉 {{ company.nmae }}”）" in message
    assert "“company.credt_code”不是可用的变量" in message
    assert "文档属性“标题”" in message


def test_document_title_and_header_render_without_escaping(
    tmp_path: Path, context: dict[str, Any]
) -> None:
    context = {**context, "company": {**context["company"], "name": "甲&乙<有限>公司"}}
    template = _template(tmp_path, "{{ company.name }}", header="{{ report.union }}",
                         title="{{ company.name }}用工体检报告")  # fmt: skip
    out = render(template, context, tmp_path / "out.docx")
    d = docx.Document(str(out))
    assert d.core_properties.title == "甲&乙<有限>公司用工体检报告"
    assert d.sections[0].header.paragraphs[0].text == "示例镇总工会"
    assert "甲&乙<有限>公司" in [p.text for p in d.paragraphs]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("{% for i in range(10**9) %}x{% endfor %}", "range() 最多生成 10000 个数"),
     ("{{ 'x' * 10**9 }}", "乘法的结果过大"),
     ("{{ '%999999999d' % 1 }}", "格式化宽度过大"),
     ("{{ company.name|center(10**9) }}", "过滤器 center 的参数"),
     ("{{ letter.title }}", "引用了不存在的变量或属性"),
     ("{{ findings.append(1) }}", "不允许的操作")],
)  # fmt: skip
def test_runaway_template_stops_with_its_paragraph(
    tmp_path: Path, context: dict[str, Any], line: str, expected: str
) -> None:
    template = _template(tmp_path, "前言", line)
    message = _refused(template, context, tmp_path / "out.docx")
    assert "渲染失败" in message
    assert expected in message
    assert f"所在段落：“{line}”" in message


NESTED = ("{% set r = range(10000)|list %}{% for i in r %}{% for j in r %}{% for k in r %}"
          "{% endfor %}{% endfor %}{% endfor %}")  # fmt: skip


def test_user_template_past_its_deadline_is_killed(tmp_path: Path, context: dict[str, Any]) -> None:
    # empty nested loops over a list make no call the sandbox counts: the child process is killed
    template = _template(tmp_path, NESTED)
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous")
    start = time.monotonic()
    with pytest.raises(AuditDeskError) as info:
        render(template, context, out, isolate=True, seconds=1)
    assert time.monotonic() - start < 30
    assert "渲染超过 1 秒仍未完成，已停止" in info.value.message  # the parent's message
    assert out.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".*.part"))


def test_user_template_render_can_be_cancelled(tmp_path: Path, context: dict[str, Any]) -> None:
    template = _template(tmp_path, NESTED)
    token = CancelToken()
    threading.Timer(1.5, token.cancel).start()
    start = time.monotonic()
    with pytest.raises(Cancelled):
        render(template, context, tmp_path / "out.docx", isolate=True, seconds=120, cancel=token)
    assert time.monotonic() - start < 20
    assert not (tmp_path / "out.docx").exists()


def test_user_template_in_a_child_process_renders(tmp_path: Path, context: dict[str, Any]) -> None:
    template = _template(tmp_path, "受检单位：{{ company.name }}", "{%p for f in findings %}",
                         "{{ f.no }}. {{ f.title }} {{r f.severity }}", "{%p endfor %}")  # fmt: skip
    out = render(template, context, tmp_path / "out.docx", isolate=True)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts == ["用工体检报告", "受检单位：示例企业有限公司", "W01. 示例问题 【高】"]


def test_a_full_id_number_never_reaches_a_masked_document(
    tmp_path: Path, context: dict[str, Any]
) -> None:
    person = "310114199001011234"
    template = _template(tmp_path, "{{ company.name }}", header=f"联系人身份证 {person}")
    message = _refused(template, context, tmp_path / "out.docx")
    assert "完整的身份证号 310114********1234" in message
    assert person not in message
    out = render(template, context, tmp_path / "out.docx", unmasked=True)
    assert person in docx.Document(str(out)).sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_render(tmp_path: Path, kind: str) -> None:
    context = specimen_context(kind)
    out = render(SHIPPED / TEMPLATES[kind], context, tmp_path / f"{kind}.docx")
    assert leftover_tags(out) == []
    d = docx.Document(str(out))
    text = "\n".join([p.text for p in d.paragraphs]
                     + [c.text for t in d.tables for r in t.rows for c in r.cells])  # fmt: skip
    assert ("工资低于最低工资标准" if kind == "annex" else "示例问题") in text
    assert "示例企业有限公司" in text
    with zipfile.ZipFile(out) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
    assert "{{" not in xml
    assert "{%" not in xml


def test_all_six_shipped_templates_pass_the_check() -> None:
    assert sorted(TEMPLATES.values()) == sorted(p.name for p in SHIPPED.glob("*.docx"))
    for name in TEMPLATES.values():
        check_template(SHIPPED / name)


# ------------------------------------------------------------------ the README is the contract
README = Path(__file__).parents[2] / "report_templates" / "README.md"


def _documented() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Variables") :]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.M))


def test_readme_documents_every_variable_the_context_builder_produces() -> None:
    produced = set(paths(known_shape()))
    documented = _documented()
    missing = sorted(produced - documented)
    assert not missing, (
        "report_templates/README.md does not document these template variables (add one table "
        "row each under '## Variables', e.g. | `"
        + (missing[0] if missing else "")
        + "` | 含义 |):\n  "
        + "\n  ".join(missing)
    )
    stale = sorted(documented - produced)
    assert not stale, (
        "report_templates/README.md documents variables the context builder no longer produces "
        "(remove them, or give the specimen in reports/variables.py an example):\n  "
        + "\n  ".join(stale)
    )


def test_readme_lists_all_six_templates() -> None:
    text = README.read_text(encoding="utf-8")
    for kind, name in TEMPLATES.items():
        assert f"`{name}`" in text
        assert f"`{kind}`" in text


def test_the_specimen_covers_what_a_real_audit_produces(ws: Any, tmp_path: Path) -> None:
    """Every path of a real (demo) audit's context, for every kind, is in the derived shape; a
    new list the specimen leaves empty would otherwise go unchecked below it."""
    from auditdesk.reports.variables import context_shape
    from auditdesk.services import audits, demo, payroll, reports, visit
    from tests.samples import PAYROLL_SAMPLES

    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [PAYROLL_SAMPLES / "s1-simple.xlsx"])
    visit.gather_findings(ws, aid, by="陈静")
    for group in payroll.group_findings(payroll.check_audit(ws, aid))[:2]:
        payroll.adopt_group(ws, aid, group)
    data = reports.gather(ws, aid)
    real = set(paths(context_shape([specimen_context(kind, data) for kind in KINDS])))
    assert real - set(paths(known_shape())) == set()
    assert {"annex.rows[].id_number", "findings[].title", "letter.request"} <= real


@pytest.mark.skipif(
    sys.platform == "win32", reason="the memory cap is POSIX; Windows has the deadline"
)
def test_a_user_template_that_grows_a_string_stops_at_the_memory_cap(
    tmp_path: Path, context: dict[str, Any]
) -> None:
    # concatenation (~) is not counted by the sandbox: doubling a string 40 times asks for a TB
    template = _template(tmp_path, "{% set ns = namespace(s='x') %}",
                         "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                         "{{ ns.s|length }}")  # fmt: skip
    with pytest.raises(AuditDeskError, match="内存"):
        render(template, context, tmp_path / "out.docx", isolate=True, seconds=120)
    assert not (tmp_path / "out.docx").exists()
