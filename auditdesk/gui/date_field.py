"""DateField: one way to enter a date everywhere in the GUI.

Typed as ``2026-12-31`` (``2026/12/31`` and ``20261231`` too), or picked from a calendar that
opens at the field's date, or today when it has none. A field that allows it has an explicit
未定 choice (a deadline not yet set), separate from any date. A wrong date shows a Chinese
message beside the field; :meth:`DateField.value` raises it as an ``AuditDeskError``.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_date, parse_date_text

UNDECIDED = "未定"


class DateField(QWidget):
    """A date the user types or picks; ``None`` only when ``allow_undecided`` and 未定 is ticked.

    Signals: ``edited`` after the user changed the value (typed and left the field, picked a day,
    ticked or cleared 未定) — also when the typed text is wrong (then :meth:`error` says why).
    """

    edited = Signal()

    def __init__(
        self,
        value: date | None = None,
        *,
        allow_undecided: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setPlaceholderText("如 2026-12-31")
        self.text.setToolTip("输入日期，如 2026-12-31（也可 2026/12/31、20261231），或点日历选择")
        self.text.setMaximumWidth(130)
        self.text.editingFinished.connect(self._typed)
        self.calendar_button = QToolButton()
        self.calendar_button.setText("日历")
        self.calendar_button.setToolTip("从日历中选择日期")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # room for the text beside the popup arrow the style draws (it clipped 日历)
        self.calendar_button.setMinimumWidth(
            self.calendar_button.fontMetrics().horizontalAdvance("日历") + 30
        )
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.calendar_button)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._open_calendar)
        self.calendar_button.setMenu(menu)
        self.undecided = QCheckBox(UNDECIDED)
        self.undecided.setToolTip("暂不确定日期")
        self.undecided.setVisible(allow_undecided)
        self.undecided.toggled.connect(self._undecided_toggled)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setWordWrap(True)
        self.message.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text)
        row.addWidget(self.calendar_button)
        row.addWidget(self.undecided)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.message)
        self.allow_undecided = allow_undecided
        self.setFocusProxy(self.text)
        self.setValue(value if value is not None or allow_undecided else date.today())

    # ------------------------------------------------------------ value
    def setValue(self, value: date | None) -> None:
        """Show ``value`` (``None``: 未定, or an empty field when 未定 is not allowed)."""
        self.undecided.blockSignals(True)
        self.undecided.setChecked(value is None and self.allow_undecided)
        self.undecided.blockSignals(False)
        self.text.setText(format_date(value))
        self._placeholder()
        self._show_error("")

    def value(self) -> date | None:
        """The date shown; ``None`` when 未定 is ticked.

        Raises:
            AuditDeskError: the typed text is empty (and 未定 not ticked) or not a real date.
        """
        if self.allow_undecided and self.undecided.isChecked() and not self.text.text().strip():
            return None
        try:
            return parse_date_text(self.text.text())
        except AuditDeskError as exc:
            if self.allow_undecided and not self.text.text().strip():
                raise AuditDeskError("请填写日期（如 2026-12-31），或勾选“未定”。") from exc
            raise

    def error(self) -> str:
        """The Chinese message of a wrong date, ``""`` when the field holds a valid value."""
        try:
            self.value()
        except AuditDeskError as exc:
            return exc.message
        return ""

    # ------------------------------------------------------------ user actions
    def _typed(self) -> None:
        if not self.text.isModified():
            return
        self.text.setModified(False)
        if self.text.text().strip() and self.undecided.isChecked():
            self.undecided.blockSignals(True)  # a typed date replaces 未定
            self.undecided.setChecked(False)
            self.undecided.blockSignals(False)
            self._placeholder()
        try:
            parsed = self.value()
        except AuditDeskError as exc:
            self._show_error(exc.message)
        else:
            self._show_error("")
            self.text.setText(format_date(parsed))  # 20261231 reads back as 2026-12-31
        self.edited.emit()

    def _open_calendar(self) -> None:
        try:
            current = self.value()
        except AuditDeskError:
            current = None
        day = current or date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.setCurrentPage(day.year, day.month)

    def _picked(self, day: QDate) -> None:
        picked: date = day.toPython()  # type: ignore[assignment]
        self.setValue(picked)
        menu = self.calendar_button.menu()
        if menu is not None:
            menu.close()
        self.edited.emit()

    def _undecided_toggled(self, on: bool) -> None:
        if on:
            self.text.clear()
        else:
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self._placeholder()
        self._show_error("")
        self.edited.emit()

    def _placeholder(self) -> None:
        undecided = self.allow_undecided and self.undecided.isChecked()
        self.text.setPlaceholderText(UNDECIDED if undecided else "如 2026-12-31")

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
