"""The office database's figures (issue 20), SQLite and PostgreSQL side by side in one run.

Each backend gets a fresh database seeded with 2,000 companies, 20,000 findings and 10,000
follow-ups (the seeding of ``dashboard_queries.py``), then times, best of ``--repeat``:

- the dashboard (``services.dashboard.build``, counted and summed in SQL), all towns and one town;
- the due list (7 days): its first page as the 跟诊 page shows it (``services.followups.due_page``,
  the 200 most urgent entries and the whole list's counts, ordered and paged in SQL), and, for
  comparison, the whole list (``services.followups.due``, 18,284 entries with this seed);
- opening an audit with 100 answered items (``services.visit.load_walk``);
- saving an answer (``services.visit.answer_item``, one transaction with its history);
- importing 60,000 payroll rows into the store (the rows read once from a generated CSV; the
  time is the transaction that stores them, ``Tx.insert_payroll_import``).

Target: dashboard and due list (the page a user reads) under 150 ms each on PostgreSQL.

    .venv/bin/python benchmarks/server_queries.py --database postgresql+psycopg://me@/postgres?host=/tmp/pg

``--database`` is a server URL whose user may create databases: a scratch database
``auditdesk_bench_<pid>`` is created next to it, migrated, measured and dropped. Without it only
SQLite is measured. The seeded tables are ANALYZEd on the server before timing (what autovacuum
does within a minute of a bulk load on a real server).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_queries import populate
from payroll_import import DEPTS, HEADER, id_number

from auditdesk.models.audit import AnswerResult
from auditdesk.models.company import CompanyInput
from auditdesk.models.payroll import FileReport, PayrollImport, PayrollRow
from auditdesk.payroll.importer import read_payroll
from auditdesk.services import audits, companies, dashboard, followups, visit
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store

TODAY = date(2026, 11, 28)
TARGET_S = 0.150
SERVER: dict[str, float] = {}


def payroll_csv(path: Path, rows: int) -> None:
    """``rows`` payroll rows (employees x 6 months) as a UTF-8 CSV with the benchmark's header."""
    rng = random.Random(20251128)
    employees = max(1, rows // 6)
    people = [(f"E{i:05d}", f"员工{i}", rng.choice(DEPTS), id_number(rng),
               date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))) for i in range(employees)]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        written = 0
        for month in range(1, 7):
            for emp_id, name, dept, idn, hired in people:
                if written >= rows:
                    break
                base = round(rng.uniform(3500, 20000), 2)
                gross = round(base + 300 + 500 + 600, 2)
                si = min(max(base + 800, 7460), 37302)
                contrib = [round(si * r, 2) for r in (0.08, 0.02, 0.005, 0.07)]
                tax = round(max(gross - 5000 - sum(contrib), 0) * 0.03, 2)
                net = round(gross - sum(contrib) - tax, 2)
                out.writerow([f"2025-{month:02d}", emp_id, name, dept, idn, hired, hired, 22, 22,
                              base, 300, 500, 0, 0, 0, 0, 0, 400, 200, 0, gross, si, *contrib,
                              tax, 0, net, date(2025, month + 1, 10)])  # fmt: skip
                written += 1


CPU: dict[str, float] = {}
"""Per label: this process's CPU time of the best run (the server's own time is not in it)."""


def best_of(fn: Callable[[], Any], repeat: int, label: str = "") -> float:
    """The best wall time of ``repeat`` runs, in seconds (one untimed warm-up run first); the
    same run's CPU time of this process goes to :data:`CPU` under ``label``."""
    fn()
    best, cpu = float("inf"), 0.0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        took = time.perf_counter() - start
        if took < best:
            best, cpu = took, time.process_time() - start_cpu
    CPU[label] = cpu
    return best


def server_time(ws: Workspace, fn: Callable[[], Any]) -> tuple[int, float]:
    """(statements, summed server execution time in s) of ``fn``'s queries, from EXPLAIN ANALYZE
    of each statement it ran: the part of the figure spent inside PostgreSQL."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().lower().startswith("select"):
            seen.append((statement, parameters))

    event.listen(ws.store.engine, "before_cursor_execute", capture)
    try:
        fn()
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", capture)
    total = 0.0
    with ws.store.engine.connect() as conn:
        for statement, parameters in seen:
            plan = conn.exec_driver_sql(
                "explain (analyze, format json) " + statement, parameters
            ).scalar_one()
            total += plan[0]["Execution Time"] / 1000
    return len(seen), total


@contextmanager
def scratch_server_database(admin_url: str) -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = f"auditdesk_bench_{os.getpid()}"
    plain = url.set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    bench = url.set(drivername="postgresql+psycopg", database=name).render_as_string(False)
    try:
        Store.upgrade_server(bench)
        yield bench
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def measure(ws: Workspace, rows: list[PayrollRow], repeat: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    populate(ws, 2000, 20000, 10000)
    if ws.is_server:
        with ws.store.transaction() as tx:
            tx.conn.exec_driver_sql("analyze")
    figures["seed 2,000 / 20,000 / 10,000"] = time.perf_counter() - start

    views: dict[str, Callable[[], Any]] = {
        "dashboard (all towns)": lambda: dashboard.build(ws, today=TODAY),
        "dashboard (one town)": lambda: dashboard.build(ws, town="马陆镇", today=TODAY),
        "due list, first page (200)": lambda: followups.due_page(ws, today=TODAY),
        "due list, whole (7 days)": lambda: followups.due(ws, today=TODAY),
    }
    first = followups.due_page(ws, today=TODAY)
    print(f"  [{'server' if ws.is_server else 'sqlite'}] the due list has {first.total:,} entries "
          f"({first.overdue:,} overdue; {first.by_kind}); its first page {len(first.items)}")  # fmt: skip
    for label, view in views.items():
        figures[label] = best_of(view, repeat, label)
        if ws.is_server:
            count, inside = server_time(ws, view)
            SERVER[label] = inside
            print(f"  {label}: {count} statements, {inside * 1000:.0f} ms inside PostgreSQL "
                  f"(EXPLAIN ANALYZE); this process used {CPU[label] * 1000:.0f} ms CPU")  # fmt: skip

    company = companies.add_company(
        ws,
        CompanyInput(name="上海基准测试有限公司", credit_code="91310114MA1GT8Q270", headcount=300),
    )
    audit = audits.start_audit(ws, company.id)
    answered = 0
    while answered < 100:  # a gate's 是 shows its conditional items: walk again until 100
        walk = visit.load_walk(ws, audit.id)
        open_items = [w for w in walk.items if w.result is None]
        if not open_items:
            break
        for item in open_items[: 100 - answered]:
            first = item.item.scale.answers[0]  # 符合, or 是 on a gate question
            visit.answer_item(ws, audit.id, item.item.id, first, by="基准")
            answered += 1
    walk = visit.load_walk(ws, audit.id)
    figures[f"open an audit ({len(walk.items)} items, {answered} answered)"] = best_of(
        lambda: visit.load_walk(ws, audit.id), repeat
    )
    target = next(w.item for w in walk.items if AnswerResult.PARTIAL in w.item.scale.answers)
    flip = [AnswerResult.PARTIAL, AnswerResult.COMPLIANT]
    turn = iter(range(10**6))
    figures["save an answer"] = best_of(
        lambda: visit.answer_item(ws, audit.id, target.id, flip[next(turn) % 2], by="基准"),
        repeat,
    )

    def store_payroll() -> None:
        record = PayrollImport(audit_id=audit.id, file_name="工资60000.csv", sha256="0" * 64,
                               row_count=len(rows), periods=sorted({r.period for r in rows}),
                               report=FileReport(file="工资60000.csv", path="", format="csv"))  # fmt: skip
        with ws.store.transaction() as tx:
            for old in tx.list_payroll_imports(audit.id):
                tx.delete_payroll_import(old.id)
            tx.insert_payroll_import(record, rows)

    figures[f"store {len(rows):,} payroll rows"] = best_of(store_payroll, max(1, repeat // 3))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", metavar="URL", help="a PostgreSQL server (admin URL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=60_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="auditdesk-bench-") as tmp:
        root = Path(tmp)
        sheet = root / "工资60000.csv"
        payroll_csv(sheet, args.rows)
        start = time.perf_counter()
        rows = read_payroll([sheet]).rows
        print(f"read {len(rows):,} payroll rows from a CSV in {time.perf_counter() - start:.1f} s "
              "(the same on both backends; not in the figures below)")  # fmt: skip
        results: dict[str, dict[str, float]] = {}
        with Workspace.open(root / "sqlite", database="sqlite") as ws:
            results["SQLite"] = measure(ws, rows, args.repeat)
        if args.database:
            with (
                scratch_server_database(args.database) as url,
                Workspace.open(root / "server", database=url) as ws,
            ):
                results["PostgreSQL"] = measure(ws, rows, args.repeat)

    names = list(results)
    print(f"\n{'':44}" + "".join(f"{n:>14}" for n in names))
    for label in results[names[0]]:
        cells = "".join(f"{results[n][label] * 1000:>11.0f} ms" for n in names)
        mark = ""
        if label in SERVER and "whole" not in label:
            mark = (
                "  (<150 ms: "
                + ("met" if results["PostgreSQL"][label] < TARGET_S else "MISSED")
                + ")"
            )
        print(f"{label:44}{cells}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
