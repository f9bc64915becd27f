"""Personal data in documents (facts §10, corrected): reports and letters name employees by 工号
and masked name only; birth dates, full names, ID numbers and per-person wages go in a separate
annex marked 内部资料 that can be left out. A birth date never stands beside a partly masked ID
number (the masked digits *are* the birth date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from auditdesk.formatting import format_money, mask_id_number
from auditdesk.models.finding import Certainty, kind_label
from auditdesk.models.payroll import PayrollFinding
from auditdesk.reports.dates import cn_date
from auditdesk.rules.ids import IdInfo, age_on, check_char, parse_id
from auditdesk.rules.review import PayrollReview

ANNEX_LIMIT = 5000
"""Employee-month rows listed in the appendix and the annex (the rest are counted)."""
ANNEX_MARK = "内部资料"
ANNEX_NOTE = (
    "本附件载有职工个人信息（姓名、身份证号、出生日期、工资金额），仅供工会和企业内部核对整改使用，"
    "不随报告对外提供，不得公开或转交第三方。"
)

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_DATE = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
_BIRTH_OF = re.compile(rf"出生于\s*{_DATE}\s*的")
_BIRTH = re.compile(rf"出生于\s*{_DATE}(?:（据身份证号）)?[，,]?\s*")
_BIRTH_FIELD = re.compile(rf"出生(?:日期|年月日)[:：]?\s*{_DATE}")
_TURNS = re.compile(rf"（\s*{_DATE}\s*满\s*\d+\s*周岁\s*）")
_BIRTH_DIGITS = re.compile(r"出生日期\s*\d{8}(?!\d)\s*")
"""“身份证号中的出生日期 19900231 不存在” (DATA.ID_INVALID): the digits a masked ID hides."""
_REACHED = re.compile(r"已于\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*(?=达到)")
"""“已于 2025-03 达到法定退休年龄”: the month follows from the birth month."""


def mask_name(name: str | None) -> str:
    """张三丰 → 张**; the surname stays so HR can still recognise the row."""
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else "—"


def payroll_names(review: PayrollReview | None) -> set[str]:
    """The full names in the payroll (two characters or more: one is too likely to be a word)."""
    if review is None:
        return set()
    names = {r.name.strip() for r in review.rows if r.name and len(r.name.strip()) >= 2}
    names |= {
        f.employee_name.strip()
        for f in review.result.findings
        if f.employee_name and len(f.employee_name.strip()) >= 2
    }
    return names


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` (a finding's facts, written by the rules or by an auditor) as a document may show
    it: ID numbers masked, birth dates, the dates a person turns 16 or 18 and the month the
    statutory retirement age was reached (each follows from the birth date) removed, every
    name in ``names`` masked (张**). What was removed is in the annex."""
    out = _ID.sub(lambda m: mask_id_number(m.group(1)), text)
    out = _BIRTH_OF.sub("该", out)
    out = _BIRTH.sub("", out)
    out = _BIRTH_FIELD.sub("出生日期见内部资料附件", out)
    out = _TURNS.sub("", out)
    out = _BIRTH_DIGITS.sub("出生日期（见内部资料附件）", out)
    out = _REACHED.sub("已", out)
    for name in sorted(set(names), key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    return out


def appendix_rows(review: PayrollReview | None) -> list[dict[str, str]]:
    """The report's appendix of affected employee-months: 工号 and masked name only."""
    if review is None:
        return []
    return [
        {
            "employee": f.employee_id or "—",
            "name": mask_name(f.employee_name),
            "period": f.period,
            "rule": f.title,
        }
        for f, *_ in person_months(review.result.findings)[:ANNEX_LIMIT]
    ]


def person_months(findings: Iterable[PayrollFinding]) -> list[list[PayrollFinding]]:
    """``findings`` one list per employee, month and rule, in the order first met: a rule may
    give one person-month several findings (an amount that is owed and one to verify), which
    are one row of the appendix and the annex."""
    rows: dict[tuple[str, str, str], list[PayrollFinding]] = {}
    for f in findings:
        rows.setdefault((f.person or f.employee_key, f.period, f.rule), []).append(f)
    return list(rows.values())


def _amounts(members: list[PayrollFinding]) -> str:
    """The amounts of one person-month, each with its kind on the line under it (``¥10,000.00``
    / ``赔偿风险（二倍工资等）``: no brackets around a kind that has its own); one that rests on a
    fact the file cannot show is marked 待核实 (it is not owed until that fact is checked)."""
    parts = [
        f"{'待核实：' if f.certainty is Certainty.DEPENDS else ''}{format_money(f.amount)}"
        f"\n{kind_label(f.money_kind)}"
        for f in members
        if f.amount is not None
    ]
    return "\n".join(parts) or "—"


def _doubt(ident: IdInfo) -> str:
    """Why a birth date read from ``ident`` is not reliable (``""`` when it is): a number whose
    check character is wrong has a mistyped digit somewhere, perhaps in the birth date."""
    s = ident.number
    if ident.old_format:
        return "15 位旧号码，无校验位"
    if len(s) == 18 and s[:17].isdigit() and s[17] != check_char(s[:17]):
        return "身份证号校验位不符"
    return "身份证号有误" if ident.problem else ""


def birth_text(ident: IdInfo, period: str, *, unmasked: bool) -> str:
    """The annex's 出生日期/年龄 cell for ``ident`` in the month ``period`` (``YYYY-MM``): the
    birth date beside a full ID number (``1990年5月1日``), the age that month beside a masked one
    (``当月 35 周岁``), ``待核实（身份证号校验位不符）`` when the number is not valid — the rules
    then do not check ages from it either —, ``—`` when it holds no date."""
    if ident.birth is None:
        return "—"
    doubt = _doubt(ident)
    if doubt:
        return f"待核实（{doubt}）"
    if unmasked:
        return cn_date(ident.birth)
    year, month = (int(x) for x in period.split("-")[:2])
    return f"当月 {age_on(ident.birth, date(year, month, 1))} 周岁"


def annex_rows(
    review: PayrollReview | None, *, unmasked: bool, mask_names: bool
) -> list[dict[str, str]]:
    """The 内部资料 annex: per employee-month the full name (masked with ``mask_names``), the ID
    number (masked unless ``unmasked``), the birth date — only beside a full ID number: beside a
    masked one it would give back the masked digits, so the age in that month is shown instead;
    neither from a number that is not valid (:func:`birth_text`) — and the amount with its kind."""
    if review is None:
        return []
    rows = []
    for members in person_months(review.result.findings)[:ANNEX_LIMIT]:
        f = members[0]
        source = review.row_of(f)  # the finding's own row: its ID number is this person's
        raw = source.id_number if source is not None and source.id_number else None
        born = birth_text(parse_id(raw), f.period, unmasked=unmasked) if raw else "—"
        rows.append({
            "employee": f.employee_id or "—",
            "name": mask_name(f.employee_name) if mask_names else (f.employee_name or "—"),
            "id_number": (raw if unmasked else mask_id_number(raw)) if raw else "—",
            "birth": born, "period": f.period, "rule": f.title,
            "amount": _amounts(members),
        })  # fmt: skip
    return rows


def annex_context(
    review: PayrollReview | None, *, unmasked: bool, mask_names: bool
) -> dict[str, Any]:
    """The ``annex`` template variable."""
    rows = annex_rows(review, unmasked=unmasked, mask_names=mask_names)
    total = len(person_months(review.result.findings)) if review is not None else 0
    more = f"另有 {total - len(rows)} 行未列出。" if total > len(rows) else ""
    return {
        "mark": ANNEX_MARK,
        "note": ANNEX_NOTE,
        "rows": rows,
        "more": more,
        "id_note": "身份证号为完整号码；号码有误的，出生日期待核实。"
        if unmasked
        else "身份证号已遮盖；出生日期不与遮盖的号码并列，改列当月年龄；号码有误的，年龄待核实。",
    }
