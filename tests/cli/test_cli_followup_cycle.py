"""``followups visit --followup``: the visit replaces the planned follow-ups it fulfils."""

from __future__ import annotations

from datetime import date

from tests.cli.conftest import CliRunner


def test_a_visit_leaves_no_stale_follow_up_on_the_due_list(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    last_year = cli("audit", "list", "--json").json()[1]["id"]
    due = cli("followups", "due", "--json", "--within", "60").json()
    planned = [d for d in due if d["kind"] == "followup"]
    assert [d["overdue"] for d in planned] == [True, False]
    assert all(d["audit_id"] == last_year for d in planned)
    ahead = planned[1]["ref"]
    ref = cli("followups", "open", "--audit", last_year, "--json").json()[0]["ref"]
    done = cli("followups", "visit", "--audit", last_year, "--date", date.today().isoformat(),
               "--partly", ref, "--followup", ahead)  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = cli("followups", "due", "--json", "--within", "60").json()
    assert [d for d in after if d["kind"] == "followup"] == []
    findings = [d for d in after if d["kind"] == "finding"]
    assert findings
    assert all(d["text"].startswith("W") for d in findings)  # named by 问题编号


def test_a_visit_takes_the_findings_by_the_number_printed_on_the_documents(
    cli: CliRunner,
) -> None:
    """The letters, the 整改建议书 and the 整改台账 say 问题 W01: ``open`` shows it and ``visit``
    takes it (it said “问题编号 W01 不是该体检未关闭的问题” of an open finding)."""
    assert cli("demo").returncode == 0
    last_year = cli("audit", "list", "--json").json()[1]["id"]
    first, second = cli("followups", "open", "--audit", last_year, "--json").json()
    assert first["code"].startswith("W")
    listed = cli("followups", "open", "--audit", last_year).stdout
    assert listed.splitlines()[0].startswith(f"{first['code']}  {first['ref']}")
    done = cli("followups", "visit", "--audit", last_year, "--date", date.today().isoformat(),
               "--fixed", first["code"].lower(), "--not-fixed", second["code"],
               "--due", "2027-01-31")  # fmt: skip
    assert done.returncode == 0, done.stderr
    [left] = cli("followups", "open", "--audit", last_year, "--json").json()
    assert left["code"] == second["code"]
    again = cli("followups", "visit", "--audit", last_year, "--fixed", first["code"])
    assert again.returncode == 2
    assert f"问题编号 {first['code']} 不是该体检未关闭的问题" in again.stderr
