from __future__ import annotations

from pathlib import Path

from tests.builders.payroll_files import HEADER, SheetSpec, employee_row, write_xlsx
from tests.cli.conftest import CliRunner
from tests.samples import PAYROLL_SAMPLES as SAMPLES


def test_inspect_json_has_the_documented_shape(cli: CliRunner) -> None:
    done = cli("payroll", "inspect", "--json", str(SAMPLES / "s2-titled-grouped.xlsx"),
               data_dir=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    [f] = done.json()["files"]
    assert f["file"] == "s2-titled-grouped.xlsx"
    [sheet] = f["sheets"]
    assert sheet["name"] == "工资"
    assert sheet["header_rows"] == [3, 4]
    assert sheet["columns"][0] == {
        "column": "A", "header": "工号", "field": "employee_id", "confidence": 1.0,
        "hidden": False, "source": "synonym", "source_label": "同义词", "note": "",
        "candidate": None,
    }  # fmt: skip
    assert sheet["periods"] == ["2025-07"]
    assert sheet["data_rows"] == 45
    assert {"row": 58, "reason": "total", "label": "合计行"} in sheet["skipped_rows"]
    assert sheet["problems"] == []


def test_inspect_text_names_the_broken_cell(cli: CliRunner, tmp_path: Path) -> None:
    rows = [list(HEADER), employee_row(1), employee_row(2)]
    rows[2][7] = "八千"
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])
    done = cli("payroll", "inspect", str(path), data_dir=False)
    assert done.returncode == 0, done.stderr
    assert "工资!H3：“八千” “八千”不是有效的金额" in done.stdout
    assert "数据行：2" in done.stdout


def test_import_then_list(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    audit_id = cli("audit", "list", "--json").json()[0]["id"]
    done = cli("payroll", "import", "--audit", audit_id, "--json", str(SAMPLES / "s3-gbk.csv"))
    assert done.returncode == 0, done.stderr
    data = done.json()
    assert data["imported_rows"] == 40
    assert data["periods"] == ["2025-08"]
    listed = cli("payroll", "list", "--audit", audit_id, "--json").json()
    assert [(i["file"], i["rows"]) for i in listed] == [("s3-gbk.csv", 40)]


def test_period_override_and_mapping_file(cli: CliRunner, tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "奇怪的列"], ["E1", "张三", "仓储部", 5000]]
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("Sheet1", rows)])
    mapping = tmp_path / "m.json"
    mapping.write_text('{"奇怪的列": "base_pay"}', encoding="utf-8")
    done = cli("payroll", "inspect", "--json", "--period", "2025-02", "--mapping", str(mapping),
               str(path), data_dir=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = done.json()["files"][0]["sheets"][0]
    assert sheet["periods"] == ["2025-02"]
    assert sheet["columns"][3]["field"] == "base_pay"
    assert sheet["columns"][3]["source"] == "user"


def test_unreadable_file_exits_2_naming_it(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "工资表.xls"
    path.write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
    done = cli("payroll", "inspect", str(path), data_dir=False)
    assert done.returncode == 2
    assert "工资表.xls" in done.stderr
    assert "另存为 .xlsx" in done.stderr


def test_bad_period_argument(cli: CliRunner) -> None:
    done = cli("payroll", "inspect", "--period", "2025-7", "x.xlsx", data_dir=False)
    assert done.returncode == 2
    assert "不是有效的工资月份" in done.stderr


def test_import_into_unknown_audit(cli: CliRunner) -> None:
    done = cli("payroll", "import", "--audit", "nope", str(SAMPLES / "s3-gbk.csv"))
    assert done.returncode == 2
    assert "体检" in done.stderr


def test_check_json_shape_and_exact_findings(cli: CliRunner) -> None:
    done = cli(
        "payroll", "check", "--json", str(SAMPLES / "s2-titled-grouped.xlsx"), data_dir=False
    )
    assert done.returncode == 0, done.stderr
    data = done.json()
    assert data["region"] == "shanghai"
    assert data["rows"] == 45
    assert data["periods"] == ["2025-07"]
    assert data["rules_skipped"] == []
    assert len(data["findings"]) == 14
    child = next(f for f in data["findings"] if f["rule"] == "AGE.CHILD_LABOR")
    assert child["employee_id"] == "E0041"
    assert child["severity"] == "critical"
    assert child["amount"] == "5000.00"
    assert child["source"] == {"file": "s2-titled-grouped.xlsx", "sheet": "工资", "row": 17}
    assert child["legal_basis"][0]["text"] == "《劳动法》第十五条"


def test_check_states_skipped_rules(cli: CliRunner, tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "应发工资"], ["E1", "张三", "仓储部", 2000]]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("Sheet1", rows)])
    done = cli("payroll", "check", str(path), data_dir=False)
    assert done.returncode == 0, done.stderr
    assert "未运行 PAY.OT_UNDERPAID（加班费低于法定标准）：缺少列：加班费" in done.stdout
    assert "低于 2025-07 上海最低工资 2,740.00 元" in done.stdout


def test_check_unreadable_input_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    done = cli("payroll", "check", str(path), data_dir=False)
    assert done.returncode == 2
    assert "空.csv" in done.stderr


def test_check_an_audit(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    audit_id = cli("audit", "list", "--json").json()[0]["id"]
    assert (
        cli("payroll", "import", "--audit", audit_id, str(SAMPLES / "s3-gbk.csv")).returncode == 0
    )
    data = cli("payroll", "check", "--audit", audit_id, "--json").json()
    # the sample's 14 expected findings; E0029's overtime is two: 高 on the minimum-wage floor,
    # and 中/待核实 for what more is due if the contract wage is the estimate
    assert len(data["findings"]) == 15
    overtime = [f for f in data["findings"] if f["rule"] == "PAY.OT_UNDERPAID"]
    assert sorted((f["severity"], f["certainty"]) for f in overtime) == [
        ("high", "definite"), ("medium", "depends")]  # fmt: skip


def test_report_command(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("demo").returncode == 0
    audit_id = cli("audit", "list", "--json").json()[0]["id"]
    out = tmp_path / "报告.docx"
    done = cli("report", audit_id, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert "已生成" in done.stdout
    bad = tmp_path / "t.docx"
    bad.write_bytes(b"x")
    done = cli("report", audit_id, "-o", str(tmp_path / "r2.docx"), "--template", str(bad))
    assert done.returncode == 2
    assert "t.docx" in done.stderr


def test_followups_due_and_ics_after_demo(cli: CliRunner, tmp_path: Path) -> None:
    from icalendar import Calendar

    assert cli("demo").returncode == 0
    due = cli("followups", "due", "--json", "--within", "30").json()
    kinds = {(d["kind"], d["overdue"]) for d in due}
    assert ("followup", True) in kinds  # one follow-up overdue
    assert ("letter", False) in kinds  # the 意见书 clock is running
    out = tmp_path / "跟诊.ics"
    assert cli("followups", "ics", "-o", str(out)).returncode == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == 3  # two follow-ups and the letter deadline
    board = cli("dashboard", "--json").json()
    assert board["found"] == 3
    assert board["closed"] == 1


def test_followup_visit_from_the_cli(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    last_year = cli("audit", "list", "--json").json()[1]["id"]
    open_ = cli("followups", "open", "--audit", last_year, "--json").json()
    assert len(open_) == 2
    done = cli("followups", "visit", "--audit", last_year, "--date", "2026-12-01",
               "--fixed", open_[0]["ref"], "--not-fixed", open_[1]["ref"], "--due", "2027-01-31")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "尚未关闭 1 项" in done.stdout
    [left] = cli("followups", "open", "--audit", last_year, "--json").json()
    assert (left["ref"], left["due_date"]) == (open_[1]["ref"], "2027-01-31")
    bad = cli("followups", "visit", "--audit", last_year, "--fixed", "XXXXXXXX")
    assert bad.returncode == 2
    assert "XXXXXXXX" in bad.stderr
    board = cli("dashboard", "--json").json()
    assert (board["found"], board["closed"]) == (3, 2)


def test_inspect_shows_sources_reasons_and_withheld_guesses(cli: CliRunner, tmp_path: Path) -> None:
    rows = [
        ["工号", "姓名", "应发工资", "累计应发工资", "养老保险个人费率", "应发工资合计数额"],
        ["E1", "张三", 8000, 56000, 0.08, 8000],
    ]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])
    done = cli("payroll", "inspect", "--json", str(path), data_dir=False)
    assert done.returncode == 0, done.stderr
    columns = {c["column"]: c for c in done.json()["files"][0]["sheets"][0]["columns"]}
    assert columns["C"]["source"] == "synonym"
    assert columns["D"]["field"] is None
    assert columns["D"]["note"] == "累计数，不是本月金额"
    assert columns["E"]["field"] is None
    assert "费率" in columns["E"]["note"]
    text = cli("payroll", "inspect", str(path), data_dir=False).stdout
    assert "D 累计应发工资 → —（不导入） · 候选“应发工资”" in text


def test_unconfirmed_guess_is_withheld_until_accepted(cli: CliRunner, tmp_path: Path) -> None:
    rows = [["工号", "姓名", "实发数", "应发工资小记"], ["E1", "张三", 2000, 2000]]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])
    plain = cli("payroll", "inspect", "--json", str(path), data_dir=False).json()
    [guess] = [c for c in plain["files"][0]["sheets"][0]["columns"] if c["column"] == "D"]
    assert guess["source"] == "guess"
    assert guess["field"] is None
    assert guess["candidate"] == "gross_pay"
    assert "需确认" in guess["note"]
    checked = cli("payroll", "check", "--json", str(path), data_dir=False).json()
    assert "PAY.MIN_WAGE" not in {f["rule"] for f in checked["findings"]}
    accepted = cli("payroll", "check", "--json", "--accept-guesses", str(path),
                   data_dir=False).json()  # fmt: skip
    assert "PAY.MIN_WAGE" in {f["rule"] for f in accepted["findings"]}


def test_refused_file_still_prints_json(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "工资.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    done = cli("payroll", "inspect", "--json", str(path), data_dir=False)
    assert done.returncode == 2
    error = done.json()["error"]
    assert "PDF" in error["message"]
    assert error["location"] == str(path)
