"""Documents HR and counsel read print dates in the Chinese form (2026年12月1日) — the 体检报告,
整改建议书, 跟诊记录, the 内部资料 annex and the letters alike: cover, body, deadlines, header and
signature, and the months and dates the rules and auditors wrote into findings' titles and facts
(2025-07 → 2025年7月), while the stored findings keep them as written and what only looks like a
date (工号 2025-07-001, an ID number, a version 2026.12.1) is left alone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest

from auditdesk.reports.dates import chinese_text, cn_date
from auditdesk.services import followups, reports, visit
from auditdesk.services.workspace import Workspace
from tests.builders.audits import demo_audit_with_payroll

ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
ISO_MONTH = re.compile(r"(?<![0-9A-Za-z-])(19|20)\d{2}-(0?[1-9]|1[0-2])(?![0-9A-Za-z]|-\d)")


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
    iso = [t for t in lines if ISO.search(t) or ISO_MONTH.search(t)]
    assert not iso, iso
    assert any(cn_date(date.today()) in t for t in lines)


def test_finding_titles_and_facts_quote_months_and_dates_in_chinese(
    ws: Workspace, audit_id: str, tmp_path: Path
) -> None:
    findings = [f for f in visit.list_findings(ws, audit_id) if f.origin_ref.count("@")]
    assert any(ISO_MONTH.search(f.title) for f in findings)  # stored as the rules wrote them
    assert any(ISO.search(f.facts) for f in findings)
    text = "\n".join(_lines(reports.export(ws, audit_id, tmp_path / "r.docx")))
    assert "2025年7月" in text or "2025年8月" in text
    for f in findings:
        assert f"问题 {f.code}：{chinese_text(f.title)}" in text
    assert not ISO.search(text)
    assert all(ISO_MONTH.search(f.title) for f in visit.list_findings(ws, audit_id)
               if f.origin_ref.count("@"))  # fmt: skip


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("1 名员工 2025-07 使用童工", "1 名员工 2025年7月 使用童工"),
        ("2025-07-15 修订版", "2025年7月15日 修订版"),
        ("于2025-10-14发放", "于2025年10月14日发放"),
        ("2025-7-5 入职", "2025年7月5日 入职"),
        ("E0001：2025-05..2025-07", "E0001：2025年5月至2025年7月"),
        ("本月 06-01 至 06-30 共 30 天", "本月 6月1日至6月30日 共 30 天"),
        ("工号 2025-07-001", "工号 2025-07-001"),
        ("工号 E2025-07", "工号 E2025-07"),
        ("身份证号 31011519900501290X", "身份证号 31011519900501290X"),
        ("依据 2026.12.1 版检查清单", "依据 2026.12.1 版检查清单"),
        ("电话 021-5991 0000", "电话 021-5991 0000"),
        ("2025-02-30 不存在", "2025-02-30 不存在"),
        ("第 2025-13 号", "第 2025-13 号"),
        ("房间 06-01", "房间 06-01"),
    ],
)
def test_only_whole_months_and_dates_are_converted(written: str, printed: str) -> None:
    assert chinese_text(written) == printed


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


def test_a_staff_number_shaped_like_a_month_stays_a_staff_number(
    ws: Workspace, tmp_path: Path
) -> None:
    # 工号 by year and sequence (2019-12: the 12th hire of 2019) is no month: the annex's 工号
    # column and a finding's fact line "2019-12（张*）：…" keep it, while the month it quotes
    # (2025-07) reads 2025年7月
    from auditdesk.services import audits, demo, payroll
    from tests.builders.payroll_files import SheetSpec, write_xlsx

    demo.load_demo(ws)
    aid = audits.list_audits(ws)[0].audit.id
    rows = [["工号", "姓名", "基本工资", "应发工资", "个税", "实发工资"],
            ["2019-12", "张三", 2000, 2000, 0, 2000]]  # fmt: skip
    path = write_xlsx(tmp_path / "工资.xlsx", [SheetSpec("2025年7月", rows, text_columns=[0])])
    payroll.import_payroll(ws, aid, [path])
    for group in payroll.group_findings(payroll.check_audit(ws, aid)):
        payroll.adopt_group(ws, aid, group)
    annex = _lines(reports.export(ws, aid, tmp_path / "a.docx", kind="annex"))
    assert "2019-12" in annex
    assert "2019年12月" not in "\n".join(annex)
    report = "\n".join(_lines(reports.export(ws, aid, tmp_path / "r.docx")))
    assert "2019-12（张*）：" in report
    assert "2019年12月" not in report
    assert "2025年7月" in report
