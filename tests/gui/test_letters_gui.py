"""GUI counterparts of the letter commands: the 工会与函件 settings section and 登记送达."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from auditdesk.gui.context import AppContext
from auditdesk.gui.pages.followups import FollowupsPage
from auditdesk.gui.pages.settings import SettingsPage
from auditdesk.services import audits, demo, followups, union
from auditdesk.services.workspace import Workspace


def test_settings_page_edits_the_union_settings(qtbot: Any, ctx: AppContext, ws: Workspace) -> None:
    union.set_union_settings(ws, {"union_name": "嘉定区马陆镇总工会"})
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.union_fields["union_name"].text() == "嘉定区马陆镇总工会"
    page.union_fields["union_name"].setText("嘉定区南翔镇总工会")
    page.union_fields["prefix_opinion"].setText("南翔工监意")
    page.union_save.click()
    assert page.union_status.text() == "已保存。"
    saved = union.get_union_settings(ws)
    assert (saved.union_name, saved.prefix_opinion) == ("嘉定区南翔镇总工会", "南翔工监意")
    page.union_fields["cc"].setText("抄" * 201)  # too long: refused beside the button
    page.union_save.click()
    assert "抄送" in page.union_status.text()
    assert union.get_union_settings(ws).cc == ""


def test_serve_button_records_service(
    qtbot: Any, ctx: AppContext, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load_demo(ws)
    last_year = audits.list_audits(ws)[1].audit.id
    [letter] = followups.list_letters(ws, last_year)
    page = FollowupsPage(ctx)
    qtbot.addWidget(page)
    page.window_days.setCurrentIndex(page.window_days.findData(90))
    row = next(i for i, r in enumerate(page.model.rows()) if r.kind == "letter")
    page.table.selectRow(row)
    served = letter.issued_on.isoformat()
    monkeypatch.setattr("auditdesk.gui.pages.followups.ask_text", lambda *_a, **_k: (served, True))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    page.serve()
    [saved] = followups.list_letters(ws, last_year)
    assert saved.served_on == date.fromisoformat(served)
    assert saved.number is not None
    assert saved.number in shown[0]
