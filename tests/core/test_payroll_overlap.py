"""A corrected payroll imported beside the first (a second file for the same employees and months)
is kept — a 补发 file may rightly sit beside the month's payroll — but the import says so, naming
the earlier file, the people and months both hold, and ``payroll remove``: otherwise every
threshold adds the two files up silently (issue: a child's month showed a 10,000-yuan fine twice)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.services import audits, companies, payroll
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import SheetSpec, write_xlsx

HEADER = ["工号", "姓名", "身份证号", "应发工资", "实发工资"]
PEOPLE = [
    ["E01", "张三", "310101199001011234", 6000, 5200],
    ["E02", "李四", "310101199202022345", 6500, 5600],
    ["E03", "王五", "", 7000, 6100],
]


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海更正机械有限公司"))
    return audits.start_audit(ws, company.id)


def _file(tmp_path: Path, name: str, sheet: str, people: list[list[object]]) -> Path:
    return write_xlsx(tmp_path / name, [SheetSpec(sheet, [HEADER, *people])])


def test_a_corrected_file_beside_the_first_is_named_with_the_shared_months(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    first = payroll.import_payroll(
        ws, audit.id, [_file(tmp_path, "7月工资.xlsx", "2025年7月", PEOPLE)]
    )
    assert first.overlaps == []
    corrected = [[*p[:3], p[3] + 100, p[4] + 100] for p in PEOPLE[:2]]
    second = payroll.import_payroll(
        ws, audit.id, [_file(tmp_path, "7月工资（更正）.xlsx", "2025年7月", corrected)]
    )
    [warning] = second.overlaps
    assert "7月工资.xlsx" in warning
    assert "2 名员工" in warning
    assert "2025-07" in warning
    assert "payroll remove" in warning
    assert len(payroll.load_rows(ws, audit.id)) == 5  # both kept: a 补发 file is lawful
    august = payroll.import_payroll(
        ws, audit.id, [_file(tmp_path, "8月工资.xlsx", "2025年8月", PEOPLE)]
    )
    assert august.overlaps == []  # another month: no overlap


def test_re_importing_the_same_file_replaces_it_without_an_overlap(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    path = _file(tmp_path, "7月工资.xlsx", "2025年7月", PEOPLE)
    payroll.import_payroll(ws, audit.id, [path])
    again = payroll.import_payroll(ws, audit.id, [path])
    assert again.replaced == 1
    assert again.overlaps == []


def test_the_cli_prints_the_overlap(
    ws: Workspace, audit: Audit, tmp_path: Path, data_dir: Path
) -> None:
    payroll.import_payroll(ws, audit.id, [_file(tmp_path, "7月工资.xlsx", "2025年7月", PEOPLE)])
    corrected = _file(tmp_path, "7月工资（更正）.xlsx", "2025年7月", PEOPLE[:1])
    run = [sys.executable, "-m", "auditdesk", "--data-dir", str(data_dir), "payroll", "import",
           "--audit", audit.id, str(corrected)]  # fmt: skip
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "与已导入的“7月工资.xlsx”" in done.stdout
    assert "1 名员工" in done.stdout
    as_json = subprocess.run([*run, "--json"], capture_output=True, text=True, check=False)
    assert as_json.returncode == 0, as_json.stderr
    [again] = json.loads(as_json.stdout)["overlaps"]  # replaced itself; the first file stays
    assert "7月工资.xlsx" in again
    # the command the warning gives removes the earlier file, and then nothing overlaps
    hint = re.search(r"auditdesk (payroll remove --audit \S+ \S+) 移除", again)
    assert hint is not None, again
    removed = subprocess.run(
        [sys.executable, "-m", "auditdesk", "--data-dir", str(data_dir), *hint[1].split()],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert removed.returncode == 0, removed.stderr
    assert [i.file_name for i in payroll.list_imports(ws, audit.id)] == ["7月工资（更正）.xlsx"]
    final = subprocess.run([*run, "--json"], capture_output=True, text=True, check=False)
    assert json.loads(final.stdout)["overlaps"] == []
