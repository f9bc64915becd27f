"""法规参数 shows its sources as Chinese text, not the team's footnote codes (issue 18, point 12)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.params import ParamsPage

CODE = re.compile(r"(?<![A-Za-z0-9])S\d+")


def test_sources_are_plain_chinese_with_the_codes_in_the_tooltip(qtbot, ctx: AppContext) -> None:
    page = ParamsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    model = page.table.model()
    source = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = source.index("来源")
    shown = [model.index(r, c).data() or "" for r in range(model.rowCount())
             for c in range(model.columnCount())]  # fmt: skip
    assert model.rowCount() > 20
    assert not [t for t in shown if CODE.search(t)]
    texts = [model.index(r, column).data() for r in range(model.rowCount())]
    assert "2018 年上海最低工资调整公告" in texts
    # a source that was only codes reads as the source's name
    assert any(t.startswith("上海社保缴费基数上下限调整公告") for t in texts)
    tips = [
        model.index(r, column).data(Qt.ItemDataRole.ToolTipRole) or ""
        for r in range(model.rowCount())
    ]
    assert any("S56" in t for t in tips)
