"""`auditdesk log …` and `audit undo` (issue 20.6): list, export, purge, retention, per-user undo."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.cli.conftest import CliRunner, Run


def ok(done: Run) -> Any:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.json()


def refused(done: Run, words: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert words in done.stderr


def test_undo_log_export_and_deletion(cli: CliRunner, tmp_path: Path) -> None:
    company = ok(
        cli("company", "add", "--name", "上海日志测试有限公司", "--by", "王律师", "--json")
    )
    a = ok(cli("audit", "start", "--company", company["id"], "--by", "王律师", "--json"))["id"]
    ok(cli("audit", "answer", a, "RUL.HANDBOOK", "不符合", "--by", "A", "--json"))
    ok(cli("audit", "answer", a, "ONB.CONTRACT_WRITTEN", "符合", "--by", "B", "--json"))

    assert ok(cli("audit", "undo", a, "--by", "A", "--json")) == {"item_id": "RUL.HANDBOOK"}
    assert ok(cli("audit", "undo", a, "--by", "A", "--json")) == {"item_id": None}
    kept = ok(cli("audit", "note", a, "ONB.CONTRACT_WRITTEN", "", "--json"))
    assert kept["result"] == "compliant"  # B's answer stands

    answers = ok(cli("log", "list", "--audit", a, "--entity", "检查结果", "--json"))
    assert [(e["entity_id"], e["changed_by"], e["new"]) for e in answers] == [
        ("RUL.HANDBOOK", "A", "non_compliant"),
        ("ONB.CONTRACT_WRITTEN", "B", "compliant"),
        ("RUL.HANDBOOK", "A", None),
    ]
    assert answers[2]["undoes"] == answers[0]["id"]
    assert answers[0]["undone"] is True

    out = tmp_path / "修改记录.xlsx"
    done = ok(cli("log", "export", "-o", str(out), "--audit", a, "--json"))
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("时间", "操作人", "对象", "对象编号", "字段", "原值", "新值")
    assert len(rows) - 1 == done["entries"]
    assert ("A", "检查结果", "RUL.HANDBOOK", "结果", "—", "不符合") in [r[1:7] for r in rows]

    ok(cli("company", "delete", company["id"], "--yes", "--by", "管理员", "--json"))
    kept_log = ok(cli("log", "list", "--company", company["id"], "--json"))
    assert len(kept_log) > len(answers)
    assert kept_log[-1]["field"] == "deleted"
    assert kept_log[-1]["changed_by"] == "管理员"
    text = cli("log", "list", "--company", company["id"])
    assert "删除" in text.stdout
    assert "企业" in text.stdout


def test_purge_retention_and_bad_input(cli: CliRunner) -> None:
    ok(cli("company", "add", "--name", "上海清理测试有限公司", "--json"))
    refused(cli("log", "purge"), "未设置保留期限")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    refused(cli("log", "purge", "--before", tomorrow), "晚于今天")
    refused(cli("log", "list", "--id", "x"), "--entity")
    refused(cli("log", "list", "--entity", "nothing"), "没有“nothing”这类记录")
    assert ok(cli("log", "retention", "--json")) == {"days": None}
    assert ok(cli("log", "retention", "30", "--by", "管理员", "--json")) == {"days": 30}
    assert ok(cli("log", "purge", "--json")) == {"deleted": 0}
    assert ok(cli("log", "purge", "--before", "2000-01-01", "--by", "管理员", "--json")) == {
        "deleted": 0
    }
    entries = ok(cli("log", "list", "--entity", "change_log", "--json"))
    assert [e["field"] for e in entries] == ["retention_days", "purged"]
    assert ok(cli("log", "retention", "off", "--json")) == {"days": None}
