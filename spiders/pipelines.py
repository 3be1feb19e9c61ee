"""The pipeline: hands every item to the refresh's batch writer (catalog.writer.BatchWriter).

The refresh service builds the writer on the refresh's one engine and passes it in the
crawler's settings (WRITER); the pipeline never connects to a database itself. A batch the
database refuses stops the crawl (close reason "write_failed"): going on would drop every
later batch the same way, and the service fails the run from the writer's error.
"""

from __future__ import annotations

from scrapy.utils.defer import deferred_from_coro

from catalog.writer import BatchWriter

#: crawler setting: the BatchWriter the pipeline writes through
WRITER = "CATALOG_WRITER"


class CatalogPipeline:
    def __init__(self, writer: BatchWriter, crawler=None):
        self.writer = writer
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        writer = crawler.settings.get(WRITER)
        if writer is None:  # a crawl whose items would go nowhere must not look like one that wrote them
            raise ValueError(f"CatalogPipeline needs the refresh's BatchWriter in the crawler setting {WRITER}")
        return cls(writer, crawler=crawler)

    def process_item(self, item, spider=None):
        if self.writer.failed:
            return item  # the crawl is stopping: this batch could not be written either
        self.writer.add(item)
        if self.writer.failed:
            self._stop()
        return item

    def close_spider(self, spider=None):
        self.writer.flush()

    def _stop(self) -> None:
        engine = self.crawler.engine if self.crawler is not None else None
        if engine is not None and engine.running:
            deferred_from_coro(engine.close_spider_async(reason="write_failed"))
