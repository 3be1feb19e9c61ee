"""Finding offerings by words, fast: QUERY matching, orders, and a lean reader for the listing commands.

A QUERY is words in any order; an offering matches when every word occurs, in any case, in its
model ID or its name ("llama 3.2 1b" finds meta-llama-llama-3.2-1b-instruct). In SQL each word
is one parameterized `lower(column) LIKE '%word%'` pair; `%`, `_` and `\\` in a word match
themselves.

Why a second reader beside catalog.queries: `catalog compare` must answer over 100,000 offerings
faster, as a whole process, than `import sqlalchemy` takes on a slow machine (~0.2 s). So the
listing commands read through the database's own driver (sqlite3 or psycopg) with two plain
parameterized statements, and build the same OfferingView objects as catalog.queries. The schema
still belongs to SQLAlchemy and Alembic: the fast path is taken only when the database is already
at the migrations' head revision (read from the migration files, not through Alembic); otherwise
the caller opens it through catalog.db, which migrates it, and hands the reader a raw connection.
tests/test_search.py checks that this reader and catalog.queries return identical views.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from catalog.components import COMPONENTS
from catalog.errors import CatalogError
from catalog.queries import OfferingView, PriceView

ESCAPE = "\\"
#: every price component a page can show
ALL_COMPONENTS = tuple(c.name for c in COMPONENTS)
#: the Alembic versions folder (the same place catalog.db.MIGRATIONS names; not imported from
#: there because catalog.db imports SQLAlchemy)
VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def words(query: str | None) -> list[str]:
    """The lower-cased words of QUERY (split on white space), duplicates dropped."""
    return list(dict.fromkeys((query or "").lower().split()))


def like_pattern(word: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') that finds WORD anywhere in a value, literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"


class NoMatch(CatalogError):
    """The query and filters matched no offering (the commands exit 1)."""


def describe_filters(query: str | None, provider: str | None, category: str | None) -> str:
    """The filters in words, for messages: "'llama 3' and provider 'groq'"."""
    parts = [repr(query)] if query else []
    if provider:
        parts.append(f"provider {provider!r}")
    if category:
        parts.append(f"category {category!r}")
    return " and ".join(parts) if parts else "the catalog"


def matches(query: str | None, *texts: str | None) -> bool:
    """Whether every word of QUERY occurs in one of TEXTS (any case): the SQL filter, in Python."""
    haystacks = [t.lower() for t in texts if t]
    return all(any(w in h for h in haystacks) for w in words(query))


#: the orders `catalog models --sort` offers
SORTS = ("name", "price", "added")
_PRICE_ORDER = ("input_per_mtok", "per_image", "per_second", "output_per_mtok")


def _price_key(view):
    for rank, component in enumerate(_PRICE_ORDER):
        price = view.prices.get(component)
        if price is not None:
            return (rank, price.currency != "USD", price.currency, price.amount, view.provider, view.model_id)
    return (len(_PRICE_ORDER), True, "", Decimal(0), view.provider, view.model_id)


def sort_offerings(views: list[OfferingView], how: str) -> list[OfferingView]:
    """VIEWS in the order HOW names (one of SORTS).

    name: by name (or model ID); price: cheapest first by input price per 1M tokens, then per
    image, then per second, USD before other currencies, unpriced last; added: newest first.
    Ties by provider, then model ID.
    """
    if how not in SORTS:
        raise ValueError(f"unknown order {how!r}; use one of {', '.join(SORTS)}")
    if how == "price":
        return sorted(views, key=_price_key)
    if how == "added":
        dated = sorted((v for v in views if v.date_added), key=lambda v: (v.provider, v.model_id))
        dated.sort(key=lambda v: v.date_added, reverse=True)
        return dated + [v for v in views if not v.date_added]
    return sorted(views, key=lambda v: ((v.name or v.model_id).lower(), v.provider, v.model_id))


# --- the lean reader -------------------------------------------------------------------------

_OFFERING_COLUMNS = (
    "o.id, p.slug, p.name, m.model_id, m.creator, o.name, o.category, o.task, o.open_source, "
    "o.date_added, o.source_url, o.first_seen_at, o.last_seen_at, o.last_fetched_at, o.removed_at, "
    "o.headline_spec_unit, o.headline_unit_conflict, o.stale_reason, o.warnings, o.description"
)


class Reader:
    """Read-only queries over a DB-API connection to a catalog database at the head revision."""

    def __init__(self, connection: Any, dialect: str, *, on_close: Callable[[], None] | None = None):
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"no lean reader for {dialect}")
        self.connection = connection
        self.dialect = dialect
        self._on_close = on_close
        self._mark = "?" if dialect == "sqlite" else "%s"
        if dialect == "sqlite":
            import sqlite3

            # SQLite before 3.32 allows 999 bound parameters per statement
            self._chunk = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900
        else:
            self._chunk = 30_000

    def close(self) -> None:
        try:
            if self.dialect == "postgresql":
                self.connection.rollback()
        finally:
            self.connection.close()
            if self._on_close is not None:
                self._on_close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def has_offerings(self) -> bool:
        """Whether anything was ever refreshed into this database (removed offerings count)."""
        return bool(self._rows("SELECT 1 FROM offerings LIMIT 1"))

    def _where(
        self, query: str | None, provider: str | None, category: str | None, joins: str = ""
    ) -> tuple[str, list[Any]]:
        """FROM ... (JOINS) WHERE for current offerings matching QUERY and the filters; its parameters."""
        mark = self._mark
        # SQLite's LIKE already ignores ASCII case, exactly the folding its lower() does, and is
        # faster without the call; PostgreSQL's LIKE is case-sensitive, so it compares lower().
        fold = (lambda column: column) if self.dialect == "sqlite" else (lambda column: f"lower({column})")
        where = ["o.removed_at IS NULL"]
        params: list[Any] = []
        if provider:
            where.append(f"lower(p.slug) = {mark}")
            params.append(provider.lower())
        if category:
            where.append(f"lower(o.category) = {mark}")
            params.append(category.lower())
        for word in words(query):
            # the model-ID test runs once over the (smaller) models table, not once per offering;
            # only fixed column names and placeholders are formatted in, the word is bound
            where.append(
                f"({fold('o.name')} LIKE {mark} ESCAPE '\\' OR o.model_ref_id IN "  # noqa: S608
                f"(SELECT id FROM models WHERE {fold('model_id')} LIKE {mark} ESCAPE '\\'))"
            )
            params += [like_pattern(word)] * 2
        # CROSS JOIN fixes SQLite's join order: one pass over offerings, then key lookups. Left to
        # itself, its planner may walk offerings through the provider index, 3x slower at 100k.
        # PostgreSQL plans a CROSS JOIN with join conditions like an inner join.
        sql = (
            f"FROM offerings o CROSS JOIN models m CROSS JOIN providers p {joins}"
            f"WHERE m.id = o.model_ref_id AND p.id = o.provider_id AND {' AND '.join(where)}"
        )
        return sql, params

    def offerings(
        self,
        *,
        query: str | None = None,
        provider: str | None = None,
        category: str | None = None,
        components: Iterable[str] | None = None,
    ) -> list[OfferingView]:
        """Current offerings matching QUERY and the filters, with their open prices.

        Only the price COMPONENTS named are loaded (all when None); `related` is left empty.
        Ordered by provider slug, then model ID.
        """
        where, params = self._where(query, provider, category)
        rows = self._rows(f"SELECT {_OFFERING_COLUMNS} {where}", params)  # noqa: S608 - values are bound
        decode = _Decoder(self.dialect)
        prices: dict[int, dict[str, PriceView]] = {}
        for offering_id, component, amount, currency, unit, since, suspect in self._open_prices(
            [row[0] for row in rows], components, "amount, currency, unit, valid_from, suspect"
        ):
            prices.setdefault(offering_id, {})[component] = PriceView(
                component, decode.money(amount), currency, unit, decode.timestamp(since), bool(suspect)
            )
        views = [decode.view(row, prices.get(row[0], {})) for row in rows]
        views.sort(key=lambda v: (v.provider, v.model_id))
        return views

    def briefs(
        self,
        *,
        query: str | None = None,
        provider: str | None = None,
        category: str | None = None,
        components: Iterable[str] | None = None,
    ) -> list[Brief]:
        """Like offerings(), but only identity and prices (what a cost ranking needs), quick to build,
        and in no particular order."""
        wanted = list(ALL_COMPONENTS if components is None else components)
        # one row per offering: each component's open price joined through the partial index
        # uq_prices_open (offering_id, component WHERE closed_run_id IS NULL)
        joins = "".join(
            f"LEFT JOIN prices c{i} ON c{i}.offering_id = o.id AND c{i}.component = {self._mark} "
            f"AND c{i}.closed_run_id IS NULL "
            for i in range(len(wanted))
        )
        where, params = self._where(query, provider, category, joins)
        columns = "".join(f", c{i}.amount, c{i}.currency" for i in range(len(wanted)))
        rows = self._rows(f"SELECT o.id, p.slug, m.model_id, o.name{columns} {where}", wanted + params)  # noqa: S608
        # the hot loop of `catalog compare`: no per-row dispatch (SQLite hands money over as text)
        to_decimal = Decimal if self.dialect == "sqlite" else _Decoder(self.dialect).money
        slots = [(component, 4 + 2 * i) for i, component in enumerate(wanted)]
        briefs = []
        for row in rows:
            prices = {}
            for component, at in slots:
                if row[at] is not None:
                    prices[component] = Amount(to_decimal(row[at]), row[at + 1])
            briefs.append(Brief(row[0], row[1], row[2], row[3], prices))
        return briefs

    def _open_prices(self, ids: list[int], components: Iterable[str] | None, columns: str) -> list[tuple]:
        """(offering_id, component, COLUMNS...) of the open prices of IDS, only COMPONENTS if given."""
        mark = self._mark
        wanted = list(components) if components is not None else None
        if wanted == []:
            return []
        only = f" AND component IN ({', '.join([mark] * len(wanted))})" if wanted else ""
        out: list[tuple] = []
        for start in range(0, len(ids), self._chunk):
            part = ids[start : start + self._chunk]
            out += self._rows(  # only fixed column names and placeholders are formatted in; values are bound
                f"SELECT offering_id, component, {columns} FROM prices WHERE closed_run_id IS NULL "  # noqa: S608
                f"AND offering_id IN ({', '.join([mark] * len(part))}){only}",
                part + (wanted or []),
            )
        return out


class Amount(NamedTuple):
    """An open price, briefly (its unit is the component's: catalog.records.COMPONENT_UNITS)."""

    amount: Decimal
    currency: str


class Brief(NamedTuple):
    """An offering's identity and open prices (catalog.costing ranks these as it ranks views)."""

    id: int
    provider: str
    model_id: str
    name: str | None
    prices: dict[str, Amount]

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"


class _Decoder:
    """Values as SQLAlchemy's column types return them (catalog.coltypes): SQLite keeps money as
    text and timestamps as naive UTC text; PostgreSQL returns them typed."""

    def __init__(self, dialect: str):
        self.sqlite = dialect == "sqlite"

    def money(self, value: Any) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(value)

    def timestamp(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def date(self, value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(value)

    def flag(self, value: Any) -> bool | None:
        return None if value is None else bool(value)

    def view(self, row: tuple, prices: dict[str, PriceView]) -> OfferingView:
        (id_, slug, provider_name, model_id, creator, name, category, task, open_source, date_added, source_url,
         first_seen, last_seen, last_fetched, removed_at, spec_unit, conflict, stale, warnings, description) = row
        return OfferingView(
            id=id_,
            provider=slug,
            provider_name=provider_name,
            model_id=model_id,
            name=name,
            creator=creator,
            category=category,
            task=task,
            open_source=self.flag(open_source),
            date_added=self.date(date_added),
            source_url=source_url,
            first_seen=self.timestamp(first_seen),
            last_seen=self.timestamp(last_seen),
            last_fetched=self.timestamp(last_fetched),
            removed_at=self.timestamp(removed_at),
            headline_spec_unit=spec_unit,
            headline_unit_conflict=bool(conflict),
            stale_reason=stale,
            warnings=tuple((warnings or "").splitlines()),
            description=description,
            prices=prices,
        )


# --- opening a database without SQLAlchemy ---------------------------------------------------------

_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(.+)$", re.M)


def head_revision(folder: Path = VERSIONS) -> str | None:
    """The single head of the Alembic revision files in FOLDER, or None when it is not plain."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN.search(text)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def open_fast(url: str) -> Reader | None:
    """A Reader straight on the driver when URL names an existing catalog database at the head
    revision; None when that cannot be settled cheaply (the caller then goes through catalog.db)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    backend = scheme.split("+", 1)[0]
    connection = None
    try:
        if backend == "sqlite" and scheme in ("sqlite", "sqlite+pysqlite"):
            path = rest[1:] if rest.startswith("/") else ""
            if not path or "?" in path or path == ":memory:" or not Path(path).is_file():
                return None
            import sqlite3

            connection = sqlite3.connect(path, timeout=30)
            dialect = "sqlite"
        elif backend == "postgresql" and scheme in ("postgresql", "postgresql+psycopg"):
            import psycopg

            connection = psycopg.connect("postgresql://" + rest, connect_timeout=10)
            dialect = "postgresql"
        else:
            return None
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        found = [row[0] for row in cursor.fetchall()]
        cursor.close()
        if found != [head_revision()]:
            connection.close()
            return None
        return Reader(connection, dialect)
    except Exception:  # anything unexpected: let the full path open it and report properly
        if connection is not None:
            connection.close()
        return None
