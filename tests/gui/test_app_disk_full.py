"""Issue 17, point 9: with a full disk the GUI still opens, and says why it could not check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from auditdesk.gui import app as gui_app
from auditdesk.services.workspace import Workspace
from auditdesk.store import sqlite as store_sqlite
from tests.gui.questions import answer_questions


def test_gui_starts_and_warns_when_the_start_check_cannot_run(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Before: SQLITE_FULL from the start-up integrity check was read as a damaged database and a
    restore was offered (or the window never opened)."""
    Workspace.open(tmp_path).close()
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]

    def refuse(_path: Path) -> sqlite3.Connection:
        raise full

    monkeypatch.setattr(store_sqlite, "_open_read_only", refuse)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    offered = answer_questions(monkeypatch, False)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: offered.append(a[2]))
    windows: list[object] = []

    def run_briefly(self: QApplication) -> int:
        qtbot.waitUntil(lambda: bool(warned), timeout=5000)
        windows.extend(w for w in QApplication.topLevelWidgets() if w.isVisible())
        for w in windows:
            w.close()  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr(QApplication, "exec", run_briefly)
    monkeypatch.setattr(gui_app, "_install_excepthook", lambda _log: None)
    assert gui_app.run_gui(tmp_path) == 0
    assert windows
    assert not [text for text in offered if "恢复" in text or "损坏" in text]
    assert "磁盘空间已满" in warned[0]
    assert "完整性检查未能进行" in warned[0]
