from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QComboBox

from auditdesk.errors import Cancelled
from auditdesk.gui.context import AppContext
from auditdesk.gui.wizards.payroll_import import PayrollImportWizard
from auditdesk.gui.wizards.sheet_preview import HEADER_BRUSH, PROBLEM_BRUSH, SheetPreviewModel
from auditdesk.models.audit import Audit
from auditdesk.models.company import CompanyInput
from auditdesk.models.payroll import PayrollField
from auditdesk.services import audits, companies, payroll
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import HEADER, SheetSpec, employee_row, write_xlsx
from tests.samples import PAYROLL_SAMPLES as SAMPLES


@pytest.fixture
def audit(ws: Workspace) -> Audit:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司"))
    return audits.start_audit(ws, company.id)


@pytest.fixture
def wizard(qtbot: Any, ctx: AppContext, audit: Audit) -> PayrollImportWizard:
    w = PayrollImportWizard(ctx, audit.id, audit.company_id)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _workbook(tmp_path: Path) -> Path:
    rows: list[list[Any]] = [["上海测试机械有限公司2025年7月工资表"], [*HEADER, "月度补差X"]]
    rows += [[*employee_row(i), 100] for i in range(1, 6)]
    rows[4][11] = "待核"  # 应发工资 of the third employee: sheet cell L5
    rows.append(["合计"])
    return write_xlsx(tmp_path / "7月工资.xlsx", [SheetSpec("7月", rows, text_columns=[3])])


def _drop(widget: Any, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    widget.dropEvent(event)


def _to_mapping_page(qtbot: Any, wizard: PayrollImportWizard, path: Path) -> None:
    _drop(wizard.files_page, [path])
    assert wizard.files_page.list.count() == 1
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10000)
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page


def test_full_walk_through(qtbot: Any, wizard: PayrollImportWizard, ws: Workspace,
                           audit: Audit, tmp_path: Path) -> None:  # fmt: skip
    path = _workbook(tmp_path)
    _drop(wizard.files_page, [path])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10000)

    # preview: the header row (sheet row 2) is highlighted, ID numbers are masked
    model = wizard.preview_page.model
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) == HEADER_BRUSH
    id_cell = model.data(model.index(2, 3))
    assert id_cell.startswith("310114")
    assert "*" in id_cell
    wizard.preview_page.reveal.setChecked(True)
    assert model.data(model.index(2, 3)) == employee_row(1)[3]
    assert "2025-07" in wizard.preview_page.note.text()

    # mapping: the unknown column is unmapped; map it by hand
    wizard.next()
    page = wizard.mapping_page
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "月度补差X")
    combo = table.cellWidget(row, 3)
    assert isinstance(combo, QComboBox)
    assert combo.currentData() is None
    combo.setCurrentIndex(combo.findData(PayrollField.OTHER_DEDUCTIONS.value))
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "月度补差X")
    assert table.item(row, 5).text() == "本次指定"

    # run → summary
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    summary = wizard.summary_page
    assert "已导入 5 行" in summary.summary.text()
    assert "2025-07" in summary.summary.text()
    assert summary.problems.rowCount() == 1
    assert summary.problems.item(0, 1).text() == "7月!L5"
    summary.problems.cellClicked.emit(0, 1)
    current = summary.preview.currentIndex()
    assert (current.row(), current.column()) == (4, 11)
    assert summary.model.data(current, Qt.ItemDataRole.BackgroundRole) == PROBLEM_BRUSH

    # stored, with the hand-made mapping remembered for the company
    rows = payroll.load_rows(ws, audit.id)
    assert [r.employee_id for r in rows] == ["E0001", "E0002", "E0003", "E0004", "E0005"]
    assert rows[0].other_deductions == 100
    assert rows[2].gross_pay is None
    profile = payroll.profile_for(ws, audit.company_id)
    assert profile is not None
    assert profile.columns["月度补差x"] is PayrollField.OTHER_DEDUCTIONS

    with qtbot.waitSignal(wizard.imported, timeout=2000):
        wizard.accept()


def test_period_typed_on_the_mapping_page(qtbot: Any, wizard: PayrollImportWizard,
                                          tmp_path: Path) -> None:  # fmt: skip
    path = write_xlsx(tmp_path / "工资表.xlsx", [SheetSpec("Sheet1", [HEADER, employee_row(1)])])
    _to_mapping_page(qtbot, wizard, path)
    page = wizard.mapping_page
    assert not page.isComplete()
    assert "无法确定工资月份" in page.note.text()
    page.period_edit.setText("2025-13")
    page.period_edit.editingFinished.emit()
    assert "不是有效的工资月份" in page.period_error.text()
    assert not page.isComplete()
    page.period_edit.setText("2025-05")
    page.period_edit.editingFinished.emit()
    assert page.period_error.text() == ""
    assert page.isComplete()
    assert "2025-05" in page.note.text()


def test_unreadable_file_keeps_the_wizard_on_the_files_page(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path
) -> None:
    bad = tmp_path / "扫描件.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a spreadsheet")
    wizard.files_page.add_paths([bad])
    wizard.next()
    qtbot.waitUntil(lambda: "PDF" in wizard.files_page.status.text(), timeout=10000)
    assert "扫描件.xlsx" in wizard.files_page.status.text()
    assert wizard.currentPage() is wizard.files_page
    assert wizard.files_page.isComplete()


def test_cancel_during_import_keeps_nothing(
    qtbot: Any, wizard: PayrollImportWizard, ws: Workspace, audit: Audit, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    started: list[bool] = []

    def slow_import(*args: Any, progress: Any, cancel: Any, **kwargs: Any) -> Any:
        started.append(True)
        progress(1, 10, "读取…")
        deadline = time.monotonic() + 10
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        raise Cancelled()

    monkeypatch.setattr(payroll, "import_payroll", slow_import)
    _to_mapping_page(qtbot, wizard, SAMPLES / "s3-gbk.csv")
    wizard.next()
    assert wizard.currentPage() is wizard.run_page
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    qtbot.mouseClick(wizard.run_page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已取消" in wizard.run_page.label.text(), timeout=5000)
    assert not wizard.run_page.isComplete()
    assert payroll.load_rows(ws, audit.id) == []


def test_preview_model_passes_the_model_tester(qtmodeltester: Any, tmp_path: Path) -> None:
    from auditdesk.payroll.importer import plan_workbook
    from auditdesk.payroll.readers import read_workbook

    wb = read_workbook(_workbook(tmp_path))
    plan = plan_workbook(wb)[0]
    model = SheetPreviewModel()
    model.set_sheet(plan, {(4, 11): "无法读取"})
    qtmodeltester.check(model)
    assert model.headerData(11, Qt.Orientation.Horizontal) == "L"
    assert model.headerData(4, Qt.Orientation.Vertical) == "5"


def test_audits_page_opens_the_wizard(qtbot: Any, main_window: Any, audit: Audit) -> None:
    page = main_window.audits_page
    page.reload()
    assert not page.import_button.isEnabled()
    page.table.selectRow(0)
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.wizard is not None
    qtbot.waitExposed(page.wizard)
    assert page.wizard.draft.audit_id == audit.id
    page.wizard.reject()


def test_preview_greys_the_rows_that_will_be_skipped(
    qtbot: Any, wizard: PayrollImportWizard
) -> None:
    wizard.files_page.add_paths([SAMPLES / "s2-titled-grouped.xlsx"])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10000)
    model = wizard.preview_page.model
    subtotal = model.index(9, 1)  # sheet row 10: 仓储部 小计
    assert model.data(subtotal) == "仓储部 小计"
    assert model.data(subtotal, Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(subtotal, Qt.ItemDataRole.ToolTipRole) == "跳过：小计行"
    assert model.data(model.index(4, 1), Qt.ItemDataRole.ForegroundRole) is None


def test_guessed_column_waits_for_confirmation(qtbot: Any, wizard: PayrollImportWizard,
                                               ws: Workspace, audit: Audit,
                                               tmp_path: Path) -> None:  # fmt: skip
    from auditdesk.gui.wizards.payroll_import import GUESS_BRUSH

    rows: list[list[Any]] = [["工号", "姓名", "实发数", "应发工资小记"], ["E1", "张三", 2000, 2000]]
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows)])
    _to_mapping_page(qtbot, wizard, path)
    page = wizard.mapping_page
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "应发工资小记")
    assert table.item(row, 1).background() == GUESS_BRUSH
    assert "推测为“应发工资”，待确认" in table.item(row, 5).text()
    assert "1 列是推测的映射" in page.guesses.text()
    combo = table.cellWidget(row, 3)
    assert combo.currentData() is None  # not imported until confirmed
    page.accept_guesses_button.click()
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "应发工资小记")
    assert table.cellWidget(row, 3).currentData() == PayrollField.GROSS_PAY.value
    assert table.item(row, 5).text() == "本次指定"
    assert page.guesses.text() == ""
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    assert payroll.load_rows(ws, audit.id)[0].gross_pay == 2000


def test_wheel_over_a_mapping_drop_down_does_not_remap(qtbot: Any, wizard: PayrollImportWizard,
                                                      tmp_path: Path) -> None:  # fmt: skip
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    _to_mapping_page(qtbot, wizard, _workbook(tmp_path))
    table = wizard.mapping_page.table
    combo = table.cellWidget(1, 3)
    before = combo.currentIndex()
    event = QWheelEvent(QPointF(5, 5), QPointF(combo.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(combo, event)
    assert combo.currentIndex() == before
    assert wizard.draft.overrides == {}


def test_summary_lists_the_import_remarks(qtbot: Any, wizard: PayrollImportWizard,
                                          tmp_path: Path) -> None:  # fmt: skip
    rows: list[list[Any]] = [["工号", "姓名", "基本工资", "应发工资", "实发工资"],
                             ["E1", "张三", 6000, 6000, 5400], ["E2", "李四", 1200, 1200, 1200]]  # fmt: skip
    path = write_xlsx(tmp_path / "2025-07.xlsx", [SheetSpec("工资", rows, hidden_rows=[3])])
    _to_mapping_page(qtbot, wizard, path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    assert "第 3 行为隐藏行（李四）" in wizard.summary_page.summary.text()


def test_summary_names_an_earlier_file_with_the_same_people_and_months(
    qtbot: Any, wizard: PayrollImportWizard, ws: Workspace, audit: Audit, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [["工号", "姓名", "应发工资", "实发工资"], ["E1", "张三", 6000, 5400]]
    first = write_xlsx(tmp_path / "7月工资.xlsx", [SheetSpec("2025年7月", rows)])
    payroll.import_payroll(ws, audit.id, [first])
    rows[1][2] = 6100  # the corrected file
    path = write_xlsx(tmp_path / "7月工资（更正）.xlsx", [SheetSpec("2025年7月", rows)])
    _to_mapping_page(qtbot, wizard, path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    text = wizard.summary_page.summary.text()
    assert "注意：与已导入的“7月工资.xlsx”有 1 名员工同月重复（2025-07" in text
    assert "请移除不用的一版" in text
    assert "同一人同月的金额不会合并" in text


def test_wheel_over_the_mapping_list_scrolls_it_and_remaps_nothing(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path
) -> None:
    from tests.gui.wheel_helpers import wheel

    _to_mapping_page(qtbot, wizard, _workbook(tmp_path))
    wizard.resize(900, 420)  # a laptop screen: the mapping list is taller than its view
    table = wizard.mapping_page.table
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() > 0)
    table.setFocus()
    combos = [table.cellWidget(r, 3) for r in range(table.rowCount())]
    before = [c.currentIndex() for c in combos]
    for _ in range(3):
        wheel(table.cellWidget(table.rowAt(10), 3), -1)
    assert [c.currentIndex() for c in combos] == before
    assert wizard.draft.overrides == {}
    assert table.verticalScrollBar().value() > 0


def test_mapping_drop_downs_show_chinese_names_only(qtbot: Any, wizard: PayrollImportWizard,
                                                    tmp_path: Path) -> None:  # fmt: skip
    """Issue 18.12: no field names such as ``gross_pay`` in the mapping drop-downs."""
    _to_mapping_page(qtbot, wizard, _workbook(tmp_path))
    combo = wizard.mapping_page.table.cellWidget(1, 3)
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert "应发工资" in texts
    assert not [t for t in texts if any(f.value in t for f in PayrollField)]
    index = combo.findData(PayrollField.GROSS_PAY.value)
    assert PayrollField.GROSS_PAY.value in combo.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_files_page_says_what_to_do_before_a_file_is_chosen(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path
) -> None:
    """Issue 18.15: an empty files page tells the user to add or drop files."""
    page = wizard.files_page
    assert page.empty_hint.isVisible()
    assert "添加文件…" in page.empty_hint.text()
    assert not page.remove_button.isEnabled()
    _drop(page, [_workbook(tmp_path)])
    assert not page.empty_hint.isVisible()
    page.list.selectAll()
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.empty_hint.isVisible()


def test_an_import_without_problems_says_so_and_what_is_next(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path
) -> None:
    """Issue 18.15: no empty 无法读取的单元格 table after a clean import."""
    rows: list[list[Any]] = [["上海测试机械有限公司2025年7月工资表"], list(HEADER)]
    rows += [employee_row(i) for i in range(1, 4)]
    path = write_xlsx(tmp_path / "7月工资.xlsx", [SheetSpec("7月", rows, text_columns=[3])])
    _to_mapping_page(qtbot, wizard, path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    page = wizard.summary_page
    assert "所有单元格都已读取" in page.next_step.text()
    assert "工资核查…" in page.next_step.text()
    assert not page.problems_title.isVisible()
    assert not page.problems.isVisible()


def test_enter_after_choosing_files_goes_on_to_the_preview(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found under Xvfb: 添加文件…, a file chosen, then Enter opened the file dialog again (the
    focus stayed on 添加文件…) instead of going on with 下一步."""
    from PySide6.QtWidgets import QApplication, QFileDialog

    path = _workbook(tmp_path)
    asked: list[str] = []

    def choose(*_args: Any, **_kwargs: Any) -> tuple[list[str], str]:
        asked.append("选择工资表")
        return [str(path)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    wizard.activateWindow()
    qtbot.mouseClick(wizard.files_page.add_button, Qt.MouseButton.LeftButton)
    assert wizard.draft.paths == [path]
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10000)
    assert asked == ["选择工资表"]


def test_the_pay_month_field_shows_its_whole_hint_on_a_laptop_screen(
    qtbot: Any, wizard: PayrollImportWizard, tmp_path: Path
) -> None:
    """At 1366×768 the wizard is about 990 px wide: “如 2025-07；留空则自动识别” was cut to
    “如 2025-07；留空…” beside a long sheet name."""
    rows: list[list[Any]] = [[*HEADER], *[employee_row(i) for i in range(1, 4)]]
    name = "上海测试机械有限公司2025年度全体员工工资汇总表（含劳务派遣）.xlsx"
    path = write_xlsx(tmp_path / name, [SheetSpec("Sheet", rows, text_columns=[3])])
    wizard.resize(990, 660)
    _to_mapping_page(qtbot, wizard, path)
    edit = wizard.mapping_page.period_edit
    qtbot.waitUntil(lambda: edit.isVisible())
    needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    assert edit.width() >= needed + 8  # the frame and text margins


def test_a_clean_import_from_the_audit_window_points_to_its_own_tab(
    qtbot: Any, ctx: AppContext, audit: Audit, tmp_path: Path
) -> None:
    """Found under Xvfb: opened from the audit window, the summary said “跳过 0 行…；0 个单元格
    无法读取，这些单元格按缺失处理” (nothing was unreadable) and sent the user to the 体检 page of
    the main window, while 工资核查… is on this window's 会诊 · 问题 tab."""
    from auditdesk.gui.audit.window import AuditWindow

    rows: list[list[Any]] = [["上海测试机械有限公司2025年7月工资表"], list(HEADER)]
    rows += [employee_row(i) for i in range(1, 4)]
    path = write_xlsx(tmp_path / "7月工资.xlsx", [SheetSpec("7月", rows, text_columns=[3])])
    window = AuditWindow(ctx, audit.id)
    qtbot.addWidget(window)
    window.show()
    window.payroll.import_payroll()
    wizard = window.payroll.wizard
    _to_mapping_page(qtbot, wizard, path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
    page = wizard.summary_page
    assert "无法读取" not in page.summary.text()
    assert "体检页" not in page.next_step.text()
    assert "“会诊 · 问题”页" in page.next_step.text()
    assert "工资核查…" in page.next_step.text()
    assert window.tabs.tabText(window.tabs.indexOf(window.findings)) == "会诊 · 问题"
