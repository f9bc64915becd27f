"""``payroll remove --audit A IMPORT``: an import can be taken out of an audit."""

from __future__ import annotations

from tests.cli.conftest import CliRunner
from tests.samples import PAYROLL_SAMPLES


def test_remove_an_import(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    current, last_year = (a["id"] for a in cli("audit", "list", "--json").json())
    done = cli("payroll", "import", "--audit", current, str(PAYROLL_SAMPLES / "s1-simple.xlsx"))
    assert done.returncode == 0, done.stderr
    [imported] = cli("payroll", "list", "--audit", current, "--json").json()
    wrong = cli("payroll", "remove", "--audit", last_year, imported["id"][:8])
    assert wrong.returncode == 2
    assert "不是该体检" in wrong.stderr
    gone = cli("payroll", "remove", "--audit", current, imported["id"][:8], "--json")
    assert gone.returncode == 0, gone.stderr
    assert gone.json()["file"] == "s1-simple.xlsx"
    assert cli("payroll", "list", "--audit", current, "--json").json() == []
