"""The front door: :class:`Catalog`, how code, the command line and the web view reach the data.

    from catalog import Catalog, Workload
    with Catalog.open("sqlite:///prices.db") as cat:      # Catalog.open(): the default database
        cat.offering("together_ai/meta-llama-llama-3.2-1b-instruct").prices   # component -> PriceView
        cat.compare("llama 3.1 8b", Workload(input_tokens=1_500_000, output_tokens=200_000))

Every read goes through catalog.reader (the database's own driver: no SQLAlchemy, no Scrapy);
a refresh goes through catalog.refresh with one engine. Errors are catalog.errors exceptions
whose messages name the problem and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from catalog import db
from catalog.errors import CatalogError, NoMatch, NotFound
from catalog.reader import Reader, connect
from catalog.search import describe_filters, sort_offerings
from catalog.views import (
    DEFAULT_SOURCE,
    ChangeSet,
    CrossCheck,
    OfferingHistory,
    OfferingView,
    Problem,
    RunView,
    SourceStatus,
)

if TYPE_CHECKING:
    from catalog.costing import Quote, Ranking, Workload
    from catalog.refresh import Refreshed


class Catalog:
    """A catalog database, open for questions (and refreshes). Use as a context manager, or close()."""

    def __init__(self, url: str, reader: Reader):
        self.url = url
        self._reader = reader

    @classmethod
    def open(cls, url: str | None = None) -> Catalog:
        """The catalog at URL (default: $CATALOG_DATABASE_URL, else the SQLite file in the user data
        folder), created or migrated on first use like every command does. Raises DatabaseError
        (unreachable, newer schema, foreign tables) with the fix in its message."""
        url = db.resolve_url(url)
        return cls(url, connect(url))

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the data is, to show a person: the URL without its password."""
        return db.redacted(self.url)

    # --- offerings ----------------------------------------------------------------------------

    def offerings(
        self,
        query: str | None = None,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
        sort: str = "name",
        limit: int | None = None,
    ) -> list[OfferingView]:
        """Current offerings whose model ID or name holds every word of QUERY (any order, any case),
        filtered by PROVIDER and CATEGORY (exact, any case), SOURCE, and MODEL (a canonical model
        key, e.g. meta-llama/llama-3.2-1b-instruct: every provider and source of it), in SORT order
        (name, price, added), at most LIMIT. Raises EmptyCatalog on a catalog never refreshed,
        NoMatch when nothing matches."""
        views = self._reader.offerings(query, provider=provider, category=category, source=source, model=model)
        self._require(views, query, provider, category, source=source, model=model)
        return sort_offerings(views, sort)[:limit]

    def offering(self, key: str) -> OfferingView:
        """The current offering PROVIDER/MODEL_ID (any case; a bare model ID a single provider
        offers), with its prices and related offerings. Raises NotFound (a LookupError) whose
        ``suggestions`` hold the closest keys, nearest first."""
        return self._reader.offering(key)

    def same_model(self, offering: OfferingView) -> list[OfferingView]:
        """The other current offerings of OFFERING's model, at every provider and in every source."""
        if not offering.model_key:
            return []
        return [v for v in self._reader.offerings(stored_model=offering.model_key) if v.id != offering.id]

    def listed(self, keys: list[str] | tuple[str, ...]) -> set[str]:
        """Those of KEYS that name a current offering (e.g. which related offerings are in the catalog)."""
        return self._reader.existing_keys(keys)

    def export(
        self,
        out: IO[str] | str | os.PathLike[str],
        *,
        format: str = "csv",
        query: str | None = None,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
        raw: bool = False,
    ) -> int:
        """Write current offerings (filtered as offerings()) to OUT, a stream or a path, as CSV
        (formula-safe cells unless RAW) or JSON. A path that names a regular file (or a link to one)
        is replaced whole at once; a pipe or device is written to. Returns the number of rows."""
        from catalog import export as exporter

        if format not in exporter.FORMATS:
            raise ValueError(f"unknown export format {format!r}; use one of {', '.join(exporter.FORMATS)}")
        self._reader.require_offerings()
        filters = {"provider": provider, "category": category, "source": source, "model": model}
        if format == "csv":  # the export's values read as they are written: no view built
            views: Iterator[Any] = self._reader.export_values(query, **filters)
        else:
            views = self._reader.iter_offerings(query, with_related=exporter.HAS_RELATED[format], **filters)
        first = next(views, None)
        if first is None and (query or provider or category or source or model):
            raise _no_match(query, provider, category, source, model)

        def rows() -> Iterator[Any]:
            if first is not None:
                yield first
            yield from views

        def write(stream: IO[str]) -> int:
            if format == "csv":
                return exporter.write_csv(rows(), stream, raw=raw)
            return exporter.write_json(rows(), stream)

        if isinstance(out, str | os.PathLike):
            return exporter.write_file(Path(out), write)
        return write(out)

    # --- costs --------------------------------------------------------------------------------

    def rank(
        self,
        query: str | None,
        workload: Workload,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
    ) -> Ranking:
        """Every current offering matching QUERY and the filters (as offerings()), ranked by the
        exact cost of WORKLOAD: USD first, each other currency on its own, then those lacking a
        needed price. Long-context tiers apply where the workload's input tokens reach them."""
        if workload.empty:
            raise ValueError("the workload is empty: give at least one count (tokens, images, seconds) or calls")
        from catalog.costing import charged, rank

        briefs = self._reader.briefs(query, provider=provider, category=category, source=source, model=model,
                                     components=charged(workload))
        self._require(briefs, query, provider, category, source=source, model=model)
        return rank(briefs, workload)

    def compare(
        self,
        query: str | None,
        workload: Workload,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
        model: str | None = None,
    ) -> list[Quote]:
        """The quotes of rank(), in the order `catalog compare` lists them: each currency's
        ranking (USD first), then the offerings lacking a needed price (``missing`` names it)."""
        return self.rank(query, workload, provider=provider, category=category, source=source, model=model).ordered()

    def cheapest(
        self,
        workload: Workload,
        *,
        provider: str | None = None,
        category: str | None = None,
        source: str | None = None,
    ) -> Ranking:
        """The whole catalog (or PROVIDER, CATEGORY, SOURCE) ranked by WORKLOAD's cost; NoMatch when
        no offering has every price the workload needs."""
        ranking = self.rank(None, workload, provider=provider, category=category, source=source)
        if not ranking.by_currency:
            from catalog.components import by_name

            needed = ", ".join(by_name(c).label for c in workload.components)
            raise NoMatch(f"none of the {len(ranking):,} offerings of {describe_filters(None, provider, category, source)} "
                          f"has the prices this workload needs ({needed})")
        return ranking

    # --- over time ----------------------------------------------------------------------------

    def history(self, key: str) -> OfferingHistory:
        """Every value each price of offering KEY (current or removed) has held, with dates,
        refreshes and source. Raises NotFound for an unknown key (EmptyCatalog on an empty one)."""
        return self._reader.history(key)

    def changes(self, since: int | dt.date | dt.datetime | None = None, source: str | None = None) -> ChangeSet:
        """What changed between a source's last complete refresh and the one before it (or SINCE:
        a run id, or the last complete refresh finished by a date or time). SOURCE: the source
        compared (default: the source of the last complete refresh)."""
        if source is not None:
            source = self._source_name(source)
        return self._reader.changes(since, source)

    def crosscheck(self, sources: list[str] | None = None, min_diff: Decimal | int | str = 0) -> CrossCheck:
        """Every (model, provider, component) that two or more SOURCES (default: all) price
        differently today, each value with its source, offering, page and date; MIN_DIFF: only
        differences above this many percent. A list of Discrepancy with ``.compared``: how many
        prices two or more of the sources state (0: they had nothing in common)."""
        if sources:
            known = self._known_sources()
            names = sorted({self._source_name(s, known) for s in sources})
            if len(names) < 2:
                raise CatalogError(f"a crosscheck compares two or more sources, not only {names[0]}: give "
                                   "--source twice (e.g. --source modelslab --source litellm), or none for all")
            sources = names
        from catalog.units import parse_percent

        return self._reader.crosscheck(sources, parse_percent(min_diff))

    def _known_sources(self) -> set[str]:
        """The sources a refresh can read (installed) or has read (in this database)."""
        from catalog.sources import source_names

        return set(source_names()) | set(self._reader.source_counts())

    def _source_name(self, name: str, known: set[str] | None = None) -> str:
        """NAME as one of the KNOWN sources (default: _known_sources()); NotFound otherwise."""
        known = self._known_sources() if known is None else known
        if name.lower() in known:
            return name.lower()
        raise NotFound(f"no source {name!r}; the sources are {', '.join(sorted(known))} (`catalog sources`)",
                       suggestions=difflib.get_close_matches(name.lower(), sorted(known)))

    def sources(self) -> list[SourceStatus]:
        """The sources a refresh can read (installed) or has read (in this database), with each
        one's last refresh and current offerings."""
        from catalog.sources import load_source, source_names

        seen = self._reader.source_counts()
        out = []
        for name in sorted(set(source_names()) | set(seen)):  # _known_sources(), with the counts kept
            try:
                default = load_source(name).default_site
            except CatalogError:
                default = ""  # refreshed once, its plug-in no longer installed
            last, count = seen.get(name, (None, 0))
            out.append(SourceStatus(name, default, last, count))
        return out

    def runs(self, limit: int | None = None) -> list[RunView]:
        """Refreshes, newest first (at most LIMIT). Raises EmptyCatalog when none has run."""
        return self._reader.runs(limit)

    def run(self, run_id: int) -> RunView:
        return self._reader.run(run_id)

    def problems(self, run_id: int) -> list[Problem]:
        """The pages refresh RUN_ID could not use, and why."""
        return self._reader.problems(run_id)

    # --- refreshing ---------------------------------------------------------------------------

    def refresh(
        self,
        site: str | None = None,
        *,
        source: str = DEFAULT_SOURCE,
        on_item: Callable[[object], None] | None = None,
        **options: Any,
    ) -> Refreshed:
        """Observe SOURCE (a catalog.sources plug-in; default the ModelsLab crawl) at SITE (default:
        the source's own) into this catalog: one refresh at a time per database. OPTIONS are the
        source's and the service's (max_pages, allow_mass_removal, concurrency, delay, timeout...).
        Returns the run, its problems and its duration; ``.run.ok`` is True only when complete."""
        from catalog.refresh import refresh_catalog

        return refresh_catalog(self.url, source=source, site=site, on_item=on_item, **options)

    # --- helpers ------------------------------------------------------------------------------

    def _require(self, found: list, query: str | None, provider: str | None, category: str | None,
                 *, source: str | None = None, model: str | None = None) -> None:
        if found:
            return
        self._reader.require_offerings()
        raise _no_match(query, provider, category, source, model)


def _no_match(query: str | None, provider: str | None, category: str | None, source: str | None,
              model: str | None) -> NoMatch:
    return NoMatch(f"no offerings match {describe_filters(query, provider, category, source, model)}; "
                   "list them with `catalog models`")

