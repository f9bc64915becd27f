"""The demo report converted to PDF: Chinese text embedded as a CJK font, A4 pages, page numbers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditdesk.services import audits, demo, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "render_pages.py"

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler-utils are installed by python3 dev.py test",
)


def test_demo_report_renders_with_chinese_fonts(ws: Workspace, tmp_path: Path) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [SAMPLES / "s2-titled-grouped.xlsx"])
    visit.gather_findings(ws, aid)
    out = reports.export(ws, aid, tmp_path / "report.docx")
    done = subprocess.run([sys.executable, str(SCRIPT), str(out), "--out", str(tmp_path / "pages"), "--dpi", "30"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CJK font embedded: " in done.stdout
    assert "NONE" not in done.stdout
    pages = list((tmp_path / "pages").glob("report-*.png"))
    assert len(pages) >= 4
    info = subprocess.run(["pdfinfo", str(tmp_path / "pages" / "report.pdf")], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(tmp_path / "pages" / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "用工体检报告" in text
    assert "第1页共" in text.replace(" ", "")
