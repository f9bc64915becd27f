from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import (
    Finding,
    FindingOrigin,
    MoneyKind,
    RectificationStatus,
    Severity,
)
from auditdesk.models.followup import FollowUp
from auditdesk.services import audits, companies, dashboard
from auditdesk.services.workspace import Workspace


def _company(
    ws: Workspace,
    name: str,
    town: str,
    findings: list[tuple[RectificationStatus, str | None, date | None]],
    kind: MoneyKind | None = MoneyKind.WAGES_OWED,
) -> str:
    company = companies.add_company(ws, CompanyInput(name=name, town=town))
    audit = audits.start_audit(ws, company.id, started_on=date(2026, 6, 1))
    with ws.store.transaction() as tx:
        for i, (status, money, due) in enumerate(findings):
            tx.insert_finding(Finding(
                audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref=f"X.{i}", area=Area.PAY,
                severity=Severity.HIGH, title=f"问题{i}", status=status,
                money_at_stake=Decimal(money) if money else None, due_date=due,
                money_kind=kind if money else None,
            ))  # fmt: skip
        tx.insert_followup(FollowUp(audit_id=audit.id, planned_on=date(2026, 11, 1)))
    return company.id


def test_rectification_rate_money_and_overdue(ws: Workspace, tmp_path: Path) -> None:
    S = RectificationStatus
    _company(ws, "甲公司", "马陆镇", [(S.VERIFIED_CLOSED, "1000.50", None), (S.OPEN, "200", date(2026, 11, 1)),
                                   (S.IN_PROGRESS, None, date(2026, 12, 31))])  # fmt: skip
    _company(ws, "乙公司", "南翔镇", [(S.VERIFIED_CLOSED, "99.50", None)])
    board = dashboard.build(ws, today=date(2026, 11, 28))
    assert (board.found, board.closed) == (4, 2)
    assert board.rate == Decimal("50.0")
    assert board.money_found == {MoneyKind.WAGES_OWED: Decimal("1300.00")}
    assert board.money_recovered == {MoneyKind.WAGES_OWED: Decimal("1100.00")}
    assert board.overdue_findings == 1
    assert board.overdue_followups == 2
    assert board.open_by[("pay", "high")] == 2
    assert dashboard.headline(board).startswith(
        "2 家企业（其中 2 家有整改建议），4 条整改建议，2 条已落实（50.0%）"
    )
    town = dashboard.build(ws, town="南翔镇", today=date(2026, 11, 28))
    assert [p.name for p in town.companies] == ["乙公司"]
    assert town.rate == Decimal("100.0")
    assert town.overdue_followups == 1
    out = dashboard.export_xlsx(board, tmp_path / "看板.xlsx")
    wb = openpyxl.load_workbook(out)
    progress = list(wb["企业进度"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in progress} == {"甲公司", "乙公司"}
    assert wb["概况"]["A1"].value.startswith("2 家企业")


def test_empty_dashboard(ws: Workspace) -> None:
    board = dashboard.build(ws)
    assert board.rate is None
    assert board.found == 0


def test_money_is_added_only_like_with_like(ws: Workspace) -> None:
    S = RectificationStatus
    _company(ws, "甲公司", "马陆镇", [(S.VERIFIED_CLOSED, "1000", None)])
    _company(ws, "乙公司", "马陆镇", [(S.VERIFIED_CLOSED, "5000", None)], kind=MoneyKind.FINE_RISK)
    _company(ws, "丙公司", "马陆镇", [(S.VERIFIED_CLOSED, "8000", None)], kind=MoneyKind.EXPOSURE)
    _company(ws, "丁公司", "马陆镇", [(S.OPEN, "300", None)], kind=MoneyKind.PAID_LATE)
    board = dashboard.build(ws, today=date(2026, 11, 28))
    assert board.money_found == {
        MoneyKind.WAGES_OWED: Decimal(1000), MoneyKind.EXPOSURE: Decimal(8000),
        MoneyKind.FINE_RISK: Decimal(5000), MoneyKind.PAID_LATE: Decimal(300),
    }  # fmt: skip
    # a fine that was "closed" is not money recovered for employees; nor is exposure
    assert board.money_recovered == {MoneyKind.WAGES_OWED: Decimal(1000)}
    text = dashboard.headline(board)
    assert "应补发工资 ¥1,000.00（已追回 ¥1,000.00）" in text
    assert "罚款风险 ¥5,000.00" in text
    assert "14,300" not in text  # never one sum across kinds
    data = dashboard.as_json(board)
    assert data["money_recovered"] == {"wages_owed": "1000.00"}
    assert {p["name"]: p["money_owed"] for p in data["per_company"]}["乙公司"] == "0.00"
