"""Running one crawl of a site into a database run (the only place Scrapy's reactor starts)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from catalog.store import KnownPage
from spiders.catalog_spider import CatalogSpider
from spiders.settings import crawl_settings


@dataclass
class CrawlOutcome:
    finish_reason: str
    pages_requested: int
    responses: int
    not_modified: int
    bytes_downloaded: int
    discovery_failures: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.finish_reason == "finished"


def run_crawl(
    site: str,
    *,
    db_url: str,
    run_id: int,
    known: dict[str, KnownPage],
    on_item: Callable[[object], None] | None = None,
    settings: dict[str, Any] | None = None,
) -> CrawlOutcome:
    """Crawl SITE, writing through the pipeline into run RUN_ID; blocks until the crawl ends.

    Ctrl-C stops the crawl gracefully (batches already written stay; the pipeline flushes
    what it holds); a second Ctrl-C stops at once.
    """
    options = crawl_settings(**(settings or {}))
    options.update(CATALOG_DB_URL=db_url, CATALOG_RUN_ID=run_id)
    process = CrawlerProcess(options)
    crawler = process.create_crawler(CatalogSpider)
    if on_item is not None:
        crawler.signals.connect(lambda item, **_: on_item(item), signal=signals.item_scraped)
    process.crawl(crawler, site=site, known=known)
    # A crawl makes millions of short-lived objects, and every full collection also walked the
    # million-odd objects imported at startup (Scrapy, SQLAlchemy, pydantic): a tenth of a
    # refresh's CPU time. Those are frozen out of collection, and the youngest generation is
    # collected every 10,000 allocations instead of 700, for the length of the crawl.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])
    try:
        process.start()
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    return CrawlOutcome(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        pages_requested=getattr(spider, "pages_requested", 0),
        responses=int(stats.get("downloader/response_count", 0)),
        not_modified=int(stats.get("downloader/response_status_count/304", 0)),
        bytes_downloaded=int(stats.get("downloader/response_bytes", 0)),
        discovery_failures=list(getattr(spider, "discovery_failures", [])),
        stats=stats,
    )
