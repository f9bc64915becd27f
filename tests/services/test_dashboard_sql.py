"""The dashboard counted and summed in the database equals the same board computed by hand from the
seeded findings (every figure: counts, rate, money per kind, recovered, overdue, per company), with
the town and date filters, on both backends."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import (
    OPEN_STATUSES,
    Finding,
    FindingOrigin,
    MoneyKind,
    RectificationStatus,
    Severity,
)
from auditdesk.models.followup import FollowUp
from auditdesk.services import audits, companies, dashboard
from auditdesk.services.workspace import Workspace

TODAY = date(2026, 11, 28)
TOWNS = ["马陆镇", "南翔镇", "安亭镇"]
AMOUNTS = [None, "0.01", "100", "1000.50", "33.333", "99999999.99", "7"]


@dataclass(frozen=True)
class Seeded:
    company: str
    name: str
    town: str
    started_on: date
    area: str
    severity: str
    status: RectificationStatus
    money: Decimal | None
    kind: MoneyKind | None
    due: date | None
    dismissed: bool


@dataclass(frozen=True)
class SeededFollowup:
    town: str
    started_on: date
    planned_on: date
    done: bool


def _seed(ws: Workspace) -> tuple[list[Seeded], list[SeededFollowup]]:
    rng = random.Random(20)
    facts: list[Seeded] = []
    planned: list[SeededFollowup] = []
    for n in range(9):
        town = TOWNS[n % 3]
        company = companies.add_company(ws, CompanyInput(name=f"企业{n:02d}", town=town))
        for started_on in (date(2026, 3, 1 + n), date(2026, 9, 1 + n)):
            audit = audits.start_audit(ws, company.id, started_on=started_on)
            with ws.store.transaction() as tx:
                for i in range(rng.randint(0, 9)):
                    status = rng.choice(list(RectificationStatus))
                    text = rng.choice(AMOUNTS)
                    money = Decimal(text) if text else None
                    kind = rng.choice([*MoneyKind, None]) if money is not None else None
                    due = rng.choice(
                        [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=3)]
                    )
                    dismissed = rng.random() < 0.1
                    area, severity = rng.choice(list(Area)), rng.choice(list(Severity))
                    tx.insert_finding(Finding(
                        audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref=f"X.{i}",
                        area=area, severity=severity, title=f"问题{i}", status=status,
                        money_at_stake=money, money_kind=kind, due_date=due,
                        dismissed_reason="不成立" if dismissed else None,
                        dismissed_at=datetime(2026, 10, 1, tzinfo=UTC) if dismissed else None,
                    ))  # fmt: skip
                    facts.append(Seeded(company.id, company.name, town, started_on, area.value,
                                        severity.value, status, money, kind, due, dismissed))  # fmt: skip
                for _ in range(rng.randint(0, 2)):
                    day = TODAY + timedelta(days=rng.randint(-5, 5))
                    followup = FollowUp(audit_id=audit.id, planned_on=day)
                    tx.insert_followup(followup)
                    planned.append(SeededFollowup(town, started_on, day, False))
    return facts, planned


def _by_hand(facts: list[Seeded], planned: list[SeededFollowup], town: str | None,
             since: date | None, until: date | None) -> dashboard.Dashboard:  # fmt: skip
    def chosen(t: str, started_on: date) -> bool:
        return ((town is None or t == town) and (since is None or started_on >= since)
                and (until is None or started_on <= until))  # fmt: skip

    board = dashboard.Dashboard(town=town)
    per: dict[str, dashboard.CompanyProgress] = {}
    found: dict[MoneyKind | None, Decimal] = {}
    recovered: dict[MoneyKind, Decimal] = {}
    open_by: Counter[tuple[str, str]] = Counter()
    for f in facts:
        if f.dismissed or not chosen(f.town, f.started_on):
            continue
        p = per.setdefault(f.company, dashboard.CompanyProgress(f.company, f.name, f.town))
        p.found += 1
        board.found += 1
        if f.money is not None:
            found[f.kind] = found.get(f.kind, Decimal(0)) + f.money
            if f.kind is not None and f.kind.owed:
                p.money += f.money
        if f.status is RectificationStatus.VERIFIED_CLOSED:
            p.closed += 1
            board.closed += 1
            if f.money is not None and f.kind is not None and f.kind.owed:
                recovered[f.kind] = recovered.get(f.kind, Decimal(0)) + f.money
        elif f.status in OPEN_STATUSES:
            p.open += 1
            open_by[(f.area, f.severity)] += 1
            if f.due is not None and f.due < TODAY:
                p.overdue += 1
                board.overdue_findings += 1
    board.money_found = {k: found[k] for k in [*MoneyKind, None] if k in found}
    board.money_recovered = {k: recovered[k] for k in MoneyKind if k in recovered}
    board.open_by = open_by
    board.overdue_followups = sum(
        1 for p in planned if not p.done and p.planned_on < TODAY and chosen(p.town, p.started_on)
    )
    board.companies = sorted(per.values(), key=lambda p: (-p.open, p.name))
    return board


@pytest.mark.parametrize(
    ("town", "since", "until"),
    [
        (None, None, None),
        ("南翔镇", None, None),
        (None, date(2026, 6, 1), None),
        (None, None, date(2026, 3, 5)),
        ("马陆镇", date(2026, 3, 4), date(2026, 9, 4)),
        ("没有的镇", None, None),
    ],
)
def test_board_counted_in_sql_equals_the_board_computed_by_hand(
    ws: Workspace, town: str | None, since: date | None, until: date | None
) -> None:
    facts, planned = _seed(ws)
    assert any(f.dismissed for f in facts)
    assert any(f.kind is None and f.money for f in facts)
    board = dashboard.build(ws, town=town, since=since, until=until, today=TODAY)
    expected = _by_hand(facts, planned, town, since, until)
    assert board.companies == expected.companies
    assert board.money_found == expected.money_found
    assert list(board.money_found) == list(expected.money_found)  # the order of MoneyKind
    assert board.money_recovered == expected.money_recovered
    assert board.open_by == expected.open_by
    assert (board.found, board.closed, board.rate, board.overdue_findings,
            board.overdue_followups) == (expected.found, expected.closed, expected.rate,
                                         expected.overdue_findings, expected.overdue_followups)  # fmt: skip
    assert dashboard.as_json(board) == dashboard.as_json(expected)
    assert dashboard.headline(board) == dashboard.headline(expected)
