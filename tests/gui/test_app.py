"""Start-up paths: the CLI's bare command opens the GUI; an unusable database and a bug are shown."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from auditdesk import cli
from auditdesk.errors import AuditDeskError, Cancelled
from auditdesk.gui import app as gui_app
from auditdesk.gui.dialogs import errors as error_dialogs
from auditdesk.gui.main_window import MainWindow
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies


def test_bare_command_launches_the_gui(monkeypatch, tmp_path: Path) -> None:
    seen: list[object] = []
    monkeypatch.setattr(
        gui_app, "run_gui", lambda data_dir, database=None: seen.append((data_dir, database)) or 0
    )
    assert cli.main([]) == 0
    assert cli.main(["--data-dir", str(tmp_path)]) == 0
    assert cli.main(["gui", "--database", "postgresql+psycopg://u@h/db"]) == 0
    assert seen == [(None, None), (str(tmp_path), None), (None, "postgresql+psycopg://u@h/db")]


def test_corrupt_database_is_reported_at_start(qapp, monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "auditdesk.db").write_bytes(b"not a database at all" * 50)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert gui_app.run_gui(tmp_path) == 2
    assert "已损坏或不是 AuditDesk 数据库" in shown[0]
    assert (tmp_path / "auditdesk.db").read_bytes() == b"not a database at all" * 50


def test_failures_are_shown_by_kind(qtbot, monkeypatch, caplog, tmp_path: Path) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(error_dialogs, "show_user_error", lambda p, t, m: warnings.append(m))
    error_dialogs.report_failure(None, AuditDeskError("文件“工资.xlsx”第 3 行有误"), "导入", None)
    error_dialogs.report_failure(None, Cancelled(), "导入", None)
    assert warnings == ["文件“工资.xlsx”第 3 行有误"]

    opened: list[error_dialogs.CrashDialog] = []
    monkeypatch.setattr(error_dialogs.CrashDialog, "open", lambda self: opened.append(self))
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        with caplog.at_level(logging.ERROR):
            error_dialogs.report_failure(None, exc, "导入", tmp_path / "auditdesk.log")
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert "ZeroDivisionError" in dialog.details.toPlainText()
    assert "unexpected error" in caplog.text


def test_long_names_are_elided_with_full_tooltip(qtbot, ctx) -> None:
    long_name = "上海市嘉定区某某超长名称的新能源汽车零部件及精密模具制造股份有限公司第一分公司"
    companies.add_company(ctx.ws, CompanyInput(name=long_name, address="嘉定区安亭镇某路 1 号"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    model = window.companies_page.model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == (
        f"{long_name}\n嘉定区安亭镇某路 1 号"
    )


def test_run_on_pool_returns_or_raises_off_the_gui_thread(qapp: Any) -> None:
    assert gui_app.run_on_pool(threading.current_thread, "测试") is not threading.main_thread()

    def fail() -> None:
        raise AuditDeskError("坏了")

    with pytest.raises(AuditDeskError, match="坏了"):
        gui_app.run_on_pool(fail, "测试")
