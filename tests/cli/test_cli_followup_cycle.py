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
