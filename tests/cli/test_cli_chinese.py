"""The command line speaks Chinese: argparse's own texts (usage, section titles, -h) and the
Chinese words each option's help lists are accepted as values (issue 18, point 12)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from typing import Any

import pytest

from auditdesk.cli import build_parser
from auditdesk.cli.base import ChineseArgumentParser
from tests.samples import PAYROLL_SAMPLES as SAMPLES

ENGLISH = re.compile(
    r"usage:|positional arguments|options:|optional arguments|show this help message|"
    r"show program's version"
)


def _all_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from _all_parsers(child)


def test_every_help_text_is_chinese() -> None:
    parsers = list(_all_parsers(build_parser()))
    assert len(parsers) > 40  # every command and subcommand was walked
    for parser in parsers:
        text = parser.format_help()
        assert not ENGLISH.search(text), f"{parser.prog}:\n{text}"
        assert text.startswith("用法："), parser.prog
        assert "显示帮助信息并退出" in text, parser.prog
    top = build_parser().format_help()
    assert "位置参数" in top
    assert "选项" in top
    assert "显示版本号并退出" in top


def test_usage_line_on_an_error_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["findings", "adopt"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：auditdesk findings adopt")
    assert "usage" not in err


def test_mutually_exclusive_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["findings", "adopt", "--audit", "A"])
    err = capsys.readouterr().err
    assert "缺少必需的参数：--group 或 --all（选一）" in err
    assert "one of the arguments" not in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["findings", "adopt", "--audit", "A", "--all", "--group", "X@1"])
    err = capsys.readouterr().err
    assert "参数 --group 不能与 --all 同时使用" in err


def test_a_plain_parser_is_chinese_too() -> None:
    parser = ChineseArgumentParser(prog="demo", formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("name")
    text = parser.format_help()
    assert text.startswith("用法：demo")
    assert "位置参数：" in text
    assert "选项：" in text


@pytest.mark.parametrize(
    ("argv", "dest", "value"),
    [
        (["report", "A", "--kind", "整改建议书"], "kind", "rectification"),
        (["report", "A", "--kind", "整改台账"], "kind", "ledger"),
        (["report", "A", "--kind", "rectification"], "kind", "rectification"),
        (["case", "import", "x.adcase", "--prefer", "保留本机"], "prefer", "mine"),
        (["case", "import", "x.adcase", "--prefer", "采用文件"], "prefer", "theirs"),
        (["audit", "answer", "A", "I", "不符合"], "result", "non_compliant"),
        (["audit", "answer", "A", "I", "部分符合"], "result", "partial"),
        (["audit", "answer", "A", "I", "否"], "result", "no"),
    ],
)
def test_the_chinese_words_the_help_lists_are_accepted(
    argv: list[str], dest: str, value: str
) -> None:
    args = build_parser().parse_args(argv)
    assert getattr(args, dest) == value


def test_a_wrong_word_names_the_choices_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "A", "--kind", "报表"])
    err = capsys.readouterr().err
    assert "“报表”无效" in err
    assert "整改建议书" in err


def test_findings_adopt_merge_makes_one_finding_across_months(cli: Any) -> None:
    """Issue 18.11: ``findings adopt --merge``; ``findings groups`` names each group's 问题编号."""
    company = cli("company", "add", "--name", "上海合并测试有限公司", "--json").json()
    audit = cli("audit", "start", "--company", company["id"], "--json").json()["id"]
    done = cli("payroll", "import", "--audit", audit, str(SAMPLES / "s1-simple.xlsx"), "--json")
    assert done.returncode == 0, done.stderr
    run = cli("findings", "adopt", "--audit", audit, "--group", "PAY.MIN_WAGE@2025-06",
              "PAY.MIN_WAGE@2025-07", "--merge", "--json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    [adopted] = run.json()["adopted"]
    assert adopted["group"] == "PAY.MIN_WAGE@2025-06..2025-07"
    groups = {
        g["key"]: g for g in cli("findings", "groups", "--audit", audit, "--json").json()["groups"]
    }
    assert groups["PAY.MIN_WAGE@2025-06"]["finding_number"] == "W01"
    assert groups["PAY.MIN_WAGE@2025-07"]["finding_number"] == "W01"
    assert groups["PAY.LATE@2025-07"]["adopted"] is False
    text = cli("findings", "groups", "--audit", audit).stdout
    assert "（已转为问题 W01（多月合并））" in text
