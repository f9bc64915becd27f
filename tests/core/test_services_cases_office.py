"""Issue 20, point 8: case files carry a company between a laptop's SQLite file and the office's
database both ways, with the same conflict handling in each direction.

In the ``postgresql`` variant the office is the shared server and the laptop a SQLite file, as in
the field: laptop → office and office → laptop are both tested, and a finding edited on both
sides is the same conflict (the two values swapped) wherever it is imported, resolved to the same
result. In the ``sqlite`` variant both are files (the behaviour must not depend on the backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditdesk.services import cases, companies, visit
from auditdesk.services.cases import CaseConflictError
from auditdesk.services.workspace import Workspace
from tests.core.conftest import StartCase
from tests.core.test_services_cases import _blobs, _dump, _findings, _title


@pytest.fixture
def office(
    tmp_path: Path, office_database: str | None, start_case: StartCase
) -> Iterator[Workspace]:
    """The union office (the shared server in the ``postgresql`` variant), where the case began:
    the demo company, an audit with payroll, evidence on a finding."""
    ws = Workspace.open(tmp_path / "office", database=office_database)
    start_case(ws, tmp_path / "考勤表扫描件.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 30)
    yield ws
    ws.close()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Workspace]:
    """A lawyer's laptop: its own SQLite file, empty before the case arrives."""
    ws = Workspace.open(tmp_path / "laptop", database="sqlite")
    yield ws
    ws.close()


def _company(ws: Workspace) -> str:
    return companies.list_companies(ws)[0].company.id


def _carry(source: Workspace, target: Workspace, file: Path, **options: object) -> cases.ImportPlan:
    cases.export_case(source, _company(source), file)
    return cases.import_case(target, file, **options)  # type: ignore[arg-type]


def test_office_to_an_empty_laptop_is_exact(
    office: Workspace, laptop: Workspace, tmp_path: Path
) -> None:
    plan = _carry(office, laptop, tmp_path / "出差带走.adcase")
    assert plan.counts["企业"]["added"] == 1
    assert plan.attachments_added == 1
    assert _dump(laptop) == _dump(office)
    assert _blobs(laptop) == _blobs(office)
    # the laptop can work offline with what it took
    finding = _findings(laptop)[0]
    visit.edit_finding(laptop, finding["id"], {"owner": "人事部 王经理"}, by="张律师")


def test_edits_travel_back_and_forth_without_conflicts(
    office: Workspace, laptop: Workspace, tmp_path: Path
) -> None:
    _carry(office, laptop, tmp_path / "1.adcase")
    finding = str(_findings(office)[0]["id"])

    # offline on the laptop, then back to the office
    visit.edit_finding(laptop, finding, {"title": "现场核实后的标题"}, by="张律师")
    back = _carry(laptop, office, tmp_path / "2.adcase")
    assert not back.conflicts
    assert back.counts["问题"]["updated"] == 1
    assert _title(office, finding) == "现场核实后的标题"

    # the office edits; the laptop takes it on its next trip
    visit.edit_finding(office, finding, {"severity": "critical"}, by="李主任")
    out = _carry(office, laptop, tmp_path / "3.adcase")
    assert not out.conflicts
    assert next(f["severity"] for f in _findings(laptop) if f["id"] == finding) == "critical"

    # both sides now hold the same case, history included (appended on each side, never lost)
    assert _dump(laptop) == _dump(office)
    again = _carry(laptop, office, tmp_path / "4.adcase")
    assert again.changes == 0


def test_a_finding_edited_on_both_sides_is_the_same_conflict_both_ways(
    office: Workspace, laptop: Workspace, tmp_path: Path
) -> None:
    _carry(office, laptop, tmp_path / "1.adcase")
    finding = str(_findings(office)[0]["id"])
    visit.edit_finding(office, finding, {"title": "办公室的标题"}, by="李主任")
    visit.edit_finding(laptop, finding, {"title": "律师的标题"}, by="张律师")
    from_laptop, from_office = tmp_path / "from_laptop.adcase", tmp_path / "from_office.adcase"
    cases.export_case(laptop, _company(laptop), from_laptop)
    cases.export_case(office, _company(office), from_office)

    at_office = cases.import_case(office, from_laptop, dry_run=True)
    at_laptop = cases.import_case(laptop, from_office, dry_run=True)
    [c_office] = at_office.conflicts
    [c_laptop] = at_laptop.conflicts
    assert c_office.ref == c_laptop.ref
    assert [(d.field, d.mine, d.theirs) for d in c_office.diffs] == [
        ("title", "办公室的标题", "律师的标题")
    ]
    assert [(d.field, d.mine, d.theirs) for d in c_laptop.diffs] == [
        ("title", "律师的标题", "办公室的标题")
    ]

    # without a choice each side stops and writes nothing
    before_office, before_laptop = _dump(office), _dump(laptop)
    for ws, file in ((office, from_laptop), (laptop, from_office)):
        with pytest.raises(CaseConflictError, match="1 处记录在两边都被修改过"):
            cases.import_case(ws, file)
    assert _dump(office) == before_office
    assert _dump(laptop) == before_laptop

    # the office's title is chosen: 本机 at the office, 案卷文件 on the laptop
    cases.import_case(office, from_laptop, choices={c_office.ref: "mine"})
    cases.import_case(laptop, from_office, choices={c_laptop.ref: "theirs"})
    assert _title(office, finding) == _title(laptop, finding) == "办公室的标题"

    # settled: the next exchange, either way, finds no conflict and nothing to change
    for source, target, name in ((laptop, office, "5.adcase"), (office, laptop, "6.adcase")):
        plan = _carry(source, target, tmp_path / name)
        assert not plan.conflicts
    assert _title(office, finding) == _title(laptop, finding) == "办公室的标题"


def test_prefer_resolves_the_same_way_in_both_directions(
    office: Workspace, laptop: Workspace, tmp_path: Path
) -> None:
    """``--prefer mine`` keeps the importing side's value, whichever side that is."""
    _carry(office, laptop, tmp_path / "1.adcase")
    finding = str(_findings(office)[0]["id"])
    visit.edit_finding(office, finding, {"remedy": "办公室的整改建议"}, by="李主任")
    visit.edit_finding(laptop, finding, {"remedy": "律师的整改建议"}, by="张律师")
    from_laptop, from_office = tmp_path / "a.adcase", tmp_path / "b.adcase"
    cases.export_case(laptop, _company(laptop), from_laptop)
    cases.export_case(office, _company(office), from_office)
    cases.import_case(office, from_laptop, prefer="mine")
    cases.import_case(laptop, from_office, prefer="mine")

    def remedy(ws: Workspace) -> str:
        return next(str(f["remedy"]) for f in _findings(ws) if f["id"] == finding)

    assert remedy(office) == "办公室的整改建议"
    assert remedy(laptop) == "律师的整改建议"
