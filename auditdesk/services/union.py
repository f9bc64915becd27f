"""The union settings letters are issued under (发函工会, 区总工会, 区劳动行政部门, contact, 文号
prefixes, 抄送): read and change them (设置 page and ``auditdesk settings union``)."""

from __future__ import annotations

from pydantic import ValidationError

from auditdesk.errors import AuditDeskError
from auditdesk.models.common import utcnow
from auditdesk.models.followup import UNION_FIELDS, UnionSettings
from auditdesk.services.workspace import Workspace


def get_union_settings(ws: Workspace) -> UnionSettings:
    """The stored settings; keys never set are empty strings."""
    with ws.store.read() as tx:
        stored = tx.union_settings()
    return UnionSettings.model_validate({k: v for k, v in stored.items() if k in UNION_FIELDS})


def set_union_settings(ws: Workspace, changes: dict[str, str]) -> UnionSettings:
    """Change some settings (one transaction); an empty value clears one.

    Raises:
        AuditDeskError: an unknown key (the known ones are listed) or a value too long.
    """
    unknown = [k for k in changes if k not in UNION_FIELDS]
    if unknown:
        known = "、".join(f"{k}（{label}）" for k, label in UNION_FIELDS.items())
        raise AuditDeskError(
            f"没有名为“{unknown[0]}”的工会设置。可设置：{known}", location=unknown[0]
        )
    current = get_union_settings(ws)
    try:
        updated = UnionSettings.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first.get("loc") else ""
        raise AuditDeskError(
            f"工会设置“{UNION_FIELDS.get(key, key)}”无效：{first.get('msg')}", location=key
        ) from exc
    values = {k: str(getattr(updated, k)) for k in changes}
    with ws.store.transaction() as tx:
        tx.set_union_settings(values, utcnow())
    return updated
