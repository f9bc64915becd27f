"""Numbered, forward-only schema steps that run on SQLite and PostgreSQL.

Each step is a function taking alembic ``Operations`` bound to the open transaction; the runner in
``auditdesk.store.migrate`` applies a step and its version bump in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alembic.operations import Operations

from auditdesk.store.migrations import (
    m0001_initial,
    m0002_checklist_snapshots,
    m0003_payroll,
    m0004_company_pay_day,
    m0005_visit_history,
    m0006_followups,
    m0007_case_exchange,
    m0008_money_kind,
    m0009_letters,
    m0010_finding_consequence,
    m0011_report_records,
    m0012_towns,
    m0013_server_types,
    m0014_unanswered_notes,
    m0015_record_versions,
    m0016_change_log,
    m0017_office_files,
)


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    apply: Callable[[Operations], None]


STEPS: list[Step] = [
    Step(
        1,
        "initial schema: companies, audits, visits, answers, findings, attachments",
        m0001_initial.upgrade,
    ),
    Step(2, "checklist snapshots pinned by audits", m0002_checklist_snapshots.upgrade),
    Step(3, "imported payroll rows and column mapping profiles", m0003_payroll.upgrade),
    Step(4, "agreed pay day of a company", m0004_company_pay_day.upgrade),
    Step(5, "change history, self-assessments, dismissed findings", m0005_visit_history.upgrade),
    Step(6, "rectification moves, follow-ups, letters, payroll subjects", m0006_followups.upgrade),
    Step(7, "record versions seen in case-file exchanges", m0007_case_exchange.upgrade),
    Step(8, "money kind of a finding's amount, payroll group hash", m0008_money_kind.upgrade),
    Step(9, "letter numbers, service dates, issued content; union settings", m0009_letters.upgrade),
    Step(10, "a finding's own legal consequence", m0010_finding_consequence.upgrade),
    Step(11, "finding numbers (问题编号), issued documents (出具)", m0011_report_records.upgrade),
    Step(12, "the office's list of towns (街镇), seeded from companies", m0012_towns.upgrade),
    Step(
        13,
        "one finding per checklist item; native types on a PostgreSQL server",
        m0013_server_types.upgrade,
    ),
    Step(
        14,
        "an answer's result may be empty (a note on an unanswered item)",
        m0014_unanswered_notes.upgrade,
    ),
    Step(
        15,
        "record versions and who last changed each record (stale saves are refused)",
        m0015_record_versions.upgrade,
    ),
    Step(
        16,
        "the change log covers every record and outlives it (no cascade; company, undo columns)",
        m0016_change_log.upgrade,
    ),
    Step(
        17,
        "evidence files, office settings and checklists kept in a server database",
        m0017_office_files.upgrade,
    ),
]

LATEST_VERSION = STEPS[-1].version
