"""``auditdesk report``: 出具 (report issue), drafts, the 内部资料 annex, and the score's vetoes in words."""

from __future__ import annotations

from pathlib import Path

import docx

from tests.cli.conftest import CliRunner


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_issue_draft_and_annex(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("demo").returncode == 0
    audit = cli("audit", "list", "--json").json()[0]["id"]
    draft = cli("report", audit, "-o", str(tmp_path / "r.docx"), "--annex", "--json")
    assert draft.returncode == 0, draft.stderr
    out = draft.json()
    assert out["draft"] is True
    assert out["number"] is None
    assert "草稿" in _text(tmp_path / "r.docx")
    annex = Path(out["annex"])
    assert annex.name == "r-人员明细（内部资料）.docx"
    assert "内部资料" in docx.Document(str(annex)).sections[0].header.paragraphs[0].text

    issued = cli("report", "issue", audit, "--kind", "report", "--date", "2026-12-01",
                 "--by", "张卫东", "-o", str(tmp_path / "i.docx"), "--json")  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    record = issued.json()
    assert record["number"] == "体检〔2026〕1号"
    assert record["date"] == "2026-12-01"
    again = cli("report", audit, "-o", str(tmp_path / "again.docx"), "--json").json()
    assert again["number"] == "体检〔2026〕1号"
    assert again["draft"] is False
    text = _text(tmp_path / "again.docx")
    assert "报告编号：体检〔2026〕1号" in text
    assert "草稿" not in text
    assert _text(tmp_path / "i.docx") == text

    bad = cli("report", "issue", audit, "--kind", "opinion")
    assert bad.returncode == 2
    assert "letters issue" in bad.stderr


def test_score_names_vetoes_not_ids(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    audit = cli("audit", "list", "--json").json()[0]["id"]
    assert cli("audit", "answer", audit, "ONB.CHILD_LABOUR", "不符合").returncode == 0
    shown = cli("audit", "score", audit)
    assert "评级：差；一票否决项：检查项“是否没有招用未满 16 周岁的未成年人" in shown.stdout
    assert "ONB.CHILD_LABOUR" not in shown.stdout
