"""One payroll review and one employee identity for every consumer (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditdesk.formatting import mask_id_number
from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.reports.context import build_context
from auditdesk.services import audits, companies, followups, payroll, reports
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import SheetSpec, id_number, write_xlsx

ID_A = id_number("31011419900101123")
ID_B = id_number("31011519850315002")
ID_C = id_number("31011619800707004")


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    return audits.start_audit(ws, company.id)


def _sheet(path: Path, period: str, rows: list[list[Any]], *, with_id: bool = True) -> Path:
    header = ["工号", "姓名", "身份证号", "基本工资", "应发工资"] if with_id else [
        "工号", "姓名", "基本工资", "应发工资"]  # fmt: skip
    return write_xlsx(path, [SheetSpec(period, [header, *rows], text_columns=[2])])


def test_report_appendix_shows_each_persons_own_id_across_two_files(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    # two subsidiaries' files: both number their employees from E001, so a lookup by 工号 + month
    # put one person's ID number beside the other person's name
    first = _sheet(tmp_path / "甲厂.xlsx", "2025-07", [["E001", "张三", ID_A, 2000, 2000]])
    second = _sheet(tmp_path / "乙厂.xlsx", "2025-07", [["E001", "李四", ID_B, 2100, 2100]])
    payroll.import_payroll(ws, audit.id, [first, second])
    # ID numbers are in the 内部资料 annex only (the report's appendix has 工号 + masked name)
    context = build_context(reports.gather(ws, audit.id), "annex")
    annex = {row["name"]: row["id_number"] for row in context["annex"]["rows"]}
    assert annex["张三"] == mask_id_number(ID_A)
    assert annex["李四"] == mask_id_number(ID_B)


def test_recheck_with_id_numbers_but_no_employee_numbers(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    header_rows = [["", "张三", ID_A, 2000, 2000], ["", "王五", ID_C, 9000, 9000]]
    july = _sheet(tmp_path / "7月.xlsx", "2025-07", header_rows)
    payroll.import_payroll(ws, audit.id, [july])
    review = payroll.review_audit(ws, audit.id)
    [group] = [g for g in review.groups if g.rule == "PAY.MIN_WAGE"]
    payroll.adopt_group(ws, audit.id, group)
    # August: 张三 is still under the minimum wage, and present
    august = _sheet(tmp_path / "8月.xlsx", "2025-08", [["", "张三", ID_A, 2100, 2100]])
    payroll.import_payroll(ws, audit.id, [august])
    [check] = followups.recheck_payroll(ws, audit.id)
    assert check.still == [mask_id_number(ID_A)]
    assert check.missing == []
    assert not check.fixed
    # September: paid properly → proposed as fixed, and not "missing"
    september = _sheet(tmp_path / "9月.xlsx", "2025-09", [["", "张三", ID_A, 3000, 3000]])
    payroll.import_payroll(ws, audit.id, [september])
    [check] = followups.recheck_payroll(ws, audit.id)
    assert check.still == []
    assert check.missing == []
    assert check.fixed


def test_a_reimport_marks_an_adopted_finding_instead_of_changing_it(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    path = tmp_path / "7月.xlsx"
    _sheet(path, "2025-07", [["E001", "张三", ID_A, 2000, 2000]])
    payroll.import_payroll(ws, audit.id, [path])
    review = payroll.review_audit(ws, audit.id)
    [group] = [g for g in review.groups if g.rule == "PAY.MIN_WAGE"]
    finding = payroll.adopt_group(ws, audit.id, group)
    assert finding.payroll_hash == group.content_hash
    assert payroll.adoption_states(ws, audit.id, review) == {group.ref: "adopted"}
    assert (
        "工资表已重新导入"
        not in build_context(reports.gather(ws, audit.id))["findings"][0]["facts"]
    )
    # the company sends a corrected file: same month, another amount
    _sheet(path, "2025-07", [["E001", "张三", ID_A, 2500, 2500]])
    payroll.import_payroll(ws, audit.id, [path])
    review = payroll.review_audit(ws, audit.id)
    assert payroll.adoption_states(ws, audit.id, review) == {group.ref: "changed"}
    facts = build_context(reports.gather(ws, audit.id))["findings"][0]["facts"]
    assert "工资表已重新导入" in facts
    assert "740.00" in facts  # the finding itself keeps what it said when adopted


def test_the_review_reads_rows_once_and_points_back_at_them(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    path = _sheet(tmp_path / "7月.xlsx", "2025-07", [["E001", "张三", ID_A, 2000, 2000]])
    payroll.import_payroll(ws, audit.id, [path])
    review = payroll.review_audit(ws, audit.id)
    [finding] = [f for f in review.result.findings if f.rule == "PAY.MIN_WAGE"]
    row = review.row_of(finding)
    assert row is not None
    assert row.id_number == ID_A
    assert finding.person.startswith("id:")
    assert ID_A not in finding.person  # the identity token never carries the ID number


def test_a_headline_never_states_a_probable_amount_as_owed(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    header = [
        "工号",
        "姓名",
        "身份证号",
        "基本工资",
        "绩效奖金",
        "工作日加班(小时)",
        "加班费",
        "应发工资",
    ]
    # 4,000 + 6,000: the floor-based 472.41 for 20 h is met by 689.66; only the 70 % estimate is short
    rows = [header, ["E001", "张三", ID_A, 4000, 6000, 20, 689.66, 10689.66]]
    path = write_xlsx(tmp_path / "8月.xlsx", [SheetSpec("2025-08", rows, text_columns=[2])])
    payroll.import_payroll(ws, audit.id, [path])
    [group] = [g for g in payroll.review_audit(ws, audit.id).groups if g.rule == "PAY.OT_UNDERPAID"]
    assert group.headline().endswith("待核实：应补发工资合计 517.24 元")
    finding = payroll.adopt_group(ws, audit.id, group)
    assert finding.money_at_stake is None  # nothing definite: no amount stated as at stake
    assert "待核实" in finding.title


def test_an_adopted_finding_keeps_the_caveat_of_each_line(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    """A row the company hid in its workbook: the import says “已导入并在问题中注明”, so the
    report finding (what the company and counsel read) must say it too."""
    header = ["工号", "姓名", "身份证号", "基本工资", "应发工资"]
    rows = [header, ["E001", "张三", ID_A, 9000, 9000], ["E002", "李四", ID_B, 1200, 1200]]
    path = write_xlsx(tmp_path / "7月.xlsx", [SheetSpec("2025-07", rows, text_columns=[2],
                                                         hidden_rows=[3])])  # fmt: skip
    payroll.import_payroll(ws, audit.id, [path])
    review = payroll.review_audit(ws, audit.id)
    [group] = [g for g in review.groups if g.rule == "PAY.MIN_WAGE"]
    assert group.findings[0].caveat == "该行在企业的工资表中被隐藏"
    finding = payroll.adopt_group(ws, audit.id, group)
    assert "E002（李四）" in finding.facts
    assert "（说明：该行在企业的工资表中被隐藏）" in finding.facts
    facts = build_context(reports.gather(ws, audit.id))["findings"][0]["facts"]
    assert "该行在企业的工资表中被隐藏" in facts
