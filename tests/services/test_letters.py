"""Union letters as records (issue 16 points 3-7): numbers, fixed content, service and its clock,
the 建议书's preconditions, settings, brevity. Every letter is read back with python-docx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from auditdesk.errors import AuditDeskError
from auditdesk.models.finding import RectificationStatus as S
from auditdesk.models.followup import Letter, LetterKind
from auditdesk.reports.docx_text import paragraphs
from auditdesk.services import audits, demo, followups, letters, reports, union, visit
from auditdesk.services.workspace import Workspace

OPINION, NOTICE, PROPOSAL = LetterKind.OPINION, LetterKind.NOTICE, LetterKind.PROPOSAL
UNION = {
    "union_name": "嘉定区马陆镇总工会", "district_union": "嘉定区总工会",
    "labour_bureau": "嘉定区人力资源和社会保障局", "contact_person": "李红",
    "contact_phone": "021-6999 0001", "prefix_notice": "马陆工监提", "prefix_opinion": "马陆工监意",
    "prefix_proposal": "嘉工监建", "cc": "嘉定区总工会法律工作部",
}  # fmt: skip


@pytest.fixture
def audit_id(ws: Workspace) -> str:
    """This year's demo audit with its findings gathered; last year's audit (and its letter) gone;
    the union settings of a town union."""
    demo.load_demo(ws)
    current, last_year = audits.list_audits(ws)
    with ws.store.transaction() as tx:
        tx.conn.execute(text("DELETE FROM audits WHERE id = :i"), {"i": last_year.audit.id})
    visit.gather_findings(ws, current.audit.id, by="陈静")
    union.set_union_settings(ws, UNION)
    return current.audit.id


def _paras(path: Path) -> list[str]:
    return [p.text for p in paragraphs(docx.Document(str(path)))]


def _text(path: Path) -> str:
    return "\n".join(_paras(path))


def _issue(ws: Workspace, audit_id: str, kind: LetterKind, day: date, out: Path,
           served: date | None = None) -> Letter:  # fmt: skip
    written = letters.issue_letter(ws, audit_id, kind, day, served_on=served, out=out)
    assert written.letter is not None
    assert written.path == out
    return written.letter


# ------------------------------------------------------------------ 3. a letter is a record
def test_numbers_run_per_kind_and_year(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    a = _issue(ws, audit_id, OPINION, date(2026, 3, 2), tmp_path / "a.docx")
    b = _issue(ws, audit_id, OPINION, date(2026, 3, 9), tmp_path / "b.docx")
    n = _issue(ws, audit_id, NOTICE, date(2026, 3, 9), tmp_path / "n.docx")
    c = _issue(ws, audit_id, OPINION, date(2025, 12, 1), tmp_path / "c.docx")
    assert [a.number, b.number, n.number, c.number] == [
        "马陆工监意〔2026〕第1号", "马陆工监意〔2026〕第2号", "马陆工监提〔2026〕第1号",
        "马陆工监意〔2025〕第1号"]  # fmt: skip
    assert audit_id[:6].upper() not in (a.number or "")  # never from internal ids
    paras = _paras(tmp_path / "b.docx")
    assert "马陆工监意〔2026〕第2号" in paras
    assert "2026年3月9日" in paras  # the date written 2026年3月9日, on its own line under the seal
    assert "嘉定区马陆镇总工会（盖章）" in paras


def test_a_letter_is_never_numbered_after_one_it_predates(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    """第2号 dated 2026-11-02 after 第1号 dated 2026-12-01 reads as backdated: refused, nothing
    recorded; the same day, a later day and another kind or year are fine."""
    _issue(ws, audit_id, OPINION, date(2026, 12, 1), tmp_path / "a.docx")
    with pytest.raises(AuditDeskError, match=r"发文日期 2026年11月2日 早于.*2026年12月1日"):
        letters.issue_letter(ws, audit_id, OPINION, date(2026, 11, 2), out=tmp_path / "b.docx")
    assert not (tmp_path / "b.docx").exists()
    same = _issue(ws, audit_id, OPINION, date(2026, 12, 1), tmp_path / "c.docx")
    assert same.number == "马陆工监意〔2026〕第2号"
    assert _issue(ws, audit_id, NOTICE, date(2026, 11, 2), tmp_path / "n.docx").number == (
        "马陆工监提〔2026〕第1号"
    )
    assert _issue(ws, audit_id, OPINION, date(2025, 12, 30), tmp_path / "o.docx").number == (
        "马陆工监意〔2025〕第1号"
    )


def test_the_number_is_unique_in_the_database(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    first = _issue(ws, audit_id, OPINION, date(2026, 3, 2), tmp_path / "a.docx")
    twin = first.model_copy(update={"id": "another", "note": "same number"})
    with pytest.raises(IntegrityError, match=r"(?i)unique"), ws.store.transaction() as tx:
        tx.insert_letter(twin)


def test_export_again_reproduces_the_issued_letter(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    issued = _issue(ws, audit_id, OPINION, date(2026, 11, 2), tmp_path / "issued.docx")
    original = (tmp_path / "issued.docx").read_bytes()
    # later: other settings, an edited finding, another day — the letter does not change
    union.set_union_settings(ws, {"union_name": "嘉定区南翔镇总工会", "contact_person": "王五"})
    first = visit.list_findings(ws, audit_id, include_dismissed=False)[0]
    visit.edit_finding(ws, first.id, {"title": "改过的标题"}, by="陈静")
    again = letters.export_letter(ws, issued.id, tmp_path / "again.docx")
    assert again.exact
    assert (tmp_path / "again.docx").read_bytes() == original
    # 导出文书 / report --kind opinion reproduces it too, never re-dated
    out = reports.export(ws, audit_id, tmp_path / "report-kind.docx", kind="opinion")
    assert out.read_bytes() == original
    text = _text(out)
    assert "2026年11月2日" in text
    assert "马陆工监意〔2026〕第1号" in text
    assert "嘉定区马陆镇总工会（盖章）" in text
    assert "改过的标题" not in text
    # the kept file lost (another machine, a restored backup): the stored content renders the same
    assert issued.document_sha256 is not None
    letters.document_path(ws, issued.document_sha256).unlink()
    rebuilt = letters.export_letter(ws, issued.id, tmp_path / "rebuilt.docx")
    assert not rebuilt.exact
    assert _paras(tmp_path / "rebuilt.docx") == _paras(tmp_path / "issued.docx")


def test_an_export_before_issuing_is_a_draft(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    out = reports.export(ws, audit_id, tmp_path / "draft.docx", kind="notice")
    text = _text(out)
    assert "草稿" in text
    assert "（草稿，未编号）" in text
    assert "〔" not in text  # no number
    assert followups.list_letters(ws, audit_id) == []  # nothing recorded


def test_legacy_letters_cannot_be_reproduced(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    old = Letter(audit_id=audit_id, kind=OPINION, issued_on=date(2025, 7, 3),
                 reply_due=date(2025, 7, 24))  # fmt: skip
    with ws.store.transaction() as tx:
        tx.insert_letter(old)
    with pytest.raises(AuditDeskError, match="编号存档之前"):
        letters.export_letter(ws, old.id, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


# ------------------------------------------------------------------ 4. service and the clock
def test_opinion_clock_runs_from_service(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    issued = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    text = _text(tmp_path / "o.docx")
    # before service: the period in words, whether the last day counts, no date
    assert "自收到本意见书之日起十五个工作日内" in text
    assert "第十五个工作日当日计入" in text
    assert "即至" not in text
    # the 送达回执 page, after a page break
    body = docx.Document(str(tmp_path / "o.docx")).element.body.xml
    assert body.index("附件：") < body.index('w:type="page"') < body.index("文书名称：")
    assert "文书名称：工会劳动法律监督意见书（马陆工监意〔2026〕第1号）" in text
    assert "收到日期：________年____月____日" in text
    # the reminder meanwhile is an estimate, labelled: as if served on the day of issue
    assert issued.due_estimated
    assert issued.reply_due == date(2026, 10, 23)
    [item] = [i for i in followups.due(ws, today=date(2026, 10, 20)) if i.kind == "letter"]
    assert "估算" in item.text
    # served on Wed 30 Sept: count from Thu 1 Oct; 1-7 Oct off, Sat 10 Oct worked (调休):
    # 8,9,10,12,13,14,15,16,19,20,21,22,23,26,27 → the 15th working day is Tue 27 Oct
    served = letters.serve_letter(ws, issued.id, date(2026, 9, 30))
    assert (served.served_on, served.reply_due, served.due_estimated) == (
        date(2026, 9, 30), date(2026, 10, 27), False)  # fmt: skip
    [item] = [i for i in followups.due(ws, today=date(2026, 10, 27)) if i.kind == "letter"]
    assert "估算" not in item.text
    assert not item.overdue  # the last day counts
    assert [
        i.overdue for i in followups.due(ws, today=date(2026, 10, 28)) if i.kind == "letter"
    ] == [True]
    # the issued letter itself is unchanged by service
    assert letters.export_letter(ws, issued.id, tmp_path / "again.docx").exact
    assert _paras(tmp_path / "again.docx") == _paras(tmp_path / "o.docx")


def test_served_on_the_day_states_the_last_day(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    day = date(2026, 9, 30)
    letter = _issue(ws, audit_id, OPINION, day, tmp_path / "o.docx", served=day)
    assert letter.reply_due == date(2026, 10, 27)
    assert "十五个工作日内，即至2026年10月27日止" in _text(tmp_path / "o.docx")


def test_service_dates_are_checked(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    letter = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    with pytest.raises(AuditDeskError, match="早于"):
        letters.serve_letter(ws, letter.id, date(2026, 9, 27))


def test_no_monday_to_friday_past_the_holiday_calendar(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    # from Fri 11 Dec 2026, 15 working days reach into 2027, which the app has no holidays for
    with pytest.raises(AuditDeskError, match="超出本程序已收录的节假日安排") as info:
        letters.issue_letter(ws, audit_id, OPINION, date(2026, 12, 11), out=tmp_path / "o.docx")
    assert "周一至周五" in info.value.message  # says why it does not guess
    assert followups.list_letters(ws, audit_id) == []
    assert not (tmp_path / "o.docx").exists()
    # 10 Dec still fits: 11, 14-18, 21-25, 28-31 Dec are the 15 working days
    letter = _issue(ws, audit_id, OPINION, date(2026, 12, 1), tmp_path / "p.docx")
    later = date(2026, 12, 31)  # served on the 10th, recorded at the end of the month
    served = letters.serve_letter(ws, letter.id, date(2026, 12, 10), today=later)
    assert served.reply_due == date(2026, 12, 31)
    with pytest.raises(AuditDeskError, match="节假日安排"):
        letters.serve_letter(ws, letter.id, date(2026, 12, 11), today=later)
    assert followups.list_letters(ws, audit_id)[0].served_on == date(2026, 12, 10)  # unchanged


# ------------------------------------------------------------------ 5. the 建议书
def test_proposal_only_after_the_opinion_ran_out(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "p.docx"
    with pytest.raises(AuditDeskError, match="还没有发出"):
        letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 11, 2), out=out)
    opinion = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    with pytest.raises(AuditDeskError, match="尚未登记送达"):
        letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 11, 2), out=out)
    letters.serve_letter(ws, opinion.id, date(2026, 9, 30))  # period to 27 Oct
    with pytest.raises(AuditDeskError, match="至 2026年10月27日 止，尚未届满"):
        letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 10, 27), out=out)
    assert not out.exists()
    proposal = _issue(ws, audit_id, PROPOSAL, date(2026, 10, 28), out)
    assert proposal.number == "嘉工监建〔2026〕第1号"
    paras = _paras(out)
    text = "\n".join(paras)
    assert paras[paras.index("工会劳动法律监督建议书") + 2] == "嘉定区人力资源和社会保障局："
    assert "嘉定区总工会（盖章）" in paras  # the district union signs
    assert "《工会劳动法律监督意见书》（马陆工监意〔2026〕第1号）" in text
    assert "于2026年9月30日收到" in text
    assert "建议贵局" in text
    assert "请贵单位" not in text  # proposals to the authority, not orders to the company
    assert "五个工作日内依法立案查处" in text
    for attachment in ("1. 《工会劳动法律监督意见书》（马陆工监意〔2026〕第1号）",
                       "2. 意见书送达回执（2026年9月30日送达）", "3. 《整改建议书》及相关证据材料"):  # fmt: skip
        assert attachment in paras
    assert "本建议书由嘉定区马陆镇总工会提请，经嘉定区总工会发出。" in paras


def test_a_proposal_never_says_a_period_ran_out_that_has_not_yet(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    opinion = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    with pytest.raises(AuditDeskError, match="晚于今天"):  # a receipt records what happened
        letters.serve_letter(ws, opinion.id, date(2026, 10, 2), today=date(2026, 10, 1))
    letters.serve_letter(ws, opinion.id, date(2026, 9, 30), today=date(2026, 10, 1))  # to 27 Oct
    # dated after the period, but issued while it still runs: it would state a fact not yet true
    with pytest.raises(AuditDeskError, match="尚未届满"):
        letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 10, 28), out=tmp_path / "p.docx",
                             today=date(2026, 10, 20))  # fmt: skip
    assert not (tmp_path / "p.docx").exists()
    done = letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 10, 28),
                                out=tmp_path / "p.docx", today=date(2026, 10, 28))  # fmt: skip
    assert done.letter is not None


def test_no_proposal_once_the_company_answered(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    opinion = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    letters.serve_letter(ws, opinion.id, date(2026, 9, 30))
    followups.letter_replied(ws, opinion.id, date(2026, 10, 20))
    with pytest.raises(AuditDeskError, match="已于 2026年10月20日 答复"):
        letters.issue_letter(ws, audit_id, PROPOSAL, date(2026, 11, 2), out=tmp_path / "p.docx")


def test_notice_and_opinion_formal_parts(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    for kind, title in ((NOTICE, "工会劳动法律监督提示函"), (OPINION, "工会劳动法律监督意见书")):
        out = tmp_path / f"{kind.value}.docx"
        _issue(ws, audit_id, kind, date(2026, 11, 30), out)
        paras = _paras(out)
        text = "\n".join(paras)
        assert paras[paras.index(title) + 2] == "上海嘉研精密部件有限公司："  # the addressee
        assert "《中华人民共和国劳动法》第八十八条" in text
        assert "《中华人民共和国劳动合同法》第七十八条" in text
        assert "联系人：李红\u3000联系电话：021-6999 0001" in paras
        assert "附件：" in paras
        assert "抄送：嘉定区总工会法律工作部" in paras
    # the 提示函's reply date is fixed in it: 10 working days from the day after 30 Nov 2026
    assert "于2026年12月14日前将整改情况书面告知本会" in _text(tmp_path / "notice.docx")


# ------------------------------------------------------------------ 6. settings, not the town
def test_required_settings_are_named(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    union.set_union_settings(ws, {"contact_phone": "", "prefix_opinion": ""})
    with pytest.raises(AuditDeskError) as info:
        letters.issue_letter(ws, audit_id, OPINION, date(2026, 11, 2), out=tmp_path / "o.docx")
    assert "联系电话" in info.value.message
    assert "意见书文号前缀" in info.value.message
    assert followups.list_letters(ws, audit_id) == []
    with pytest.raises(AuditDeskError, match="没有名为“town”"):
        union.set_union_settings(ws, {"town": "马陆"})


def test_union_comes_from_settings_not_the_town(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    union.set_union_settings(ws, {"union_name": "嘉定区菊园新区总工会"})
    report = _text(reports.export(ws, audit_id, tmp_path / "r.docx"))
    assert "出具单位：嘉定区菊园新区总工会" in report
    assert "马陆镇总工会" not in report.replace("张卫东（马陆镇总工会）", "")  # the visit note only
    _issue(ws, audit_id, NOTICE, date(2026, 11, 2), tmp_path / "n.docx")
    assert "嘉定区菊园新区总工会（盖章）" in _paras(tmp_path / "n.docx")


def test_a_template_seal_line_cannot_contradict_the_body(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    from auditdesk.paths import shipped_dir

    template = tmp_path / "mine.docx"
    d = docx.Document(str(shipped_dir("report_templates") / "notice.docx"))
    for p in paragraphs(d):
        if "letter.issuer" in p.text and "盖章" in p.text:
            for run in p.runs:
                run.text = ""
            p.runs[0].text = "嘉定区某街道总工会（盖章）"
    d.save(str(template))
    out = tmp_path / "n.docx"
    with pytest.raises(AuditDeskError, match="落款"):
        letters.issue_letter(ws, audit_id, NOTICE, date(2026, 11, 2), out=out, template=template)
    assert not out.exists()
    assert followups.list_letters(ws, audit_id) == []
    assert not list(tmp_path.glob(".*.part"))


# ------------------------------------------------------------------ 7. a letter is a letter
def test_letters_are_brief_and_refer_to_the_rectification(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    findings = visit.list_findings(ws, audit_id, include_dismissed=False)
    closed = findings[0]
    from auditdesk.services import followups as fu

    fu.move_finding(ws, closed.id, S.VERIFIED_CLOSED, verify=True)
    out = tmp_path / "o.docx"
    _issue(ws, audit_id, OPINION, date(2026, 11, 2), out)
    paras = _paras(out)
    text = "\n".join(paras)
    listed = [p for p in paras if p.startswith("问题 W")]
    # the letter names each open finding by its own 问题编号, the same as in the 整改建议书
    assert [p.split("：")[0] for p in listed] == [f"问题 {f.code}" for f in findings[1:]]
    for f in findings[1:]:
        assert f"问题 {f.code}：{f.title}" in listed
        if f.facts:
            assert f.facts not in text  # facts and remedies stay in the 整改建议书
        if f.remedy:
            assert f.remedy not in text
    assert f"问题 {closed.code}：" not in text
    assert "详见附件《整改建议书》" in text
    letter_part = text.split("送达回执\n")[0]
    assert len(letter_part) < 1600  # about a page of A4 text


def test_nothing_to_list_is_refused(ws: Workspace, audit_id: str, tmp_path: Path) -> None:
    for f in visit.list_findings(ws, audit_id, include_dismissed=False):
        followups.move_finding(ws, f.id, S.VERIFIED_CLOSED, verify=True)
    for kind in (NOTICE, OPINION):
        with pytest.raises(AuditDeskError, match="没有未整改的问题，无需发出"):
            letters.issue_letter(ws, audit_id, kind, date(2026, 11, 2), out=tmp_path / "x.docx")
        with pytest.raises(AuditDeskError, match="没有未整改的问题，无需发出"):
            reports.export(ws, audit_id, tmp_path / "x.docx", kind=kind.value)
    with pytest.raises(AuditDeskError, match="没有未整改的问题，无需发出"):
        reports.export(ws, audit_id, tmp_path / "x.docx", kind="rectification")
    assert not (tmp_path / "x.docx").exists()
    assert followups.list_letters(ws, audit_id) == []


def test_a_draft_proposal_before_the_period_ran_out_states_no_unanswered_period(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    """A draft 建议书 written while the 意见书's period still runs said 答复期限至…届满，该单位未在
    期限内书面答复 — a fact not yet true, in a text counsel reads before it is sent."""
    opinion = _issue(ws, audit_id, OPINION, date(2026, 9, 28), tmp_path / "o.docx")
    letters.serve_letter(ws, opinion.id, date(2026, 9, 30), today=date(2026, 10, 1))  # to 27 Oct
    early = letters.write_letter(ws, audit_id, PROPOSAL, tmp_path / "d.docx",
                                 today=date(2026, 10, 20))  # fmt: skip
    assert early.path is not None
    text = _text(early.path)
    assert "未在期限内书面答复" not in text
    assert "答复期限至2026年10月27日止，截至本草稿日期尚未届满" in text
    late = letters.write_letter(ws, audit_id, PROPOSAL, tmp_path / "l.docx",
                                today=date(2026, 10, 28))  # fmt: skip
    assert late.path is not None
    assert "答复期限至2026年10月27日届满，该单位未在期限内书面答复" in _text(late.path)
