"""The shared samples must give exactly their expected findings, and none on clean employee-months."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditdesk.models.payroll import PayrollField
from auditdesk.payroll.importer import read_payroll
from auditdesk.rules.engine import run_rules
from tests.samples import PAYROLL_SAMPLES as SAMPLES

FILES = ["s1-simple.xlsx", "s2-titled-grouped.xlsx", "s3-gbk.csv"]


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SAMPLES / f"{name.rsplit('.', 1)[0]}.expected.json").read_text()
    )
    return data


@pytest.mark.parametrize("name", FILES)
def test_sample_findings(name: str) -> None:
    spec = _expected(name)
    imported = read_payroll([SAMPLES / name])
    present = frozenset(
        c.field for f in imported.files for s in f.sheets for c in s.columns if c.field
    ) | {PayrollField.PERIOD}
    result = run_rules(imported.rows, present=present)
    scored = set(spec["scored_rules"])
    assert scored <= set(result.rules_run)
    got = {(f.rule, f.employee_key, f.period) for f in result.findings if f.rule in scored}
    want = {(e["rule"], e["employee_id"], e["period"]) for e in spec["expected"]}
    assert want - got == set(), "missed"
    clean = {(c["employee_id"], c["period"]) for c in spec["clean"]}
    false_alarms = {g for g in got if (g[1], g[2]) in clean}
    assert false_alarms == set()
    assert got == want  # nothing else either, on these files
    for f in result.findings:
        assert f.legal_basis, f.rule
        assert f.source_row > 0
