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
from spiders.pipelines import WRITE_ERROR
from spiders.settings import crawl_settings


@dataclass
class CrawlOutcome:
    finish_reason: str
    pages_requested: int
    responses: int
    not_modified: int
    bytes_downloaded: int
    discovery_failures: list[str] = field(default_factory=list)
    #: model pages robots.txt refused
    robots_refused: list[str] = field(default_factory=list)
    #: model pages requested that could not be used (robots.txt, errors, unparsable; not 404/410)
    pages_unreadable: int = 0
    #: the page budget, and the model pages left unrequested because it was spent
    max_pages: int | None = None
    over_budget: int = 0
    #: why writing to the database failed (the crawl was stopped), or None
    write_error: str | None = None
    #: exceptions raised while handling responses (each a page that may be lost)
    spider_errors: int = 0
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
    max_pages: int | None = None,
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
    return CrawlOutcome(
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
        write_error=stats.get(WRITE_ERROR),
        spider_errors=int(stats.get("spider_exceptions/count", 0)),
        stats=stats,
    )
