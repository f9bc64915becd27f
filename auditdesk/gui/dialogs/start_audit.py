"""Start an audit: company, scope (基础/深度评估), auditors and roles, region, first visit date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.date_field import DateField
from auditdesk.gui.dialogs.discard import FormSnapshot, may_discard
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.widgets import company_combo
from auditdesk.models.audit import Auditor, AuditorRole, AuditScope, VisitChannel, VisitKind
from auditdesk.rules.params import KNOWN_REGIONS
from auditdesk.services import audits


class StartAuditDialog(QDialog):
    audit_started = Signal(str)

    def __init__(
        self, ctx: AppContext, company_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("开始体检")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.company = company_combo(ctx.ws, company_id)
        self.title = QLineEdit()
        self.title.setPlaceholderText("如 2026 年度用工体检（可留空）")
        self.basic = QRadioButton("基础评估（核心项目，适合小微或新设企业）")
        self.deep = QRadioButton("深度评估（全部检查项目）")
        self.deep.setChecked(True)
        scope = QButtonGroup(self)
        scope.addButton(self.basic)
        scope.addButton(self.deep)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.basic)
        scope_box.addWidget(self.deep)
        self.region = QComboBox()
        for key, name in KNOWN_REGIONS.items():
            self.region.addItem(name, key)
        self.visit_date = DateField(date.today())
        self.known = audits.known_auditors(ctx.ws)
        self.auditors = QTableWidget(0, 2)
        self.auditors.setHorizontalHeaderLabels(["姓名", "身份"])
        self.auditors.horizontalHeader().setStretchLastSection(True)
        self.auditors.setColumnWidth(0, 240)  # room for the name picker and its hint
        self.auditors.verticalHeader().hide()
        add = QPushButton("添加人员")
        add.clicked.connect(lambda: self.add_auditor("", AuditorRole.LAWYER))
        remove = QPushButton("移除")
        remove.clicked.connect(lambda: self.auditors.removeRow(self.auditors.currentRow()))
        people = QHBoxLayout()
        people.addWidget(add)
        people.addWidget(remove)
        people.addStretch(1)
        form.addRow("企业", self.company)
        form.addRow("体检名称", self.title)
        form.addRow("范围", scope_box)
        form.addRow("地区", self.region)
        form.addRow("首次走访日期", self.visit_date)
        form.addRow("检查人员", self.auditors)
        form.addRow("", people)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始体检")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.add_auditor("", AuditorRole.UNION_CADRE)
        self.add_auditor("", AuditorRole.LAWYER)
        self.snapshot = FormSnapshot(self)

    def reject(self) -> None:
        """Esc, 取消 or closing: asks first when something was typed or chosen."""
        if may_discard(self, self.snapshot, self.windowTitle()):
            super().reject()

    def add_auditor(self, name: str, role: AuditorRole) -> None:
        """A row: the name picked from people of earlier audits (or typed, for someone new) and
        the role, which follows the person picked."""
        row = self.auditors.rowCount()
        self.auditors.insertRow(row)
        combo = QComboBox()
        for r in AuditorRole:
            combo.addItem(r.label, r.value)
        combo.setCurrentIndex(combo.findData(role.value))
        person = QComboBox()
        person.setEditable(True)
        person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for known in self.known:
            person.addItem(known.name, known.role.value)
        person.setCurrentIndex(-1)
        person.setEditText(name)
        editor = person.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("选择或输入姓名")
        person.setToolTip("从以往体检的人员中选择；新人员直接输入姓名")

        def picked(index: int, roles: QComboBox = combo, names: QComboBox = person) -> None:
            if index >= 0 and names.itemData(index):
                roles.setCurrentIndex(roles.findData(names.itemData(index)))

        person.currentIndexChanged.connect(picked)
        self.auditors.setCellWidget(row, 0, person)
        self.auditors.setCellWidget(row, 1, combo)

    def auditor_list(self) -> list[Auditor]:
        out = []
        for row in range(self.auditors.rowCount()):
            person = self.auditors.cellWidget(row, 0)
            name = person.currentText().strip() if isinstance(person, QComboBox) else ""
            combo = self.auditors.cellWidget(row, 1)
            if name and isinstance(combo, QComboBox):
                out.append(Auditor(name=name, role=AuditorRole(combo.currentData())))
        return out

    def save(self) -> None:
        company_id = self.company.currentData()
        if company_id is None:
            self.error.setText("请先在“企业”页面添加企业。")
            return
        people = self.auditor_list()
        if not people:
            self.error.setText("请至少填写一名检查人员（工会干部或律师）。")
            return
        try:
            day = self.visit_date.value() or date.today()
            audit = audits.start_audit(
                self.ctx.ws, company_id, title=self.title.text().strip(),
                scope=AuditScope.BASIC if self.basic.isChecked() else AuditScope.DEEP,
                auditors=people, region=self.region.currentData(),
                started_on=day,
            )  # fmt: skip
            audits.record_visit(self.ctx.ws, audit.id, visit_date=day,
                                kind=VisitKind.INITIAL, channels=[VisitChannel.TALK],
                                attendees=[p.name for p in people])  # fmt: skip
        except AuditDeskError as exc:
            report_failure(self, exc, "无法开始体检", None)
            return
        self.audit_started.emit(audit.id)
        self.accept()
