"""Scrapy settings for a refresh: polite by default, bounded in size and time."""

from __future__ import annotations

from typing import Any

from catalog import USER_AGENT
from spiders.download import MAX_HEADER_BYTES

#: a model page is a few KB; anything this large is refused without being read whole
MAX_RESPONSE_BYTES = 4 * 1024 * 1024

DEFAULTS: dict[str, Any] = {
    "BOT_NAME": "catalog",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "ROBOTSTXT_USER_AGENT": "catalog",
    # the per-host limit is the polite one; the global one leaves room for requests waiting
    # out a Retry-After, which hold a global place but not the host's
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.05,
    "AUTOTHROTTLE_MAX_DELAY": 30,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 8.0,
    # Scrapy's AutoThrottle never lets a 304 lower the delay, so an unchanged refresh could only
    # slow down; this one counts a 304 as an answer (see spiders/throttle.py)
    "EXTENSIONS": {
        "scrapy.extensions.throttle.AutoThrottle": None,
        "spiders.throttle.ConditionalAutoThrottle": 0,
        # a body sent without Content-Length is stopped at DOWNLOAD_MAXSIZE with a reason
        "spiders.middlewares.SizeLimit": 0,
    },
    # Scrapy's HTTP/1.1 handler with a cap on response headers (DOWNLOAD_MAXSIZE bounds bodies)
    "DOWNLOAD_HANDLERS": {
        "http": "spiders.download.CappedHTTPDownloadHandler",
        "https": "spiders.download.CappedHTTPDownloadHandler",
    },
    "CATALOG_MAX_HEADER_BYTES": MAX_HEADER_BYTES,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": MAX_RESPONSE_BYTES,
    "DOWNLOAD_WARNSIZE": 1024 * 1024,
    "RETRY_ENABLED": True,
    # 3 retries after the first try; 404/410 are answers, not failures: never retried
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    # the refresh summary reports what gave up; the log need not shout it too
    "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
    # first pause before a retry without Retry-After (doubles each time), and the longest pause
    "CATALOG_RETRY_BACKOFF": 0.5,
    "CATALOG_RETRY_MAX_WAIT": 60.0,
    "DOWNLOADER_MIDDLEWARES": {
        # before Scrapy's offsite (50) and robots.txt (100) middlewares: an off-site URL is
        # refused before anything, even its host's robots.txt, is requested
        "spiders.middlewares.StayOnSiteMiddleware": 40,
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "spiders.middlewares.StrictRobotsTxtMiddleware": 100,
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "spiders.middlewares.PoliteRetryMiddleware": 550,
    },
    "REDIRECT_MAX_TIMES": 5,
    "COOKIES_ENABLED": False,
    # items per response processed in parallel: each slot is an asyncio task per response
    "CONCURRENT_ITEMS": 8,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "LOG_ENABLED": True,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    # writes through the refresh's catalog.writer.BatchWriter, which run_crawl puts in CATALOG_WRITER
    "ITEM_PIPELINES": {"spiders.pipelines.CatalogPipeline": 300},
    # the spider filters duplicates itself by URL before building a request
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
}


def crawl_settings(
    *,
    concurrency: int | None = None,
    delay: float | None = None,
    timeout: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Scrapy settings for a refresh: the defaults with the command line's choices applied.

    CONCURRENCY is requests in flight to the site at once, DELAY the least seconds between two
    of them (AutoThrottle only ever slows down from there), TIMEOUT the seconds one response
    may take before it is given up (and retried).
    """
    settings = dict(DEFAULTS)
    if concurrency is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
        settings["CONCURRENT_REQUESTS"] = max(2 * concurrency, settings["CONCURRENT_REQUESTS"])
        settings["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(concurrency)
    if delay is not None:
        settings["DOWNLOAD_DELAY"] = delay
        settings["AUTOTHROTTLE_START_DELAY"] = max(delay, 0.05)
    if timeout is not None:
        settings["DOWNLOAD_TIMEOUT"] = timeout
    settings.update(extra)
    return settings
