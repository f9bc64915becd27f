"""The Yes/No question every confirmation uses: 是 / 否 in Chinese, 否 the default, Esc answers 否."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from auditdesk.gui.dialogs.confirm import confirm, question_box


def _press_on_the_question(qtbot: Any, key: Qt.Key) -> None:
    """Press ``key`` on the question box once it is open (confirm() runs a modal loop)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, press)


def test_buttons_are_chinese_and_no_is_the_default(qtbot: Any) -> None:
    box = question_box(None, "删除企业", "确定删除吗？")
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Yes).text() == "是"
    assert box.button(QMessageBox.StandardButton.No).text() == "否"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.No)


def test_escape_answers_no(qtbot: Any) -> None:
    _press_on_the_question(qtbot, Qt.Key.Key_Escape)
    assert confirm(None, "删除企业", "确定删除吗？") is False


def test_enter_answers_no_and_only_yes_answers_yes(qtbot: Any) -> None:
    _press_on_the_question(qtbot, Qt.Key.Key_Return)  # the default button
    assert confirm(None, "删除企业", "确定删除吗？") is False

    def click_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click_yes)
            return
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, click_yes)
    assert confirm(None, "删除企业", "确定删除吗？") is True
