"""The office's scheduled server backup (issue 20.7): the shipped systemd units and the README's
Windows task call a command line the CLI accepts; ``backup create --folder --keep-days`` and
``backup status --json`` on a server."""

from __future__ import annotations

import configparser
import os
import re
import shlex
from pathlib import Path

import pytest

from auditdesk.cli import build_parser
from auditdesk.cli.backups import cmd_backup_create
from tests.cli.conftest import CliRunner

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def _accepted(argv: list[str]) -> object:
    """Parse as the CLI would; argparse exits (SystemExit) on anything it does not accept."""
    assert Path(argv[0].replace("\\", "/")).name.removesuffix(".exe") == "auditdesk", argv[0]
    args = build_parser().parse_args(argv[1:])
    assert args.func is cmd_backup_create
    assert args.keep_days is not None
    assert args.keep_days > 0
    assert args.folder
    assert args.database
    assert args.data_dir
    return args


def test_the_systemd_units_run_the_backup_daily_with_a_command_the_cli_accepts() -> None:
    service = _unit("auditdesk-backup.service")
    assert service["Service"]["Type"] == "oneshot"
    argv = shlex.split(service["Service"]["ExecStart"])
    args = _accepted(argv)
    assert args.keep_days == 30  # type: ignore[attr-defined]
    assert args.database.startswith("postgresql+psycopg://")  # type: ignore[attr-defined]
    assert "%" not in service["Service"]["ExecStart"]  # systemd would expand it
    timer = _unit("auditdesk-backup.timer")
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "auditdesk-backup.service"
    calendar = timer["Timer"]["OnCalendar"]
    assert calendar == "daily" or re.fullmatch(r"\*-\*-\* \d\d:\d\d(:\d\d)?", calendar), calendar
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_readme_windows_task_runs_a_command_the_cli_accepts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [ln for ln in readme.splitlines() if ln.lstrip().startswith("schtasks /Create")]
    assert len(lines) == 1, lines
    line = lines[0]
    assert "/SC DAILY" in line
    task = re.search(r'/TR "(.*)" /ST', line)
    assert task is not None, line
    assert len(task.group(1)) <= 261, "schtasks refuses a /TR longer than 261 characters"
    # inside /TR the inner quotes are written \" (schtasks' own escaping)
    argv = shlex.split(task.group(1).replace('\\"', '"'), posix=True)
    _accepted(argv)


def test_keep_days_and_folder_are_for_a_server_only(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("backup", "create", "--keep-days", "30")
    assert run.returncode == 2
    assert "只用于服务器数据库" in run.stderr
    assert "Traceback" not in run.stderr
    status = cli("backup", "status", "--json")
    assert status.returncode == 1
    assert status.json()["backend"] == "sqlite"
    assert status.json()["stale"] is True


@pytest.fixture
def server(pg_database: str) -> dict[str, str]:
    return {"AUDITDESK_DATABASE": pg_database}


def test_scheduled_backup_on_a_server_then_status(
    cli: CliRunner, server: dict[str, str], tmp_path: Path
) -> None:
    before = cli("backup", "status", "--json", env=server)
    assert before.returncode == 1, before.stderr
    assert before.json()["last_backup"] is None
    assert "还没有备份记录" in before.json()["warning"]
    folder = tmp_path / "定时备份"
    made = cli("backup", "create", "--folder", str(folder), "--keep-days", "30", env=server)
    assert made.returncode == 0, made.stderr
    (backup,) = folder.iterdir()
    assert backup.name.endswith("-daily")
    assert (backup / "auditdesk.dump").is_file()
    after = cli("backup", "status", "--json", env=server)
    assert after.returncode == 0, after.stderr
    assert after.json()["stale"] is False
    assert after.json()["location"] == str(backup)
    text = cli("backup", "status", env=server)
    assert "最近一次备份：" in text.stdout
    assert str(backup) in text.stdout
    assert cli("backup", "verify", str(backup), env=server).returncode == 0
    listed = cli("backup", "list", "--folder", str(folder), "--json", env=server)
    assert listed.returncode == 0, listed.stderr
    assert [b["id"] for b in listed.json()] == [backup.name]
    assert listed.json()[0]["kind"] == "daily"
    assert backup.name in cli("backup", "list", "--folder", str(folder), env=server).stdout
    missing = cli("backup", "list", "--folder", str(tmp_path / "没有这个目录"), env=server)
    assert missing.returncode == 2
    assert "没有这个目录" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = cli("backup", "create", "--keep-days", "0", env=server)
    assert bad.returncode == 2
    assert "--keep-days 应在 1 到 3650 之间" in bad.stderr


def test_the_shells_database_never_reaches_a_test(cli: CliRunner) -> None:
    """An office's IT person runs the tests in a shell with AUDITDESK_DATABASE set to the real
    database: a test that does not ask for a server runs on its own local file, never on it
    (``backup create --keep-days`` above made a real backup of it, and pruned its folder)."""
    assert "AUDITDESK_DATABASE" not in os.environ
    run = cli("backup", "status", "--json")
    assert run.json()["backend"] == "sqlite"
