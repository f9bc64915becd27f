"""``settings towns``: list, add, rename (merge with the count), remove (refused while used)."""

from __future__ import annotations

from tests.cli.conftest import CliRunner


def test_towns_list_add_merge_remove(cli: CliRunner) -> None:
    for name, town in [
        ("甲公司", "马陆镇"),
        ("乙公司", "嘉定区马陆镇"),
        ("丙公司", "嘉定区马陆镇"),
    ]:
        assert cli("company", "add", "--name", name, "--town", town).returncode == 0
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
