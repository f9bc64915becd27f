"""The seal line never stands alone on a page: the closing paragraphs of a letter (the request,
附件 and its lines) keep with the union's name, 盖章 and the date; the 整改建议书 and the 跟诊记录
keep their last lines with their signatures the same way. Read from the written .docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from auditdesk.reports.docx_text import paragraphs
from auditdesk.services import reports, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

UNION = "嘉定区马陆镇总工会"


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    return demo_audit_with_payroll(ws, adopt=4)


def _keeps(p: Paragraph) -> bool:
    return bool(p.paragraph_format.keep_with_next)


@pytest.mark.parametrize("kind", ["notice", "opinion"])
def test_a_letters_closing_keeps_with_its_seal_line_and_date(
    ws: Workspace, audit_id: str, tmp_path: Path, kind: str
) -> None:
    paras = list(
        paragraphs(docx.Document(str(reports.export(ws, audit_id, tmp_path / "l.docx", kind=kind))))
    )
    texts = [p.text for p in paras]
    seal = next(i for i, t in enumerate(texts) if t.endswith("（盖章）") and UNION in t)
    date_line = paras[seal + 1]
    assert date_line.text.endswith("日")
    assert _keeps(paras[seal])  # the seal line goes with the date
    request = texts.index("附件：") - 1
    assert texts[request].startswith("请")  # the closing request
    for p in paras[request:seal]:  # request, 附件, each attachment, the blank line
        assert _keeps(p), p.text
    assert paras[request].paragraph_format.keep_together  # the request is never split
    assert not _keeps(paras[request - 1]) or paras[request - 1].style.name.startswith("Heading")


def test_the_rectification_keeps_its_last_deadline_with_the_signature(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx", kind="rectification")
    paras = docx.Document(str(out)).paragraphs
    texts = [p.text for p in paras]
    sign = len(texts) - 1 - texts[::-1].index(UNION)
    last_due = max(i for i, t in enumerate(texts) if t.startswith("整改期限："))
    for p in paras[last_due : sign + 1]:
        assert _keeps(p), p.text
    earlier = [
        p for i, p in enumerate(paras) if texts[i].startswith("整改期限：") and i != last_due
    ]
    assert earlier
    assert not any(_keeps(p) for p in earlier)  # only the last block is tied


def test_the_followup_record_keeps_its_verdict_with_the_signatures(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    visit_ids = visit.list_findings(ws, audit_id)
    assert visit_ids
    out = reports.export(ws, audit_id, tmp_path / "f.docx", kind="followup")
    paras = docx.Document(str(out)).paragraphs
    texts = [p.text for p in paras]
    sign = len(texts) - 1 - texts[::-1].index(UNION)
    verdict = next(
        i for i, t in enumerate(texts) if t.startswith(("尚未整改到位", "本次体检发现的问题"))
    )
    for p in paras[verdict : sign + 1]:
        assert _keeps(p), p.text


def test_the_reports_signature_keeps_with_its_closing_note(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    paras = docx.Document(str(reports.export(ws, audit_id, tmp_path / "r.docx"))).paragraphs
    texts = [p.text for p in paras]
    sign = next(i for i, t in enumerate(texts) if t.startswith("检查人员（签字）"))
    assert texts[sign + 1].startswith(UNION)
    for p in paras[sign - 2 : sign + 1]:  # the 说明 text, the blank line, the signature line
        assert _keeps(p), p.text


@pytest.mark.parametrize("name", ["notice.docx", "opinion.docx", "proposal.docx"])
def test_every_shipped_letter_template_ties_its_closing_to_the_seal_line(name: str) -> None:
    from auditdesk.paths import shipped_dir

    paras = list(paragraphs(docx.Document(str(shipped_dir("report_templates") / name))))
    texts = [p.text for p in paras]
    start, seal = texts.index("{{ letter.request }}"), texts.index("{{ letter.issuer }}（盖章）")
    for p in paras[start : seal + 1]:
        if not p.text.startswith("{%p"):  # docxtpl removes the tag paragraphs
            assert _keeps(p), (name, p.text)
    assert texts[seal + 1] == "{{ letter.date }}"


@pytest.mark.parametrize("kind", ["notice", "opinion"])
def test_a_letters_closing_is_one_row_that_never_splits(
    ws: Workspace, audit_id: str, tmp_path: Path, kind: str
) -> None:
    """LibreOffice follows only the last link of a chain of "keep with next" paragraphs (the
    notice's seal line and date stood alone on page 2): the request, 附件, the seal line and the
    date stand in one borderless table cell whose row may not split."""
    document = docx.Document(str(reports.export(ws, audit_id, tmp_path / "l.docx", kind=kind)))
    holding = [
        t
        for t in document.tables
        if any(p.text.endswith("（盖章）") for p in paragraphs(t.cell(0, 0)))
    ]
    assert len(holding) == 1
    table = holding[0]
    assert len(table.rows) == 1
    assert len(table.columns) == 1
    texts = [p.text for p in paragraphs(table.cell(0, 0))]
    assert texts[0].startswith("请")
    assert "附件：" in texts
    assert texts[-2] == f"{UNION}（盖章）"
    assert texts[-1].endswith("日")
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None
    assert tr_pr.find(qn("w:cantSplit")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    # the body before it is not in the table, and nothing of the closing is left outside it
    outside = [p.text for p in document.paragraphs]
    assert f"{UNION}（盖章）" not in outside
    assert "附件：" not in outside


def test_the_annexs_signature_and_date_stay_together(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    """The annex's union and date stood on two pages (the date alone on page 3): they stand in
    one borderless table cell whose row never splits, as a letter's closing does."""
    document = docx.Document(str(reports.export(ws, audit_id, tmp_path / "a.docx", kind="annex")))
    holding = [t for t in document.tables if any(p.text == UNION for p in paragraphs(t.cell(0, 0)))]
    assert len(holding) == 1
    lines = [p.text for p in paragraphs(holding[0].cell(0, 0))]
    assert lines[-2:] == [UNION, lines[-1]]
    assert lines[-1].endswith("日")
    row = holding[0].rows[0]._tr
    assert row.trPr is not None
    assert row.trPr.find(qn("w:cantSplit")) is not None
