"""Payroll speed: a bare python-calamine read vs the full import to typed rows, and vs import + rules.

Generates (once, cached in the temp dir) a workbook of 60,000 rows x 30 columns — 10,000
employees x 6 months — with a title row, text-formatted ID numbers, dates and money, then runs
each measurement in a fresh subprocess and prints wall time and peak RSS.

    .venv/bin/python benchmarks/payroll_import.py [--rows 60000] [--repeat 3] [--baseline DIR]
    .venv/bin/python benchmarks/payroll_import.py --floor 7

Targets: the import within 1.5x the bare read in time and 2x in peak memory (issue 4); import +
all payroll rules within 2x the bare read time and 1.5x its peak memory (issues 5 and 15). Since
issue 9 the import first scans each sheet's XML for far-away cells (a stray value at XFD1048576
makes calamine allocate hundreds of GB and abort the process); since issue 15 the same pass also
finds hidden rows and formulas without a saved result, so each sheet's XML is inflated once.
``stages_s`` splits the time of this checkout (fastest of ``--repeat`` runs per stage): the
far-cell scan, calamine's read, the rest of the import, ``derive`` and the other rules.

``cli_check`` times the whole command ``python -m auditdesk payroll check --json FILE`` (interpreter
start and imports included) against a whole ``python -c`` bare read, as a user waits for them.

With ``--baseline DIR`` (another checkout's root, e.g. ``git archive <commit> auditdesk resources``
unpacked in a temp dir) the bare read, the baseline and this checkout are run in turn, in fresh
processes, ``max(repeat, 5)`` times; the medians and each one's ratio to the bare read are printed
side by side, so the machine's noise hits all three alike, then the medians of each stage
(``CHILD_STAGES``) of the baseline and this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "工资月份", "工号", "姓名", "部门", "身份证号", "入职日期", "合同签订日期", "应出勤天数",
    "实际出勤天数", "基本工资", "岗位工资", "绩效奖金", "工作日加班(小时)", "休息日加班(小时)",
    "法定节假日加班(小时)", "加班费", "夜班津贴", "餐补", "交通补贴", "高温津贴", "应发工资",
    "社保缴费基数", "养老保险(个人)", "医疗保险(个人)", "失业保险(个人)", "住房公积金(个人)",
    "个人所得税", "其他扣款", "实发工资", "发放日期",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]
DEPTS = ["生产部", "仓储部", "研发部", "行政部", "财务部", "销售部", "质检部", "设备部"]

CHILD_BARE = """
import json, resource, sys, time
import python_calamine
t = time.perf_counter()
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = wb.get_sheet_by_index(0).to_python()
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": len(rows),
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_IMPORT = """
import json, resource, sys, time
from pathlib import Path
from auditdesk.payroll.importer import read_payroll
t = time.perf_counter()
result = read_payroll([Path(sys.argv[1])])
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": len(result.rows), "problems": len(result.problems),
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_RULES = """
import json, resource, sys, time
from pathlib import Path
from auditdesk.payroll.importer import read_payroll
from auditdesk.rules.engine import run_rules
from auditdesk.services.payroll import mapped_fields
t = time.perf_counter()
result = read_payroll([Path(sys.argv[1])])
imported = time.perf_counter() - t
checked = run_rules(result.rows, present=mapped_fields(result.files))
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "import_seconds": imported, "rows": len(result.rows),
       "findings": len(checked.findings), "rules_run": len(checked.rules_run),
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_STAGES = """
import json, sys, time
from pathlib import Path
from auditdesk.payroll import readers
from auditdesk.payroll.importer import read_payroll
from auditdesk.rules.engine import derive, load_params, run_rules
from auditdesk.services.payroll import mapped_fields
path = Path(sys.argv[1])
t = time.perf_counter()
scan = readers._xlsx_prescan(path)
far = time.perf_counter() - t
scan.join()
t = time.perf_counter()
readers._calamine_sheets(path, "xlsx")
calamine = time.perf_counter() - t
t = time.perf_counter()
result = read_payroll([path])
imported = time.perf_counter() - t
t = time.perf_counter()
derive(result.rows, load_params("shanghai"))
derived = time.perf_counter() - t
t = time.perf_counter()
run_rules(result.rows, present=mapped_fields(result.files))
rules = time.perf_counter() - t
print(json.dumps({"far_cell_scan": far, "calamine_sheets": calamine,
       "rest_of_import": imported - far - calamine, "derive": derived,
       "rules_after_derive": rules - derived}))
"""
"""Where the time goes, in one process: the far-cell scan that must precede calamine, calamine's
own read of the sheets (while the flag scan runs beside it in the real import), the rest of the
import (layout, typing the columns, building rows; the whole import less the first two, timed
apart), ``derive`` and the rules after it."""

CHILD_READ = """
import json, sys, time
from pathlib import Path
from auditdesk.payroll import readers
if sys.argv[2:] == ["--no-scan"]:
    readers._far_in_sheet = lambda read: False  # measurement only: what calamine bounding its
    # own allocation (tafia/calamine#693) would save; the real import never skips the scan
t = time.perf_counter()
workbook = readers.read_workbook(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(workbook.sheets[0].rows)}))
"""
"""What AuditDesk does before its own work starts: ``read_workbook`` (the far-cell scan, calamine's
read, the flag scan beside it and the hidden columns), with ``--no-scan`` the same without the
far-cell scan. Its ratio to the bare read is the floor under every import + rules figure."""

CHILD_BASELINE = """
import json, resource
import python_calamine
from auditdesk.payroll.importer import read_payroll
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def id_number(rng: random.Random) -> str:
    first = f"310114{rng.randint(1965, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first += f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, weights, strict=True)) % 11]


def generate(path: Path, rows: int) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(20251128)
    employees = max(1, rows // 6)
    people = [
        (f"E{i:05d}", f"员工{i}", rng.choice(DEPTS), id_number(rng),
         date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)))
        for i in range(employees)
    ]  # fmt: skip
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("工资")
    ws.append(["上海某某制造有限公司2025年上半年工资表"])
    ws.append(HEADER)
    written = 0
    for month in range(1, 7):
        for emp_id, name, dept, idn, hired in people:
            if written >= rows:
                break
            base = round(rng.uniform(3500, 20000), 2)
            ot = [rng.choice([0, 4, 8, 12]), rng.choice([0, 8, 16]), 0]
            normal = base + 300 + 500
            ot_pay = round(max(normal, 2740) / 174 * (1.5 * ot[0] + 2 * ot[1]) + 5, 2)
            gross = round(normal + ot_pay + 400 + 200, 2)
            si = min(max(normal, 7460), 37302)
            contrib = [round(si * 0.08, 2), round(si * 0.02, 2), round(si * 0.005, 2),
                       round(si * 0.07, 2)]  # fmt: skip
            tax = round(max(gross - 5000 - sum(contrib), 0) * 0.03, 2)
            net = round(gross - sum(contrib) - tax, 2)
            idc = WriteOnlyCell(ws, value=idn)
            idc.number_format = "@"
            ws.append([
                f"2025-{month:02d}", emp_id, name, dept, idc, hired, hired, 22, 22, base, 300,
                500, ot[0], ot[1], ot[2], ot_pay, 0, 400, 200, 0, gross, si, *contrib, tax, 0,
                net, date(2025, month + 1, 10),
            ])  # fmt: skip
            written += 1
    wb.save(path)


NEUTRAL_DIR = Path(tempfile.mkdtemp(prefix="auditdesk-bench-"))
"""The children's working directory: ``python -c`` and ``-m`` put the working directory first on
the path, so started from a checkout they would import that checkout whatever PYTHONPATH says
(before issue 15, ``--baseline`` run from the repository root timed this checkout twice)."""


def run_child(
    code: str, path: Path, source: Path | None = None, extra: list[str] | None = None
) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter with ``path`` (and ``extra``) as its arguments;
    ``source`` puts another checkout's ``auditdesk`` first on the path (for ``--baseline``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source if source is not None else ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), *(extra or [])], capture_output=True, text=True,
        check=True,
        env=env, cwd=NEUTRAL_DIR,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


CLI_BARE = """
import sys, python_calamine
rows = python_calamine.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
"""


def run_cli(args: list[str], source: Path | None = None) -> float:
    """Wall seconds of a whole ``python`` process (start-up and imports included)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source if source is not None else ROOT)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, env=env, check=False, cwd=NEUTRAL_DIR
    )
    elapsed = time.perf_counter() - t
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.decode(errors="replace")[-2000:])
    return elapsed


def compare(path: Path, baseline: Path, rounds: int) -> dict[str, dict[str, dict[str, float]]]:
    """Bare read, baseline and this checkout, in turn ``rounds`` times: median seconds (and peak
    MB) of the import, import + rules and the whole ``payroll check`` command, per checkout."""
    samples: dict[str, dict[str, list[float]]] = {
        who: {k: [] for k in ("import", "rules", "rules_mb", "cli")}
        for who in ("bare", "baseline", "this")
    }
    check = ["-m", "auditdesk", "payroll", "check", "--json", str(path)]
    for _ in range(rounds):
        bare = run_child(CHILD_BARE, path)
        for key in ("import", "rules"):
            samples["bare"][key].append(bare["seconds"])
        samples["bare"]["rules_mb"].append(bare["peak_mb"])
        samples["bare"]["cli"].append(run_cli(["-c", CLI_BARE, str(path)]))
        for who, source in (("baseline", baseline), ("this", None)):
            samples[who]["import"].append(run_child(CHILD_IMPORT, path, source)["seconds"])
            checked = run_child(CHILD_RULES, path, source)
            samples[who]["rules"].append(checked["seconds"])
            samples[who]["rules_mb"].append(checked["peak_mb"])
            samples[who]["cli"].append(run_cli(check, source))
            try:
                staged = run_child(CHILD_STAGES, path, source)
            except subprocess.CalledProcessError:  # a baseline older than these functions
                continue
            for key, seconds in staged.items():
                samples[who].setdefault(key, []).append(seconds)
    return {
        who: {k: {"median": statistics.median(v)} for k, v in parts.items()}
        for who, parts in samples.items()
    }


def print_comparison(result: dict[str, dict[str, dict[str, float]]], rounds: int) -> None:
    labels = {
        "import": "import to typed rows",
        "rules": "import + all rules",
        "rules_mb": "import + rules peak MB",
        "cli": "payroll check, whole command",
    }
    print(f"\nside by side, medians of {rounds} rounds (ratio = x the bare read):")
    print(f"{'':32s}{'bare read':>12s}{'baseline':>18s}{'this':>18s}{'change':>9s}")
    for key, label in labels.items():
        bare = result["bare"][key]["median"]
        old, new = result["baseline"][key]["median"], result["this"][key]["median"]
        unit = "" if key == "rules_mb" else " s"
        print(
            f"{label:32s}{bare:10.2f}{unit:2s}"
            f"{old:8.2f}{unit:2s} ({old / bare:4.2f}x){new:8.2f}{unit:2s} ({new / bare:4.2f}x)"
            f"{(new / old - 1) * 100:+8.1f}%"
        )
    stages = [k for k in result["this"] if k not in labels and k in result["baseline"]]
    if stages:
        print(f"\nstages, medians of {rounds} rounds (see CHILD_STAGES):")
        for key in stages:
            old, new = result["baseline"][key]["median"], result["this"][key]["median"]
            print(f"{key:32s}{'':12s}{old:8.2f} s{'':8s}{new:8.2f} s{'':8s}"
                  f"{(new / old - 1) * 100:+8.1f}%")  # fmt: skip


def floor(path: Path, rounds: int) -> None:
    """The bare read, AuditDesk's read with and without the far-cell scan, and import + rules, in
    turn ``rounds`` times in fresh processes: their medians and ratios to the bare read. The read
    with the scan is the floor under import + rules as long as calamine densifies a sheet without
    bound (tafia/calamine#693) and the scan must precede it."""
    samples: dict[str, list[float]] = {"bare": [], "read": [], "read_no_scan": [], "rules": []}
    for _ in range(rounds):
        samples["bare"].append(run_child(CHILD_BARE, path)["seconds"])
        samples["read"].append(run_child(CHILD_READ, path)["seconds"])
        samples["read_no_scan"].append(run_child(CHILD_READ, path, extra=["--no-scan"])["seconds"])
        samples["rules"].append(run_child(CHILD_RULES, path)["seconds"])
    medians = {k: statistics.median(v) for k, v in samples.items()}
    labels = {
        "bare": "bare calamine read",
        "read": "read_workbook (far-cell scan + calamine)",
        "read_no_scan": "read_workbook without the far-cell scan",
        "rules": "import + all rules",
    }
    print(f"\nfloor, medians of {rounds} alternating rounds (ratio = x the bare read):")
    for key, label in labels.items():
        print(f"{label:44s}{medians[key]:8.2f} s ({medians[key] / medians['bare']:4.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. a git worktree of main): its import is timed alternately "
        "with this one's, and the medians compared (the machine's noise hits both alike)",
    )
    parser.add_argument(
        "--floor",
        type=int,
        metavar="ROUNDS",
        help="only time the bare read, the read with and without the far-cell scan, and import + "
        "rules, alternately ROUNDS times (medians)",
    )
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"auditdesk-bench-{args.rows}x30.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    if args.floor:
        floor(path, args.floor)
        return 0
    base = run_child(CHILD_BASELINE, path)
    bare = [run_child(CHILD_BARE, path) for _ in range(args.repeat)]
    full = [run_child(CHILD_IMPORT, path) for _ in range(args.repeat)]
    checked = [run_child(CHILD_RULES, path) for _ in range(args.repeat)]
    t_bare = min(r["seconds"] for r in bare)
    t_full = min(r["seconds"] for r in full)
    m_bare = min(r["peak_mb"] for r in bare)
    m_full = min(r["peak_mb"] for r in full)
    figures = {
        "rows": int(full[0]["rows"]),
        "problems": int(full[0]["problems"]),
        "bare_read_s": round(t_bare, 2),
        "import_s": round(t_full, 2),
        "time_ratio": round(t_full / t_bare, 2),
        "bare_read_peak_mb": round(m_bare),
        "import_peak_mb": round(m_full),
        "memory_ratio": round(m_full / m_bare, 2),
        "interpreter_and_imports_mb": round(base["peak_mb"]),
        "import_and_rules_s": round(min(r["seconds"] for r in checked), 2),
        "rules_only_s": round(min(r["seconds"] - r["import_seconds"] for r in checked), 2),
        "import_and_rules_ratio": round(min(r["seconds"] for r in checked) / t_bare, 2),
        "import_and_rules_peak_mb": round(min(r["peak_mb"] for r in checked)),
        "findings": int(checked[0]["findings"]),
        "rules_run": int(checked[0]["rules_run"]),
    }
    figures["import_and_rules_memory_ratio"] = round(
        figures["import_and_rules_peak_mb"] / m_bare, 2
    )
    reads = [run_child(CHILD_READ, path) for _ in range(args.repeat)]
    unscanned = [run_child(CHILD_READ, path, extra=["--no-scan"]) for _ in range(args.repeat)]
    t_read = min(r["seconds"] for r in reads)
    t_unscanned = min(r["seconds"] for r in unscanned)
    figures["read_workbook_s"] = round(t_read, 2)
    figures["read_workbook_ratio"] = round(t_read / t_bare, 2)
    figures["read_workbook_without_far_cell_scan_s"] = round(t_unscanned, 2)
    figures["read_workbook_without_far_cell_scan_ratio"] = round(t_unscanned / t_bare, 2)
    stages = [run_child(CHILD_STAGES, path) for _ in range(args.repeat)]
    figures["stages_s"] = {k: round(min(r[k] for r in stages), 2) for k in stages[0]}
    print(json.dumps(figures, indent=2))
    ok_time, ok_mem = figures["time_ratio"] <= 1.5, figures["memory_ratio"] <= 2.0
    ok_rules = figures["import_and_rules_ratio"] <= 2.0
    ok_rules_mem = figures["import_and_rules_memory_ratio"] <= 1.5
    print(f"import time target (<= 1.5x): {'met' if ok_time else 'MISSED'}; "
          f"memory target (<= 2x): {'met' if ok_mem else 'MISSED'}; "
          f"import + rules target (<= 2x): {'met' if ok_rules else 'MISSED'}; "
          f"import + rules memory (<= 1.5x): {'met' if ok_rules_mem else 'MISSED'}")  # fmt: skip
    if args.baseline is not None:
        rounds = max(args.repeat, 5)
        print_comparison(compare(path, args.baseline.resolve(), rounds), rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
