"""跟诊 page: what is due (overdue first), planned follow-ups, the follow-up visit, the returned
整改台账, and the .ics calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import owner_only
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.discard import ask_text
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.followup_visit import FollowupVisitDialog
from auditdesk.gui.dialogs.stale import StaleChoice, differing, save_or_resolve
from auditdesk.gui.table_model import ROW_ROLE, ColumnSpec, RecordTableModel
from auditdesk.gui.widgets import page_title, read_only_table, selected_record, stretch
from auditdesk.models.followup import Letter
from auditdesk.services import audits, followups, ledger, letters
from auditdesk.services.followups import DueItem

EMPTY_HINT = (
    "近期没有到期的跟诊、函件答复或整改期限。体检会诊后，在“体检”页选中该体检，"
    "点“标记已会诊”和“安排跟诊”；有未关闭问题的体检可随时点“跟诊…”。"
)
KIND_LABELS = {"followup": "跟诊", "letter": "函件", "finding": "整改期限"}

DUE_COLUMNS: list[ColumnSpec[DueItem]] = [
    ColumnSpec("日期", lambda i: i.day.isoformat(), lambda i: i.day),
    ColumnSpec("类别", lambda i: KIND_LABELS.get(i.kind, i.kind)),
    ColumnSpec("企业", lambda i: i.company),
    ColumnSpec(
        "事项", lambda i: ("【逾期】" if i.overdue else "") + i.text, tooltip=lambda i: i.text
    ),
]


OVERDUE_BACKGROUND = QColor("#fde2e1")
OVERDUE_FOREGROUND = QColor("#a4262c")


class DueTableModel(RecordTableModel[DueItem]):
    """The due list; overdue rows in red, so they stand out without reading the 【逾期】 mark."""

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            item = super().data(index, ROW_ROLE)
            if item is None or not item.overdue:
                return None
            back = role == Qt.ItemDataRole.BackgroundRole
            return QBrush(OVERDUE_BACKGROUND if back else OVERDUE_FOREGROUND)
        return super().data(index, role)


class FollowupsPage(QWidget):
    data_changed = Signal(str)
    page_size = followups.DUE_PAGE
    """Due entries shown at first and added by each 显示更多 (a district's list runs to thousands)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.shown = self.page_size
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("跟诊"))
        self.window_days = QComboBox()
        for days, label in ((7, "7 天内"), (30, "30 天内"), (90, "90 天内")):
            self.window_days.addItem(label, days)
        self.window_days.currentIndexChanged.connect(lambda _i: self._window_changed())
        self.visit_button = QPushButton("跟诊…")
        self.visit_button.setToolTip(
            "对所选事项的体检进行跟诊：逐项核验整改情况，可重新核查工资表；"
            "保存后该次跟诊安排即完成（其他体检可在“体检”页选中后点“跟诊…”）"
        )
        self.visit_button.clicked.connect(self.start_visit)
        self.ledger_button = QPushButton("导入整改台账…")
        self.ledger_button.clicked.connect(self.import_ledger)
        self.reschedule_button = QPushButton("改期…")
        self.reschedule_button.setToolTip("修改所选跟诊的日期；对函件则记录企业已答复")
        self.reschedule_button.clicked.connect(self.reschedule)
        self.serve_button = QPushButton("登记送达…")
        self.serve_button.setToolTip(
            "登记所选函件的送达日期（送达回执）：意见书、建议书的答复期限自送达次日起计算"
        )
        self.serve_button.clicked.connect(self.serve)
        self.ics_button = QPushButton("导出日历 (.ics)…")
        self.ics_button.clicked.connect(self.export_ics)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("到期提醒"))
        bar.addWidget(self.window_days)
        bar.addStretch(1)
        for b in (self.visit_button, self.reschedule_button, self.serve_button, self.ledger_button,
                  self.ics_button):  # fmt: skip
            bar.addWidget(b)
        layout.addLayout(bar)
        self.empty_hint = QLabel(EMPTY_HINT)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("emptyHint")
        layout.addWidget(self.empty_hint)
        self.model = DueTableModel(DUE_COLUMNS, parent=self)
        self.table = read_only_table()
        self.table.setModel(self.model)
        stretch(self.table, 3)
        layout.addWidget(self.table, 1)
        self.page_note = QLabel()
        self.more_button = QPushButton("显示更多")
        self.more_button.setToolTip("再显示后面的事项（逾期在前，再按日期、企业排列）")
        self.more_button.clicked.connect(self.show_more)
        self.done_note = QLabel("")  # what the last 跟诊 saved
        self.done_note.setObjectName("doneNote")
        self.done_note.setVisible(False)
        layout.addWidget(self.done_note)
        footer = QHBoxLayout()
        footer.addWidget(self.page_note)
        footer.addStretch(1)
        footer.addWidget(self.more_button)
        layout.addLayout(footer)
        self.visit_dialog: FollowupVisitDialog | None = None
        self.reload()

    def reload(self) -> None:
        """The most urgent :attr:`shown` entries of the due list (more after 显示更多)."""
        try:
            page = followups.due_page(self.ctx.ws, today=date.today(),
                                      within_days=self.window_days.currentData(),
                                      limit=self.shown)  # fmt: skip
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取跟诊安排", None)
            return
        self.model.set_rows(page.items)
        self.empty_hint.setVisible(not page.items)
        if not page.items:
            self.empty_hint.setText(self._empty_text())
        self.page_note.setText(
            f"显示前 {len(page.items)} 条，共 {page.total} 条（逾期 {page.overdue} 条）"
            if page.more
            else ""
        )
        self.page_note.setVisible(bool(page.more))
        self.more_button.setVisible(bool(page.more))

    def _empty_text(self) -> str:
        """Why the list is empty: nothing within the chosen days but later entries (say how many
        and where to widen it), or nothing at all (say how follow-ups come about)."""
        days = self.window_days.currentData()
        widest = self.window_days.itemData(self.window_days.count() - 1)
        if days < widest:
            try:
                later = followups.due_page(self.ctx.ws, today=date.today(), within_days=widest,
                                           limit=0).total  # fmt: skip
            except AuditDeskError:
                later = 0
            if later:
                return (f"{days} 天内没有到期的事项；{widest} 天内有 {later} 项，"
                        "可在左上“到期提醒”中选更长的期限。")  # fmt: skip
        return EMPTY_HINT

    def show_more(self) -> None:
        """显示更多: the next :attr:`page_size` entries below those shown."""
        self.shown += self.page_size
        self.reload()

    def _window_changed(self) -> None:
        self.shown = self.page_size
        self.reload()

    def _audit_for(self, company_id: str) -> str | None:
        """The company's audit that has open findings (the newest); asks when there are several."""
        candidates = [a for a in audits.list_audits(self.ctx.ws, company_id) if a.open_findings]
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0].audit.id
        labels = [
            f"{a.audit.title or '用工体检'}（{a.audit.started_on}，未关闭 {a.open_findings} 项）"
            for a in candidates
        ]
        choice, ok = QInputDialog.getItem(self, "选择体检", "跟诊哪一次体检：", labels, 0, False)
        return candidates[labels.index(choice)].audit.id if ok else None

    def start_visit(self) -> None:
        item: DueItem | None = selected_record(self.table)
        if item is None:
            QMessageBox.information(self, "跟诊", "请先在列表中选择一家企业的事项。")
            return
        audit_id = item.audit_id or self._audit_for(item.company_id)
        if audit_id is None or not followups.open_findings(self.ctx.ws, audit_id):
            QMessageBox.information(self, "跟诊", f"{item.company}没有未关闭的问题。")
            return
        followup_id = item.ref if item.kind == "followup" else None
        self.visit_dialog = FollowupVisitDialog(self.ctx, audit_id, self, followup_id=followup_id)
        self.visit_dialog.visit_recorded.connect(self._visited)
        self.visit_dialog.open()

    def reschedule(self) -> None:
        item: DueItem | None = selected_record(self.table)
        if item is None or item.kind not in ("followup", "letter"):
            QMessageBox.information(self, "改期", "请选择一条跟诊或函件。")
            return
        if item.kind == "letter":
            if confirm(self, "函件答复", f"{item.company}已书面答复该函件？（记为今天答复）"):
                today = date.today()
                save_or_resolve(
                    self,
                    lambda version: followups.letter_replied(self.ctx.ws, item.ref, today,
                                                             expected_version=version),
                    item.version,
                    lambda exc: differing([("答复日期", today,
                                            getattr(exc.current, "replied_on", None))]),
                    title="无法登记答复",
                )  # fmt: skip
                self.reload()
            return
        typed = item.day.isoformat()
        while (
            day := self._ask_date("跟诊改期", "新的跟诊日期（YYYY-MM-DD）：", typed)
        ) is not None:
            outcome = save_or_resolve(
                self,
                lambda version: followups.reschedule(self.ctx.ws, item.ref, day,
                                                     expected_version=version),
                item.version,
                lambda exc: differing([("跟诊日期", day, getattr(exc.current, "planned_on", None))]),
                title="无法改期",
            )  # fmt: skip
            if outcome is not StaleChoice.CANCEL:
                break
            typed = day.isoformat()  # refused: asked again with the date typed
        self.reload()

    def _ask_date(self, title: str, label: str, offered: str) -> date | None:
        """Ask for a date, offering ``offered``; a mistyped one is said and asked again with what
        was typed. ``None`` when the user cancels."""
        text = offered
        while True:
            text, ok = ask_text(self, title, label, text)
            if not ok:
                return None
            try:
                return date.fromisoformat(text.strip())
            except ValueError:
                QMessageBox.warning(self, title, f"“{text}”不是有效日期，应为 YYYY-MM-DD。")

    def serve(self) -> None:
        item: DueItem | None = selected_record(self.table)
        if item is None or item.kind != "letter":
            QMessageBox.information(self, "登记送达", "请选择一条函件。")
            return
        label = f"{item.text.split('须于')[0].strip()}\n送达日期（YYYY-MM-DD，见送达回执）："
        typed = date.today().isoformat()
        outcome: object = StaleChoice.CANCEL
        while (day := self._ask_date("登记送达", label, typed)) is not None:
            outcome = save_or_resolve(
                self,
                lambda version: letters.serve_letter(self.ctx.ws, item.ref, day,
                                                     expected_version=version),
                item.version,
                lambda exc: differing([("送达日期", day, getattr(exc.current, "served_on", None))]),
                title="无法登记送达",
            )  # fmt: skip
            if outcome is not StaleChoice.CANCEL:
                break
            typed = day.isoformat()  # refused: asked again with the date typed
        if not isinstance(outcome, Letter):
            self.reload()
            return
        letter = outcome
        QMessageBox.information(
            self, "登记送达", f"{letter.label} 已登记送达，须于 {letter.reply_due} 前答复。"
        )
        self.reload()

    def _visited(self, _visit: object) -> None:
        if self.visit_dialog is not None:
            self.done_note.setText(self.visit_dialog.summary)
            self.done_note.setVisible(bool(self.visit_dialog.summary))
        self.reload()
        self.data_changed.emit("followups")

    def import_ledger(self) -> None:
        item: DueItem | None = selected_record(self.table)
        if item is None:
            QMessageBox.information(self, "导入整改台账", "请先选择该企业的一条事项。")
            return
        audit_id = item.audit_id or self._audit_for(item.company_id)
        if audit_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "企业回填的整改台账", "", "Excel 工作簿 (*.xlsx)"
        )
        if not path:
            return
        try:
            diff = ledger.read_ledger(self.ctx.ws, audit_id, Path(path))
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取整改台账", None)
            return
        lines = [f"第 {c.row} 行：{c.finding.title[:24]}　{c.finding.status.label} → {c.to.label}"
                 for c in diff.changes if c.changes_status]  # fmt: skip
        lines += [f"不采用：{reason}" for _r, reason in diff.rejected]
        if not lines:
            QMessageBox.information(self, "导入整改台账", "台账中没有需要更新的状态。")
            return
        question = "将作如下更新：\n" + "\n".join(lines[:30]) + "\n\n确认导入？"
        if not confirm(self, "导入整改台账", question):
            return
        try:
            moved = ledger.apply_ledger(self.ctx.ws, diff)
        except AuditDeskError as exc:
            report_failure(self, exc, "导入失败", None)
            return
        QMessageBox.information(self, "导入整改台账", f"已更新 {moved} 个问题的整改状态。")
        self.reload()
        self.data_changed.emit("findings")

    def export_ics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出跟诊日历", "跟诊安排.ics", "日历 (*.ics)")
        if not path:
            return
        try:
            Path(path).write_bytes(followups.ics(self.ctx.ws))
            owner_only(Path(path))
        except OSError as exc:
            report_failure(self, AuditDeskError(f"无法写入 {path}：{exc}"), "导出失败", None)
