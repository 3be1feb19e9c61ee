#!/usr/bin/env python3
"""The ceiling for any Scrapy crawler of a catalog site: fetch what a refresh needs, do nothing else.

    python bench/bare_spider.py http://127.0.0.1:8774 --pages pages.txt [--json]

PAGES lists the model page URLs (``.../models/<provider>/<model-id>.md``): one a line, or the
``url`` fields of a truth.jsonl as bench/sitegen.py and ../shared/sitegen write beside the site. The spider requests each page and that model's own
``llms.txt``, with the refresh's settings (concurrency, AutoThrottle, robots.txt, user agent,
retries, no duplicate filter), and throws the bodies away: no parsing, no items, no database.
With ``--json`` it prints one JSON object (responses, bytes, seconds) on standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402

from spiders.settings import crawl_settings  # noqa: E402


def read_pages(path: Path, site: str) -> list[str]:
    """Model page URLs on SITE from a plain list (one a line) or a truth.jsonl (its ``url`` fields).

    Only the path of each listed URL is kept: a generated site links to the origin it was built
    for, which the local server rewrites to its own.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        urls = [json.loads(line)["url"] for line in text.splitlines() if line.strip()]
    else:
        urls = [line.strip() for line in text.splitlines() if line.strip()]
    return [site.rstrip("/") + urlsplit(url).path for url in urls]


class BareSpider(scrapy.Spider):
    """Requests each model page and its llms.txt; the callbacks discard the responses."""

    name = "bare"

    def __init__(self, site: str, pages: list[str], **kwargs):
        super().__init__(**kwargs)
        self.site = site.rstrip("/")
        self.pages = pages

    async def start(self):
        for url in self.pages:
            yield scrapy.Request(url, callback=self.discard, dont_filter=True)
            yield scrapy.Request(url[: -len(".md")] + "/llms.txt", callback=self.discard, dont_filter=True)

    def discard(self, response) -> list:
        return []


def bare_settings(**overrides) -> dict:
    """The refresh's own settings, less its pipeline (there are no items to write)."""
    settings = crawl_settings(**overrides)
    settings.pop("ITEM_PIPELINES", None)
    settings["LOG_LEVEL"] = "ERROR"
    return settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", help="site root, e.g. http://127.0.0.1:8774")
    parser.add_argument("--pages", type=Path, required=True, help="pages.txt or truth.jsonl")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    pages = read_pages(args.pages, args.site)
    started = time.monotonic()
    process = CrawlerProcess(bare_settings())
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, site=args.site, pages=pages)
    process.start()
    seconds = time.monotonic() - started
    stats = crawler.stats.get_stats()
    figures = {
        "seconds": round(seconds, 3),
        "responses": int(stats.get("downloader/response_count", 0)),
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "status_200": int(stats.get("downloader/response_status_count/200", 0)),
        "finish_reason": str(stats.get("finish_reason")),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['responses']} responses ({figures['status_200']} OK), "
            f"{figures['bytes'] / 1e6:.1f} MB in {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
