"""A save refused because someone else saved the record after it was opened (issue 20.4): say who
and when, show the other person's values beside mine, and let the user choose 重新载入 (discard
mine, show theirs) or 覆盖 (save mine over theirs); 取消 keeps my edits in the editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError, StaleRecordError
from auditdesk.gui.dialogs.errors import report_failure

T = TypeVar("T")


class StaleChoice(StrEnum):
    RELOAD = "reload"
    OVERWRITE = "overwrite"
    CANCEL = "cancel"


FieldRow = tuple[str, str, str]
"""(field label, my value, their value) as shown."""


class StaleDialog(QDialog):
    """The refusal with the differing fields side by side; :attr:`choice` after it closes."""

    def __init__(
        self,
        message: str,
        rows: Sequence[FieldRow],
        parent: QWidget | None = None,
        *,
        overwrite: str | None = "“覆盖”用您的修改替换对方保存的内容。",
        mine: str = "您的修改",
    ):
        """``overwrite``: what 覆盖 would do, said in the text (``None``: not offered, where
        going ahead over the other user's change is not safe); ``mine``: the heading of my side."""
        super().__init__(parent)
        self.setWindowTitle("记录已被他人修改")
        self.choice = StaleChoice.CANCEL
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{message}\n下表列出两边不同的内容。“重新载入”放弃您的操作、显示对方保存的内容；"
            + (overwrite or "")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message = intro
        self.table = QTableWidget(len(rows), 3)  # a few static rows: no item model needed
        self.table.setHorizontalHeaderLabels(["内容", mine, "对方保存的"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text or "（空）")
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(rows))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.reload_button = QPushButton("重新载入")
        self.reload_button.setToolTip("放弃您的修改，显示对方保存的内容")
        self.overwrite_button = QPushButton("覆盖")
        self.overwrite_button.setToolTip("保存您的修改，替换对方保存的内容")
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.overwrite_button.setVisible(overwrite is not None)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(lambda: self._choose(StaleChoice.RELOAD))
        self.overwrite_button.clicked.connect(lambda: self._choose(StaleChoice.OVERWRITE))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 200 + 30 * len(rows))

    def _choose(self, choice: StaleChoice) -> None:
        self.choice = choice
        self.accept()


def ask_stale(
    parent: QWidget | None,
    exc: StaleRecordError,
    rows: Sequence[FieldRow],
    *,
    overwrite: str | None = "“覆盖”用您的修改替换对方保存的内容。",
    mine: str = "您的修改",
) -> StaleChoice:
    """Show the refusal (modal) and return what the user chose (取消 / Esc: CANCEL)."""
    dialog = StaleDialog(exc.message, rows, parent, overwrite=overwrite, mine=mine)
    dialog.exec()
    return dialog.choice


def seen_rows(seen: object, current: object,
              labels: Sequence[tuple[str, str]]) -> list[FieldRow]:  # fmt: skip
    """(label, as the user saw it, as stored now) for the ``(attribute, label)`` pairs that
    differ between two copies of a record (``current`` of another kind: none)."""
    if type(current) is not type(seen):
        return []
    fields = [(label, getattr(seen, key), getattr(current, key)) for key, label in labels]
    return differing(fields)


def act_or_resolve(
    parent: QWidget | None,
    act: Callable[[bool], T],
    rows_for: Callable[[StaleRecordError], Sequence[FieldRow]],
    *,
    overwrite: str | None,
    title: str = "无法完成操作",
) -> T | StaleChoice:
    """An action on records the user saw (剔除, 合并, 跟诊, 转为报告问题): ``act(True)`` refuses
    when another user saved one of them since; then the stale dialog (my side: 您打开时) and,
    on 覆盖 (offered when ``overwrite`` says what it does), ``act(False)`` on what is stored now.
    Returns what ``act`` returned, or RELOAD / CANCEL (nothing done). Other user errors are
    shown and give CANCEL."""
    check = True
    while True:
        try:
            return act(check)
        except StaleRecordError as exc:
            if not check:  # a save slipped in during the write itself: said, not asked again
                report_failure(parent, exc, title, None)
                return StaleChoice.CANCEL
            choice = ask_stale(parent, exc, rows_for(exc), overwrite=overwrite, mine="您打开时")
            if choice is not StaleChoice.OVERWRITE:
                return choice
            check = False
        except AuditDeskError as exc:
            report_failure(parent, exc, title, None)
            return StaleChoice.CANCEL


def as_text(value: object) -> str:
    """A field value as the dialog shows it: labels for choices, 是/否, blank for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    label = getattr(value, "label", None)
    return str(label) if isinstance(label, str) else str(value)


def differing(fields: Sequence[tuple[str, object, object]],
              show: Callable[[object], str] = as_text) -> list[FieldRow]:  # fmt: skip
    """The (label, mine, theirs) rows whose values differ, as text."""
    return [(label, show(mine), show(theirs)) for label, mine, theirs in fields if mine != theirs]


def save_or_resolve(
    parent: QWidget | None,
    save: Callable[[int | None], T],
    version: int | None,
    rows_for: Callable[[StaleRecordError], Sequence[FieldRow]],
    *,
    title: str = "无法保存",
) -> T | StaleChoice:
    """Run ``save(expected_version)``; when it is refused as stale, ask; on 覆盖 save again on
    the version now stored (asking again should yet another save slip in). Returns what
    ``save`` returned, or :attr:`StaleChoice.RELOAD` / :attr:`StaleChoice.CANCEL` (nothing
    saved). Other user errors are shown and give CANCEL."""
    expected = version
    while True:
        try:
            return save(expected)
        except StaleRecordError as exc:
            choice = ask_stale(parent, exc, rows_for(exc))
            if choice is not StaleChoice.OVERWRITE:
                return choice
            current = exc.current
            expected = getattr(current, "version", 0) if current is not None else 0
        except AuditDeskError as exc:
            report_failure(parent, exc, title, None)
            return StaleChoice.CANCEL
