"""Visibility and the score formula, against hand-computed numbers."""

from __future__ import annotations

from decimal import Decimal

from auditdesk.checklists.applicability import CompanyProfile, visible_items
from auditdesk.checklists.schema import ChecklistLibrary
from auditdesk.checklists.scoring import rating_for, score_audit
from auditdesk.models.audit import AnswerResult as R
from auditdesk.models.audit import AuditScope
from auditdesk.models.common import Area


def item(id_: str, severity: str = "high", **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": id_,
        "question": "问题问题？",
        "guidance": "检查指引",
        "severity": severity,
        "legal_basis": [{"law": "劳动法", "article": "第五十条"}],
        "basis_status": "verified",
        "consequence": "后果",
        "remedy": "整改",
    }
    if extra.get("scale") == "yes_no":
        base.update(legal_basis=[], consequence="", remedy="", severity="info")
    base.update(extra)
    return base


LIB = ChecklistLibrary.model_validate(
    {
        "version": "t",
        "title": "测试",
        "modules": [
            {
                "area": "pay",
                "title": "薪酬管理",
                "items": [
                    item("PAY.A", "critical", core=True),
                    item("PAY.B", "high"),
                    item("PAY.C", "medium"),
                    item("PAY.D", "low"),
                    item("PAY.GATE", scale="yes_no"),
                    item("PAY.E", "high", when={"item": "PAY.GATE", "answers": ["yes"]}),
                    item("PAY.BIG", "medium", applies_to={"min_headcount": 25}),
                ],
            },
            {
                "area": "hours",
                "title": "工作时间",
                "items": [
                    item("HRS.A", "high", core=True, when={"item": "HRS.GATE", "answers": ["yes"]}),
                    item("HRS.GATE", scale="yes_no"),
                ],
            },
        ],
    }
)
SMALL = CompanyProfile(headcount=10)
UNKNOWN = CompanyProfile()


def ids(items) -> list[str]:
    return [i.id for i in items]


def test_conditions_profile_and_scope() -> None:
    assert ids(visible_items(LIB, {}, SMALL)) == [
        "PAY.A",
        "PAY.B",
        "PAY.C",
        "PAY.D",
        "PAY.GATE",
        "HRS.GATE",
    ]
    assert "PAY.E" in ids(visible_items(LIB, {"PAY.GATE": R.YES}, SMALL))
    assert "PAY.E" not in ids(visible_items(LIB, {"PAY.GATE": R.TO_VERIFY}, SMALL))
    assert "PAY.BIG" in ids(visible_items(LIB, {}, UNKNOWN))  # unknown headcount hides nothing
    assert "PAY.BIG" in ids(visible_items(LIB, {}, CompanyProfile(headcount=25)))
    basic = ids(visible_items(LIB, {"HRS.GATE": R.YES}, SMALL, AuditScope.BASIC))
    assert basic == ["PAY.A", "HRS.A", "HRS.GATE"]  # core items plus the gate a core item needs


def test_hand_computed_scores() -> None:
    answers = {
        "PAY.A": R.COMPLIANT,  # critical 8 x 1
        "PAY.B": R.PARTIAL,  # high 4 x 0.5
        "PAY.C": R.NON_COMPLIANT,  # medium 2 x 0
        "PAY.D": R.NOT_APPLICABLE,  # left out
        "PAY.GATE": R.YES,  # not scored
        "PAY.E": R.TO_VERIFY,  # left out, counted
        "HRS.GATE": R.YES,
        "HRS.A": R.COMPLIANT,  # high 4 x 1
    }
    report = score_audit(LIB, answers, SMALL)
    pay, hours = report.areas
    # pay: (8 + 2 + 0) / (8 + 4 + 2) = 10/14 = 71.43 → 71.4
    assert pay.score == Decimal("71.4")
    assert (pay.compliant, pay.partial, pay.non_compliant) == (1, 1, 1)
    assert (pay.not_applicable, pay.to_verify, pay.unanswered, pay.applicable) == (1, 1, 0, 5)
    assert hours.score == Decimal("100.0")
    # overall: (10 + 4) / (14 + 4) = 77.78 → 77.8
    assert report.overall.score == Decimal("77.8")
    assert report.rating == "良"
    assert report.veto_items == []


def test_critical_non_compliance_vetoes_the_rating() -> None:
    answers = {
        "PAY.A": R.NON_COMPLIANT,
        "PAY.B": R.COMPLIANT,
        "PAY.C": R.COMPLIANT,
        "PAY.D": R.COMPLIANT,
    }
    report = score_audit(LIB, answers, SMALL)
    # (0 + 4 + 2 + 1) / 15 = 46.67
    assert report.overall.score == Decimal("46.7")
    # named by the item's question, never by its id
    assert report.veto_items == ["检查项“问题问题”不符合"]
    assert report.veto_ids == ["PAY.A"]
    assert report.rating == "差"


def test_no_scored_answers_means_no_score() -> None:
    report = score_audit(LIB, {"PAY.B": R.TO_VERIFY}, SMALL)
    assert report.overall.score is None
    assert report.rating == "未评分"
    assert report.areas[0].area is Area.PAY


def test_rounding_and_bands() -> None:
    # 2 of 3 equal-weight items: 66.666… → 66.7 (half-up on the first decimal)
    answers = {
        "PAY.B": R.COMPLIANT,
        "PAY.E": R.COMPLIANT,
        "PAY.GATE": R.YES,
        "HRS.GATE": R.YES,
        "HRS.A": R.NON_COMPLIANT,
    }
    report = score_audit(LIB, answers, SMALL)
    assert report.overall.score == Decimal("66.7")
    assert [rating_for(Decimal(s), False) for s in ("90", "89.9", "75", "60", "59.9")] == [
        "优",
        "良",
        "良",
        "中",
        "差",
    ]


def test_answers_to_hidden_items_do_not_count() -> None:
    # PAY.E answered while its gate says no: the item is hidden, its answer ignored
    report = score_audit(
        LIB, {"PAY.GATE": R.NO, "PAY.E": R.NON_COMPLIANT, "PAY.B": R.COMPLIANT}, SMALL
    )
    assert report.overall.score == Decimal("100.0")
    assert report.overall.non_compliant == 0
