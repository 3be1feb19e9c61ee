"""The ModelsLab catalog site as a refresh source: today's Scrapy crawl behind catalog.sources.Source.

Registered as the entry point ``modelslab`` of ``catalog.sources``. Scrapy is imported in
:meth:`ModelsLabSource.crawl` only, once the refresh service holds the lock: loading the source
(as `catalog refresh` does before it opens the database) costs no Scrapy import.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from catalog.siteurl import DEFAULT_SITE
from catalog.sources import CrawlReport, Source, SourceContext

#: the sample catalog shipped with the package (a copy of part of the site)
SAMPLE = Path(__file__).resolve().parent / "sample"


class ModelsLabSource(Source):
    """A catalog site shaped like modelslab.com: llms.txt, sitemaps, a markdown page per offering."""

    name = "modelslab"
    default_site = DEFAULT_SITE

    def crawl(self, context: SourceContext) -> CrawlReport:
        from spiders.crawl import run_crawl

        options = context.options
        settings = {
            "concurrency": options.concurrency,
            "delay": options.delay,
            "timeout": options.timeout,
            # the refresh summary reports every failure; Scrapy's own log (tracebacks included) is opt-in
            "LOG_LEVEL": "WARNING" if options.verbose else "CRITICAL",
        }
        return run_crawl(
            context.site, writer=context.writer, known=context.known, on_item=context.on_item,
            settings=settings, max_pages=context.max_pages,
        )

    @contextlib.contextmanager
    def sample(self) -> Iterator[str]:
        """The shipped sample served on 127.0.0.1 (links rewritten to it) for as long as the block runs."""
        from spiders.localsite import LocalSite

        with LocalSite(SAMPLE) as local:
            yield local.base_url
