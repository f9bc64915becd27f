"""Payroll import wizard: files → preview (header highlighted) → mapping → run (worker) → summary.

The wizard only collects choices and shows results; reading, planning and importing are the
payroll service's (``preview_files``, ``Preview.replan``, ``import_payroll``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.discard import ask_discard
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.wizards.sheet_preview import SheetPreviewModel, display_cell
from auditdesk.gui.worker import Job, JobRunner
from auditdesk.models.payroll import ColumnInfo, ColumnMapping, MappingSource, PayrollField
from auditdesk.payroll.importer import SheetPlan
from auditdesk.payroll.layout import split_cell_ref
from auditdesk.payroll.mapping import normalize_header
from auditdesk.services import payroll
from auditdesk.services.payroll import ImportOutcome, Preview

FILE_FILTER = "工资表 (*.xlsx *.xlsm *.xls *.csv *.txt *.ods);;所有文件 (*)"
NOT_IMPORTED = "（不导入）"
_PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class ImportDraft:
    """Everything the wizard has gathered so far; owned by the wizard, shared by its pages."""

    audit_id: str
    company_id: str
    paths: list[Path] = field(default_factory=list)
    preview: Preview | None = None
    overrides: dict[str, PayrollField | None] = field(default_factory=dict)
    period: str | None = None
    outcome: ImportOutcome | None = None

    def mapping(self) -> ColumnMapping | None:
        return ColumnMapping(columns=dict(self.overrides)) if self.overrides else None

    def sheets(self) -> list[tuple[str, SheetPlan]]:
        """(file name, plan) for every sheet of every file, in order."""
        if self.preview is None:
            return []
        return [
            (wb.name, plan)
            for wb, plans in zip(self.preview.workbooks, self.preview.plans, strict=True)
            for plan in plans
        ]

    def replan(self) -> None:
        if self.preview is not None:
            self.preview.replan(self.mapping(), self.period)


class _SheetChooser(QComboBox):
    """file · sheet, for every sheet the draft holds."""

    def fill(self, draft: ImportDraft) -> None:
        current = self.currentIndex()
        self.blockSignals(True)
        self.clear()
        for file_name, plan in draft.sheets():
            suffix = "" if not plan.note else "（不导入）"
            self.addItem(f"{file_name} · {plan.sheet.name}{suffix}")
        self.setCurrentIndex(max(0, min(current, self.count() - 1)))
        self.blockSignals(False)


# ------------------------------------------------------------------ 1. files
class FilesPage(QWizardPage):
    def __init__(self, ctx: AppContext, draft: ImportDraft, runner: JobRunner) -> None:
        super().__init__()
        self.ctx, self.draft, self.runner = ctx, draft, runner
        self.setTitle("选择工资表文件")
        self.setSubTitle(
            "支持 .xlsx、.xls（WPS/Excel 2003）和 .csv（GBK 或 UTF-8）；可把文件拖到此处。"
        )
        self.setAcceptDrops(True)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton("添加文件…")
        self.remove_button = QPushButton("移除")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("errorLabel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.empty_hint = QLabel(
            "还没有选择文件：点“添加文件…”选择公司的工资表（可一次选多个月份），或把文件拖到这里；"
            "然后点“下一步”预览。"
        )
        self.empty_hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._loaded_for: list[Path] | None = None
        self._job: Job | None = None

    def add_paths(self, paths: list[Path]) -> None:
        known = set(self.draft.paths)
        for path in paths:
            if path not in known:
                self.draft.paths.append(path)
                self.list.addItem(str(path))
        self.status.setText("")
        self.completeChanged.emit()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择工资表", "", FILE_FILTER)
        self.add_paths([Path(n) for n in names])
        wizard = self.wizard()
        if names and wizard is not None:  # Enter now goes on to 下一步, not to 添加文件… again
            wizard.button(QWizard.WizardButton.NextButton).setFocus()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.draft.paths.remove(Path(item.text()))
            self.list.takeItem(self.list.row(item))
        self.completeChanged.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_paths([p for p in paths if p.is_file()])
        event.acceptProposedAction()

    def isComplete(self) -> bool:
        self.empty_hint.setVisible(not self.draft.paths)
        self.remove_button.setEnabled(bool(self.draft.paths))
        return bool(self.draft.paths) and self._job is None

    def validatePage(self) -> bool:
        if self._loaded_for == self.draft.paths and self.draft.preview is not None:
            return True
        self.status.setText("正在读取文件…")
        self._job = self.runner.start(
            payroll.preview_files,
            self.ctx.ws,
            list(self.draft.paths),
            company_id=self.draft.company_id,
            title="读取工资表",
            on_finished=self._loaded,
            on_failed=self._failed,
        )
        self.completeChanged.emit()
        return False  # the wizard moves on when the files have been read

    def _loaded(self, preview: Preview) -> None:
        self._job = None
        self.draft.preview = preview
        self.draft.overrides.clear()
        self._loaded_for = list(self.draft.paths)
        self.status.setText("")
        self.completeChanged.emit()
        self.wizard().next()

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.completeChanged.emit()
        if isinstance(exc, Cancelled):
            self.status.setText("已取消读取。")
        elif isinstance(exc, AuditDeskError):
            self.status.setText(exc.message)
        else:
            report_failure(self, exc, "读取工资表时出错", None)


# ------------------------------------------------------------------ 2. preview
class PreviewPage(QWizardPage):
    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("预览")
        self.setSubTitle("黄色为识别出的表头行，灰色文字为将被跳过的行（小计、合计、签字等）。")
        self.chooser = _SheetChooser()
        self.chooser.currentIndexChanged.connect(self.show_sheet)
        self.model = SheetPreviewModel(self)
        self.reveal = QCheckBox("显示完整身份证号")
        self.reveal.toggled.connect(self.model.set_reveal)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        _compact(self.table)
        top = QHBoxLayout()
        top.addWidget(QLabel("工作表："))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.reveal)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        self.chooser.fill(self.draft)
        self.show_sheet(self.chooser.currentIndex())

    def show_sheet(self, index: int) -> None:
        sheets = self.draft.sheets()
        if not 0 <= index < len(sheets):
            self.model.set_sheet(None, {})
            return
        _file, plan = sheets[index]
        self.model.set_sheet(plan, {})
        if plan.header:
            self.table.scrollTo(self.model.index(plan.header.rows[0], 0))
        self.note.setText(f"不导入：{plan.note}" if plan.note else _period_text(plan))


def _compact(table: QTableView) -> None:
    """Spreadsheet-like row heights, so a preview shows as many rows as Excel would."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setDefaultSectionSize(110)


def _period_text(plan: SheetPlan) -> str:
    if plan.period_override:
        return f"工资月份：{plan.period_override}（导入时指定）"
    if plan.period.period:
        return f"工资月份：{plan.period.period}（依据：{plan.period.source}）"
    return "工资月份：按每行的月份列"


# ------------------------------------------------------------------ 3. mapping
COLS = ["列", "表头", "示例", "对应字段", "置信度", "依据"]
SOURCE_LABELS = {
    MappingSource.SYNONYM: "同义词",
    MappingSource.GUESS: "推测",
    MappingSource.PROFILE: "上次保存的映射",
    MappingSource.USER: "本次指定",
    MappingSource.NONE: "—",
}
GUESS_BRUSH = QBrush(QColor("#ffe2a8"))
"""A guessed field waiting for the user's confirmation."""
LEFT_OUT_BRUSH = QBrush(QColor("#eeeeee"))


def awaiting_confirmation(col: ColumnInfo) -> bool:
    """A guessed field the import leaves out until the user picks it."""
    return col.field is None and col.source is MappingSource.GUESS and col.candidate is not None


class NoWheelComboBox(QComboBox):
    """A drop-down the mouse wheel never changes unless it has focus: scrolling a long mapping
    list must scroll the list, not silently remap the column under the pointer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the table under it scrolls instead


class MappingPage(QWizardPage):
    mapping_changed = Signal()

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("核对列映射")
        self.setSubTitle("每一列对应哪个字段：请核对自动识别的结果，必要时在下拉框中更正。"
                         "确认的映射会保存，下次导入该企业的工资表时自动套用。")  # fmt: skip
        self.chooser = _SheetChooser()
        self.chooser.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_edit = QLineEdit()
        self.period_edit.setPlaceholderText("如 2025-07；留空则自动识别")
        hint = self.period_edit.fontMetrics().horizontalAdvance(self.period_edit.placeholderText())
        self.period_edit.setMinimumWidth(hint + 16)  # the whole hint, beside a long sheet name
        self.period_edit.editingFinished.connect(self._period_edited)
        self.period_error = QLabel("")
        self.period_error.setObjectName("errorLabel")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLS))
        self.table.setHorizontalHeaderLabels(COLS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        top = QHBoxLayout()
        top.addWidget(QLabel("工作表："))
        top.addWidget(self.chooser, 1)
        top.addWidget(QLabel("工资月份："))
        top.addWidget(self.period_edit)
        self.guesses = QLabel("")
        self.guesses.setWordWrap(True)
        self.accept_guesses_button = QPushButton("采用全部推测")
        self.accept_guesses_button.setToolTip("把标为橙色的推测映射全部确认为对应字段")
        self.accept_guesses_button.clicked.connect(self.accept_all_guesses)
        guess_row = QHBoxLayout()
        guess_row.addWidget(self.guesses, 1)
        guess_row.addWidget(self.accept_guesses_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.period_error)
        layout.addWidget(self.note)
        layout.addLayout(guess_row)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        self.chooser.fill(self.draft)
        self.refresh()

    def pending_guesses(self) -> list[ColumnInfo]:
        """Guessed columns in every sheet that still wait for confirmation."""
        return [c for _f, plan in self.draft.sheets() for c in plan.columns
                if awaiting_confirmation(c)]  # fmt: skip

    def accept_all_guesses(self) -> None:
        for col in self.pending_guesses():
            self.draft.overrides[normalize_header(col.header)] = col.candidate
        self.draft.replan()
        self.refresh()
        self.mapping_changed.emit()

    def current_plan(self) -> SheetPlan | None:
        sheets = self.draft.sheets()
        i = self.chooser.currentIndex()
        return sheets[i][1] if 0 <= i < len(sheets) else None

    def refresh(self) -> None:
        plan = self.current_plan()
        self.table.setRowCount(0)
        if plan is None:
            return
        self.note.setText(f"不导入：{plan.note}" if plan.note else _period_text(plan))
        first = plan.header.first_data_row if plan.header else 0
        samples = plan.sheet.rows[first : first + 3]
        pending = self.pending_guesses()
        self.guesses.setText(
            f"有 {len(pending)} 列是推测的映射（橙色），确认前不导入、不核查：请在下拉框中选择字段，"
            "或点“采用全部推测”。"
            if pending
            else ""
        )
        self.accept_guesses_button.setVisible(bool(pending))
        self.table.setRowCount(len(plan.columns))
        for r, col in enumerate(plan.columns):
            hidden = "（隐藏）" if col.hidden else ""
            sample = "、".join(
                display_cell(row[col.index], reveal=False)
                for row in samples
                if col.index < len(row) and row[col.index] not in (None, "")
            )
            basis = SOURCE_LABELS.get(col.source, "")
            if awaiting_confirmation(col) and col.candidate is not None:
                basis = f"推测为“{col.candidate.label}”，待确认"
            elif col.note:
                basis = col.note
            for c, text in enumerate(
                [col.column + hidden, col.header or "（无表头）", sample, "",
                 f"{col.confidence:.2f}" if col.field or col.candidate else "", basis]
            ):  # fmt: skip
                item = QTableWidgetItem(text)
                if awaiting_confirmation(col):
                    item.setBackground(GUESS_BRUSH)
                elif col.note and col.field is None:
                    item.setBackground(LEFT_OUT_BRUSH)
                if c == 5 and col.note:
                    item.setToolTip(col.note)
                self.table.setItem(r, c, item)
            combo = NoWheelComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for f in PayrollField:
                combo.addItem(f.label, f.value)
                combo.setItemData(
                    combo.count() - 1, f"字段：{f.value}", Qt.ItemDataRole.ToolTipRole
                )
            combo.setCurrentIndex(combo.findData(col.field.value) if col.field else 0)
            key = normalize_header(col.header)
            combo.currentIndexChanged.connect(
                lambda _i, k=key, cb=combo: self._field_chosen(k, cb.currentData())
            )
            self.table.setCellWidget(r, 3, combo)
        self.completeChanged.emit()

    def _field_chosen(self, key: str, value: str | None) -> None:
        if not key:
            return
        self.draft.overrides[key] = PayrollField(value) if value else None
        self.draft.replan()
        self.refresh()
        self.mapping_changed.emit()

    def _period_edited(self) -> None:
        text = self.period_edit.text().strip()
        if text and not _PERIOD_RE.match(text):
            self.period_error.setText(f"“{text}”不是有效的工资月份，应为 YYYY-MM，如 2025-07")
            return
        self.period_error.setText("")
        period = text or None
        if period != self.draft.period:
            self.draft.period = period
            self.draft.replan()
            self.chooser.fill(self.draft)
            self.refresh()

    def isComplete(self) -> bool:
        return any(not plan.note for _f, plan in self.draft.sheets())


# ------------------------------------------------------------------ 4. run
class RunPage(QWizardPage):
    def __init__(self, ctx: AppContext, draft: ImportDraft, runner: JobRunner) -> None:
        super().__init__()
        self.ctx, self.draft, self.runner = ctx, draft, runner
        self.setTitle("导入")
        self.bar = QProgressBar()
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.cancel_button = QPushButton("取消导入")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.job: Job | None = None

    def initializePage(self) -> None:
        self.draft.outcome = None
        self.bar.setRange(0, 0)
        self.label.setText("正在导入…")
        self.cancel_button.setEnabled(True)
        self.job = self.runner.start(
            payroll.import_payroll,
            self.ctx.ws,
            self.draft.audit_id,
            list(self.draft.paths),
            mapping=self.draft.mapping(),
            period=self.draft.period,
            title="导入工资表",
            show_dialog=False,
            on_progress=self._progress,
            on_finished=self._finished,
            on_failed=self._failed,
        )

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel_token.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消…")

    def _progress(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done)
        self.label.setText(message)

    def cleanupPage(self) -> None:
        self.cancel()  # going back cancels a running import; nothing is kept

    def _finished(self, outcome: ImportOutcome) -> None:
        self.job = None
        self.draft.outcome = outcome
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()
        if self.wizard().currentPage() is self:
            self.wizard().next()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        if isinstance(exc, Cancelled):
            self.label.setText("已取消，没有导入任何数据。")
        elif isinstance(exc, AuditDeskError):
            self.label.setText(f"导入失败，没有导入任何数据：{exc.message}")
        else:
            self.label.setText("导入失败，没有导入任何数据。")
            report_failure(self, exc, "导入工资表时出错", None)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.draft.outcome is not None


# ------------------------------------------------------------------ 5. summary
class SummaryPage(QWizardPage):
    check_where = "在“体检”页选中本次体检点"
    """Where 工资核查… is, from where the wizard was opened (the audit window sets its own)."""

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("导入完成")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels(["文件", "位置", "原值", "原因"])
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.cellClicked.connect(lambda r, _c: self.show_problem(r))
        self.model = SheetPreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.model)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        _compact(self.preview)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.problems)
        splitter.addWidget(self.preview)
        self.problems_title = QLabel("无法读取的单元格（点击一行可在下方表格中查看该单元格）：")
        self.splitter = splitter
        self.next_step = QLabel("")
        self.next_step.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems_title)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.next_step)
        layout.addStretch(0)
        self._rows: list[tuple[str, str, int, int]] = []

    def initializePage(self) -> None:
        outcome = self.draft.outcome
        if outcome is None:
            return
        result = outcome.result
        skipped = sum(len(s.skipped_rows) for f in result.files for s in f.sheets)
        problems = result.problems
        not_imported = [f"{f.file}「{s.name}」：{s.note}" for f in result.files for s in f.sheets
                        if s.note]  # fmt: skip
        lines = [
            f"已导入 {len(result.rows)} 行（{len(outcome.imports)} 个文件），"
            f"工资月份：{'、'.join(result.periods)}。",
            f"跳过 {skipped} 行（小计、合计、空行、签字等）"
            + (
                f"；{len(problems)} 个单元格无法读取，这些单元格按缺失处理，其余数据照常导入。"
                if problems
                else "。"
            ),
        ]
        if outcome.replaced:
            lines.append(f"替换了此前导入的 {outcome.replaced} 个相同文件。")
        lines += [f"注意：{warning}" for warning in outcome.overlaps]
        lines += [f"未导入的工作表 — {n}" for n in not_imported]
        for f in result.files:
            for s in f.sheets:
                if s.unmapped_money:
                    lines.append(f"「{s.name}」未映射的金额列：{'、'.join(s.unmapped_money)}")
                lines += [f"「{s.name}」{remark}" for remark in s.remarks]
        self.summary.setText("\n".join(lines))
        self._rows = []
        self.problems.setRowCount(len(problems))
        for r, p in enumerate(problems):
            row_index, col_index = split_cell_ref(p.cell)
            self._rows.append((p.file, p.sheet, row_index, col_index))
            value = display_cell(p.value, reveal=False)  # an ID-like value stays masked
            for c, text in enumerate([p.file, p.location, value, p.reason]):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        if problems:
            self.show_problem(0)
        # an import without unreadable cells has nothing to inspect here: say so and what is next
        self.problems_title.setVisible(bool(problems))
        self.splitter.setVisible(bool(problems))
        self.next_step.setText(
            ("所有单元格都已读取，没有需要处理的问题。" if not problems else "")
            + f"下一步：点“完成”，再{self.check_where}“工资核查…”，查看工资表核查发现的问题。"
        )

    def show_problem(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        file_name, sheet_name, r, c = self._rows[row]
        for f, plan in self.draft.sheets():
            if f == file_name and plan.sheet.name == sheet_name:
                marks = {(rr, cc): "无法读取" for _f, _s, rr, cc in self._rows
                         if _f == file_name and _s == sheet_name}  # fmt: skip
                self.model.set_sheet(plan, marks)
                index = self.model.index(r, c)
                self.preview.setCurrentIndex(index)
                self.preview.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                return


class PayrollImportWizard(QWizard):
    """Import payroll files into one audit."""

    imported = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        audit_id: str,
        company_id: str,
        parent: QWidget | None = None,
        *,
        check_where: str | None = None,
    ) -> None:
        """``check_where``: how the summary says to reach 工资核查… (default: from the 体检 page)."""
        super().__init__(parent)
        self.setWindowTitle("导入工资表")
        self.resize(1000, 680)
        self.draft = ImportDraft(audit_id=audit_id, company_id=company_id)
        self.runner = JobRunner(self, ctx.pool)
        self.files_page = FilesPage(ctx, self.draft, self.runner)
        self.preview_page = PreviewPage(self.draft)
        self.mapping_page = MappingPage(self.draft)
        self.run_page = RunPage(ctx, self.draft, self.runner)
        self.summary_page = SummaryPage(self.draft)
        if check_where is not None:
            self.summary_page.check_where = check_where
        for page in (self.files_page, self.preview_page, self.mapping_page, self.run_page,
                     self.summary_page):  # fmt: skip
            self.addPage(page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)

    def validateCurrentPage(self) -> bool:
        if self.currentPage() is self.run_page and self.draft.outcome is None:
            return False
        return super().validateCurrentPage()

    def reject(self) -> None:
        """Esc, 取消 or closing before the import is done: once files were chosen, ask first
        (the files, any column mapped by hand and a running import would be dropped)."""
        if self.draft.outcome is None and self.draft.paths:
            running = self.run_page.job is not None
            text = (
                "正在导入工资表。\n\n取消导入并关闭吗？（不会导入任何数据）"
                if running
                else "已选择的文件和核对过的列映射尚未导入。\n\n放弃并关闭吗？"
            )
            if not ask_discard(self, self.windowTitle(), text):
                return
        super().reject()

    def done(self, result: int) -> None:
        if self.run_page.job is not None:
            self.run_page.cancel()  # the transaction rolls back; nothing half-imported stays
        if self.draft.outcome is not None:
            self.imported.emit(self.draft.outcome)
        super().done(result)


def open_import_wizard(
    ctx: AppContext, audit_id: str, company_id: str, parent: QWidget | None
) -> PayrollImportWizard:
    wizard = PayrollImportWizard(ctx, audit_id, company_id, parent)
    wizard.open()
    return wizard
