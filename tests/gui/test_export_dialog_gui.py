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
    assert dialog.status.text().startswith("已生成：")
    _choose_kind(qtbot, dialog, "rectification")
    assert dialog.status.text() == ""  # 已生成 …台账.xlsx does not stand beside another kind
    assert Path(dialog.path.text()).parent == tmp_path / "out"  # the folder stays
    assert dialog.path.text().endswith(".docx")
    again = ExportReportDialog(ctx, last_year)  # the folder is remembered in this data dir
    qtbot.addWidget(again)
    assert Path(again.path.text()).parent == tmp_path / "out"


def test_a_second_export_of_a_letter_reproduces_it_instead_of_issuing_another(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Path
) -> None:
    """Found under Xvfb: 导出 of a 劳动法律监督意见书 with 正式发出 (checked by default) issued
    第2号; the box stayed checked, so a second 导出 issued 第3号 and wrote it over 第2号's file."""
    from auditdesk.models.followup import LetterKind
    from auditdesk.services import letters, visit

    demo.load_demo(ws)
    current = audits.list_audits(ws)[0].audit.id
    visit.gather_findings(ws, current, by="陈静")
    dialog = ExportReportDialog(ctx, current)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_kind(qtbot, dialog, LetterKind.OPINION.value)
    assert dialog.record_letter.isChecked()
    dialog.path.setText(str(tmp_path / "意见书.docx"))
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None or "未能" in dialog.status.text(),
                    timeout=20000)  # fmt: skip
    assert dialog.written is not None, dialog.status.text()
    first = letters.latest_issued(ws, current, LetterKind.OPINION)
    assert first is not None
    assert not dialog.record_letter.isChecked()  # the next export reproduces this letter
    dialog.written = None
    qtbot.waitUntil(ok.isEnabled)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    again = letters.latest_issued(ws, current, LetterKind.OPINION)
    assert again is not None
    assert again.id == first.id


def test_a_draft_letter_says_draft_and_keeps_正式发出_unticked(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Path
) -> None:
    """Found under Xvfb: 正式发出 unticked, 导出 wrote a draft 意见书; the dialog then said only
    “已生成：…意见书.docx” and ticked 正式发出 again, so it read as if the letter had been sent."""
    from auditdesk.models.followup import LetterKind
    from auditdesk.services import letters, visit

    demo.load_demo(ws)
    current = audits.list_audits(ws)[0].audit.id
    visit.gather_findings(ws, current, by="陈静")
    dialog = ExportReportDialog(ctx, current)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_kind(qtbot, dialog, LetterKind.OPINION.value)
    qtbot.mouseClick(dialog.record_letter, Qt.MouseButton.LeftButton)
    assert not dialog.record_letter.isChecked()
    dialog.path.setText(str(tmp_path / "意见书.docx"))
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert letters.latest_issued(ws, current, LetterKind.OPINION) is None
    assert dialog.status.text().startswith("已生成草稿（未编号、未发出）：")
    assert not dialog.record_letter.isChecked()
    _choose_kind(qtbot, dialog, "report")
    _choose_kind(qtbot, dialog, LetterKind.OPINION.value)
    assert dialog.record_letter.isChecked()  # another kind chosen: the default again
