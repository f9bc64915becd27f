"""One employee's same problem across months as one finding (issue 18, point 11)."""

from __future__ import annotations

import pytest

from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.rules.review import merged_refs, overlaps, ref_range
from auditdesk.services import audits, companies, payroll, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

JUNE, JULY = "PAY.MIN_WAGE@2025-06", "PAY.MIN_WAGE@2025-07"


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s1-simple.xlsx"])
    return audit


def test_refs() -> None:
    assert ref_range("PAY.LATE@2025-05..2025-07") == ("PAY.LATE", "2025-05", "2025-07")
    assert ref_range(JUNE) == ("PAY.MIN_WAGE", "2025-06", "2025-06")
    assert merged_refs([JULY, JUNE, "PAY.LATE@2025-07"]) == [
        "PAY.MIN_WAGE@2025-06..2025-07", "PAY.LATE@2025-07"]  # fmt: skip
    assert overlaps("PAY.MIN_WAGE@2025-06..2025-07", JULY)
    assert not overlaps("PAY.MIN_WAGE@2025-06..2025-07", "PAY.MIN_WAGE@2025-08")
    assert not overlaps("PAY.LATE@2025-07", JULY)


def test_merged_adoption_makes_one_finding_and_marks_both_months(
    ws: Workspace, audit: Audit
) -> None:
    review = payroll.review_audit(ws, audit.id)
    [finding] = payroll.adopt_refs(ws, audit.id, review, [JUNE, JULY], merge=True)
    assert finding.origin_ref == "PAY.MIN_WAGE@2025-06..2025-07"
    assert "2 名员工 2025-06 至 2025-07 工资低于最低工资标准" in finding.title
    assert "E0042" in finding.facts
    assert "2025-06" in finding.facts
    assert sorted(finding.subjects or []) == sorted(
        {*review.group(JUNE).persons, *review.group(JULY).persons}  # type: ignore[union-attr]
    )
    marks = payroll.adoption_marks(ws, audit.id, review)
    assert marks[JUNE].code == marks[JULY].code == finding.code
    assert marks[JUNE].label == f"已转为问题 {finding.code}（多月合并）"
    assert payroll.stale_findings(ws, audit.id, review) == {}
    # adopting one of its months again refreshes the merged finding, never a second one
    payroll.adopt_refs(ws, audit.id, review, [JULY])
    assert [f.origin_ref for f in visit.list_findings(ws, audit.id)] == [finding.origin_ref]


def test_merging_months_already_adopted_keeps_the_first_number(ws: Workspace, audit: Audit) -> None:
    review = payroll.review_audit(ws, audit.id)
    june, july = payroll.adopt_refs(ws, audit.id, review, [JUNE, JULY])
    assert payroll.adoption_marks(ws, audit.id, review)[JULY].label == f"已转为问题 {july.code}"
    [merged] = payroll.adopt_refs(ws, audit.id, review, [JUNE, JULY], merge=True)
    assert merged.id == june.id
    assert merged.code == june.code
    found = {f.id: f for f in visit.list_findings(ws, audit.id)}
    assert not found[june.id].dismissed
    assert found[july.id].dismissed
    assert found[july.id].dismissed_reason == f"已并入 {june.code}（多月合并）"
    history = visit.history(ws, audit.id, july.id)
    assert any(c.field == "dismissed" and june.code in (c.new_value or "") for c in history)


def test_an_unknown_ref_is_refused_in_chinese(ws: Workspace, audit: Audit) -> None:
    from auditdesk.errors import AuditDeskError

    review = payroll.review_audit(ws, audit.id)
    with pytest.raises(AuditDeskError, match=r"工资核查中没有分组“PAY\.LATE@2024-01”"):
        payroll.adopt_refs(ws, audit.id, review, ["PAY.LATE@2024-01"])
