"""Where a refresh reads from: the source plug-in interface, and finding a source by name.

The refresh service (catalog.refresh) owns everything around a source: the lock, the run, the
database engine, the batch writer, the page budget and the judgement of whether the run was
complete. A source only fetches: it is handed a :class:`SourceContext`, gives every item it reads
to ``context.emit`` and returns a :class:`CrawlReport` of what it asked for and got. A crawl of a
site (spiders.source.ModelsLabSource) and a source that fetches one JSON document conditionally
(the known pages hold its ETag / Last-Modified; a 304 is one NotModified) fit the same shape.

Sources are found by entry point, group ``catalog.sources``: a package adds one with
``[project.entry-points."catalog.sources"] name = "module:SourceClass"``.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from catalog.errors import CatalogError
from catalog.siteurl import site_root

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from catalog.store import KnownPage
    from catalog.writer import BatchWriter, Item

#: the entry-point group sources register under
GROUP = "catalog.sources"


@dataclass
class CrawlReport:
    """What a source read, for the refresh service to judge (catalog.refresh.judge)."""

    #: "finished" when the source ran to its end; "shutdown" when stopped by a signal
    finish_reason: str
    #: model pages (or documents) requested
    pages_requested: int
    #: answers received (a 304 included)
    responses: int
    not_modified: int
    bytes_downloaded: int
    #: discovery documents (indexes, sitemaps; a document source's document) that could not be read
    discovery_failures: list[str] = field(default_factory=list)
    #: model pages robots.txt refused
    robots_refused: list[str] = field(default_factory=list)
    #: model pages requested that could not be used (robots.txt, errors, unparsable; not 404/410)
    pages_unreadable: int = 0
    #: the page budget, and the model pages left unrequested because it was spent
    max_pages: int | None = None
    over_budget: int = 0
    #: why writing to the database failed (set by the refresh service from its writer), or None
    write_error: str | None = None
    #: exceptions raised while handling responses (each a page that may be lost)
    spider_errors: int = 0
    #: the source's own counters (Scrapy's stats for a crawl), for diagnosis
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.finish_reason == "finished"


@dataclass(frozen=True)
class RefreshOptions:
    """How one refresh runs: the service's limits and the source's manners."""

    #: the most model pages to request (default: catalog.refresh.default_page_budget)
    max_pages: int | None = None
    #: let a complete run mark more than half the listed offerings removed
    allow_mass_removal: bool = False
    #: requests in flight at once, least seconds between two, seconds one response may take
    concurrency: int | None = None
    delay: float | None = None
    timeout: float | None = None
    #: show the source's own log (warnings and errors) on stderr
    verbose: bool = False
    #: items written per transaction (default: $CATALOG_BATCH_SIZE, else 500)
    batch_size: int | None = None


@dataclass
class SourceContext:
    """What the refresh service hands a source for one run."""

    #: the refresh's one engine (the lock, the run and the writer use it too)
    engine: Engine
    run_id: int
    #: the site's root, or a document source's document URL, as Source.site_url made it
    site: str
    #: every URL fetched before, with its validators (catalog.store.known_pages)
    known: dict[str, KnownPage]
    #: the most model pages to request; a source that stops there says so in CrawlReport.over_budget
    max_pages: int
    options: RefreshOptions
    writer: BatchWriter
    #: called with every item after it is written (progress), or None
    on_item: Callable[[object], None] | None = None

    def emit(self, item: Item) -> None:
        """Write ITEM (in batches) and tell on_item."""
        self.writer.add(item)
        if self.on_item is not None:
            self.on_item(item)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for URL from what the last refresh stored, if anything."""
        page = self.known.get(url)
        headers: dict[str, str] = {}
        if page is not None and page.etag:
            headers["If-None-Match"] = page.etag
        if page is not None and page.last_modified:
            headers["If-Modified-Since"] = page.last_modified
        return headers


class Source(ABC):
    """A catalog a refresh reads from. Subclasses set NAME and DEFAULT_SITE and implement crawl."""

    #: the name `catalog refresh --source` takes (the entry point's name)
    name: ClassVar[str]
    #: where to read when --site is not given
    default_site: ClassVar[str]

    def site_url(self, text: str) -> str:
        """The URL to read, from what the user typed; ValueError naming the accepted form. A site's
        root by default; a document source keeps the document's path. Never a password: it would
        show on command lines and in `catalog runs`."""
        return site_root(text)

    @abstractmethod
    def crawl(self, context: SourceContext) -> CrawlReport:
        """Read context.site, handing every item to context.emit; blocks until done. Stop early
        (and say so in the report) once context.writer.failed is set."""

    def sample(self) -> contextlib.AbstractContextManager[str]:
        """A local copy of this source to refresh from offline: a context manager giving its URL."""
        raise CatalogError(f"the {self.name} source has no offline sample; refresh it with --site URL")


def source_names() -> list[str]:
    """The names of the installed sources, sorted."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_source(name: str) -> Source:
    """The installed source called NAME. Raises CatalogError naming the known sources."""
    from importlib.metadata import entry_points

    found = entry_points(group=GROUP, name=name)
    if not found:
        known = source_names()
        if not known:
            raise CatalogError(
                f"unknown source {name!r}: no source is installed (entry points {GROUP}); "
                "reinstall catalog (pip install catalog)"
            )
        raise CatalogError(f"unknown source {name!r}; the known sources are: {', '.join(known)}")
    entry = next(iter(found))
    try:
        cls = entry.load()
    except Exception as exc:  # a broken plug-in must not end in a traceback
        raise CatalogError(
            f"the source {name!r} ({entry.value}) could not be loaded: {type(exc).__name__}: {exc}; "
            "reinstall the package that provides it"
        ) from None
    return cls() if isinstance(cls, type) else cls


def load_sources() -> list[Source]:
    """Every installed source (`catalog refresh --all`), by name."""
    return [load_source(name) for name in source_names()]
