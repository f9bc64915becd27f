"""看板: “N 家企业” counts every company followed in the chosen town (with a year chosen: every
company with an audit started that year), with or without findings, and the counters beside it
agree with the lists on the page (各企业整改进度 and the 领域 × 严重程度 table).

Found after the last session: with the demo company and two companies just added (one audited,
nothing found yet), the headline said “1 家企业”."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.dashboard import DashboardPage
from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Severity
from auditdesk.services import audits, companies, demo
from auditdesk.services.workspace import Workspace


def _column(page: DashboardPage, header: str) -> list[str]:
    m = page.proxy
    col = next(
        c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal) == header
    )
    return [m.index(r, col).data() for r in range(m.rowCount())]


def _matrix_total(page: DashboardPage) -> int:
    col = len(Severity)
    return sum(int(page.matrix.item(r, col).text() or 0) for r in range(len(Area)))


def test_headline_counts_every_company_followed_and_agrees_with_the_lists(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    demo.load_demo(ws)
    audited = companies.add_company(ws, CompanyInput(name="上海新桥机械有限公司", town="马陆镇"))
    audits.start_audit(ws, audited.id, started_on=date.today())
    companies.add_company(ws, CompanyInput(name="上海南翔食品有限公司", town="南翔镇"))
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    board = page.board
    assert board is not None
    headline = page.headline.text()
    assert headline.startswith("3 家企业（其中 1 家有整改建议），")
    assert page.proxy.rowCount() == 3
    assert set(_column(page, "企业")) == {
        "上海嘉研精密部件有限公司", "上海新桥机械有限公司", "上海南翔食品有限公司"
    }  # fmt: skip
    # the counters beside it are the sums of the list below and of the open-findings table
    found = sum(int(v) for v in _column(page, "发现"))
    closed = sum(int(v) for v in _column(page, "已落实"))
    still_open = sum(int(v) for v in _column(page, "未关闭"))
    overdue = sum(int(v) for v in _column(page, "逾期"))
    assert f"{found} 条整改建议，{closed} 条已落实" in headline
    assert f"逾期未整改 {overdue} 条" in headline
    assert _matrix_total(page) == still_open
    assert _column(page, "整改率")[-1] == "—"  # nothing found yet: no rate

    page.town.setCurrentIndex(page.town.findData("南翔镇"))
    assert page.headline.text().startswith("南翔镇：1 家企业（其中 0 家有整改建议），0 条整改建议")
    assert _column(page, "企业") == ["上海南翔食品有限公司"]

    page.town.setCurrentIndex(0)
    page.year.setCurrentIndex(page.year.findData(date.today().year))
    # audits started this year: the demo's current one and the new company's; not the
    # company without an audit
    assert page.headline.text().startswith("2 家企业")
    assert set(_column(page, "企业")) == {"上海嘉研精密部件有限公司", "上海新桥机械有限公司"}


def test_the_open_findings_table_shows_every_area_without_scrolling(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    """Found under Xvfb at 1366×768: the 领域 × 严重程度 table showed six of its eight areas
    (社会保险 cut in half, 特殊时期用工调整 hidden below a scroll bar)."""
    demo.load_demo(ws)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(980, 640)  # the page's share of a 1100×680 main window
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)
    assert page.matrix.verticalScrollBar().maximum() == 0
    assert page.table.height() >= 120  # the company list keeps room for a few rows


def test_the_board_is_counted_afresh_each_time_it_is_shown(
    qtbot: Any, ctx: AppContext, ws: Workspace
) -> None:
    """Found under Xvfb: a company added elsewhere (the command line, or a colleague on the office
    server) never reached the 看板, which kept saying “1 家企业” until some change in this window."""
    companies.add_company(ws, CompanyInput(name="上海新桥机械有限公司", town="马陆镇"))
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.headline.text().startswith("1 家企业")
    page.hide()
    companies.add_company(ws, CompanyInput(name="上海江桥食品有限公司", town="江桥镇"))
    page.show()
    assert page.headline.text().startswith("2 家企业")
    assert page.town.findData("江桥镇") >= 0
