"""checklists validate/list/import and audit answer/score from the command line."""

from __future__ import annotations

from pathlib import Path

from auditdesk.paths import shipped_dir
from tests.cli.conftest import CliRunner


def test_validate_shipped_library(cli: CliRunner) -> None:
    done = cli("checklists", "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "校验通过" in done.stdout
    done = cli("checklists", "validate", str(shipped_dir("checklists")), "--json")
    assert done.returncode == 0
    assert done.json()["problems"] == []
    assert done.json()["items"] >= 90


def test_validate_broken_file_exits_1_naming_file_and_item(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "ours.toml"
    bad.write_text(
        'area = "pay"\ntitle = "自定义"\n\n[[items]]\nid = "PAY.OURS"\nquestion = "问题问题？"\n'
        'guidance = "检查指引"\nseverity = "severe"\nbasis_status = "verified"\n'
        'legal_basis = [{ law = "劳动法", article = "第五十条" }]\nconsequence = "后果"\n'
        'remedy = "整改"\n',
        encoding="utf-8",
    )
    done = cli("checklists", "validate", str(bad))
    assert done.returncode == 1
    assert "ours.toml 第 8 行（PAY.OURS）：严重程度的取值“severe”无效" in done.stdout


def test_list_json_has_seven_modules(cli: CliRunner) -> None:
    data = cli("checklists", "list", "--json").json()
    assert data["key"].startswith(data["version"] + "+")
    assert len(data["modules"]) == 7
    for module in data["modules"][:6]:
        assert module["scored_item_count"] >= 12, module["title"]
    item = next(i for m in data["modules"] for i in m["items"] if i["id"] == "ONB.CONTRACT_WRITTEN")
    assert item["area"] == "onboarding"
    assert item["severity"] == "high"
    assert "《劳动合同法》第十条" in item["legal_basis_text"]
    assert item["remedy"]
    text = cli("checklists", "list").stdout
    assert "特殊时期用工调整" in text


def test_import_answer_and_score(cli: CliRunner, tmp_path: Path) -> None:
    custom = tmp_path / "town.toml"
    custom.write_text(
        'area = "rules"\ntitle = "镇工会补充"\n\n[[items]]\nid = "RUL.TOWN_HOTLINE"\n'
        'question = "是否在醒目位置公布工会维权热线？"\nguidance = "现场查看公告栏。"\n'
        'severity = "low"\nbasis_status = "needs_review"\n'
        'legal_basis = [{ law = "工会法", article = "第六条" }]\nconsequence = "职工维权渠道不畅。"\n'
        'remedy = "在公告栏公布热线。"\n',
        encoding="utf-8",
    )
    done = cli("checklists", "import", str(custom))
    assert done.returncode == 0, done.stderr
    assert "已导入自定义清单 town.toml" in done.stdout
    assert cli("checklists", "import", str(custom)).returncode == 2

    audit_id = cli("demo", "--json").json()["audit"]["id"]  # pinned after the import

    def rules(score: dict) -> dict:
        return next(a for a in score["areas"] if a["area"] == "rules")

    before = cli("audit", "score", audit_id, "--json").json()
    done = cli(
        "audit",
        "answer",
        audit_id,
        "RUL.TOWN_HOTLINE",
        "non_compliant",
        "--note",
        "公告栏无热线",
        "--by",
        "张卫东",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert done.json()["result"] == "non_compliant"
    after = cli("audit", "score", audit_id, "--json").json()
    assert rules(after)["non_compliant"] == rules(before)["non_compliant"] + 1
    assert float(rules(after)["score"]) < float(rules(before)["score"])
    assert after["rating"] in {"优", "良", "中", "差"}
    text = cli("audit", "score", audit_id).stdout
    assert "总体：" in text
    assert "评级：" in text

    wrong = cli("audit", "answer", audit_id, "PAY.MIN_WAGE", "yes")
    assert wrong.returncode == 2
    assert "答案只能是：符合、不符合、部分符合、不适用、待核实" in wrong.stderr


def test_validate_custom_file_without_statement_warns_but_passes(
    cli: CliRunner, tmp_path: Path
) -> None:
    old = tmp_path / "old.toml"
    old.write_text(
        'area = "pay"\ntitle = "自定义"\n\n[[items]]\nid = "PAY.OLD"\nquestion = "是否发放过节费？"\n'
        'guidance = "查看工资表"\nseverity = "low"\nbasis_status = "needs_review"\n'
        'legal_basis = [{ law = "劳动法", article = "第五十条" }]\nconsequence = "职工可追索。"\n'
        'remedy = "按制度发放"\n',
        encoding="utf-8",
    )
    done = cli("checklists", "validate", str(old))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "提示：old.toml 第 6 行（PAY.OLD）：合规检查项缺少问题表述（finding）" in done.stdout
    (warning,) = cli("checklists", "validate", str(old), "--json").json()["problems"]
    assert warning["warning"] is True
