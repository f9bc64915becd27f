"""The mouse wheel scrolls the page, never a drop-down or spin box the user has not clicked.

One event filter on the QApplication: a wheel event aimed at a ``QComboBox`` or a
``QAbstractSpinBox`` (``QSpinBox``, ``QDateEdit`` …) without keyboard focus is taken away from it
and handed to its parent, so it travels up to the enclosing scroll area or list as if the field
were not there. Such fields also get ``Qt.StrongFocus``, so the wheel does not give them focus
either: a click or Tab does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)


def _guarded_field(obj: QObject) -> QWidget | None:
    """The combo box or spin box ``obj`` is, or belongs to (a spin box's inner line edit)."""
    widget = obj if isinstance(obj, QWidget) else None
    for _ in range(2):
        if widget is None:
            return None
        if isinstance(widget, GUARDED):
            return widget
        widget = widget.parentWidget()
    return None


class WheelGuard(QObject):
    """Application-wide event filter; install it once with :func:`install_wheel_guard`."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(event, QWheelEvent):
            return False
        field = _guarded_field(watched)
        if field is None or field.hasFocus():
            return False
        focused = QApplication.focusWidget()
        if focused is not None and field.isAncestorOf(focused):
            return False
        if watched is not field:
            return False  # the inner line edit: Qt hands the event to the field next, caught there
        self._pass_up(field, event)
        return True  # the field itself never sees it

    @staticmethod
    def _pass_up(field: QWidget, event: QWheelEvent) -> None:
        """Offer the turn to each ancestor until one takes it (a scroll area's viewport does).
        Qt does not propagate a synthesized wheel event by itself, so walk up here."""
        position = event.position().toPoint()
        child, target = field, field.parentWidget()
        while target is not None:
            position = child.mapToParent(position)
            forwarded = QWheelEvent(
                position.toPointF(), event.globalPosition(), event.pixelDelta(),
                event.angleDelta(), event.buttons(), event.modifiers(), event.phase(),
                event.inverted(), event.source(),
            )  # fmt: skip
            forwarded.setAccepted(False)
            QApplication.sendEvent(target, forwarded)
            if forwarded.isAccepted() or target.isWindow():
                return
            child, target = target, target.parentWidget()


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` (idempotent: a second call returns the first guard)."""
    existing = app.findChild(WheelGuard, "wheelGuard")
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    guard.setObjectName("wheelGuard")
    app.installEventFilter(guard)
    return guard
