from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from auditdesk.errors import AuditDeskError
from auditdesk.reports.dates import chinese_text
from auditdesk.reports.docx import leftover_tags
from auditdesk.reports.laws import basis_text
from auditdesk.reports.personal import redact
from auditdesk.services import audits, demo, followups, payroll, reports, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

FULL_ID = re.compile(r"(?<!\d)[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])\d{2}\d{3}[\dX](?!\d)")


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    return demo_audit_with_payroll(ws, "s1-simple.xlsx", gathered_by="陈静", adopt=3)


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))


def test_report_content(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "报告.docx")
    text = _text(out)
    names = {r.name for r in payroll.load_rows(ws, audit_id) if r.name}
    for heading in ("一、体检概况", "二、总体评价", "三、发现的问题", "四、工资表核查",
                    "五、整改建议与跟诊安排", "六、说明", "附录一", "（二）体检依据"):  # fmt: skip
        assert heading in text
    findings = [f for f in visit.list_findings(ws, audit_id) if not f.dismissed]
    assert f"共发现问题 {len(findings)} 项" in text
    for f in findings:
        assert f"问题 {f.code}：{chinese_text(redact(f.title, names))}" in text
        assert basis_text(f.legal_basis) in text  # each law once, articles merged
        if f.money_at_stake:
            assert f"¥{f.money_at_stake:,.2f}" in text
    assert "上海嘉研精密部件有限公司" in text
    assert leftover_tags(out) == []
    xml = _xml(out)
    assert "{{" not in xml
    assert "{%" not in xml
    ids = {r.id_number for r in payroll.load_rows(ws, audit_id) if r.id_number}
    assert ids
    assert not [i for i in ids if i in xml]  # no full ID number anywhere in the package


def test_report_layout_a4_fonts_page_numbers(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx")
    d = docx.Document(str(out))
    section = d.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    xml = _xml(out)
    assert 'w:eastAsia="宋体"' in xml
    assert 'w:eastAsia="黑体"' in xml
    assert "NUMPAGES" in xml
    assert "<w:tblHeader" in xml  # table headers repeat on each page


def test_unmasked_shows_full_ids_only_in_the_annex(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx", unmasked=True)
    assert FULL_ID.search(_text(out)) is None  # the report never carries ID numbers
    annex = reports.export(ws, audit_id, tmp_path / "a.docx", kind="annex", unmasked=True)
    assert FULL_ID.search(_text(annex)) is not None


def test_no_findings_says_so(ws: Workspace, tmp_path: Path) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    out = reports.export(ws, aid, tmp_path / "r.docx")
    text = _text(out)
    # only as much as was looked at: the answered items, and no payroll; the demo answers 5 items
    # 不符合 or 部分符合 (3 + 2 in the 总体评价 table) that are not yet gathered as findings: never "未发现问题"
    assert "未发现问题" not in text
    assert (
        "已核查的 22 项检查项中有 5 项不符合或部分符合，尚未汇总为问题，须汇总研判后列出"
        "（未导入工资表，工资支付情况未核查）。" in text
    )
    assert "本次体检未导入工资表" in text
    # issue 16.7: a 整改建议书 with nothing to list is refused, not written with contradictory text
    with pytest.raises(AuditDeskError, match="没有未整改的问题，无需发出"):
        reports.export(ws, aid, tmp_path / "整改.docx", kind="rectification")
    assert not (tmp_path / "整改.docx").exists()


def test_no_findings_with_every_answer_gathered_says_nothing_found(
    ws: Workspace, tmp_path: Path
) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    for f in visit.gather_findings(ws, aid):
        visit.dismiss_finding(ws, f.id, "企业已提供书面材料，经核实不构成问题")
    text = _text(reports.export(ws, aid, tmp_path / "r.docx"))
    assert (
        "在已核查的 22 项检查项范围内，本次体检未发现问题（未导入工资表，工资支付情况未核查）。"
        in text
    )


def test_payroll_findings_not_adopted_are_no_clean_payroll(ws: Workspace, tmp_path: Path) -> None:
    # s1-simple yields findings (使用童工 严重 among them), none adopted: the report must not say
    # that within the imported payroll nothing was found, while 四、工资表核查 lists them
    aid = demo_audit_with_payroll(ws, "s1-simple.xlsx", adopt=0)
    text = _text(reports.export(ws, aid, tmp_path / "r.docx"))
    assert "使用童工" in text
    assert "导入的工资表范围内，本次体检未发现问题" not in text
    assert "在已核查的 22 项检查项范围内未发现问题" in text
    assert "工资表核查发现的情况（见“工资表核查”）尚未列为本报告的问题" in text


def test_an_audit_with_nothing_checked_draws_no_conclusion(ws: Workspace, tmp_path: Path) -> None:
    from auditdesk.models.company import CompanyInput
    from auditdesk.services import companies

    company = companies.add_company(ws, CompanyInput(name="上海未核查有限公司"))
    aid = audits.start_audit(ws, company.id).id
    for kind in ("report", "followup"):
        text = _text(reports.export(ws, aid, tmp_path / f"{kind}.docx", kind=kind))
        assert "尚不能作出是否存在问题的结论" in text
        assert "未发现问题" not in text
        assert "全部问题已整改到位" not in text


def test_rectification_lists_open_findings(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "整改建议书.docx", kind="rectification")
    text = _text(out)
    assert "整改建议书" in text
    for f in visit.list_findings(ws, audit_id, include_dismissed=False):
        assert f.code in text


def _template_with(tmp_path: Path, line: str) -> Path:
    d = docx.Document()
    d.add_paragraph("{{ company.name }}")
    d.add_paragraph(line)
    path = tmp_path / "我的模板.docx"
    d.save(str(path))
    return path


def test_template_with_an_unknown_placeholder_writes_nothing(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    template = _template_with(tmp_path, "负责人：{{ compnay.boss }}")
    out = tmp_path / "out.docx"
    with pytest.raises(AuditDeskError) as info:
        reports.export(ws, audit_id, out, template=template)
    assert "compnay" in info.value.message
    assert "负责人：{{ compnay.boss }}" in info.value.message
    assert "我的模板.docx" in info.value.message
    assert not out.exists()


def test_template_with_a_syntax_error_names_the_paragraph(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    template = _template_with(tmp_path, "日期：{{ report.date ")
    with pytest.raises(AuditDeskError) as info:
        reports.export(ws, audit_id, tmp_path / "out.docx", template=template)
    assert "日期：{{ report.date" in info.value.message


def test_a_user_template_renders(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    template = _template_with(tmp_path, "共 {{ finding_count }} 项问题")
    out = reports.export(ws, audit_id, tmp_path / "out.docx", template=template)
    assert "共 " in _text(out)


def test_not_a_template_and_unknown_kind(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(AuditDeskError) as info:
        reports.export(ws, audit_id, tmp_path / "o.docx", template=bad)
    assert "x.docx" in info.value.message
    with pytest.raises(AuditDeskError):
        reports.export(ws, audit_id, tmp_path / "o.docx", kind="letter")


def test_existing_file_is_left_alone_when_rendering_fails(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous report")
    template = _template_with(tmp_path, "{{ nope }}")
    with pytest.raises(AuditDeskError):
        reports.export(ws, audit_id, out, template=template)
    assert out.read_bytes() == b"previous report"


def test_closed_findings_leave_the_rectification_letter(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    from auditdesk.models.finding import RectificationStatus

    first = visit.list_findings(ws, audit_id, include_dismissed=False)[0]
    followups.move_finding(ws, first.id, RectificationStatus.VERIFIED_CLOSED, verify=True)
    rect = _text(reports.export(ws, audit_id, tmp_path / "r.docx", kind="rectification"))
    full = _text(reports.export(ws, audit_id, tmp_path / "f.docx"))
    assert first.title not in rect
    assert first.title in full


def test_ledger_xlsx_for_hr(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    import openpyxl

    out = reports.export(ws, audit_id, tmp_path / "整改台账.xlsx", kind="ledger")
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "整改台账"
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["序号", "问题编号", "领域"]
    assert "企业整改情况" in header
    findings = visit.list_findings(ws, audit_id, include_dismissed=False)
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(findings)
    refs = {f.code for f in findings}  # W01…: the findings' own 问题编号
    assert {r[1] for r in rows} == refs
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert sheet.data_validations.dataValidation  # a drop-down of statuses for HR


def test_names_can_be_masked(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx", kind="annex", mask_names=True)
    names = {r.name for r in payroll.load_rows(ws, audit_id) if r.name and len(r.name) > 1}
    text = _text(out)
    assert "内部资料" in text
    assert not [n for n in names if n in text]


def test_a_payroll_groups_amount_to_verify_is_never_shown_as_owed() -> None:
    from decimal import Decimal
    from types import SimpleNamespace

    from auditdesk.models.finding import Certainty, MoneyKind
    from auditdesk.reports.context import _group_money

    def member(amount: str, certainty: Certainty) -> SimpleNamespace:
        return SimpleNamespace(money_kind=MoneyKind.WAGES_OWED, amount=Decimal(amount),
                               certainty=certainty)  # fmt: skip

    text = _group_money(
        [member("661.38", Certainty.DEFINITE), member("2953.10", Certainty.DEPENDS)]
    )
    assert "661.38" in text
    assert "3,614.48" not in text  # 661.38 owed + 2,953.10 to verify were added before
    assert text.index("661.38") < text.index("待核实：") < text.index("2,953.10")
    only = _group_money([member("1850.57", Certainty.DEPENDS)])
    assert only.startswith("待核实：")


def test_a_findings_basis_names_each_law_once_with_its_articles_ascending() -> None:
    from auditdesk.models.finding import Citation

    cited = [Citation(law="劳动合同法", article="第十条"), Citation(law="劳动合同法", article="第八十二条"),
             Citation(law="劳动合同法", article="第十四条第三款"),
             Citation(law="工资支付暂行规定", article="第十六条"),
             Citation(law="工资支付暂行规定", article="第十五条")]  # fmt: skip
    text = basis_text(cited)
    assert text.count("劳动合同法") == 1
    assert text.count("工资支付暂行规定") == 1
    assert "第十条、第十四条第三款、第八十二条" in text
    assert "第十五条、第十六条" in text
    assert text.index("劳动合同法") < text.index("工资支付暂行规定")  # the order first cited
