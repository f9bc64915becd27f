from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, RectificationStatus, Severity
from auditdesk.models.followup import FollowUp
from auditdesk.services import audits, companies, dashboard
from auditdesk.services.workspace import Workspace


def _company(
    ws: Workspace,
    name: str,
    town: str,
    findings: list[tuple[RectificationStatus, str | None, date | None]],
) -> str:
    company = companies.add_company(ws, CompanyInput(name=name, town=town))
    audit = audits.start_audit(ws, company.id, started_on=date(2026, 6, 1))
    with ws.store.transaction() as tx:
        for i, (status, money, due) in enumerate(findings):
            tx.insert_finding(Finding(
                audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref=f"X.{i}", area=Area.PAY,
                severity=Severity.HIGH, title=f"问题{i}", status=status,
                money_at_stake=Decimal(money) if money else None, due_date=due,
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
    assert board.money_found == Decimal("1300.00")
    assert board.money_recovered == Decimal("1100.00")
    assert board.overdue_findings == 1
    assert board.overdue_followups == 2
    assert board.open_by[("pay", "high")] == 2
    assert dashboard.headline(board).startswith("2 家企业，4 条整改建议，2 条已落实（50.0%）")
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
