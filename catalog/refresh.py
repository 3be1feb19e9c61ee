"""A whole refresh: take the lock, open a run, let a source read, close the run with its outcome.

The source (catalog.sources) only fetches; everything else is here, and runs on the ONE engine
the caller hands in: the lock, the run, the batch writer the source writes through.

Only a `complete` run marks offerings removed, so `complete` is earned: every discovery
document read, the crawl run to its end within its page budget, every batch written, most of
the model pages read, and the catalog not emptied by one refresh (see :func:`judge`).

Nothing here imports Scrapy: a source that needs it imports it in its crawl, once the lock is
held, so a refresh that finds another running says so at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import store
from catalog.db import ensure_schema, make_engine
from catalog.errors import CatalogError
from catalog.lock import refresh_lock
from catalog.schema import CrawlRun, PageProblem
from catalog.sources import CrawlReport, RefreshOptions, Source, SourceContext, load_source
from catalog.views import DEFAULT_SOURCE, RunView
from catalog.writer import DEFAULT_BATCH_SIZE, BatchWriter

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: the page budget when none is given: at least this many model pages...
MIN_PAGE_BUDGET = 10_000
#: ...or this many times the offerings the last complete refresh saw
PAGE_BUDGET_FACTOR = 3
#: a complete refresh may mark at most half the listed offerings removed (once more than this
#: many): more means it saw far fewer pages than the site had, not that the site emptied
MASS_REMOVAL_MIN = 10
#: environment variable: items written per transaction (tests set it low to have several
#: batches committed before they interrupt a crawl)
BATCH_SIZE_ENV = "CATALOG_BATCH_SIZE"


@dataclass(frozen=True)
class Refreshed:
    """How a refresh ended: its run as `catalog runs` shows it, and the pages it could not use."""

    run: RunView
    #: (url, reason) of every page that failed, in the order they were recorded
    problems: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: what the source read (discovery failures, its own counters)
    report: CrawlReport | None = None

    @property
    def ok(self) -> bool:
        return self.run.status == "complete"


def run_refresh(
    engine: Engine,
    source: Source | str,
    *,
    site: str | None = None,
    options: RefreshOptions | None = None,
    on_item: Callable[[object], None] | None = None,
) -> Refreshed:
    """Refresh from SOURCE (a Source, or an installed source's name) at SITE (default: the
    source's own) into ENGINE's database, whose schema must be current (catalog.db.ensure_schema).

    One refresh at a time per database: another one running raises RefreshLocked. OPTIONS bound
    the run (max_pages, default :func:`default_page_budget`; allow_mass_removal) and set the
    source's manners. ON_ITEM is called with every item the source reads (progress).
    """
    if isinstance(source, str):
        source = load_source(source)
    options = options or RefreshOptions()
    site = _site_url(source, site)
    batch_size = options.batch_size or int(os.environ.get(BATCH_SIZE_ENV) or DEFAULT_BATCH_SIZE)
    started = time.monotonic()
    with refresh_lock(engine):
        with Session(engine) as session, session.begin():
            run_id = store.start_run(session, site, source=source.name).id
        with Session(engine) as session:
            known = store.known_pages(session, source.name)
            max_pages = options.max_pages if options.max_pages is not None else default_page_budget(session, source.name)
        writer = BatchWriter(engine, run_id, batch_size)
        context = SourceContext(
            engine=engine, run_id=run_id, site=site, known=known, max_pages=max_pages, options=options,
            writer=writer, on_item=on_item,
        )
        try:
            report = source.crawl(context)
            writer.flush()  # what the source left buffered
        except BaseException as exc:
            with Session(engine) as session, session.begin():
                store.finish_run(session, session.get(CrawlRun, run_id), "failed", error=repr(exc))
            raise
        if writer.error:
            report.write_error = writer.error
        with Session(engine) as session, session.begin():
            run = session.get(CrawlRun, run_id)
            run.pages_fetched = report.responses - report.not_modified
            run.pages_not_modified = report.not_modified
            run.bytes_downloaded = report.bytes_downloaded
            status, error = judge(report, run)
            if status == "complete" and not options.allow_mass_removal:
                status, error = _guard_removals(session, run)
            run = store.finish_run(session, run, status, error=error)
            problems = [
                (p.url, p.reason)
                for p in session.scalars(
                    select(PageProblem).where(PageProblem.run_id == run_id).order_by(PageProblem.id)
                )
            ]
            view = RunView(**{f.name: getattr(run, f.name) for f in fields(RunView)})
    return Refreshed(run=view, problems=problems, seconds=time.monotonic() - started, report=report)


def refresh_catalog(
    url: str,
    *,
    source: Source | str = DEFAULT_SOURCE,
    site: str | None = None,
    on_item: Callable[[object], None] | None = None,
    **options: Any,
) -> Refreshed:
    """:func:`run_refresh` into the database at URL, on one engine built for it (the schema is
    created or migrated first, as every command does). OPTIONS are RefreshOptions' fields."""
    if isinstance(source, str):
        source = load_source(source)
    settings = RefreshOptions(**options)
    site = _site_url(source, site)  # before the database is touched: a bad site leaves no trace
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        return run_refresh(engine, source, site=site, options=settings, on_item=on_item)
    finally:
        engine.dispose()


def _site_url(source: Source, site: str | None) -> str:
    try:  # what the CLI's --site checks, for library callers too: never a password in crawl_runs.site
        return source.site_url(site or source.default_site)
    except ValueError as exc:
        raise CatalogError(str(exc)) from None


def default_page_budget(session: Session, source: str = DEFAULT_SOURCE) -> int:
    """max(MIN_PAGE_BUDGET, PAGE_BUDGET_FACTOR x the offerings the last complete refresh of
    SOURCE saw)."""
    last = session.scalar(
        select(CrawlRun).where(CrawlRun.status == "complete", CrawlRun.source == source)
        .order_by(CrawlRun.id.desc()).limit(1)
    )
    seen = (last.offerings_new + last.offerings_updated + last.offerings_unchanged) if last else 0
    return max(MIN_PAGE_BUDGET, PAGE_BUDGET_FACTOR * seen)


def _guard_removals(session: Session, run: CrawlRun) -> tuple[str, str | None]:
    gone, listed = store.removal_preview(session, run)
    if gone >= MASS_REMOVAL_MIN and 2 * gone > listed:
        return "incomplete", (
            f"this refresh would mark {gone} of the {listed} listed offerings removed: it saw far fewer "
            "model pages than the site had; nothing was marked removed (if the site really dropped "
            "them, run `catalog refresh --allow-mass-removal`)"
        )
    return "complete", None


def judge(report: CrawlReport, run: CrawlRun) -> tuple[str, str | None]:
    """complete: every discovery document read, the crawl ran to its end within its page budget,
    every batch was written, and at least half the model pages requested could be read. Only
    then may the run mark offerings as removed."""
    if report.finish_reason == "shutdown":
        return "interrupted", "stopped before the end (Ctrl-C or a signal); nothing was marked removed"
    if report.write_error:
        return "failed", f"{report.write_error}; the crawl was stopped and nothing was marked removed"
    if report.responses == 0 or (report.pages_requested == 0 and report.discovery_failures):
        reason = report.discovery_failures[0] if report.discovery_failures else "no page answered"
        return "failed", f"the site could not be crawled ({reason}); check the --site URL and the network"
    if report.discovery_failures:
        return "incomplete", "some discovery documents failed; nothing was marked removed: " + "; ".join(
            report.discovery_failures[:3]
        )
    if report.over_budget:
        return "incomplete", (
            f"stopped at the page budget: {report.pages_requested} model pages requested and "
            f"{report.over_budget} more found (--max-pages {report.max_pages}); nothing was marked removed "
            "(if the site really has that many, give a larger --max-pages)"
        )
    if report.spider_errors:
        return "incomplete", (
            f"{report.spider_errors} responses could not be handled (an internal error; run with --verbose "
            "to see it); nothing was marked removed"
        )
    if not report.finished:
        return "incomplete", f"the crawl ended early ({report.finish_reason}); nothing was marked removed"
    requested, unreadable = report.pages_requested, report.pages_unreadable
    if requested and 2 * unreadable > requested:
        why = []
        if report.robots_refused:
            why.append(
                f"robots.txt now forbids {len(report.robots_refused)} of them "
                f"(e.g. {report.robots_refused[0]})"
            )
        if unreadable > len(report.robots_refused):
            why.append(f"{unreadable - len(report.robots_refused)} failed (listed above)")
        return "incomplete", (
            f"only {requested - unreadable} of the {requested} model pages could be read: {'; '.join(why)}; "
            "nothing was marked removed"
        )
    return "complete", None
