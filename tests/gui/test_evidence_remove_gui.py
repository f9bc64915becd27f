"""删除证据… in the walk: after a confirmation the selected evidence file is removed through
``attachments.remove_attachment`` (logged on the attachment and the item; the stored file goes
with its last use); 否 removes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from auditdesk.gui.audit.walk import ATTACHMENT_ROLE
from auditdesk.gui.audit.window import AuditWindow
from auditdesk.gui.context import AppContext
from auditdesk.models.audit import ChangeEntity
from auditdesk.services import attachments, audits, changelog, demo
from auditdesk.services.changelog import LogFilter
from auditdesk.services.workspace import Workspace
from tests.gui.questions import answer_questions


def test_remove_evidence_button(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load_demo(ws)
    audit_id = audits.list_audits(ws)[0].audit.id
    window = AuditWindow(ctx, audit_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    walk = window.walk
    proof = tmp_path / "考勤表.pdf"
    proof.write_bytes(b"%PDF attendance")
    walk.add_evidence([proof])
    assert walk.evidence.count() == 1
    att = walk.evidence.item(0).data(ATTACHMENT_ROLE)
    answer_id = walk.current().answer.id  # type: ignore[union-attr]
    [(stored_att, stored)] = attachments.list_attachments(ws, answer_id=answer_id)
    assert att.id == stored_att.id
    assert stored is not None
    assert not walk.remove_evidence_button.isEnabled()  # nothing selected yet
    walk.evidence.setCurrentRow(0)
    assert walk.remove_evidence_button.isEnabled()

    asked = answer_questions(monkeypatch, False)
    qtbot.mouseClick(walk.remove_evidence_button, Qt.MouseButton.LeftButton)
    assert asked == ["删除证据文件“考勤表.pdf”？\n\n删除记入本检查项的修改记录。"]
    assert len(attachments.list_attachments(ws, answer_id=answer_id)) == 1

    answer_questions(monkeypatch, True)
    qtbot.mouseClick(walk.remove_evidence_button, Qt.MouseButton.LeftButton)
    assert walk.evidence.count() == 0
    assert attachments.list_attachments(ws, answer_id=answer_id) == []
    assert not stored.exists()  # its only use: the file went too
    log = changelog.entries(ws, LogFilter(entity=ChangeEntity.ATTACHMENT, entity_id=stored_att.id))
    assert [c.field for c in log] == ["created", "removed"]


def test_evidence_another_user_removed_leaves_the_list_when_the_removal_is_refused(
    qtbot: Any, ctx: AppContext, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user (or window) removed the file first: the refusal is shown and the list is
    read again, so the file no longer shows (it stayed, with the history missing the removal)."""
    from auditdesk.gui.audit import walk as walk_module

    demo.load_demo(ws)
    window = AuditWindow(ctx, audits.list_audits(ws)[0].audit.id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    walk = window.walk
    proof = tmp_path / "考勤表.pdf"
    proof.write_bytes(b"%PDF attendance")
    walk.add_evidence([proof])
    walk.evidence.setCurrentRow(0)
    att = walk.evidence.item(0).data(ATTACHMENT_ROLE)
    attachments.remove_attachment(ws, att.id, by="王主任")  # the other user, first
    shown: list[str] = []
    monkeypatch.setattr(walk_module, "report_failure",
                        lambda _parent, exc, *_a: shown.append(exc.message))  # fmt: skip
    answer_questions(monkeypatch, True)
    qtbot.mouseClick(walk.remove_evidence_button, Qt.MouseButton.LeftButton)
    assert shown
    assert "已不存在" in shown[0]
    assert walk.evidence.count() == 0
