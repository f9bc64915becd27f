"""Every article a rule's texts cite is in its legal basis: documents print the basis beside the
consequence and remedy, so an article named only in the text is one the union cannot show."""

from __future__ import annotations

import re

import pytest

from auditdesk.reports.laws import LAWS, chinese_number
from auditdesk.rules.catalog import RULES
from auditdesk.rules.engine import Rule

_NUM = "[零一二两三四五六七八九十百千]+"
_ARTICLES = re.compile(rf"第({_NUM})条(?:至第({_NUM})条)?(?:第{_NUM}款)?(?:第{_NUM}项)?")
_RUN = re.compile(rf"(?:第{_NUM}条(?:至第{_NUM}条)?(?:第{_NUM}款)?(?:第{_NUM}项)?[、和及]?)+")
_NAMED = re.compile(
    r"《([^》]+)》$|([\u4e00-\u9fff（）]*(?:法|规定|条例|办法|解释（[一二]）|通知))$"
)
ALIASES = {"实施条例": "劳动合同法实施条例"}
"""Short forms the texts use after naming the law in full (劳动合同法第八十二条…，实施条例第六条)."""
_FULL = {law.full: short for short, law in LAWS.items()}


def _numbers(text: str) -> set[int]:
    """第十条、第十六条至第十八条、第十四条第三款 → {10, 16, 17, 18, 14}."""
    out: set[int] = set()
    for m in _ARTICLES.finditer(text):
        first = chinese_number(m.group(1))
        last = chinese_number(m.group(2)) if m.group(2) else first
        out.update(range(first, last + 1))
    return out


def _law_name(before: str) -> str | None:
    """The law named right before an article (its data name, as ``cite()`` takes it), or None
    for a bare 第…条 that continues the law cited before it."""
    m = _NAMED.search(before)
    if m is None:
        return None
    named = m.group(1) or m.group(2)
    for start in range(len(named)):  # the longest known name the text ends with
        tail = named[start:]
        if tail in LAWS:
            return tail
        if tail in _FULL:
            return _FULL[tail]
        if tail in ALIASES:
            return ALIASES[tail]
    return named


def cited_articles(text: str) -> list[tuple[str, int]]:
    """Every (law, article number) ``text`` cites; a bare 第…条 belongs to the law named last."""
    out: list[tuple[str, int]] = []
    law: str | None = None
    for m in _RUN.finditer(text):
        named = _law_name(text[: m.start()])
        if named is not None:
            law = named
        if law is None:
            raise AssertionError(
                f"an article without a law: {text[max(0, m.start() - 20) : m.end()]}"
            )
        out.extend((law, n) for n in sorted(_numbers(m.group(0))))
    return out


def basis_articles(rule: Rule) -> set[tuple[str, int]]:
    return {(c.law, n) for c in rule.legal_basis for n in _numbers(c.article)}


def test_the_citation_reader() -> None:
    text = ("加付赔偿金（劳动合同法第八十五条）；视为已订立（劳动合同法第八十二条、第十四条第三款，"
            "实施条例第六条、第七条）；《住房公积金管理条例》第十六条至第十八条")  # fmt: skip
    assert cited_articles(text) == [
        ("劳动合同法", 85), ("劳动合同法", 14), ("劳动合同法", 82),
        ("劳动合同法实施条例", 6), ("劳动合同法实施条例", 7),
        ("住房公积金管理条例", 16), ("住房公积金管理条例", 17), ("住房公积金管理条例", 18),
    ]  # fmt: skip


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_article_a_rule_cites_is_in_its_legal_basis(rule: Rule) -> None:
    basis = basis_articles(rule)
    for field in ("consequence", "remedy", "description", "test"):
        for law, number in cited_articles(getattr(rule, field)):
            assert (law, number) in basis, (
                f"{rule.id}.{field} cites {law} 第{number}条, not in its legal_basis {sorted(basis)}"
            )
