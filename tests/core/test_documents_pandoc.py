"""The documents read back by a second reader, pandoc (as a counsel's or an archive's tool would
read them), not only python-docx: what the text says about employees, and one 问题编号 across
documents (issue 16 points 2 and 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from auditdesk.services import reports
from auditdesk.services.workspace import Workspace
from tests.core.test_report_records import ADULT_ID, CHILD_ID, MINOR_ID
from tests.core.test_report_records import audit_id as audit_id

pytestmark = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
FULL_ID = re.compile(r"(?<!\d)[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])\d{2}\d{3}[\dX](?!\d)")
CODE = re.compile(r"W\d{2,}")


def pandoc_text(path: Path) -> str:
    done = subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
                          capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    return done.stdout


@pytest.mark.parametrize("kind", ["report", "rectification", "followup"])
def test_documents_name_no_person_beyond_number_and_masked_name(
    ws: Workspace, audit_id: str, tmp_path: Path, kind: str
) -> None:
    text = pandoc_text(reports.export(ws, audit_id, tmp_path / f"{kind}.docx", kind=kind))
    assert not FULL_ID.search(text)
    for secret in ("李小明", "王晓红", "赵大海", "2010-03-01", "2010年3月1日", "20100301",
                   CHILD_ID[6:14], MINOR_ID[6:14], ADULT_ID[6:14]):  # fmt: skip
        assert secret not in text, (kind, secret)


def test_the_annex_is_marked_internal_and_masks_ids_unless_asked(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    text = pandoc_text(reports.export(ws, audit_id, tmp_path / "annex.docx", kind="annex"))
    assert "内部资料" in text
    assert "李小明" in text  # the annex is where the full names are
    assert not FULL_ID.search(text)
    assert "2010-03-01" not in text  # no birth date beside a masked ID
    full = pandoc_text(
        reports.export(ws, audit_id, tmp_path / "full.docx", kind="annex", unmasked=True)
    )
    assert CHILD_ID in full


def test_one_finding_number_in_every_document(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    report = pandoc_text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    rect = pandoc_text(reports.export(ws, audit_id, tmp_path / "z.docx", kind="rectification"))
    follow = pandoc_text(reports.export(ws, audit_id, tmp_path / "f.docx", kind="followup"))
    in_report = set(CODE.findall(report))
    assert in_report
    assert set(CODE.findall(rect)) <= in_report
    assert set(CODE.findall(follow)) == in_report  # the 跟诊记录 lists every kept finding
    # the same number names the same finding: its heading in the report and the 整改建议书
    for code in CODE.findall(rect):
        title = re.search(rf"问题 {code}：(.+)", rect)
        assert title is not None
        assert f"问题 {code}：{title.group(1).strip()}" in report
