"""Certainty and money kind on every payroll finding (issue 14, point 11)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditdesk.models.finding import Certainty, MoneyKind, Severity
from auditdesk.rules.catalog import RULES
from auditdesk.rules.engine import EmployeeMonth, Rule, RuleContext, derive
from auditdesk.rules.params import load_params
from auditdesk.services.payroll import check_files
from tests.builders.payroll_rows import row as make_row
from tests.samples import PAYROLL_SAMPLES as SAMPLES

CASES = Path(__file__).resolve().parents[1] / "data" / "field_cases"
FILES = [
    *(SAMPLES / n for n in ("s1-simple.xlsx", "s2-titled-grouped.xlsx", "s3-gbk.csv")),
    *(p for p in sorted(CASES.glob("*.xls*")) if "08-" not in p.name),
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_finding_states_certainty_and_money_kind(path: Path) -> None:
    _imported, checked = check_files([path])
    for f in checked.findings:
        if f.certainty is Certainty.DEPENDS:
            assert f.depends_on, f
            assert f.severity.rank >= Severity.MEDIUM.rank, f  # never 高 on an unstated fact
        if f.amount is not None:
            assert f.money_kind is not None, f


def test_every_rule_names_its_test_and_money_kind() -> None:
    for rule in RULES:
        assert rule.test, rule.id
        if rule.id not in {"DATA.ID_INVALID", "DATA.DUPLICATE", "DATA.ARITHMETIC",
                           "AGE.MINOR_WORKER", "AGE.PAST_RETIREMENT", "HOURS.OT_MONTHLY_CAP"}:  # fmt: skip
            assert rule.money_kind is not None, rule.id


def test_a_finding_resting_on_an_unstated_fact_is_never_high() -> None:
    params = load_params("shanghai")
    [emp] = derive([make_row(gross_pay=Decimal(3000))], params)
    ctx = RuleContext(params=params, present=frozenset())
    rule: Rule = RULES[0]
    finding = ctx.finding(
        rule,
        emp,
        "x",
        amount=Decimal(1),
        severity=Severity.CRITICAL,
        depends_on="劳动合同约定的工资",
    )
    assert finding.severity is Severity.MEDIUM
    assert finding.certainty is Certainty.DEPENDS
    assert finding.money_kind is rule.money_kind
    plain = ctx.finding(rule, emp, "x", amount=Decimal(1), money_kind=MoneyKind.PAID_LATE)
    assert plain.certainty is Certainty.DEFINITE
    assert plain.money_kind is MoneyKind.PAID_LATE
    assert isinstance(emp, EmployeeMonth)


def test_readme_rule_table_states_each_rules_test() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines()
            if line.startswith("| `")}  # fmt: skip
    for rule in RULES:
        assert rule.id in rows, rule.id
        assert rule.test in rows[rule.id], rule.id  # the table says what the code tests


def test_a_group_resting_wholly_on_a_fact_to_verify_says_so_in_its_headline() -> None:
    """The headline becomes the finding's title, which the letters list under 请贵单位依法纠正:
    employing a 17-year-old is lawful, so 使用未成年工 alone would read as a violation."""
    from auditdesk.models.common import Area
    from auditdesk.models.payroll import PayrollFinding
    from auditdesk.rules.review import group_findings

    def finding(key: str, certainty: Certainty) -> PayrollFinding:
        return PayrollFinding(rule="AGE.MINOR_WORKER", title="使用未成年工", severity=Severity.MEDIUM,
                              area=Area.ONBOARDING, period="2025-06", employee_key=key,
                              message="…", certainty=certainty)  # fmt: skip

    [group] = group_findings([finding("E0052", Certainty.DEPENDS)])
    assert group.headline() == "1 名员工 2025-06 使用未成年工（待核实）"
    [mixed] = group_findings(
        [finding("E0052", Certainty.DEPENDS), finding("E0053", Certainty.DEFINITE)]
    )
    assert mixed.headline() == "2 名员工 2025-06 使用未成年工"
