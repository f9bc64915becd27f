from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from auditdesk.gui.main_window import NAV_PAGES, MainWindow
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies
from tests.gui.questions import answer_questions
from tests.gui.typing_helpers import type_text


def _answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:
    return answer_questions(monkeypatch, button == QMessageBox.StandardButton.Yes)


def test_navigation_switches_pages(main_window: MainWindow) -> None:
    assert [main_window.nav.item(i).text() for i in range(main_window.nav.count())] == list(
        NAV_PAGES
    )
    for row, page in enumerate(
        (
            main_window.companies_page,
            main_window.audits_page,
            main_window.followups_page,
            main_window.dashboard_page,
            main_window.params_page,
            main_window.settings_page,
        )
    ):
        main_window.nav.setCurrentRow(row)
        assert main_window.stack.currentWidget() is page
    assert str(main_window.ctx.ws.paths.root) in main_window.settings_page.data_dir_label.text()


def test_first_start_offers_demo_and_loads_it(qtbot, main_window: MainWindow, monkeypatch) -> None:
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(main_window.data_changed, timeout=10_000):
        assert main_window.offer_demo_if_empty()
    assert "演示企业" in asked[0]
    page = main_window.companies_page
    assert page.model.rowCount() == 1
    assert page.selected().company.name == "上海嘉研精密部件有限公司"
    assert not page.empty_hint.isVisible()
    assert (
        main_window.audits_page.model.rowCount() == 2
    )  # this year's audit and last year's in 跟诊
    # not offered again once there is data
    assert not main_window.offer_demo_if_empty()


def test_declined_demo_is_remembered(main_window: MainWindow, monkeypatch) -> None:
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    assert main_window.offer_demo_if_empty()
    assert main_window.ctx.ws.preferences().demo_offer_declined
    assert not main_window.offer_demo_if_empty()
    assert len(asked) == 1
    assert main_window.companies_page.empty_hint.isVisible()


def test_create_company_from_the_page(qtbot, main_window: MainWindow) -> None:
    page = main_window.companies_page
    dialog = page.add_company()
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name_edit, "上海界面测试有限公司")
    with qtbot.waitSignal(main_window.data_changed):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert page.model.rowCount() == 1
    assert page.selected().company.name == "上海界面测试有限公司"
    assert [r.company.name for r in companies.list_companies(main_window.ctx.ws)] == [
        "上海界面测试有限公司"
    ]


def test_search_filters_the_table(qtbot, ctx, monkeypatch) -> None:
    companies.add_company(ctx.ws, CompanyInput(name="上海甲厂", town="马陆镇"))
    companies.add_company(ctx.ws, CompanyInput(name="上海乙厂", town="安亭镇"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.companies_page
    assert page.proxy.rowCount() == 2
    type_text(qtbot, page.search, "安亭")
    assert page.proxy.rowCount() == 1
    page.table.selectRow(0)
    assert page.selected().company.name == "上海乙厂"
    page.search.clear()
    assert page.proxy.rowCount() == 2


def test_delete_asks_and_removes(qtbot, ctx, monkeypatch) -> None:
    companies.add_company(ctx.ws, CompanyInput(name="留下"))
    doomed = companies.add_company(ctx.ws, CompanyInput(name="删掉"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.companies_page
    page.select_company(doomed.id)
    assert page.delete_button.isEnabled()

    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    page.delete_button.click()
    assert "确定删除“删掉”" in asked[0]
    assert page.model.rowCount() == 2

    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.data_changed):
        page.delete_button.click()
    assert [r.company.name for r in page.model.rows()] == ["留下"]
    assert not page.delete_button.isEnabled()


def test_geometry_is_kept_in_the_data_dir(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(640, 470)
    window.close()
    assert ctx.ws.paths.gui_state.exists()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (640, 470)


def test_window_title_names_the_app_once(main_window: Any) -> None:
    """Found under Xvfb: the title bar read “AuditDesk 用工体检台 0.1.0 — 本机数据库 — AuditDesk
    用工体检台”: Qt appends the application's display name to a title that does not end with it
    (on Windows too), and the title began with it."""
    from PySide6.QtWidgets import QApplication

    from auditdesk import __version__

    title = main_window.windowTitle()
    name = QApplication.applicationDisplayName()
    assert name
    assert title.endswith(name)  # nothing appended by Qt
    assert title.count("AuditDesk") == 1
    assert "本机数据库" in title
    assert __version__ in title


def test_where_the_data_is_stays_in_the_status_bar(main_window: Any) -> None:
    """Found under Xvfb: “数据目录：…” was a temporary status message, gone for good once a menu
    item was hovered or another message (已备份到…) had been shown."""
    from PySide6.QtWidgets import QLabel

    bar = main_window.statusBar()
    bar.showMessage("已备份到 D:/备份", 10)
    bar.clearMessage()
    labels = [w for w in bar.findChildren(QLabel) if w.isVisibleTo(main_window)]
    assert any(w.text().startswith("数据目录：") for w in labels)
