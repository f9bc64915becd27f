"""The Jinja environment every report template renders in: sandboxed, strict and bounded.

A report template is a Word file a user may bring from anywhere, so it is untrusted code. Jinja's
:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` refuses private and internal attributes
(``cycler.__init__.__globals__``, ``''.__class__.__mro__``) and calls that modify lists or dicts.
On top of it this module

- removes the globals a report has no use for (``cycler``, ``joiner``, ``lipsum``); ``range``,
  ``dict`` and ``namespace`` stay;
- refuses an attribute name starting with ``_`` on a ``namespace()``, set with
  ``{% set ns._x = … %}`` or given when it is made (:class:`ReportNamespace`): the sandbox checks
  reading such a name but not setting it, and markupsafe calls a ``__html__`` it finds on a value
  it prints, from outside the sandbox's call checks;
- makes an unknown variable or attribute an error (:class:`~jinja2.StrictUndefined`) instead of an
  empty string, so ``{{ company.credt_code }}`` can never print nothing into a signed letter;
- bounds sizes: ``range()`` gives at most :data:`MAX_RANGE` numbers; ``*``, ``**`` and ``%`` and the
  filters that grow text (``center``, ``indent``, ``wordwrap``, ``format``, ``slice``) refuse
  results beyond :data:`MAX_SIZE` characters or items;
- bounds time: every attribute access, item access and call counts a step, and a render past its
  deadline or cancelled stops at the next step (:class:`TemplateTimeout`, :class:`Cancelled`).

The step check bounds a loop whose body does anything at all; an empty nested loop over
``range(10000)`` twice is not counted, which is why user templates also render in a child process
that is killed at the deadline (see :mod:`auditdesk.reports.docx`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from auditdesk.errors import Cancelled
from auditdesk.progress import CancelToken

MAX_RANGE = 10_000
"""Most numbers ``range()`` may give in a template (the longest list a report has is 5,000 rows)."""
MAX_SIZE = 1_000_000
"""Most characters or items one operation in a template may produce."""
RENDER_SECONDS = 60.0
"""How long one document may take to render (the 5,000-row appendix takes about 5 s)."""
ALLOWED_GLOBALS = frozenset({"range", "dict", "namespace"})
_CHECK_EVERY = 512


class TemplateTimeout(SecurityError):
    """The template ran past its deadline."""


NO_PRIVATE_NAME = "模板不能给 namespace 设置以下划线开头的属性"
"""The start of the refusal, at check and at render time (the attribute follows in “”)."""


def _refuse_private(name: object) -> None:
    if isinstance(name, str) and name.startswith("_"):
        raise SecurityError(f"{NO_PRIVATE_NAME}“{name}”")


class ReportNamespace(Namespace):
    """Jinja's ``namespace()`` without attribute names starting with ``_``.

    Raises:
        SecurityError: such a name is given when the namespace is made or set later.
    """

    def __init__(*args: Any, **kwargs: Any) -> None:  # as Namespace: "self" may be a key
        self, rest = args[0], args[1:]
        attrs = dict(*rest, **kwargs)
        for name in attrs:
            _refuse_private(name)
        Namespace.__init__(self, attrs)

    def __setitem__(self, name: str, value: Any) -> None:
        _refuse_private(name)
        super().__setitem__(name, value)


def _bounded_range(*args: int) -> range:
    """``range`` limited to :data:`MAX_RANGE` numbers."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range() 最多生成 {MAX_RANGE} 个数，模板要求 {len(rng)} 个")
    return rng


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


_BIG_WIDTH = re.compile(r"%[-+ #0]*(\*|\d{5,})|\{[^{}]*:[^{}]*(\d{5,}|\{)")


def _check_format(fmt: str) -> None:
    """Refuse a format string with a width of 10,000 or more, or a width taken from the data."""
    if _BIG_WIDTH.search(fmt):
        raise SecurityError("格式化宽度过大")


def _bounded_ints(name: str, fn: Callable[..., Any], limit: int = 1_000) -> Callable[..., Any]:
    """Wrap a filter so that no integer argument (a width, a count) exceeds ``limit``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for arg in (*args[1:], *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > limit:
                raise SecurityError(f"过滤器 {name} 的参数 {arg} 过大（最大 {limit}）")
        return fn(*args, **kwargs)

    for attr in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(fn, attr):
            setattr(wrapper, attr, getattr(fn, attr))
    return wrapper


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The sandboxed, strict, bounded environment for report templates (see the module docstring).

    Args:
        seconds: the deadline from now; ``None`` means no deadline.
        cancel: checked every few hundred steps; raises :class:`~auditdesk.errors.Cancelled`.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(
        self, *, seconds: float | None = RENDER_SECONDS, cancel: CancelToken | None = None
    ):
        super().__init__(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)
        for name in list(self.globals):
            if name not in ALLOWED_GLOBALS:
                del self.globals[name]
        self.globals["range"] = _bounded_range
        self.globals["namespace"] = ReportNamespace
        for name, limit in (("center", 1_000), ("indent", 1_000), ("wordwrap", 10_000),
                            ("slice", 1_000), ("truncate", MAX_SIZE)):  # fmt: skip
            self.filters[name] = _bounded_ints(name, self.filters[name], limit)
        plain_format = self.filters["format"]

        def checked_format(value: str, *args: Any, **kwargs: Any) -> str:
            _check_format(str(value))
            return str(plain_format(value, *args, **kwargs))

        self.filters["format"] = checked_format
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.seconds = seconds
        self.cancel = cancel
        self._steps = 0

    def _step(self) -> None:
        self._steps += 1
        if self._steps % _CHECK_EVERY:
            return
        if self.cancel is not None and self.cancel.cancelled:
            raise Cancelled()
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TemplateTimeout(f"模板渲染超过 {self.seconds:g} 秒")

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._step()
        return super().getitem(obj, argument)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._step()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self._step()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and max(left.bit_length(), 1) * right > 4096:
                raise SecurityError(f"{left} ** {right} 的结果过大")
        elif operator == "*":
            count = right if _size(left) else left
            item = _size(left) or _size(right)
            if item and isinstance(count, int) and item * count > MAX_SIZE:
                raise SecurityError("字符串或列表乘法的结果过大")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if isinstance(getattr(value, "__self__", None), str):
            _check_format(value.__self__)
        return super().wrap_str_format(value)
