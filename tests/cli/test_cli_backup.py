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


# ------------------------------------------------------------------ issue 17
HOLDER = r"""
import sys
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies
from auditdesk.services.workspace import Workspace
ws = Workspace.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
companies.add_company(ws, CompanyInput(name="另一窗口保存的企业"))
print("saved", flush=True)
sys.stdin.read()
ws.close()
"""


def test_restore_is_refused_while_another_window_has_the_data_open(
    cli: CliRunner, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    cli("demo")
    assert cli("backup", "create").returncode == 0
    [snapshot] = [b["id"] for b in cli("backup", "list", "--json").json() if b["kind"] == "manual"]
    env = {k: v for k, v in os.environ.items() if k != "AUDITDESK_DATA_DIR"}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(cli.data_dir)],  # type: ignore[attr-defined]
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )  # fmt: skip
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "open"
        refused = cli("backup", "restore", snapshot, "--yes")
        assert refused.returncode == 2
        assert "另一个 AuditDesk 窗口或命令正在使用" in refused.stderr
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "saved"
    finally:
        holder.stdin.close()
        holder.wait(60)
    names = [c["name"] for c in cli("company", "list", "--json").json()]
    assert "另一窗口保存的企业" in names  # the other window's save is in the live database


def test_restore_latest_names_the_newer_backups_it_skipped(cli: CliRunner) -> None:
    cli("demo")
    assert cli("backup", "create").returncode == 0
    cli("company", "add", "--name", "上海第二家有限公司")
    import time

    time.sleep(1.1)  # a second snapshot, a second later
    assert cli("backup", "create").returncode == 0
    newest = cli("backup", "list", "--json").json()[0]
    with (Path(newest["path"]) / "auditdesk.db").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00" * 64)
    dry = cli("backup", "restore", "latest")
    assert dry.returncode == 0, dry.stderr
    assert f"已跳过较新的备份 {newest['id']}" in dry.stdout
    assert "与其清单不符" in dry.stdout
    assert "企业 1 家" in dry.stdout


def test_backup_file_unsealed_is_warned_and_sealed_with_encrypt(
    cli: CliRunner, tmp_path: Path
) -> None:
    cli("demo")
    plain = cli("backup", "create", "-o", str(tmp_path / "plain.adbackup"))
    assert plain.returncode == 0, plain.stderr
    assert "未加密" in plain.stderr
    env = {"AUDITDESK_CASE_PASSPHRASE": "工会备份口令2026"}
    sealed_file = tmp_path / "sealed.adbackup"
    sealed = cli("backup", "create", "-o", str(sealed_file), "--encrypt", env=env)
    assert sealed.returncode == 0, sealed.stderr
    assert "未加密" not in sealed.stderr
    assert "已加密" in sealed.stdout
    assert sealed_file.read_bytes().startswith(b"AUDITDESK-SEALED")
    company = cli("company", "list", "--json").json()[0]["id"]
    cli("company", "delete", company, "--yes")
    done = cli("backup", "restore", str(sealed_file), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert [c["name"] for c in cli("company", "list", "--json").json()] == [
        "上海嘉研精密部件有限公司"
    ]
