"""会诊: every non-compliant answer and adopted payroll group as a finding; edit, dismiss with a
written reason, merge, split; filter by area, severity and status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError, StaleRecordError
from auditdesk.formatting import format_date, format_datetime, format_money
from auditdesk.gui.context import AppContext
from auditdesk.gui.date_field import DateField
from auditdesk.gui.dialogs.change_history import ChangeHistoryDialog
from auditdesk.gui.dialogs.discard import ask_reason
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.payroll_findings import PayrollFindingsDialog
from auditdesk.gui.dialogs.stale import (
    FieldRow,
    StaleChoice,
    act_or_resolve,
    differing,
    save_or_resolve,
    seen_rows,
)
from auditdesk.gui.table_model import (
    RIGHT,
    ROW_ROLE,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)
from auditdesk.gui.widgets import read_only_table, stretch
from auditdesk.gui.worker import JobRunner
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import Area
from auditdesk.models.finding import Finding, RectificationStatus, Severity, kind_label
from auditdesk.services import followups, payroll, visit
from auditdesk.services.changelog import LogFilter

ALL = "（全部）"

FINDING_COLUMNS: list[ColumnSpec[Finding]] = [
    ColumnSpec("严重程度", lambda f: f.severity.label, lambda f: f.severity.rank),
    ColumnSpec("领域", lambda f: f.area.label),
    ColumnSpec(
        "问题",
        lambda f: f.title,
        tooltip=lambda f: f"{f.title}\n\n{f.facts}" if f.facts else f.title,
    ),
    ColumnSpec(
        "涉及金额",
        lambda f: format_money(f.money_at_stake),
        lambda f: f.money_at_stake,
        RIGHT,
        tooltip=lambda f: kind_label(f.money_kind) if f.money_at_stake else "",
    ),
    ColumnSpec("整改期限", lambda f: format_date(f.due_date), lambda f: f.due_date),
    ColumnSpec("负责人", lambda f: f.owner),
    ColumnSpec("状态", lambda f: "已剔除" if f.dismissed else f.status.label),
    ColumnSpec("来源", lambda f: f.origin.label),
]
EMPTY_HINT = (
    "还没有问题。先在“问诊 · 查诊”页把检查项答为“不符合”或“部分符合”，再点上方的"
    "“汇总不符合项”生成问题；工资表中查出的问题，请点“工资核查…”采纳。"
)
PAYROLL_STATE_TEXT = {"changed": "工资表已变更", "gone": "工资表中已无此问题"}
PAYROLL_WARNING = {
    "changed": "注意：此问题采纳后工资表已重新导入，核查结果已有变化。"
    "问题本身未改动，请打开“工资核查…”复核后再出具文书。",
    "gone": "注意：重新导入的工资表中已不再出现此问题。"
    "问题本身未改动，请打开“工资核查…”复核后再出具文书。",
}


class FindingFilter(RecordProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.area: str | None = None
        self.severity: str | None = None
        self.status: str | None = None
        self.show_dismissed = False

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        f: Finding = self.sourceModel().data(self.sourceModel().index(row, 0), ROW_ROLE)
        if f.dismissed and not self.show_dismissed:
            return False
        if self.area and f.area.value != self.area:
            return False
        if self.status and f.status.value != self.status:
            return False
        return not (self.severity and f.severity.value != self.severity)


class FindingsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id = ctx, audit_id
        self.by = ""
        self.payroll_states: dict[str, str] | None = None
        """Adopted payroll findings the re-imported payroll no longer supports as adopted
        (finding id → changed|gone); ``None`` while the check runs in the worker."""
        columns = [*FINDING_COLUMNS[:-1], ColumnSpec("来源", self._source_text)]
        self.model: RecordTableModel[Finding] = RecordTableModel(columns, parent=self)
        self.runner = JobRunner(self, ctx.pool)
        self.proxy = FindingFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setModel(self.proxy)
        stretch(self.table, 2)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self._editing: Finding | None = None
        """The finding the editor shows; its edits are saved to it, whatever is selected now."""
        self._dirty = False
        self._loading = False
        self.area_filter = QComboBox()
        self.area_filter.addItem(ALL, None)
        for a in Area:
            self.area_filter.addItem(a.label, a.value)
        self.severity_filter = QComboBox()
        self.severity_filter.addItem(ALL, None)
        for s in Severity:
            self.severity_filter.addItem(s.label, s.value)
        self.status_filter = QComboBox()
        self.status_filter.addItem(ALL, None)
        for st in RectificationStatus:
            self.status_filter.addItem(st.label, st.value)
        self.dismissed_filter = QComboBox()
        self.dismissed_filter.addItems(["不含已剔除", "含已剔除"])
        for combo in (self.area_filter, self.severity_filter, self.status_filter,
                      self.dismissed_filter):  # fmt: skip
            combo.currentIndexChanged.connect(self._filter)
        gather = QPushButton("汇总不符合项")
        gather.setToolTip("为每个“不符合/部分符合”的检查项生成一条问题（已生成的不重复）")
        gather.clicked.connect(self.gather)
        payroll_button = QPushButton("工资核查…")
        payroll_button.clicked.connect(self.open_payroll)
        bar = QHBoxLayout()
        bar.addWidget(gather)
        bar.addWidget(payroll_button)
        bar.addStretch(1)
        for label, combo in (("领域", self.area_filter), ("严重程度", self.severity_filter),
                             ("状态", self.status_filter), ("", self.dismissed_filter)):  # fmt: skip
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(combo)
        # editor
        self.title = QLineEdit()
        self.facts = QPlainTextEdit()
        self.severity = QComboBox()
        for s in Severity:
            self.severity.addItem(s.label, s.value)
        self.status = QComboBox()
        for st in RectificationStatus:
            self.status.addItem(st.label, st.value)
        self.remedy = QPlainTextEdit()
        self.consequence = QPlainTextEdit()
        self.consequence.setToolTip("报告中的“可能后果”：来自该检查项或工资核查规则，可按本案修改")
        self.due = DateField(allow_undecided=True)
        self.owner = QLineEdit()
        self.basis = QLabel("")
        self.basis.setWordWrap(True)
        self.dismissed_note = QLabel("")
        self.dismissed_note.setWordWrap(True)
        self.payroll_warning = QLabel("")
        self.payroll_warning.setWordWrap(True)
        self.payroll_warning.setStyleSheet("color: #B45309;")
        form = QFormLayout()
        form.addRow("问题", self.title)
        form.addRow("事实", self.facts)
        form.addRow("严重程度", self.severity)
        form.addRow("整改建议", self.remedy)
        form.addRow("法律后果", self.consequence)
        form.addRow("整改期限", self.due)
        form.addRow("负责人", self.owner)
        form.addRow("状态", self.status)
        form.addRow("法律依据", self.basis)
        self.save_button = QPushButton("保存修改")
        self.save_button.setToolTip("修改也会在切换问题、切换页签或关闭窗口时自动保存")
        self.save_button.clicked.connect(self.save)
        self.save_state = QLabel("")
        self.save_state.setObjectName("saveState")
        self.save_state.setWordWrap(True)
        for edited in (self.title.textEdited, self.owner.textEdited, self.facts.textChanged,
                       self.remedy.textChanged, self.consequence.textChanged,
                       self.severity.activated, self.status.activated, self.due.edited):  # fmt: skip
            edited.connect(self._edited)
        self.dismiss_button = QPushButton("剔除…")
        self.dismiss_button.setToolTip("不列入报告；须写明理由，记录操作人和时间")
        self.dismiss_button.clicked.connect(self.dismiss)
        self.merge_button = QPushButton("合并所选")
        self.merge_button.clicked.connect(self.merge)
        self.split_button = QPushButton("拆分")
        self.split_button.clicked.connect(self.split)
        self.history_button = QPushButton("修改记录…")
        self.history_button.setToolTip("所选问题的全部修改记录，可导出 Excel")
        self.history_button.clicked.connect(self.open_history)
        actions = QHBoxLayout()
        for b in (self.save_button, self.dismiss_button, self.merge_button, self.split_button,
                  self.history_button):  # fmt: skip
            actions.addWidget(b)
        self.history = QListWidget()
        self.history.setMaximumHeight(110)
        editor = QVBoxLayout()
        editor.addWidget(self.payroll_warning)
        editor.addLayout(form)
        editor.addWidget(self.dismissed_note)
        editor.addWidget(QLabel("修改记录"))
        editor.addWidget(self.history)
        editor_box = QWidget()
        editor_box.setLayout(editor)
        editor_scroll = QScrollArea()  # fits a 1366×768 screen at 150 % scaling
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        editor_scroll.setWidget(editor_box)
        # the buttons and the save state stay above the scrolled fields: always in view
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.addLayout(actions)
        panel_layout.addWidget(self.save_state)
        panel_layout.addWidget(editor_scroll, 1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        self._split_once = False
        self.empty_hint = QLabel(EMPTY_HINT)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setStyleSheet("padding: 12px; background: #f3f4f6; color: #374151;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.empty_hint)
        layout.addWidget(splitter, 1)
        self.payroll_dialog: PayrollFindingsDialog | None = None
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """The first time shown: the list gets three fifths of the width (the editor's size
        hint would take more than half, leaving the 问题 column a hundred pixels)."""
        super().showEvent(event)
        if not self._split_once and self.splitter.width() > 0:
            self._split_once = True
            total = self.splitter.width()
            self.splitter.setSizes([total * 3 // 5, total - total * 3 // 5])

    def reload(self, keep: str | None = None) -> None:
        if not self.save_edits():
            return  # the editor keeps the edits that could not be saved
        current = self.selected()
        keep = keep or (current[0].id if current else None)
        findings = visit.list_findings(self.ctx.ws, self.audit_id)
        self.model.set_rows(findings)
        self.empty_hint.setVisible(not findings)
        self._select(keep)
        self._check_payroll(findings)

    def _source_text(self, f: Finding) -> str:
        state = (self.payroll_states or {}).get(f.id)
        return f"{f.origin.label}（{PAYROLL_STATE_TEXT[state]}）" if state else f.origin.label

    def _check_payroll(self, findings: list[Finding]) -> None:
        """Compare adopted payroll findings with today's payroll, off the GUI thread (it runs
        the rules); the table and the editor then mark the ones whose payroll changed."""
        if not any(f.payroll_hash for f in findings):
            self._payroll_checked({})
            return
        self.payroll_states = None

        def work(progress: object, cancel: object) -> dict[str, str]:
            return payroll.stale_findings(self.ctx.ws, self.audit_id)

        self.runner.start(work, title="核对工资表", show_dialog=False,
                          on_finished=self._payroll_checked,
                          on_failed=lambda exc: self._payroll_checked({}))  # fmt: skip

    def _payroll_checked(self, states: dict[str, str]) -> None:
        self.payroll_states = states
        if states:
            top, bottom = self.model.index(0, 0), self.model.index(
                self.model.rowCount() - 1, self.model.columnCount() - 1)  # fmt: skip
            self.model.dataChanged.emit(top, bottom)
        self._show()

    def _select(self, finding_id: str | None) -> None:
        for r in range(self.proxy.rowCount()):
            f = self.proxy.data(self.proxy.index(r, 0), ROW_ROLE)
            if f.id == finding_id:
                self.table.selectRow(r)
                return
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self._show()

    def _filter(self) -> None:
        self.proxy.beginFilterChange()
        self.proxy.area = self.area_filter.currentData()
        self.proxy.severity = self.severity_filter.currentData()
        self.proxy.status = self.status_filter.currentData()
        self.proxy.show_dismissed = self.dismissed_filter.currentIndex() == 1
        self.proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def open_history(self) -> ChangeHistoryDialog | None:
        """The 修改记录 dialog of the selected finding (opened, not waited for); unsaved edits
        are saved first so they are in it."""
        chosen = self.selected()
        if len(chosen) != 1 or not self.save_edits():
            return None
        f = chosen[0]
        where = LogFilter(entity=ChangeEntity.FINDING, entity_id=f.id)
        self.history_dialog = ChangeHistoryDialog(self.ctx.ws, where, f"问题 {f.code}“{f.title}”",
                                                  self)  # fmt: skip
        self.history_dialog.open()
        return self.history_dialog

    def selected(self) -> list[Finding]:
        return [self.proxy.data(i, ROW_ROLE) for i in self.table.selectionModel().selectedRows()]

    def _edited(self, *_args: object) -> None:
        if self._loading or self._editing is None:
            return
        self._dirty = True
        self.save_state.setText("有未保存的修改（离开此问题时自动保存）")

    def has_unsaved_edits(self) -> bool:
        return self._dirty and self._editing is not None

    def _selection_changed(self) -> None:
        """Moving to another finding saves the one being left; if it cannot be saved (a wrong
        date, a refused move without a reason) the editor stays on it with the edits."""
        chosen = self.selected()
        leaving = self._editing
        moved = leaving is not None and (not chosen or chosen[0].id != leaving.id)
        if moved and leaving is not None and not self.save_edits():
            self._select_quietly(leaving.id)
            return
        self._show()

    def _select_quietly(self, finding_id: str) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        for r in range(self.proxy.rowCount()):
            if self.proxy.data(self.proxy.index(r, 0), ROW_ROLE).id == finding_id:
                self.table.selectRow(r)
                break
        selection.blockSignals(False)
        self.table.viewport().update()

    def _show(self) -> None:
        self._loading = True
        try:
            self._fill()
        finally:
            self._loading = False

    def _fill(self) -> None:
        chosen = self.selected()
        f = chosen[0] if chosen else None
        self._editing, self._dirty = f, False
        self.save_state.setText("")
        for w in (self.title, self.facts, self.severity, self.remedy, self.consequence, self.due,
                  self.owner, self.status, self.save_button, self.dismiss_button, self.split_button):  # fmt: skip
            w.setEnabled(f is not None)
        self.merge_button.setEnabled(len(chosen) >= 2)
        self.history.clear()
        state = (self.payroll_states or {}).get(f.id) if f is not None else None
        self.payroll_warning.setText(PAYROLL_WARNING[state] if state else "")
        self.payroll_warning.setVisible(bool(state))
        if f is None:
            return
        self.title.setText(f.title)
        self.title.setCursorPosition(0)  # a long title shows its beginning, not its end
        self.facts.setPlainText(f.facts)
        self.severity.setCurrentIndex(self.severity.findData(f.severity.value))
        self.status.setCurrentIndex(self.status.findData(f.status.value))
        self.remedy.setPlainText(f.remedy)
        self.consequence.setPlainText(f.consequence)
        self.due.setValue(f.due_date)
        self.owner.setText(f.owner)
        money = (
            f"；{kind_label(f.money_kind)} {format_money(f.money_at_stake)}"
            if f.money_at_stake
            else ""
        )
        self.basis.setText("；".join(c.display() for c in f.legal_basis) + money)
        self.dismiss_button.setText("恢复" if f.dismissed else "剔除…")
        self.dismissed_note.setText(
            f"已剔除：{f.dismissed_reason}（{f.dismissed_by or '—'}，{format_datetime(f.dismissed_at)}）"
            if f.dismissed else ""
        )  # fmt: skip
        for c in reversed(visit.history(self.ctx.ws, self.audit_id, f.id)):
            self.history.addItem(
                f"{format_datetime(c.changed_at)} {c.changed_by or '—'} {c.summary}"
            )

    # ------------------------------------------------------------ actions
    def gather(self) -> None:
        if not self.save_edits():
            return
        created = self._call(visit.gather_findings, self.ctx.ws, self.audit_id, by=self.by)
        if created is not None:
            self.reload(keep=created[0].id if created else None)
            self.changed.emit()

    def save(self) -> None:
        """保存修改: save the editor now (one transaction) and show the result."""
        if self._editing is None:
            return
        self._dirty = True  # the button saves what the editor shows, edited or not
        saved = self.save_edits()
        if saved and self._editing is not None:
            self.reload(keep=self._editing.id)
            self.save_state.setText("已保存")

    def save_edits(self) -> bool:
        """Save the editor's edits to the finding it shows, in one transaction (the fields and
        the rectification move together). ``True`` when nothing is left unsaved; ``False`` when
        the edits could not be saved — a message was shown and they stay in the editor."""
        finding = self._editing
        if finding is None or not self._dirty:
            return True
        try:
            due = self.due.value()
        except AuditDeskError as exc:
            report_failure(self, exc, "整改期限有误", None)
            return False  # nothing saved: the edits stay in the editor
        changes = {
            "title": self.title.text(),
            "facts": self.facts.toPlainText(),
            "severity": Severity(self.severity.currentData()),
            "remedy": self.remedy.toPlainText(),
            "consequence": self.consequence.toPlainText(),
            "due_date": due,
            "owner": self.owner.text(),
        }
        target = RectificationStatus(self.status.currentData())
        note = ""
        if target is not finding.status and target is RectificationStatus.REFUSED:
            note, ok = ask_reason(self, "不予整改", "企业不予整改的理由（必填）：")
            if not ok:
                return False  # nothing saved: the edits stay in the editor
        # one transaction: the edits and the move (choosing 已核验关闭 here is the auditor's
        # explicit verification)
        outcome = save_or_resolve(
            self,
            lambda version: followups.save_finding(self.ctx.ws, finding.id, changes,
                                                   status=target, note=note, by=self.by,
                                                   verify=True, expected_version=version),
            finding.version,
            lambda exc: _finding_rows(changes, target, exc.current),
            title="无法完成操作",
        )  # fmt: skip
        if outcome is StaleChoice.CANCEL:
            return False  # nothing saved: the edits stay in the editor
        if outcome is StaleChoice.RELOAD:  # mine dropped: the editor shows theirs
            self._editing, self._dirty = None, False
            self.reload(keep=finding.id)
            self.save_state.setText("已重新载入他人保存的内容")
            return True
        assert isinstance(outcome, Finding)
        saved = outcome
        self._editing, self._dirty = saved, False
        rows = self.model.rows()
        position = next((i for i, r in enumerate(rows) if r.id == saved.id), None)
        if position is not None:
            self.model.update_row(position, saved)
        self.save_state.setText("已自动保存")
        self.changed.emit()
        return True

    def dismiss(self) -> None:
        if not self.save_edits():
            return
        chosen = self.selected()
        if not chosen:
            return
        f = chosen[0]
        if f.dismissed:
            done = self._act(
                lambda check: visit.restore_finding(self.ctx.ws, f.id, by=self.by,
                                                    expected_version=f.version if check else None),
                chosen, "“覆盖”仍恢复此问题（对方的修改保留）。",
            )  # fmt: skip
        else:
            reason, ok = ask_reason(self, "剔除问题", "不列入报告的理由（必填）：")
            if not ok:
                return
            done = self._act(
                lambda check: visit.dismiss_finding(self.ctx.ws, f.id, reason, by=self.by,
                                                    expected_version=f.version if check else None),
                chosen, "“覆盖”仍剔除此问题（对方的修改保留）。",
            )  # fmt: skip
        if isinstance(done, Finding):
            self.reload(keep=f.id)
            self.changed.emit()
            name = f"{done.code} {done.title}".strip()
            self.save_state.setText(
                f"已剔除“{name}”，不列入报告；右上选“含已剔除”可查看或恢复。"
                if done.dismissed
                else f"已恢复“{name}”，将列入报告。"
            )

    def merge(self) -> None:
        if not self.save_edits():
            return
        chosen = self.selected()
        ids = [f.id for f in chosen]
        merged = self._act(
            lambda check: visit.merge_findings(
                self.ctx.ws, ids, by=self.by,
                expected_versions={f.id: f.version for f in chosen} if check else None),
            chosen, "“覆盖”按对方保存后的内容合并。",
        )  # fmt: skip
        if isinstance(merged, Finding):
            self.reload(keep=merged.id)
            self.changed.emit()

    def split(self) -> None:
        if not self.save_edits():
            return
        chosen = self.selected()
        if chosen:
            f = chosen[0]
            copy = self._act(
                lambda check: visit.split_finding(self.ctx.ws, f.id, by=self.by,
                                                  expected_version=f.version if check else None),
                chosen[:1], "“覆盖”按对方保存后的内容拆分。",
            )  # fmt: skip
            if isinstance(copy, Finding):
                self.reload(keep=copy.id)
                self.changed.emit()

    def _act(self, act: Callable[[bool], Finding], seen: list[Finding],
             overwrite: str) -> Finding | StaleChoice:  # fmt: skip
        """Run an action on findings the user saw; when another user saved one of them since,
        the stale dialog (重新载入 shows theirs; 覆盖 goes ahead on what is stored now)."""
        by_id = {f.id: f for f in seen}

        def rows(exc: StaleRecordError) -> list[FieldRow]:
            current = exc.current
            mine = by_id.get(getattr(current, "id", ""))
            return [] if mine is None else seen_rows(mine, current, SEEN_FIELDS)

        outcome = act_or_resolve(self, act, rows, overwrite=overwrite)
        if outcome is StaleChoice.RELOAD:
            self._editing, self._dirty = None, False
            self.reload(keep=seen[0].id if seen else None)
            self.save_state.setText("已重新载入他人保存的内容")
        return outcome

    def open_payroll(self) -> None:
        if not self.save_edits():
            return
        self.payroll_dialog = PayrollFindingsDialog(self.ctx, self.audit_id, self)
        self.payroll_dialog.finding_adopted.connect(self._adopted)
        self.payroll_dialog.open()
        self.payroll_dialog.start()

    def _adopted(self, finding_id: str) -> None:
        self.reload(keep=finding_id)
        self.changed.emit()

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法完成操作", None)
            return None


FIELD_LABELS = {"title": "问题", "facts": "事实", "severity": "严重程度", "remedy": "整改建议",
                "consequence": "法律后果", "due_date": "整改期限", "owner": "负责人"}  # fmt: skip
SEEN_FIELDS = [*FIELD_LABELS.items(), ("status", "状态"), ("dismissed_reason", "剔除理由")]
"""What the stale dialog compares of a finding the user saw and the one stored now."""


def _finding_rows(
    changes: dict[str, Any], target: RectificationStatus, current: object
) -> list[FieldRow]:
    """My edits beside the finding another user saved, where they differ."""
    if not isinstance(current, Finding):
        return []
    fields = [(FIELD_LABELS[k], v, getattr(current, k)) for k, v in changes.items()]
    fields.append(("状态", target, current.status))
    return differing(fields)
