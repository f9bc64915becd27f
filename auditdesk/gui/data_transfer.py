"""The 文件 menu's case-file and backup actions, and the automatic backups while the app runs.

Every long step (export, dry run, import, backup, checking a backup, restore) runs on the job pool;
a restore (the service) closes the store first and reopens it afterwards, whatever happened.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from auditdesk.archive import PassphraseError, is_sealed
from auditdesk.errors import AuditDeskError
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs import case_files
from auditdesk.gui.dialogs.confirm import question_box
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.gui.worker import Job, JobRunner
from auditdesk.services import backups, cases, server_backups
from auditdesk.services import database as db_service
from auditdesk.services.cases import CASE_SUFFIX, ImportPlan, Prefer

log = logging.getLogger(__name__)


def restore_confirmation(parent: QWidget, preview: backups.RestorePreview) -> QMessageBox:
    """The restore question: the backup's date and age, records now vs in the backup, the flags
    (older than the current data, fewer records) first; buttons 是，恢复 / 否, 否 the default."""
    info = preview.backup
    box = question_box(
        parent,
        "从备份恢复",
        f"用 {info.created:%Y-%m-%d %H:%M} 的{info.kind_label}备份（{preview.age_text()}）"
        "替换当前全部数据吗？",
        yes="是，恢复",
    )
    if preview.flagged:
        box.setIcon(QMessageBox.Icon.Warning)
    rows = "".join(
        f"<tr><td>{name}</td><td align='right'>{now}</td><td align='right'>{then}</td></tr>"
        for name, now, then in preview.rows()
    )
    warnings = "".join(f"<p style='color:#b00020'><b>注意：{w}</b></p>" for w in preview.warnings())
    box.setInformativeText(
        f"{warnings}<table cellspacing='0' cellpadding='4'>"
        f"<tr><th align='left'></th><th align='right'>当前</th><th align='right'>备份中</th></tr>"
        f"{rows}</table><p>当前数据库会先移到 backups/replaced 保存，可以再恢复回来。</p>"
    )
    box.setTextFormat(Qt.TextFormat.RichText)
    return box


class DataTransfer(QObject):
    data_changed = Signal(str)
    backups_changed = Signal()
    status = Signal(str)

    def __init__(self, ctx: AppContext, window: QMainWindow, runner: JobRunner) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.runner = runner
        self.last_dialog: Any = None  # for tests: the dialog shown last

    def _log_file(self) -> Path:
        return self.ctx.ws.paths.logs / "auditdesk.log"

    def _failed(self, title: str) -> Any:
        return lambda exc: report_failure(self.window, exc, title, self._log_file())

    # ------------------------------------------------------------ case files
    def export_case(
        self, company_id: str | None, *, exec_dialog: bool = True
    ) -> case_files.CaseExportDialog:
        dialog = case_files.CaseExportDialog(self.ctx, company_id, self.window)
        self.last_dialog = dialog
        dialog.accepted.connect(lambda: self._run_export(dialog))
        if exec_dialog:
            dialog.open()
        return dialog

    def _run_export(self, dialog: case_files.CaseExportDialog) -> None:
        company_id = dialog.company.currentData()
        target = Path(dialog.path.text())
        audit_ids, passphrase = dialog.audit_ids(), dialog.chosen_passphrase()
        self.runner.start(
            lambda progress, cancel: cases.export_case(
                self.ctx.ws, company_id, target, audit_ids=audit_ids, passphrase=passphrase
            ),
            title="正在导出案卷",
            on_finished=lambda r: self.status.emit(
                f"已导出案卷：{r.path}（{'已加密，' if r.encrypted else ''}体检 {r.counts['audits']} 次，"
                f"附件 {r.attachments} 个）"
            ),
            on_failed=self._failed("无法导出案卷"),
        )

    def import_case(self, path: Path | None = None, passphrase: str | None = None) -> None:
        """Ask for the file (and passphrase), dry-run it, show the plan, then import."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.window, "导入案卷", str(Path.home()),
                                                    f"AuditDesk 案卷 (*{CASE_SUFFIX})")  # fmt: skip
            if not chosen:
                return
            path = Path(chosen)
        if passphrase is None and is_sealed(path):
            passphrase = case_files.ask_passphrase(self.window, path.name)
            if passphrase is None:
                return
        self.runner.start(
            cases.import_case,
            self.ctx.ws,
            path,
            passphrase=passphrase,
            dry_run=True,
            title="正在检查案卷",
            on_finished=lambda plan: self._preview(path, passphrase, plan),
            on_failed=lambda exc: self._preview_failed(path, exc),
        )

    def _preview_failed(self, path: Path, exc: BaseException) -> None:
        if isinstance(exc, PassphraseError) and is_sealed(path):
            again = case_files.ask_passphrase(self.window, path.name, again=True)
            if again is not None:
                self.import_case(path, again)
            return
        report_failure(self.window, exc, "无法导入案卷", self._log_file())

    def _preview(self, path: Path, passphrase: str | None, plan: ImportPlan) -> None:
        if not plan.changes and not plan.conflicts:
            QMessageBox.information(self.window, "导入案卷", plan.summary())
            return
        dialog = case_files.CaseImportDialog(plan, path.name, self.window)
        self.last_dialog = dialog
        dialog.accepted.connect(lambda: self._run_import(path, passphrase, dialog.choices()))
        dialog.open()

    def _run_import(self, path: Path, passphrase: str | None, choices: dict[str, Prefer]) -> None:
        self.runner.start(
            cases.import_case,
            self.ctx.ws,
            path,
            passphrase=passphrase,
            choices=choices,
            title="正在导入案卷",
            on_finished=self._imported,
            on_failed=self._failed("无法导入案卷"),
        )

    def _imported(self, plan: ImportPlan) -> None:
        self.data_changed.emit("companies")
        self.status.emit("已导入：" + plan.summary())

    # ------------------------------------------------------------ backups
    def backup_to_dialog(self, *, exec_dialog: bool = True) -> Any:
        """备份到…: ask where and for a passphrase (encryption on by default), then back up. On a
        server: :meth:`backup_server` into a folder the administrator chooses."""
        if self.ctx.ws.is_server:
            return self.backup_server()
        dialog = case_files.BackupFileDialog(self.window)
        self.last_dialog = dialog
        dialog.accepted.connect(
            lambda: self.backup_to(dialog.target(), passphrase=dialog.chosen_passphrase())
        )
        if exec_dialog:
            dialog.open()
        return dialog

    def backup_to(self, target: Path, *, passphrase: str | None = None) -> None:
        """Write the ``.adbackup`` file on the job pool (sealed when ``passphrase`` is given)."""
        paths = self.ctx.ws.paths
        self.runner.start(
            lambda progress, cancel: backups.export_backup(paths, target, passphrase=passphrase),
            title="正在备份",
            on_finished=self._backed_up,
            on_failed=self._failed("备份失败"),
        )

    def _backed_up(self, info: backups.BackupInfo) -> None:
        self.status.emit(f"已备份到 {info.path}：{info.describe()}")
        self.backups_changed.emit()

    # ------------------------------------------------------------ server backups
    def _server_refused(self, title: str) -> bool:
        refusal = server_backups.backup_refusal(self.ctx.ws)
        if refusal is None:
            return False
        box = QMessageBox(QMessageBox.Icon.Information, title, refusal,
                          QMessageBox.StandardButton.Ok, self.window)  # fmt: skip
        self.last_dialog = box
        box.open()
        return True

    def backup_server(self, folder: Path | None = None) -> Job | None:
        """备份到… on a server (administrators): ``pg_dump`` into ``folder`` (asked when ``None``)
        on the job pool, then say where it went. Returns the job (``None``: cancelled/refused)."""
        if self._server_refused("备份服务器数据库"):
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                self.window, "备份服务器数据库到文件夹", str(Path.home())
            )
            if not chosen:
                return None
            folder = Path(chosen)
        ws, into = self.ctx.ws, folder
        return self.runner.start(
            lambda progress, cancel: server_backups.create_server_backup(ws, into=into),
            title="正在备份服务器数据库（pg_dump）",
            on_finished=self._server_backed_up,
            on_failed=self._failed("备份失败"),
        )

    def _server_backed_up(self, info: backups.BackupInfo) -> None:
        self.status.emit(f"已备份服务器数据库到 {info.path}：{info.describe()}")
        self.backups_changed.emit()
        box = QMessageBox(QMessageBox.Icon.Information, "备份完成",
                          f"已备份服务器数据库（pg_dump）到：\n{info.path}\n\n{info.describe()}",
                          QMessageBox.StandardButton.Ok, self.window)  # fmt: skip
        self.last_dialog = box
        box.open()

    def restore_server(self, source: Path | None = None, name: str | None = None) -> Job | None:
        """从备份恢复… on a server (administrators): a backup folder (asked when ``None``) into a
        NEW database ``name`` (asked when ``None``) on the job pool; the database in use and one
        with tables are refused by the service. Then offers to switch to it from the next start.
        Returns the job (``None``: cancelled/refused)."""
        if self._server_refused("恢复服务器数据库"):
            return None
        if source is None:
            start = self.ctx.ws.paths.backups / "snapshots"
            chosen = QFileDialog.getExistingDirectory(
                self.window, "选择服务器数据库的备份文件夹（含 auditdesk.dump）",
                str(start if start.is_dir() else Path.home()),
            )  # fmt: skip
            if not chosen:
                return None
            source = Path(chosen)
        if name is None:
            given, ok = QInputDialog.getText(
                self.window, "恢复到新数据库",
                "恢复只在新建的空数据库中进行，不会改动正在使用的数据库。\n"
                "新数据库名（英文字母、数字、下划线；须已由服务器管理员创建且为空）：",
                QLineEdit.EchoMode.Normal, f"auditdesk_restored_{source.name[:8]}",
            )  # fmt: skip
            if not ok or not given.strip():
                return None
            name = given.strip()
        ws, ref, target = self.ctx.ws, str(source), name
        return self.runner.start(
            lambda progress, cancel: server_backups.restore_into_new_database(ws, ref, target),
            title="正在恢复到新数据库（pg_restore）",
            on_finished=lambda result: self._server_restored(result, target),
            on_failed=self._failed("恢复失败"),
        )

    def _server_restored(self, result: server_backups.ServerRestoreResult, name: str) -> None:
        self.status.emit(f"已恢复到新数据库 {result.database}：{result.restored.describe()}")
        box = QMessageBox(QMessageBox.Icon.Question, "恢复完成",
                          f"已恢复到新数据库 {name}：{result.restored.describe()}\n\n"
                          + "".join(f"{note}\n\n" for note in result.notes()) +
                          "要改用这个数据库吗？（下次启动 AuditDesk 时生效；其他人的电脑仍使用原数据库，"
                          "确认无误后请他们也在 设置 → 数据库 中改用。）",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.window)  # fmt: skip
        box.button(QMessageBox.StandardButton.Yes).setText("改用新数据库")
        box.button(QMessageBox.StandardButton.No).setText("暂不")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.last_dialog = box

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.switch_database(name)

        box.finished.connect(answered)
        box.open()

    def switch_database(self, name: str) -> None:
        """Save database ``name`` on this server as the one the next start opens."""
        ws = self.ctx.ws
        try:
            url = server_backups.target_url(ws, name)
            db_service.choose_database(ws, url, ws.preferences().database_sslmode)
        except AuditDeskError as exc:
            report_failure(self.window, exc, "无法改用新数据库", self._log_file())
            return
        self.status.emit(f"已保存：下次启动时使用数据库 {name}。")

    def restore(
        self,
        source: backups.BackupInfo | Path | None = None,
        *,
        passphrase: str | None = None,
        again: bool = False,
    ) -> Job | None:
        """Ask for a backup (and the passphrase of a sealed file), check it on the job pool, ask to
        confirm, then :meth:`restore_now`. Returns the checking job (``None`` when the user
        cancelled). On a server: :meth:`restore_server`."""
        if self.ctx.ws.is_server:
            return self.restore_server(source if isinstance(source, Path) else None)
        if source is None:
            dialog = case_files.RestoreDialog(self.ctx, self.window)
            self.last_dialog = dialog
            if (
                dialog.exec() != case_files.RestoreDialog.DialogCode.Accepted
                or dialog.chosen is None
            ):
                return None
            source = dialog.chosen
        chosen = source
        if passphrase is None and isinstance(chosen, Path) and is_sealed(chosen):
            passphrase = case_files.ask_passphrase(self.window, chosen.name, again=again)
            if passphrase is None:
                return None
        paths = self.ctx.ws.paths
        return self.runner.start(
            lambda progress, cancel: backups.restore_preview(paths, chosen, passphrase=passphrase),
            title="正在检查备份",
            on_finished=lambda preview: self._confirm_restore(chosen, preview, passphrase),
            on_failed=lambda exc: self._check_failed(chosen, exc),
        )

    def _check_failed(self, source: backups.BackupInfo | Path, exc: BaseException) -> None:
        if isinstance(exc, PassphraseError) and isinstance(source, Path) and is_sealed(source):
            self.restore(source, again=True)
            return
        report_failure(self.window, exc, "备份不可用", self._log_file())

    def _confirm_restore(
        self,
        source: backups.BackupInfo | Path,
        preview: backups.RestorePreview,
        passphrase: str | None,
    ) -> None:
        """Ask before restoring, saying what will be replaced; 否 is the default and Esc."""
        box = restore_confirmation(self.window, preview)
        self.last_dialog = box

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.restore_now(source, passphrase=passphrase)

        box.finished.connect(answered)
        box.open()

    def restore_now(
        self, source: backups.BackupInfo | Path, *, passphrase: str | None = None
    ) -> Job:
        """Restore on the job pool (the service closes the store, restores and reopens it, on the
        old database if the restore failed). The pool has one thread, so jobs already queued finish
        first; the window stays disabled until the restore ends, so nothing reads the store while
        its file is being replaced."""
        self.window.setEnabled(False)
        return self.runner.start(
            backups.restore_workspace,
            self.ctx.ws,
            source,
            passphrase=passphrase,
            title="正在从备份恢复",
            on_finished=self._restored,
            on_failed=self._restore_failed,
        )

    def _restored(self, result: backups.RestoreResult) -> None:
        self.window.setEnabled(True)
        self.data_changed.emit("companies")
        self.status.emit(f"已恢复：{result.restored.describe()}")

    def _restore_failed(self, exc: BaseException) -> None:
        self.window.setEnabled(True)
        report_failure(self.window, exc, "恢复失败，数据未改动", self._log_file())

    def _auto_backed_up(self, info: backups.BackupInfo | None) -> None:
        if info is not None:
            log.info("automatic backup %s", info.id)
            self.backups_changed.emit()

    def auto_backup(self, *, startup: bool) -> None:
        if self.ctx.ws.is_server:
            return  # a server is backed up by its administrator (pg_dump)
        paths = self.ctx.ws.paths
        self.runner.start(
            lambda progress, cancel: backups.auto_backup(paths, startup=startup),
            title="正在自动备份",
            show_dialog=False,
            on_finished=self._auto_backed_up,
            on_failed=lambda exc: self.status.emit(
                f"自动备份未完成：{exc.message if isinstance(exc, AuditDeskError) else exc}"
            ),
        )
