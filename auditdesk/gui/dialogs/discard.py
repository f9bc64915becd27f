"""Esc, 取消 or closing a form never throws away what the user typed without asking.

A form dialog takes a :class:`FormSnapshot` of its input fields once it is filled, and its
``reject()`` asks :func:`may_discard` first: when any field differs from the snapshot the user is
asked 放弃 / 否 (否 the default and what Esc answers, so a second stray Esc keeps the input too).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from auditdesk.gui.dialogs.confirm import confirm

DISCARD_QUESTION = "已填写的内容尚未保存。\n\n放弃这些内容并关闭吗？"


def form_state(root: QWidget) -> list[object]:
    """What the user can change in ``root``'s input fields, in a stable order: texts, the
    choice of each drop-down, check states, spin values and the row count of item tables."""
    state: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            state.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            state.append(widget.rowCount())
    return state


class FormSnapshot:
    """The input of ``root`` as it was when taken (``extra`` adds state that lives outside the
    widgets, e.g. files chosen)."""

    def __init__(self, root: QWidget, extra: Callable[[], object] | None = None) -> None:
        self.root = root
        self.extra = extra
        self.taken = self._now()

    def _now(self) -> list[object]:
        return [*form_state(self.root), self.extra() if self.extra is not None else None]

    def retake(self) -> None:
        """The current input becomes the unchanged state (after a save, or a reload)."""
        self.taken = self._now()

    def changed(self) -> bool:
        return self._now() != self.taken


def may_discard(parent: QWidget, snapshot: FormSnapshot, title: str) -> bool:
    """``True`` when nothing was typed since ``snapshot`` or the user agrees to discard it."""
    if not snapshot.changed():
        return True
    return ask_discard(parent, title)


def ask_discard(parent: QWidget, title: str, text: str = DISCARD_QUESTION) -> bool:
    """Ask 放弃 / 否 (否 the default and Esc); ``True`` only for 放弃."""
    return confirm(parent, title, text, yes="放弃")


class PromptDialog(QInputDialog):
    """A text prompt (as ``QInputDialog.getText``, or ``getMultiLineText`` with ``multi_line``)
    whose Esc, 取消 or close asks before dropping text typed into it (text left as it was
    offered, or emptied, closes at once)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        text: str = "",
        *,
        multi_line: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setLabelText(label)
        self.setInputMode(QInputDialog.InputMode.TextInput)
        self.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, multi_line)
        self.setTextValue(text)
        self.offered = text

    def typed(self) -> bool:
        """Whether the text differs from what was offered (and is not blank)."""
        value = self.textValue()
        return bool(value.strip()) and value != self.offered

    def reject(self) -> None:
        if self.typed() and not ask_discard(self, self.windowTitle()):
            return
        super().reject()


class ReasonDialog(PromptDialog):
    """A multi-line text prompt (as ``QInputDialog.getMultiLineText``) whose Esc, 取消 or close
    asks before dropping typed text."""

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        super().__init__(parent, title, label, multi_line=True)


def _run_prompt(dialog: PromptDialog) -> tuple[str, bool]:
    accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
    text = dialog.textValue()
    dialog.deleteLater()
    return (text, True) if accepted else ("", False)


def ask_reason(parent: QWidget | None, title: str, label: str) -> tuple[str, bool]:
    """Ask for a multi-line text (modal): ``(text, True)`` on 确定, ``("", False)`` when the
    user cancels (after agreeing to drop what was typed)."""
    return _run_prompt(ReasonDialog(parent, title, label))


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """Ask for one line of text, offering ``text`` (modal): ``(text, True)`` on 确定,
    ``("", False)`` when the user cancels (after agreeing to drop a changed text)."""
    return _run_prompt(PromptDialog(parent, title, label, text))
