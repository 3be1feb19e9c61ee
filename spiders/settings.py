"""Scrapy settings for a refresh: polite by default, bounded in size and time."""

from __future__ import annotations

from typing import Any

from catalog import USER_AGENT

#: a model page is a few KB; anything this large is refused without being read whole
MAX_RESPONSE_BYTES = 4 * 1024 * 1024

DEFAULTS: dict[str, Any] = {
    "BOT_NAME": "catalog",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "ROBOTSTXT_USER_AGENT": "catalog",
    "CONCURRENT_REQUESTS": 16,
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
    },
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": MAX_RESPONSE_BYTES,
    "DOWNLOAD_WARNSIZE": 1024 * 1024,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "REDIRECT_MAX_TIMES": 5,
    "COOKIES_ENABLED": False,
    # items per response processed in parallel: each slot is an asyncio task per response
    "CONCURRENT_ITEMS": 8,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "LOG_ENABLED": True,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "ITEM_PIPELINES": {"spiders.pipelines.CatalogPipeline": 300},
    "CATALOG_BATCH_SIZE": 500,
    # the spider filters duplicates itself by URL before building a request
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
}


def crawl_settings(*, concurrency: int | None = None, delay: float | None = None, **extra: Any) -> dict[str, Any]:
    settings = dict(DEFAULTS)
    if concurrency is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
        settings["CONCURRENT_REQUESTS"] = max(concurrency, settings["CONCURRENT_REQUESTS"])
        settings["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(concurrency)
    if delay is not None:
        settings["DOWNLOAD_DELAY"] = delay
        settings["AUTOTHROTTLE_START_DELAY"] = max(delay, 0.05)
    settings.update(extra)
    return settings
