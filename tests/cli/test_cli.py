"""The command line, run as a user would: a subprocess against a temp data dir, parsing --json."""

from __future__ import annotations

from pathlib import Path

from auditdesk import __version__
from tests.cli.conftest import CliRunner


def test_version(cli: CliRunner) -> None:
    done = cli("--version", data_dir=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"AuditDesk {__version__}"


def test_demo_then_company_list_json(cli: CliRunner) -> None:
    done = cli("demo")
    assert done.returncode == 0, done.stderr
    assert "已载入演示数据" in done.stdout
    rows = cli("company", "list", "--json").json()
    assert len(rows) == 1
    assert rows[0]["name"] == "上海嘉研精密部件有限公司"
    assert rows[0]["audit_count"] == 2  # this year's audit in progress, last year's in 跟诊
    assert rows[0]["headcount"] == 186
    again = cli("demo", "--json").json()
    assert again["created"] is False
    audits = cli("audit", "list", "--json").json()
    assert [a["status"] for a in audits] == ["in_progress", "diagnosed"]


def test_data_dir_option_before_the_command_and_env(cli: CliRunner, tmp_path: Path) -> None:
    env_dir = tmp_path / "from-env"
    assert cli("demo", env={"AUDITDESK_DATA_DIR": str(env_dir)}, data_dir=False).returncode == 0
    assert (env_dir / "auditdesk.db").exists()
    flag_dir = tmp_path / "from-flag"
    done = cli("--data-dir", str(flag_dir), "company", "list", "--json", data_dir=False)
    assert done.returncode == 0
    assert done.json() == []
    assert (flag_dir / "auditdesk.db").exists()


def test_company_add_and_list(cli: CliRunner) -> None:
    done = cli(
        "company",
        "add",
        "--name",
        "上海测试有限公司",
        "--credit-code",
        "91350200776049653a",
        "--headcount",
        "35",
        "--town",
        "安亭镇",
        "--has-union",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    added = done.json()
    assert added["credit_code"] == "91350200776049653A"
    assert added["has_union"] is True
    rows = cli("company", "list", "--json", "--search", "安亭").json()
    assert [r["id"] for r in rows] == [added["id"]]
    assert "上海测试有限公司" in cli("company", "list").stdout


def test_invalid_company_is_refused_in_chinese(cli: CliRunner) -> None:
    done = cli(
        "company",
        "add",
        "--name",
        "甲",
        "--credit-code",
        "91350200776049653B",
        "--headcount",
        "许多",
    )
    assert done.returncode == 2
    assert "统一社会信用代码：统一社会信用代码校验位不符（第 18 位应为 A）" in done.stderr
    assert "职工人数：" in done.stderr
    assert "Traceback" not in done.stderr
    assert cli("company", "list", "--json").json() == []


def test_duplicate_credit_code(cli: CliRunner) -> None:
    assert (
        cli("company", "add", "--name", "甲", "--credit-code", "91350200776049653A").returncode == 0
    )
    done = cli("company", "add", "--name", "乙", "--credit-code", "91350200776049653A")
    assert done.returncode == 2
    assert "已登记为“甲”" in done.stderr


def test_unknown_arguments_and_commands(cli: CliRunner) -> None:
    done = cli("company", "list", "--frobnicate")
    assert done.returncode == 2
    assert "无法识别的参数：--frobnicate" in done.stderr
    done = cli("compnay")
    assert done.returncode == 2
    assert "无效" in done.stderr
    assert "compnay" in done.stderr
    done = cli("company", "add")
    assert done.returncode == 2
    assert "缺少必需的参数：--name" in done.stderr


def test_delete_needs_confirmation(cli: CliRunner) -> None:
    company_id = cli("demo", "--json").json()["company"]["id"]
    done = cli("company", "delete", company_id)
    assert done.returncode == 2
    assert "--yes" in done.stderr
    assert len(cli("company", "list", "--json").json()) == 1
    done = cli("company", "delete", company_id, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert done.json()["audits"] == 2
    assert cli("company", "list", "--json").json() == []
    assert cli("company", "delete", company_id, "--yes").returncode == 2


def test_corrupt_database_is_reported_and_untouched(cli: CliRunner) -> None:
    data: Path = cli.data_dir  # type: ignore[attr-defined]
    data.mkdir()
    db = data / "auditdesk.db"
    db.write_bytes(b"\x00garbage" * 512)
    done = cli("company", "list")
    assert done.returncode == 2
    assert "数据库文件已损坏或不是 AuditDesk 数据库" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == b"\x00garbage" * 512


def test_unwritable_data_dir(cli: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = cli("company", "list", "--data-dir", str(blocker / "sub"), data_dir=False)
    assert done.returncode == 2
    assert "无法创建或使用数据目录" in done.stderr
