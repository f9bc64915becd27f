"""Yes/No questions: buttons 是 / 否, with 否 the default and what Esc answers, so a stray Enter
or Esc never does the thing asked about."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No


def question_box(parent: QWidget | None, title: str, text: str, *, yes: str = "是") -> QMessageBox:
    """A question box (not shown yet) with the buttons ``yes`` (default 是) and 否; 否 is the
    default button and the escape button."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, YES | NO, parent)
    box.button(YES).setText(yes)
    box.button(NO).setText("否")
    box.setDefaultButton(NO)
    box.setEscapeButton(NO)
    return box


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str = "是") -> bool:
    """Ask ``text`` (modal); ``True`` only when the user answers ``yes`` (否, Esc or closing
    the box: ``False``)."""
    box = question_box(parent, title, text, yes=yes)
    box.exec()
    return box.clickedButton() is box.button(YES)
