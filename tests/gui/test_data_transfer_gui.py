"""文件 menu: export and import case files (with the conflict dialog), backups, and the restore
offered at start when the database is damaged."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from auditdesk.errors import AuditDeskError
from auditdesk.gui import app as gui_app
from auditdesk.gui import data_transfer
from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs import case_files
from auditdesk.gui.dialogs.case_files import CaseExportDialog, CaseImportDialog
from auditdesk.gui.main_window import MainWindow
from auditdesk.models.common import utcnow
from auditdesk.models.company import CompanyInput
from auditdesk.services import backups, cases, companies
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace
from auditdesk.store.sqlite import integrity_problems
from tests.gui.questions import answer_questions


def _window(qtbot: Any, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def _menu_texts(window: MainWindow) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions() if a.text()]


def test_file_menu_offers_cases_and_backups(qtbot: Any, ctx: AppContext) -> None:
    texts = _menu_texts(_window(qtbot, ctx))
    for wanted in ("导出案卷(&E)…", "导入案卷(&I)…", "备份到(&B)…", "从备份恢复(&R)…"):
        assert wanted in texts


def test_export_dialog_checks_the_passphrase_then_exports_sealed(
    qtbot: Any, ctx: AppContext, tmp_path: Path
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    dialog = window.transfer.export_case(None, exec_dialog=False)
    assert isinstance(dialog, CaseExportDialog)
    assert dialog.audit_list.count() == 2
    target = tmp_path / "案卷.adcase"
    dialog.path.setText(str(target))
    dialog.passphrase.setText("short")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "口令至少 8 个字符。"
    dialog.passphrase.setText("工会办公室口令2026")
    dialog.confirm.setText("不一样的口令2026")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "两次输入的口令不一致。"
    dialog.confirm.setText("工会办公室口令2026")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(target.exists, timeout=20000)
    qtbot.waitUntil(lambda: "已导出案卷" in window.statusBar().currentMessage(), timeout=20000)
    assert "已加密" in window.statusBar().currentMessage()
    assert cases.case_info(ctx.ws, target, passphrase="工会办公室口令2026")["counts"]["audits"] == 2


def test_import_shows_conflicts_side_by_side_and_applies_the_choice(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Workspace.open(tmp_path / "laptop")
    load_demo(laptop)
    company = companies.list_companies(laptop)[0].company
    first = tmp_path / "first.adcase"
    cases.export_case(laptop, company.id, first)
    cases.import_case(ctx.ws, first)
    for ws, phone in ((laptop, "13800000001"), (ctx.ws, "13900000002")):
        with ws.store.transaction() as tx:
            current = tx.require_company(company.id)
            tx.update_company(
                current.model_copy(update={"contact_phone": phone, "updated_at": utcnow()})
            )
    second = tmp_path / "second.adcase"
    cases.export_case(laptop, company.id, second)
    laptop.close()

    window = _window(qtbot, ctx)
    window.transfer.import_case(second)
    qtbot.waitUntil(
        lambda: isinstance(window.transfer.last_dialog, CaseImportDialog), timeout=20000
    )
    dialog = window.transfer.last_dialog
    table = dialog.table
    cells = [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(4)]
        for r in range(table.rowCount())
    ]
    assert ["企业「上海嘉研精密部件有限公司」", "联系电话", "13900000002", "13800000001"] in cells
    [(_ref, combo)] = dialog._combos
    combo.setCurrentIndex(combo.findData("theirs"))
    dialog.accept()
    qtbot.waitUntil(lambda: "已导入" in window.statusBar().currentMessage(), timeout=20000)
    assert companies.get_company(ctx.ws, company.id).contact_phone == "13800000001"


def test_backup_to_file_and_restore_from_the_menu_logic(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    target = tmp_path / "备份.adbackup"
    window.transfer.backup_to(target)
    qtbot.waitUntil(target.exists, timeout=20000)
    companies.delete_company(ctx.ws, companies.list_companies(ctx.ws)[0].company.id)
    window.companies_page.reload()
    assert window.companies_page.model.rowCount() == 0

    window.transfer.restore(target)  # checked, then restored, both on the job pool
    _answer_yes(qtbot, window)
    qtbot.waitUntil(lambda: "已恢复" in window.statusBar().currentMessage(), timeout=20000)
    assert [c.company.name for c in companies.list_companies(ctx.ws)] == [
        "上海嘉研精密部件有限公司"
    ]
    qtbot.waitUntil(lambda: window.companies_page.model.rowCount() == 1, timeout=5000)


def _answer_yes(qtbot: Any, window: MainWindow, timeout: int = 20000) -> None:
    """Click 是，恢复 in the restore confirmation once it is shown."""
    qtbot.waitUntil(lambda: isinstance(window.transfer.last_dialog, QMessageBox), timeout=timeout)
    box = window.transfer.last_dialog
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)


def _hold_the_pool(window: MainWindow) -> threading.Event:
    """Occupy the one-thread job pool until the returned event is set, so a job started next is
    queued and its signals cannot fire before the test is waiting for them."""
    gate = threading.Event()
    window.runner.start(
        lambda progress, cancel: gate.wait(20),
        title="占位",
        show_dialog=False,
        on_finished=lambda _r: None,
        on_failed=lambda _e: None,
    )
    return gate


def test_restore_runs_on_the_job_pool_with_the_window_disabled(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    target = tmp_path / "备份.adbackup"
    backups.export_backup(ctx.ws.paths, target)
    companies.delete_company(ctx.ws, companies.list_companies(ctx.ws)[0].company.id)
    threads: list[threading.Thread] = []
    real = backups.restore_workspace

    def spy(*args: Any, **kwargs: Any) -> backups.RestoreResult:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(backups, "restore_workspace", spy)
    gate = _hold_the_pool(window)
    job = window.transfer.restore_now(target)
    assert not window.isEnabled()  # nothing may read the store while its file is replaced
    with qtbot.waitSignal(job.signals.finished, timeout=20000) as blocker:
        gate.set()
    assert isinstance(blocker.args[0], backups.RestoreResult)
    [thread] = threads
    assert thread is not threading.main_thread()
    assert window.isEnabled()
    assert "已恢复" in window.statusBar().currentMessage()
    assert [c.company.name for c in companies.list_companies(ctx.ws)] == [
        "上海嘉研精密部件有限公司"
    ]


def test_failed_restore_reopens_the_old_database_and_reports(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    reported: list[tuple[BaseException, str]] = []
    monkeypatch.setattr(
        data_transfer, "report_failure", lambda _w, exc, title, _log: reported.append((exc, title))
    )
    gate = _hold_the_pool(window)
    job = window.transfer.restore_now(tmp_path / "不存在.adbackup")
    with qtbot.waitSignal(job.signals.failed, timeout=20000):
        gate.set()
    assert window.isEnabled()
    [(exc, title)] = reported
    assert isinstance(exc, AuditDeskError)
    assert title == "恢复失败，数据未改动"
    assert len(companies.list_companies(ctx.ws)) == 1  # the store is open again, data as it was


def test_damaged_database_at_start_offers_the_latest_good_backup(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(tmp_path)
    load_demo(ws)
    ws.close()
    backups.create_backup(ws.paths, kind="auto")
    db = tmp_path / "auditdesk.db"
    with db.open("r+b") as fh:
        fh.seek(8192)
        fh.write(b"\x07" * (db.stat().st_size - 12288))
    asked = answer_questions(monkeypatch, True)
    reopened = gui_app.open_with_recovery(tmp_path)
    assert reopened is not None
    assert "完整性检查" in asked[0]
    assert "要从最近的完好备份恢复吗" in asked[0]
    assert [c.company.name for c in companies.list_companies(reopened)] == [
        "上海嘉研精密部件有限公司"
    ]
    reopened.close()
    [aside] = (tmp_path / "backups" / "replaced").iterdir()
    assert integrity_problems(aside / "auditdesk.db")  # the damaged file, kept as it was


def test_automatic_backup_at_start_and_when_the_day_changes(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    assert window.settings_page.latest_backup_label.text().startswith("还没有备份")
    window.transfer.auto_backup(startup=True)
    qtbot.waitUntil(lambda: len(backups.list_backups(ctx.ws.paths)) == 1, timeout=20000)
    qtbot.waitUntil(
        lambda: "（自动）：企业 1 家" in window.settings_page.latest_backup_label.text()
    )

    # the app stayed open overnight: yesterday's backup, and a new day on the clock
    [first] = backups.list_backups(ctx.ws.paths)
    manifest = first.path / "manifest.json"
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    meta["created"] = (first.created - timedelta(days=1)).isoformat()
    manifest.write_text(json.dumps(meta), encoding="utf-8")
    companies.add_company(ctx.ws, CompanyInput(name="第二天新建的企业"))
    window._reminded_on -= timedelta(days=1)
    window._check_date()
    qtbot.waitUntil(lambda: len(backups.list_backups(ctx.ws.paths)) == 2, timeout=20000)
    assert backups.list_backups(ctx.ws.paths)[0].records["companies"] == 2


def test_sealed_import_asks_again_after_a_wrong_passphrase(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Workspace.open(tmp_path / "laptop")
    load_demo(laptop)
    file = tmp_path / "sealed.adcase"
    cases.export_case(
        laptop, companies.list_companies(laptop)[0].company.id, file, passphrase="right-one-2026"
    )
    laptop.close()
    answers = iter(["wrong-one-2026", "right-one-2026"])
    prompts: list[bool] = []

    def ask(_parent: Any, _name: str, *, again: bool = False) -> str:
        prompts.append(again)
        return next(answers)

    monkeypatch.setattr(case_files, "ask_passphrase", ask)
    window = _window(qtbot, ctx)
    window.transfer.import_case(file)
    qtbot.waitUntil(
        lambda: isinstance(window.transfer.last_dialog, CaseImportDialog), timeout=30000
    )
    assert prompts == [False, True]
    window.transfer.last_dialog.accept()
    qtbot.waitUntil(lambda: len(companies.list_companies(ctx.ws)) == 1, timeout=20000)


def test_backup_to_dialog_seals_by_default_and_restore_asks_the_passphrase(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    dialog = window.transfer.backup_to_dialog(exec_dialog=False)
    assert dialog.encrypt.isChecked()
    target = tmp_path / "备份.adbackup"
    dialog.path.setText(str(target))
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "口令至少 8 个字符。"
    dialog.encrypt.setChecked(False)
    assert dialog.warning.isVisibleTo(dialog)  # unsealed: said plainly
    dialog.encrypt.setChecked(True)
    dialog.passphrase.setText("工会备份口令2026")
    dialog.confirm.setText("工会备份口令2026")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "已备份到" in window.statusBar().currentMessage(), timeout=30000)
    assert target.read_bytes().startswith(b"AUDITDESK-SEALED")

    companies.delete_company(ctx.ws, companies.list_companies(ctx.ws)[0].company.id)
    answers = iter(["错误的口令12345", "工会备份口令2026"])
    prompts: list[bool] = []

    def ask(_parent: Any, _name: str, *, again: bool = False) -> str:
        prompts.append(again)
        return next(answers)

    monkeypatch.setattr(case_files, "ask_passphrase", ask)
    window.transfer.restore(target)
    _answer_yes(qtbot, window, timeout=60000)
    qtbot.waitUntil(lambda: "已恢复" in window.statusBar().currentMessage(), timeout=60000)
    assert prompts == [False, True]
    assert [c.company.name for c in companies.list_companies(ctx.ws)] == [
        "上海嘉研精密部件有限公司"
    ]


def test_a_window_whose_database_was_replaced_says_so_and_closes(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import shutil

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from auditdesk.gui.dialogs import errors as error_dialogs
    from auditdesk.gui.dialogs.company_editor import CompanyEditorDialog

    load_demo(ctx.ws)
    snapshot = backups.create_backup(ctx.ws.paths)
    shown: list[str] = []
    quit_codes: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(error_dialogs, "_quit", quit_codes.append)
    root = ctx.ws.paths.root
    for suffix in ("", "-wal", "-shm"):  # swapped by something that took no lock
        if (root / f"auditdesk.db{suffix}").exists():
            os.replace(root / f"auditdesk.db{suffix}", root / f"moved.db{suffix}")
    shutil.copyfile(snapshot.path / "auditdesk.db", root / "auditdesk.db")

    dialog = CompanyEditorDialog(ctx.ws)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("上海不该写进旧文件有限公司")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    [message] = shown
    assert "数据库文件已被替换" in message
    assert "AuditDesk 将关闭" in message
    assert quit_codes == [error_dialogs.EXIT_DATABASE_REPLACED]


# ------------------------------------------------------------------ issue 18, point 4
def test_restore_list_preselects_nothing_and_has_no_default_button(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    load_demo(ctx.ws)
    backups.create_backup(ctx.ws.paths)
    window = _window(qtbot, ctx)
    seen: dict[str, Any] = {}

    def inspect() -> None:
        dialog = window.transfer.last_dialog
        assert isinstance(dialog, case_files.RestoreDialog)
        seen["selected"] = dialog.list.selectedItems()
        seen["ok_enabled"] = dialog.ok_button.isEnabled()
        seen["defaults"] = [b.text() for b in dialog.findChildren(QPushButton)
                            if b.isDefault() or b.autoDefault()]  # fmt: skip
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter restores nothing
        seen["still_open"] = dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, inspect)
    assert window.transfer.restore() is None
    assert seen == {"selected": [], "ok_enabled": False, "defaults": [], "still_open": True}


def _confirmation(qtbot: Any, window: MainWindow, source: Any) -> QMessageBox:
    window.transfer.restore(source)
    qtbot.waitUntil(lambda: isinstance(window.transfer.last_dialog, QMessageBox), timeout=20000)
    box = window.transfer.last_dialog
    qtbot.waitExposed(box)
    return box


def test_restore_confirmation_compares_counts_flags_an_older_backup_and_defaults_to_no(
    qtbot: Any, ctx: AppContext, tmp_path: Path
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    old = backups.create_backup(ctx.ws.paths, now=utcnow().replace(tzinfo=None) - timedelta(days=3))
    companies.add_company(ctx.ws, CompanyInput(name="上海后来添加有限公司"))
    box = _confirmation(qtbot, window, old)
    text = box.text() + box.informativeText()
    assert "3 天前" in text
    assert "<td>企业</td><td align='right'>2 家</td><td align='right'>1 家</td>" in text
    assert "工资表导入" in text
    assert "备份中的记录比当前少（企业）" in text
    assert "当前数据在备份之后还有改动" in text
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.No)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter = 否
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert len(companies.list_companies(ctx.ws)) == 2  # nothing restored

    box = _confirmation(qtbot, window, old)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert len(companies.list_companies(ctx.ws)) == 2

    box = _confirmation(qtbot, window, old)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已恢复" in window.statusBar().currentMessage(), timeout=20000)
    assert len(companies.list_companies(ctx.ws)) == 1


def test_a_fresh_backup_is_not_flagged(qtbot: Any, ctx: AppContext) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    fresh = backups.create_backup(
        ctx.ws.paths, now=utcnow().replace(tzinfo=None) + timedelta(minutes=5)
    )
    box = _confirmation(qtbot, window, fresh)
    assert "注意" not in box.informativeText()
    assert box.icon() is QMessageBox.Icon.Question
    qtbot.keyClick(box, Qt.Key.Key_Escape)


def test_settings_page_shows_the_latest_backup_including_backup_files(
    qtbot: Any, ctx: AppContext, tmp_path: Path
) -> None:
    load_demo(ctx.ws)
    window = _window(qtbot, ctx)
    page = window.settings_page
    assert "还没有备份" in page.latest_backup_label.text()
    backups.create_backup(ctx.ws.paths, now=utcnow().replace(tzinfo=None) - timedelta(days=2))
    page.reload()
    assert "（手动）" in page.latest_backup_label.text()
    target = tmp_path / "U盘" / "备份.adbackup"
    target.parent.mkdir()
    window.transfer.backup_to(target)
    qtbot.waitUntil(lambda: str(target) in page.latest_backup_label.text(), timeout=20000)
    assert "（备份文件）" in page.latest_backup_label.text()
    # and the file is offered in the restore list
    dialog = case_files.RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    assert target in dialog.items
