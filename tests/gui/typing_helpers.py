"""Typing helpers: QTest can only click ASCII keys; Chinese arrives as an input-method commit,
which is also how a real Pinyin IME delivers it to the widget."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    for chunk in _runs(text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def _runs(text: str) -> list[str]:
    """Split into runs of ASCII and non-ASCII characters."""
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
