"""Office settings: the ones every user of an office must see alike (the days from diagnosis to a
rectification deadline, by severity). On a shared server they live in the database
(``office_settings``); on a laptop's SQLite file in the data dir's preferences, as before.

Per-user display preferences (and the database URL) always stay in the local preferences.
The union settings (发函工会, 文号前缀 …) and letter numbering live in the database on both
(:mod:`auditdesk.services.union`).
"""

from __future__ import annotations

from typing import Any

from auditdesk.errors import AuditDeskError
from auditdesk.models.common import utcnow
from auditdesk.models.finding import Severity
from auditdesk.services.workspace import Workspace
from auditdesk.settings import DEFAULT_FOLLOWUP_DAYS

FOLLOWUP_DAYS_KEY = "followup_days"
MAX_FOLLOWUP_DAYS = 3650


def _clean(raw: Any) -> dict[str, int]:
    days = dict(DEFAULT_FOLLOWUP_DAYS)
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in days and isinstance(value, int) and 0 < value <= MAX_FOLLOWUP_DAYS:
                days[key] = value
    return days


def followup_days(ws: Workspace) -> dict[str, int]:
    """Days from diagnosis to the rectification deadline by severity (``{"critical": 15, …}``,
    every severity present): the office's on a server, else this data dir's; a value never set
    (or unusable) is the default."""
    if ws.is_server:
        with ws.store.read() as tx:
            return _clean(tx.office_setting(FOLLOWUP_DAYS_KEY))
    return _clean(ws.preferences().followup_days)


def set_followup_days(ws: Workspace, changes: dict[str, int]) -> dict[str, int]:
    """Change some severities' days (for the whole office on a server); returns them all.

    Raises:
        AuditDeskError: an unknown severity (the known ones are listed) or days outside
            1 to 3650.
    """
    for key, value in changes.items():
        if key not in DEFAULT_FOLLOWUP_DAYS:
            known = "、".join(f"{s.value}（{s.label}）" for s in Severity)
            raise AuditDeskError(f"没有名为“{key}”的严重程度。可设置：{known}", location=key)
        if not 0 < value <= MAX_FOLLOWUP_DAYS:
            raise AuditDeskError(
                f"整改期限天数应在 1 到 {MAX_FOLLOWUP_DAYS} 之间（{key}={value}）。", location=key
            )
    if ws.is_server:
        with ws.store.transaction() as tx:
            days = {**_clean(tx.office_setting(FOLLOWUP_DAYS_KEY)), **changes}
            tx.set_office_setting(FOLLOWUP_DAYS_KEY, days, utcnow())
        return days
    prefs = ws.preferences()
    days = {**_clean(prefs.followup_days), **changes}
    ws.save_preferences(prefs.model_copy(update={"followup_days": days}))
    return days
