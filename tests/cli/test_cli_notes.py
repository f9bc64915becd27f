"""`audit note`: a note on a checklist item never answers it (issue 18.5)."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import CliRunner, Run


def ok(done: Run) -> Any:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.json()


def _audit(cli: CliRunner) -> str:
    company = ok(cli("company", "add", "--name", "上海备注测试有限公司", "--headcount", "54",
                     "--json"))  # fmt: skip
    return str(ok(cli("audit", "start", "--company", company["id"], "--json"))["id"])


def test_a_note_leaves_an_unanswered_item_unanswered(cli: CliRunner) -> None:
    a = _audit(cli)
    before = ok(cli("audit", "score", a, "--json"))
    noted = ok(cli("audit", "note", a, "RUL.HANDBOOK", "规章制度未见公示记录", "--by", "陈静",
                   "--json"))  # fmt: skip
    assert noted["item_id"] == "RUL.HANDBOOK"
    assert noted["result"] is None
    assert noted["note"] == "规章制度未见公示记录"
    assert ok(cli("audit", "score", a, "--json")) == before  # still 未答, not 待核实
    text = cli("audit", "note", a, "RUL.HANDBOOK", "规章制度未见公示记录（复核）")
    assert text.returncode == 0, text.stderr
    assert "结果：未作答" in text.stdout

    # answering afterwards keeps the note when --note is not given
    answered = ok(cli("audit", "answer", a, "RUL.HANDBOOK", "不符合", "--json"))
    assert answered["result"] == "non_compliant"
    assert answered["note"] == "规章制度未见公示记录（复核）"
    after = ok(cli("audit", "score", a, "--json"))
    assert after["overall"]["non_compliant"] == before["overall"]["non_compliant"] + 1
    # and a note on an answered item keeps its answer
    again = ok(cli("audit", "note", a, "RUL.HANDBOOK", "已拍照", "--json"))
    assert (again["result"], again["note"]) == ("non_compliant", "已拍照")


def test_emptying_the_note_of_an_unanswered_item(cli: CliRunner) -> None:
    a = _audit(cli)
    ok(cli("audit", "note", a, "RUL.HANDBOOK", "先记一笔", "--json"))
    gone = ok(cli("audit", "note", a, "RUL.HANDBOOK", "", "--json"))
    assert gone == {"audit_id": a, "item_id": "RUL.HANDBOOK", "result": None, "note": ""}


def test_a_note_on_an_unknown_item_is_a_clear_error(cli: CliRunner) -> None:
    a = _audit(cli)
    done = cli("audit", "note", a, "NO.SUCH", "x")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "不在本次体检使用的清单版本中" in done.stderr
