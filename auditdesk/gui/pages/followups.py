"""Follow-ups page (跟诊): the queue of due follow-up visits and open rectifications."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from auditdesk.gui.context import AppContext
from auditdesk.gui.widgets import page_title


class FollowupsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("跟诊"))
        hint = QLabel("暂无到期的跟诊。\n体检会诊后，整改事项、跟诊计划和到期提醒会显示在这里。")
        hint.setObjectName("emptyHint")
        layout.addWidget(hint)
        layout.addStretch(1)

    def reload(self) -> None:
        """Nothing to reload until rectification tracking exists."""
