"""The mouse wheel scrolls the page, never a drop-down or spin box the user has not clicked.

One event filter on the QApplication: a wheel event aimed at a ``QComboBox`` or a
``QAbstractSpinBox`` (``QSpinBox``, ``QDateEdit`` …) without keyboard focus is taken away from it
and handed to its parent, so it travels up to the enclosing scroll area or list as if the field
were not there. Such fields also get ``Qt.StrongFocus``, so the wheel does not give them focus
either: a click or Tab does. Focus the user did not give (the first field of a dialog that just
opened, a field focused by the program) does not count: the wheel over it scrolls too, until the
user clicks it or reaches it with Tab or a shortcut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)

CHOSEN = "wheelGuardChosen"
"""Dynamic property set on a guarded field while the user has given it the focus."""
USER_REASONS = (
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
KEEP_REASONS = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
"""Focus changes that leave the field's state as it was: its own drop-down list opening or
closing, another window coming to the front and going back."""


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


def _focused(field: QWidget) -> bool:
    """The field, or a part of it (an editable drop-down's line edit), has the keyboard focus."""
    if field.hasFocus():
        return True
    focused = QApplication.focusWidget()
    return focused is not None and field.isAncestorOf(focused)


class WheelGuard(QObject):
    """Application-wide event filter; install it once with :func:`install_wheel_guard`."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut) and isinstance(event, QFocusEvent):
            self._note_focus(watched, event)
            return False
        if kind == QEvent.Type.MouseButtonPress:
            clicked = _guarded_field(watched)
            if clicked is not None:
                clicked.setProperty(CHOSEN, True)  # also when the click brings its window up
            return False
        if kind != QEvent.Type.Wheel or not isinstance(event, QWheelEvent):
            return False
        field = _guarded_field(watched)
        if field is None:
            return False
        if bool(field.property(CHOSEN)) and _focused(field):
            return False
        if watched is not field:
            return False  # the inner line edit: Qt hands the event to the field next, caught there
        self._pass_up(field, event)
        return True  # the field itself never sees it

    @staticmethod
    def _note_focus(watched: QObject, event: QFocusEvent) -> None:
        """Remember whether the user gave the field its focus (a click, Tab, a shortcut)."""
        field = _guarded_field(watched)
        if field is None or event.reason() in KEEP_REASONS:
            return
        field.setProperty(CHOSEN, event.gotFocus() and event.reason() in USER_REASONS)

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
