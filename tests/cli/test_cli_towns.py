"""``settings towns``: list, add, rename (merge with the count), remove (refused while used)."""

from __future__ import annotations

from tests.cli.conftest import CliRunner


def test_towns_list_add_merge_remove(cli: CliRunner) -> None:
    for name, town in [
        ("甲公司", "马陆镇"),
        ("乙公司", "嘉定区马陆镇"),
        ("丙公司", "嘉定区马陆镇"),
    ]:  # listed as typed: the variant is what ``rename`` merges below
        assert (
            cli("company", "add", "--name", name, "--town", town, "--allow-variant").returncode == 0
        )
    assert cli("settings", "towns", "list", "--json").json() == [
        {"name": "嘉定区马陆镇", "companies": 2}, {"name": "马陆镇", "companies": 1}
    ]  # fmt: skip

    refused = cli("settings", "towns", "add", "上海市嘉定区马陆镇")
    assert refused.returncode == 2
    assert "只差区县前缀" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert cli("settings", "towns", "add", " 江桥镇 ", "--json").json() == {
        "name": "江桥镇", "companies": 0
    }  # fmt: skip

    merged = cli("settings", "towns", "rename", "嘉定区马陆镇", "马陆镇", "--json")
    assert merged.json() == {"old": "嘉定区马陆镇", "new": "马陆镇", "merged": True, "companies": 2}
    listed = cli("settings", "towns", "list", "--json").json()
    assert listed == [{"name": "江桥镇", "companies": 0}, {"name": "马陆镇", "companies": 3}]
    towns_of = {c["town"] for c in cli("company", "list", "--json").json()}
    assert towns_of == {"马陆镇"}

    used = cli("settings", "towns", "remove", "马陆镇")
    assert used.returncode == 2
    assert "仍有 3 家企业" in used.stderr
    assert cli("settings", "towns", "remove", "江桥镇", "--json").json() == {"removed": "江桥镇"}
    missing = cli("settings", "towns", "rename", "江桥镇", "马陆镇")
    assert missing.returncode == 2
    assert "没有“江桥镇”" in missing.stderr
    assert "马陆镇  3 家企业" in cli("settings", "towns", "list").stdout


def test_company_add_edit_and_dashboard_use_the_listed_spelling(cli: CliRunner) -> None:
    """Without --allow-variant, a town that only adds a district to a listed one is the listed
    one (as the GUI's editor suggests): the company is counted under it, and the dashboard's
    --town finds it by either spelling."""
    first = cli("company", "add", "--name", "甲公司", "--town", "马陆镇", "--json").json()
    added = cli("company", "add", "--name", "乙公司", "--town", "上海市嘉定区马陆镇", "--json")
    assert added.returncode == 0, added.stderr
    assert added.json()["town"] == "马陆镇"
    assert "按街镇列表记为“马陆镇”" in added.stderr
    assert cli("settings", "towns", "list", "--json").json() == [{"name": "马陆镇", "companies": 2}]

    edited = cli("company", "edit", first["id"], "--town", "嘉定区 马陆镇", "--pay-day", "15",
                 "--json")  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    assert (edited.json()["town"], edited.json()["pay_day"]) == ("马陆镇", 15)
    assert edited.json()["name"] == "甲公司"  # fields not given are kept
    moved = cli("company", "edit", first["id"], "--town", "江桥镇", "--has-union", "--json").json()
    assert (moved["town"], moved["has_union"], moved["pay_day"]) == ("江桥镇", True, 15)
    assert cli("company", "edit", first["id"], "--no-union", "--json").json()["has_union"] is False

    board = cli("dashboard", "--town", "嘉定区马陆镇", "--json")
    assert board.returncode == 0, board.stderr
    assert "按街镇列表统计为“马陆镇”" in board.stderr
    assert board.json()["town"] == "马陆镇"  # the filter the queries get


def test_company_edit_refusals_are_chinese(cli: CliRunner) -> None:
    company = cli("company", "add", "--name", "甲公司", "--json").json()
    nothing = cli("company", "edit", company["id"])
    assert (nothing.returncode, "未指定要修改的字段" in nothing.stderr) == (2, True)
    bad = cli("company", "edit", company["id"], "--pay-day", "32")
    assert bad.returncode == 2
    assert "约定发薪日" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = cli("company", "edit", "no-such-id", "--town", "江桥镇")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
