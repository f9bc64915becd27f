"""Bounded fuzzing of both importers: whatever the bytes, the payroll importer raises nothing but
``AuditDeskError`` and the case importer nothing but ``ArchiveError`` (and writes nothing then).

Hypothesis mutates genuine files (flipped bytes, cut-off tails, spliced garbage) and, for case
files, also generates record values and re-seals the manifest so the checks past the hashes are
reached. The example counts keep the whole module to a few seconds in CI; raise ``FUZZ_EXAMPLES``
locally for a longer run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditdesk.archive import ArchiveError
from auditdesk.errors import AuditDeskError
from auditdesk.payroll.importer import read_payroll
from auditdesk.services import cases, companies
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace
from tests.samples import PAYROLL_SAMPLES as SAMPLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs in every CI run; a failure reproduces
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "splice", "zero"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            data[at : at + draw(st.integers(1, 512))] = b"\x00" * 16
    return bytes(data)


PAYROLL_FILES = {name: (SAMPLES / name).read_bytes() for name in ("s1-simple.xlsx", "s3-gbk.csv")}


@pytest.mark.parametrize("name", sorted(PAYROLL_FILES))
def test_payroll_importer_raises_only_its_own_error(name: str, tmp_path: Path) -> None:
    @FUZZ
    @given(data=mutated(PAYROLL_FILES[name]))
    def run(data: bytes) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        try:
            read_payroll([path])
        except AuditDeskError as exc:
            assert path.name in exc.message  # noqa: PT017 - may or may not raise

    run()


# ------------------------------------------------------------------ case files
@pytest.fixture(scope="module")
def genuine_case(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("case-source")
    with Workspace.open(root / "laptop") as ws:
        load_demo(ws)
        target = root / "genuine.adcase"
        cases.export_case(ws, companies.list_companies(ws)[0].company.id, target)
    return target.read_bytes()


@pytest.fixture
def office(tmp_path: Path, template_db: Path) -> Workspace:
    (tmp_path / "office").mkdir()
    shutil.copyfile(template_db, tmp_path / "office" / "auditdesk.db")
    return Workspace.open(tmp_path / "office")


def _count(ws: Workspace) -> int:
    with ws.store.read() as tx:
        return tx.count_rows("companies") + tx.count_rows("findings") + tx.count_rows("answers")


def _import_expecting_only_archive_errors(ws: Workspace, path: Path) -> None:
    before = _count(ws)
    try:
        cases.import_case(ws, path)
    except ArchiveError as exc:
        assert exc.message.startswith(path.name)  # noqa: PT017 - may or may not raise
        assert _count(ws) == before


def test_case_importer_on_mutated_bytes(
    genuine_case: bytes, office: Workspace, tmp_path: Path
) -> None:
    @FUZZ
    @given(data=mutated(genuine_case))
    def run(data: bytes) -> None:
        path = tmp_path / "mutated.adcase"
        path.write_bytes(data)
        _import_expecting_only_archive_errors(office, path)

    try:
        run()
    finally:
        office.close()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def test_case_importer_on_generated_records(
    genuine_case: bytes, office: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "genuine.adcase"
    source.write_bytes(genuine_case)
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
        manifest = json.loads(zf.read("manifest.json"))
    tables = sorted(n for n in members if n.startswith("records/"))

    @FUZZ
    @given(
        member=st.sampled_from(tables),
        field=st.sampled_from(["id", "audit_id", "title", "status", "legal_basis", "created_at",
                               "money_at_stake", "result", "name", "due_date", "columns", "data"]),
        value=JSONISH,
        whole=st.booleans(),
    )  # fmt: skip
    def run(member: str, field: str, value: Any, whole: bool) -> None:
        rows = json.loads(members[member])
        if whole or not rows:
            rows = value if whole else [value]
        else:
            rows[0][field] = value
        changed = {**members, member: json.dumps(rows).encode()}
        meta = {**manifest, "members": {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                                        for n, d in changed.items()}}  # fmt: skip
        path = tmp_path / "generated.adcase"
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in changed.items():
                zf.writestr(name, data)
            zf.writestr("manifest.json", json.dumps(meta))
        _import_expecting_only_archive_errors(office, path)

    try:
        run()
    finally:
        office.close()
