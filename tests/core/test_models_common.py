from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import AnswerResult, AuditStatus, can_move
from auditdesk.models.common import Area, LabeledEnum, field_errors
from auditdesk.models.finding import Citation, Finding, FindingOrigin, Severity


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = {
        "audit_id": "a",
        "origin": FindingOrigin.CHECKLIST,
        "origin_ref": "ONB.CONTRACT",
        "area": Area.ONBOARDING,
        "severity": Severity.HIGH,
        "title": "未签书面劳动合同",
    }
    base.update(kw)
    return Finding.model_validate(base)


def test_money_is_decimal_from_text_and_int() -> None:
    assert _finding(money_at_stake="¥12,345.60").money_at_stake == Decimal("12345.60")
    assert _finding(money_at_stake=7).money_at_stake == Decimal(7)


def test_money_refuses_float() -> None:
    with pytest.raises(ValidationError) as info:
        _finding(money_at_stake=0.1)
    assert "浮点数" in field_errors(info.value)["money_at_stake"]


def test_money_refuses_garbage_and_negative() -> None:
    with pytest.raises(ValidationError) as info:
        _finding(money_at_stake="十元")
    assert "不是有效的金额" in field_errors(info.value)["money_at_stake"]
    with pytest.raises(ValidationError, match="涉及金额不能为负数"):
        _finding(money_at_stake="-1")


def test_every_enum_member_has_a_chinese_label() -> None:
    for enum_cls in LabeledEnum.__subclasses__():
        for member in enum_cls:
            assert member.label
            assert member.label != member.value


def test_area_labels_are_the_seven_modules() -> None:
    assert [a.label for a in Area] == [
        "入职管理",
        "规章制度",
        "工作时间",
        "休息休假",
        "薪酬管理",
        "社会保险",
        "特殊时期用工调整",
    ]
    assert AnswerResult.TO_VERIFY.label == "待核实"


def test_severity_rank_orders_most_severe_first() -> None:
    assert sorted([Severity.LOW, Severity.CRITICAL, Severity.MEDIUM], key=lambda s: s.rank) == [
        Severity.CRITICAL,
        Severity.MEDIUM,
        Severity.LOW,
    ]


def test_audit_status_moves() -> None:
    assert can_move(AuditStatus.DRAFT, AuditStatus.IN_PROGRESS)
    assert can_move(AuditStatus.DIAGNOSED, AuditStatus.IN_PROGRESS)
    assert not can_move(AuditStatus.DRAFT, AuditStatus.CLOSED)
    assert not can_move(AuditStatus.CLOSED, AuditStatus.IN_PROGRESS)


def test_citation_display() -> None:
    assert Citation(law="劳动合同法", article="第十条").display() == "《劳动合同法》第十条"


def test_attachment_links_exactly_one_record() -> None:
    sha = "a" * 64
    Attachment(sha256=sha, filename="合同.pdf", size=1, finding_id="f")
    with pytest.raises(ValidationError, match="必须且只能关联"):
        Attachment(sha256=sha, filename="合同.pdf", size=1)
    with pytest.raises(ValidationError, match="必须且只能关联"):
        Attachment(sha256=sha, filename="x", size=1, finding_id="f", answer_id="a")


def test_translated_builtin_messages() -> None:
    with pytest.raises(ValidationError) as info:
        _finding(due_date="2025-13-45")
    assert field_errors(info.value)["due_date"].startswith("不是有效日期")
    assert _finding(due_date="2025-07-01").due_date == date(2025, 7, 1)


def test_a_logged_change_is_decoded_once_and_read_in_chinese() -> None:
    from datetime import UTC, datetime

    from auditdesk.models.audit import AnswerResult, Change, ChangeEntity

    change = Change(
        audit_id="a", entity=ChangeEntity.ANSWER, entity_id="PAY.X", field="result",
        old_value='"to_verify"', new_value='"non_compliant"', changed_at=datetime.now(UTC),
    )  # fmt: skip
    assert change.old == "to_verify"
    assert AnswerResult(change.new) is AnswerResult.NON_COMPLIANT
    assert change.summary == "结果：待核实 → 不符合"
    due = change.model_copy(update={"field": "due_date", "old_value": None,
                                    "new_value": '"2026-12-31"'})  # fmt: skip
    assert due.summary == "整改期限：— → 2026-12-31"
    severity = change.model_copy(update={"field": "severity", "old_value": '"high"',
                                         "new_value": '"medium"'})  # fmt: skip
    assert severity.summary == "严重程度：高 → 中"
