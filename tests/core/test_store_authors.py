"""The author fields a transaction writes name the signed-in office user, by the same rules as
the server's trigger (auditdesk.store.authors), so services pass their ``by`` on as given."""

from __future__ import annotations

from datetime import UTC, datetime

from auditdesk.models.audit import Change, ChangeEntity
from auditdesk.models.common import Area
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.store.authors import authored

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def _finding(**changes: object) -> Finding:
    finding = Finding(audit_id="a1", origin=FindingOrigin.CHECKLIST, origin_ref="ONB.1",
                      area=Area.ONBOARDING, severity=Severity.HIGH, title="未签合同",
                      updated_by="冒名")  # fmt: skip
    return finding.model_copy(update=changes)


def test_nobody_signed_in_keeps_what_the_caller_gave() -> None:
    finding = _finding(dismissed_by="李", dismissed_at=AT)
    assert authored(None, "findings", finding) is finding


def test_an_always_column_names_the_signed_in_user_on_every_write() -> None:
    old = _finding()
    assert authored("张律师", "findings", old, old).updated_by == "张律师"


def test_an_author_column_is_stamped_when_set_or_changed_and_kept_otherwise() -> None:
    dismissed = _finding(dismissed_by="李", dismissed_at=AT)
    assert authored("张律师", "findings", dismissed).dismissed_by == "张律师"  # an insert
    edited = dismissed.model_copy(update={"title": "未签书面合同"})
    assert authored("张律师", "findings", edited, dismissed).dismissed_by == "李"  # kept
    again = dismissed.model_copy(update={"dismissed_at": AT.replace(hour=10)})
    assert authored("张律师", "findings", again, dismissed).dismissed_by == "张律师"
    assert authored("张律师", "findings", _finding()).dismissed_by is None  # not dismissed


def test_a_change_log_entry_names_the_signed_in_user() -> None:
    entry = Change(entity=ChangeEntity.FINDING, entity_id="f1", field="title",
                   changed_by="冒名", changed_at=AT)  # fmt: skip
    assert authored("张律师", "change_log", entry).changed_by == "张律师"
    assert authored("张律师", "answers", entry) is entry  # another table's columns: untouched
