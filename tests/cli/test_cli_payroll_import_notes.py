"""``payroll check FILE`` says what the import of the files says: rows left out, columns added,
people the rules cannot tell apart, each naming the file, sheet and row or cell."""

from __future__ import annotations

from pathlib import Path

from tests.builders.payroll_files import SheetSpec, write_xlsx
from tests.cli.conftest import CliRunner


def test_check_of_files_prints_the_import_remarks_and_unreadable_cells(
    cli: CliRunner, tmp_path: Path
) -> None:
    rows = [["2025年12月—2026年1月工资表"], ["月份", "姓名", "部门", "基本工资", "应发工资"],
            ["12月", "张伟", "生产部", 5000, 5000], ["12月", "张伟", "销售部", 6000, 6000],
            ["6月", "李娜", "生产部", 5000, 5000]]  # fmt: skip
    path = write_xlsx(tmp_path / "跨年.xlsx", [SheetSpec("Sheet1", rows)])
    done = cli("payroll", "check", str(path), data_dir=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    namesakes = next(line for line in lines if "同名“张伟”" in line)
    assert namesakes.startswith("导入说明：跨年.xlsx 工作表「Sheet1」：")
    assert "Sheet1!3 生产部" in namesakes
    assert "Sheet1!4 销售部" in namesakes
    assert any(line.startswith("无法读取：跨年.xlsx Sheet1!A5：“6月”") for line in lines)
    data = cli("payroll", "check", "--json", str(path), data_dir=False).json()
    assert any("张伟" in r["remark"] and r["sheet"] == "Sheet1" for r in data["remarks"])


def test_a_finding_on_a_person_known_only_by_name_names_them_once(
    cli: CliRunner, tmp_path: Path
) -> None:
    rows = [["姓名", "部门", "基本工资", "应发工资", "实发工资"],
            ["王芳", "生产部", 2000, 2000, 2000]]  # fmt: skip
    path = write_xlsx(tmp_path / "姓名.xlsx", [SheetSpec("Sheet1", rows)])
    done = cli("payroll", "check", "--period", "2025-07", str(path), data_dir=False)
    assert done.returncode == 0, done.stderr
    finding = next(line for line in done.stdout.splitlines() if " PAY.MIN_WAGE " in line)
    assert finding.split("PAY.MIN_WAGE ", 1)[1].startswith("王芳  "), finding
    assert "王芳（王芳）" not in done.stdout
