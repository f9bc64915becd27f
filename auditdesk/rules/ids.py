"""Resident ID numbers (GB 11643-1999): check character, birth date, sex, province code; also the
Hong Kong/Macau/Taiwan residence permits and the 2023 foreigner permanent-residence ID (facts §1.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCES = frozenset(
    (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
)  # fmt: skip
"""First two digits of a citizen ID number (GB 11643-1999), plus 81/82/83: the residence permits of
Hong Kong, Macau and Taiwan residents (810000 / 820000 / 830000), which use the same layout."""
FOREIGN_PERMANENT = "9"
"""First digit of the 2023 foreigner permanent-residence ID: same 18-character layout, birth date
and MOD 11-2 check character, but no province code in the first two digits."""


@dataclass(frozen=True)
class IdInfo:
    """What an ID number says. ``problem`` is a Chinese reason when it is not a valid number;
    ``birth`` and ``male`` are filled whenever they can be read (also from old 15-digit numbers)."""

    number: str
    problem: str | None
    birth: date | None
    male: bool | None
    old_format: bool = False


def check_char(first17: str) -> str:
    """The MOD 11-2 check character of an ID number's first 17 digits (GB 11643-1999).

    Raises ValueError when ``first17`` is not 17 digits long or has a non-digit.
    """
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"expected {len(WEIGHTS)} digits, got {len(first17)}")
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def _birth(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse_id(number: str, *, today: date | None = None) -> IdInfo:
    s = number.strip().upper()
    today = today or date.today()
    if len(s) == 15 and s.isdigit():
        birth = _birth("19" + s[6:12])
        problem = "15 位旧式身份证号，无校验位，请核对身份证原件"
        if birth is None:
            problem = "15 位旧式身份证号中的出生日期无效"
        return IdInfo(s, problem, birth, int(s[14]) % 2 == 1, old_format=True)
    if len(s) != 18:
        return IdInfo(s, f"身份证号应为 18 位，实为 {len(s)} 位", None, None)
    if not (s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
        return IdInfo(s, "身份证号含有非法字符（前 17 位应为数字，末位为数字或 X）", None, None)
    birth = _birth(s[6:14])
    male = int(s[16]) % 2 == 1
    if birth is None:
        return IdInfo(s, f"身份证号中的出生日期 {s[6:14]} 不存在", None, male)
    if birth > today:
        return IdInfo(s, f"身份证号中的出生日期 {birth:%Y-%m-%d} 在未来", None, male)
    if not s.startswith(FOREIGN_PERMANENT) and int(s[:2]) not in PROVINCES:
        return IdInfo(s, f"身份证号的省份代码 {s[:2]} 不存在", birth, male)
    expected = check_char(s[:17])
    if s[17] != expected:
        return IdInfo(s, f"身份证号校验位错误（应为 {expected}，实为 {s[17]}）", birth, male)
    return IdInfo(s, None, birth, male)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday(birth: date, years: int) -> date:
    """The date ``birth`` turns ``years`` (29 February → 1 March in other years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)
