"""Render a Word template with docxtpl, treating the template as untrusted code.

1. :func:`check_template` checks every part docxtpl renders (正文, 页眉, 页脚, 脚注, document
   properties) before anything runs: full-width braces, syntax, unknown variables, attributes,
   filters (see :mod:`auditdesk.reports.template_check`). Each problem names its paragraph.
2. The template renders in :class:`~auditdesk.reports.sandbox.ReportSandbox` (Jinja's immutable
   sandbox, strict undefined, bounded ``range`` and sizes, a deadline and the cancel token).
3. A user's own template renders in a child process that is killed at the deadline or on cancel:
   Python cannot stop a thread, and the step count of the sandbox does not see an empty nested
   loop. The shipped templates are ours and render in-process (no process start-up, ~1 s).
4. The rendered file is checked before it is moved into place: no full ID number in any part
   unless the export is unmasked. The file is written to a temporary name and moved atomically,
   so a failed render leaves an existing file as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.exceptions import SecurityError

from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.fileperms import owner_only
from auditdesk.progress import CancelToken, check_cancel
from auditdesk.reports import template_check
from auditdesk.reports.docx_text import paragraphs
from auditdesk.reports.sandbox import RENDER_SECONDS, ReportSandbox, TemplateTimeout
from auditdesk.reports.template_check import CORE_PROPERTIES, MAX_PROBLEMS, Part
from auditdesk.reports.variables import known_shape

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
FULL_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                     r"\d{3}[\dXx](?![0-9A-Za-z])")  # fmt: skip
"""An unmasked 18-digit resident ID number (region, a plausible birth date, sequence, check)."""


class _TrackedTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, remembering which part and source it is rendering (to name the
    paragraph of a render error), and rendering document properties without XML escaping."""

    where: Part = Part("正文", "")

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> Any:
        self.where = Part(template_check.part_label(part), template_check.split_paragraphs(src_xml))
        return super().render_xml_part(src_xml, part, context, jinja_env)

    def render_properties(self, context: Any, jinja_env: Any = None) -> None:
        # python-docx escapes property text itself; Jinja's HTML escaping would print &amp;
        escaping = jinja_env.autoescape
        jinja_env.autoescape = False
        try:
            for prop, label in CORE_PROPERTIES.items():
                source = getattr(self.docx.core_properties, prop) or ""
                self.where = Part(f"文档属性“{label}”", source)
                if source:
                    rendered = jinja_env.from_string(source).render(context)
                    setattr(self.docx.core_properties, prop, rendered)
        finally:
            jinja_env.autoescape = escaping


def check_template(path: Path) -> DocxTemplate:
    """Open a template and check every part of it before anything is rendered.

    Raises:
        AuditDeskError: the file is not a Word file, or the template has problems; the message
            (Chinese) lists up to :data:`MAX_PROBLEMS` of them, each with its part and paragraph.
    """
    try:
        tpl = _TrackedTemplate(str(path))
        tpl.init_docx()
        parts = template_check.template_parts(tpl)
    except Exception as exc:  # python-docx raises several kinds for a non-docx file
        raise AuditDeskError(
            f"模板 {path.name} 无法打开（不是有效的 Word 文件）：{exc}", location=str(path)
        ) from exc
    problems = template_check.find_problems(parts, ReportSandbox(seconds=None), known_shape())
    if problems:
        more = f"；另有 {len(problems) - MAX_PROBLEMS} 处" if len(problems) > MAX_PROBLEMS else ""
        raise AuditDeskError(
            f"模板 {path.name} 有问题，未生成文书：" + "；".join(problems[:MAX_PROBLEMS])
            + f"{more}。可用变量见 report_templates/README.md。",
            location=str(path),
        )  # fmt: skip
    return tpl


def render(
    template: Path,
    context: dict[str, Any],
    out: Path,
    *,
    chart_png: Path | None = None,
    after: Callable[[Path], None] | None = None,
    unmasked: bool = False,
    isolate: bool = False,
    seconds: float = RENDER_SECONDS,
    cancel: CancelToken | None = None,
) -> Path:
    """Render ``template`` with ``context`` into ``out`` (written to a temporary file, then moved).

    Args:
        unmasked: the export shows full ID numbers; otherwise a rendered document that contains
            one (in any part) is refused.
        isolate: render in a child process killed after ``seconds`` or on ``cancel`` (for a
            user's own template).
        seconds: the render's deadline.

    Raises:
        AuditDeskError: the template is broken (see :func:`check_template`), fails or runs past
            the deadline while rendering (named with its paragraph), puts a full ID number into a
            masked document, or ``out`` cannot be written; an existing ``out`` is left as it was.
        Cancelled: ``cancel`` was set.
    """
    check_template(template)
    tmp = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isolate:
            _render_in_child(template, context, tmp, chart_png, unmasked, seconds, cancel)
        else:
            render_file(template, context, tmp, chart_png=chart_png, unmasked=unmasked,
                        seconds=seconds, cancel=cancel)  # fmt: skip
        check_cancel(cancel)
        if after is not None:
            after(tmp)
        owner_only(tmp)  # names, wages and ID numbers: readable by the owner only
        os.replace(tmp, out)
    except OSError as exc:
        raise AuditDeskError(f"无法写入 {out}：{exc.strerror or exc}（文件是否正在 Word 中打开？）",
                             location=str(out)) from exc  # fmt: skip
    finally:
        tmp.unlink(missing_ok=True)
    return out


def render_file(
    template: Path,
    context: dict[str, Any],
    dest: Path,
    *,
    chart_png: Path | None = None,
    unmasked: bool = False,
    seconds: float | None = RENDER_SECONDS,
    cancel: CancelToken | None = None,
) -> None:
    """Check, render in the sandbox and save to ``dest``, then check the saved parts; on any
    error ``dest`` is removed. Raises as :func:`render`."""
    tpl = check_template(template)
    if chart_png is not None:
        context = {**context, "summary": {**context["summary"],
                                          "chart": InlineImage(tpl, str(chart_png), width=Mm(150))}}  # fmt: skip
    env = ReportSandbox(seconds=seconds, cancel=cancel)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except (Cancelled, AuditDeskError):
        raise
    except Exception as exc:  # whatever the template's code raised, named with its paragraph
        raise _render_error(template, tpl.where, exc, env) from exc
    try:
        tpl.save(str(dest))
        if not unmasked:
            _refuse_full_ids(template, dest)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def _render_error(template: Path, where: Part, exc: BaseException, env: ReportSandbox) -> Exception:
    place = where.where(template_check.template_lineno(exc))
    if isinstance(exc, TemplateTimeout):
        reason = f"运行超过 {env.seconds:g} 秒仍未完成，已停止（模板中是否有很大的循环？）"
    elif isinstance(exc, jinja2.UndefinedError):
        reason = f"引用了不存在的变量或属性（{exc.message}）"
    elif isinstance(exc, SecurityError):
        reason = f"执行了不允许的操作（{exc}）"
    elif isinstance(exc, MemoryError):
        reason = "占用内存过多"
    else:
        reason = f"{exc}"
    return AuditDeskError(f"模板 {template.name} 渲染失败：{reason}{place}，未生成文书。",
                          location=str(template))  # fmt: skip


def _refuse_full_ids(template: Path, path: Path) -> None:
    """Refuse a masked document in which any part holds a full ID number."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            text = re.sub(r"<[^>]+>", "", zf.read(name).decode("utf-8", "replace"))
            found = FULL_ID.search(text)
            if found:
                shown = found[0][:6] + "********" + found[0][-4:]
                raise AuditDeskError(
                    f"模板 {template.name} 生成的文书中（{name}）出现了完整的身份证号 {shown}；"
                    "未选择“显示完整身份证号”时文书不得包含完整号码，未生成文书。请检查模板。",
                    location=str(template),
                )


# ------------------------------------------------------------------------- the child process
CHILD_MEMORY_BYTES = 2 * 1024**3
"""Address space a user's template may use in its render process: string and list growth that
the sandbox does not count (``~``, ``+``, ``replace``) ends in MemoryError, not a full machine."""


def _limit_memory(limit: int) -> None:
    """Cap this process's address space (POSIX; on Windows the deadline alone bounds it)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(conn: Any, payload: bytes) -> None:
    """Entry point of the render process: render, then send ``None`` or the error."""
    result: tuple[str, str | None] | None = None
    try:
        _limit_memory(CHILD_MEMORY_BYTES)
        args = pickle.loads(payload)
        render_file(*args[:3], chart_png=args[3], unmasked=args[4], seconds=args[5])
    except AuditDeskError as exc:
        result = (exc.message, exc.location)
    except MemoryError:
        result = (
            "模板渲染占用内存过多（超过 2 GB），已停止；请检查模板中的循环和字符串拼接。",
            None,
        )
    except BaseException as exc:  # everything reaches the parent as a message, never a hang
        result = (f"模板渲染失败：{type(exc).__name__}: {exc}", None)
    conn.send(result)
    conn.close()


def _render_in_child(
    template: Path,
    context: dict[str, Any],
    dest: Path,
    chart_png: Path | None,
    unmasked: bool,
    seconds: float,
    cancel: CancelToken | None,
) -> None:
    """Render in a fresh process (spawned: the GUI has threads, so never forked) and kill it at the
    deadline or on cancel."""
    payload = pickle.dumps((template, context, dest, chart_png, unmasked, seconds))
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, payload), daemon=True)
    proc.start()
    send.close()
    deadline = time.monotonic() + seconds + 10  # the child's own deadline first; +start-up
    try:
        while not receive.poll(0.1):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            if time.monotonic() > deadline:
                raise AuditDeskError(
                    f"模板 {template.name} 渲染超过 {seconds:g} 秒仍未完成，已停止"
                    "（模板中是否有很大的循环？），未生成文书。",
                    location=str(template),
                )
            if not proc.is_alive() and not receive.poll(0):
                raise AuditDeskError(f"模板 {template.name} 渲染进程意外退出（代码 {proc.exitcode}），"
                                     "未生成文书。", location=str(template))  # fmt: skip
        try:
            result = receive.recv()
        except EOFError:
            result = (f"模板 {template.name} 渲染进程意外退出，未生成文书。", str(template))
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receive.close()
    if result is not None:
        dest.unlink(missing_ok=True)
        raise AuditDeskError(result[0], location=result[1])


def leftover_tags(path: Path) -> list[str]:
    """Template tags left in a rendered document (should be none)."""
    texts = [p.text for p in paragraphs(Document(str(path)))]
    return [m.group(0) for t in texts for m in _TAG.finditer(t)]
