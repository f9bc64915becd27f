"""Answering :func:`auditdesk.gui.dialogs.confirm.confirm` questions in tests, without a modal
loop: the box's 是 or 否 is clicked as it would open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QMessageBox


def answer_questions(
    monkeypatch: pytest.MonkeyPatch, reply: bool | Callable[[str], bool]
) -> list[str]:
    """Answer every question box opened modally: 是 when ``reply`` (or ``reply(text)``) is true,
    else 否. Returns the list the texts asked are appended to."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        yes = reply(box.text()) if callable(reply) else reply
        button = box.button(
            QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No
        )
        button.click()
        return box.result()

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked
