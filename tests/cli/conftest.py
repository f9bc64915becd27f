from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


CliRunner = Callable[..., Run]


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``python -m auditdesk`` in a subprocess against a temp data dir (unless given one)."""
    data = tmp_path / "cli-data"

    def run(*args: str, env: dict[str, str] | None = None, data_dir: bool = True) -> Run:
        full_env = {k: v for k, v in os.environ.items() if k != "AUDITDESK_DATA_DIR"}
        full_env["PYTHONIOENCODING"] = "utf-8"
        full_env.update(env or {})
        argv = [sys.executable, "-m", "auditdesk", *args]
        if data_dir:
            argv += ["--data-dir", str(data)]
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            timeout=120,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    run.data_dir = data  # type: ignore[attr-defined]
    return run
