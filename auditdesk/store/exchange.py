"""Rows as plain JSON for case files: encode any table's row, and decode one strictly by the
column types, so a hand-edited or hostile file fails with a message instead of storing junk."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Integer, Table

from auditdesk.store.types import MoneyText, UtcDateTime

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
        if isinstance(kind, UtcDateTime):
            parsed = datetime.fromisoformat(_str(column, value))
            if parsed.tzinfo is None:
                raise RowError(f"字段 {column.name} 的时间缺少时区")
            return parsed
        if isinstance(kind, MoneyText):
            amount = Decimal(_str(column, value))
            if not amount.is_finite():
                raise RowError(f"字段 {column.name} 的金额无效")
            return amount
        if isinstance(kind, Date):
            return date.fromisoformat(_str(column, value))
        if isinstance(kind, Boolean):
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


def decode_row(table: Table, row: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Python values for ``table``'s columns from a JSON row; unknown fields are refused, missing
    nullable ones (an older file) become ``None`` or the column default."""
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
