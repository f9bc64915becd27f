"""The core and the CLI run without Qt: PySide6 never gets imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
import sys
import auditdesk.services.companies, auditdesk.services.audits, auditdesk.services.demo
import auditdesk.cli
rc = auditdesk.cli.main(["demo", "--data-dir", sys.argv[1]])
rc2 = auditdesk.cli.main(["company", "list", "--json", "--data-dir", sys.argv[1]])
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "PySide6")
print("QT:" + ",".join(loaded))
sys.exit(rc or rc2)
"""


def test_core_and_cli_never_import_qt(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "QT:\n" in result.stdout, result.stdout.splitlines()[-1]
    assert "上海嘉研精密部件有限公司" in result.stdout
