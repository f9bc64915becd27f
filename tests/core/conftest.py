"""Setups shared by the store and service tests (the workspace fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from auditdesk.models.common import Area
from auditdesk.models.company import CompanyInput
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.services import attachments, audits, companies, payroll
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace
from auditdesk.store import schema
from tests.samples import PAYROLL_SAMPLES

AddFinding = Callable[..., Finding]
StartCase = Callable[[Workspace, Path, bytes], None]


@pytest.fixture
def add_finding() -> AddFinding:
    """``add_finding(ws, name="甲公司")``: a new company ``name`` with an audit (started
    2025-07-01) holding one checklist finding (ONB.1 未签合同, high); returns the finding."""

    def add(ws: Workspace, name: str = "甲公司") -> Finding:
        company = companies.add_company(ws, CompanyInput(name=name))
        audit = audits.start_audit(ws, company.id, started_on=date(2025, 7, 1))
        finding = Finding(
            audit_id=audit.id,
            origin=FindingOrigin.CHECKLIST,
            origin_ref="ONB.1",
            area=Area.ONBOARDING,
            severity=Severity.HIGH,
            title="未签合同",
        )
        with ws.store.transaction() as tx:
            tx.insert_finding(finding)
        return finding

    return add


@pytest.fixture
def office_database(db_backend: str, request: pytest.FixtureRequest) -> str | None:
    """The union office's database: the shared server in the ``postgresql`` variant (its URL),
    else ``None`` (the SQLite file in the office's data dir)."""
    return request.getfixturevalue("pg_database") if db_backend == "postgresql" else None


@pytest.fixture
def start_case() -> StartCase:
    """``start_case(ws, evidence, content)``: the side where a case file begins: the demo
    company, an audit with payroll (``s3-gbk.csv``), and the file ``evidence`` (written with
    ``content``) attached to the first finding by id."""

    def start(ws: Workspace, evidence: Path, content: bytes) -> None:
        load_demo(ws)
        company = companies.list_companies(ws)[0].company
        audit = audits.start_audit(ws, company.id)
        payroll.import_payroll(ws, audit.id, [PAYROLL_SAMPLES / "s3-gbk.csv"])
        evidence.write_bytes(content)
        with ws.store.read() as tx:
            f = schema.findings
            first = tx.conn.execute(f.select().order_by(f.c.id)).first()
        assert first is not None
        attachments.attach_file(ws, evidence, finding_id=first.id)

    return start
