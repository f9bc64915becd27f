"""Golden dump of what the payroll importer and rules produce, to prove a speed change changes nothing.

Runs ``check_files`` on the three samples, the field cases and the benchmark's 60,000-row file,
and ``run_rules`` on a few thousand random employee-months built to reach every rule's branches
(part-timers, hires inside the month, minors, people past retirement, late pay, holiday overtime,
blank columns, several pay days). Writes one JSON document: every finding's fields, the rules run
and skipped, the notes, and a digest of the imported rows.

    .venv/bin/python benchmarks/payroll_golden.py OUT.json [--no-big]

Run it before and after a change and compare the two files (``cmp``); the file names what differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditdesk.errors import AuditDeskError  # noqa: E402
from auditdesk.models.payroll import CheckResult, PayrollField, PayrollRow  # noqa: E402
from auditdesk.rules.engine import run_rules  # noqa: E402
from auditdesk.services.payroll import check_files  # noqa: E402

D = Decimal


def _result(result: CheckResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "employees": result.employees,
        "periods": result.periods,
        "rules_run": result.rules_run,
        "rules_skipped": [s.model_dump(mode="json") for s in result.rules_skipped],
        "notes": result.notes,
        "findings": [f.model_dump(mode="json") for f in result.findings],
    }


def _rows_digest(rows: list[PayrollRow]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()


def files(paths: list[Path]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in paths:
        for kwargs in ({}, {"agreed_pay_day": 5}):
            key = f"{path.name} {kwargs}"
            try:
                imported, checked = check_files([path], **kwargs)  # type: ignore[arg-type]
            except AuditDeskError as exc:
                out[key] = {"error": exc.message}
                continue
            out[key] = {
                "import_rows": _rows_digest(imported.rows),
                "files": [f.model_dump(mode="json") for f in imported.files],
                **_result(checked),
            }
    return out


def _id(birth: date, male: bool) -> str:
    first = f"310114{birth:%Y%m%d}{'123' if male else '122'}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, weights, strict=True)) % 11]


def random_rows(n: int, seed: int = 20261130) -> list[PayrollRow]:
    """Employee-months that wander across every rule's conditions."""
    rng = random.Random(seed)
    periods = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)] + ["2026-01", "2019-05"]
    rows = []
    for i in range(n):
        period = rng.choice(periods)
        y, m = int(period[:4]), int(period[5:])
        first = date(y, m, 1)
        birth = rng.choice(
            [date(1990, 1, 1), date(1960, 3, 5), date(1965, 6, 30), date(1972, 11, 2),
             date(2009, m, 15), date(2008, 1, 1), date(1975, 5, 5), date(1963, 12, 31)]
        )  # fmt: skip
        male = rng.random() < 0.5
        idn = rng.choice([_id(birth, male), _id(birth, male), None, "310114199001011230", "abc"])
        hire = rng.choice(
            [date(2020, 1, 1), first + timedelta(days=rng.randint(0, 27)),
             first - timedelta(days=rng.randint(1, 400)), None]
        )  # fmt: skip
        signed = rng.choice([hire, None, hire and hire + timedelta(days=rng.randint(20, 500))])
        base = D(rng.choice([1500, 2500, 2690, 2740, 3000, 6000, 12000, 30000]))
        ot = [D(rng.choice([0, 0, 4, 8, 12.5, 40])) for _ in range(3)]
        ot_pay = rng.choice([D(0), None, D(500), D("1234.56"), D(3000)])
        sched = rng.choice([D(22), D(21), D("21.75"), D(23), D(10), None])
        att = rng.choice([sched, D(15), D(20), D(0), None]) if sched is not None else None
        gross = base + (ot_pay or 0) + D(rng.choice([0, 300, 400]))
        gross = rng.choice([gross, gross + D(7), None])
        si_base = rng.choice([D(7460), D(5000), D(7384), D(40000), None])
        pension = rng.choice([D("596.80"), D(0), None, D(400)])
        hf = rng.choice([D("522.20"), D(0), None])
        kind = rng.choice([None, None, "全日制", "非全日制", "小时工"])
        hours = rng.choice([None, D(60), D(200)])
        rate = rng.choice([None, D(20), D(30)])
        pay = rng.choice(
            [date(y, m, 28) + timedelta(days=rng.randint(0, 70)), None, first + timedelta(days=5)]
        )
        net = None if gross is None else gross - (pension or 0) - (hf or 0) - D(rng.choice([0, 3]))
        values: dict[str, Any] = {
            "source_file": rng.choice(["a.xlsx", "b.xlsx"]), "source_sheet": "工资",
            "source_row": i + 2, "period": period, "hidden": rng.random() < 0.05,
            "employee_id": rng.choice([f"E{i % 700}", f"E{i % 700}", None]),
            "name": rng.choice([f"员工{i % 650}", None]), "department": "生产部",
            "id_number": idn, "hire_date": hire, "contract_signed_date": signed,
            "scheduled_days": sched, "attended_days": att, "base_pay": base,
            "position_pay": rng.choice([None, D(300)]), "bonus": rng.choice([None, D(200)]),
            "annual_bonus": rng.choice([None, None, D(5000)]),
            "contract_wage": rng.choice([None, D(8000), D(20000)]),
            "employment_type": kind, "work_hours": hours, "hourly_rate": rate,
            "paid_leave_days": rng.choice([None, D(0), D(2), D(5)]),
            "ot_hours_workday": ot[0], "ot_hours_restday": ot[1], "ot_hours_holiday": ot[2],
            "ot_pay": ot_pay, "night_shift_allowance": rng.choice([None, D(100)]),
            "meal_allowance": rng.choice([None, D(300)]),
            "transport_allowance": rng.choice([None, D(200)]),
            "high_temp_allowance": rng.choice([None, D(0), D(150), D(300)]),
            "housing_allowance": rng.choice([None, D(500)]), "gross_pay": gross,
            "si_base": si_base, "pension_employee": pension,
            "medical_employee": rng.choice([D("149.20"), None]),
            "unemployment_employee": rng.choice([D("37.30"), None]),
            "housing_fund_employee": hf,
            "si_employee_total": rng.choice([None, None, D(800)]),
            "si_hf_employee_total": rng.choice([None, None, D(1300)]),
            "income_tax": rng.choice([None, D(0), D(45)]),
            "other_deductions": rng.choice([None, D(0), D(500), D(3000)]),
            "absence_deductions": rng.choice([None, D(100)]), "net_pay": net, "pay_date": pay,
        }  # fmt: skip
        rows.append(PayrollRow(**values))
    return rows


def synthetic() -> dict[str, Any]:
    rows = random_rows(6000)
    every = frozenset(PayrollField)
    fewer = frozenset(f for f in PayrollField if f.value not in {"paid_leave_days", "net_pay",
                                                                 "contract_signed_date"})  # fmt: skip
    out: dict[str, Any] = {}
    for name, kwargs in {
        "all": {"present": every},
        "all pay day 5": {"present": every, "agreed_pay_day": 5},
        "fewer": {"present": fewer, "agreed_pay_day": 15},
        "guessed": {},
    }.items():
        out[name] = _result(run_rules(rows, **kwargs))  # type: ignore[arg-type]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--no-big", action="store_true", help="skip the 60,000-row file")
    args = parser.parse_args()
    data = ROOT / "tests" / "data"
    paths = sorted((data / "samples" / "payroll").glob("*.[xc]*"))
    paths += sorted(p for p in (data / "field_cases").iterdir() if p.suffix != ".md")
    if not args.no_big:
        big = Path(tempfile.gettempdir()) / "auditdesk-bench-60000x30.xlsx"
        if not big.exists():
            sys.exit(f"{big} missing: run benchmarks/payroll_import.py first")
        paths.append(big)
    golden = {"files": files(paths), "synthetic": synthetic()}
    text = json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True)
    args.out.write_text(text)
    print(
        f"{args.out}: {len(text) / 1e6:.1f} MB, sha256 {hashlib.sha256(text.encode()).hexdigest()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
