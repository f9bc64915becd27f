"""The change log (修改记录): one helper every service calls inside its own transaction to record a
change, and the log's views: entries of a record, company or audit; export to .xlsx; retention
and purging (the only deletion of entries, itself logged).

An entry names its record by ``entity`` and ``entity_id`` (an answer by its checklist item id
within its audit) plus the audit and company it belongs to, as plain values: entries outlive the
records. Values are stored as JSON text and decoded once, on :class:`Change`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from auditdesk.errors import AuditDeskError, PermissionDeniedError
from auditdesk.formatting import LOCAL_TZ
from auditdesk.models.audit import Change, ChangeEntity
from auditdesk.models.common import utcnow
from auditdesk.models.user import OfficeRole

if TYPE_CHECKING:  # ``payroll check`` imports this module and must not load the store
    from auditdesk.services.workspace import Workspace
    from auditdesk.store import Tx

log = logging.getLogger(__name__)

RETENTION_KEY = "log_retention_days"
"""The office setting (``union_settings`` table) holding how many days entries are kept; absent
or empty: kept without limit (the default)."""

EXPORT_HEADERS = ("时间", "操作人", "对象", "对象编号", "字段", "原值", "新值", "说明")
"""The columns of :func:`export_xlsx`, in order."""


def encode(value: Any) -> str | None:
    """A value as the log stores it: JSON text (dates and amounts as strings, enums by value);
    ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, date | Decimal):
        return json.dumps(str(value))
    if isinstance(value, BaseModel):
        return json.dumps(value.model_dump(mode="json"), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return json.dumps(
            [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value],
            ensure_ascii=False,
            default=str,
        )
    return json.dumps(getattr(value, "value", value), ensure_ascii=False, default=str)


def record(
    tx: Tx,
    entity: ChangeEntity,
    entity_id: str,
    field: str,
    old: Any,
    new: Any,
    *,
    by: str,
    audit_id: str | None = None,
    company_id: str | None = None,
    at: datetime | None = None,
    undoes: int | None = None,
) -> int:
    """Append one entry to the change log in ``tx`` (the service's own transaction); returns its
    id. ``company_id`` left ``None`` is taken from the audit when ``audit_id`` is given.
    ``at`` defaults to now (UTC). ``undoes``: the id of the entry this one reverses."""
    if company_id is None and audit_id is not None:
        audit = tx.get_audit(audit_id)
        company_id = audit.company_id if audit is not None else None
    return tx.log_change(
        Change(
            audit_id=audit_id,
            company_id=company_id,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old_value=encode(old),
            new_value=encode(new),
            changed_by=(by or "")[:50],
            changed_at=at or utcnow(),
            undoes=undoes,
        )
    )


def record_fields(
    tx: Tx,
    entity: ChangeEntity,
    entity_id: str,
    before: BaseModel,
    after: BaseModel,
    fields: Iterable[str],
    *,
    by: str,
    audit_id: str | None = None,
    company_id: str | None = None,
    at: datetime | None = None,
) -> int:
    """One entry per field of ``fields`` whose value differs between ``before`` and ``after``;
    returns how many were written."""
    written = 0
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new and not (old in (None, "") and new in (None, "")):
            record(tx, entity, entity_id, name, old, new, by=by, audit_id=audit_id,
                   company_id=company_id, at=at)  # fmt: skip
            written += 1
    return written


@dataclass(frozen=True)
class LogFilter:
    """Which entries to show: every filter given narrows the list (none: the whole log)."""

    company_id: str | None = None
    audit_id: str | None = None
    entity: ChangeEntity | None = None
    entity_id: str | None = None


def entries(ws: Workspace, where: LogFilter = LogFilter()) -> list[Change]:
    """Entries oldest first; ``undone`` is true on an entry a later entry undoes."""
    with ws.store.read() as tx:
        return with_undone(tx, tx.list_changes(
            where.audit_id, where.entity.value if where.entity else None, where.entity_id,
            company_id=where.company_id,
        ))  # fmt: skip


def with_undone(tx: Tx, changes: Sequence[Change]) -> list[Change]:
    """``changes`` with ``undone`` set on those a later entry undoes."""
    undone = tx.undone_change_ids(c.id for c in changes)
    return [c.model_copy(update={"undone": True}) if c.id in undone else c for c in changes]


def remark(change: Change) -> str:
    """What the 说明 column says: ``撤销 #12`` on an undo, ``已撤销`` on an undone entry."""
    parts = []
    if change.undoes is not None:
        parts.append(f"撤销 #{change.undoes}")
    if change.undone:
        parts.append("已撤销")
    return "；".join(parts)


def export_xlsx(changes: Sequence[Change], out: Path) -> Path:
    """Write ``changes`` to an .xlsx workbook at ``out`` (sheet 修改记录, headers
    :data:`EXPORT_HEADERS`, times in Asia/Shanghai as ``YYYY-MM-DD HH:MM:SS``, values in words,
    personal data as stored: the file stays on the user's machine). Returns ``out``.

    Raises:
        AuditDeskError: the file cannot be written (folder missing, file open in Excel, …).
    """
    from openpyxl import Workbook  # heavy; only when exporting

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "修改记录"
    sheet.append(list(EXPORT_HEADERS))
    for c in changes:
        sheet.append(
            [
                c.changed_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S"),
                c.changed_by,
                c.entity.label,
                c.entity_id,
                c.field_label,
                c.old_text,
                c.new_text,
                remark(c),
            ]
        )
    for column, width in zip("ABCDEFGH", (20, 12, 10, 38, 14, 40, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    if out.suffix.lower() != ".xlsx":
        raise AuditDeskError(f"导出文件应以 .xlsx 结尾：{out.name}", location=str(out))
    try:
        book.save(out)
    except OSError as exc:
        raise AuditDeskError(
            f"无法写入 {out}：{exc.strerror or exc}（文件夹是否存在？文件是否正在 Excel 中打开？）",
            location=str(out),
        ) from exc
    return out


# ------------------------------------------------------------------ retention and purging
def retention_days(ws: Workspace) -> int | None:
    """How many days entries are kept; ``None``: without limit (the default)."""
    with ws.store.read() as tx:
        raw = tx.union_settings().get(RETENTION_KEY, "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else None


def set_retention_days(ws: Workspace, days: int | None, *, by: str = "") -> None:
    """Keep entries ``days`` days (``None`` or 0: without limit). The change is itself logged.

    Raises:
        AuditDeskError: ``days`` is negative or above 36,500 (100 years).
    """
    if days is not None and not 0 <= days <= 36500:
        raise AuditDeskError("保留天数应为 0 到 36500 之间的整数（0 表示不限）。", location="days")
    before = retention_days(ws)
    value = str(days) if days else ""
    with ws.store.transaction() as tx:
        tx.set_union_settings({RETENTION_KEY: value}, utcnow())
        record(tx, ChangeEntity.CHANGE_LOG, RETENTION_KEY, "retention_days", before,
               days or None, by=by)  # fmt: skip


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Shanghai, as an aware time."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def purge(ws: Workspace, before: date, *, by: str = "") -> int:
    """Delete the entries written before ``before`` (a Shanghai calendar day: entries of that day
    stay) and log the purge (how many, up to when, by whom). Returns the count deleted.

    Raises:
        AuditDeskError: ``before`` is after today (that would delete today's entries).
        PermissionDeniedError: on a server, the signed-in user is not an administrator.
        StoreError: the database refused (on a server only its owner may delete entries).
    """
    today = utcnow().astimezone(LOCAL_TZ).date()
    if before > today:
        raise AuditDeskError(
            f"清理日期 {before.isoformat()} 晚于今天，不能清理今天及以后的修改记录。",
            location="before",
        )
    user = ws.store.user
    if user is not None and user.role is not OfficeRole.ADMIN:
        raise PermissionDeniedError(
            f"只有管理员可以清理修改记录（您的账户 {user.name} 是{user.role.label}）。",
            location="change_log",
        )
    cutoff = _start_of(before)
    with ws.store.transaction() as tx:
        count = tx.purge_changes(cutoff)
        record(tx, ChangeEntity.CHANGE_LOG, "purge", "purged", None,
               {"before": before.isoformat(), "deleted": count}, by=by)  # fmt: skip
    return count


def apply_retention(ws: Workspace, *, by: str = "") -> int:
    """:func:`purge_expired` where it may fail quietly (at start-up): a user the server does not
    let delete entries (only the database owner may), or any other refusal, is logged and 0
    returned; the office's administrator purges with ``auditdesk log purge``."""
    try:
        return purge_expired(ws, by=by)
    except AuditDeskError as exc:
        log.info("change log retention not applied: %s", exc.message)
        return 0


def purge_expired(ws: Workspace, *, by: str = "", today: date | None = None) -> int:
    """Apply the retention setting: purge entries older than it. 0 (nothing done, nothing
    logged) when no retention is set or nothing is old enough."""
    days = retention_days(ws)
    if days is None:
        return 0
    day = (today or utcnow().astimezone(LOCAL_TZ).date()) - timedelta(days=days)
    with ws.store.read() as tx:
        if tx.count_changes_before(_start_of(day)) == 0:
            return 0
    return purge(ws, day, by=by)
