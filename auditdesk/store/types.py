"""Column types shared by the schema and the migrations.

The migrations' frozen types store money as canonical text and UTC times as ISO text; the current
schema's types are native on PostgreSQL and keep that same text storage on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class MoneyText(TypeDecorator[Decimal]):
    """Decimal yuan stored as canonical TEXT (never REAL), so no cent is ever lost."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be Decimal, got {type(value).__name__}")
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as ISO-8601 UTC text (sortable, identical on every dialect)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC times")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


# ---------------------------------------------------------------- types of the current schema
# The types above are frozen with the migrations that created text columns. The ones below are
# what schema.py uses: on PostgreSQL they are native (step 13 converts the columns), on SQLite
# they read and write exactly what the text types did, so no SQLite file changes.


class Money(TypeDecorator[Decimal]):
    """Decimal yuan: ``NUMERIC`` on PostgreSQL (no precision given, so the scale written is kept:
    ``50.00`` reads back as ``50.00``), canonical TEXT on SQLite. Never a float."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be Decimal, got {type(value).__name__}")
        return value if dialect.name == "postgresql" else format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(value)


class Timestamp(TypeDecorator[datetime]):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, ISO-8601 UTC text on SQLite (sortable,
    as :class:`UtcDateTime` wrote it). Read back in UTC on both. Naive datetimes are refused."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC times")
        utc = value.astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return datetime.fromisoformat(value)


Json = JSON().with_variant(JSONB(), "postgresql")
"""JSON documents: ``JSONB`` on PostgreSQL (indexable, validated), JSON text on SQLite."""

BigInt = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit integers (sizes, row ids): ``BIGINT`` on PostgreSQL; on SQLite ``INTEGER``, which is
64-bit already and the only type an autoincrementing rowid key may have."""

Flag = Boolean()
"""A yes/no column: ``BOOLEAN`` on PostgreSQL; on SQLite the 0/1 integer it always stored."""
