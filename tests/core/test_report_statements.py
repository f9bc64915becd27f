"""Issue 16 points 8 and 9, read back from the written .docx: a finding is stated as a finding
(never the checklist question) and carries its own item's or rule's 法律后果."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from auditdesk.models.audit import AnswerResult, AnswerSource
from auditdesk.models.company import CompanyInput
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.services import audits, checklists, companies, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

NOTE = "《车间管理规定》第 12 条：迟到一次罚款 50 元，6 月工资表“其他扣款”列有罚款 8 笔"


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    company = companies.add_company(ws, CompanyInput(name="上海测试机械有限公司", headcount=120))
    aid = audits.start_audit(ws, company.id).id
    visit.answer_item(ws, aid, "RUL.NO_FINES", AnswerResult.NON_COMPLIANT, note=NOTE,
                      source=AnswerSource.RECORDS)  # fmt: skip
    visit.answer_item(ws, aid, "ONB.CONTRACT_WRITTEN", AnswerResult.PARTIAL,
                      note="抽查 20 人，3 人入职满两个月仍未签订合同")  # fmt: skip
    visit.gather_findings(ws, aid)
    payroll.import_payroll(ws, aid, [SAMPLES / "s1-simple.xlsx"])
    groups = payroll.group_findings(payroll.check_audit(ws, aid))
    payroll.adopt_group(ws, aid, next(g for g in groups if g.rule == "PAY.MIN_WAGE"))
    return aid


def _blocks(path: Path) -> dict[str, list[str]]:
    """Each finding heading (Heading 3 in 三、发现的问题) with the paragraphs under it."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for p in docx.Document(str(path)).paragraphs:
        if p.style is not None and p.style.name.startswith("Heading"):
            # a finding's heading holds its severity on a second line
            heading = p.text.split("\n")[0]
            current = blocks.setdefault(heading, []) if p.style.name == "Heading 3" else None
        elif current is not None:
            current.append(p.text)
    return blocks


def _all_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_report_states_findings_with_their_own_consequences(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    library = checklists.library_for_audit(ws, audits.get_audit(ws, audit_id))
    fines, contract = library.item("RUL.NO_FINES"), library.item("ONB.CONTRACT_WRITTEN")
    assert fines is not None
    assert contract is not None
    out = reports.export(ws, audit_id, tmp_path / "报告.docx")
    blocks = _blocks(out)
    # the finding statement is the heading; the facts are what was seen; the consequence is the
    # item's own, not one sentence for every finding
    by_title = {heading.split("：", 1)[1]: lines for heading, lines in blocks.items()}
    fine = by_title["规章制度中设有罚款、扣罚或收取押金等处罚条款"]
    assert f"事实：{NOTE}" in fine
    assert f"可能后果：{fines.consequence}" in fine
    partial = by_title["未在用工之日起一个月内与部分劳动者订立书面劳动合同"]
    assert "事实：部分符合：抽查 20 人，3 人入职满两个月仍未签订合同" in partial
    assert f"可能后果：{contract.consequence}" in partial
    [wage] = [lines for title, lines in by_title.items() if "最低工资" in title]
    assert f"可能后果：{RULES_BY_ID['PAY.MIN_WAGE'].consequence}" in wage
    # the money is its own line, by kind, not the consequence
    assert any(line.startswith("涉及金额：应补发工资约 ¥") for line in wage)
    assert not any(line.startswith("涉及金额") for line in fine)
    consequences = [line for lines in by_title.values() for line in lines if "可能后果" in line]
    assert len(set(consequences)) == 3
    text = _all_text(out)
    for item in (fines, contract):
        assert item.question not in text
    assert "？" not in "\n".join(by_title)
    assert "依法可能被责令改正、补发或补缴" not in text  # the old boilerplate


def test_rectification_and_ledger_use_the_statement(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "整改建议书.docx", kind="rectification")
    text = _all_text(out)
    assert "规章制度中设有罚款、扣罚或收取押金等处罚条款" in text
    assert "规章制度中是否没有罚款" not in text


def test_a_finding_made_before_consequences_were_carried_says_so_plainly(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    fine = next(f for f in visit.list_findings(ws, audit_id) if f.origin_ref == "RUL.NO_FINES")
    visit.edit_finding(ws, fine.id, {"consequence": ""})
    blocks = _blocks(reports.export(ws, audit_id, tmp_path / "报告.docx"))
    [lines] = [v for k, v in blocks.items() if k.endswith(fine.title)]
    assert "可能后果：依法可能被责令改正，并承担相应的行政或民事责任。" in lines
