"""Companies page: a searchable company table with add, edit and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError, StaleRecordError
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.change_history import ChangeHistoryDialog
from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.dialogs.start_audit import StartAuditDialog
from auditdesk.gui.table_model import (
    CENTER,
    RIGHT,
    ROW_ROLE,
    ColumnSpec,
    RecordProxyModel,
    RecordTableModel,
)
from auditdesk.gui.widgets import page_title, read_only_table, selected_record, stretch
from auditdesk.models.company import CompanySummary
from auditdesk.services import companies
from auditdesk.services.changelog import LogFilter


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


COMPANY_COLUMNS: list[ColumnSpec[CompanySummary]] = [
    ColumnSpec(
        "企业名称",
        lambda r: r.company.name,
        tooltip=lambda r: "\n".join(filter(None, (r.company.name, r.company.address))),
    ),
    ColumnSpec("统一社会信用代码", lambda r: r.company.credit_code or ""),
    ColumnSpec("所属街镇", lambda r: r.company.town),
    ColumnSpec("行业", lambda r: r.company.industry),
    ColumnSpec(
        "职工人数", lambda r: _count(r.company.headcount), lambda r: r.company.headcount, RIGHT
    ),
    ColumnSpec(
        "工会",
        lambda r: "已建会" if r.company.has_union else "未建会",
        lambda r: r.company.has_union,
        CENTER,
    ),
    ColumnSpec("体检次数", lambda r: str(r.audit_count), lambda r: r.audit_count, RIGHT),
    ColumnSpec("未关闭问题", lambda r: str(r.open_findings), lambda r: r.open_findings, RIGHT),
]


class CompaniesPage(QWidget):
    data_changed = Signal(str)
    audit_started = Signal(str)
    """An audit was started here; the main window shows it on the 体检 page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)

        layout.addWidget(page_title("企业"))

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索企业名称、信用代码、街镇或行业")
        self.search.setClearButtonEnabled(True)
        self.add_button = QPushButton("新建企业")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.start_button = QPushButton("开始体检…")
        self.start_button.setToolTip("为所选企业开始一次用工体检")
        self.history_button = QPushButton("修改记录…")
        self.history_button.setToolTip("所选企业及其体检的全部修改记录，可导出 Excel")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.start_button)
        bar.addWidget(self.history_button)
        layout.addLayout(bar)

        self.empty_hint = QLabel("还没有企业。点击“新建企业”添加，或在“设置”页载入演示数据。")
        self.empty_hint.setObjectName("emptyHint")
        layout.addWidget(self.empty_hint)

        self.model: RecordTableModel[CompanySummary] = RecordTableModel(
            COMPANY_COLUMNS, parent=self
        )
        self.proxy = RecordProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table()
        self.table.setModel(self.proxy)
        stretch(self.table, 0)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.add_button.clicked.connect(self.add_company)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.start_button.clicked.connect(self.start_audit)
        self.history_button.clicked.connect(self.open_history)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        try:
            rows = companies.list_companies(self.ctx.ws)
        except AuditDeskError as exc:
            report_failure(self, exc, "无法读取企业列表", None)
            return
        chosen = self.selected()  # a save anywhere reloads this page: the row chosen stays
        self.model.set_rows(rows)
        self.empty_hint.setVisible(not rows)
        if chosen is not None:
            self.select_company(chosen.company.id)
        self._update_buttons()

    def selected(self) -> CompanySummary | None:
        row: CompanySummary | None = selected_record(self.table)
        return row

    def select_company(self, company_id: str) -> None:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if self.proxy.data(index, ROW_ROLE).company.id == company_id:
                self.table.selectRow(r)
                self.table.scrollTo(index)
                return

    def _update_buttons(self, *_args: object) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.start_button.setEnabled(has)
        self.history_button.setEnabled(has)

    def open_history(self) -> ChangeHistoryDialog | None:
        """The 修改记录 dialog of the selected company and its audits (opened, not waited for)."""
        summary = self.selected()
        if summary is None:
            return None
        where = LogFilter(company_id=summary.company.id)
        self.history_dialog = ChangeHistoryDialog(self.ctx.ws, where, summary.company.name, self)
        self.history_dialog.open()
        return self.history_dialog

    def start_audit(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        self.start_dialog = StartAuditDialog(self.ctx, summary.company.id, self)
        self.start_dialog.audit_started.connect(self.audit_started)
        self.start_dialog.open()

    def _open_editor(self, summary: CompanySummary | None) -> CompanyEditorDialog:
        dialog = CompanyEditorDialog(self.ctx.ws, summary.company if summary else None, self)
        dialog.company_saved.connect(self._saved)
        dialog.open()
        return dialog

    def add_company(self) -> CompanyEditorDialog:
        return self._open_editor(None)

    def edit_selected(self) -> CompanyEditorDialog | None:
        summary = self.selected()
        return self._open_editor(summary) if summary else None

    def _saved(self, company_id: str) -> None:
        self.data_changed.emit("companies")
        self.select_company(company_id)

    def delete_selected(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        if not confirm(
            self,
            "删除企业",
            f"确定删除“{summary.company.name}”吗？\n\n将同时删除它的 {summary.audit_count} 次体检、"
            "全部检查记录、问题和附件，且无法撤销。",
        ):
            return
        try:  # only what the user saw: a company changed since is not deleted unseen
            companies.delete_company(self.ctx.ws, summary.company.id,
                                     expected_version=summary.company.version)  # fmt: skip
        except AuditDeskError as exc:
            report_failure(self, exc, "无法删除企业", None)
            if isinstance(exc, StaleRecordError):
                self.data_changed.emit("companies")  # show what it is now
            return
        self.data_changed.emit("companies")
