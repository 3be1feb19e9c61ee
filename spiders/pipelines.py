"""The pipeline: validated items in, batched writes through catalog.store out.

Items are buffered and written in one transaction per batch (never one per item), so an
interrupted refresh keeps every batch committed before it and nothing half-written.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalog import store
from catalog.db import make_engine
from catalog.records import Fetch, Observation, PageFailure
from catalog.schema import CrawlRun
from spiders.items import NotModified, ProviderName


class CatalogPipeline:
    def __init__(self, db_url: str, run_id: int, batch_size: int = 500):
        self.engine = make_engine(db_url)
        self.run_id = run_id
        self.batch_size = batch_size
        self._reset()
        self.totals = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "price_changes": 0}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings["CATALOG_DB_URL"],
            settings.getint("CATALOG_RUN_ID"),
            settings.getint("CATALOG_BATCH_SIZE", 500),
        )

    def _reset(self) -> None:
        self.observations: list[Observation] = []
        self.unchanged: list[NotModified] = []
        self.failures: list[PageFailure] = []
        self.fetches: list[Fetch] = []
        self.names: dict[str, str] = {}
        self.pending = 0

    def process_item(self, item, spider=None):
        if isinstance(item, Observation):
            self.observations.append(item)
            self.fetches.append(item.fetch)
        elif isinstance(item, NotModified):
            self.unchanged.append(item)
        elif isinstance(item, PageFailure):
            self.failures.append(item)
        elif isinstance(item, Fetch):
            self.fetches.append(item)
        elif isinstance(item, ProviderName):
            self.names[item.provider] = item.name
        else:
            raise TypeError(f"unexpected item {type(item).__name__}")
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider=None):
        self.flush()
        self.engine.dispose()

    def flush(self) -> None:
        if not self.pending:
            return
        with Session(self.engine) as session, session.begin():
            run = session.get(CrawlRun, self.run_id)
            result = store.observe(session, run, self.observations)
            store.set_provider_names(session, self.names)
            not_modified = store.observe_unchanged(
                session, run, [n.canonical_url for n in self.unchanged],
                max((n.fetch.fetched_at for n in self.unchanged), default=store.utcnow()),
            )
            store.record_failures(session, run, self.failures)
            store.record_fetches(session, run, self.fetches)
            store.add_counts(
                session,
                run,
                offerings_new=result.new,
                offerings_updated=result.updated,
                offerings_unchanged=result.unchanged + not_modified,
                pages_failed=len(self.failures),
                price_changes=result.price_changes,
            )
        self.totals["new"] += result.new
        self.totals["updated"] += result.updated
        self.totals["unchanged"] += result.unchanged + not_modified
        self.totals["failed"] += len(self.failures)
        self._reset()
