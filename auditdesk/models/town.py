"""Towns (街镇) from the list the office keeps: a name, how many companies use it, and the rule
that tells a variant ("嘉定区马陆镇", " 马陆镇 ") from a listed name ("马陆镇")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# An optional city (上海市) then an optional district or county (嘉定区, 浦东新区, 崇明县) in front
# of the town's own name. Only a prefix: "嘉定工业区" or "菊园新区" alone are towns themselves.
_PREFIX = re.compile(r"^(?:[^市区县镇]{1,6}市)?(?:[^市区县镇]{1,6}[区县])?")


@dataclass(frozen=True)
class TownUsage:
    """A listed town and the number of companies whose 所属街镇 it is."""

    name: str
    companies: int


def clean_town(name: str) -> str:
    """The name as stored: surrounding spaces (ASCII or full-width) removed."""
    return name.strip().strip("\u3000").strip()


def town_key(name: str) -> str:
    """What two spellings of one town share: the name without spaces and without a leading
    city/district prefix ("上海市嘉定区马陆镇" → "马陆镇"); a name that is only such a prefix
    ("嘉定工业区", "菊园新区"), or that leaves one character, is kept whole."""
    bare = re.sub(r"[\s\u3000]+", "", name)
    rest = _PREFIX.sub("", bare, count=1)
    return rest if len(rest) >= 2 else bare


def listed_variant(name: str, listed: Iterable[str]) -> str | None:
    """The listed name that ``name`` only spells differently (prefix, spaces), or ``None`` when
    ``name`` is listed exactly, empty, or like no listed name."""
    cleaned = clean_town(name)
    names = list(listed)
    if not cleaned or cleaned in names:
        return None
    key = town_key(cleaned)
    for candidate in names:
        if town_key(candidate) == key:
            return candidate
    return None
