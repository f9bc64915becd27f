"""One payroll review: the rules run once over the rows read once, grouped once, with one employee
identity, for every consumer (the 工资核查 dialog, adopting a group as a finding, the 跟诊 re-check
and every document).

A finding points back at the row it was made on (file, sheet, row), so whatever a document shows
beside it (an ID number, a name) comes from that same row, never from a lookup by 工号 or name that
could hit another person. Each group carries a content hash; a finding adopted from a group keeps
it, so a later re-import that changes the group is visible instead of silently changing documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from auditdesk.formatting import format_money
from auditdesk.models.finding import Certainty, MoneyKind, Severity, kind_label, money_by_kind
from auditdesk.models.payroll import (
    CheckResult,
    FileReport,
    PayrollField,
    PayrollFinding,
    PayrollRow,
)
from auditdesk.rules.engine import person_token, run_rules

RANGE = ".."
"""Joins the first and last month of a group merged across months: ``PAY.OT_UNDERPAID@2025-05..2025-07``."""

SourceRef = tuple[str, str, int]
"""(file, sheet, 1-based row): where a payroll row stands in the company's file."""


@dataclass(frozen=True)
class ReviewGroup:
    """The findings of one rule in one pay month: what becomes one finding in the report."""

    rule: str
    title: str
    period: str
    severity: Severity
    findings: list[PayrollFinding]

    @property
    def ref(self) -> str:
        """``PAY.MIN_WAGE@2025-07``: how an adopted finding names its group."""
        return f"{self.rule}@{self.period}"

    @property
    def employees(self) -> int:
        return len({f.person or f.employee_key for f in self.findings})

    @property
    def persons(self) -> list[str]:
        """The identity tokens of the group's employees (what an adopted finding keeps)."""
        return sorted({f.person or f.employee_key for f in self.findings})

    @property
    def totals(self) -> dict[MoneyKind | None, Decimal]:
        """The group's amounts per money kind (one kind for almost every rule)."""
        return money_by_kind((f.money_kind, f.amount) for f in self.findings)

    @property
    def money_kind(self) -> MoneyKind | None:
        """The kind of the group's amounts, when they are of one kind."""
        kinds = list(self.totals)
        return kinds[0] if len(kinds) == 1 else None

    @property
    def total(self) -> Decimal | None:
        """The group's amount when all of it is of one kind; ``None`` otherwise (never a sum of
        unlike kinds)."""
        totals = self.totals
        return next(iter(totals.values())) if len(totals) == 1 else None

    @property
    def definite_total(self) -> Decimal | None:
        """The amount a report finding may state as at stake: the definite findings' amounts when
        they are of one kind; amounts that rest on a fact to verify stay in the facts only."""
        totals = money_by_kind(
            (f.money_kind, f.amount) for f in self.findings if f.certainty is Certainty.DEFINITE
        )
        return next(iter(totals.values())) if len(totals) == 1 else None

    @property
    def content_hash(self) -> str:
        """SHA-256 over what the group says (who, how much, what): equal for the same payroll,
        different after any re-import that changes the group's findings."""
        lines = sorted(
            "\x1f".join((f.person or f.employee_key, f.severity.value, str(f.amount or ""),
                         f.money_kind.value if f.money_kind else "", f.message))
            for f in self.findings
        )  # fmt: skip
        return hashlib.sha256("\x1e".join([self.ref, *lines]).encode()).hexdigest()

    @property
    def period_label(self) -> str:
        """``2025-07``, or ``2025-05 至 2025-07`` for a group merged across months."""
        return self.period.replace(RANGE, " 至 ")

    def headline(self) -> str:
        """``12 名员工 2025-07 加班费低于法定标准，应补发工资合计 8,432.10 元``; amounts that rest on
        a fact to verify are said so (``待核实：应补发工资合计 …``), never as owed, and a group
        with no amount whose every finding rests on such a fact ends ``（待核实）`` (``1 名员工
        2025-06 使用未成年工（待核实）``: employing a minor is lawful, registration unknown)."""
        money = ""
        for certainty, prefix in ((Certainty.DEFINITE, ""), (Certainty.DEPENDS, "待核实：")):
            totals = money_by_kind(
                (f.money_kind, f.amount) for f in self.findings if f.certainty is certainty
            )
            money += "".join(
                f"，{prefix}{kind_label(kind)}合计 {format_money(amount, symbol=False)} 元"
                for kind, amount in totals.items()
                if amount
            )
        if not money and all(f.certainty is Certainty.DEPENDS for f in self.findings):
            money = "（待核实）"
        return f"{self.employees} 名员工 {self.period_label} {self.title}{money}"


def group_findings(findings: Iterable[PayrollFinding]) -> list[ReviewGroup]:
    """Findings grouped by rule and pay month, most severe first."""
    groups: dict[tuple[str, str], list[PayrollFinding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.period), []).append(f)
    out = [
        ReviewGroup(rule, members[0].title, period,
                    min((m.severity for m in members), key=lambda s: s.rank), members)
        for (rule, period), members in groups.items()
    ]  # fmt: skip
    out.sort(key=lambda g: (g.severity.rank, g.rule, g.period))
    return out


@dataclass(frozen=True)
class PayrollReview:
    """The rules' result over one audit's (or one set of files') payroll, with its rows."""

    result: CheckResult
    rows: Sequence[PayrollRow]
    groups: list[ReviewGroup]
    _by_source: dict[SourceRef, PayrollRow] = field(default_factory=dict, repr=False)
    """Filled on the first :meth:`row_of` (``payroll check`` of a file never asks)."""

    def row_of(self, finding: PayrollFinding) -> PayrollRow | None:
        """The very row ``finding`` was made on (by file, sheet and row), or ``None``."""
        if not self._by_source and self.rows:
            self._by_source.update(
                ((r.source_file, r.source_sheet, r.source_row), r) for r in self.rows
            )
        return self._by_source.get((finding.source_file, finding.source_sheet, finding.source_row))

    def group(self, ref: str) -> ReviewGroup | None:
        """The group named ``RULE@YYYY-MM``, if the payroll still produces it; for a merged ref
        ``RULE@FIRST..LAST``, one group of every finding of the rule in those months (each
        employee's months together), or ``None`` when there is none."""
        if RANGE not in ref:
            return next((g for g in self.groups if g.ref == ref), None)
        rule, first, last = ref_range(ref)
        members = [g for g in self.groups if g.rule == rule and first <= g.period <= last]
        if not members:
            return None
        findings = sorted(
            (f for g in members for f in g.findings),
            key=lambda f: (f.person or f.employee_key, f.period),
        )
        severity = min((g.severity for g in members), key=lambda s: s.rank)
        return ReviewGroup(rule, members[0].title, f"{first}{RANGE}{last}", severity, findings)

    def persons_in(self, period: str) -> set[str]:
        """The identity tokens of everyone in the payroll of ``period``."""
        return {person_token(r) for r in self.rows if r.period == period}

    @property
    def latest_period(self) -> str | None:
        return max(self.result.periods) if self.result.periods else None


def ref_range(ref: str) -> tuple[str, str, str]:
    """``RULE@2025-05..2025-07`` → (rule, first month, last month); a one-month ref has
    first == last."""
    rule, _, period = ref.partition("@")
    first, _, last = period.partition(RANGE)
    return rule, first, last or first


def overlaps(a: str, b: str) -> bool:
    """Whether two group refs (one month or merged) name the same rule in a common month."""
    rule_a, first_a, last_a = ref_range(a)
    rule_b, first_b, last_b = ref_range(b)
    return rule_a == rule_b and first_a <= last_b and first_b <= last_a


def merged_refs(refs: Iterable[str]) -> list[str]:
    """The refs to adopt when ``refs`` are merged: one per rule, from its first to its last
    month (``RULE@FIRST..LAST``; a rule with one month keeps its one-month ref)."""
    spans: dict[str, tuple[str, str]] = {}
    for ref in refs:
        rule, first, last = ref_range(ref)
        lo, hi = spans.get(rule, (first, last))
        spans[rule] = (min(lo, first), max(hi, last))
    return [f"{rule}@{lo}" if lo == hi else f"{rule}@{lo}{RANGE}{hi}"
            for rule, (lo, hi) in spans.items()]  # fmt: skip


def mapped_fields(reports: Sequence[FileReport]) -> frozenset[PayrollField]:
    """The fields the files had columns for (blank cells included), from their import reports."""
    fields = {
        c.field for f in reports for s in f.sheets if s.imported for c in s.columns if c.field
    }
    return frozenset(fields | {PayrollField.PERIOD})


def review_payroll(
    rows: Sequence[PayrollRow],
    *,
    region: str = "shanghai",
    reports: Sequence[FileReport] = (),
    agreed_pay_day: int | None = None,
) -> PayrollReview:
    """Run every rule once over ``rows`` and group the findings.

    Args:
        rows: the payroll rows (any files, months and employees), read once by the caller.
        region: the parameter set.
        reports: the import reports of the rows' files: which fields had columns, and which
            money columns were left unmapped (see ``rules.engine.run_rules``).
        agreed_pay_day: the company's agreed pay day.
    """
    present = mapped_fields(reports) if reports else None
    result = run_rules(rows, region=region, present=present, agreed_pay_day=agreed_pay_day,
                       reports=reports)  # fmt: skip
    return PayrollReview(result, rows, group_findings(result.findings))


def adopted_state(group_hash: str | None, group: ReviewGroup | None) -> str:
    """How an adopted finding stands against today's payroll: ``""`` (unchanged, or adopted
    before hashes were kept), ``changed`` or ``gone``."""
    if not group_hash:
        return ""
    if group is None:
        return "gone"
    return "" if group.content_hash == group_hash else "changed"
