"""``auditdesk backup``: the daily automatic backup, create/list/verify/restore from the shell."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliRunner


def test_first_command_of_the_day_takes_one_automatic_backup(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    assert cli("company", "list").returncode == 0
    listed = cli("backup", "list", "--json").json()
    assert [b["kind"] for b in listed] == ["auto"]


def test_restore_needs_yes_and_brings_the_old_state_back(cli: CliRunner, tmp_path: Path) -> None:
    cli("demo")
    file = tmp_path / "有演示数据.adbackup"
    created = cli("backup", "create", "-o", str(file))
    assert created.returncode == 0, created.stderr
    assert "企业 1 家" in created.stdout
    company = cli("company", "list", "--json").json()[0]["id"]
    assert cli("company", "delete", company, "--yes").returncode == 0
    assert cli("company", "list", "--json").json() == []

    dry = cli("backup", "restore", str(file))
    assert dry.returncode == 0
    assert "确认请加 --yes" in dry.stdout
    assert cli("company", "list", "--json").json() == []

    done = cli("backup", "restore", str(file), "--yes")
    assert done.returncode == 0, done.stderr
    assert "原数据库已保存在" in done.stdout
    assert [c["name"] for c in cli("company", "list", "--json").json()] == [
        "上海嘉研精密部件有限公司"
    ]
    assert cli("backup", "verify").returncode == 0
    assert cli("backup", "verify", str(file)).returncode == 0


def test_corrupt_database_verify_fails_and_restore_latest_repairs(
    cli: CliRunner, tmp_path: Path
) -> None:
    cli("demo")
    cli("backup", "create")
    db = tmp_path / "cli-data" / "auditdesk.db"
    with db.open("r+b") as fh:
        fh.seek(8192)
        fh.write(b"\x07" * (db.stat().st_size - 12288))
    bad = cli("backup", "verify")
    assert bad.returncode == 1
    assert "未通过完整性检查" in bad.stdout
    fixed = cli("backup", "restore", "latest", "--yes")
    assert fixed.returncode == 0, fixed.stderr
    assert cli("backup", "verify").returncode == 0
    assert [c["name"] for c in cli("company", "list", "--json").json()] == [
        "上海嘉研精密部件有限公司"
    ]


def test_unknown_backup_is_a_user_error(cli: CliRunner) -> None:
    cli("demo")
    run = cli("backup", "restore", "nope")
    assert run.returncode == 2
    assert "找不到备份“nope”" in run.stderr
