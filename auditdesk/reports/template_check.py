"""Check a Word template before anything is rendered: every part docxtpl renders (正文, 页眉, 页脚,
脚注 and the document properties such as 标题), full-width braces, syntax, unknown variables and
attributes (against the shape the context builder really produces), private attributes, unknown
filters and tests, and tags that need a template loader. Each problem names its part and paragraph.
"""

from __future__ import annotations

import difflib
import html
import re
import traceback
from dataclasses import dataclass
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import nodes

from auditdesk.reports.sandbox import NO_PRIVATE_NAME
from auditdesk.reports.variables import Shape

CORE_PROPERTIES = {
    "title": "标题", "subject": "主题", "author": "作者", "comments": "备注",
    "identifier": "标识符", "language": "语言",
}  # fmt: skip
"""The document properties docxtpl renders as templates (``DocxTemplate.render_properties``)."""
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PARAGRAPH = re.compile(r"<w:p([ >])")
_WIDE = "\uff5b\uff5d\uff05"  # full-width braces and percent, as a Chinese input method types them
_FULL_WIDTH = re.compile("[\uff5b{]\\s*[\uff5b{\uff05%]|[\uff05%}\uff5d]\\s*[\uff5d}]")
_DICT_METHODS = frozenset({"items", "keys", "values", "get"})
MAX_PROBLEMS = 8


@dataclass
class Part:
    """One piece of the template as docxtpl renders it: ``lines`` are its paragraphs."""

    label: str
    source: str

    @property
    def lines(self) -> list[str]:
        return self.source.split("\n")

    def paragraph(self, lineno: int | None) -> str:
        """The visible text of line ``lineno`` (1-based) of the source, tags and XML removed."""
        lines = self.lines
        if not lineno or not 0 < lineno <= len(lines):
            return ""
        return html.unescape(re.sub(r"<[^>]+>", "", lines[lineno - 1])).strip()

    def where(self, lineno: int | None) -> str:
        text = self.paragraph(lineno)
        return f"（{self.label}，所在段落：“{text[:80]}”）" if text else f"（{self.label}）"


def split_paragraphs(xml: str) -> str:
    """What docxtpl does before rendering a part: one paragraph per line (so a Jinja line number
    names a paragraph)."""
    return _PARAGRAPH.sub(r"\n<w:p\1", xml)


def part_label(part: Any) -> str:
    """正文 / 页眉 / 页脚 / 脚注 for a python-docx part."""
    name = str(getattr(part, "partname", ""))
    for key, label in (("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注")):
        if key in name:
            return label
    return "正文"


def template_parts(tpl: DocxTemplate) -> list[Part]:
    """Every part of ``tpl`` that :meth:`DocxTemplate.render` renders, as it renders them."""
    parts = [Part("正文", split_paragraphs(tpl.patch_xml(tpl.get_xml())))]
    for uri in (RT.HEADER, RT.FOOTER):
        for _rel, part in tpl.get_headers_footers(uri):
            xml = tpl.patch_xml(tpl.get_part_xml(part))
            parts.append(Part(part_label(part), split_paragraphs(xml)))
    for part in tpl.docx.part.package.parts:
        if part.content_type == FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            parts.append(Part("脚注", split_paragraphs(tpl.patch_xml(blob))))
    for prop, label in CORE_PROPERTIES.items():
        value = getattr(tpl.docx.core_properties, prop) or ""
        if value:
            parts.append(Part(f"文档属性“{label}”", value))
    return parts


def template_lineno(exc: BaseException) -> int | None:
    """The template line an error was raised on (Jinja rewrites tracebacks to point at it)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None


NO_FETCH = "模板不能引用其他文件（include / import / extends）"
_FETCH = re.compile(r"\{%[-+]?\s*(?:import|include|extends|from)\b")


def find_problems(parts: list[Part], env: jinja2.Environment, root: Shape) -> list[str]:
    """Every problem of every part, each naming its part and paragraph (Chinese)."""
    problems: list[str] = []
    for part in parts:
        for no, _line in enumerate(part.lines, start=1):
            text = part.paragraph(no)
            found = next((m for m in _FULL_WIDTH.finditer(text) if set(m[0]) & set(_WIDE)), None)
            if found:
                problems.append(f"全角括号“{found[0]}”：占位符须用半角的 {{{{ }}}} 和 {{% %}}，"
                                f"请在 Word 中改为半角字符{part.where(no)}")  # fmt: skip
        try:
            tree = env.parse(part.source)
        except jinja2.TemplateSyntaxError as exc:
            # {% import os %} is a syntax error to Jinja, but what it tries is what is refused
            fetch = next((n for n in range(1, len(part.lines) + 1)
                          if _FETCH.search(part.paragraph(n))), None)  # fmt: skip
            if fetch is not None:
                problems.append(f"{NO_FETCH}{part.where(fetch)}")
                continue
            bad = next((n for n in range(1, len(part.lines) + 1) if _unbalanced(part.paragraph(n))),
                       exc.lineno)  # fmt: skip
            problems.append(
                f"占位符写法有误，可能缺少 }}}} 或 %}}（Jinja：{exc.message}）{part.where(bad)}"
            )
            continue
        walker = _Walker(env, root, part)
        walker.visit(tree, {})
        problems.extend(walker.problems)
    return list(dict.fromkeys(problems))


def _unbalanced(text: str) -> bool:
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")


_REPORTED = "\0"
"""The path of a value whose problem is already reported (nothing more is said about it)."""
_Known = tuple[Shape | None, str]
"""A value's shape (``None``: unknown, not checked) and how the template names it."""


class _Walker:
    """Walk a template's syntax tree with the variables in scope, checking every name, attribute
    chain, filter and test against the context's shape."""

    def __init__(self, env: jinja2.Environment, root: Shape, part: Part) -> None:
        self.env, self.root, self.part = env, root, part
        self.problems: list[str] = []

    def problem(self, node: nodes.Node, text: str) -> None:
        self.problems.append(text + self.part.where(getattr(node, "lineno", None)))

    def visit(self, node: nodes.Node, scope: dict[str, _Known]) -> _Known:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            result: _Known = method(node, scope)
            return result
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return None, ""

    # ---------------------------------------------------------------- statements that bind names
    def _bind(self, target: nodes.Node, scope: dict[str, _Known], value: _Known) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = (None, name.name)

    def visit_For(self, node: nodes.For, scope: dict[str, _Known]) -> _Known:
        shape, path = self.visit(node.iter, scope)
        inner = dict(scope)
        item = shape.item if shape is not None and not shape.open else None
        self._bind(node.target, inner, (item, f"{path}[]" if item else ""))
        inner["loop"] = (None, "loop")
        for child in (node.test, *node.body):
            if child is not None:
                self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)
        return None, ""

    def _private_ref(self, node: nodes.Assign | nodes.AssignBlock) -> None:
        """``{% set ns._x = … %}``: Jinja's sandbox does not check a namespace attribute set."""
        target = node.target
        if isinstance(target, nodes.NSRef) and target.attr.startswith("_"):
            self.problem(node, f"{NO_PRIVATE_NAME}“{target.name}.{target.attr}”")

    def visit_Assign(self, node: nodes.Assign, scope: dict[str, _Known]) -> _Known:
        self._private_ref(node)
        self.visit(node.node, scope)
        self._bind(node.target, scope, (None, ""))
        return None, ""

    def visit_AssignBlock(self, node: nodes.AssignBlock, scope: dict[str, _Known]) -> _Known:
        self._private_ref(node)
        for child in node.body:
            self.visit(child, scope)
        self._bind(node.target, scope, (None, ""))
        return None, ""

    def visit_Call(self, node: nodes.Call, scope: dict[str, _Known]) -> _Known:
        """``namespace(_x=…)``, ``namespace({'_x': …})``, ``namespace(dict(_x=…))``: names given
        when a namespace is made (others, from a variable, are refused when it renders)."""
        if isinstance(node.node, nodes.Name) and node.node.name == "namespace":
            names = [kw.key for kw in node.kwargs]
            for arg in node.args:
                if isinstance(arg, nodes.Dict):
                    names += [i.key.value for i in arg.items if isinstance(i.key, nodes.Const)]
                elif isinstance(arg, nodes.Call) and isinstance(arg.node, nodes.Name):
                    names += [kw.key for kw in arg.kwargs] if arg.node.name == "dict" else []
            private = next((n for n in names if isinstance(n, str) and n.startswith("_")), None)
            if private is not None:
                self.problem(node, f"{NO_PRIVATE_NAME}“{private}”")
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return None, ""

    def visit_With(self, node: nodes.With, scope: dict[str, _Known]) -> _Known:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=False):
            self.visit(value, scope)
            self._bind(target, inner, (None, ""))
        for child in node.body:
            self.visit(child, inner)
        return None, ""

    def _block(self, node: nodes.Macro | nodes.CallBlock, scope: dict[str, _Known]) -> None:
        inner = dict(scope)
        for arg in node.args:
            self._bind(arg, inner, (None, ""))
        for name in ("caller", "varargs", "kwargs"):
            inner[name] = (None, name)
        for child in (*node.defaults, *node.body):
            self.visit(child, inner)

    def visit_Macro(self, node: nodes.Macro, scope: dict[str, _Known]) -> _Known:
        scope[node.name] = (None, node.name)
        self._block(node, scope)
        return None, ""

    def visit_CallBlock(self, node: nodes.CallBlock, scope: dict[str, _Known]) -> _Known:
        self.visit(node.call, scope)
        self._block(node, scope)
        return None, ""

    def _no_loader(self, node: nodes.Node, scope: dict[str, _Known]) -> _Known:
        self.problem(node, NO_FETCH)
        return None, ""

    visit_Include = visit_Import = visit_FromImport = visit_Extends = _no_loader

    # ---------------------------------------------------------------- expressions
    def visit_Name(self, node: nodes.Name, scope: dict[str, _Known]) -> _Known:
        if node.ctx != "load":
            return None, node.name
        if node.name in scope:
            return scope[node.name]
        fields = self.root.fields or {}
        if node.name in fields:
            return fields[node.name], node.name
        if node.name not in self.env.globals:
            hint = _suggest(node.name, list(fields))
            self.problem(node, f"未知变量“{node.name}”{hint}")
            return None, _REPORTED
        return None, node.name

    def visit_Getattr(self, node: nodes.Getattr, scope: dict[str, _Known]) -> _Known:
        return self._member(node, self.visit(node.node, scope), node.attr)

    def visit_Getitem(self, node: nodes.Getitem, scope: dict[str, _Known]) -> _Known:
        base = self.visit(node.node, scope)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return self._member(node, base, node.arg.value)
        self.visit(node.arg, scope)
        shape, path = base
        if shape is not None and shape.item is not None and isinstance(node.arg, nodes.Const):
            return shape.item, f"{path}[]"
        return None, ""

    def _member(self, node: nodes.Node, base: _Known, attr: str) -> _Known:
        shape, path = base
        if path == _REPORTED:  # one problem per chain: cycler.__init__.__globals__ is one
            return None, _REPORTED
        shown = f"{path}.{attr}" if path else attr
        if attr.startswith("_"):
            self.problem(node, f"不允许使用以下划线开头的属性“{shown}”")
            return None, _REPORTED
        if shape is None or shape.open:
            return None, shown
        if shape.fields is not None:
            if attr in shape.fields:
                return shape.fields[attr], shown
            if attr in _DICT_METHODS:
                return None, shown
            hint = _suggest(attr, list(shape.fields), path)
            self.problem(node, f"“{shown}”不是可用的变量{hint}")
            return None, _REPORTED
        if shape.item is not None and attr in {"index", "count"}:
            return None, shown
        if shape.types and any(hasattr(t, attr) for t in shape.types):
            return None, shown
        self.problem(node, f"“{shown}”不是可用的变量（“{path}”是一个值，没有属性“{attr}”）")
        return None, _REPORTED

    def visit_Filter(self, node: nodes.Filter, scope: dict[str, _Known]) -> _Known:
        if node.name not in self.env.filters:
            hint = _suggest(node.name, list(self.env.filters), kind="过滤器")
            self.problem(node, f"未知过滤器“{node.name}”{hint}")
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return None, ""

    def visit_Test(self, node: nodes.Test, scope: dict[str, _Known]) -> _Known:
        if node.name not in self.env.tests:
            self.problem(node, f"未知判断“is {node.name}”")
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return None, ""


def _suggest(name: str, known: list[str], parent: str = "", kind: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        full = f"{parent}.{close[0]}" if parent else close[0]
        return f"，是否应为“{full}”？"
    if parent and known:
        return f"，“{parent}”可用的字段有：{'、'.join(known[:20])}"
    return f"，可用的{kind}见 report_templates/README.md" if kind else ""
