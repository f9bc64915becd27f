"""Town-wide view speed: 2,000 companies, 20,000 findings, 10,000 follow-ups in a fresh database;
times the dashboard and the due list (target: under 200 ms each).

    .venv/bin/python benchmarks/dashboard_queries.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from auditdesk.models.common import Area
from auditdesk.models.finding import RectificationStatus, Severity
from auditdesk.services import dashboard, followups
from auditdesk.services.workspace import Workspace
from auditdesk.store import schema

TOWNS = ["马陆镇", "南翔镇", "安亭镇", "江桥镇", "华亭镇", "徐行镇", "外冈镇", "嘉定工业区"]


def populate(ws: Workspace, companies: int, findings: int, followups_n: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    company_rows, audit_rows, finding_rows, followup_rows = [], [], [], []
    audit_ids = []
    for i in range(companies):
        cid, aid = str(uuid.uuid4()), str(uuid.uuid4())
        company_rows.append({"id": cid, "created_at": now, "updated_at": now, "name": f"企业{i:04d}",
                             "credit_code": None, "legal_representative": "", "address": "",
                             "town": rng.choice(TOWNS), "industry": "", "headcount": rng.randint(10, 800),
                             "has_union": True, "contact_name": "", "contact_phone": "", "notes": "",
                             "pay_day": None})  # fmt: skip
        audit_rows.append({"id": aid, "created_at": now, "updated_at": now, "company_id": cid, "title": "",
                           "scope": "deep", "region": "shanghai", "status": "diagnosed",
                           "checklist_version": "", "auditors": [],
                           "started_on": date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))})  # fmt: skip
        audit_ids.append(aid)
    statuses = list(RectificationStatus)
    for i in range(findings):
        finding_rows.append({
            "id": str(uuid.uuid4()), "created_at": now, "updated_at": now, "audit_id": rng.choice(audit_ids),
            "origin": "checklist", "origin_ref": f"X.{i}", "area": rng.choice(list(Area)).value,
            "severity": rng.choice(list(Severity)).value, "title": f"问题{i}", "facts": "", "legal_basis": [],
            "remedy": "", "money_at_stake": None if i % 3 else Decimal(f"{rng.randint(100, 99999)}.50"),
            "status": rng.choice(statuses).value, "owner": "",
            "due_date": date(2026, 1, 1) + timedelta(days=rng.randint(0, 400)),
            "dismissed_reason": None, "dismissed_by": None, "dismissed_at": None, "subjects": None,
        })  # fmt: skip
    for _ in range(followups_n):
        followup_rows.append({"id": str(uuid.uuid4()), "created_at": now, "updated_at": now,
                              "audit_id": rng.choice(audit_ids), "note": "",
                              "planned_on": date(2026, 1, 1) + timedelta(days=rng.randint(0, 400)),
                              "visit_id": None, "done_on": None})  # fmt: skip
    with ws.store.transaction() as tx:
        for table, rows in ((schema.companies, company_rows), (schema.audits, audit_rows),
                            (schema.findings, finding_rows), (schema.followups, followup_rows)):  # fmt: skip
            tx.conn.execute(table.insert(), rows)


def timed(label: str, fn: object) -> float:
    best = min(_once(fn) for _ in range(3))
    print(f"{label}: {best * 1000:.0f} ms (target < 200 ms: {'met' if best < 0.2 else 'MISSED'})")
    return best


def _once(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp)) as ws:
        start = time.perf_counter()
        populate(ws, 2000, 20000, 10000)
        print(
            f"generated 2,000 companies, 20,000 findings, 10,000 follow-ups in {time.perf_counter() - start:.1f} s"
        )
        today = date(2026, 11, 28)
        timed("dashboard (all towns)", lambda: dashboard.build(ws, today=today))
        timed("dashboard (one town)", lambda: dashboard.build(ws, town="马陆镇", today=today))
        timed("due list (7 days)", lambda: followups.due(ws, today=today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
