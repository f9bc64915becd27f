"""A real wheel turn, delivered like Qt delivers one: to the widget under the pointer."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget


def wheel(widget: QWidget, notches: int = -1, at: QPoint | None = None) -> None:
    """Turn the wheel ``notches`` steps (negative: towards the user, i.e. scroll down) over
    ``widget``; the event goes through QApplication.notify, event filters and propagation."""
    local = at or QPoint(5, 5)
    event = QWheelEvent(QPointF(local), QPointF(widget.mapToGlobal(local)), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    QApplication.sendEvent(widget, event)
