"""Form rows with an inline error label beside each field; map validation errors onto them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #c0392b;"
FieldWidget = QLineEdit | QPlainTextEdit | QCheckBox | QSpinBox | QComboBox


class FormRows:
    """Builds a QFormLayout whose rows are (label, field + error label), keyed by model field name."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.fields: dict[str, FieldWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}

    def add(self, name: str, label: str, widget: FieldWidget, *, required: bool = False) -> None:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        col.addWidget(error)
        caption = f"{label}<span style='color:#c0392b'> *</span>" if required else label
        label_widget = QLabel(caption)
        label_widget.setBuddy(widget)
        self.layout.addRow(label_widget, box)
        widget.setObjectName(f"field_{name}")
        self.fields[name] = widget
        self.errors[name] = error
        self.labels[name] = label

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                out[name] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText()
            elif isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QComboBox):  # an editable choice: the text shown
                out[name] = widget.currentText()
            else:
                out[name] = widget.value()
        return out

    def set_error(self, name: str, message: str | None) -> None:
        label = self.errors[name]
        label.setText(message or "")
        label.setVisible(bool(message))

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Show each message beside its field; focus the first bad field. Returns unmapped keys."""
        self.clear_errors()
        unmapped = []
        first: FieldWidget | None = None
        for name, message in errors.items():
            if name in self.errors:
                self.set_error(name, message)
                first = first or self.fields[name]
            else:
                unmapped.append(name)
        if first is not None:
            first.setFocus()
        return unmapped

    def clear_errors(self) -> None:
        for name in self.errors:
            self.set_error(name, None)
