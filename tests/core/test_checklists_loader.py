"""Broken checklist files: every kind of error is reported with its file, line and item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditdesk.checklists.loader import ChecklistError, collect, load_library, read_module
from auditdesk.paths import shipped_dir

GOOD_ITEM = """
[[items]]
id = "{id}"
question = "是否按时足额支付工资？"
finding = "未按时足额支付工资"
guidance = "查看银行代发记录。"
severity = "high"
legal_basis = [{{ law = "劳动法", article = "第五十条" }}]
basis_status = "verified"
consequence = "须补发并加付赔偿金。"
remedy = "按月固定日期支付。"
"""

GATE_ITEM = """
[[items]]
id = "{id}"
question = "是否实行计件工资？"
guidance = "询问人事负责人。"
scale = "yes_no"
severity = "info"
basis_status = "verified"
"""


def module_text(*items: str, area: str = "pay") -> str:
    return f'area = "{area}"\ntitle = "测试模块"\n' + "".join(items)


def write_library(folder: Path, modules: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    names = ", ".join(f'"{n}"' for n in modules)
    (folder / "checklists.toml").write_text(
        f'version = "t1"\ntitle = "测试清单"\nmodules = [{names}]\n', encoding="utf-8"
    )
    for name, text in modules.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ChecklistError) as info:
        load_library(folder)
    return [str(p) for p in info.value.problems]


def test_minimal_library_loads(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(GOOD_ITEM.format(id="PAY.A"))})
    library = load_library(folder).library
    assert [i.id for i in library.items()] == ["PAY.A"]


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    folder = write_library(
        tmp_path / "lib",
        {
            "a.toml": module_text(GOOD_ITEM.format(id="PAY.A")),
            "b.toml": module_text(GOOD_ITEM.format(id="PAY.B"), GOOD_ITEM.format(id="PAY.A")),
        },
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("b.toml 第 16 行（PAY.A）")
    assert "编号重复：PAY.A 已在 a.toml 中使用" in problem


def test_missing_legal_basis(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A").replace(
        'legal_basis = [{ law = "劳动法", article = "第五十条" }]\n', ""
    )
    folder = write_library(
        tmp_path / "lib", {"a.toml": module_text(GOOD_ITEM.format(id="PAY.Z"), item)}
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 15 行（PAY.A）")
    assert "检查项缺少：法律依据" in problem


def test_unknown_severity_points_at_its_line(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A").replace('severity = "high"', 'severity = "severe"')
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(item)})
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 9 行（PAY.A）")
    assert "严重程度的取值“severe”无效" in problem
    assert "'critical'" in problem


def test_condition_naming_unknown_item(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A") + 'when = { item = "PAY.NOPE", answers = ["yes"] }\n'
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(item)})
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 5 行（PAY.A）")
    assert "显示条件引用了不存在的检查项 PAY.NOPE" in problem


def test_condition_answer_that_cannot_happen(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A") + 'when = { item = "PAY.GATE", answers = ["compliant"] }\n'
    folder = write_library(
        tmp_path / "lib", {"a.toml": module_text(GATE_ITEM.format(id="PAY.GATE"), item)}
    )
    (problem,) = problems_of(folder)
    assert "（PAY.A）" in problem
    assert "compliant 不适用于 PAY.GATE（可选：yes、no、to_verify）" in problem


def test_condition_cycle(tmp_path: Path) -> None:
    a = GOOD_ITEM.format(id="PAY.A") + 'when = { item = "PAY.B", answers = ["compliant"] }\n'
    b = GOOD_ITEM.format(id="PAY.B") + 'when = { item = "PAY.A", answers = ["compliant"] }\n'
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(a, b)})
    problems = problems_of(folder)
    assert any("显示条件形成循环：PAY.A → PAY.B → PAY.A" in p for p in problems)


def test_toml_syntax_error_gives_line(tmp_path: Path) -> None:
    text = module_text(GOOD_ITEM.format(id="PAY.A")).replace(
        'remedy = "按月固定日期支付。"', 'remedy = "按月固定日期支付。'
    )
    folder = write_library(tmp_path / "lib", {"a.toml": text})
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 13 行")
    assert "TOML 语法错误" in problem


def test_misspelt_field(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A").replace("remedy =", "remdy =")
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(item)})
    problems = problems_of(folder)
    assert any("未知的字段“remdy”" in p and "第 13 行" in p for p in problems)


def test_every_bad_item_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad1 = GOOD_ITEM.format(id="PAY.A").replace('severity = "high"', 'severity = "x"')
    bad2 = GOOD_ITEM.format(id="bad id")
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(bad1, bad2)})
    problems = problems_of(folder)
    assert len(problems) == 2
    assert "格式不对" in problems[1]
    assert "（bad id）" in problems[1]


def test_manifest_lists_missing_file(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(GOOD_ITEM.format(id="PAY.A"))})
    (folder / "a.toml").unlink()
    (problem,) = problems_of(folder)
    assert "列出的模块文件不存在：a.toml" in problem


def test_unknown_area(tmp_path: Path) -> None:
    folder = write_library(
        tmp_path / "lib", {"a.toml": module_text(GOOD_ITEM.format(id="PAY.A"), area="welfare")}
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 1 行")
    assert "领域的取值“welfare”无效" in problem


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(module_text(GOOD_ITEM.format(id="PAY.A")).encode("gbk"))
    module, problems = read_module(path)
    assert module is None
    assert "不是 UTF-8 编码" in str(problems[0])


def test_broken_custom_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "ok.toml").write_text(
        module_text(GOOD_ITEM.format(id="PAY.ORG_OK")), encoding="utf-8"
    )
    (custom / "clash.toml").write_text(
        module_text(GOOD_ITEM.format(id="PAY.MIN_WAGE")), encoding="utf-8"
    )
    (custom / "broken.toml").write_text("area = ", encoding="utf-8")
    result = load_library(shipped_dir("checklists"), custom)
    assert result.library.item("PAY.ORG_OK") is not None
    skipped = sorted(str(p) for p in result.skipped)
    assert len(skipped) == 2
    assert skipped[0].startswith("broken.toml")
    assert skipped[1].startswith("clash.toml")
    assert "已在 pay.toml 中使用" in skipped[1]


def test_shipped_copy_with_one_broken_file(tmp_path: Path) -> None:
    copy = tmp_path / "lib"
    shutil.copytree(shipped_dir("checklists"), copy)
    hours = copy / "hours.toml"
    hours.write_text(
        hours.read_text(encoding="utf-8").replace(
            'id = "HRS.WEEKLY_REST"', 'id = "HRS.STANDARD_HOURS"'
        ),
        encoding="utf-8",
    )
    _s, _c, _m, problems, _ = collect(copy)
    assert len(problems) == 1
    assert "hours.toml" in str(problems[0])
    assert "编号重复：HRS.STANDARD_HOURS" in str(problems[0])


def test_shipped_item_without_a_finding_statement_is_an_error(tmp_path: Path) -> None:
    item = GOOD_ITEM.format(id="PAY.A").replace('finding = "未按时足额支付工资"\n', "")
    folder = write_library(
        tmp_path / "lib", {"a.toml": module_text(GOOD_ITEM.format(id="PAY.Z"), item)}
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 17 行（PAY.A）")  # the question line: add it below
    assert "缺少问题表述（finding）" in problem


@pytest.mark.parametrize(
    ("statement", "message"),
    [("是否按时足额支付工资？", "不能是问句"), ("未" * 41, "不能超过 40 个字")],
)
def test_finding_statement_is_a_short_fact(tmp_path: Path, statement: str, message: str) -> None:
    item = GOOD_ITEM.format(id="PAY.A").replace("未按时足额支付工资", statement)
    folder = write_library(tmp_path / "lib", {"a.toml": module_text(item)})
    (problem,) = problems_of(folder)
    assert problem.startswith("a.toml 第 7 行（PAY.A）")
    assert message in problem


def test_custom_item_without_a_statement_loads_with_a_warning(tmp_path: Path) -> None:
    custom = tmp_path / "custom"
    custom.mkdir()
    old = GOOD_ITEM.format(id="PAY.ORG_OLD").replace('finding = "未按时足额支付工资"\n', "")
    (custom / "old.toml").write_text(module_text(old), encoding="utf-8")
    result = load_library(shipped_dir("checklists"), custom)
    item = result.library.item("PAY.ORG_OLD")
    assert item is not None
    assert item.statement == "是否按时足额支付工资？"  # the question stands in
    assert result.skipped == []
    (warning,) = result.warnings
    assert warning.warning
    assert str(warning).startswith("old.toml 第 6 行（PAY.ORG_OLD）")
    assert "缺少问题表述（finding）" in str(warning)
