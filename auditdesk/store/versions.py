"""Record versions: a save or deletion names the version it was based on, and one statement
(``… WHERE id = :id AND version = :expected``) writes it only when that is still the stored
version, so no other user's save can slip in between a read and the write. When nothing matched,
the record is read back to tell a stale copy (:class:`StaleRecordError`, naming who changed it
and when) from a deleted record (:class:`NotFoundError`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Table, and_, delete, func, select, update

from auditdesk.errors import NotFoundError, PermissionDeniedError, StaleRecordError
from auditdesk.formatting import LOCAL_TZ
from auditdesk.models.common import utcnow
from auditdesk.store.errors import refused_write_message

NOUNS = {
    "companies": "企业", "audits": "体检", "visits": "走访记录", "answers": "检查结果",
    "findings": "问题", "attachments": "附件", "payroll_imports": "工资表导入",
    "followups": "跟诊安排", "letters": "函件", "report_issues": "出具记录", "towns": "街镇",
}  # fmt: skip
"""How messages name a record of each versioned table (:data:`schema.VERSIONED_TABLES`, each)."""


def when_text(at: datetime | None, *, now: datetime | None = None) -> str:
    """A change time for a message, in Shanghai time: ``14:32`` today, ``11月28日 14:32`` on an
    earlier day of this year, ``2025年11月28日 14:32`` before."""
    if at is None:
        return "不久前"
    local = at.astimezone(LOCAL_TZ)
    today = (now or utcnow()).astimezone(LOCAL_TZ).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return f"{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def stale_message(table_name: str, by: str, at: datetime | None, *, deleting: bool = False) -> str:
    """``该问题已被 张律师 于 14:32 修改（您打开后）。`` and what happened to this save."""
    noun = NOUNS.get(table_name, "记录")
    who = by or "其他用户"
    action = "未删除" if deleting else "您的修改未保存"
    return f"该{noun}已被 {who} 于 {when_text(at)} 修改（您打开后），{action}。"


def hidden_write_refusal(
    conn: Connection, table: Table, where: Any, loc: str | None = None
) -> PermissionDeniedError | None:
    """After an UPDATE or DELETE on ``table`` that matched no row: on a server, a row that can
    be read under ``where`` (the write's own condition) was hidden from the write by row-level
    security (a read-only account, an audit not assigned to this user). Returns that refusal,
    to raise, worded as a permission (Chinese; ``loc``, default the record's Chinese noun, says
    where); ``None`` when no such row can be read, or on SQLite, which hides no rows."""
    if conn.dialect.name == "sqlite":
        return None
    if not conn.execute(select(func.count()).select_from(table).where(where)).scalar_one():
        return None
    noun = NOUNS.get(table.name, "记录")  # the user reads Chinese, not table names
    return PermissionDeniedError(
        refused_write_message(table.name, loc or noun), location=loc or table.name
    )


def _refused(
    conn: Connection,
    table: Table,
    record_id: str,
    model: type[BaseModel] | None,
    expected: int | None,
    *,
    deleting: bool = False,
) -> Exception:
    where = table.c.id == record_id
    hidden = hidden_write_refusal(
        conn, table, where if expected is None else and_(where, table.c.version == expected)
    )
    if hidden is not None:
        return hidden
    row = conn.execute(select(table).where(where)).first()
    if row is None:
        noun = NOUNS.get(table.name, "记录")
        return NotFoundError(
            f"要{'删除' if deleting else '修改'}的{noun}已不存在（编号 {record_id}），可能已被删除。",
            location=record_id,
        )
    values = dict(row._mapping)
    current: object = model.model_validate(values) if model is not None else values
    by, at = str(values.get("updated_by") or ""), values.get("updated_at")
    return StaleRecordError(
        stale_message(table.name, by, at, deleting=deleting),
        current=current,
        changed_by=by,
        changed_at=at,
        location=record_id,
    )


def update_versioned(
    conn: Connection,
    table: Table,
    record_id: str,
    expected: int,
    values: dict[str, Any],
    model: type[BaseModel] | None = None,
) -> int:
    """Write ``values`` to the record when its stored version is ``expected``; return the new
    version (``expected + 1``). ``values`` may hold ``version``: it is replaced.

    Raises:
        StaleRecordError: the stored version is another (``current`` is the stored record, as
            ``model`` when given, else a dict of its columns).
        NotFoundError: there is no such record (any more).
    """
    values = {**values, "version": expected + 1}
    result = conn.execute(
        update(table).where(table.c.id == record_id, table.c.version == expected).values(**values)
    )
    if result.rowcount == 0:
        raise _refused(conn, table, record_id, model, expected)
    return expected + 1


def delete_versioned(
    conn: Connection,
    table: Table,
    record_id: str,
    expected: int | None,
    model: type[BaseModel] | None = None,
) -> None:
    """Delete the record when its stored version is ``expected`` (any version with ``None``).

    Raises:
        StaleRecordError: it changed since the caller read it (nothing deleted).
        NotFoundError: there is no such record (any more).
    """
    query = delete(table).where(table.c.id == record_id)
    if expected is not None:
        query = query.where(table.c.version == expected)
    if conn.execute(query).rowcount == 0:
        raise _refused(conn, table, record_id, model, expected, deleting=True)


def serialize(conn: Connection, key: str) -> None:
    """Hold a lock named ``key`` until the transaction ends, so two users allocating the next
    number of one sequence (问题编号 of an audit, a letter's or document's number of a year) take
    turns: the second reads the highest number after the first has committed. On PostgreSQL a
    transaction-level advisory lock on a hash of the key (waiting at most the connection's
    ``lock_timeout``); SQLite's write transactions (``BEGIN IMMEDIATE``) take turns already."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
