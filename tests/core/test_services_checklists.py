"""Versioning (audits keep their checklist), custom files, and scores through the services."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditdesk.checklists.loader import ChecklistError
from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import AnswerResult
from auditdesk.models.company import CompanyInput
from auditdesk.paths import shipped_dir
from auditdesk.services import audits, checklists, companies, visit
from auditdesk.services.workspace import Workspace

CUSTOM = """
area = "pay"
title = "本镇补充：薪酬"

[[items]]
id = "PAY.TOWN_BONUS"
question = "年终奖发放规则是否书面公示？"
guidance = "查看年终奖制度和公示记录。"
severity = "low"
legal_basis = [{ law = "劳动合同法", article = "第四条" }]
basis_status = "needs_review"
consequence = "规则不明时争议中对企业不利。"
remedy = "制定并公示年终奖规则。"
"""


@pytest.fixture
def editable_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "shipped"
    shutil.copytree(shipped_dir("checklists"), copy)
    monkeypatch.setattr(checklists, "shipped_dir", lambda name: copy)
    return copy


def _audit(ws: Workspace) -> str:
    company = companies.add_company(ws, CompanyInput(name="甲", headcount=100))
    return audits.start_audit(ws, company.id).id


def test_audit_keeps_its_checklist_after_the_files_change(
    ws: Workspace, editable_library: Path
) -> None:
    old_id = _audit(ws)
    visit.answer_item(ws, old_id, "PAY.PAYSLIP", AnswerResult.NON_COMPLIANT)
    visit.answer_item(ws, old_id, "PAY.MIN_WAGE", AnswerResult.COMPLIANT)
    # A later release drops PAY.PAYSLIP and rewords PAY.MIN_WAGE
    pay = editable_library / "pay.toml"
    text = pay.read_text(encoding="utf-8")
    start = text.index('[[items]]\nid = "PAY.PAYSLIP"')
    end = text.index("[[items]]", start + 5)
    pay.write_text(
        (text[:start] + text[end:]).replace("提供正常劳动的职工", "（新版措辞）提供正常劳动的职工"),
        encoding="utf-8",
    )
    new_id = _audit(ws)

    with ws.store.read() as tx:
        old_audit, new_audit = tx.require_audit(old_id), tx.require_audit(new_id)
    assert old_audit.checklist_version != new_audit.checklist_version
    old_lib = checklists.library_for_audit(ws, old_audit)
    new_lib = checklists.library_for_audit(ws, new_audit)
    assert old_lib.item("PAY.PAYSLIP") is not None
    assert new_lib.item("PAY.PAYSLIP") is None
    assert not old_lib.item("PAY.MIN_WAGE").question.startswith("（新版措辞）")
    assert new_lib.item("PAY.MIN_WAGE").question.startswith("（新版措辞）")
    # the old audit still scores its removed item: PAYSLIP medium (weight 2) not compliant,
    # MIN_WAGE high (weight 4) compliant → 4 / 6 = 66.7
    pay_line = next(a for a in checklists.audit_score(ws, old_id).areas if a.area.value == "pay")
    assert str(pay_line.score) == "66.7"
    # and a removed item cannot be answered in a new audit
    with pytest.raises(AuditDeskError, match="不在本次体检使用的清单版本中"):
        visit.answer_item(ws, new_id, "PAY.PAYSLIP", AnswerResult.COMPLIANT)


def test_same_library_is_stored_once(ws: Workspace) -> None:
    a, b = _audit(ws), _audit(ws)
    with ws.store.read() as tx:
        assert tx.require_audit(a).checklist_version == tx.require_audit(b).checklist_version
        assert tx.count_rows("checklist_snapshots") == 1


def test_answer_must_fit_the_scale(ws: Workspace) -> None:
    audit_id = _audit(ws)
    with pytest.raises(AuditDeskError, match="答案只能是：是、否、待核实"):
        visit.answer_item(ws, audit_id, "HRS.SPECIAL_SYSTEM", AnswerResult.COMPLIANT)
    with pytest.raises(AuditDeskError, match="只能是：符合、不符合"):
        visit.answer_item(ws, audit_id, "PAY.MIN_WAGE", AnswerResult.YES)
    saved = visit.answer_item(
        ws, audit_id, "HRS.SPECIAL_SYSTEM", AnswerResult.YES, note="四班三运转"
    )
    again = visit.answer_item(ws, audit_id, "HRS.SPECIAL_SYSTEM", AnswerResult.NO)
    assert again.id == saved.id


def test_import_custom_file(ws: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "town.toml"
    source.write_text(CUSTOM, encoding="utf-8")
    shipped_before = {p.name: p.read_bytes() for p in shipped_dir("checklists").glob("*.toml")}
    module = checklists.import_file(ws, source)
    assert module.custom
    assert module.source == "town.toml"
    if ws.is_server:  # the office's files are in the database, for every user
        with ws.store.read() as tx:
            assert [(f.name, f.content) for f in tx.office_checklists()] == [("town.toml", CUSTOM)]
    else:
        assert (ws.paths.custom_checklists / "town.toml").read_text(encoding="utf-8") == CUSTOM
    library = checklists.current_library(ws).library
    assert library.item("PAY.TOWN_BONUS") is not None
    assert library.modules[-1].custom
    # a new audit includes it, and the pay area scores it with the shipped items
    audit_id = _audit(ws)
    visit.answer_item(ws, audit_id, "PAY.TOWN_BONUS", AnswerResult.NON_COMPLIANT)
    report = checklists.audit_score(ws, audit_id)
    assert [a.area.value for a in report.areas].count("pay") == 1
    assert report.overall.non_compliant == 1
    # importing again needs --replace; shipped files never change
    with pytest.raises(AuditDeskError, match="--replace"):
        checklists.import_file(ws, source)
    assert checklists.import_file(ws, source, replace=True).source == "town.toml"
    assert {
        p.name: p.read_bytes() for p in shipped_dir("checklists").glob("*.toml")
    } == shipped_before


def test_import_refuses_broken_or_clashing_files(ws: Workspace, tmp_path: Path) -> None:
    clash = tmp_path / "clash.toml"
    clash.write_text(CUSTOM.replace("PAY.TOWN_BONUS", "PAY.MIN_WAGE"), encoding="utf-8")
    with pytest.raises(ChecklistError) as info:
        checklists.import_file(ws, clash)
    assert "clash.toml" in info.value.message
    assert "已在 pay.toml 中使用" in info.value.message
    broken = tmp_path / "broken.toml"
    broken.write_text(CUSTOM.replace('severity = "low"', 'severity = "urgent"'), encoding="utf-8")
    with pytest.raises(ChecklistError, match="严重程度的取值“urgent”无效"):
        checklists.import_file(ws, broken)
    assert not ws.paths.custom_checklists.exists() or not any(ws.paths.custom_checklists.iterdir())
    with ws.store.read() as tx:
        assert tx.office_checklists() == []


def test_validate_reports_counts_and_problems(ws: Workspace, tmp_path: Path) -> None:
    count, problems = checklists.validate(ws)
    assert problems == []
    assert count == len(checklists.current_library(ws).library.items())
    bad = tmp_path / "bad.toml"
    bad.write_text(CUSTOM.replace('basis_status = "needs_review"\n', ""), encoding="utf-8")
    _count, problems = checklists.validate(None, [bad])
    assert len(problems) == 1
    assert "bad.toml" in str(problems[0])
    assert "缺少依据核对状态" in str(problems[0])
