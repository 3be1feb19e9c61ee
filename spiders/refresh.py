"""A whole refresh: take the lock, open a run, crawl, close the run with its outcome."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import store
from catalog.db import ensure_schema, make_engine
from catalog.lock import refresh_lock
from catalog.schema import CrawlRun, PageProblem


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
) -> RefreshSummary:
    """Crawl SITE into the database at DB_URL; one refresh at a time per database.

    $CATALOG_BATCH_SIZE sets the items written per transaction (default 500; tests set it low
    to have several batches committed before they interrupt a crawl).
    """
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
        try:
            outcome = run_crawl(
                site, db_url=db_url, run_id=run_id, known=known, on_item=on_item, settings=settings
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


def _judge(outcome, run: CrawlRun) -> tuple[str, str | None]:
    """complete: every discovery document read and the crawl ran to its end. Only then may the
    run mark offerings as removed."""
    if outcome.finish_reason == "shutdown":
        return "interrupted", "stopped before the end (Ctrl-C or a signal); nothing was marked removed"
    if outcome.responses == 0 or (outcome.pages_requested == 0 and outcome.discovery_failures):
        reason = outcome.discovery_failures[0] if outcome.discovery_failures else "no page answered"
        return "failed", f"the site could not be crawled ({reason}); check the --site URL and the network"
    if outcome.discovery_failures:
        return "incomplete", "some discovery documents failed; nothing was marked removed: " + "; ".join(
            outcome.discovery_failures[:3]
        )
    if not outcome.finished:
        return "incomplete", f"the crawl ended early ({outcome.finish_reason}); nothing was marked removed"
    return "complete", None
