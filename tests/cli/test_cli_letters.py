"""``letters issue|serve|reply|list|export`` and ``settings union`` through the command line,
with ``--json``; every letter written is read back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from auditdesk.reports.docx_text import paragraphs
from tests.cli.conftest import CliRunner
from tests.cli.test_cli_cycle import ok, user_error


@pytest.fixture
def audit(cli: CliRunner) -> str:
    company = ok(cli("company", "add", "--name", "上海函件测试有限公司", "--json"))
    a = ok(cli("audit", "start", "--company", company["id"], "--json"))["id"]
    ok(cli("audit", "answer", a, "RUL.HANDBOOK", "不符合", "--json"))
    ok(cli("audit", "answer", a, "HRS.WEEKLY_REST", "partial", "--json"))
    ok(cli("findings", "gather", "--audit", a, "--json"))
    return str(a)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in paragraphs(docx.Document(str(path))))


def test_settings_union(cli: CliRunner) -> None:
    shown = ok(cli("settings", "union", "--show", "--json"))
    assert shown["union_name"] == ""
    saved = ok(cli("settings", "union", "--set", "union_name=嘉定区马陆镇总工会",
                   "--set", "cc=嘉定区总工会", "--json"))  # fmt: skip
    assert (saved["union_name"], saved["cc"]) == ("嘉定区马陆镇总工会", "嘉定区总工会")
    assert ok(cli("settings", "union", "--json"))["union_name"] == "嘉定区马陆镇总工会"
    user_error(cli("settings", "union", "--set", "town=马陆"), "没有名为“town”的工会设置")
    user_error(cli("settings", "union", "--set", "union_name"), "键=值")


def test_settings_followup_days(cli: CliRunner) -> None:
    assert ok(cli("settings", "followup-days", "--json"))["critical"] == 15
    saved = ok(cli("settings", "followup-days", "--set", "critical=7", "--json"))
    assert (saved["critical"], saved["high"]) == (7, 30)
    shown = cli("settings", "followup-days")
    assert "严重" in shown.stdout or "critical" in shown.stdout
    assert "本机设置" in shown.stdout
    user_error(cli("settings", "followup-days", "--set", "urgent=3"), "没有名为“urgent”的严重程度")
    user_error(cli("settings", "followup-days", "--set", "low=几天"), "严重程度=天数")


def test_issue_serve_export_through_the_cli(cli: CliRunner, audit: str, tmp_path: Path) -> None:
    missing = user_error(cli("letters", "issue", "--audit", audit, "--kind", "opinion"), "发函工会")
    assert "联系电话" in missing
    ok(cli("settings", "union", "--set", "union_name=嘉定区马陆镇总工会", "--set", "contact_person=李红",
           "--set", "contact_phone=021-6999 0001", "--set", "prefix_opinion=马陆工监意", "--json"))  # fmt: skip
    out = tmp_path / "意见书.docx"
    letter: dict[str, Any] = ok(cli("letters", "issue", "--audit", audit, "--kind", "opinion",
                                    "--date", "2026-09-28", "-o", str(out), "--json"))  # fmt: skip
    assert letter["number"] == "马陆工监意〔2026〕第1号"
    assert (letter["due_estimated"], letter["reply_due"], letter["served_on"]) == (
        True, "2026-10-23", None)  # fmt: skip
    assert letter["file"] == str(out)
    text = _text(out)
    assert "马陆工监意〔2026〕第1号" in text
    assert "2026年9月28日" in text
    assert "送达回执" in text
    served = ok(cli("letters", "serve", letter["ref"], "--date", "2026-09-30", "--json"))
    assert (served["served_on"], served["reply_due"], served["due_estimated"]) == (
        "2026-09-30", "2026-10-27", False)  # fmt: skip
    [listed] = ok(cli("letters", "list", "--audit", audit, "--json"))
    assert (listed["number"], listed["archived"], listed["served_on"]) == (
        "马陆工监意〔2026〕第1号", True, "2026-09-30")  # fmt: skip
    assert "content" not in listed
    again = tmp_path / "again.docx"
    exported = ok(cli("letters", "export", letter["ref"], "-o", str(again), "--json"))
    assert exported["exact"] is True
    assert again.read_bytes() == out.read_bytes()
    # report --kind opinion reproduces it as well (not a new, re-dated letter)
    report_kind = tmp_path / "report.docx"
    ok(cli("report", audit, "--kind", "opinion", "-o", str(report_kind), "--json"))
    assert report_kind.read_bytes() == out.read_bytes()
    user_error(cli("letters", "serve", letter["ref"], "--date", "2026-09-27"), "早于")
    user_error(cli("letters", "issue", "--audit", audit, "--kind", "opinion", "--date", "2026-12-11"),
               "节假日安排")  # fmt: skip
    user_error(cli("letters", "issue", "--audit", audit, "--kind", "proposal", "--date", "2026-10-27"),
               "区总工会")  # the district union and bureau must be set  # fmt: skip
