"""How values are kept in each database, both ways: the one definition that the schema's column
types (catalog.coltypes, for SQLAlchemy) and the reader (catalog.reader, on the bare driver) use.

- Money: PostgreSQL keeps an unconstrained NUMERIC (which preserves the scale: 0.20 stays 0.20);
  SQLite has no exact decimal type, so the amount is its plain decimal text.
- Timestamps: timezone-aware UTC in; PostgreSQL keeps timestamptz, SQLite naive UTC text in
  SQLAlchemy's format (which sorts and compares as text).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

#: SQLAlchemy's SQLite DATETIME storage format: what stored timestamps look like there
SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"


def money_to_db(value: Decimal | None, dialect: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__} (floats lose digits)")
    if not value.is_finite():
        raise ValueError(f"money must be finite, got {value}")
    return value if dialect == "postgresql" else format(value, "f")


def money_from_db(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def timestamp_to_db(value: dt.datetime | None, dialect: str) -> Any:
    """VALUE as the driver stores it (SQLite: the text SQLAlchemy writes)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    value = value.astimezone(dt.UTC)
    return value if dialect == "postgresql" else value.replace(tzinfo=None)


def timestamp_param(value: dt.datetime, dialect: str) -> Any:
    """VALUE as a bound parameter the bare driver compares with stored timestamps."""
    stored = timestamp_to_db(value, dialect)
    return stored if dialect == "postgresql" else stored.strftime(SQLITE_TIMESTAMP)


def timestamp_from_db(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: one fetch time stands in many rows (an offering's prices)
        return _utc_from_text(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@functools.lru_cache(maxsize=8192)
def _utc_from_text(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def date_from_db(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def flag_from_db(value: Any) -> bool | None:
    return None if value is None else bool(value)
