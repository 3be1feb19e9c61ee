"""A whole refresh: take the lock, open a run, crawl, close the run with its outcome.

Only a `complete` run marks offerings removed, so `complete` is earned: every discovery
document read, the crawl run to its end within its page budget, every batch written, most of
the model pages read, and the catalog not emptied by one refresh (see :func:`_judge`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import store
from catalog.db import ensure_schema, make_engine
from catalog.errors import CatalogError
from catalog.lock import refresh_lock
from catalog.schema import CrawlRun, PageProblem
from catalog.siteurl import site_root

#: the page budget when none is given: at least this many model pages...
MIN_PAGE_BUDGET = 10_000
#: ...or this many times the offerings the last complete refresh saw
PAGE_BUDGET_FACTOR = 3
#: a complete refresh may mark at most half the listed offerings removed (once more than this
#: many): more means it saw far fewer pages than the site had, not that the site emptied
MASS_REMOVAL_MIN = 10


@dataclass
class RefreshSummary:
    run_id: int
    site: str
    status: str
    seconds: float
    pages_fetched: int
    pages_not_modified: int
    bytes_downloaded: int
    offerings_new: int
    offerings_updated: int
    offerings_unchanged: int
    offerings_removed: int
    price_changes: int
    problems: list[tuple[str, str]] = field(default_factory=list)
    discovery_failures: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "complete"


def refresh(
    db_url: str,
    site: str,
    *,
    on_item: Callable[[object], None] | None = None,
    settings: dict | None = None,
    max_pages: int | None = None,
    allow_mass_removal: bool = False,
) -> RefreshSummary:
    """Crawl SITE into the database at DB_URL; one refresh at a time per database.

    MAX_PAGES bounds the model pages requested (default: :func:`default_page_budget`); reaching
    it ends the run incomplete. ALLOW_MASS_REMOVAL lets a complete run mark more than half the
    listed offerings removed (a site that really dropped most of its catalog).

    $CATALOG_BATCH_SIZE sets the items written per transaction (default 500; tests set it low
    to have several batches committed before they interrupt a crawl).
    """
    try:  # what the CLI's --site checks, for library callers too: never a password in crawl_runs.site
        site = site_root(site)
    except ValueError as exc:
        raise CatalogError(str(exc)) from None
    if os.environ.get("CATALOG_BATCH_SIZE"):
        settings = {**(settings or {}), "CATALOG_BATCH_SIZE": int(os.environ["CATALOG_BATCH_SIZE"])}
    engine = make_engine(db_url)
    ensure_schema(engine)
    started = time.monotonic()
    with refresh_lock(engine):
        # Scrapy is imported once the lock is ours: a refresh that finds another running says so at once
        from spiders.crawl import run_crawl

        with Session(engine) as session, session.begin():
            run = store.start_run(session, site)
            run_id = run.id
        with Session(engine) as session:
            known = store.known_pages(session)
            if max_pages is None:
                max_pages = default_page_budget(session)
        try:
            outcome = run_crawl(
                site, db_url=db_url, run_id=run_id, known=known, on_item=on_item, settings=settings,
                max_pages=max_pages,
            )
        except BaseException as exc:
            with Session(engine) as session, session.begin():
                store.finish_run(session, session.get(CrawlRun, run_id), "failed", error=repr(exc))
            raise
        with Session(engine) as session, session.begin():
            run = session.get(CrawlRun, run_id)
            run.pages_fetched = outcome.responses - outcome.not_modified
            run.pages_not_modified = outcome.not_modified
            run.bytes_downloaded = outcome.bytes_downloaded
            status, error = _judge(outcome, run)
            if status == "complete" and not allow_mass_removal:
                status, error = _guard_removals(session, run)
            store.finish_run(session, run, status, error=error)
            summary = RefreshSummary(
                run_id=run.id,
                site=site,
                status=run.status,
                seconds=time.monotonic() - started,
                pages_fetched=run.pages_fetched,
                pages_not_modified=run.pages_not_modified,
                bytes_downloaded=run.bytes_downloaded,
                offerings_new=run.offerings_new,
                offerings_updated=run.offerings_updated,
                offerings_unchanged=run.offerings_unchanged,
                offerings_removed=run.offerings_removed,
                price_changes=run.price_changes,
                problems=[
                    (p.url, p.reason)
                    for p in session.scalars(
                        select(PageProblem).where(PageProblem.run_id == run.id).order_by(PageProblem.id)
                    )
                ],
                discovery_failures=outcome.discovery_failures,
                error=run.error,
            )
    engine.dispose()
    return summary


def default_page_budget(session: Session) -> int:
    """max(MIN_PAGE_BUDGET, PAGE_BUDGET_FACTOR x the offerings the last complete refresh saw)."""
    last = session.scalar(
        select(CrawlRun).where(CrawlRun.status == "complete").order_by(CrawlRun.id.desc()).limit(1)
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


def _judge(outcome, run: CrawlRun) -> tuple[str, str | None]:
    """complete: every discovery document read, the crawl ran to its end within its page budget,
    every batch was written, and at least half the model pages requested could be read. Only
    then may the run mark offerings as removed."""
    if outcome.finish_reason == "shutdown":
        return "interrupted", "stopped before the end (Ctrl-C or a signal); nothing was marked removed"
    if outcome.write_error:
        return "failed", f"{outcome.write_error}; the crawl was stopped and nothing was marked removed"
    if outcome.responses == 0 or (outcome.pages_requested == 0 and outcome.discovery_failures):
        reason = outcome.discovery_failures[0] if outcome.discovery_failures else "no page answered"
        return "failed", f"the site could not be crawled ({reason}); check the --site URL and the network"
    if outcome.discovery_failures:
        return "incomplete", "some discovery documents failed; nothing was marked removed: " + "; ".join(
            outcome.discovery_failures[:3]
        )
    if outcome.over_budget:
        return "incomplete", (
            f"stopped at the page budget: {outcome.pages_requested} model pages requested and "
            f"{outcome.over_budget} more found (--max-pages {outcome.max_pages}); nothing was marked removed "
            "(if the site really has that many, give a larger --max-pages)"
        )
    if outcome.spider_errors:
        return "incomplete", (
            f"{outcome.spider_errors} responses could not be handled (an internal error; run with --verbose "
            "to see it); nothing was marked removed"
        )
    if not outcome.finished:
        return "incomplete", f"the crawl ended early ({outcome.finish_reason}); nothing was marked removed"
    requested, unreadable = outcome.pages_requested, outcome.pages_unreadable
    if requested and 2 * unreadable > requested:
        why = []
        if outcome.robots_refused:
            why.append(
                f"robots.txt now forbids {len(outcome.robots_refused)} of them "
                f"(e.g. {outcome.robots_refused[0]})"
            )
        if unreadable > len(outcome.robots_refused):
            why.append(f"{unreadable - len(outcome.robots_refused)} failed (listed above)")
        return "incomplete", (
            f"only {requested - unreadable} of the {requested} model pages could be read: {'; '.join(why)}; "
            "nothing was marked removed"
        )
    return "complete", None
