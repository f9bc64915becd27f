"""``payroll check FILE`` touches no database: it must not load the store or SQLAlchemy (about
0.3 s of imports on a command that reads one file), nor Qt."""

from __future__ import annotations

import subprocess
import sys

from tests.samples import PAYROLL_SAMPLES

CHECK = """
import sys
import auditdesk.cli
rc = auditdesk.cli.main(["payroll", "check", "--json", sys.argv[1]])
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] in {"sqlalchemy", "alembic", "PySide6", "docx", "docxtpl"}
               or m.startswith("auditdesk.store"))
print("HEAVY:" + ",".join(heavy))
sys.exit(rc)
"""


def test_payroll_check_of_a_file_loads_no_store() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(PAYROLL_SAMPLES / "s1-simple.xlsx")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert '"rules_run"' in result.stdout  # the check really ran
    assert result.stdout.splitlines()[-1] == "HEAVY:", result.stdout.splitlines()[-1]
