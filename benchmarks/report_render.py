"""Report speed: an audit with 300 findings and a 2,000-row payroll appendix, rendered to .docx.

    .venv/bin/python benchmarks/report_render.py [--findings 300] [--appendix 2000]

Target (issue 7): under 3 s for the whole export (gathering, rules, template, write).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Citation, Finding, FindingOrigin, Severity
from auditdesk.services import audits, companies, payroll, reports
from auditdesk.services.workspace import Workspace


def payroll_file(path: Path, rows: int) -> Path:
    """Employees each paid below the minimum wage one month: every row lands in the appendix."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("2025-07")
    ws.append(
        ["工号", "姓名", "部门", "身份证号", "入职日期", "合同签订日期", "应发工资", "发放日期"]
    )
    for i in range(rows):
        first17 = f"3101141990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
        ws.append([f"E{i:05d}", f"员工{i}", "生产部", first17 + check, date(2020, 1, 1),
                   date(2020, 1, 1), 2000 + i % 500, date(2025, 8, 10)])  # fmt: skip
    wb.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=300)
    parser.add_argument("--appendix", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Workspace.open(root / "data") as ws:
            company = companies.add_company(
                ws, CompanyInput(name="上海基准测试有限公司", town="马陆镇")
            )
            audit = audits.start_audit(ws, company.id, started_on=date(2025, 9, 1))
            payroll.import_payroll(ws, audit.id, [payroll_file(root / "pay.xlsx", args.appendix)])
            areas = list(Area)
            with ws.store.transaction() as tx:
                for i in range(args.findings):
                    tx.insert_finding(Finding(
                        audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref=f"X.{i}",
                        area=areas[i % len(areas)], severity=list(Severity)[i % 4],
                        title=f"问题 {i}：劳动合同未载明工作地点", facts="抽查 30 份劳动合同，5 份缺少必备条款。" * 3,
                        legal_basis=[Citation(law="劳动合同法", article="第十七条")],
                        remedy="补充约定并书面告知职工。", money_at_stake=Decimal(i * 10),
                    ))  # fmt: skip
            start = time.perf_counter()
            out = reports.export(ws, audit.id, root / "report.docx")
            elapsed = time.perf_counter() - start
            size = out.stat().st_size
            import docx

            rows = sum(len(t.rows) for t in docx.Document(str(out)).tables)
    print(f"findings {args.findings}, appendix rows {args.appendix}: {elapsed:.2f} s, "
          f"{size / 1e6:.2f} MB, {rows} table rows in the document")  # fmt: skip
    print(f"target (< 3 s): {'met' if elapsed < 3 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
