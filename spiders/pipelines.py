"""The pipeline: validated items in, batched writes through catalog.store out.

Items are buffered and written in one transaction per batch (never one per item), so an
interrupted refresh keeps every batch committed before it and nothing half-written.

A batch the database refuses (a full disk, a lost connection, a value it will not take) stops
the crawl: the reason goes into the crawl's stats (WRITE_ERROR) and the refresh ends failed,
marking nothing removed. Going on would drop every later batch the same way, and a run that
reads pages it cannot store must never pass for complete.
"""

from __future__ import annotations

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.orm import Session

from catalog import store
from catalog.db import make_engine
from catalog.records import Fetch, Observation, PageFailure
from catalog.schema import CrawlRun
from spiders.items import NotModified, ProviderName


#: crawl stats key: why a batch could not be written (the refresh then fails)
WRITE_ERROR = "catalog/write_error"


class CatalogPipeline:
    def __init__(self, db_url: str, run_id: int, batch_size: int = 500, crawler=None):
        self.db_url = db_url
        self.engine = make_engine(db_url)
        self.run_id = run_id
        self.batch_size = batch_size
        self.crawler = crawler
        #: set once a batch could not be written: nothing more is written
        self.write_error: str | None = None
        self._reset()
        self.totals = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "price_changes": 0}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings["CATALOG_DB_URL"],
            settings.getint("CATALOG_RUN_ID"),
            settings.getint("CATALOG_BATCH_SIZE", 500),
            crawler=crawler,
        )

    def _reset(self) -> None:
        self.observations: list[Observation] = []
        self.unchanged: list[NotModified] = []
        self.failures: list[PageFailure] = []
        self.fetches: list[Fetch] = []
        self.names: dict[str, str] = {}
        self.pending = 0

    def process_item(self, item, spider=None):
        if self.write_error is not None:
            return item  # the crawl is stopping: this batch could not be written either
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
        if not self.pending or self.write_error is not None:
            return
        try:
            self._write()
        except Exception as exc:  # whatever the database or the disk says, the run must fail
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        from catalog.dbfailure import explain

        self.write_error = f"a batch of {self.pending} pages could not be written: {explain(exc, self.db_url)}"
        self._reset()
        if self.crawler is not None:
            self.crawler.stats.set_value(WRITE_ERROR, self.write_error)
            engine = self.crawler.engine
            if engine is not None and engine.running:
                deferred_from_coro(engine.close_spider_async(reason="write_failed"))

    def _write(self) -> None:
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
