"""Shared CLI plumbing: the Chinese argument parser, exit codes, JSON output, opening the workspace."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pydantic import BaseModel

from auditdesk.models.common import LabeledEnum

if TYPE_CHECKING:
    from auditdesk.services.workspace import Workspace

E = TypeVar("E", bound=LabeledEnum)
T = TypeVar("T")

EXIT_OK, EXIT_FAILED_CHECK, EXIT_USER_ERROR, EXIT_BUG = 0, 1, 2, 3

_ARGPARSE_MESSAGES: list[tuple[str, str]] = [
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"one of the arguments (.*) is required", "缺少必需的参数：{0}（选一）"),
    (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 不能与 {1} 同时使用"),
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (
        r"argument (\S+): invalid choice: '?([^' ]+)'? \(choose from (.*)\)",
        "参数 {0} 的取值“{1}”无效，可选：{2}",
    ),
    (r"argument (\S+): invalid (\w+) value: '?([^']*)'?", "参数 {0} 的值“{2}”无效"),
    (r"argument (\S+): expected one argument", "参数 {0} 需要一个值"),
    (r"invalid choice: '?([^' ]+)'? \(choose from (.*)\)", "无效的命令“{0}”，可选：{1}"),
    (r"argument (\S+): (.*)", "参数 {0}：{1}"),
]


def translate_argparse(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        match = re.search(pattern, message)
        if match:
            groups = match.groups()
            if template.startswith("缺少必需的参数：{0}（选一）"):
                groups = (" 或 ".join(groups[0].split()),)
            return template.format(*groups)
    return message


_USAGE = "usage: "
_USAGE_ZH = "用法："
"""Six columns wide (three full-width characters), one less than ``usage: ``; continuation lines
keep argparse's indentation, so they stand one column to the right: harmless."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese texts (用法、位置参数、选项、-h 的说明), Chinese error lines and exit
    status 2.

    argparse looks its own texts up through ``gettext`` when the parser is built and when help is
    formatted; rather than install a process-wide translation, this class renames the two default
    argument groups and the help/version actions after ``__init__`` and replaces the usage prefix
    in :meth:`format_usage` / :meth:`format_help` (and so in every error's usage line).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示帮助信息并退出"

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if isinstance(action, argparse._VersionAction) and "help" not in kwargs:
            action.help = "显示版本号并退出"
        return action

    def format_usage(self) -> str:
        return _chinese_usage(super().format_usage())

    def format_help(self) -> str:
        text = _chinese_usage(super().format_help())
        return text.replace("\n位置参数:\n", "\n位置参数：\n").replace("\n选项:\n", "\n选项：\n")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USER_ERROR,
            f"{self.prog}: 参数错误：{translate_argparse(message)}\n"
            f"用 {self.prog} --help 查看用法。\n",
        )


def _chinese_usage(text: str) -> str:
    return _USAGE_ZH + text[len(_USAGE) :] if text.startswith(_USAGE) else text


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def dump(model: BaseModel) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


# ------------------------------------------------------------------ commands
def open_workspace(args: argparse.Namespace) -> Workspace:
    """Open the data dir; on the first command of a day of use, take the automatic backup."""
    from auditdesk.errors import AuditDeskError
    from auditdesk.services.backups import auto_backup
    from auditdesk.services.workspace import Workspace

    ws = open_with_password(lambda pw: Workspace.open(args.data_dir, database=args.database,
                                                      password=pw))  # fmt: skip
    if ws.is_server:
        return ws  # a server is backed up by its administrator (pg_dump), not per command
    try:
        auto_backup(ws.paths, startup=False)
    except AuditDeskError as exc:
        print(f"警告：今日自动备份未完成：{exc.message}", file=sys.stderr)
    return ws


def open_with_password(opening: Callable[[str | None], T]) -> T:
    """Run ``opening(password)``; when a server wants a password that nobody gave, ask for it on
    the terminal (``数据库密码：``) and try again, up to three times for a wrong one. Without a
    terminal the error stands (give the password in the URL or sign in first).

    Raises:
        PasswordRequiredError / AuthenticationError: no terminal, or three wrong passwords.
    """
    import getpass

    from auditdesk.errors import AuthenticationError, PasswordRequiredError

    password: str | None = None
    for attempt in range(3):
        try:
            return opening(password)
        except (PasswordRequiredError, AuthenticationError) as exc:
            given = password is not None
            if not sys.stdin.isatty() or (given and attempt == 2):
                raise
            if given:
                print(f"错误：{exc.message}", file=sys.stderr)
            password = getpass.getpass("数据库密码：")
    return opening(password)


# ------------------------------------------------------------------ argument types
def date_arg(value: str) -> date:
    """``--date YYYY-MM-DD`` as a date; a bad value is an argument error in Chinese (exit 2)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}”不是有效的日期，应为 YYYY-MM-DD，如 2026-03-31"
        ) from None


def non_negative_int(value: str) -> int:
    """``--limit N`` / ``--offset N``: a whole number, 0 or more; else an argument error in
    Chinese (exit 2)."""
    try:
        number = int(value.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"“{value}”不是有效的条数，应为 0 或正整数")
    return number


def add_expect_version(parser: argparse.ArgumentParser, *, zero: str = "") -> None:
    """``--expect-version N``: save only while the record is still at version N (as a list or
    ``--json`` showed it); refused with who and when (exit 2) when another user saved it since.
    Without it a command saves over whatever is stored: it reads and writes in one go, so
    there is no earlier view of the record to be stale. ``zero`` explains what 0 means where
    allowed (e.g. an item not answered yet)."""
    least = 0 if zero else 1

    def version(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            number = -1
        if number < least:
            raise argparse.ArgumentTypeError(
                f"“{value}”不是有效的版本号（应为不小于 {least} 的整数）"
            )
        return number

    parser.add_argument(
        "--expect-version", type=version, metavar="N", dest="expect_version",
        help="仅当记录仍是第 N 版（列表或 --json 中的 version）时保存；"
        "期间已被他人修改则拒绝并说明谁在何时修改" + (f"；0 表示{zero}" if zero else ""),
    )  # fmt: skip


def date_or_none_arg(value: str) -> date | None:
    """Like :func:`date_arg`, but ``none`` (or 无) clears the date."""
    if value.strip().lower() in ("none", "无", ""):
        return None
    return date_arg(value)


def enum_arg(enum_cls: type[E], allowed: Iterable[E] | None = None) -> Callable[[str], E]:
    """An argparse type taking a member of a labelled enum by its value or its Chinese label
    (``non_compliant`` or ``不符合``)."""
    members = list(allowed) if allowed is not None else list(enum_cls)

    def parse(value: str) -> E:
        text = value.strip()
        for m in members:
            if text.lower() == m.value or text == m.label:
                return m
        choices = " / ".join(f"{m.value} {m.label}" for m in members)
        raise argparse.ArgumentTypeError(f"“{value}”无效，可选：{choices}")

    parse.__name__ = enum_cls.__name__
    return parse


def word_arg(words: dict[str, str]) -> Callable[[str], str]:
    """An argparse type for a fixed set of values given by their code or their Chinese word
    (``words`` maps code → word, e.g. ``{"mine": "保留本机"}``); returns the code. A wrong value is
    an argument error listing ``code 词`` pairs (exit 2). Use it instead of ``choices=``."""

    def parse(value: str) -> str:
        text = value.strip()
        for code, word in words.items():
            if text.lower() == code or text == word:
                return code
        choices = " / ".join(f"{code} {word}" for code, word in words.items())
        raise argparse.ArgumentTypeError(f"“{value}”无效，可选：{choices}")

    parse.__name__ = "word"
    return parse


def short_ref(record_id: str) -> str:
    """The short reference shown for a finding or letter (问题编号): the id's first 8 characters."""
    return record_id[:8].upper()
