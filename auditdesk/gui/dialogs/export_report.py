"""Export an audit's document (用工体检报告 / 整改建议书 / 一函两书 / …): what will be included,
where to save it, 出具 (number and date recorded) or a draft, the 内部资料 annex or not, a letter
issued or its draft / issued copy; rendered in the worker, then open the folder."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auditdesk.errors import AuditDeskError
from auditdesk.gui.audit.scores_tab import ScoreChart
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.worker import JobRunner
from auditdesk.models.finding import RectificationStatus
from auditdesk.models.followup import LetterKind
from auditdesk.models.report import ISSUED_KINDS
from auditdesk.services import letters, reports, visit


class ExportReportDialog(QDialog):
    def __init__(self, ctx: AppContext, audit_id: str, chart: ScoreChart | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx, self.audit_id, self.chart = ctx, audit_id, chart
        self.setWindowTitle("导出文书")
        self.setMinimumWidth(720)
        self.kind = QComboBox()
        for key, label in reports.KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.annex = QCheckBox("另附人员明细（内部资料：姓名、身份证号、出生日期、个人金额）")
        self.unmasked = QCheckBox(
            "人员明细中显示完整身份证号和出生日期（默认遮盖，仅在确有需要时勾选）"
        )
        self.mask_names = QCheckBox("人员明细中的姓名也只显示姓氏（文书正文一律遮盖）")
        self.issue = QCheckBox("出具：编号并记录日期（之后再导出即为出具时的内容）")
        self.draft = QCheckBox("按当前数据导出草稿（不用已出具的版本）")
        self.issued_label = QLabel("")
        self.issued_label.setWordWrap(True)
        self.record_letter = QCheckBox("正式发出：今天发出，取文号存档，开始计算答复期限")
        self.record_letter.setChecked(True)
        self.letter_state = QLabel("")
        self.letter_state.setWordWrap(True)
        self.path = QLineEdit()
        browse = QPushButton("选择…")
        browse.clicked.connect(self.choose)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.findings = visit.list_findings(ctx.ws, audit_id, include_dismissed=False)
        walk = visit.load_walk(ctx.ws, audit_id)
        self.walk = walk
        self.preview = QLabel("")
        self.preview.setWordWrap(True)
        self._gui_state = QSettings(str(ctx.ws.paths.gui_state), QSettings.Format.IniFormat)
        self.template = QLineEdit()
        self.template.setPlaceholderText("留空使用自带模板")
        form = QFormLayout()
        form.addRow("文书", self.kind)
        form.addRow("保存到", where)
        form.addRow("自定义模板", self.template)
        form.addRow("", self.issued_label)
        form.addRow("", self.issue)
        form.addRow("", self.draft)
        form.addRow("", self.annex)
        form.addRow("", self.unmasked)
        form.addRow("", self.mask_names)
        form.addRow("", self.record_letter)
        form.addRow("", self.letter_state)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_folder.setEnabled(False)
        self.open_folder.clicked.connect(self._open_folder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addWidget(self.status)
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_folder)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.runner = JobRunner(self, ctx.pool)
        self.kind.currentIndexChanged.connect(lambda _i: self._default_path())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.kind.currentIndexChanged.connect(lambda _i: self.status.clear())  # the last result
        self.annex.toggled.connect(lambda _on: self._annex_changed())
        self._kind_changed()
        self._default_path(walk.company.name)
        self.written: Path | None = None

    def _summary(self, kind: str) -> str:
        """What the chosen document will contain (the dialog's first line)."""
        name = self.walk.company.name
        total = len(self.findings)
        pending = sum(
            1 for f in self.findings if f.status is not RectificationStatus.VERIFIED_CLOSED
        )
        texts = {
            "report": f"将包括：{name}；已核查 {self.walk.answered}/{self.walk.total} 项；"
            f"列入报告的问题 {total} 项（已剔除的不列入）；工资表核查结果；评分图表。",
            "rectification": f"整改建议书：{name}尚未核验关闭的问题 {pending} 项，"
            "附整改建议和整改期限。",
            "followup": f"跟诊记录：{name}最近一次跟诊的核验结果，及各问题的整改状态。",
            "ledger": f"整改台账（Excel）：{name}的问题 {total} 项及问题编号，"
            "黄色列供企业回填整改情况。",
            "annex": f"人员明细（内部资料）：{name}工资表核查涉及的人员，含姓名和身份证号。",
        }
        letter = f"{self.kind.currentText()}：列明{name}尚未整改的问题 {pending} 项（按问题编号）。"
        return texts.get(kind, letter)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.preview.setText(self._summary(kind))
        issuable = kind in ISSUED_KINDS
        issued = reports.issues(self.ctx.ws, self.audit_id, kind) if issuable else []
        self.issue.setVisible(issuable)
        self.draft.setVisible(bool(issued))
        self.issued_label.setVisible(issuable)
        self.issued_label.setText(
            f"已出具：{issued[-1].number}（{issued[-1].issued_on:%Y-%m-%d}），导出即为出具时的内容。"
            if issued else "尚未出具：导出的文书标为“草稿”，没有编号。"
        )  # fmt: skip
        self.annex.setVisible(kind not in ("ledger", "annex"))
        self._annex_changed()
        is_letter = kind in {k.value for k in LetterKind}
        self.record_letter.setVisible(is_letter)
        self.letter_state.setVisible(is_letter)
        if is_letter:
            sent = letters.latest_issued(self.ctx.ws, self.audit_id, LetterKind(kind))
            # once one is sent, 导出 reproduces it; another numbered letter is a deliberate tick
            self.record_letter.setChecked(sent is None)
            self.letter_state.setText(
                f"已发出 {sent.label}（{sent.issued_on}）：不勾选时导出将原样重现该函件。"
                if sent
                else "尚未发出此类函件：不勾选时导出标明“草稿”、不编号的文本。"
            )

    def _annex_changed(self) -> None:
        """The annex options apply only when an annex is written (beside or as the document)."""
        wanted = self.kind.currentData() == "annex" or (
            self.annex.isVisible() and self.annex.isChecked()
        )
        self.unmasked.setEnabled(wanted)
        self.mask_names.setEnabled(wanted)
        if not wanted:
            self.unmasked.setChecked(False)

    def _suffix(self) -> str:
        return ".xlsx" if self.kind.currentData() == "ledger" else ".docx"

    def _folder(self) -> Path:
        """The folder of the path shown, else the last one used in this data dir, else 文档."""
        shown = self.path.text().strip()
        if shown and Path(shown).parent.is_dir():
            return Path(shown).parent
        remembered = self._gui_state.value("export/folder")
        if remembered and Path(str(remembered)).is_dir():
            return Path(str(remembered))
        folder = Path.home() / "Documents"
        return folder if folder.is_dir() else Path.home()

    def _default_path(self, company: str | None = None) -> None:
        name = company or self.walk.company.name
        label = self.kind.currentText().replace("（Excel）", "").replace("（内部资料）", "")
        self.path.setText(str(self._folder() / f"{name}{label}{self._suffix()}"))

    def choose(self) -> None:
        suffix = self._suffix()
        kinds = "Excel 工作簿 (*.xlsx)" if suffix == ".xlsx" else "Word 文档 (*.docx)"
        path, _ = QFileDialog.getSaveFileName(self, "保存文书", self.path.text(), kinds)
        if path:
            self.path.setText(path if path.lower().endswith(suffix) else f"{path}{suffix}")

    def _remember_folder(self, path: Path) -> None:
        self._gui_state.setValue("export/folder", str(path.parent))
        self._gui_state.sync()

    def export(self) -> None:
        out = Path(self.path.text().strip())
        if not out.name:
            self.status.setText("请选择保存位置。")
            return
        if out.suffix.lower() != self._suffix():
            out = out.with_name(out.name + self._suffix())
            self.path.setText(str(out))
        chart_png = None
        if self.chart is not None and self.kind.currentData() == "report":
            fd, name = tempfile.mkstemp(suffix=".png")
            os.close(fd)
            chart_png = Path(name)
            picture = ScoreChart()  # a copy at print size; the one on screen keeps its layout
            picture.set_scores(self.chart.rows)
            picture.resize(720, 320)
            picture.grab().save(str(chart_png), "PNG")
        template = Path(self.template.text().strip()) if self.template.text().strip() else None
        self.status.setText("正在生成…")
        self.buttons.setEnabled(False)
        kind = self.kind.currentData()
        if kind in {k.value for k in LetterKind} and self.record_letter.isChecked():
            self.runner.start(
                letters.issue_letter, self.ctx.ws, self.audit_id, LetterKind(kind), date.today(),
                out=out, template=template, title="发出函件", on_finished=self._issued,
                on_failed=self._failed,
            )  # fmt: skip
            return
        self.runner.start(
            reports.export_set, self.ctx.ws, self.audit_id, out, kind=kind,
            issue_now=self.issue.isVisible() and self.issue.isChecked(),
            draft=self.draft.isVisible() and self.draft.isChecked(),
            annex=self.annex.isVisible() and self.annex.isChecked(),
            template=template, unmasked=self.unmasked.isChecked(),
            mask_names=self.mask_names.isChecked(), chart_png=chart_png,
            title="导出文书", on_finished=self._done, on_failed=self._failed,
        )  # fmt: skip

    def _done(self, paths: list[Path]) -> None:
        self.buttons.setEnabled(True)
        path = paths[0]
        self._remember_folder(path)
        self.written = path
        kind = self.kind.currentData()
        draft_letter = (
            kind in {k.value for k in LetterKind}
            and letters.latest_issued(self.ctx.ws, self.audit_id, LetterKind(kind)) is None
        )
        done = "已生成草稿（未编号、未发出）：" if draft_letter else "已生成："
        self.status.setText(done + "；".join(str(p) for p in paths))
        self.issue.setChecked(False)
        self._kind_changed()
        if draft_letter:  # the user's choice stands: a second 导出 is another draft
            self.record_letter.setChecked(False)
        self.open_folder.setEnabled(True)

    def _issued(self, written: letters.Written) -> None:
        self.buttons.setEnabled(True)
        letter = written.letter
        assert letter is not None
        self.written = written.path
        if written.path is not None:
            self._remember_folder(written.path)
        estimate = "（估算，登记送达后按送达次日起算）" if letter.due_estimated else ""
        self.status.setText(
            f"已发出 {letter.label}：{written.path}；答复期限 {letter.reply_due}{estimate}"
        )
        self.open_folder.setEnabled(True)
        self._kind_changed()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, AuditDeskError):
            self.status.setText(f"未能生成：{exc.message}")
        else:
            report_failure(self, exc, "导出失败", None)

    def _open_folder(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.parent)))
