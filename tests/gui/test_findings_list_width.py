"""会诊 · 问题 at 1366×768: the 问题 column shows enough of a title to tell findings apart, and
its tooltip gives the whole title.

Found under Xvfb: adopted payroll findings all begin “1 名员工 2025-06 …”; in a 130-px 问题
column (the editor panel took more than half the window) 使用童工 and 未订立书面劳动合同 read
the same, and the tooltip showed only the facts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from auditdesk.gui.context import AppContext
from auditdesk.gui.table_model import ROW_ROLE
from auditdesk.services import visit
from tests.gui.conftest import open_audit_window

TITLE_COLUMN = 2


def test_title_column_is_wide_and_its_tooltip_has_the_title(
    qtbot: Any, ctx: AppContext, demo_audit: str
) -> None:
    visit.gather_findings(ctx.ws, demo_audit, by="陈静")
    window = open_audit_window(qtbot, ctx, demo_audit)
    window.resize(1340, 700)
    window.tabs.setCurrentWidget(window.findings)
    qtbot.wait(100)
    table = window.findings.table
    assert table.columnWidth(TITLE_COLUMN) >= 250
    assert table.width() >= window.width() * 0.5
    finding = visit.list_findings(ctx.ws, demo_audit)[0]
    model = table.model()
    row = next(r for r in range(model.rowCount())
               if model.index(r, TITLE_COLUMN).data() == finding.title)  # fmt: skip
    tip = model.index(row, TITLE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(finding.title)


def test_a_long_title_shows_its_beginning_in_the_editor(
    qtbot: Any, ctx: AppContext, demo_audit: str
) -> None:
    """Found under Xvfb: the 问题 field showed “…一个月内订立书面劳动合同，赔偿风险…11,500.00 元”,
    its beginning (“1 名员工 2025-07 未在”) scrolled out of view."""
    visit.gather_findings(ctx.ws, demo_audit, by="陈静")
    window = open_audit_window(qtbot, ctx, demo_audit)
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    tab.title.setText("很长" * 60)  # as the user left it in another finding
    tab.table.selectRow(1)
    tab.table.selectRow(0)
    assert tab.title.text()
    assert tab.title.cursorPosition() == 0


def test_dismiss_and_restore_say_what_happened(
    qtbot: Any, ctx: AppContext, demo_audit: str, monkeypatch: Any
) -> None:
    """Found under Xvfb: after 剔除… the finding vanished from the list (不含已剔除) with no
    word of what happened or where it went."""
    from auditdesk.gui.audit import findings_tab

    visit.gather_findings(ctx.ws, demo_audit, by="陈静")
    window = open_audit_window(qtbot, ctx, demo_audit)
    window.tabs.setCurrentWidget(window.findings)
    tab = window.findings
    first = tab.selected()[0]
    monkeypatch.setattr(findings_tab, "ask_reason", lambda *a, **k: ("与另一项重复", True))
    tab.dismiss()
    said = tab.save_state.text()
    assert said.startswith("已剔除")
    assert first.title[:10] in said
    assert "含已剔除" in said  # where to find it again
    assert tab.save_state.isVisible()
    tab.dismissed_filter.setCurrentIndex(1)  # 含已剔除
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data(ROW_ROLE).id == first.id)  # fmt: skip
    tab.table.selectRow(row)
    tab.dismiss()  # 恢复
    assert tab.save_state.text().startswith("已恢复")
    assert not next(
        f for f in visit.list_findings(ctx.ws, demo_audit) if f.id == first.id
    ).dismissed
