"""Running one crawl of a site into a refresh's writer (the only place Scrapy's reactor starts)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from catalog.sources import CrawlReport
from catalog.store import KnownPage
from catalog.writer import BatchWriter
from spiders.catalog_spider import CatalogSpider
from spiders.pipelines import WRITER
from spiders.settings import crawl_settings


def run_crawl(
    site: str,
    *,
    writer: BatchWriter,
    known: dict[str, KnownPage],
    on_item: Callable[[object], None] | None = None,
    settings: dict[str, Any] | None = None,
    max_pages: int | None = None,
) -> CrawlReport:
    """Crawl SITE, writing every item through WRITER; blocks until the crawl ends.

    Ctrl-C stops the crawl gracefully (batches already written stay; the pipeline flushes
    what it holds); a second Ctrl-C stops at once.
    """
    process = CrawlerProcess(crawl_settings(**(settings or {})))
    crawler = process.create_crawler(CatalogSpider)
    # set on the crawler's own copy of the settings: the process's are deep-copied into it, and
    # the writer (with its engine) must be the refresh's own object, not a copy
    crawler.settings.set(WRITER, writer, priority="cmdline")
    if on_item is not None:
        crawler.signals.connect(lambda item, **_: on_item(item), signal=signals.item_scraped)
    process.crawl(crawler, site=site, known=known, max_pages=max_pages)
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
    return CrawlReport(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        pages_requested=getattr(spider, "pages_requested", 0),
        responses=int(stats.get("downloader/response_count", 0)),
        not_modified=int(stats.get("downloader/response_status_count/304", 0)),
        bytes_downloaded=int(stats.get("downloader/response_bytes", 0)),
        discovery_failures=list(getattr(spider, "discovery_failures", [])),
        robots_refused=list(getattr(spider, "robots_refused", [])),
        pages_unreadable=getattr(spider, "pages_unreadable", 0),
        max_pages=max_pages,
        over_budget=getattr(spider, "over_budget", 0),
        spider_errors=int(stats.get("spider_exceptions/count", 0)),
        stats=stats,
    )
