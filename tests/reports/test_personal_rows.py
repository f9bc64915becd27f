"""The report's appendix and the 内部资料 annex list each affected employee-month once, and an
amount that rests on a fact the payroll cannot show is never printed as owed."""

from __future__ import annotations

from decimal import Decimal

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from auditdesk.models.common import Area
from auditdesk.models.finding import Certainty, MoneyKind, Severity
from auditdesk.models.payroll import CheckResult, PayrollFinding
from auditdesk.paths import shipped_dir
from auditdesk.reports.personal import annex_context, annex_rows, appendix_rows
from auditdesk.rules.review import PayrollReview


def _finding(employee: str, amount: str, certainty: Certainty, rule: str) -> PayrollFinding:
    return PayrollFinding(
        rule=rule, title="加班费低于法定标准" if rule == "PAY.OT_UNDERPAID" else "工资扣款超过法定限额",
        severity=Severity.HIGH if certainty is Certainty.DEFINITE else Severity.MEDIUM,
        area=Area.PAY, period="2025-08", employee_key=employee, person=f"emp:{employee}",
        employee_id=employee, employee_name="贾思霞" if employee == "E0044" else "顾伟娟",
        message="…", amount=Decimal(amount), money_kind=MoneyKind.WAGES_OWED, certainty=certainty,
    )  # fmt: skip


def _review() -> PayrollReview:
    findings = [  # one overtime shortfall owed on the minimum-wage floor, more if the contract says
        _finding("E0044", "377.93", Certainty.DEFINITE, "PAY.OT_UNDERPAID"),
        _finding("E0044", "772.41", Certainty.DEPENDS, "PAY.OT_UNDERPAID"),
        _finding("E0046", "1302.72", Certainty.DEPENDS, "PAY.DEDUCTION_CAP"),
    ]
    result = CheckResult(region="shanghai", rows=2, employees=2, periods=["2025-08"],
                         rules_run=["PAY.OT_UNDERPAID", "PAY.DEDUCTION_CAP"], findings=findings)  # fmt: skip
    return PayrollReview(result=result, rows=[], groups=[])


def test_the_appendix_lists_an_employee_month_once_per_problem() -> None:
    rows = appendix_rows(_review())
    assert [(r["employee"], r["rule"]) for r in rows] == [
        ("E0044", "加班费低于法定标准"),
        ("E0046", "工资扣款超过法定限额"),
    ]


def test_the_annex_marks_amounts_to_verify_and_keeps_them_apart() -> None:
    review = _review()
    rows = annex_rows(review, unmasked=False, mask_names=False)
    assert [r["employee"] for r in rows] == ["E0044", "E0046"]
    ot, deduction = (r["amount"] for r in rows)
    assert ot == "¥377.93\n应补发工资\n待核实：¥772.41\n应补发工资"
    assert deduction == "待核实：¥1,302.72\n应补发工资"
    assert annex_context(review, unmasked=False, mask_names=False)["more"] == ""


def test_the_annex_columns_hold_their_values_on_one_line() -> None:
    """At the 10 pt cell size with Word's 0.19 cm cell margins: a three-character name, an
    18-character ID number and 2025-07 (digits half an em) each fit their column; the table
    fits the page (A4 landscape: seven columns)."""
    d = docx.Document(str(shipped_dir("report_templates") / "personal_annex.docx"))
    section = d.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    table = d.tables[0]
    headers = [c.text for c in table.rows[0].cells]
    widths = dict(zip(headers, (int(c.w) for c in table._tbl.tblGrid.gridCol_lst), strict=True))
    margins = 2 * Mm(1.9)
    assert widths["姓名"] >= 3 * Pt(10) + margins
    assert widths["身份证号"] >= 18 * Pt(6) + margins  # with room for a wider Latin font
    assert widths["月份"] >= 7 * Pt(6) + margins
    assert widths["金额"] >= 10 * Pt(10) + margins  # （应补缴社保公积金）
    assert sum(widths.values()) <= section.page_width - section.left_margin - section.right_margin
