"""Issue 18 point 8: 导出文书 — file type follows the kind, the folder is remembered (per data dir),
the summary follows the kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QPushButton

from auditdesk.gui.context import AppContext
from auditdesk.gui.dialogs.export_report import ExportReportDialog
from auditdesk.services import audits, demo
from auditdesk.services.workspace import Workspace


@pytest.fixture
def last_year(ws: Workspace) -> str:
    demo.load_demo(ws)
    return audits.list_audits(ws)[1].audit.id


def _choose_kind(qtbot: Any, dialog: ExportReportDialog, key: str) -> None:
    dialog.kind.setFocus()
    wanted = dialog.kind.findData(key)
    assert wanted >= 0
    while dialog.kind.currentIndex() != wanted:
        step = Qt.Key.Key_Down if dialog.kind.currentIndex() < wanted else Qt.Key.Key_Up
        qtbot.keyClick(dialog.kind, step)


def test_type_folder_and_summary_follow_the_kind(qtbot: Any, ctx: AppContext, last_year: str,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    dialog = ExportReportDialog(ctx, last_year)
    qtbot.addWidget(dialog)
    assert dialog.path.text().endswith(".docx")
    report_summary = dialog.preview.text()
    assert "评分图表" in report_summary
    _choose_kind(qtbot, dialog, "ledger")
    assert dialog.path.text().endswith("整改台账.xlsx")
    assert "评分图表" not in dialog.preview.text()
    assert "整改台账" in dialog.preview.text()
    filters: list[str] = []

    def save_as(_parent: Any, _title: str, _start: str, flt: str, *_a: Any) -> tuple[str, str]:
        filters.append(flt)
        return str(tmp_path / "out" / "台账"), flt

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "选择…")
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert "*.xlsx" in filters[0]
    assert dialog.path.text() == str(tmp_path / "out" / "台账.xlsx")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert (tmp_path / "out" / "台账.xlsx").is_file()
    _choose_kind(qtbot, dialog, "rectification")
    assert Path(dialog.path.text()).parent == tmp_path / "out"  # the folder stays
    assert dialog.path.text().endswith(".docx")
    again = ExportReportDialog(ctx, last_year)  # the folder is remembered in this data dir
    qtbot.addWidget(again)
    assert Path(again.path.text()).parent == tmp_path / "out"
