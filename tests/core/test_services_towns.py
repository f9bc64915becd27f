"""The office's town list: add, rename/merge (companies follow), remove only when unused."""

from __future__ import annotations

import pytest

from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.models.company import CompanyInput
from auditdesk.models.town import listed_variant, town_key
from auditdesk.services import companies, dashboard, towns
from auditdesk.services.workspace import Workspace


def _usage(ws: Workspace) -> list[tuple[str, int]]:
    return [(t.name, t.companies) for t in towns.list_towns(ws)]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("上海市嘉定区马陆镇", "马陆镇"),
        ("嘉定区马陆镇", "马陆镇"),
        ("\u3000马陆镇 ", "马陆镇"),
        ("浦东新区祝桥镇", "祝桥镇"),
        ("嘉定工业区", "嘉定工业区"),  # a town that ends in 区 is not a prefix
        ("嘉定区菊园新区", "菊园新区"),
        ("菊园新区", "菊园新区"),
    ],
)
def test_town_key_drops_only_a_district_prefix_and_spaces(typed: str, key: str) -> None:
    assert town_key(typed) == key


def test_listed_variant() -> None:
    listed = ["马陆镇", "安亭镇"]
    assert listed_variant("上海市嘉定区马陆镇", listed) == "马陆镇"
    assert listed_variant(" 马陆镇", listed) is None  # the same name once trimmed
    assert listed_variant("江桥镇", listed) is None
    assert listed_variant("马陆", listed) is None
    assert listed_variant("马陆镇", ["嘉定区马陆镇"]) == "嘉定区马陆镇"


def test_saving_a_company_lists_its_town(ws: Workspace) -> None:
    assert towns.list_towns(ws) == []
    a = companies.add_company(ws, CompanyInput(name="甲", town=" 马陆镇 "))
    companies.add_company(ws, CompanyInput(name="乙", town="马陆镇"))
    companies.add_company(ws, CompanyInput(name="丙"))  # no town: nothing listed
    assert _usage(ws) == [("马陆镇", 2)]
    companies.update_company(ws, a.id, CompanyInput(name="甲", town="安亭镇"))
    assert _usage(ws) == [("安亭镇", 1), ("马陆镇", 1)]


def test_add_refuses_empty_duplicate_and_variant(ws: Workspace) -> None:
    assert towns.add_town(ws, " 马陆镇 ") == "马陆镇"
    for bad, words in [("  ", "不能为空"), ("马陆镇", "已在街镇列表中"), ("镇" * 101, "最长")]:
        with pytest.raises(AuditDeskError, match=words):
            towns.add_town(ws, bad)
    with pytest.raises(AuditDeskError, match="列表中的“马陆镇”只差区县前缀") as info:
        towns.add_town(ws, "嘉定区马陆镇")
    assert info.value.location == "town"
    assert towns.suggest(ws, "上海市嘉定区马陆镇") == "马陆镇"
    assert towns.add_town(ws, "嘉定区马陆镇", allow_variant=True) == "嘉定区马陆镇"
    assert _usage(ws) == [("嘉定区马陆镇", 0), ("马陆镇", 0)]


def test_rename_merges_a_variant_and_moves_its_companies(ws: Workspace) -> None:
    a = companies.add_company(ws, CompanyInput(name="甲", town="马陆镇"))
    b = companies.add_company(ws, CompanyInput(name="乙", town="嘉定区马陆镇"))
    c = companies.add_company(ws, CompanyInput(name="丙", town="嘉定区马陆镇"))
    companies.add_company(ws, CompanyInput(name="丁", town="安亭镇"))
    # every company followed is on the board, findings or not
    assert sorted(p.town for p in dashboard.build(ws).companies) == [
        "嘉定区马陆镇", "嘉定区马陆镇", "安亭镇", "马陆镇"
    ]  # fmt: skip
    result = towns.rename_town(ws, "嘉定区马陆镇", "马陆镇")
    assert (result.merged, result.companies) == (True, 2)
    assert _usage(ws) == [("安亭镇", 1), ("马陆镇", 3)]
    assert {companies.get_company(ws, x.id).town for x in (a, b, c)} == {"马陆镇"}
    assert companies.get_company(ws, b.id).updated_at > b.updated_at
    # a plain rename keeps the list's size
    result = towns.rename_town(ws, "安亭镇", "安亭镇（新）")
    assert (result.merged, result.companies) == (False, 1)
    assert _usage(ws) == [("安亭镇（新）", 1), ("马陆镇", 3)]


def test_rename_refusals_leave_everything(ws: Workspace) -> None:
    companies.add_company(ws, CompanyInput(name="甲", town="马陆镇"))
    with pytest.raises(NotFoundError, match="没有“江桥镇”"):
        towns.rename_town(ws, "江桥镇", "马陆镇")
    with pytest.raises(AuditDeskError, match="相同"):
        towns.rename_town(ws, "马陆镇", " 马陆镇")
    with pytest.raises(AuditDeskError, match="不能为空"):
        towns.rename_town(ws, "马陆镇", "")
    assert _usage(ws) == [("马陆镇", 1)]


def test_remove_only_an_unused_town(ws: Workspace) -> None:
    companies.add_company(ws, CompanyInput(name="甲", town="马陆镇"))
    towns.add_town(ws, "江桥镇")
    with pytest.raises(AuditDeskError, match="仍有 1 家企业"):
        towns.remove_town(ws, "马陆镇")
    assert towns.remove_town(ws, "江桥镇") == "江桥镇"
    with pytest.raises(NotFoundError):
        towns.remove_town(ws, "江桥镇")
    assert _usage(ws) == [("马陆镇", 1)]
