"""SQL for case files (.adcase): rows as plain JSON — encode any table's row, decode one strictly by
the column types (so a hand-edited or hostile file fails with a message instead of storing junk) —
and the reads and writes the case-file merge needs, as a mixin of :class:`auditdesk.store.db.Tx`.

Tables are named by their SQL name, so the service deciding the merge holds no SQLAlchemy objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy import exc as sa_exc

from auditdesk.models.audit import ChangeEntity
from auditdesk.store import schema
from auditdesk.store.errors import ConstraintError
from auditdesk.store.types import Money, Timestamp

JsonRow = dict[str, Any]


class RowError(ValueError):
    """A value in an incoming row does not fit its column; ``str()`` is Chinese."""


def encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def encode_row(table: Table, row: Any) -> JsonRow:
    mapping = row._mapping
    return {c.name: encode_value(mapping[c.name]) for c in table.columns}


def content_sha(row: JsonRow, *, skip: tuple[str, ...] = ()) -> str:
    body = {k: v for k, v in row.items() if k not in skip}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        if not column.nullable and column.server_default is None and column.default is None:
            raise RowError(f"字段 {column.name} 不能为空")
        return None
    kind = column.type
    try:
        if isinstance(kind, JSON):
            return value
        if isinstance(kind, Timestamp):
            parsed = datetime.fromisoformat(_str(column, value))
            if parsed.tzinfo is None:
                raise RowError(f"字段 {column.name} 的时间缺少时区")
            return parsed
        if isinstance(kind, Money):
            amount = Decimal(_str(column, value))
            if not amount.is_finite():
                raise RowError(f"字段 {column.name} 的金额无效")
            return amount
        if isinstance(kind, Date):
            return date.fromisoformat(_str(column, value))
        if isinstance(kind, Boolean):
            if value in (0, 1) and not isinstance(value, bool):
                return bool(value)  # change_log.undone was 0/1 in case files before step 13
            if not isinstance(value, bool):
                raise RowError(f"字段 {column.name} 应为 true/false")
            return value
        if isinstance(kind, Integer):
            if not isinstance(value, int) or isinstance(value, bool):
                raise RowError(f"字段 {column.name} 应为整数")
            if abs(value) > 2**62:
                raise RowError(f"字段 {column.name} 的数值超出范围")
            return value
        text = _str(column, value)
        length = getattr(kind, "length", None)
        if length is not None and len(text) > length:
            raise RowError(f"字段 {column.name} 过长（{len(text)} 字，上限 {length}）")
        if "\x00" in text:
            raise RowError(f"字段 {column.name} 含有空字符")
        return text
    except (ValueError, InvalidOperation, TypeError) as exc:
        if isinstance(exc, RowError):
            raise
        raise RowError(f"字段 {column.name} 的值“{str(value)[:40]}”无效") from exc


def _str(column: Column[Any], value: Any) -> str:
    if not isinstance(value, str):
        raise RowError(f"字段 {column.name} 应为文本")
    return value


def table_named(name: str) -> Table:
    """The schema's table called ``name`` (``KeyError`` for an unknown name)."""
    return schema.metadata.tables[name]


def has_column(table_name: str, column: str) -> bool:
    return column in table_named(table_name).c


def decode_row(table: Table | str, row: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Python values for ``table``'s columns from a JSON row; unknown fields are refused, missing
    nullable ones (an older file) become ``None`` or the column default."""
    if isinstance(table, str):
        table = table_named(table)
    if not isinstance(row, dict):
        raise RowError("记录应为 JSON 对象")
    unknown = sorted(set(row) - {c.name for c in table.columns})
    if unknown:
        raise RowError(f"含有未知字段 {unknown[0]}")
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name in skip:
            continue
        if column.name not in row and (
            column.server_default is not None or column.default is not None
        ):
            continue
        values[column.name] = _decode(column, row.get(column.name))
    return values


@contextmanager
def _constraints() -> Iterator[None]:
    # incoming rows can contradict local ones (a foreign key, a second unique key): say so in our
    # own terms; a driver IntegrityError anywhere else stays what it is, a bug
    try:
        yield
    except sa_exc.IntegrityError as exc:
        raise ConstraintError(str(exc.orig)) from exc


_BATCH = 5000


class ExchangeQueries:
    """The case-file merge's reads and writes; a mixin of :class:`auditdesk.store.db.Tx`."""

    conn: Connection

    def exchange_rows(
        self, table_name: str, company_id: str, audit_ids: Sequence[str]
    ) -> list[JsonRow]:
        """The rows of ``table_name`` that travel with the company and the given audits, as JSON,
        in id order."""
        t, s = table_named(table_name), schema
        audits = list(audit_ids)
        if table_name == "companies":
            query = select(t).where(t.c.id == company_id)
        elif table_name == "mapping_profiles":
            query = select(t).where(t.c.company_id == company_id)
        elif (
            table_name == "checklist_snapshots"
        ):  # the checklist versions these audits are pinned to
            pinned = select(s.audits.c.checklist_version).where(s.audits.c.id.in_(audits))
            query = select(t).where(t.c.key.in_(pinned))
        elif table_name == "attachments":
            answers = select(s.answers.c.id).where(s.answers.c.audit_id.in_(audits))
            findings = select(s.findings.c.id).where(s.findings.c.audit_id.in_(audits))
            query = select(t).where(t.c.answer_id.in_(answers) | t.c.finding_id.in_(findings))
        elif table_name == "audits":
            query = select(t).where(t.c.id.in_(audits))
        elif table_name == "change_log":  # the audits' entries and the company's own
            # but not this database's receipts of case files: each side logs its own imports
            # (carried back, every trip would bring the other side one more entry)
            query = select(t).where(
                t.c.audit_id.in_(audits)
                | (t.c.audit_id.is_(None) & (t.c.company_id == company_id)),
                t.c.entity != ChangeEntity.CASE_IMPORT.value,
            )
        else:
            query = select(t).where(t.c.audit_id.in_(audits))
        order = [t.c[c] for c in ("id",) if c in t.c]
        return [encode_row(t, r) for r in self.conn.execute(query.order_by(*order))]

    def find_exchange_row(self, table_name: str, match: dict[str, Any]) -> JsonRow | None:
        """The row whose columns equal ``match`` (``None`` matches NULL), as JSON."""
        t = table_named(table_name)
        found = self.conn.execute(select(t).where(*[t.c[k] == v for k, v in match.items()])).first()
        return encode_row(t, found) if found else None

    def insert_exchange_row(self, table_name: str, values: dict[str, Any]) -> None:
        """Insert decoded values (see :func:`decode_row`).

        Raises:
            ConstraintError: the row contradicts one already here.
        """
        with _constraints():
            self.conn.execute(insert(table_named(table_name)).values(**values))

    def insert_exchange_rows(self, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many decoded rows, in batches. Raises :class:`ConstraintError` like
        :meth:`insert_exchange_row`."""
        table = table_named(table_name)
        with _constraints():
            for start in range(0, len(rows), _BATCH):
                self.conn.execute(insert(table), list(rows[start : start + _BATCH]))

    def update_exchange_row(
        self, table_name: str, match: dict[str, Any], values: dict[str, Any]
    ) -> None:
        """Overwrite the row whose columns equal ``match`` with decoded ``values``. Raises
        :class:`ConstraintError` like :meth:`insert_exchange_row`."""
        t = table_named(table_name)
        if "version" in t.c:  # another copy replaced this one: an open view of it is stale
            values = {**values, "version": t.c.version + 1}
        with _constraints():
            self.conn.execute(
                update(t).where(*[t.c[k] == v for k, v in match.items()]).values(**values)
            )

    def exchanged_versions(self, table_name: str, record_key: str) -> set[str]:
        """Every content hash of the record this side has sent or received in an exchange."""
        es = schema.exchange_state
        rows = self.conn.execute(
            select(es.c.content_sha).where(
                (es.c.table_name == table_name) & (es.c.record_key == record_key)
            )
        )
        return set(rows.scalars())

    def remember_exchanged(
        self, table_name: str, record_key: str, sha: str, when: datetime
    ) -> None:
        """Note that this version of the record was sent or received (once)."""
        if sha not in self.exchanged_versions(table_name, record_key):
            self.conn.execute(
                insert(schema.exchange_state).values(
                    table_name=table_name, record_key=record_key, content_sha=sha, exchanged_at=when
                )
            )
