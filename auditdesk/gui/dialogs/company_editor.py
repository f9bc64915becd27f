"""Company form with inline validation: name required, credit-code checksum, headcount a number;
the town (街镇) chosen from the office's list or typed new."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError, StaleRecordError
from auditdesk.gui.dialogs.discard import FormSnapshot, may_discard
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.stale import FieldRow, StaleChoice, ask_stale, differing
from auditdesk.gui.forms import FormRows
from auditdesk.models.common import field_errors
from auditdesk.models.company import Company, CompanyInput, credit_code_problem
from auditdesk.services import companies, towns
from auditdesk.services.companies import DuplicateCreditCodeError
from auditdesk.services.workspace import Workspace


class TownCombo(QComboBox):
    """An editable choice of the listed towns; a new name can be typed."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.addItems(names)
        self.setCurrentIndex(-1)
        line = self.lineEdit()
        if line is not None:
            line.setPlaceholderText("从列表选择，或输入新的街镇（保存时加入列表）")

    def set_value(self, text: str) -> None:
        index = self.findText(text)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(text)


class CompanyEditorDialog(QDialog):
    """Create (``company=None``) or edit a company. Emits ``company_saved(id)`` after the save."""

    company_saved = Signal(str)

    def __init__(
        self, ws: Workspace, company: Company | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ws = ws
        self.company = company
        self.by = ""
        """Who saves (recorded as the company's last editor)."""
        self.setWindowTitle("编辑企业" if company else "新建企业")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.rows = FormRows(form)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("营业执照上的全称")
        self.credit_edit = QLineEdit()
        self.credit_edit.setPlaceholderText("18 位，如 91310114MA1GT8Q270")
        self.credit_edit.setMaxLength(22)
        self.headcount_edit = QLineEdit()
        self.headcount_edit.setPlaceholderText("在册职工人数")
        notes = QPlainTextEdit()
        notes.setFixedHeight(70)
        self.rows.add("name", "企业名称", self.name_edit, required=True)
        self.rows.add("credit_code", "统一社会信用代码", self.credit_edit)
        self.rows.add("legal_representative", "法定代表人", QLineEdit())
        try:
            known_towns = towns.town_names(ws)
        except AuditDeskError:  # e.g. the database was replaced: saving says so and closes
            known_towns = []
        self.town_combo = TownCombo(known_towns)
        self.rows.add("town", "所属街镇", self.town_combo)
        self.rows.add("address", "地址", QLineEdit())
        self.rows.add("industry", "行业", QLineEdit())
        self.rows.add("headcount", "职工人数", self.headcount_edit)
        self.rows.add("has_union", "工会", QCheckBox("已建立工会"))
        self.pay_day_edit = QLineEdit()
        self.pay_day_edit.setPlaceholderText(
            "次月几日发放上月工资，如 10；用于核查工资是否按时发放"
        )
        self.rows.add("pay_day", "约定发薪日", self.pay_day_edit)
        self.rows.add("contact_name", "联系人", QLineEdit())
        self.rows.add("contact_phone", "联系电话", QLineEdit())
        self.rows.add("notes", "备注", notes)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.credit_edit.setValidator(QRegularExpressionValidator(r"[0-9A-Za-z ]*", self))
        self.credit_edit.editingFinished.connect(self._check_credit_code)
        if company is not None:
            self._fill(company)
        self.snapshot = FormSnapshot(self)

    def reject(self) -> None:
        """Esc, 取消 or closing: asks first when something was typed."""
        if may_discard(self, self.snapshot, self.windowTitle()):
            super().reject()

    def _fill(self, company: Company) -> None:
        for name, widget in self.rows.fields.items():
            value = getattr(company, name)
            if isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, TownCombo):
                widget.set_value(value or "")

    def _check_credit_code(self) -> None:
        """Immediate feedback when leaving the field; the save re-checks through the model."""
        text = self.credit_edit.text().strip().upper().replace(" ", "")
        self.rows.set_error("credit_code", credit_code_problem(text) if text else None)

    def save(self) -> None:
        try:
            data = CompanyInput.model_validate(self.rows.values())
        except ValidationError as exc:
            self.rows.show_errors(field_errors(exc))
            return
        self.rows.clear_errors()
        town = self._listed_town(data.town)
        if town is None:
            return
        data = data.model_copy(update={"town": town})
        try:
            if self.company is None:
                saved = companies.add_company(self.ws, data)
            else:
                updated = self._update(self.company, data)
                if updated is None:
                    return
                saved = updated
        except DuplicateCreditCodeError as exc:
            self.rows.show_errors({"credit_code": exc.message})
            return
        except AuditDeskError as exc:
            report_failure(self, exc, "无法保存企业", None)
            return
        self.company = saved
        self.company_saved.emit(saved.id)
        self.accept()

    def _update(self, company: Company, data: CompanyInput) -> Company | None:
        """Save the edits on the version this editor opened; when another user saved the company
        since, ask: 覆盖 saves mine, 重新载入 fills the form with theirs (``None``: the editor
        stays open, nothing saved). Raises AuditDeskError as :func:`companies.update_company`."""

        def save(version: int | None) -> Company:
            return companies.update_company(self.ws, company.id, data, by=self.by,
                                            expected_version=version)  # fmt: skip

        def rows(exc: StaleRecordError) -> list[FieldRow]:
            theirs = exc.current
            if not isinstance(theirs, Company):
                return []
            return differing([(self.rows.labels[name], getattr(data, name), getattr(theirs, name))
                              for name in self.rows.fields])  # fmt: skip

        expected = company.version
        while True:
            try:
                return save(expected)
            except StaleRecordError as exc:
                choice = ask_stale(self, exc, rows(exc))
                if choice is StaleChoice.OVERWRITE and isinstance(exc.current, Company):
                    expected = exc.current.version
                    continue
                if choice is StaleChoice.RELOAD and isinstance(exc.current, Company):
                    self.company = exc.current
                    self.rows.clear_errors()
                    self._fill(exc.current)
                    self.snapshot.retake()
                return None

    def _listed_town(self, typed: str) -> str | None:
        """The town to save: ``typed``, or the listed name it only spells differently when the
        user agrees; ``None`` when the user goes back to the form."""
        try:
            variant = towns.suggest(self.ws, typed)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取街镇列表", None)
            return None
        if variant is None:
            return typed
        answer = QMessageBox.question(
            self,
            "所属街镇",
            f"街镇列表中已有“{variant}”，与输入的“{typed}”只差区县前缀或空格。\n\n"
            f"是否使用“{variant}”？选“否”则把“{typed}”作为新街镇加入列表。",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            self.town_combo.setFocus()
            return None
        if answer == QMessageBox.StandardButton.Yes:
            self.town_combo.set_value(variant)
            return variant
        return typed
