"""Issue 16 points 2, 10, 11, 12, 14: the report's records and personal data, each read back from the
written file (python-docx for .docx, openpyxl for the 整改台账)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from auditdesk.models.audit import AnswerResult
from auditdesk.models.finding import FindingOrigin, RectificationStatus, Severity
from auditdesk.models.followup import LetterKind
from auditdesk.reports.dates import cn_date
from auditdesk.reports.personal import redact
from auditdesk.services import (
    audits,
    checklists,
    demo,
    followups,
    ledger,
    letters,
    payroll,
    reports,
    union,
    visit,
)
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import HEADER, SheetSpec, write_xlsx
from tests.builders.payroll_rows import born

CHILD_ID = born(date(2010, 3, 1))  # 15 in July 2025: child labour
MINOR_ID = born(date(2008, 5, 5), male=False)  # 17: a minor worker
ADULT_ID = born(date(1990, 1, 1))
MASKED = re.compile(r"\d{6}\*{6,}[\dX*]{2,4}")


def _payroll_file(path: Path, adult_id: str = ADULT_ID) -> Path:
    def line(no: str, name: str, ident: str) -> list[object]:
        return [no, name, "生产部", ident, date(2024, 3, 1), 22, 22, 3000, 300, 0, 200, 3500,
                240, 210, 3050, date(2025, 8, 10)]  # fmt: skip

    rows = [["2025年7月工资表"], list(HEADER), line("E0001", "李小明", CHILD_ID),
            line("E0002", "王晓红", MINOR_ID), line("E0003", "赵大海", adult_id)]  # fmt: skip
    return write_xlsx(path, [SheetSpec("工资", rows, text_columns=[3])])


@pytest.fixture
def audit_id(ws: Workspace, tmp_path: Path) -> str:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    payroll.import_payroll(ws, aid, [_payroll_file(tmp_path / "工资.xlsx")], period="2025-07")
    for group in payroll.group_findings(payroll.check_audit(ws, aid)):
        payroll.adopt_group(ws, aid, group)
    return aid


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    for s in d.sections:
        parts.extend(p.text for p in s.header.paragraphs)
    return "\n".join(parts)


def _table_with(path: Path, header: str) -> list[list[str]]:
    d = docx.Document(str(path))
    for t in d.tables:
        cells = [c.text for c in t.rows[0].cells]
        if header in cells:
            return [[c.text for c in row.cells] for row in t.rows]
    raise AssertionError(f"no table with {header}")


def _finding_blocks(path: Path) -> dict[str, dict[str, str]]:
    """The 整改建议书's per-finding blocks: 问题编号 → {"title": …, "法律依据": …, "整改期限": …}."""
    blocks: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for p in docx.Document(str(path)).paragraphs:
        head = re.match(r"^问题 (W\d+)：(.*)$", p.text)
        if head:
            current = blocks.setdefault(head.group(1), {"title": head.group(2)})
        elif current is not None and "：" in p.text:
            label, value = p.text.split("：", 1)
            current[label] = value
    return blocks


def _child(ws: Workspace, aid: str) -> visit.Finding:
    return next(f for f in visit.list_findings(ws, aid) if f.origin_ref.startswith("AGE.CHILD"))


# ------------------------------------------------------------------ point 2: personal data
@pytest.mark.parametrize("kind", ["report", "rectification", "notice", "opinion", "followup"])
def test_documents_name_employees_by_number_and_masked_name(
    ws: Workspace, audit_id: str, tmp_path: Path, kind: str
) -> None:
    text = _text(reports.export(ws, audit_id, tmp_path / f"{kind}.docx", kind=kind))
    for secret in ("李小明", "王晓红", "2010-03-01", "2008-05-05", "2025-03-01", "20100301"):
        assert secret not in text, secret  # no full name, birth date or date turning 16
    for ident in (CHILD_ID, MINOR_ID, ADULT_ID):
        assert ident not in text
    assert not MASKED.search(text)  # not even a masked ID: its hidden digits are the birth date
    if kind == "report":
        assert "E0001（李**）" in text  # the facts name the child by 工号 and masked name
        assert "未满 16 周岁" in text


def test_report_appendix_has_no_personal_columns(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "r.docx")
    rows = _table_with(out, "工号")
    assert rows[0] == ["工号", "姓名", "月份", "问题"]
    assert ["E0001", "李**", "2025年7月", "使用童工"] in rows


def test_annex_is_internal_and_never_puts_a_birth_date_beside_a_masked_id(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "annex.docx", kind="annex")
    text = _text(out)
    assert "内部资料" in docx.Document(str(out)).sections[0].header.paragraphs[0].text
    assert "李小明" in text  # full names are what the annex is for
    rows = _table_with(out, "身份证号")
    child = next(r for r in rows if r[0] == "E0001" and r[5] == "使用童工")
    assert child[2] == CHILD_ID[:6] + "********" + CHILD_ID[-4:]
    assert child[3] == "当月 15 周岁"  # the age, not the birth date, beside a masked number
    assert "2010-03-01" not in text
    assert "2010年3月1日" not in text
    assert child[6] == "¥5,000.00\n罚款风险"

    full = reports.export(ws, audit_id, tmp_path / "full.docx", kind="annex", unmasked=True)
    rows = _table_with(full, "身份证号")
    child = next(r for r in rows if r[0] == "E0001" and r[5] == "使用童工")
    assert (child[2], child[3]) == (CHILD_ID, "2010年3月1日")

    masked = _text(reports.export(ws, audit_id, tmp_path / "m.docx", kind="annex", mask_names=True))
    assert "李小明" not in masked
    assert "李**" in masked


def test_redact_masks_ids_names_and_birth_dates() -> None:
    text = (
        "E0001（李小明）：出生于 2010-03-01（据身份证号），2025-07 工作时未满 16 周岁"
        f"（2026-03-01 满 16 周岁），号码 {CHILD_ID}"
    )
    out = redact(text, {"李小明"})
    assert out == (
        "E0001（李**）：2025-07 工作时未满 16 周岁，号码 "
        + CHILD_ID[:6] + "********" + CHILD_ID[-4:]
    )  # fmt: skip
    assert redact("出生于 1970-05-01 的女职工：…") == "该女职工：…"
    assert redact("出生日期：1990-01-01") == "出生日期见内部资料附件"


def test_redact_drops_the_month_of_the_statutory_age() -> None:
    """The month someone reached the statutory age follows from the birth month: beside a masked
    ID (310114********123X, the masked digits being the birth date) it would leave a few days to
    try against the check character. Documents say that the age is past, not when."""
    assert redact("该员工已于 2025-03 达到法定退休年龄（60 周岁 3 个月）：请核实") == (
        "该员工已达到法定退休年龄（60 周岁 3 个月）：请核实"
    )
    assert redact("若其岗位为工人岗位（原 50 岁退休），已于 2024-05 达到法定退休年龄") == (
        "若其岗位为工人岗位（原 50 岁退休），已达到法定退休年龄"
    )
    assert redact("已于2025年3月达到法定退休年龄") == "已达到法定退休年龄"


def test_redact_drops_a_run_together_birth_date_of_an_invalid_id() -> None:
    """DATA.ID_INVALID names the date that does not exist: its 8 digits are exactly the ones a
    masked ID (310114********123X) hides."""
    assert redact("身份证号中的出生日期 19900231 不存在") == (
        "身份证号中的出生日期（见内部资料附件）不存在"
    )


# ------------------------------------------------------------------ point 10: money by kind
def test_fines_are_not_money_owed_to_employees(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    text = _text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    line = next(t for t in text.splitlines() if t.startswith("共发现问题"))
    owed, _, risk = line.partition("另有风险金额")
    assert "罚款风险" not in owed
    assert "罚款风险 ¥5,000.00" in risk
    assert "不是欠付职工的款项" in risk


# ------------------------------------------------------------------ point 11: score and veto
def test_child_labour_payroll_finding_vetoes_the_rating_by_name(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    veto = "工资表核查：使用童工（2025-07）"
    gui = visit.compare_scores(ws, audit_id).verified  # the 评分 tab
    cli = checklists.audit_score(ws, audit_id)  # auditdesk audit score
    assert gui.rating == cli.rating == "差"
    assert veto in gui.veto_items
    assert gui.veto_items == cli.veto_items
    text = _text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    assert "存在一票否决项：工资表核查：使用童工（2025年7月）" in text  # as the document's dates
    assert "评级“差”" in text
    assert "AGE.CHILD_LABOR" not in text

    visit.dismiss_finding(ws, _child(ws, audit_id).id, "身份证号录入错误，经核实已满 16 周岁")
    assert veto not in checklists.audit_score(ws, audit_id).veto_items


def test_checklist_veto_is_named_by_its_question(ws: Workspace, tmp_path: Path) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    visit.answer_item(ws, aid, "ONB.CHILD_LABOUR", AnswerResult.NON_COMPLIANT)
    text = _text(reports.export(ws, aid, tmp_path / "r.docx"))
    assert "ONB.CHILD_LABOUR" not in text
    assert "存在一票否决项：检查项“是否没有招用未满 16 周岁的未成年人" in text


# ------------------------------------------------------------------ point 12: numbers, deadlines
def test_one_number_per_finding_everywhere(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    visit.gather_findings(ws, audit_id)
    found = sorted(visit.list_findings(ws, audit_id), key=lambda f: f.number or 0)
    assert [f.number for f in found] == list(range(1, len(found) + 1))
    first, kept = found[0], found[1:]
    visit.dismiss_finding(ws, first.id, "重复")
    split = visit.split_finding(ws, kept[0].id)
    assert split.number == len(found) + 1  # never reused, never renumbered
    assert [f.number for f in visit.list_findings(ws, audit_id) if f.id == kept[0].id] == [2]

    rect = _finding_blocks(reports.export(ws, audit_id, tmp_path / "z.docx", kind="rectification"))
    report = _table_with(reports.export(ws, audit_id, tmp_path / "r.docx"), "问题编号")
    sheet = openpyxl.load_workbook(
        reports.export(ws, audit_id, tmp_path / "l.xlsx", kind="ledger")
    ).active
    in_ledger = {r[1]: r[3] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert first.code not in in_ledger
    by_code_rect = {code: block["title"] for code, block in rect.items()}
    by_code_report = {r[0]: r[2] for r in report[1:]}
    for f in [*kept, split]:
        assert f.code == f"W{f.number:02d}"
        assert by_code_rect[f.code] == by_code_report[f.code] == in_ledger[f.code]
    # HR returns the ledger: matched by the same 问题编号
    target = kept[1]
    sheet.cell(row=3 + list(in_ledger).index(target.code), column=9, value="已整改待核验")
    sheet.parent.save(tmp_path / "back.xlsx")
    diff = ledger.read_ledger(ws, audit_id, tmp_path / "back.xlsx")
    assert [(c.finding.id, c.to) for c in diff.changes] == [
        (target.id, RectificationStatus.FIXED_PENDING)
    ]
    assert visit.find_finding(ws, target.code.lower(), audit_id=audit_id).id == target.id


def test_deadlines_never_before_the_document_date(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    visit.gather_findings(ws, audit_id)
    today = date.today()
    others = [f for f in visit.list_findings(ws, audit_id) if f.severity is not Severity.CRITICAL
              and not f.remedy.startswith("立即")]  # fmt: skip
    past, future = others[0], others[1]
    visit.edit_finding(ws, past.id, {"due_date": today - timedelta(days=10)})
    visit.edit_finding(ws, future.id, {"due_date": today + timedelta(days=30)})
    child = _child(ws, audit_id)
    visit.edit_finding(ws, child.id, {"due_date": today + timedelta(days=15)})
    out = reports.export(ws, audit_id, tmp_path / "z.docx", kind="rectification")
    due = {code: block["整改期限"] for code, block in _finding_blocks(out).items()}
    assert due[past.code] == f"已逾期（原定 {cn_date(today - timedelta(days=10))}），请立即整改"
    assert due[future.code] == cn_date(today + timedelta(days=30))
    assert due[child.code] == f"立即整改（最迟 {cn_date(today + timedelta(days=15))}）"
    for text in due.values():
        for y, m, d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
            assert "已逾期" in text or date(int(y), int(m), int(d)) >= today
    sheet = openpyxl.load_workbook(
        reports.export(ws, audit_id, tmp_path / "l.xlsx", kind="ledger")
    ).active
    in_ledger = {r[1]: r[6] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert in_ledger[past.code] == due[past.code]
    assert in_ledger[child.code] == due[child.code]


def test_followup_record_checked_not_checked_and_signatures(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    found = sorted(visit.list_findings(ws, audit_id), key=lambda f: f.number or 0)
    a, b, c = found[0], found[1], found[2]
    followups.move_finding(ws, b.id, RectificationStatus.IN_PROGRESS, note="企业已着手")
    visit_day = date.today()
    followups.record_followup_visit(ws, audit_id, visit_day, [
        followups.VisitResult(a.id, "fixed", "已补发并提供凭证"),
        followups.VisitResult(b.id, "not_fixed", "仍未整改"),  # already 整改中: still checked
    ])  # fmt: skip
    out = reports.export(ws, audit_id, tmp_path / "f.docx", kind="followup")
    rows = {r[0]: r for r in _table_with(out, "问题编号")[1:]}
    assert rows[a.code][2] == "已整改（已核验关闭）"
    assert rows[a.code][3] == "已补发并提供凭证"
    assert rows[b.code][2] == "未整改到位（整改中）"
    assert rows[b.code][3] == "仍未整改"
    assert rows[c.code][2] == "未核查（当前：待整改）"
    text = _text(out)
    assert "本次跟诊核查 2 项，未核查" in text
    assert "企业代表（签字）" in text
    assert "核查人（签字）" in text
    assert "全部问题已整改到位" not in text


def test_no_findings_never_says_all_were_put_right(ws: Workspace, tmp_path: Path) -> None:
    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    assert not visit.list_findings(ws, aid)
    text = _text(reports.export(ws, aid, tmp_path / "f.docx", kind="followup"))
    assert "没有列入整改的问题" in text
    # the demo's 5 items answered 不符合 or 部分符合 are not gathered yet: said, never "未发现问题"
    assert "有 5 项不符合或部分符合，尚未汇总为问题" in text
    assert "未发现问题" not in text
    assert "已整改到位" not in text
    assert "均已核验关闭" not in text


# ------------------------------------------------------------------ point 14: 出具 and drafts
def test_issue_fixes_number_date_and_content(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    draft = _text(reports.export(ws, audit_id, tmp_path / "draft.docx"))
    assert "草稿（未出具，不作正式文书使用）" in draft
    assert "报告编号：（草稿，出具时编号）" in draft

    day = date(2026, 12, 1)
    record = reports.issue(ws, audit_id, "report", day=day, by="张卫东")
    assert record.number == "体检〔2026〕1号"
    issued = _text(reports.export(ws, audit_id, tmp_path / "issued.docx"))
    assert "报告编号：体检〔2026〕1号" in issued
    assert "报告日期：2026年12月1日" in issued
    assert "草稿" not in issued

    child = _child(ws, audit_id)
    visit.edit_finding(ws, child.id, {"title": "标题已在出具后修改"})
    again = _text(reports.export(ws, audit_id, tmp_path / "again.docx"))
    assert again == issued  # reproduced as issued, whatever changed since
    now = _text(reports.export(ws, audit_id, tmp_path / "now.docx", draft=True))
    assert "标题已在出具后修改" in now
    assert "草稿" in now

    assert reports.issue(ws, audit_id, "report", day=day).number == "体检〔2026〕2号"
    # a 整改建议书 asks for rectification "within the deadline": not issued while any is 待定
    with pytest.raises(reports.AuditDeskError, match="还没有整改期限：W"):
        reports.issue(ws, audit_id, "rectification", day=day)
    assert reports.issues(ws, audit_id, "rectification") == []
    followups.plan_followups(ws, audit_id)  # deadlines by severity
    assert reports.issue(ws, audit_id, "rectification", day=day).number == "整改〔2026〕1号"
    assert [i.number for i in reports.issues(ws, audit_id, "report")] == [
        "体检〔2026〕1号", "体检〔2026〕2号"
    ]  # fmt: skip


def test_letters_cannot_be_issued_here(ws: Workspace, audit_id: str) -> None:
    with pytest.raises(reports.AuditDeskError, match="letters issue"):
        reports.issue(ws, audit_id, "opinion")


def test_payroll_finding_origin_kept(ws: Workspace, audit_id: str) -> None:
    child = _child(ws, audit_id)
    assert child.origin is FindingOrigin.PAYROLL
    assert child.money_at_stake == Decimal(5000)


def test_the_annex_of_an_issued_report_carries_its_number(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    before = _text(reports.export(ws, audit_id, tmp_path / "a0.docx", kind="annex"))
    assert "（草稿，出具时编号）" in before
    record = reports.issue(ws, audit_id, "report", day=date.today(), by="张卫东")
    written = reports.export_set(ws, audit_id, tmp_path / "r.docx", kind="report", annex=True)
    annex = _text(written[1])
    assert record.number in annex
    assert "草稿" not in annex


def test_a_draft_says_so_once_in_each_page_header(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = reports.export(ws, audit_id, tmp_path / "draft.docx")
    d = docx.Document(str(out))
    assert len(d.sections) > 1  # the report has a landscape section
    for section in d.sections:
        text = "".join(p.text for p in section.header.paragraphs)
        assert text.count("草稿") == 1, text


# ------------------------------------------------------------------ a note for the drafter is never issued
def test_a_report_is_not_issued_while_a_finding_still_asks_for_its_facts(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    visit.answer_item(ws, audit_id, "PAY.PAYSLIP", AnswerResult.NON_COMPLIANT)  # no note
    for f in visit.gather_findings(ws, audit_id):  # the demo's own answers have their notes
        if f.origin_ref != "PAY.PAYSLIP":
            visit.edit_finding(ws, f.id, {"facts": "现场查见。"})
    gathered = next(f for f in visit.list_findings(ws, audit_id) if f.origin_ref == "PAY.PAYSLIP")
    assert visit.NO_NOTE in gathered.facts  # the draft asks the drafter for the record
    with pytest.raises(reports.AuditDeskError, match=f"问题 {gathered.code} 的事实尚未填写"):
        reports.issue(ws, audit_id, "report", day=date(2026, 12, 1))
    assert reports.issues(ws, audit_id, "report") == []
    visit.edit_finding(ws, gathered.id, {"facts": "抽查 10 名职工，均未收到工资清单。"})
    reports.issue(ws, audit_id, "report", day=date(2026, 12, 1))
    issued = _text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    assert "请补充" not in issued
    assert "抽查 10 名职工，均未收到工资清单。" in issued


def test_no_document_is_issued_on_a_payroll_changed_since_adoption(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    union.set_union_settings(ws, {
        "union_name": "嘉定区马陆镇总工会", "contact_person": "李红", "contact_phone": "021-69990001",
        "prefix_notice": "马陆工监提", "prefix_opinion": "马陆工监意"})  # fmt: skip
    followups.plan_followups(ws, audit_id)  # deadlines, so only the payroll can stop an issue
    child = _child(ws, audit_id)
    (old,) = payroll.list_imports(ws, audit_id)
    payroll.remove_import(ws, audit_id, old.id)
    corrected = _payroll_file(tmp_path / "更正.xlsx", adult_id=born(date(2010, 6, 1)))
    payroll.import_payroll(ws, audit_id, [corrected], period="2025-07")  # a second child now
    assert payroll.stale_findings(ws, audit_id)[child.id] == "changed"
    for kind in ("report", "rectification"):
        with pytest.raises(reports.AuditDeskError, match=f"{child.code}.*采纳后工资表已重新导入"):
            reports.issue(ws, audit_id, kind, day=date(2026, 12, 1))
    for letter in (LetterKind.NOTICE, LetterKind.OPINION):
        with pytest.raises(reports.AuditDeskError, match=f"暂不能发出：问题 .*{child.code}"):
            letters.issue_letter(ws, audit_id, letter, date(2026, 12, 1))
    assert reports.issues(ws, audit_id) == []
    assert letters.latest_issued(ws, audit_id, LetterKind.NOTICE) is None

    review = payroll.review_audit(ws, audit_id)
    stale = payroll.stale_findings(ws, audit_id, review)
    refs = [f.origin_ref for f in visit.list_findings(ws, audit_id) if f.id in stale]
    payroll.adopt_refs(ws, audit_id, review, refs)  # reviewed: adopted again
    reports.issue(ws, audit_id, "report", day=date(2026, 12, 1))
    issued = _text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    assert "请复核" not in issued
    assert "2 名员工 2025年7月 使用童工" in issued


def test_no_document_is_issued_without_the_issuing_union(ws: Workspace, audit_id: str) -> None:
    """An issued report was signed 出具单位：工会 when the settings named no union."""
    union.set_union_settings(ws, {"union_name": ""})
    with pytest.raises(reports.AuditDeskError, match="请先填写工会设置：发函工会（落款）"):
        reports.issue(ws, audit_id, "report", day=date(2026, 12, 1))
    assert reports.issues(ws, audit_id) == []
