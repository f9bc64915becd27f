"""工资核查: the payroll rule results of an audit, grouped by rule and month, filterable; a group
can be turned into one report finding."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_money, format_money_by_kind
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.stale import FieldRow, StaleChoice, act_or_resolve
from auditdesk.gui.table_model import (
    RIGHT,
    ROW_ROLE,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)
from auditdesk.gui.widgets import read_only_table, selected_record, stretch
from auditdesk.gui.worker import JobRunner
from auditdesk.models.finding import Finding, Severity, kind_label
from auditdesk.models.payroll import CheckResult, PayrollFinding
from auditdesk.rules.review import PayrollReview
from auditdesk.services import payroll
from auditdesk.services.payroll import FindingGroup

ALL = "（全部）"

GROUP_COLUMNS: list[ColumnSpec[FindingGroup]] = [
    ColumnSpec("严重程度", lambda g: g.severity.label, lambda g: g.severity.rank),
    ColumnSpec("规则", lambda g: g.title, tooltip=lambda g: g.rule),
    ColumnSpec("月份", lambda g: g.period),
    ColumnSpec("人数", lambda g: str(g.employees), lambda g: g.employees, RIGHT),
    ColumnSpec(
        "涉及金额",
        lambda g: format_money_by_kind(g.totals, kind_label),
        lambda g: g.total or Decimal(0),
        RIGHT,
    ),
]

MESSAGE_COLUMN: ColumnSpec[PayrollFinding] = ColumnSpec(
    "说明",
    lambda f: f.message,
    tooltip=lambda f: "\n".join(
        [f.message, f.caveat, "依据：" + "；".join(c.display() for c in f.legal_basis)]
    ),
)

FINDING_COLUMNS: list[ColumnSpec[PayrollFinding]] = [
    ColumnSpec("员工", lambda f: f.employee_key),
    ColumnSpec("姓名", lambda f: f.employee_name or ""),
    ColumnSpec("部门", lambda f: f.department or ""),
    ColumnSpec("严重程度", lambda f: f.severity.label, lambda f: f.severity.rank),
    ColumnSpec("确定性", lambda f: f.certainty.label,
               tooltip=lambda f: f"须核实：{f.depends_on}" if f.depends_on else ""),
    ColumnSpec("金额", lambda f: format_money(f.amount), lambda f: f.amount, RIGHT,
               tooltip=lambda f: kind_label(f.money_kind) if f.amount is not None else ""),
    ColumnSpec("金额类别", lambda f: kind_label(f.money_kind) if f.amount is not None else ""),
    MESSAGE_COLUMN,
    ColumnSpec("来源", lambda f: f.source_ref),
]  # fmt: skip


class PayrollFindingsDialog(QDialog):
    """Runs the rules on the audit's payroll (in the worker) and shows what they found."""

    finding_adopted = Signal(str)

    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id = ctx, audit_id
        self.check_result: CheckResult | None = None
        self.setWindowTitle("工资核查结果")
        self.resize(1100, 700)
        self.summary = QLabel("正在核查…")
        self.summary.setWordWrap(True)
        self.rule_filter = QComboBox()
        self.severity_filter = QComboBox()
        self.department_filter = QComboBox()
        self.employee_filter = QLineEdit()
        self.employee_filter.setPlaceholderText("工号或姓名")
        self.employee_filter.setClearButtonEnabled(True)
        bar = QHBoxLayout()
        for label, widget in (("规则", self.rule_filter), ("严重程度", self.severity_filter),
                              ("部门", self.department_filter), ("员工", self.employee_filter)):  # fmt: skip
            bar.addWidget(QLabel(label))
            bar.addWidget(widget, 1)
        self.review: PayrollReview | None = None
        self.marks: dict[str, payroll.AdoptionMark] = {}
        """Group ref → the finding made from it (see ``services.payroll.adoption_marks``)."""
        state_column: ColumnSpec[FindingGroup] = ColumnSpec(
            "报告问题", lambda g: self.marks[g.ref].label if g.ref in self.marks else ""
        )
        self.groups: RecordTableModel[FindingGroup] = RecordTableModel(
            [*GROUP_COLUMNS, state_column], parent=self
        )
        self.group_proxy = RecordProxyModel(self)
        self.group_proxy.setSourceModel(self.groups)
        self.group_table = read_only_table()
        self.group_table.setModel(self.group_proxy)
        self.group_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        stretch(self.group_table, 1)
        self.details: RecordTableModel[PayrollFinding] = RecordTableModel(
            FINDING_COLUMNS, parent=self
        )
        self.detail_proxy = RecordProxyModel(self)
        self.detail_proxy.setSourceModel(self.details)
        self.detail_table = read_only_table()
        self.detail_table.setModel(self.detail_proxy)
        stretch(self.detail_table, FINDING_COLUMNS.index(MESSAGE_COLUMN))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.group_table)
        splitter.addWidget(self.detail_table)
        self.adopt_button = QPushButton("转为报告问题")
        self.adopt_button.setToolTip(
            "把所选规则、月份的全部员工合并为体检报告中的一条问题（含金额与法律依据）"
        )
        self.adopt_button.setEnabled(False)
        self.adopt_button.clicked.connect(self.adopt_selected)
        self.merge_button = QPushButton("合并多月为一个问题")
        self.merge_button.setToolTip(
            "所选同一规则的多个月份合并为一条问题（同一员工各月列在一起）；"
            "按住 Ctrl 或 Shift 选择多个月份"
        )
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(lambda: self.adopt_selected(merge=True))
        self.status = QLabel("")
        self.status.setWordWrap(True)  # a long message wraps; it never widens the dialog
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.adopt_button)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        for combo in (self.rule_filter, self.severity_filter, self.department_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.employee_filter.textChanged.connect(self.apply_filters)
        self.group_table.selectionModel().selectionChanged.connect(self._group_selected)
        self.runner = JobRunner(self, ctx.pool)

    def start(self) -> None:
        def work(
            progress: object, cancel: object
        ) -> tuple[PayrollReview, dict[str, payroll.AdoptionMark]]:
            review = payroll.review_audit(self.ctx.ws, self.audit_id)
            return review, payroll.adoption_marks(self.ctx.ws, self.audit_id, review)

        self.runner.start(
            work, title="工资核查", on_finished=self._reviewed, on_failed=self._failed
        )

    def _reviewed(self, payload: tuple[PayrollReview, dict[str, payroll.AdoptionMark]]) -> None:
        self.review, self.marks = payload
        self.show_result(self.review.result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AuditDeskError):
            self.summary.setText(f"无法核查：{exc.message}")
        else:
            report_failure(self, exc, "工资核查出错", None)

    def show_result(self, result: CheckResult) -> None:
        self.check_result = result
        skipped = "；".join(f"{s.title}（{s.reason}）" for s in result.rules_skipped)
        lines = [
            f"{result.rows} 行工资数据，{result.employees} 名员工，月份 {'、'.join(result.periods) or '—'}；"
            f"运行 {len(result.rules_run)} 条规则，发现 {len(result.findings)} 项。",
        ]
        if result.rows and not result.findings:
            lines.append("核查没有发现问题：无需转为报告问题。可以关闭此窗口，继续会诊。")
        if not result.rows:
            lines = ["该体检还没有导入工资表：请先在体检列表中选中本次体检，点“导入工资表…”。"]
        if skipped:
            lines.append(f"未运行：{skipped}")
        lines += [f"注意：{n}" for n in result.notes]
        self.summary.setText("\n".join(lines))
        self._fill_filters(result)
        self.apply_filters()

    def _fill_filters(self, result: CheckResult) -> None:
        def fill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)

        rules = sorted({(f.title, f.rule) for f in result.findings}, key=lambda t: t[1])
        fill(self.rule_filter, [(title, rule) for title, rule in rules])
        for i in range(1, self.rule_filter.count()):  # the rule id stays reachable, as a tooltip
            rule_id = self.rule_filter.itemData(i)
            self.rule_filter.setItemData(i, f"规则编号：{rule_id}", Qt.ItemDataRole.ToolTipRole)
        fill(self.severity_filter, [(s.label, s.value) for s in Severity])
        departments = sorted({f.department for f in result.findings if f.department})
        fill(self.department_filter, [(d, d) for d in departments])

    def apply_filters(self) -> None:
        if self.check_result is None:
            return
        severity = self.severity_filter.currentData()
        found = payroll.filter_findings(
            self.check_result.findings,
            rule=self.rule_filter.currentData(),
            severity=Severity(severity) if severity else None,
            department=self.department_filter.currentData(),
            employee=self.employee_filter.text(),
        )
        self.groups.set_rows(payroll.group_findings(found))
        self.details.set_rows([])
        self.adopt_button.setEnabled(False)
        if self.groups.rowCount():
            self.group_table.selectRow(0)

    def selected_group(self) -> FindingGroup | None:
        group: FindingGroup | None = selected_record(self.group_table)
        return group

    def selected_groups(self) -> list[FindingGroup]:
        rows = self.group_table.selectionModel().selectedRows()
        return [self.group_proxy.data(index, ROW_ROLE) for index in rows]

    def _group_selected(self) -> None:
        chosen = self.selected_groups()
        self.details.set_rows([f for g in chosen for f in g.findings])
        self.adopt_button.setEnabled(bool(chosen))
        rules = [g.rule for g in chosen]
        self.merge_button.setEnabled(any(rules.count(r) > 1 for r in rules))

    def adopt_selected(self, *, merge: bool = False) -> None:
        """Turn the selected groups into report findings: one each, or with ``merge`` one per
        rule across the selected months. The whole group is adopted (every employee of the rule
        and month), whatever the filters show."""
        chosen = self.selected_groups()
        if not chosen or self.review is None:
            return
        review = self.review
        seen = {m.finding_id: m.version for m in self.marks.values()}
        outcome = act_or_resolve(
            self,
            lambda check: payroll.adopt_refs(self.ctx.ws, self.audit_id, review,
                                             [g.ref for g in chosen], merge=merge,
                                             expected_versions=seen if check else None),
            lambda exc: _adoption_rows(exc.current),
            overwrite="“覆盖”用工资核查的结果更新该问题，替换对方保存的问题、事实和金额。",
            title="无法转为报告问题",
        )  # fmt: skip
        try:
            self.marks = payroll.adoption_marks(self.ctx.ws, self.audit_id, review)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法转为报告问题", None)
            return
        rows = self.groups.rows()
        if not isinstance(outcome, list):  # nothing adopted; 重新载入: the marks as stored now
            for position, row in enumerate(rows):
                self.groups.update_row(position, row)
            if outcome is StaleChoice.RELOAD:
                self.status.setText("已重新载入：报告问题已被他人修改，请核对后再转为报告问题。")
                self.status.setToolTip("")
            return
        found = outcome
        for position, row in enumerate(rows):  # their 报告问题 cells now read so
            self.groups.update_row(position, row)
        self.status.setText(f"已转为 {len(found)} 条报告问题：{'、'.join(f.code for f in found)}"
                            "（在体检窗口的“会诊 · 问题”页查看、编辑）")  # fmt: skip
        self.status.setToolTip("\n".join(f"{f.code} {f.title}" for f in found))
        for finding in found:
            self.finding_adopted.emit(finding.id)


def _adoption_rows(current: object) -> list[FieldRow]:
    """What the other user saved of the finding an adoption would refresh (this side: the
    payroll check's values, shown by the dialog's tables)."""
    if not isinstance(current, Finding):
        return []
    return [("问题", "（按工资核查）", current.title), ("事实", "（按工资核查）", current.facts),
            ("修改人", "", current.updated_by or "")]  # fmt: skip
