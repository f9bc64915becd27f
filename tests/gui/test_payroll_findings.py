from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.pages.params import ParamsPage
from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.services import audits, companies, payroll
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    payroll.import_payroll(ws, audit.id, [SAMPLES / "s1-simple.xlsx"])
    return audit


@pytest.fixture
def dialog(qtbot: Any, ctx: AppContext, audit: Audit) -> PayrollFindingsDialog:
    d = PayrollFindingsDialog(ctx, audit.id)
    qtbot.addWidget(d)
    d.show()
    d.start()
    qtbot.waitUntil(lambda: d.check_result is not None, timeout=10000)
    return d


def test_groups_filters_and_details(dialog: PayrollFindingsDialog) -> None:
    assert "135 行工资数据" in dialog.summary.text()
    assert dialog.groups.rowCount() == 14  # each expected finding is its own rule and month here
    first = dialog.groups.row_at(0)
    assert first.severity.value == "critical"  # most severe first
    assert dialog.details.rowCount() == 1
    dialog.rule_filter.setCurrentIndex(dialog.rule_filter.findData("PAY.MIN_WAGE"))
    assert dialog.groups.rowCount() == 2
    assert {g.period for g in dialog.groups.rows()} == {"2025-06", "2025-07"}
    dialog.rule_filter.setCurrentIndex(0)
    dialog.employee_filter.setText("E0044")
    assert [g.rule for g in dialog.groups.rows()] == ["PAY.OT_UNDERPAID"]
    dialog.employee_filter.setText("")
    dialog.severity_filter.setCurrentIndex(dialog.severity_filter.findData("critical"))
    assert [g.rule for g in dialog.groups.rows()] == ["AGE.CHILD_LABOR"]


def test_adopting_a_group_adds_a_report_finding(
    qtbot: Any, dialog: PayrollFindingsDialog, ws: Workspace, audit: Audit
) -> None:
    dialog.rule_filter.setCurrentIndex(dialog.rule_filter.findData("PAY.OT_UNDERPAID"))
    with qtbot.waitSignal(dialog.finding_adopted, timeout=2000):
        qtbot.mouseClick(dialog.adopt_button, Qt.MouseButton.LeftButton)
    with ws.store.read() as tx:
        [finding] = tx.list_findings(audit.id)
    assert finding.origin_ref == "PAY.OT_UNDERPAID@2025-08"
    assert finding.money_at_stake is not None
    assert dialog.status.text().startswith("已转为 1 条报告问题：W01")


def test_findings_models_pass_the_model_tester(
    qtmodeltester: Any, dialog: PayrollFindingsDialog
) -> None:
    qtmodeltester.check(dialog.groups)
    qtmodeltester.check(dialog.details)


def test_params_page_lists_sources(qtbot: Any, ctx: AppContext, qtmodeltester: Any) -> None:
    page = ParamsPage(ctx)
    qtbot.addWidget(page)
    rows = page.model.rows()
    wage = [r for r in rows if r.topic == "最低工资" and "2025-07-01" in r.effective]
    assert wage[0].value == "月 2740 元；小时 25 元"
    assert wage[0].source
    assert any("2nd-hand" in r.status or "待复核" in r.status for r in rows)
    qtmodeltester.check(page.model)


def test_audit_page_opens_the_check(qtbot: Any, main_window: Any, audit: Audit) -> None:
    page = main_window.audits_page
    page.reload()
    page.table.selectRow(0)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    dialog = page.findings_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.check_result is not None, timeout=10000)
    assert dialog.groups.rowCount() == 14
    dialog.reject()


def test_an_adopted_group_is_marked(qtbot: Any, dialog: PayrollFindingsDialog) -> None:
    column = dialog.groups.columnCount() - 1
    assert dialog.groups.headerData(column, Qt.Orientation.Horizontal) == "报告问题"
    dialog.group_table.selectRow(0)
    group = dialog.selected_group()
    assert group is not None
    with qtbot.waitSignal(dialog.finding_adopted, timeout=2000):
        dialog.adopt_button.click()
    rows = dialog.groups.rows()
    position = next(i for i, g in enumerate(rows) if g.ref == group.ref)
    assert dialog.groups.data(dialog.groups.index(position, column)) == "已转为问题 W01"


def test_findings_tab_marks_an_adopted_payroll_finding_after_a_changed_reimport(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Any
) -> None:
    from auditdesk.gui.audit.findings_tab import FindingsTab
    from tests.builders.payroll_files import SheetSpec, id_number, write_xlsx

    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    audit = audits.start_audit(ws, company.id)
    header = ["工号", "姓名", "身份证号", "基本工资", "应发工资"]
    person = ["E001", "张三", id_number("31011419900101123")]
    path = tmp_path / "7月.xlsx"
    write_xlsx(path, [SheetSpec("2025-07", [header, [*person, 2000, 2000]], text_columns=[2])])
    payroll.import_payroll(ws, audit.id, [path])
    [group] = [g for g in payroll.review_audit(ws, audit.id).groups if g.rule == "PAY.MIN_WAGE"]
    finding = payroll.adopt_group(ws, audit.id, group)

    tab = FindingsTab(ctx, audit.id)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.payroll_states is not None, timeout=10000)
    assert tab.payroll_states == {}
    assert tab.payroll_warning.text() == ""

    # the company sends a corrected file for the same month: the finding is not changed, it is marked
    write_xlsx(path, [SheetSpec("2025-07", [header, [*person, 2500, 2500]], text_columns=[2])])
    payroll.import_payroll(ws, audit.id, [path])
    tab.reload()
    qtbot.waitUntil(lambda: bool(tab.payroll_states), timeout=10000)
    assert tab.payroll_states == {finding.id: "changed"}
    source = next(c for c in range(tab.model.columnCount()) if tab.model.headerData(
        c, Qt.Orientation.Horizontal) == "来源")  # fmt: skip
    assert "工资表已变更" in tab.model.data(tab.model.index(0, source))
    tab.table.selectRow(0)
    assert "工资表已重新导入" in tab.payroll_warning.text()
    assert tab.title.text() == finding.title  # the finding itself still says what it said


def test_no_rule_ids_on_screen(dialog: PayrollFindingsDialog) -> None:
    """Issue 18.12: the rule filter shows each rule's Chinese title; its id is a tooltip."""
    texts = [dialog.rule_filter.itemText(i) for i in range(dialog.rule_filter.count())]
    assert len(texts) > 5
    assert not [t for t in texts if "PAY." in t or "AGE." in t or "SI." in t]
    index = dialog.rule_filter.findData("PAY.MIN_WAGE")
    assert "PAY.MIN_WAGE" in dialog.rule_filter.itemData(index, Qt.ItemDataRole.ToolTipRole)


def _click_row(qtbot: Any, dialog: PayrollFindingsDialog, row: int, ctrl: bool = False) -> None:
    table = dialog.group_table
    rect = table.visualRect(table.model().index(row, 1))
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_merging_months_makes_one_finding_marked_on_each_month(
    qtbot: Any, dialog: PayrollFindingsDialog, ws: Workspace, audit: Audit
) -> None:
    """Issue 18.11: several months of one rule become one finding; both rows show its number."""
    dialog.rule_filter.setCurrentIndex(dialog.rule_filter.findData("PAY.MIN_WAGE"))
    assert dialog.groups.rowCount() == 2
    _click_row(qtbot, dialog, 0)
    assert not dialog.merge_button.isEnabled()  # one month: nothing to merge
    _click_row(qtbot, dialog, 1, ctrl=True)
    assert len(dialog.selected_groups()) == 2
    assert dialog.details.rowCount() == 2
    assert dialog.merge_button.isEnabled()
    with qtbot.waitSignal(dialog.finding_adopted, timeout=2000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    with ws.store.read() as tx:
        [finding] = tx.list_findings(audit.id)
    assert finding.origin_ref == "PAY.MIN_WAGE@2025-06..2025-07"
    column = dialog.groups.columnCount() - 1
    marks = {dialog.groups.data(dialog.groups.index(r, column)) for r in range(2)}
    assert marks == {"已转为问题 W01（多月合并）"}
    assert "W01" in dialog.status.text()


def test_a_check_without_findings_says_what_is_next(dialog: PayrollFindingsDialog) -> None:
    """Issue 18.15: a clean payroll is said to be clean, not shown as two empty tables."""
    from auditdesk.models.payroll import CheckResult

    dialog.show_result(CheckResult(region="shanghai", rows=12, employees=4,
                                   periods=["2025-07"], rules_run=["PAY.MIN_WAGE"]))  # fmt: skip
    assert "核查没有发现问题" in dialog.summary.text()
    assert dialog.groups.rowCount() == 0
    assert not dialog.adopt_button.isEnabled()


def test_adopting_many_groups_keeps_the_dialog_on_a_laptop_screen(
    qtbot: Any, dialog: PayrollFindingsDialog, ws: Workspace, audit: Audit
) -> None:
    """Found under Xvfb at 1366×768: after 转为报告问题 on four groups the one-line message
    (“已转为报告问题：W04 1 名员工 2025-06 使用童工，罚款风险合计 5,000.00 元；W05 …”) widened
    the dialog past the screen's right edge, hiding 关闭 and the detail columns."""
    dialog.resize(1100, 700)
    qtbot.wait(50)
    width = dialog.width()
    dialog.group_table.selectAll()
    with qtbot.waitSignal(dialog.finding_adopted, timeout=5000):
        qtbot.mouseClick(dialog.adopt_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    with ws.store.read() as tx:
        adopted = tx.list_findings(audit.id)
    assert len(adopted) == dialog.groups.rowCount()
    assert dialog.width() == width
    assert dialog.minimumSizeHint().width() <= 1100
    text = dialog.status.text()
    assert text.startswith(f"已转为 {len(adopted)} 条报告问题")
    assert "会诊 · 问题" in text
    assert dialog.status.fontMetrics().horizontalAdvance(text) <= 2 * dialog.status.width()
    assert adopted[0].title in dialog.status.toolTip()
