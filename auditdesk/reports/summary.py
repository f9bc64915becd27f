"""The report's executive summary: the findings ranked by risk, and a count by severity.

Ranking: severity first; within one severity, findings with money before those without, money
compared only within one kind (应补发工资 before 应补缴社保公积金 before 赔偿风险 …, the order of
:class:`MoneyKind`), the larger amount first; amounts of unlike kinds are never added or compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from auditdesk.formatting import format_money
from auditdesk.models.finding import Finding, MoneyKind, Severity, kind_label

TOP_RISKS = 5
"""How many findings the summary names."""


def risk_key(finding: Finding) -> tuple[int, int, Decimal]:
    """Sort key, most serious first: (severity rank, money kind order, minus the amount)."""
    kinds = list(MoneyKind)
    if finding.money_at_stake is None:
        return finding.severity.rank, len(kinds) + 1, Decimal(0)
    kind = kinds.index(finding.money_kind) if finding.money_kind is not None else len(kinds)
    return finding.severity.rank, kind, -finding.money_at_stake


def top_risks(
    numbered: Sequence[tuple[Any, Finding]], limit: int = TOP_RISKS
) -> list[dict[str, Any]]:
    """The ``limit`` most serious findings of ``numbered`` ((问题编号, finding) pairs; the number
    breaks ties, so give numbers that sort in order, e.g. ``W07`` or 7).

    Returns dicts with ``rank`` (1…), ``no`` (the finding's number in the report), ``title``,
    ``area``, ``severity_label`` and ``money`` (``应补发工资约 ¥1,234.00`` or ``""``).
    """
    ranked = sorted(numbered, key=lambda pair: (risk_key(pair[1]), pair[0]))[:limit]
    return [
        {"rank": rank, "no": no, "title": f.title, "area": f.area.label,
         "severity_label": f.severity.label, "money": _money(f)}
        for rank, (no, f) in enumerate(ranked, start=1)
    ]  # fmt: skip


def _money(finding: Finding) -> str:
    """``应补发工资约 ¥1,234.00``; ``""`` without an amount or when the title already states it."""
    if finding.money_at_stake is None:
        return ""
    if format_money(finding.money_at_stake, symbol=False) in finding.title:
        return ""
    return f"{kind_label(finding.money_kind)}约 {format_money(finding.money_at_stake)}"


def severity_counts(findings: Sequence[Finding]) -> str:
    """``严重 2 项、高 5 项、中 1 项`` (severities with no finding left out; ``""`` for none)."""
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    return "、".join(f"{s.label} {n} 项" for s, n in counts.items() if n)


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → ``一``, 10 → ``十``, 12 → ``十二``, 23 → ``二十三`` (1…99), for 一、 and （一） headings.

    Raises:
        ValueError: ``n`` outside 1…99.
    """
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_numeral supports 1…99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")
