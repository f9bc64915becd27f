"""``--expect-version``: a CLI save made conditional on the version a list or ``--json`` showed
(issue 20.4); without it the command saves over whatever is stored."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import CliRunner, Run


def ok(done: Run) -> Any:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.json()


def test_answer_and_finding_edit_refused_on_an_old_version(cli: CliRunner) -> None:
    company = ok(cli("company", "add", "--name", "上海版本命令有限公司", "--headcount", "30",
                     "--json"))  # fmt: skip
    a = str(ok(cli("audit", "start", "--company", company["id"], "--json"))["id"])
    first = ok(cli("audit", "answer", a, "RUL.HANDBOOK", "不符合", "--by", "张律师",
                   "--expect-version", "0", "--json"))  # fmt: skip
    assert (first["version"], first["updated_by"]) == (1, "张律师")
    late = cli("audit", "note", a, "RUL.HANDBOOK", "李的备注", "--expect-version", "0")
    assert late.returncode == 2
    assert "Traceback" not in late.stderr
    assert "该检查结果已被 张律师 于" in late.stderr
    ok(cli("audit", "note", a, "RUL.HANDBOOK", "李的备注", "--expect-version", "1", "--json"))

    ok(cli("findings", "gather", "--audit", a, "--json"))
    [finding] = ok(cli("findings", "list", "--audit", a, "--json"))
    assert finding["version"] == 1
    ok(cli("findings", "edit", finding["ref"], "--owner", "人事部", "--by", "张律师",
           "--expect-version", "1", "--json"))  # fmt: skip
    stale = cli("findings", "edit", finding["ref"], "--owner", "行政部", "--expect-version", "1")
    assert stale.returncode == 2
    assert "该问题已被 张律师 于" in stale.stderr
    assert "您的修改未保存" in stale.stderr
    bad = cli("findings", "edit", finding["ref"], "--owner", "行政部", "--expect-version", "0")
    assert bad.returncode == 2
    assert "版本号" in bad.stderr
    forced = ok(cli("findings", "edit", finding["ref"], "--owner", "行政部", "--json"))
    assert (forced["owner"], forced["version"]) == ("行政部", 3)
