"""评分: per-area and overall scores, veto items, the company's self-assessment beside the verified
score (item by item where they differ), and a bar chart that can be exported as an image."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditdesk.checklists.scoring import ScoreLine
from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.services import visit
from auditdesk.services.visit import ScoreComparison

VERIFIED = QColor("#1d4f91")
SELF = QColor("#f59e0b")


_BREAK_AFTER = "与和及、·/"


def axis_label_lines(label: str, fits: Callable[[str], bool]) -> list[str]:
    """An axis label as one line, or two split between words: after 与/和/及/、 when there is one,
    else at the even character position nearest the middle (Chinese area names are made of
    two-character words: 特殊时期 / 用工调整), never one character left alone."""
    if fits(label) or len(label) < 4:
        return [label]
    candidates = [i + 1 for i, ch in enumerate(label[:-1]) if ch in _BREAK_AFTER and i > 0]
    candidates = candidates or list(range(2, len(label) - 1, 2))
    best = min(candidates, key=lambda i: abs(len(label) - 2 * i))
    return [label[:best], label[best:]]


class ScoreChart(QWidget):
    """Bars of area scores (0 to 100): verified, and the self-assessment beside it when there is one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, Decimal | None, Decimal | None]] = []
        self.setMinimumSize(QSize(360, 200))

    def set_scores(self, rows: list[tuple[str, Decimal | None, Decimal | None]]) -> None:
        self.rows = rows
        self.update()

    def _has_self(self) -> bool:
        return any(s is not None for _a, _v, s in self.rows)

    def legend(self) -> list[tuple[str, QColor, QRectF]]:
        """(text, colour, swatch rectangle) of each legend entry, as painted: the swatch has the
        colour of its bars."""
        entries = [("核查得分", VERIFIED)] + ([("企业自评", SELF)] if self._has_self() else [])
        metrics = QFontMetrics(self._label_font())
        out, x = [], 70.0
        for text, color in entries:
            out.append((text, color, QRectF(x, 8, 12, 12)))
            x += 12 + 6 + metrics.horizontalAdvance(text) + 18
        return out

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        return font

    def label_lines(self, label: str) -> list[str]:
        """How an area's name is written under its bars at the current width."""
        metrics = QFontMetrics(self._label_font())
        slot = (self.width() - 90) / max(1, len(self.rows))
        lines = axis_label_lines(label, lambda s: metrics.horizontalAdvance(s) <= slot - 4)
        return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(slot)) for line in lines]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if not self.rows:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "尚无评分")
            return
        left, top, bottom = 70, 30, 50
        width = self.width() - left - 20
        height = self.height() - top - bottom
        for tick in (0, 60, 75, 90, 100):
            y = top + height * (1 - tick / 100)
            p.setPen(QPen(QColor("#d1d5db")))
            p.drawLine(left, int(y), left + width, int(y))
            p.setPen(QPen(QColor("#4b5563")))  # readable, unlike the grid line's grey
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight, str(tick))
        slot = width / len(self.rows)
        has_self = self._has_self()
        bar = slot * (0.35 if has_self else 0.6)
        p.setFont(self._label_font())
        for i, (label, verified, own) in enumerate(self.rows):
            x = left + slot * i + (slot - bar * (2 if has_self else 1)) / 2
            for j, (value, color) in enumerate(((verified, VERIFIED), (own, SELF))):
                if value is None or (j == 1 and not has_self):
                    continue
                h = height * float(value) / 100
                rect = QRectF(x + j * bar, top + height - h, bar - 2, h)
                p.fillRect(rect, color)
                p.setPen(QPen(QColor("#111827")))
                p.drawText(QRectF(rect.x() - 6, rect.y() - 16, bar + 10, 14),
                           Qt.AlignmentFlag.AlignCenter, f"{value:.0f}")  # fmt: skip
            p.setPen(QPen(QColor("#111827")))
            p.drawText(QRectF(left + slot * i, top + height + 4, slot, 36),
                       Qt.AlignmentFlag.AlignHCenter, "\n".join(self.label_lines(label)))  # fmt: skip
        for text, color, swatch in self.legend():
            p.fillRect(swatch, color)
            p.setPen(QPen(QColor("#111827")))
            p.drawText(QRectF(swatch.right() + 6, 4, 200, 20),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)  # fmt: skip
        p.end()


def _fmt(score: Decimal | None) -> str:
    return "—" if score is None else f"{score}"


class ScoresTab(QWidget):
    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id = ctx, audit_id
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("scoreSummary")
        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels(
            ["领域", "得分", "企业自评", "符合", "部分符合", "不符合", "不适用", "待核实", "未答"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = ScoreChart()
        export = QPushButton("导出图表…")
        export.clicked.connect(self.export_chart)
        self.differences = QTableWidget(0, 3)
        self.differences.setHorizontalHeaderLabels(["检查项", "企业自评", "核查结果"])
        self.differences.horizontalHeader().setStretchLastSection(False)
        self.differences.verticalHeader().hide()
        self.differences.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        right = QVBoxLayout()
        right.addWidget(self.chart, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(export)
        right.addLayout(row)
        right_box = QWidget()
        right_box.setLayout(right)
        top = QSplitter()
        top.addWidget(self.table)
        top.addWidget(right_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(top, 2)
        layout.addWidget(QLabel("企业自评与核查结果不一致的检查项"))
        layout.addWidget(self.differences, 1)
        self.comparison: ScoreComparison | None = None
        self.reload()

    def reload(self) -> None:
        try:
            self.comparison = visit.compare_scores(self.ctx.ws, self.audit_id)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法计算评分", None)
            return
        c = self.comparison
        report = c.verified
        own: dict[Any, ScoreLine] = (
            {line.area: line for line in c.self_assessed.areas} if c.self_assessed else {}
        )
        lines = [*report.areas, report.overall]
        self.table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            own_line = (
                own.get(line.area)
                if line.area is not None
                else (c.self_assessed.overall if c.self_assessed else None)
            )
            values = [line.title, _fmt(line.score), _fmt(own_line.score) if own_line else "",
                      str(line.compliant), str(line.partial), str(line.non_compliant),
                      str(line.not_applicable), str(line.to_verify), str(line.unanswered)]  # fmt: skip
            for col, text in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        veto = "；一票否决项：" + "、".join(report.veto_items) if report.veto_items else ""
        own_text = f"；企业自评 {_fmt(c.self_assessed.overall.score)}" if c.self_assessed else ""
        self.summary.setText(
            f"总体得分 {_fmt(report.overall.score)}，评级 {report.rating}{own_text}{veto}"
        )
        self.chart.set_scores([(line.title, line.score, own[line.area].score if line.area in own else None)
                               for line in report.areas])  # fmt: skip
        self.differences.setRowCount(len(c.differences))
        for r, (item, mine, verified) in enumerate(c.differences):
            for col, text in enumerate(
                [item.question, mine.label, verified.label if verified else "未答"]
            ):
                cell = QTableWidgetItem(text)
                if col == 0:
                    cell.setToolTip(f"{item.question}\n检查项编号：{item.id}")
                self.differences.setItem(r, col, cell)
        self.differences.resizeColumnsToContents()

    def export_chart(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "导出评分图表", "评分图表.png", "PNG 图片 (*.png)"
            )
        if not path:
            return None
        if not self.chart.grab().save(path, "PNG"):
            report_failure(self, AuditDeskError(f"无法保存图片 {path}"), "导出失败", None)
            return None
        return path
