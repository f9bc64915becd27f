"""Display formatting shared by the GUI, the CLI and reports: yuan amounts, dates, masked ID numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from auditdesk.errors import AuditDeskError

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_CENT = Decimal("0.01")


def format_money(amount: Decimal | None, *, symbol: bool = True) -> str:
    """``Decimal('12345.6')`` → ``'¥12,345.60'``; ``None`` → ``''``."""
    if amount is None:
        return ""
    q = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    text = f"{q:,.2f}"
    return f"¥{text}" if symbol else text


def format_date(value: date | None) -> str:
    """ISO date (``2025-07-01``), the form Chinese official documents and spreadsheets both accept."""
    return value.isoformat() if value else ""


_DATE_FORMS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date_text(text: str) -> date:
    """A date typed by a user: ``2026-12-31``, also ``2026/12/31``, ``20261231``, ``2026.12.31``
    or ``2026年12月31日`` (surrounding blanks ignored).

    Raises:
        AuditDeskError: empty or not a real date, with a Chinese message showing the expected form.
    """
    cleaned = text.strip()
    if not cleaned:
        raise AuditDeskError("请填写日期，格式如 2026-12-31。")
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    raise AuditDeskError(f"“{cleaned}”不是有效日期，请写成 2026-12-31 这样的形式。")


def format_datetime(value: datetime | None) -> str:
    """A stored UTC time shown in Shanghai time, to the minute."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def mask_id_number(id_number: str | None) -> str:
    """Keep the region code (6) and the last 4 characters: ``310114********123X``.

    Shorter strings keep only their last 2 characters, so nothing identifying leaks from odd input.
    """
    if not id_number:
        return ""
    s = id_number.strip()
    if len(s) >= 15:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if len(s) <= 2:
        return "*" * len(s)
    return "*" * (len(s) - 2) + s[-2:]


def format_money_by_kind(totals: Mapping[Any, Decimal], label: Callable[[Any], str]) -> str:
    """``应补发工资 ¥1,234.00；罚款风险 ¥5,000.00`` — one figure per kind, never a grand total."""
    return "；".join(f"{label(kind)} {format_money(amount)}" for kind, amount in totals.items())
