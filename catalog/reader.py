"""The one read path: every query of the catalog, on the database's own driver (sqlite3 or psycopg).

Every command that reads (models, show, compare, cheapest, history, changes, runs, export), the
Catalog API and the web view read through :class:`Reader`. It sends plain parameterized SQL and
builds catalog.views values: no SQLAlchemy and no pydantic are imported, so a query command
starts in a fraction of the ~0.35 s those imports take, and answers over 100,000 offerings in a
fraction of a second. The schema still belongs to SQLAlchemy and Alembic (catalog.schema,
migrations/); values are decoded by catalog.dbvalues, the same functions the column types use.

:func:`connect` opens a database that is at this catalog's schema revision (catalog.db.SCHEMA_REVISION)
straight on the driver; one that is not (new, older, foreign, newer) goes through catalog.db,
which migrates it or says why it cannot, and the reader then uses that engine's connection.

A QUERY is words in any order; an offering matches when every word occurs, in any case, in its
model ID or its name ("llama 3.2 1b" finds meta-llama-llama-3.2-1b-instruct). In SQL each word
is one parameterized LIKE pair; ``%``, ``_`` and ``\\`` in a word match themselves.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from catalog import components
from catalog.dbvalues import (
    date_from_db,
    flag_from_db,
    money_from_db,
    timestamp_from_db,
    timestamp_param,
)
from catalog.errors import CatalogError, EmptyCatalog, NotFound
from catalog.search import like_pattern, words
from catalog.views import (
    DEFAULT_SOURCE,
    ChangeSet,
    CrossCheck,
    Discrepancy,
    OfferingHistory,
    OfferingView,
    PresenceSpan,
    PriceChange,
    PriceSpan,
    PriceView,
    Problem,
    RunView,
    SourcedPrice,
    TierView,
    is_suspect,
    offering_key,
    split_key,
    split_source,
    tier_name,
)

#: every price component a page can show, in registry order
ALL_COMPONENTS = tuple(c.name for c in components.COMPONENTS)
_OFFERING_COLUMNS = (
    "o.id, p.slug, p.name, m.model_id, m.creator, o.name, o.category, o.task, o.open_source, "
    "o.date_added, o.source_url, o.first_seen_at, o.last_seen_at, o.last_fetched_at, o.removed_at, "
    "o.headline_spec_unit, o.headline_unit_conflict, o.stale_reason, o.warnings, o.description, "
    "o.source, o.model_key, o.provider_key"
)
_RUN_COLUMNS = (
    "id, site, started_at, finished_at, status, pages_fetched, pages_not_modified, pages_failed, "
    "bytes_downloaded, offerings_new, offerings_updated, offerings_unchanged, offerings_removed, "
    "price_changes, error, source"
)
_KEYED = "JOIN offerings o ON o.id = {table}.offering_id JOIN providers p ON p.id = o.provider_id " \
         "JOIN models m ON m.id = o.model_ref_id"


class Amount(NamedTuple):
    """An open price, briefly (its unit is its component's)."""

    amount: Decimal
    currency: str


class Tier(NamedTuple):
    """An open long-context price (catalog.records.TierBasis says how it applies)."""

    start: int
    basis: str
    amount: Decimal
    currency: str


class Brief(NamedTuple):
    """An offering's identity and open prices: what a cost ranking needs, quick to build."""

    id: int
    provider: str
    model_id: str
    name: str | None
    prices: dict[str, Amount]
    source: str = DEFAULT_SOURCE
    #: component -> its long-context tiers, by start
    tiers: dict[str, list[Tier]] | None = None

    @property
    def key(self) -> str:
        return offering_key(self.source, self.provider, self.model_id)


class Reader:
    """Read-only queries over a DB-API connection to a catalog database at the current revision.

    The caller owns the connection's life: ``with Reader(...)`` or :meth:`close`.
    """

    def __init__(self, connection: Any, dialect: str, *, on_close: Callable[[], None] | None = None):
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"no reader for {dialect}")
        self.connection = connection
        self.dialect = dialect
        self._on_close = on_close
        self._pg = dialect == "postgresql"
        if dialect == "sqlite":
            import sqlite3

            # SQLite before 3.32 allows 999 bound parameters per statement
            self._chunk = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900
        else:
            self._chunk = 30_000

    # --- plumbing ----------------------------------------------------------------------------------

    def close(self) -> None:
        try:
            if self._pg:
                self.connection.rollback()
        finally:
            self.connection.close()
            if self._on_close is not None:
                self._on_close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of SQL, written with ? placeholders (turned into %s for psycopg)."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql.replace("?", "%s") if self._pg else sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def _in(self, sql: str, ids: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple]:
        """SQL with ``{ids}`` standing for a list of placeholders, run over IDS in chunks."""
        out: list[tuple] = []
        for start in range(0, len(ids), self._chunk):
            part = list(ids[start : start + self._chunk])
            out += self._rows(sql.format(ids=", ".join(["?"] * len(part))), [*part, *params])  # noqa: S608
        return out

    # --- offerings ---------------------------------------------------------------------------------

    def has_offerings(self) -> bool:
        """Whether anything was ever refreshed into this database (removed offerings count)."""
        return bool(self._rows("SELECT 1 FROM offerings LIMIT 1"))

    def require_offerings(self) -> None:
        """Raise EmptyCatalog when nothing was ever refreshed into this database."""
        if not self.has_offerings():
            raise EmptyCatalog("the catalog is empty; run `catalog refresh` first")

    def _where(
        self,
        query: str | None,
        provider: str | None,
        category: str | None,
        joins: str = "",
        *,
        include_removed: bool = False,
        source: str | None = None,
        model: str | None = None,
        stored_model: str | None = None,
    ) -> tuple[str, list[Any]]:
        """FROM ... (JOINS) WHERE for offerings matching QUERY and the filters (SOURCE: one
        source's; MODEL: one model, as a person or source writes its key, at every provider and
        source; STORED_MODEL: a model key as stored, taken as it is); its parameters."""
        # SQLite's LIKE already ignores ASCII case, exactly the folding its lower() does, and is
        # faster without the call; PostgreSQL's LIKE is case-sensitive, so it compares lower().
        fold = (lambda column: f"lower({column})") if self._pg else (lambda column: column)
        where = [] if include_removed else ["o.removed_at IS NULL"]
        params: list[Any] = []
        if provider:  # as the source spells it, or the provider's one identity across sources
            where.append("(lower(p.slug) = ? OR o.provider_key = ?)")
            params += [provider.lower()] * 2
        if category:
            where.append("lower(o.category) = ?")
            params.append(category.lower())
        if source:
            where.append("o.source = ?")
            params.append(source.lower())
        if model:
            from catalog.identity import model_key  # only here: `compare QUERY` need not load the rules

            where.append("o.model_key = ?")  # as a source would write it: claude-opus-4-6 is claude-opus-4.6
            params.append(model_key(model) or model.strip().lower())
        if stored_model:
            where.append("o.model_key = ?")
            params.append(stored_model)
        for word in words(query):
            # the model-ID test runs once over the (smaller) models table, not once per offering;
            # only fixed column names and placeholders are formatted in, the word is bound
            where.append(
                f"({fold('o.name')} LIKE ? ESCAPE '\\' OR o.model_ref_id IN "  # noqa: S608
                f"(SELECT id FROM models WHERE {fold('model_id')} LIKE ? ESCAPE '\\'))"
            )
            params += [like_pattern(word)] * 2
        # CROSS JOIN fixes SQLite's join order: one pass over offerings, then key lookups. Left to
        # itself, its planner may walk offerings through the provider index, 3x slower at 100k.
        # PostgreSQL plans a CROSS JOIN with join conditions like an inner join.
        sql = (
            f"FROM offerings o CROSS JOIN models m CROSS JOIN providers p {joins}"
            f"WHERE m.id = o.model_ref_id AND p.id = o.provider_id"
        )
        if where:
            sql += " AND " + " AND ".join(where)
        return sql, params

    def offerings(
        self,
        query: str | None = None,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
        stored_model: str | None = None,
        components: Iterable[str] | None = None,
    ) -> list[OfferingView]:
        """Current offerings matching QUERY and the filters (as _where), with their open prices
        (only COMPONENTS when given). Ordered by provider slug, then model ID (then source)."""
        where, params = self._where(query, provider, category, source=source, model=model,
                                    stored_model=stored_model)
        rows = self._rows(f"SELECT {_OFFERING_COLUMNS} {where}", params)  # noqa: S608 - values are bound
        return self._views(rows, components, with_related=False)

    def _views(self, rows: list[tuple], components: Iterable[str] | None, with_related: bool) -> list[OfferingView]:
        ids = [row[0] for row in rows]
        prices: dict[int, dict[str, PriceView]] = {}
        tiers: dict[int, dict[tuple[str, int], TierView]] = {}
        for offering_id, component, amount, currency, unit, since, suspect, tier, basis in self._open_prices(
            ids, components
        ):
            if tier:
                tiers.setdefault(offering_id, {})[(component, tier)] = TierView(
                    component, tier, basis, money_from_db(amount), currency)
                continue
            prices.setdefault(offering_id, {})[component] = PriceView(
                component, money_from_db(amount), currency, unit, timestamp_from_db(since), bool(suspect)
            )
        related: dict[int, list[str]] = {}
        if with_related:
            for offering_id, provider, model_id in self._in(
                "SELECT offering_id, provider, model_id FROM related_links WHERE offering_id IN ({ids}) "
                "ORDER BY offering_id, position",
                ids,
            ):
                related.setdefault(offering_id, []).append(f"{provider}/{model_id}")
        views = [_view(row, prices.get(row[0], {}), tuple(related.get(row[0], ())), tiers.get(row[0], {}))
                 for row in rows]
        views.sort(key=lambda v: (v.provider, v.model_id, v.source))
        return views

    def _open_prices(self, ids: list[int], components: Iterable[str] | None) -> list[tuple]:
        wanted = list(components) if components is not None else None
        if wanted == [] or not ids:
            return []
        only = f" AND component IN ({', '.join(['?'] * len(wanted))})" if wanted else ""
        return self._in(  # noqa: S608
            "SELECT offering_id, component, amount, currency, unit, valid_from, suspect, tier_start, "  # noqa: S608
            "tier_basis FROM prices WHERE closed_run_id IS NULL AND offering_id IN ({ids})" + only,
            ids,
            wanted or [],
        )

    def briefs(
        self,
        query: str | None = None,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
        components: Iterable[str] | None = None,
    ) -> list[Brief]:
        """Like offerings(), but only identity, prices and long-context tiers (what a cost
        ranking needs), quick to build, and in no particular order."""
        wanted = list(ALL_COMPONENTS if components is None else components)
        joins, columns = _base_price_joins(len(wanted))
        where, params = self._where(query, provider, category, joins, source=source, model=model)
        rows = self._rows(f"SELECT o.id, p.slug, m.model_id, o.name, o.source{columns} {where}", wanted + params)  # noqa: S608
        # the hot loop of `catalog compare`: no per-row dispatch (SQLite hands money over as text)
        to_decimal = money_from_db if self._pg else Decimal
        slots = [(component, 5 + 2 * i) for i, component in enumerate(wanted)]
        tiers = self._open_tiers(wanted)
        briefs = []
        for row in rows:
            prices = {}
            for component, at in slots:
                if row[at] is not None:
                    prices[component] = Amount(to_decimal(row[at]), row[at + 1])
            briefs.append(Brief(row[0], row[1], row[2], row[3], prices, row[4], tiers.get(row[0])))
        return briefs

    def _open_tiers(self, components: list[str]) -> dict[int, dict[str, list[Tier]]]:
        """Every open long-context tier of COMPONENTS, by offering (few: read whole, through the
        partial index ix_prices_open_tiers)."""
        if not components:
            return {}
        tiers: dict[int, dict[str, list[Tier]]] = {}
        marks = ", ".join(["?"] * len(components))
        for offering_id, component, start, basis, amount, currency in self._rows(  # noqa: S608
            "SELECT offering_id, component, tier_start, tier_basis, amount, currency FROM prices "  # noqa: S608
            f"WHERE tier_start > 0 AND closed_run_id IS NULL AND component IN ({marks}) ORDER BY tier_start",
            components,
        ):
            tiers.setdefault(offering_id, {}).setdefault(component, []).append(
                Tier(start, basis, money_from_db(amount), currency))
        return tiers

    def offering(self, key: str, *, include_removed: bool = False) -> OfferingView:
        """The offering named PROVIDER/MODEL_ID (any case; a bare model ID offered by one provider),
        with its prices and related keys; a removed one only when INCLUDE_REMOVED.

        Raises NotFound with the closest current keys as ``suggestions``, nearest first (and says
        so when the offering was removed).
        """
        views = self._named(key, include_removed=include_removed)
        exact = [v for v in views if v.key == key.strip()]
        if len(exact) == 1 or len(views) == 1:
            return (exact or views)[0]
        self.require_offerings()
        suggestions = [v.key for v in views] or self.closest_keys(key)
        hint = f"did you mean {', '.join(suggestions)}?" if suggestions else "find it with `catalog models WORDS`"
        gone = [v for v in self._named(key, include_removed=True) if v.removed_at] if not views else []
        if len(gone) == 1:
            when = gone[0].removed_at.date().isoformat()  # type: ignore[union-attr]
            raise NotFound(f"{gone[0].key} is no longer listed (removed by the refresh of {when}); {hint}",
                           suggestions=suggestions)
        raise NotFound(f"no offering {key.strip()!r}; {hint}", suggestions=suggestions)

    def _named(self, key: str, *, include_removed: bool) -> list[OfferingView]:
        source, key = split_source(key)
        provider, model_id = split_key(key)
        where, params = self._where(None, None, None, include_removed=include_removed, source=source)
        if provider:
            where += " AND lower(p.slug) = ?"
            params.append(provider.lower())
        sql = f"SELECT {_OFFERING_COLUMNS} {where} AND lower(m.model_id) = ?"  # noqa: S608 - values are bound
        return self._views(self._rows(sql, [*params, model_id.lower()]), None, with_related=True)

    def closest_keys(self, key: str, n: int = 3) -> list[str]:
        """The N current offering keys nearest KEY, nearest first: a one-character typo of a key
        lists that key first; the same model ID under other providers counts as near."""
        keys = {
            offering_key(s, p, m).lower(): offering_key(s, p, m)
            for s, p, m in self._rows(
                "SELECT o.source, p.slug, m.model_id FROM offerings o JOIN providers p ON p.id = o.provider_id "
                "JOIN models m ON m.id = o.model_ref_id WHERE o.removed_at IS NULL"
            )
        }
        wanted = key.strip().lower()
        _, model_id = split_key(split_source(wanted)[1])
        matcher = difflib.SequenceMatcher(b=wanted)
        scored = []
        for lowered, original in keys.items():
            matcher.set_seq1(lowered)
            if split_key(split_source(lowered)[1])[1] == model_id:
                scored.append((1.0, original))  # the model itself, at another provider
            elif matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                ratio = matcher.ratio()
                if ratio >= 0.6:
                    scored.append((ratio, original))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [original for _, original in scored[:n]]

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        """Those of KEYS ('provider/model_id') that name a current offering."""
        wanted = {k for k in keys if "/" in k}
        if not wanted:
            return set()
        model_ids = sorted({k.split("/", 1)[1] for k in wanted})
        rows = self._in(
            "SELECT p.slug, m.model_id FROM offerings o JOIN providers p ON p.id = o.provider_id "
            "JOIN models m ON m.id = o.model_ref_id WHERE o.removed_at IS NULL AND m.model_id IN ({ids})",
            model_ids,
        )
        return {f"{p}/{m}" for p, m in rows} & wanted

    # --- refreshes -----------------------------------------------------------------------------------

    def runs(self, limit: int | None = None) -> list[RunView]:
        """Refreshes, newest first (at most LIMIT). Raises EmptyCatalog when there was none."""
        sql = f"SELECT {_RUN_COLUMNS} FROM crawl_runs ORDER BY id DESC"  # noqa: S608 - fixed columns
        runs = [_run(row) for row in self._rows(sql + (" LIMIT ?" if limit is not None else ""),  # noqa: S608
                                                [limit] if limit is not None else [])]
        if not runs:
            raise EmptyCatalog("no refresh has run on this database; run `catalog refresh` first")
        return runs

    def run(self, run_id: int) -> RunView:
        rows = self._rows(f"SELECT {_RUN_COLUMNS} FROM crawl_runs WHERE id = ?", [run_id])  # noqa: S608
        if not rows:
            raise NotFound(f"no refresh #{run_id}; `catalog runs` lists them")
        return _run(rows[0])

    def problems(self, run_id: int) -> list[Problem]:
        """The pages refresh RUN_ID could not use, in the order met."""
        self.run(run_id)
        return [
            Problem(url, reason, status)
            for url, reason, status in self._rows(
                "SELECT url, reason, http_status FROM page_problems WHERE run_id = ? ORDER BY id", [run_id]
            )
        ]

    # --- history ---------------------------------------------------------------------------------------

    def history(self, key: str) -> OfferingHistory:
        """Every value each price component of offering KEY (current or removed) has held, and
        when it was listed. Raises NotFound (with the closest offerings) for an unknown key."""
        view = self.offering(key, include_removed=True)
        spans: dict[str, list[PriceSpan]] = {}
        rows = self._rows(
            "SELECT component, amount, currency, unit, valid_from, valid_to, opened_run_id, last_run_id, "
            "closed_run_id, last_seen_at, suspect, source_url, fetched_at, content_hash, tier_start, tier_basis "
            # an unknown start (a source's undated earlier prices) is the oldest: first on every backend
            "FROM prices WHERE offering_id = ? "
            "ORDER BY CASE WHEN valid_from IS NULL THEN 0 ELSE 1 END, valid_from, id",
            [view.id],
        )
        # stable sorts: time order kept within each component and tier
        for row in sorted(rows, key=lambda r: (components.order(r[0]), r[14])):
            (component, amount, currency, unit, valid_from, valid_to, opened, last, closed, last_seen,
             suspect, source_url, fetched_at, content_hash, tier, basis) = row
            name = tier_name(component, tier, basis)
            spans.setdefault(name, []).append(PriceSpan(
                component, money_from_db(amount), currency, unit, timestamp_from_db(valid_from),
                timestamp_from_db(valid_to), opened, last, closed, timestamp_from_db(last_seen), bool(suspect),
                source_url, timestamp_from_db(fetched_at), content_hash, tier, basis,
            ))
        presence = self._rows(
            "SELECT opened_at, closed_at, opened_run_id, closed_run_id FROM offering_presence "
            "WHERE offering_id = ? ORDER BY opened_run_id",
            [view.id],
        )
        return OfferingHistory(
            provider=view.provider,
            model_id=view.model_id,
            name=view.name,
            removed_at=view.removed_at,
            presence=tuple(
                PresenceSpan(timestamp_from_db(a), timestamp_from_db(b), o, c) for a, b, o, c in presence
            ),
            prices={c: tuple(s) for c, s in spans.items()},
            source=view.source,
        )

    # --- changes between two complete refreshes -----------------------------------------------------

    def resolve_runs(
        self, since: int | dt.date | dt.datetime | None = None, source: str | None = None
    ) -> tuple[RunView, RunView]:
        """The two complete refreshes of one source to compare: (older, newer).

        The source is SOURCE, else that of the last complete refresh. The newer is that source's
        last complete refresh; the older the one before it, or SINCE: a run id, or a date / time
        meaning the last complete refresh that finished at or before it (a bare date counts to
        its end, in UTC).
        """
        if source is None:
            last = self._rows("SELECT source FROM crawl_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1")
            source = last[0][0] if last else DEFAULT_SOURCE
        complete = f"SELECT {_RUN_COLUMNS} FROM crawl_runs WHERE status = 'complete' AND source = ?"  # noqa: S608
        latest = [_run(r) for r in self._rows(complete + " ORDER BY id DESC LIMIT 2", [source])]  # noqa: S608
        if len(latest) < 2:
            has = "1 (run `catalog refresh` again)" if latest else "none yet (run `catalog refresh`)"
            of = "" if source == DEFAULT_SOURCE else f" of {source}"
            raise CatalogError(f"changes need two complete refreshes{of}; this database has {has}")
        newer = latest[0]
        if since is None:
            return latest[1], newer
        if isinstance(since, int):
            older = self.run(since)
            if older.source != source:
                raise CatalogError(f"refresh #{since} read {older.source}, not {source}; give --source {older.source}")
            if older.status != "complete":
                raise CatalogError(
                    f"refresh #{since} is {older.status}, not complete; --since needs a complete refresh "
                    "(`catalog runs` lists them)"
                )
        else:
            bound = timestamp_param(_end_of(since), self.dialect)
            found = self._rows(complete + " AND finished_at <= ? ORDER BY id DESC LIMIT 1", [source, bound])  # noqa: S608
            if not found:
                first = _run(self._rows(complete + " ORDER BY id LIMIT 1", [source])[0])  # noqa: S608
                raise CatalogError(
                    f"no complete refresh had finished by {since.isoformat()}; the first finished at "
                    f"{first.finished_at.isoformat(sep=' ', timespec='seconds')}"  # type: ignore[union-attr]
                )
            older = _run(found[0])
        if older.id >= newer.id:
            raise CatalogError(f"refresh #{older.id} is the last complete refresh; --since needs an earlier one")
        return older, newer

    def changes(self, since: int | dt.date | dt.datetime | None = None, source: str | None = None) -> ChangeSet:
        """What changed between two complete refreshes (see resolve_runs): offerings added and
        removed, and every price component whose value differs.

        A fixed number of queries whatever the catalog's size, each returning only what moved
        in between: intervals opened or closed after the older refresh. An interval is held at
        the end of refresh R when it was opened by R or before and not closed by R (run ids grow
        with time: one refresh at a time per database).
        """
        older, newer = self.resolve_runs(since, source)
        a, b = older.id, newer.id
        source = newer.source
        held = "{t}.opened_run_id <= ? AND ({t}.closed_run_id IS NULL OR {t}.closed_run_id > ?)"

        def appeared(held_now: int, held_before: int, moved: str, moved_run: int) -> dict[int, tuple[str, str]]:
            rows = self._rows(  # noqa: S608
                f"SELECT pr.offering_id, p.slug, m.model_id FROM offering_presence pr {_KEYED.format(table='pr')} "  # noqa: S608
                f"WHERE o.source = ? AND pr.{moved} AND {held.format(t='pr')} AND NOT EXISTS "
                f"(SELECT 1 FROM offering_presence b WHERE b.offering_id = pr.offering_id AND {held.format(t='b')})",
                [source, moved_run, held_now, held_now, held_before, held_before],
            )
            return {oid: (slug, model_id) for oid, slug, model_id in rows}

        added = appeared(b, a, "opened_run_id > ?", a)
        removed = appeared(a, b, "closed_run_id <= ?", b)

        def prices(held_at: int, moved: str, moved_run: int) -> dict[tuple[int, str], tuple]:
            rows = self._rows(  # noqa: S608
                "SELECT pc.offering_id, p.slug, m.model_id, pc.component, pc.amount, pc.currency, pc.unit, "  # noqa: S608
                f"pc.suspect, pc.tier_start, pc.tier_basis FROM prices pc {_KEYED.format(table='pc')} "
                f"WHERE o.source = ? AND pc.{moved} AND {held.format(t='pc')}",
                [source, moved_run, held_at, held_at],
            )
            return {(r[0], r[3], r[8]): (r[1], r[2], money_from_db(r[4]), r[5], r[6], bool(r[7]), r[9]) for r in rows}

        old = prices(a, "closed_run_id <= ?", b)  # held at A, gone by B
        new = prices(b, "opened_run_id > ?", a)  # held at B, opened since A
        found: list[tuple[tuple, PriceChange]] = []
        for key in old.keys() | new.keys():
            if key[0] in added or key[0] in removed:
                continue
            before, after = old.get(key), new.get(key)
            slug, model_id = (before or after)[:2]  # type: ignore[index]
            if before and after and before[2:5] == after[2:5]:
                continue  # closed and reopened in between (gone and back) with the same value
            both = before is not None and after is not None and before[3] == after[3]
            shown = after or before
            found.append(((slug, model_id, components.order(key[1]), key[2]), PriceChange(
                provider=slug,
                model_id=model_id,
                component=tier_name(key[1], key[2], shown[6]),  # type: ignore[index]
                old=before[2] if before else None,
                new=after[2] if after else None,
                currency=shown[3],  # type: ignore[index]
                unit=shown[4],  # type: ignore[index]
                suspect=both and (after[5] or is_suspect(before[2], after[2])),  # type: ignore[index]
                source=source,
            )))
        found.sort(key=lambda pair: pair[0])  # a component's base price, then its tiers by start
        return ChangeSet(
            from_run=older,
            to_run=newer,
            added=tuple(sorted(added.values())),
            removed=tuple(sorted(removed.values())),
            price_changes=tuple(change for _, change in found),
            source=source,
        )

    # --- several sources ------------------------------------------------------------------------------

    def source_counts(self) -> dict[str, tuple[RunView | None, int]]:
        """Every source refreshed into this database: its last refresh and current offerings."""
        counts = dict(self._rows("SELECT source, count(*) FROM offerings WHERE removed_at IS NULL GROUP BY source"))
        last_runs = self._rows(f"SELECT {_RUN_COLUMNS} FROM crawl_runs "  # noqa: S608 - fixed columns
                               "WHERE id IN (SELECT max(id) FROM crawl_runs GROUP BY source)")
        return {run.source: (run, int(counts.get(run.source, 0))) for run in map(_run, last_runs)}

    def crosscheck(self, sources: Sequence[str] | None = None, min_diff: Decimal = Decimal(0)) -> list[Discrepancy]:
        """Every (model, provider, component) that two or more SOURCES (default: all) price
        differently today: base prices of the same unit and currency, compared by model_key and
        provider_key (long-context tiers are not compared). Each value's URL is the page it was
        read from, or the document's URL with the entry's key as its fragment. MIN_DIFF: only differences of more than this many percent (a price of 0
        against any other is always reported)."""
        where = ["o.removed_at IS NULL", "pc.closed_run_id IS NULL", "pc.tier_start = 0", "o.model_key IS NOT NULL",
                 "o.provider_key IS NOT NULL", "pc.component <> ?"]
        params: list[Any] = [components.HEADLINE.name]
        if sources:
            where.append(f"o.source IN ({', '.join(['?'] * len(sources))})")
            params += [s.lower() for s in sources]
        rows = self._rows(  # noqa: S608
            "SELECT o.model_key, o.provider_key, pc.component, o.source, p.slug, m.model_id, pc.amount, pc.currency, "  # noqa: S608
            f"pc.unit, pc.source_url, pc.valid_from, o.source_url FROM prices pc {_KEYED.format(table='pc')} "
            f"WHERE {' AND '.join(where)}",
            params,
        )
        groups: dict[tuple[str, str, str, str, str], list[SourcedPrice]] = {}
        for model, provider, component, source, slug, model_id, amount, currency, unit, url, since, entry in rows:
            if entry and entry.startswith(f"{url}#"):  # an entry of the document the price was read from
                url = entry
            groups.setdefault((model, provider, component, currency, unit), []).append(SourcedPrice(
                source, offering_key(source, slug, model_id), money_from_db(amount), currency, unit, url,
                timestamp_from_db(since)))  # type: ignore[arg-type]
        from catalog import crosscheck

        found, compared = [], 0
        for (model, provider, component, _, _), values in groups.items():
            if len({v.source for v in values}) < 2:
                continue
            any_pair, differs = crosscheck.compare(model, provider, component, values)
            compared += any_pair
            if differs is None or (differs.difference is not None and differs.difference <= min_diff):
                continue
            found.append(differs)
        found.sort(key=lambda d: (d.model, d.provider, components.order(d.component)))
        return CrossCheck(found, compared=compared, sources=tuple(sorted({s.lower() for s in sources or ()})))

    # --- export ---------------------------------------------------------------------------------------

    def export_values(
        self,
        query: str | None = None,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
    ) -> Iterator[tuple]:
        """Every current offering matching, as the export's values (catalog.export.export_values of
        its OfferingView, in COLUMNS order), in key order: the CSV export's read, one row per
        offering with its base prices joined as briefs() joins them, no view built."""
        from catalog.export import PRICE_COLUMNS, plain

        wanted = list(PRICE_COLUMNS.values())
        headline = wanted.index(components.HEADLINE.name)
        joins, columns = _base_price_joins(len(wanted))
        where, params = self._where(query, provider, category, joins, source=source, model=model)
        rows = self._rows(  # noqa: S608
            "SELECT o.source, p.slug, p.name, m.model_id, o.model_key, o.name, m.creator, o.category, o.task, "  # noqa: S608
            f"o.open_source, o.date_added, o.source_url, o.first_seen_at, o.last_seen_at, c{headline}.unit"
            f"{columns} {where} ORDER BY p.slug, m.model_id, o.source",
            wanted + params,
        )
        to_decimal = money_from_db if self._pg else Decimal
        first_price = 15
        for row in rows:
            amounts = row[first_price::2]
            currencies = {c for c in row[first_price + 1::2] if c is not None}
            added = date_from_db(row[10])
            yield (
                *row[:9], flag_from_db(row[9]), currencies.pop() if len(currencies) == 1 else None,
                *(None if a is None else plain(to_decimal(a)) for a in amounts),
                row[14] if amounts[headline] is not None else None,
                added.isoformat() if added else None, row[11],
                timestamp_from_db(row[12]).isoformat(), timestamp_from_db(row[13]).isoformat(),  # type: ignore[union-attr]
            )

    def iter_offerings(
        self,
        query: str | None = None,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
        with_related: bool = True,
        batch: int = 5000,
    ) -> Iterator[OfferingView]:
        """Every current offering matching, with prices (and related keys, WITH_RELATED), in key
        order, read in batches of BATCH: an export of 100,000 offerings never holds them all."""
        where, params = self._where(query, provider, category, source=source, model=model)
        rows = self._rows(f"SELECT {_OFFERING_COLUMNS} {where} ORDER BY p.slug, m.model_id, o.source", params)  # noqa: S608
        for start in range(0, len(rows), batch):
            yield from self._views(rows[start : start + batch], None, with_related=with_related)


def _base_price_joins(count: int) -> tuple[str, str]:
    """For COUNT components (bound as parameters, in order): LEFT JOINs putting each one's open base
    price on the offering's row, through the partial index uq_prices_open (offering_id, component,
    tier_start WHERE closed_run_id IS NULL), and the columns ", cI.amount, cI.currency" to select."""
    joins = "".join(
        f"LEFT JOIN prices c{i} ON c{i}.offering_id = o.id AND c{i}.component = ? "
        f"AND c{i}.tier_start = 0 AND c{i}.closed_run_id IS NULL "
        for i in range(count)
    )
    return joins, "".join(f", c{i}.amount, c{i}.currency" for i in range(count))


def _end_of(when: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(when, dt.time.max, tzinfo=dt.UTC)


def _view(row: tuple, prices: dict[str, PriceView], related: tuple[str, ...],
          tiers: dict[tuple[str, int], TierView]) -> OfferingView:
    (id_, slug, provider_name, model_id, creator, name, category, task, open_source, date_added, source_url,
     first_seen, last_seen, last_fetched, removed_at, spec_unit, conflict, stale, warnings, description,
     source, model_key, provider_key) = row
    return OfferingView(
        id=id_,
        provider=slug,
        provider_name=provider_name,
        model_id=model_id,
        name=name,
        creator=creator,
        category=category,
        task=task,
        open_source=flag_from_db(open_source),
        date_added=date_from_db(date_added),
        source_url=source_url,
        first_seen=timestamp_from_db(first_seen),  # type: ignore[arg-type]
        last_seen=timestamp_from_db(last_seen),  # type: ignore[arg-type]
        last_fetched=timestamp_from_db(last_fetched),
        removed_at=timestamp_from_db(removed_at),
        headline_spec_unit=spec_unit,
        headline_unit_conflict=bool(conflict),
        stale_reason=stale,
        warnings=tuple((warnings or "").splitlines()),
        description=description,
        prices=prices,
        related=related,
        source=source,
        model_key=model_key,
        provider_key=provider_key,
        tiers=tiers,
    )


def _run(row: tuple) -> RunView:
    (id_, site, started, finished, status, fetched, not_modified, failed, downloaded, new, updated,
     unchanged, removed, changes, error, source) = row
    return RunView(id_, site, timestamp_from_db(started), timestamp_from_db(finished), status,  # type: ignore[arg-type]
                   fetched, not_modified, failed, downloaded, new, updated, unchanged, removed, changes, error,
                   source)


# --- opening a database ------------------------------------------------------------------------------


def connect(url: str) -> Reader:
    """A Reader on the database at URL (catalog.db.resolve_url's forms).

    At this catalog's schema revision it opens straight on the driver; otherwise it goes through
    catalog.db, which creates or migrates the schema (or refuses a newer or foreign database
    with a DatabaseError saying why), and reads through that engine's connection.
    """
    reader = _connect_fast(url)
    if reader is not None:
        return reader
    from sqlalchemy.exc import OperationalError

    from catalog import db

    engine = db.make_engine(url)
    db.ensure_schema(engine)
    try:
        connection = engine.raw_connection()
    except OperationalError as exc:
        engine.dispose()
        raise db.unreachable(engine, exc) from None
    return Reader(connection, engine.dialect.name, on_close=engine.dispose)


def _connect_fast(url: str) -> Reader | None:
    """A Reader straight on the driver when URL names an existing catalog database at the
    current revision; None when that cannot be settled cheaply (connect() then takes the full path)."""
    from catalog.db import SCHEMA_REVISION

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
        if found != [SCHEMA_REVISION]:
            connection.close()
            return None
        return Reader(connection, dialect)
    except Exception:  # anything unexpected: let the full path open it and report properly
        if connection is not None:
            connection.close()
        return None
