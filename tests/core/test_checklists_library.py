"""The shipped checklist library: complete, consistent, honest about unverified points."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditdesk.checklists.loader import load_library
from auditdesk.checklists.schema import BasisStatus, ChecklistLibrary, Scale
from auditdesk.models.common import Area
from auditdesk.paths import shipped_dir

CORE_AREAS = [Area.ONBOARDING, Area.RULES, Area.HOURS, Area.LEAVE, Area.PAY, Area.SOCIAL_INSURANCE]


@pytest.fixture(scope="module")
def library() -> ChecklistLibrary:
    result = load_library(shipped_dir("checklists"))
    assert result.skipped == []
    return result.library


def test_seven_modules_in_order(library: ChecklistLibrary) -> None:
    assert [m.area for m in library.modules] == list(Area)
    assert [m.title for m in library.modules] == [a.label for a in Area]


@pytest.mark.parametrize("area", CORE_AREAS)
def test_each_core_area_has_at_least_twelve_scored_items(
    library: ChecklistLibrary, area: Area
) -> None:
    (module,) = library.modules_for(area)
    scored = [i for i in module.items if i.scale is Scale.COMPLIANCE]
    assert len(scored) >= 12
    assert any(i.core for i in scored), "a basic (基础) audit needs core items in every area"


def test_every_scored_item_is_complete(library: ChecklistLibrary) -> None:
    for item in library.items():
        if item.scale is not Scale.COMPLIANCE:
            continue
        assert len(item.question) >= 10, item.id
        assert len(item.guidance) >= 10, item.id
        assert len(item.consequence) >= 10, item.id
        assert len(item.remedy) >= 10, item.id
        for citation in item.legal_basis:
            assert citation.law, (item.id, citation)
            assert citation.article, (item.id, citation)
        assert item.question.endswith("？"), item.id


def test_every_scored_item_states_its_finding_as_a_fact(library: ChecklistLibrary) -> None:
    scored = [i for i in library.items() if i.scale is Scale.COMPLIANCE]
    assert len(scored) == 95
    for item in scored:
        assert item.finding, item.id
        assert item.statement == item.finding
        assert 6 <= len(item.finding) <= 40, item.id
        assert item.finding != item.question, item.id
        assert not re.search(r"[？?]|是否|吗$", item.finding), item.id
    gates = [i for i in library.items() if i.scale is Scale.YES_NO]
    assert all(not i.finding for i in gates)


def test_ids_are_stable_ascii_with_area_prefix(library: ChecklistLibrary) -> None:
    prefixes = {
        Area.ONBOARDING: "ONB",
        Area.RULES: "RUL",
        Area.HOURS: "HRS",
        Area.LEAVE: "LEV",
        Area.PAY: "PAY",
        Area.SOCIAL_INSURANCE: "SOC",
        Area.SPECIAL_PERIOD: "SPC",
    }
    ids = [i.id for i in library.items()]
    assert len(ids) == len(set(ids))
    for module in library.modules:
        for item in module.items:
            assert item.id.startswith(prefixes[module.area] + "."), item.id
            assert re.fullmatch(r"[A-Z]+\.[A-Z0-9_]+", item.id)


def test_unverified_items_say_so(library: ChecklistLibrary) -> None:
    """Where the facts file marks a rule unverified, the item's own text must tell the auditor."""
    unverified = [i for i in library.items() if i.basis_status is BasisStatus.UNVERIFIED]
    assert len(unverified) >= 4
    for item in unverified:
        text = (
            item.guidance
            + item.consequence
            + item.remedy
            + "".join(c.article for c in item.legal_basis)
        )
        assert "核实" in text, item.id


def test_figures_match_the_facts_file(library: ChecklistLibrary) -> None:
    text = {i.id: i.guidance + i.question + i.consequence for i in library.items()}
    assert "2,740" in text["PAY.MIN_WAGE"]
    assert "7,460" in text["SOC.BASE"]
    assert "7,384" in text["SOC.BASE"]
    assert "158" in text["LEV.MATERNITY_LEAVE"]
    assert "300 元" in text["PAY.HIGH_TEMP_ALLOWANCE"]
    assert "36 小时" in text["HRS.OT_MONTHLY_CAP"]
    assert "500 元以上 2,000 元以下" in text["ONB.NO_DEPOSIT"]


def test_conditions_point_at_yes_no_gates(library: ChecklistLibrary) -> None:
    conditional = [i for i in library.items() if i.when is not None]
    assert len(conditional) >= 8
    for item in conditional:
        gate = library.item(item.when.item)
        assert gate is not None, item.id
        assert gate.scale is Scale.YES_NO, item.id


def test_key_changes_when_text_changes(library: ChecklistLibrary, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "checklists"
    shutil.copytree(shipped_dir("checklists"), copy)
    same = load_library(copy).library
    assert same.key == library.key  # source paths do not count
    pay = copy / "pay.toml"
    pay.write_text(
        pay.read_text(encoding="utf-8").replace("2,740 元/月", "2,800 元/月"), encoding="utf-8"
    )
    changed = load_library(copy).library
    assert changed.version == library.version
    assert changed.key != library.key
