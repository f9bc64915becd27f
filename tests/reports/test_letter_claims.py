"""What a 意见书 or 建议书 asks the company to correct, or the labour authority to investigate, is
a violation the file shows: a payroll finding every employee-month of which rests on a fact the
file cannot show (使用未成年工（待核实）: employing a minor is lawful; a deduction of unknown nature)
is listed apart, to be verified, not among the violations 查明 and to be 依法纠正."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.followup import LetterKind
from auditdesk.reports.docx_text import paragraphs
from auditdesk.services import letters, payroll, reports, union, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    aid = demo_audit_with_payroll(ws, adopt=None)
    union.set_union_settings(ws, {"union_name": "嘉定区马陆镇总工会", "prefix_opinion": "马陆工监意",
                                  "contact_person": "张卫东", "contact_phone": "021-0000"})  # fmt: skip
    return aid


def _to_verify(ws: Workspace, audit_id: str) -> list[str]:
    review = payroll.review_audit(ws, audit_id)
    codes = []
    for f in visit.list_findings(ws, audit_id):
        group = review.group(f.origin_ref) if "@" in f.origin_ref else None
        if group is not None and all(x.certainty.value == "depends" for x in group.findings):
            codes.append(f.code)
    return codes


def test_an_opinion_lists_findings_to_verify_apart_from_violations(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    doubtful = _to_verify(ws, audit_id)
    assert doubtful  # s2: 使用未成年工（待核实）
    out = reports.export(ws, audit_id, tmp_path / "o.docx", kind="opinion")
    texts = [p.text for p in paragraphs(docx.Document(str(out)))]
    start = texts.index("请贵单位依法纠正以下问题：")
    apart = next(i for i, t in enumerate(texts) if t.startswith("以下情况尚待核实"))
    violations = texts[start + 1 : apart]
    assert violations
    assert all(t.startswith("问题 W") for t in violations)
    assert not any(t.startswith(f"问题 {code}：") for t in violations for code in doubtful)
    listed = [t for t in texts[apart + 1 :] if t.startswith("问题 W")]
    for code in doubtful:
        assert any(t.startswith(f"问题 {code}：") for t in listed), code


def test_a_notice_still_lists_every_open_problem(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    doubtful = _to_verify(ws, audit_id)
    out = reports.export(ws, audit_id, tmp_path / "n.docx", kind="notice")
    text = "\n".join(p.text for p in paragraphs(docx.Document(str(out))))
    for code in doubtful:  # a 提示函 names risks: to verify is one
        assert f"问题 {code}：" in text
    assert "以下情况尚待核实" not in text


def test_an_opinion_with_nothing_but_facts_to_verify_is_refused(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    doubtful = set(_to_verify(ws, audit_id))
    for f in visit.list_findings(ws, audit_id):
        if f.code not in doubtful:
            visit.dismiss_finding(ws, f.id, "测试")
    with pytest.raises(AuditDeskError, match="待核实"):
        letters.issue_letter(ws, audit_id, LetterKind.OPINION, reports.date.today(),
                             out=tmp_path / "o.docx")  # fmt: skip
