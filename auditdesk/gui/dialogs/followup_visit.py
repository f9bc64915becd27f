"""The 跟诊 visit: each open finding (carried forward) marked 已整改 / 部分整改 / 未整改 with a new
deadline; the payroll can be re-checked first, and findings that no longer fire are proposed fixed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_date, format_money
from auditdesk.gui.context import AppContext
from auditdesk.gui.date_field import DateField
from auditdesk.gui.dialogs.discard import FormSnapshot, may_discard
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.stale import StaleChoice, act_or_resolve, seen_rows
from auditdesk.models.audit import Visit
from auditdesk.services import audits, followups
from auditdesk.services.followups import VisitResult

OUTCOMES = [
    ("（本次不核验）", ""),
    ("已整改", "fixed"),
    ("部分整改", "partly"),
    ("未整改", "not_fixed"),
]
VISIT_FIELDS = [("title", "问题"), ("status", "状态"), ("due_date", "整改期限"),
                ("facts", "事实"), ("remedy", "整改建议")]  # fmt: skip
"""What the stale dialog compares of a finding the visit form opened with and the one stored."""

COLS = ["问题", "状态", "期限", "核验结果", "新期限", "证据", "说明"]


class FollowupVisitDialog(QDialog):
    visit_recorded = Signal(object)

    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None, *,
                 followup_id: str | None = None) -> None:  # fmt: skip
        """``followup_id``: the planned follow-up this visit fulfils (when started from it)."""
        super().__init__(parent)
        self.ctx, self.audit_id, self.followup_id = ctx, audit_id, followup_id
        audit = audits.get_audit(ctx.ws, audit_id)
        self.by = audit.auditors[0].name if audit.auditors else ""
        self.setWindowTitle("跟诊")
        self.resize(1100, 560)
        self.findings = followups.open_findings(ctx.ws, audit_id)
        self.visit_date = DateField(date.today())
        self.recheck_button = QPushButton("重新核查工资表")
        self.recheck_button.setToolTip(
            "用本次体检最新导入的工资表重跑规则：不再触发的工资问题建议标为已整改"
        )
        self.recheck_button.clicked.connect(self.recheck)
        self.table = QTableWidget(len(self.findings), len(COLS))
        self.table.setHorizontalHeaderLabels(COLS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.outcomes: list[QComboBox] = []
        self.summary = ""
        """After a save: what was recorded, for the page that opened the dialog to say."""
        self.dues: list[DateField] = []
        self.notes: list[QLineEdit] = []
        self.evidence: list[list[Path]] = [[] for _ in self.findings]
        for r, f in enumerate(self.findings):
            cells = [f"{f.code} {f.title}", f.status.label, format_date(f.due_date) or "—"]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            combo = QComboBox()
            for label, key in OUTCOMES:
                combo.addItem(label, key)
            # a deadline still running is offered as it is (未整改 never moves it unasked);
            # a passed or missing one, today + 30 days
            running = f.due_date is not None and f.due_date >= date.today()
            due = DateField(f.due_date if running else date.today() + timedelta(days=30))
            note = QLineEdit()
            note.setPlaceholderText("核验情况、证据")
            self.table.setCellWidget(r, 3, combo)
            self.table.setCellWidget(r, 4, due)
            attach = QPushButton("添加…")
            attach.clicked.connect(lambda _c=False, row=r: self.add_evidence(row))
            self.table.setCellWidget(r, 5, attach)
            self.table.setCellWidget(r, 6, note)
            self.outcomes.append(combo)
            self.dues.append(due)
            self.notes.append(note)
        self.table.resizeColumnsToContents()
        # a long title wraps instead of pushing 证据/说明 out of view (no horizontal scrolling)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        self.status = QLabel(f"未关闭的问题 {len(self.findings)} 项（含以前跟诊结转的）。")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存跟诊记录")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("跟诊日期"))
        top.addWidget(self.visit_date)
        top.addStretch(1)
        top.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.snapshot = FormSnapshot(self, lambda: [list(paths) for paths in self.evidence])

    def reject(self) -> None:
        """Esc, 取消 or closing: asks first when an outcome, note, date or file was given."""
        if may_discard(self, self.snapshot, self.windowTitle()):
            super().reject()

    def recheck(self) -> None:
        try:
            checks = followups.recheck_payroll(self.ctx.ws, self.audit_id)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法核查工资表", None)
            return
        rows = {f.id: r for r, f in enumerate(self.findings)}
        lines = []
        for check in checks:
            r = rows.get(check.finding.id)
            if r is None:
                continue
            before, after = format_money(check.before) or "—", format_money(check.after) or "—"
            if check.fixed:
                self.outcomes[r].setCurrentIndex(1)
                self.notes[r].setText(f"复查工资表：规则不再触发（原涉及 {before}）")
            else:
                self.outcomes[r].setCurrentIndex(3)
                self.notes[r].setText(
                    f"复查工资表：仍有 {len(check.still)} 人（涉及 {before} → {after}）"
                )
            lines.append(self.notes[r].text())
        self.status.setText("；".join(lines) if lines else "没有需要复查的工资问题。")

    def add_evidence(self, row: int, paths: list[Path] | None = None) -> None:
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(
                self,
                "整改证据",
                "",
                "证据文件 (*.png *.jpg *.jpeg *.pdf *.doc *.docx *.xlsx);;所有文件 (*)",
            )
            paths = [Path(n) for n in names]
        self.evidence[row].extend(paths)
        button = self.table.cellWidget(row, 5)
        if isinstance(button, QPushButton) and self.evidence[row]:
            button.setText(f"{len(self.evidence[row])} 个文件")

    def results(self) -> list[VisitResult]:
        out = []
        for r, f in enumerate(self.findings):
            key = self.outcomes[r].currentData()
            if not key:
                continue
            new_due = None if key == "fixed" else self.dues[r].value()  # wrong date: raises
            out.append(VisitResult(f.id, key, self.notes[r].text().strip(), new_due,
                                   tuple(self.evidence[r])))  # fmt: skip
        return out

    def save(self) -> None:
        try:
            results = self.results()
            day = self.visit_date.value() or date.today()
        except AuditDeskError as exc:
            report_failure(self, exc, "日期有误", None)
            return
        if not results:
            self.status.setText("请至少为一个问题选择核验结果。")
            return
        seen = {f.id: f for f in self.findings}
        outcome = act_or_resolve(
            self,
            lambda _check: followups.record_followup_visit(
                self.ctx.ws, self.audit_id, day, results, by=self.by,
                followup_id=self.followup_id,
                expected_versions={f.id: f.version for f in self.findings}),
            lambda exc: seen_rows(seen.get(getattr(exc.current, "id", "")), exc.current,
                                  VISIT_FIELDS),
            overwrite=None,  # 跟诊 moves findings: after another user's move, look again first
            title="无法保存跟诊记录",
        )  # fmt: skip
        if outcome is StaleChoice.RELOAD:
            self.reload_findings()
            return
        if isinstance(outcome, Visit):
            fixed = sum(1 for r in results if r.outcome == "fixed")
            self.summary = (f"已保存 {day.isoformat()} 的跟诊记录：核验 {len(results)} 项"
                            f"（已整改 {fixed} 项）。")  # fmt: skip
            self.visit_recorded.emit(outcome)
            self.accept()

    def reload_findings(self) -> None:
        """After another user's save: each row shows the finding as stored now (the outcomes
        chosen stay); a finding no longer open cannot be chosen any more."""
        fresh = {f.id: f for f in followups.open_findings(self.ctx.ws, self.audit_id)}
        gone = 0
        for r, f in enumerate(self.findings):
            now = fresh.get(f.id)
            if now is None:
                gone += 1
                self.outcomes[r].setCurrentIndex(self.outcomes[r].findData(""))
                self.outcomes[r].setEnabled(False)
                self.table.setItem(r, 1, QTableWidgetItem("已不在未关闭之列"))
                continue
            self.findings[r] = now
            self.table.setItem(r, 0, QTableWidgetItem(f"{now.code} {now.title}"))
            self.table.setItem(r, 1, QTableWidgetItem(now.status.label))
            self.table.setItem(r, 2, QTableWidgetItem(format_date(now.due_date) or "—"))
        extra = f"其中 {gone} 项已被他人关闭或删除。" if gone else ""
        self.status.setText(f"已重新载入他人保存的内容。{extra}请核对后再保存跟诊记录。")
