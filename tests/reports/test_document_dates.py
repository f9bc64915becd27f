"""Documents HR and counsel read print dates in the Chinese form (2026年12月1日) — the 体检报告,
整改建议书, 跟诊记录, the 内部资料 annex and the letters alike: cover, body, deadlines, header and
signature. What the rules wrote into a finding's facts is quoted as written."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest

from auditdesk.reports.dates import cn_date
from auditdesk.services import followups, reports, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    aid = demo_audit_with_payroll(ws, adopt=None, plan=True)
    first = sorted(visit.list_findings(ws, aid), key=lambda f: f.number or 0)[0]
    followups.record_followup_visit(
        ws, aid, date.today(), [followups.VisitResult(first.id, "not_fixed", "仍未整改")]
    )
    return aid


def _lines(path: Path) -> list[str]:
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    lines += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for s in d.sections:
        lines += [p.text for p in (*s.header.paragraphs, *s.footer.paragraphs)]
    return lines


@pytest.mark.parametrize(
    "kind", ["report", "rectification", "followup", "annex", "notice", "opinion"]
)
def test_no_iso_date_in_a_document_people_read(
    ws: Workspace, audit_id: str, tmp_path: Path, kind: str
) -> None:
    out = reports.export(ws, audit_id, tmp_path / f"{kind}.docx", kind=kind)
    lines = _lines(out)
    quoted = ("事实：",)  # the rules' own wording, quoted in the report
    iso = [t for t in lines if ISO.search(t) and not t.startswith(quoted) and t != "仍未整改"]
    assert not iso, iso
    assert any(cn_date(date.today()) in t for t in lines)


def test_each_date_field_reads_in_chinese(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    today = date.today()
    report = _lines(reports.export(ws, audit_id, tmp_path / "r.docx"))
    assert f"报告日期：{cn_date(today)}" in report
    assert any(t.startswith("体检时间：") and "年" in t and "月" in t for t in report)
    assert any(t.endswith(cn_date(today)) and "工会" in t for t in report)  # signature line
    record = _lines(reports.export(ws, audit_id, tmp_path / "f.docx", kind="followup"))
    assert any(t.startswith(f"跟诊日期：{cn_date(today)}") for t in record)
    assert any(t.startswith("原体检：") and "年" in t and not ISO.search(t) for t in record)
    assert cn_date(today) in record  # the signature's date line
    later = today + timedelta(days=400)
    assert cn_date(later) == f"{later.year}年{later.month}月{later.day}日"
