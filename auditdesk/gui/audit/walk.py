"""问诊/查诊: walk the checklist area by area; answers by click or key (1 to 5), J/K or arrows to
move, note, channel, evidence, company self-assessment, history; every change saved at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.formatting import format_datetime
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.change_history import ChangeHistoryDialog
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.stale import FieldRow, StaleChoice, differing, save_or_resolve
from auditdesk.gui.table_model import ROW_ROLE, ColumnSpec, RecordTableModel
from auditdesk.gui.widgets import read_only_table, stretch
from auditdesk.models.audit import Answer, AnswerResult, AnswerSource, ChangeEntity
from auditdesk.models.common import Area
from auditdesk.services import attachments, changelog, visit
from auditdesk.services.changelog import LogFilter
from auditdesk.services.visit import Walk, WalkItem

RESULT_COLORS = {
    AnswerResult.COMPLIANT: "#15803d", AnswerResult.NON_COMPLIANT: "#b91c1c",
    AnswerResult.PARTIAL: "#b45309", AnswerResult.TO_VERIFY: "#1d4ed8",
    AnswerResult.NOT_APPLICABLE: "#6b7280",
}  # fmt: skip
ALL_AREAS = "全部领域"
FILTERS = [("全部", "all"), ("未答", "unanswered"), ("待核实", "to_verify"), ("不符合", "problems")]
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}


def _result(w: WalkItem) -> str:
    return w.result.label if w.result else "—"


WALK_COLUMNS: list[ColumnSpec[WalkItem]] = [
    ColumnSpec("领域", lambda w: w.area.label),
    ColumnSpec("检查项", lambda w: w.item.question, tooltip=lambda w: w.item.question),
    ColumnSpec("结果", _result),
    ColumnSpec("自评", lambda w: w.self_result.label if w.self_result else ""),
    ColumnSpec("风险", lambda w: w.item.severity.label),
]


class WalkFilter(QSortFilterProxyModel):
    """Area and status filters over the walk model (no sorting: checklist order matters)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.area: Area | None = None
        self.mode = "all"
        # Rows are re-filtered when the walk reloads, not while a note is being saved: an item
        # must not vanish from under the cursor mid-edit.
        self.setDynamicSortFilter(False)

    def set(self, area: Area | None, mode: str) -> None:
        self.beginFilterChange()
        self.area, self.mode = area, mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RecordTableModel)
        w: WalkItem = model.row_at(row)
        if self.area is not None and w.area is not self.area:
            return False
        if self.mode == "unanswered":
            return w.result is None
        if self.mode == "to_verify":
            return w.result is AnswerResult.TO_VERIFY
        if self.mode == "problems":
            return w.result in visit.FINDING_RESULTS
        return True


ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 1


class EvidenceList(QListWidget):
    """Evidence of the current answer: thumbnails for photos, icons otherwise; drop files here."""

    files_dropped = Signal(list)
    open_requested = Signal(QListWidgetItem)

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(96, 72))
        self.setGridSize(QSize(120, 100))
        self.setMaximumHeight(120)
        self.itemDoubleClicked.connect(self._open)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.files_dropped.emit([p for p in paths if p.is_file()])
        event.acceptProposedAction()

    def _open(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(item)


class WalkTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, audit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.audit_id = ctx, audit_id
        self.walk: Walk | None = None
        self.by = ""
        self._note_item: str | None = None
        self._note_start: tuple[str, str] | None = None
        """(item id, its note before the edit) while a note edit is saved but not yet logged:
        the autosave writes without a log entry; :meth:`commit_note` writes one for the edit."""
        # left: areas with progress
        self.areas = QListWidget()
        self.areas.setMaximumWidth(190)
        self.areas.currentRowChanged.connect(lambda _r: self._filter())
        self.mode = QComboBox()
        for text, key in FILTERS:
            self.mode.addItem(text, key)
        self.mode.currentIndexChanged.connect(lambda _i: self._filter())
        left = QVBoxLayout()
        left.addWidget(QLabel("领域与进度"))
        left.addWidget(self.areas, 1)
        left.addWidget(QLabel("显示"))
        left.addWidget(self.mode)
        self.undo_button = QPushButton("撤销 (Ctrl+Z)")
        self.undo_button.setToolTip("撤销上一次对检查结果的修改")
        self.undo_button.clicked.connect(self.undo)
        left.addWidget(self.undo_button)
        left_box = QWidget()
        left_box.setLayout(left)
        # middle: items
        self.model: RecordTableModel[WalkItem] = RecordTableModel(WALK_COLUMNS, parent=self)
        self.proxy = WalkFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setSortingEnabled(False)
        self.table.setModel(self.proxy)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        stretch(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        # right: the item
        self.question = QLabel("")
        self.question.setWordWrap(True)
        self.question.setObjectName("itemQuestion")
        self.guidance = QLabel("")
        self.guidance.setWordWrap(True)
        self.basis = QLabel("")
        self.basis.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        answer_row = QGridLayout()
        for i in range(5):
            b = QPushButton("")
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, n=i: self.answer_key(n))
            self.buttons.append(b)
            answer_row.addWidget(b, 0, i)
        self.source = QComboBox()
        self.source.addItem("（来源）", None)
        for s in AnswerSource:
            self.source.addItem(s.label, s.value)
        self.source.activated.connect(lambda _i: self._save_source())
        self.self_result = QComboBox()
        self.self_result.addItem("（企业自评）", None)
        self.self_result.activated.connect(lambda _i: self._save_self())
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("核查事实、证据说明（自动保存）")
        self.note.setMaximumHeight(110)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(400)
        self._note_timer.timeout.connect(self.save_note)
        self.note.textChanged.connect(self._note_timer.start)
        self.evidence = EvidenceList()
        self.evidence.files_dropped.connect(self.add_evidence)
        self.evidence.open_requested.connect(self.open_evidence)
        attach = QPushButton("添加证据…")
        attach.clicked.connect(self._choose_evidence)
        self.remove_evidence_button = QPushButton("删除证据…")
        self.remove_evidence_button.setToolTip("删除选中的证据文件（记入修改记录）")
        self.remove_evidence_button.setEnabled(False)
        self.remove_evidence_button.clicked.connect(self.remove_evidence)
        self.evidence.currentItemChanged.connect(
            lambda item, _old: self.remove_evidence_button.setEnabled(item is not None)
        )
        self.history = QListWidget()
        self.history.setMaximumHeight(120)
        right = QVBoxLayout()
        right.addWidget(self.question)
        right.addWidget(self.guidance)
        right.addWidget(self.basis)
        right.addLayout(answer_row)
        meta = QHBoxLayout()
        meta.addWidget(self.source)
        meta.addWidget(self.self_result)
        right.addLayout(meta)
        right.addWidget(self.note)
        self.note_state = QLabel("")  # what Esc did with a note being typed
        self.note_state.setObjectName("saveState")
        right.addWidget(self.note_state)
        ev = QHBoxLayout()
        ev.addWidget(QLabel("证据（可拖入照片、PDF、Word 文件）"))
        ev.addStretch(1)
        ev.addWidget(attach)
        ev.addWidget(self.remove_evidence_button)
        right.addLayout(ev)
        right.addWidget(self.evidence)
        self.history_button = QPushButton("全部修改记录…")
        self.history_button.setToolTip("本检查项的全部修改记录，可导出 Excel")
        self.history_button.clicked.connect(self.open_history)
        hist = QHBoxLayout()
        hist.addWidget(QLabel("修改记录"))
        hist.addStretch(1)
        hist.addWidget(self.history_button)
        right.addLayout(hist)
        right.addWidget(self.history)
        right_box = QWidget()
        right_box.setLayout(right)
        # On a 1366×768 laptop at 150 % scaling the item panel is taller than the screen: scroll it.
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right_scroll.setWidget(right_box)
        left_box.setMaximumWidth(220)
        splitter = QSplitter()
        splitter.addWidget(left_box)
        splitter.addWidget(self.table)
        splitter.addWidget(right_scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([200, 560, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        for n in range(5):
            QShortcut(QKeySequence(str(n + 1)), self, lambda n=n: self.answer_key(n))
        QShortcut(QKeySequence("J"), self, lambda: self.step(1))
        QShortcut(QKeySequence("K"), self, lambda: self.step(-1))
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        self.reload()

    # ------------------------------------------------------------ data
    def current(self) -> WalkItem | None:
        # The current index, not the selection: while currentRowChanged is being delivered the
        # selection still names the row being left.
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        w: WalkItem = self.proxy.data(index, ROW_ROLE)
        return w

    def reload(self, keep: str | None = None) -> None:
        if keep is None:
            now = self.current()
            keep = now.item.id if now else None
        try:
            self.walk = visit.load_walk(self.ctx.ws, self.audit_id)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取体检", None)
            return
        if not self.by and self.walk.audit.auditors:
            self.by = self.walk.audit.auditors[0].name
        area_row = max(0, self.areas.currentRow())
        self.areas.blockSignals(True)
        self.areas.clear()
        self.areas.addItem(f"{ALL_AREAS} {self.walk.answered}/{self.walk.total}")
        for p in self.walk.progress:
            item = QListWidgetItem(p.label + (f"（待核实 {p.to_verify}）" if p.to_verify else ""))
            item.setData(Qt.ItemDataRole.UserRole, p.area.value)
            self.areas.addItem(item)
        self.areas.setCurrentRow(min(area_row, self.areas.count() - 1))
        self.areas.blockSignals(False)
        self.model.set_rows(self.walk.items)
        self._filter(keep)
        self.changed.emit()

    def _filter(self, keep: str | None = None) -> None:
        item = self.areas.currentItem()
        area = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.proxy.set(Area(area) if area else None, self.mode.currentData())
        self.table.setColumnHidden(0, area is not None)  # the area is in the list on the left
        self.select(keep)

    def select(self, item_id: str | None) -> None:
        target = 0
        for r in range(self.proxy.rowCount()):
            w = self.proxy.data(self.proxy.index(r, 0), ROW_ROLE)
            if item_id is not None and w.item.id == item_id:
                target = r
                break
        if self.proxy.rowCount():
            self.table.selectRow(target)
            self.table.scrollTo(self.proxy.index(target, 0))
        self._show_current()

    def step(self, step: int) -> None:
        rows = self.proxy.rowCount()
        if not rows:
            return
        row = self.table.currentIndex().row()
        self.table.selectRow(max(0, min(rows - 1, row + step)))

    def _show_current(self) -> None:
        self.commit_note()
        w = self.current()
        enabled = w is not None
        for widget in (self.note, self.source, self.self_result, self.evidence):
            widget.setEnabled(enabled)
        if w is None:
            self._note_item = None
            self.question.setText("没有要显示的检查项。")
            self.guidance.setText("")
            self.basis.setText("")
            for b in self.buttons:
                b.hide()
            return
        item = w.item
        self.question.setText(f"<b>{item.question}</b>")
        self.question.setToolTip(f"检查项编号：{item.id}")  # the code only in the tooltip
        self.guidance.setText(f"检查要点：{item.guidance}" if item.guidance else "")
        self.basis.setText("法律依据：" + "；".join(c.display() for c in item.legal_basis)
                           if item.legal_basis else "")  # fmt: skip
        answers = item.scale.answers  # keys 1… follow the item's own scale
        for i, b in enumerate(self.buttons):
            if i < len(answers):
                b.show()
                b.setText(f"{i + 1} {answers[i].label}")
                b.setChecked(w.result is answers[i])
                color = RESULT_COLORS.get(answers[i], "#374151")
                b.setStyleSheet(f"QPushButton:checked {{ background: {color}; color: white; }}")
            else:
                b.hide()
        self.note_state.setText("")
        self.note.blockSignals(True)
        self.note.setPlainText(w.answer.note if w.answer else "")
        self.note.blockSignals(False)
        self._note_item = item.id
        self.source.setCurrentIndex(
            self.source.findData(w.answer.source.value) if w.answer and w.answer.source else 0
        )
        self.self_result.clear()
        self.self_result.addItem("（企业自评）", None)
        for a in answers:
            self.self_result.addItem(f"自评：{a.label}", a.value)
        self.self_result.setCurrentIndex(
            self.self_result.findData(w.self_result.value) if w.self_result else 0
        )
        self._show_evidence(w)
        self._show_history(w)

    def _show_evidence(self, w: WalkItem) -> None:
        self.evidence.clear()
        if w.answer is None:
            return
        for att, path in attachments.list_attachments(self.ctx.ws, answer_id=w.answer.id):
            item = QListWidgetItem(att.filename if path else f"{att.filename}（文件缺失）")
            if path is not None and Path(att.filename).suffix.lower() in IMAGE_SUFFIXES:
                item.setIcon(
                    QIcon(QPixmap(str(path)).scaled(96, 72, Qt.AspectRatioMode.KeepAspectRatio))
                )
            else:
                item.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_FileIcon))
            item.setData(Qt.ItemDataRole.UserRole, str(path) if path else "")
            item.setData(ATTACHMENT_ROLE, att)
            item.setToolTip(
                f"{att.filename}，{att.size:,} 字节" + ("" if path else "；数据目录中找不到该文件")
            )
            self.evidence.addItem(item)

    def _show_history(self, w: WalkItem) -> None:
        self.history.clear()
        for c in reversed(visit.history(self.ctx.ws, self.audit_id, w.item.id)):
            when, who = format_datetime(c.changed_at), c.changed_by or "—"
            line = f"{when} {who} {c.summary}"
            note = changelog.remark(c)
            self.history.addItem(line + (f"（{note}）" if note else ""))

    # ------------------------------------------------------------ actions (one save each)
    def answer_key(self, n: int) -> None:
        w = self.current()
        if w is None:
            return
        answers = w.item.scale.answers
        if n >= len(answers):
            return
        self.commit_note()
        w = self.current() or w  # the note's save may have brought a newer version
        result = None if w.result is answers[n] else answers[n]
        save_or_resolve(
            self,
            lambda version: visit.answer_item(self.ctx.ws, self.audit_id, w.item.id, result,
                                              by=self.by, expected_version=version),
            w.answer.version if w.answer else 0,
            lambda exc: _answer_rows(w.answer, result, exc.current, note=False),
            title="无法保存",
        )  # fmt: skip
        self.reload(keep=w.item.id)

    def has_unsaved_note(self) -> bool:
        """Whether note keystrokes are waiting for the autosave pause."""
        return self._note_timer.isActive()

    def save_note(self) -> None:
        """Save the note editor's text to the item it was opened for (not whatever is current
        now: moving to another item must never carry a note over)."""
        self._note_timer.stop()
        item_id = self._note_item
        if item_id is None or self.walk is None:
            return
        w = next((x for x in self.model.rows() if x.item.id == item_id), None)
        if w is None:
            return
        text = self.note.toPlainText()
        if text == (w.answer.note if w.answer else ""):
            return
        # a note never answers: an unanswered item stays unanswered
        outcome = save_or_resolve(
            self,
            lambda version: visit.note_item(self.ctx.ws, self.audit_id, item_id, note=text,
                                            by=self.by, log_note=False,
                                            expected_version=version),
            w.answer.version if w.answer else 0,
            lambda exc: _answer_rows(w.answer, text, exc.current, note=True),
            title="无法保存",
        )  # fmt: skip
        if outcome is StaleChoice.CANCEL:
            return
        if outcome is StaleChoice.RELOAD:  # mine dropped: show the note as the other user left it
            self._note_item, self._note_start = None, None
            self.reload(keep=item_id)
            return
        saved = outcome if isinstance(outcome, Answer) else None
        if self._note_start is None or self._note_start[0] != item_id:
            self._note_start = (item_id, w.answer.note if w.answer else "")
        # ``None``: the note of an unanswered item was emptied and nothing is left on it
        row = self.model.rows().index(w)
        updated = WalkItem(w.item, w.area, saved, w.self_result)
        self.model.update_row(row, updated)
        now = self.current()
        if now is not None and now.item.id == item_id:
            self._show_history(updated)  # the entry just written or brought up to date

    def commit_note(self) -> None:
        """Save the note being typed and log the whole edit as one change-log entry (from the
        note before the edit to the note now)."""
        self.save_note()
        started, self._note_start = self._note_start, None
        if started is None or self.walk is None:
            return
        item_id, before = started
        try:
            visit.log_note_edit(self.ctx.ws, self.audit_id, item_id, before, by=self.by)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法保存", None)
            return
        w = self.current()
        if w is not None and w.item.id == item_id:
            self._show_history(w)

    def open_history(self) -> ChangeHistoryDialog | None:
        """The 修改记录 dialog of the current item's answer (opened, not waited for)."""
        self.commit_note()
        w = self.current()
        if w is None:
            return None
        where = LogFilter(audit_id=self.audit_id, entity=ChangeEntity.ANSWER, entity_id=w.item.id)
        title = f"检查项 {w.item.id} {w.item.question[:20]}"
        self.history_dialog = ChangeHistoryDialog(self.ctx.ws, where, title, self)
        self.history_dialog.open()
        return self.history_dialog

    def _save_source(self) -> None:
        w = self.current()
        value = self.source.currentData()
        if w is None or value is None:
            return
        source = AnswerSource(value)
        save_or_resolve(
            self,
            lambda version: visit.note_item(self.ctx.ws, self.audit_id, w.item.id, source=source,
                                            by=self.by, expected_version=version),
            w.answer.version if w.answer else 0,
            lambda exc: differing([("来源", source,
                                    getattr(exc.current, "source", None))]),
            title="无法保存",
        )  # fmt: skip
        self.reload(keep=w.item.id)

    def _save_self(self) -> None:
        w = self.current()
        if w is None:
            return
        value = self.self_result.currentData()
        self._call(visit.set_self_assessment, self.ctx.ws, self.audit_id, w.item.id,
                   AnswerResult(value) if value else None)  # fmt: skip
        self.reload(keep=w.item.id)

    def _choose_evidence(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "添加证据",
            "",
            "证据文件 (*.png *.jpg *.jpeg *.pdf *.doc *.docx *.xlsx);;所有文件 (*)",
        )
        self.add_evidence([Path(n) for n in names])

    def open_evidence(self, item: QListWidgetItem) -> None:
        """Open a temporary copy of the evidence file in the system's program for it: the stored
        file itself is never handed out (an editor saving in place would change the evidence)."""
        att = item.data(ATTACHMENT_ROLE)
        if att is None or not item.data(Qt.ItemDataRole.UserRole):
            return
        copy = self._call(attachments.open_copy, self.ctx.ws, att)
        if copy is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def remove_evidence(self) -> None:
        """删除证据…: the selected evidence file, after a confirmation (logged; the stored file
        goes when no other attachment uses it)."""
        w, item = self.current(), self.evidence.currentItem()
        att = item.data(ATTACHMENT_ROLE) if item is not None else None
        if w is None or att is None:
            return
        if not confirm(
            self, "删除证据", f"删除证据文件“{att.filename}”？\n\n删除记入本检查项的修改记录。"
        ):
            return
        self._call(attachments.remove_attachment, self.ctx.ws, att.id, by=self.by)
        # removed, or refused (another user removed it first): either way show what is stored
        self.reload(keep=w.item.id)

    def add_evidence(self, paths: list[Path]) -> None:
        w = self.current()
        if w is None or not paths:
            return
        answer = w.answer
        if answer is None:  # evidence needs an answer to hang on: mark the item 待核实
            answer = self._call(visit.answer_item, self.ctx.ws, self.audit_id, w.item.id,
                                AnswerResult.TO_VERIFY, by=self.by)  # fmt: skip
            if answer is None:
                return
        for path in paths:
            self._call(attachments.attach_file, self.ctx.ws, path, answer_id=answer.id)
        self.reload(keep=w.item.id)

    def undo(self) -> None:
        self.commit_note()
        item_id = self._call(visit.undo_last_answer, self.ctx.ws, self.audit_id, by=self.by)
        if item_id:
            self.mode.setCurrentIndex(0)
            self.areas.setCurrentRow(0)
            self.reload(keep=item_id)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法保存", None)
            return None


def _answer_rows(seen: Answer | None, mine: object, current: object, *, note: bool
                 ) -> list[FieldRow]:  # fmt: skip
    """My answer (or note) beside the one another user saved (``None``: they cleared it)."""
    theirs = current if isinstance(current, Answer) else None
    if note:
        return differing([("备注", mine, theirs.note if theirs else "")])
    result = theirs.result if theirs else None
    rows = differing([("结论", mine, result)], lambda v: getattr(v, "label", "未作答"))
    if theirs is not None and seen is not None and theirs.note != seen.note:
        rows.append(("备注", seen.note, theirs.note))
    return rows
