"""评分 chart and list sorting (issue 18, point 14): the legend has the bars' colours, axis labels
break between words, a sort arrow only once the rows are sorted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPoint, Qt

from auditdesk.gui.audit.scores_tab import SELF, VERIFIED, ScoreChart, axis_label_lines
from auditdesk.gui.table_model import ColumnSpec, RecordProxyModel, RecordTableModel
from auditdesk.gui.widgets import read_only_table

ROWS = [("入职管理", Decimal(80), Decimal(90)), ("特殊时期用工调整", Decimal(60), Decimal(70)),
        ("薪酬管理", Decimal(50), None)]  # fmt: skip


def test_legend_swatches_have_the_colours_of_the_bars(qtbot: Any) -> None:
    chart = ScoreChart()
    qtbot.addWidget(chart)
    chart.resize(640, 320)
    chart.set_scores(ROWS)
    image = chart.grab().toImage()
    legend = chart.legend()
    assert [(text, color) for text, color, _r in legend] == [("核查得分", VERIFIED),
                                                            ("企业自评", SELF)]  # fmt: skip
    for _text, color, swatch in legend:
        assert image.pixelColor(swatch.center().toPoint()) == color
    chart.set_scores([(a, v, None) for a, v, _s in ROWS])  # no self-assessment: one entry
    assert [t for t, _c, _r in chart.legend()] == ["核查得分"]


def test_axis_labels_break_between_words() -> None:
    assert axis_label_lines("入职管理", lambda s: len(s) <= 4) == ["入职管理"]
    assert axis_label_lines("特殊时期用工调整", lambda s: len(s) <= 4) == ["特殊时期", "用工调整"]
    assert axis_label_lines("入职管理", lambda s: len(s) <= 3) == ["入职", "管理"]
    assert axis_label_lines("劳动合同与用工", lambda s: len(s) <= 4) == ["劳动合同与", "用工"]


def test_a_narrow_chart_writes_long_names_on_two_lines(qtbot: Any) -> None:
    chart = ScoreChart()
    qtbot.addWidget(chart)
    chart.resize(500, 260)
    chart.set_scores([*ROWS, *ROWS, ROWS[0]])  # seven areas, as the checklist has
    assert chart.label_lines("特殊时期用工调整") == ["特殊时期", "用工调整"]


def test_a_sort_arrow_only_once_the_user_sorts(qtbot: Any) -> None:
    model: RecordTableModel[tuple[str, int]] = RecordTableModel(
        [
            ColumnSpec("名称", lambda r: r[0]),
            ColumnSpec("数量", lambda r: str(r[1]), lambda r: r[1]),
        ]
    )
    model.set_rows([("乙", 2), ("甲", 3), ("丙", 1)])  # the service's order
    proxy = RecordProxyModel()
    proxy.setSourceModel(model)
    table = read_only_table()
    qtbot.addWidget(table)
    table.setModel(proxy)
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # unsorted: no arrow
    assert [proxy.index(r, 0).data() for r in range(3)] == ["乙", "甲", "丙"]
    x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == 1
    assert header.isSortIndicatorShown()
    assert [proxy.index(r, 1).data() for r in range(3)] in (["1", "2", "3"], ["3", "2", "1"])
