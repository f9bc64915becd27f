from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import MoneyKind
from auditdesk.models.payroll import PayrollField
from auditdesk.progress import CancelToken
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.services import audits, companies, payroll
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import SheetSpec, simple_sheet, write_xlsx
from tests.samples import PAYROLL_SAMPLES as SAMPLES


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    return audits.start_audit(ws, company.id)


def test_import_stores_rows_that_read_back_equal(ws: Workspace, audit: Audit) -> None:
    outcome = payroll.import_payroll(ws, audit.id, [SAMPLES / "s1-simple.xlsx"])
    assert len(outcome.result.rows) == 135
    stored = payroll.load_rows(ws, audit.id)
    assert stored == outcome.result.rows
    assert isinstance(stored[0].ot_pay, Decimal)
    [record] = payroll.list_imports(ws, audit.id)
    assert record.row_count == 135
    assert record.periods == ["2025-06", "2025-07", "2025-08"]
    assert record.report.sheets[0].data_rows == 135


def test_reimporting_the_same_file_replaces_it(ws: Workspace, audit: Audit) -> None:
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s3-gbk.csv"])
    again = payroll.import_payroll(ws, audit.id, [SAMPLES / "s3-gbk.csv"])
    assert again.replaced == 1
    assert len(payroll.list_imports(ws, audit.id)) == 1
    assert len(payroll.load_rows(ws, audit.id)) == 40


def test_rows_belong_to_their_audit(ws: Workspace, audit: Audit) -> None:
    other = audits.start_audit(ws, audit.company_id)
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s3-gbk.csv"])
    assert payroll.load_rows(ws, other.id) == []


def test_confirmed_mapping_becomes_the_company_profile(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    rows = [["工号", "姓名", "部门", "本月薪酬A"], ["E1", "赵六", "仓储部", 8800]]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("Sheet1", rows)])
    mapping_file = tmp_path / "map.json"
    mapping_file.write_text('{"columns": {"本月薪酬A": "应发工资"}}', encoding="utf-8")
    mapping = payroll.read_mapping_file(mapping_file)
    payroll.import_payroll(ws, audit.id, [path], mapping=mapping)
    # next month, no mapping given: the profile maps the column
    path2 = write_xlsx(tmp_path / "2025-08.xlsx", [SheetSpec("Sheet1", rows)])
    result = payroll.inspect_files(ws, [path2], company_id=audit.company_id)
    col = result.files[0].sheets[0].columns[3]
    assert (col.field, col.source) == (PayrollField.GROSS_PAY, "profile")
    outcome = payroll.import_payroll(ws, audit.id, [path2])
    assert outcome.result.rows[0].gross_pay == Decimal(8800)


def test_cancel_leaves_nothing_behind(ws: Workspace, audit: Audit) -> None:
    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith("保存"):
            token.cancel()

    with pytest.raises(Cancelled):
        payroll.import_payroll(
            ws, audit.id, [SAMPLES / "s1-simple.xlsx"], progress=progress, cancel=token
        )
    assert payroll.load_rows(ws, audit.id) == []
    assert payroll.list_imports(ws, audit.id) == []


def test_nothing_importable_is_a_clear_error(ws: Workspace, audit: Audit, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "工资.xlsx", [simple_sheet("Sheet1")])
    with pytest.raises(AuditDeskError) as info:
        payroll.import_payroll(ws, audit.id, [path])
    assert "无法确定工资月份" in info.value.message
    assert "工资.xlsx" in info.value.message


def test_a_bad_file_among_good_ones_stores_nothing(
    ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook at all\x00\x01")
    with pytest.raises(AuditDeskError) as info:
        payroll.import_payroll(ws, audit.id, [SAMPLES / "s1-simple.xlsx", bad])
    assert "坏.xlsx" in info.value.message
    assert payroll.load_rows(ws, audit.id) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"a": ', "不是有效的 JSON：第 1 行"),
        ('{"应发": "salary"}', "字段“salary”不存在"),
        ("[1, 2]", "格式应为"),
    ],
)
def test_bad_mapping_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "map.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AuditDeskError) as info:
        payroll.read_mapping_file(path)
    assert message in info.value.message
    assert "map.json" in info.value.message


def test_deleting_a_company_deletes_its_payroll(ws: Workspace, audit: Audit) -> None:
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s3-gbk.csv"])
    companies.delete_company(ws, audit.company_id)
    with ws.store.read() as tx:
        assert tx.count_rows("payroll_rows") == 0
        assert tx.count_rows("mapping_profiles") == 0


# ------------------------------------------------------------------ rules over an audit
def test_check_audit_uses_the_stored_rows_and_the_company_pay_day(
    ws: Workspace, audit: Audit
) -> None:
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s3-gbk.csv"])
    before = payroll.check_audit(ws, audit.id)
    late = [f for f in before.findings if f.rule == "PAY.LATE"]
    assert [f.employee_key for f in late] == ["E0030"]
    company = companies.get_company(ws, audit.company_id)
    companies.update_company(ws, company.id, company.to_input().model_copy(update={"pay_day": 5}))
    after = payroll.check_audit(ws, audit.id)
    late = [f for f in after.findings if f.rule == "PAY.LATE"]
    assert (
        len(late) > 1
    )  # everyone paid after the 5th of September is now late against the agreement
    assert all(f.severity.value in ("high", "medium") for f in late)


def test_a_group_becomes_one_report_finding_and_is_refreshed_not_duplicated(
    ws: Workspace, audit: Audit
) -> None:
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s1-simple.xlsx"])
    groups = payroll.group_findings(payroll.check_audit(ws, audit.id))
    group = next(g for g in groups if g.rule == "PAY.MIN_WAGE" and g.period == "2025-07")
    assert group.headline() == "1 名员工 2025-07 工资低于最低工资标准，应补发工资合计 1,845.30 元"
    finding = payroll.adopt_group(ws, audit.id, group)
    assert finding.origin_ref == "PAY.MIN_WAGE@2025-07"
    assert finding.money_at_stake == Decimal("1845.30")
    assert finding.money_kind is MoneyKind.WAGES_OWED
    with ws.store.read() as tx:
        assert tx.get_finding(finding.id).money_kind is MoneyKind.WAGES_OWED  # stored, read back
    assert "最低工资规定" in finding.legal_basis[0].law
    assert finding.remedy
    assert finding.consequence == RULES_BY_ID["PAY.MIN_WAGE"].consequence
    assert "劳动合同法第八十五条" in finding.consequence
    again = payroll.adopt_group(ws, audit.id, group)
    assert again.id == finding.id
    with ws.store.read() as tx:
        assert len(tx.list_findings(audit.id)) == 1


def test_check_files_refuses_when_nothing_is_readable(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "说明.xlsx", [SheetSpec("说明", [["本表无数据"]])])
    with pytest.raises(AuditDeskError) as info:
        payroll.check_files([path])
    assert "没有可检查的工资数据" in info.value.message
