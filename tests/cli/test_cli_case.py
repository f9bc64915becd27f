"""``auditdesk case export|import`` between two data dirs, with conflicts and a sealed file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.conftest import CliRunner


def _two(cli: CliRunner, tmp_path: Path) -> tuple[list[str], list[str]]:
    laptop = ["--data-dir", str(tmp_path / "laptop")]
    office = ["--data-dir", str(tmp_path / "office")]
    assert cli("demo", *laptop, data_dir=False).returncode == 0
    return laptop, office


def test_export_import_and_conflicts(cli: CliRunner, tmp_path: Path) -> None:
    laptop, office = _two(cli, tmp_path)
    company = cli("company", "list", "--json", *laptop, data_dir=False).json()[0]["id"]
    file = tmp_path / "嘉研.adcase"
    out = cli("case", "export", "--company", company, "-o", str(file), *laptop, data_dir=False)
    assert out.returncode == 0, out.stderr
    assert "体检 2 次，问题 3 条" in out.stdout

    dry = cli("case", "import", str(file), "--dry-run", *office, data_dir=False)
    assert dry.returncode == 0, dry.stderr
    assert "预览（未写入）" in dry.stdout
    assert cli("company", "list", "--json", *office, data_dir=False).json() == []

    done = cli("case", "import", str(file), *office, data_dir=False)
    assert done.returncode == 0, done.stderr
    assert "企业：新增 1" in done.stdout
    again = cli("case", "import", str(file), *office, data_dir=False)
    assert "没有需要导入的内容" in again.stdout

    # both sides change the company's contact
    for side, phone in (("laptop", "13800000001"), ("office", "13900000002")):
        db = sqlite3.connect(tmp_path / side / "auditdesk.db")
        db.execute("update companies set contact_phone = ?, updated_at = ?",
                   (phone, f"2026-11-28T0{len(side)}:00:00.000000+00:00"))  # fmt: skip
        db.commit()
        db.close()
    cli("case", "export", "--company", company, "-o", str(file), *laptop, data_dir=False)
    stopped = cli("case", "import", str(file), *office, data_dir=False)
    assert stopped.returncode == 2
    assert "1 处记录在两边都被修改过" in stopped.stderr
    assert "13900000002" in stopped.stderr
    assert "13800000001" in stopped.stderr
    dry = cli("case", "import", str(file), "--dry-run", *office, data_dir=False)
    assert dry.returncode == 1
    assert "冲突：企业" in dry.stdout
    taken = cli("case", "import", str(file), "--prefer", "theirs", *office, data_dir=False)
    assert taken.returncode == 0, taken.stderr
    [row] = cli("company", "list", "--json", *office, data_dir=False).json()
    assert row["contact_phone"] == "13800000001"


def test_sealed_case_with_passphrase_from_the_environment(cli: CliRunner, tmp_path: Path) -> None:
    laptop, office = _two(cli, tmp_path)
    company = cli("company", "list", "--json", *laptop, data_dir=False).json()[0]["id"]
    file = tmp_path / "sealed.adcase"
    secret = {"AUDITDESK_CASE_PASSPHRASE": "工会办公室-2026"}
    out = cli("case", "export", "--company", company, "-o", str(file), "--encrypt", *laptop,
              data_dir=False, env=secret)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "已加密" in out.stdout
    wrong = cli("case", "import", str(file), *office, data_dir=False,
                env={"AUDITDESK_CASE_PASSPHRASE": "猜的口令12345"})  # fmt: skip
    assert wrong.returncode == 2
    assert "口令错误" in wrong.stderr
    right = cli("case", "import", str(file), *office, data_dir=False, env=secret)
    assert right.returncode == 0, right.stderr
