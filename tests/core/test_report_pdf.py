"""The demo report converted to PDF: Chinese text embedded as a CJK font, A4 pages, page numbers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from auditdesk.services import audits, demo, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "render_pages.py"

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler-utils are installed by python3 dev.py test",
)


def _render_pages_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_pages", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "embedded",
    [
        "BCDEEE+NotoSansCJKsc-Regular",  # fonts-noto-cjk: no spaces in the embedded name
        "BCDFEE+NotoSerifCJKsc-Bold",
        "CAAAAA+NotoSansCJKSC-Regular",
        "DAAAAA+SourceHanSansSC-Regular",
        "EAAAAA+WenQuanYiMicroHei",
        "SimSun",  # 宋体 on Windows
        "FAAAAA+SimHei",  # 黑体
        "GAAAAA+MicrosoftYaHei",
        "HAAAAA+DengXian-Regular",
        "IAAAAA+FangSong",
        "JAAAAA+KaiTi",
    ],
)
def test_cjk_font_recognised_by_embedded_name(embedded: str) -> None:
    module = _render_pages_module()
    assert module.cjk_fonts([embedded, "KAAAAA+DejaVuSans"], installed=set()) == [embedded]


@pytest.mark.parametrize(
    "embedded", ["BAAAAA+DejaVuSans", "LiberationSerif-Bold", "CAAAAA+Carlito", "OpenSymbol"]
)
def test_latin_fonts_are_not_cjk(embedded: str) -> None:
    assert _render_pages_module().cjk_fonts([embedded], installed=set()) == []


def test_a_font_fontconfig_lists_for_chinese_counts_by_its_postscript_name() -> None:
    module = _render_pages_module()
    # a family no hint knows, that this machine's fontconfig says covers Chinese
    assert module.cjk_fonts(["ABCDEF+ZcoolXiaoWei-Regular"], installed={"zcoolxiaoweiregular"}) == [
        "ABCDEF+ZcoolXiaoWei-Regular"
    ]
    assert module.cjk_fonts(["ABCDEF+ZcoolXiaoWei-Regular"], installed=set()) == []


@needs_libreoffice
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
