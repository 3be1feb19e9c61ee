"""Column types shared by the schema: exact money and timezone-aware UTC timestamps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Numeric, String, types

from catalog.dbvalues import money_from_db, money_to_db, timestamp_from_db, timestamp_to_db


class Money(types.TypeDecorator[Decimal]):
    """An exact decimal amount, read back digit for digit as it was written.

    PostgreSQL keeps it in an unconstrained NUMERIC (which preserves the scale: 0.20 stays
    0.20). SQLite has no exact decimal type (NUMERIC affinity turns 0.20 into the float 0.2),
    so there the amount is stored as its plain decimal text.
    """

    impl = String(48)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(48))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        return money_to_db(value, dialect.name)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return money_from_db(value)


class UTCDateTime(types.TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        return timestamp_to_db(value, dialect.name)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return timestamp_from_db(value)
