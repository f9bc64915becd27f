"""Case-file speed: export, dry run, import and re-import of a company with a 60,000-row payroll.

Uses the workbook of ``payroll_import.py`` (generated once into the temp dir), imports it into an
audit, then moves the company to an empty data dir and back, printing wall times and file size.

    .venv/bin/python benchmarks/case_transfer.py [--rows 60000] [--encrypt]

Expectation (issue 9): the transfer of such a case takes seconds, in the order of the payroll import
itself, and a re-import of the same file is a quick no-op.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from payroll_import import generate

from auditdesk.models.company import CompanyInput
from auditdesk.services import audits, cases, companies, payroll
from auditdesk.services.workspace import Workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--encrypt", action="store_true", help="seal the file with a passphrase")
    args = parser.parse_args()
    workbook = Path(tempfile.gettempdir()) / f"auditdesk-bench-{args.rows}x30.xlsx"
    if not workbook.exists():
        generate(workbook, args.rows)
    passphrase = "benchmark-passphrase" if args.encrypt else None
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Workspace.open(root / "laptop") as laptop, Workspace.open(root / "office") as office:
            company = companies.add_company(laptop, CompanyInput(name="上海大型制造有限公司"))
            audit = audits.start_audit(laptop, company.id)
            t = time.perf_counter()
            payroll.import_payroll(laptop, audit.id, [workbook])
            figures["payroll_import_s"] = round(time.perf_counter() - t, 2)
            file = root / "case.adcase"
            for name, step in (
                ("export_s", lambda: cases.export_case(laptop, company.id, file, passphrase=passphrase)),
                ("dry_run_s", lambda: cases.import_case(office, file, passphrase=passphrase, dry_run=True)),
                ("import_s", lambda: cases.import_case(office, file, passphrase=passphrase)),
                ("reimport_s", lambda: cases.import_case(office, file, passphrase=passphrase)),
            ):  # fmt: skip
                t = time.perf_counter()
                step()
                figures[name] = round(time.perf_counter() - t, 2)
            figures["file_mb"] = round(file.stat().st_size / 1e6, 1)
            figures["rows_equal"] = payroll.load_rows(laptop, audit.id) == payroll.load_rows(
                office, audit.id
            )
    figures["rows"] = args.rows
    figures["encrypted"] = args.encrypt
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
