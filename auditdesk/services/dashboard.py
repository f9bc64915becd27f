"""看板: the town-wide view across companies — open findings by area and severity, overdue items,
money found and recovered, the rectification rate, progress per company; .xlsx for the district."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import owner_only
from auditdesk.formatting import format_money
from auditdesk.models.common import Area
from auditdesk.models.finding import (
    OPEN_STATUSES,
    MoneyKind,
    RectificationStatus,
    Severity,
    kind_label,
    money_by_kind,
)
from auditdesk.services import towns
from auditdesk.services.workspace import Workspace

CLOSED = RectificationStatus.VERIFIED_CLOSED.value
OPEN = {
    s.value for s in OPEN_STATUSES
}  # facts are never dismissed: the same test as Finding.is_open


@dataclass
class CompanyProgress:
    company_id: str
    name: str
    town: str
    found: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    money: Decimal = Decimal(0)
    """Wages and contributions owed (the kinds the company can pay back), found in this company."""

    @property
    def rate(self) -> Decimal | None:
        return (
            None
            if not self.found
            else (Decimal(self.closed) * 100 / self.found).quantize(Decimal("0.1"))
        )


@dataclass
class Dashboard:
    town: str | None
    found: int = 0
    closed: int = 0
    money_found: dict[MoneyKind | None, Decimal] = field(default_factory=dict)
    """Amounts of all findings by kind (wages owed, contributions owed, exposure, fine risk, paid
    late; ``None`` for amounts recorded before kinds existed); never one sum across kinds."""
    money_recovered: dict[MoneyKind, Decimal] = field(default_factory=dict)
    """Owed amounts of verified-closed findings: only wages and contributions are recovered."""
    overdue_findings: int = 0
    overdue_followups: int = 0
    open_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(area, severity) → open findings."""
    companies: list[CompanyProgress] = field(default_factory=list)
    """Every company followed (see :func:`build`), with or without findings."""

    @property
    def companies_with_findings(self) -> int:
        return sum(1 for p in self.companies if p.found)

    @property
    def rate(self) -> Decimal | None:
        return (
            None
            if not self.found
            else (Decimal(self.closed) * 100 / self.found).quantize(Decimal("0.1"))
        )


def town_choices(ws: Workspace) -> list[str]:
    """The towns the filter offers: the office's list (设置 → 街镇列表), by name. Companies
    always carry a listed town (saving or importing one lists it), so each appears once."""
    return towns.town_names(ws)


def build(ws: Workspace, *, town: str | None = None, since: date | None = None, until: date | None = None,
          today: date | None = None) -> Dashboard:  # fmt: skip
    """The town-wide view of the kept findings of audits started between ``since`` and ``until``
    (inclusive; ``None``: unbounded), in ``town`` (``None``: every town), on ``today`` (default:
    the system date), and the open follow-ups planned before ``today``. Counted and summed in the
    database (:meth:`Tx.dashboard_counts`). ``companies``: every company followed — all those
    in ``town``, or, with a period, those with an audit started in it — findings or not, most
    open first, then by name."""
    today = today or date.today()
    board = Dashboard(town=town)
    with ws.store.read() as tx:
        counts = tx.dashboard_counts(today, town=town, since=since, until=until)
        board.overdue_followups = tx.count_overdue_followups(
            today, town=town, since=since, until=until
        )
    for row in counts.companies:
        board.companies.append(
            CompanyProgress(row.company_id, row.name, row.town, found=row.found, closed=row.closed,
                            open=row.open, overdue=row.overdue,
                            money=row.money_owed if row.money_owed is not None else Decimal(0))
        )  # fmt: skip
        board.found += row.found
        board.closed += row.closed
        board.overdue_findings += row.overdue
    found: list[tuple[MoneyKind | None, Decimal | None]] = []
    recovered: list[tuple[MoneyKind | None, Decimal | None]] = []
    for group in counts.groups:
        kind = MoneyKind(group.money_kind) if group.money_kind else None
        found.append((kind, group.money))
        if group.status == CLOSED:
            if kind is not None and kind.owed:
                recovered.append((kind, group.money))
        elif group.status in OPEN:
            board.open_by[(group.area, group.severity)] += group.findings
    board.money_found = money_by_kind(found)
    board.money_recovered = {k: v for k, v in money_by_kind(recovered).items() if k is not None}
    board.companies.sort(key=lambda p: (-p.open, p.name))
    return board


def headline(board: Dashboard) -> str:
    """ "24 家企业（其中 18 家有整改建议），302 条整改建议，172 条已落实（57.0%）…" — the
    sentence the union's reports use; the companies are all those followed (:func:`build`)."""
    rate = f"（{board.rate}%）" if board.rate is not None else ""
    where = f"{board.town}：" if board.town else ""
    return (f"{where}{len(board.companies)} 家企业（其中 {board.companies_with_findings} 家有整改建议），"
            f"{board.found} 条整改建议，{board.closed} 条已落实{rate}；"
            f"逾期未整改 {board.overdue_findings} 条，逾期未跟诊 {board.overdue_followups} 次；"
            f"{_money_sentence(board)}。")  # fmt: skip


def _money_sentence(board: Dashboard) -> str:
    """Found per kind, and recovered (owed kinds only): ``应补发工资 ¥1,000.00（已追回 ¥800.00）…``."""
    if not board.money_found:
        return "未涉及金额"
    parts = []
    for kind, amount in board.money_found.items():
        back = board.money_recovered.get(kind) if kind is not None else None
        recovered = f"（已追回 {format_money(back)}）" if kind is not None and kind.owed else ""
        if kind is not None and kind.owed and back is None:
            recovered = "（已追回 ¥0.00）"
        parts.append(f"{kind_label(kind)} {format_money(amount)}{recovered}")
    return "；".join(parts)


def as_json(board: Dashboard) -> dict[str, Any]:
    return {
        "town": board.town, "companies": len(board.companies),
        "companies_with_findings": board.companies_with_findings, "found": board.found, "closed": board.closed,
        "rate": None if board.rate is None else str(board.rate),
        "money_found": {(k.value if k else "unclassified"): f"{v:.2f}" for k, v in board.money_found.items()},
        "money_recovered": {k.value: f"{v:.2f}" for k, v in board.money_recovered.items()},
        "overdue_findings": board.overdue_findings, "overdue_followups": board.overdue_followups,
        "open_by_area_severity": [{"area": a, "severity": s, "open": n} for (a, s), n in sorted(board.open_by.items())],
        "per_company": [
            {"company_id": p.company_id, "name": p.name, "town": p.town, "found": p.found, "closed": p.closed,
             "open": p.open, "overdue": p.overdue, "money_owed": f"{p.money:.2f}",
             "rate": None if p.rate is None else str(p.rate)}
            for p in board.companies
        ],
    }  # fmt: skip


def export_xlsx(board: Dashboard, out: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    ws.append([headline(board)])
    ws.append([])
    ws.append(["领域", *[s.label for s in Severity], "合计"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for area in Area:
        counts = [board.open_by.get((area.value, s.value), 0) for s in Severity]
        ws.append([area.label, *counts, sum(counts)])
    sheet = wb.create_sheet("企业进度")
    sheet.append(["企业", "街镇", "发现问题", "已落实", "未关闭", "逾期", "整改率(%)",
                  "应补发/应补缴金额"])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in board.companies:
        sheet.append([p.name, p.town, p.found, p.closed, p.open, p.overdue,
                      float(p.rate) if p.rate is not None else None, float(p.money)])  # fmt: skip
    tmp = out.with_name(f".{out.name}.part")
    try:
        wb.save(tmp)
        owner_only(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AuditDeskError(f"无法写入 {out}：{exc.strerror or exc}", location=str(out)) from exc
    return out


__all__ = ["Dashboard", "build", "export_xlsx", "headline"]
