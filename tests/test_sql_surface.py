"""The current_prices view (migration 0002): the SQL surface other tools read, on both backends.

Rows are written with plain INSERTs into the migrated tables, so the view is tested against the
schema the migrations create, whatever the store writes through.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, Integer, String, column, insert, inspect, table, text

from catalog import db
from catalog.coltypes import Money, UTCDateTime
from catalog.export import COLUMNS as EXPORT_COLUMNS

#: the view has the export's columns (catalog.export.COLUMNS, derived from the registry): one list
COLUMNS = list(EXPORT_COLUMNS)
T1 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 8, 6, 0, tzinfo=dt.UTC)
SITE = "http://catalog.test"

#: the column types the INSERTs bind through (money and timestamps as catalog stores them)
TYPES = {
    "amount": Money(), "open_source": Boolean(), "suspect": Boolean(), "headline_unit_conflict": Boolean(),
    "date_added": Date(),
    **{name: UTCDateTime() for name in (
        "started_at", "finished_at", "first_seen_at", "last_seen_at", "removed_at", "valid_from", "valid_to",
        "fetched_at",
    )},
}


def put(connection, into: str, /, **values) -> None:
    """INSERT one row of VALUES into table INTO."""
    target = table(into, *(column(key, TYPES.get(key, String() if isinstance(v, str) else Integer()))
                           for key, v in values.items()))
    connection.execute(insert(target).values(**values))


class Catalog:
    """Rows for the view: runs 1 and 2, providers and models made on first use."""

    def __init__(self, engine):
        self.engine = engine
        self.ids: dict[tuple[str, str], int] = {}
        self.price_ids = 0
        with engine.begin() as connection:
            for run_id, at in ((1, T1), (2, T2)):
                put(connection, "crawl_runs", id=run_id, site=SITE, started_at=at, finished_at=at, status="complete",
                    pages_fetched=0, pages_not_modified=0, pages_failed=0, bytes_downloaded=0, offerings_new=0,
                    offerings_updated=0, offerings_unchanged=0, offerings_removed=0, price_changes=0)

    def _id(self, connection, kind: str, key: str, **values) -> int:
        if (kind, key) not in self.ids:
            self.ids[kind, key] = 1 + sum(k == kind for k, _ in self.ids)
            put(connection, kind, id=self.ids[kind, key], **values)
        return self.ids[kind, key]

    def offering(self, provider: str, model_id: str, *, removed: bool = False, currency: str = "USD",
                 closed: dict[str, str] | None = None, **prices: str) -> None:
        """One offering first seen in run 1 and last seen in run 2, with open PRICES (component ->
        amount; headline's unit "call") and CLOSED prices (open in run 1, closed in run 2)."""
        url = f"{SITE}/models/{provider}/{model_id}.md"
        with self.engine.begin() as connection:
            provider_id = self._id(connection, "providers", provider, slug=provider, name=provider.title())
            model_ref_id = self._id(connection, "models", model_id, model_id=model_id, creator="maker")
            offering_id = self._id(
                connection, "offerings", f"{provider}/{model_id}", provider_id=provider_id,
                model_ref_id=model_ref_id, name=model_id.upper(), category="LLM Models", task="Text Generation",
                open_source=True, date_added=dt.date(2026, 1, 15), source_url=url, headline_unit_conflict=False,
                first_seen_at=T1, last_seen_at=T2, first_run_id=1, last_seen_run_id=2,
                removed_at=T2 if removed else None, removed_run_id=2 if removed else None,
            )
            rows = [(c, a, None) for c, a in prices.items()] + [(c, a, 2) for c, a in (closed or {}).items()]
            for component, amount, closed_run_id in rows:
                self.price_ids += 1
                put(connection, "prices", id=self.price_ids, offering_id=offering_id,
                    component=component, amount=Decimal(amount), currency=currency,
                    unit="call" if component == "headline" else component.removeprefix("per_"), suspect=False,
                    valid_from=T1, valid_to=T2 if closed_run_id else None, last_seen_at=T2,
                    opened_run_id=1, last_run_id=2, closed_run_id=closed_run_id, source_url=url, fetched_at=T2,
                    content_hash="0" * 64)

    def query(self, sql: str) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]


@pytest.fixture
def catalog(engine) -> Catalog:
    cat = Catalog(engine)
    cat.offering("alpha", "m-nine", input_per_mtok="9.00", output_per_mtok="20", headline="14.5")
    # its input price was 99.00 until run 2: history, not the current price
    cat.offering("beta", "m-ten", input_per_mtok="10.00", output_per_mtok="30.00", headline="20.00",
                 closed={"input_per_mtok": "99.00"})
    cat.offering("alpha", "m-half", currency="EUR", input_per_mtok="0.5", headline="0.5")
    cat.offering("beta", "m-gone", removed=True, input_per_mtok="1000", headline="1000")
    return cat


def number(value) -> Decimal:
    """A view amount (a SQLite INTEGER/REAL, a PostgreSQL Decimal) as a Decimal, for comparing."""
    return Decimal(str(value))


def test_highest_input_price_sorts_as_a_number(catalog):
    assert catalog.query(
        "SELECT provider, model_id FROM current_prices ORDER BY input_per_mtok DESC LIMIT 1"
    ) == [("beta", "m-ten")]
    assert catalog.query("SELECT model_id FROM current_prices ORDER BY input_per_mtok") == [
        ("m-half",), ("m-nine",), ("m-ten",)
    ]


def test_one_row_per_current_offering_with_its_open_prices(catalog):
    rows = catalog.query(
        "SELECT provider, provider_name, model_id, name, creator, currency, input_per_mtok, output_per_mtok,"
        " cache_read_per_mtok, per_image, per_second, per_call, headline_price, headline_unit, source_url"
        " FROM current_prices ORDER BY provider, model_id"
    )
    shown = [row[:6] + tuple(None if a is None else number(a) for a in row[6:13]) + row[13:] for row in rows]
    none = (None,) * 4  # cache_read_per_mtok, per_image, per_second, per_call: never 0
    assert shown == [
        ("alpha", "Alpha", "m-half", "M-HALF", "maker", "EUR", Decimal("0.5"), None, *none, Decimal("0.5"),
         "call", f"{SITE}/models/alpha/m-half.md"),
        ("alpha", "Alpha", "m-nine", "M-NINE", "maker", "USD", Decimal("9"), Decimal("20"), *none,
         Decimal("14.5"), "call", f"{SITE}/models/alpha/m-nine.md"),
        ("beta", "Beta", "m-ten", "M-TEN", "maker", "USD", Decimal("10"), Decimal("30"), *none, Decimal("20"),
         "call", f"{SITE}/models/beta/m-ten.md"),
    ]


def test_dates_and_flags_come_from_the_offering(catalog, engine):
    (row,) = catalog.query(
        "SELECT category, task, open_source, date_added, first_seen, last_seen FROM current_prices"
        " WHERE model_id = 'm-nine'"
    )
    if engine.dialect.name == "postgresql":
        assert row == ("LLM Models", "Text Generation", True, dt.date(2026, 1, 15), T1, T2)
    else:  # SQLite's own representations, as the tables hold them
        assert row == ("LLM Models", "Text Generation", 1, "2026-01-15", "2026-11-01 06:00:00.000000",
                       "2026-11-08 06:00:00.000000")


def test_amounts_are_numbers_on_each_backend(catalog, engine):
    if engine.dialect.name == "postgresql":
        sql = "SELECT pg_typeof(input_per_mtok)::text, pg_typeof(output_per_mtok)::text, pg_typeof(per_image)::text"
        expected = [("numeric", "numeric", "numeric")] * 3
    else:  # the tables hold decimal TEXT there; the view casts it to SQLite numbers
        sql = "SELECT typeof(input_per_mtok), typeof(output_per_mtok), typeof(per_image)"
        expected = [("real", "null", "null"), ("integer", "integer", "null"), ("integer", "integer", "null")]
    assert catalog.query(f"{sql} FROM current_prices ORDER BY model_id") == expected


def test_descending_with_unpriced_offerings_needs_nulls_last_on_postgresql(catalog, engine):
    catalog.offering("gamma", "image-1", per_image="0.04", headline="0.04")
    top = "SELECT provider, model_id FROM current_prices ORDER BY input_per_mtok DESC {} LIMIT 1"
    assert catalog.query(top.format("NULLS LAST")) == [("beta", "m-ten")]
    # PostgreSQL puts NULLs first in descending order, SQLite last (the README says so)
    expected = [("gamma", "image-1")] if engine.dialect.name == "postgresql" else [("beta", "m-ten")]
    assert catalog.query(top.format("")) == expected


def test_view_columns_are_exactly_the_documented_list(catalog, engine):
    with engine.connect() as connection:
        assert list(connection.execute(text("SELECT * FROM current_prices")).keys()) == COLUMNS
    assert [c["name"] for c in inspect(engine).get_columns("current_prices")] == COLUMNS
    assert inspect(engine).get_view_names() == ["current_prices"]


def test_downgrade_drops_the_view_and_upgrade_brings_it_back(catalog, engine):
    db.downgrade(engine, "0001")
    assert inspect(engine).get_view_names() == []
    assert catalog.query("SELECT count(*) FROM offerings") == [(4,)]  # the tables keep their rows
    db.upgrade(engine)
    assert inspect(engine).get_view_names() == ["current_prices"]
    assert catalog.query("SELECT model_id FROM current_prices ORDER BY input_per_mtok DESC") == [
        ("m-ten",), ("m-nine",), ("m-half",)
    ]


def readme_section() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## SQL for other tools\n", 1)[1].split("\n## ", 1)[0]


def test_readme_lists_the_columns_and_its_example_runs(catalog):
    section = readme_section()
    listed = section.split("open prices only:\n\n", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`(\w+)`", listed) == COLUMNS
    (example,) = re.findall(r'^sqlite3 \S+ "(.*)"$', section, re.M)
    rows = catalog.query(example)
    assert [(p, m, number(a)) for p, m, a in rows] == [
        ("alpha", "m-half", Decimal("0.5")), ("alpha", "m-nine", Decimal("9")), ("beta", "m-ten", Decimal("10"))
    ]
