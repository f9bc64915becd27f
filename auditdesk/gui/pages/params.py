"""法规参数: the regional figures the payroll rules use, read-only, with dates and sources."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.table_model import ColumnSpec, RecordTableModel
from auditdesk.gui.widgets import page_title, read_only_table, stretch
from auditdesk.rules.params import ParamLine, describe, load_params

PARAM_COLUMNS: list[ColumnSpec[ParamLine]] = [
    ColumnSpec("项目", lambda p: p.topic),
    ColumnSpec("适用", lambda p: p.effective),
    ColumnSpec("标准", lambda p: p.value, tooltip=lambda p: p.value),
    ColumnSpec("核实情况", lambda p: p.status),
    ColumnSpec(
        "来源",
        lambda p: p.source,
        tooltip=lambda p: f"{p.source}\n资料编号：{p.source_ref}" if p.source_ref else "",
    ),
]


class ParamsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("法规参数"))
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.model: RecordTableModel[ParamLine] = RecordTableModel(PARAM_COLUMNS, parent=self)
        self.table = read_only_table()
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        stretch(self.table, 2)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 300)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        try:
            params = load_params("shanghai")
        except AuditDeskError as exc:
            self.intro.setText(exc.message)
            self.model.set_rows([])
            return
        self.intro.setText(
            f"{params.name}：工资核查按工资所属月份第一天有效的标准检查。只读；参数文件为 "
            f"{params.source_file}，新的调整公布后由程序更新。"
        )
        self.model.set_rows(describe(params))
