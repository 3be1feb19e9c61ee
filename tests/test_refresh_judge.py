"""How a refresh is judged, and the spider's own limits, without a crawl: pure inputs, exact outcomes.

The crawls that reach each of these outcomes are in tests/test_hostile_site.py; here every branch
of the judgement is pinned, so a change to one rule shows as one failing case.
"""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import XmlResponse

from catalog.records import ProviderName
from catalog.refresh import judge
from catalog.schema import CrawlRun
from catalog.sources import CrawlReport
from spiders.catalog_spider import MAX_SITEMAPS, CatalogSpider

SITE = "http://catalog.test"


def outcome(**values) -> CrawlReport:
    base = dict(finish_reason="finished", pages_requested=100, responses=210, not_modified=0, bytes_downloaded=1)
    return CrawlReport(**{**base, **values})


@pytest.mark.parametrize(
    ("values", "status", "error"),
    [
        ({}, "complete", None),
        ({"pages_unreadable": 50}, "complete", None),  # half read is enough
        (
            {"pages_unreadable": 51, "robots_refused": [f"{SITE}/models/p/m{i}.md" for i in range(40)]},
            "incomplete",
            f"only 49 of the 100 model pages could be read: robots.txt now forbids 40 of them "
            f"(e.g. {SITE}/models/p/m0.md); 11 failed (listed above); nothing was marked removed",
        ),
        (
            {"pages_unreadable": 100},
            "incomplete",
            "only 0 of the 100 model pages could be read: 100 failed (listed above); nothing was marked removed",
        ),
        (
            {"over_budget": 7, "max_pages": 100},
            "incomplete",
            "stopped at the page budget: 100 model pages requested and 7 more found (--max-pages 100); nothing "
            "was marked removed (if the site really has that many, give a larger --max-pages)",
        ),
        (
            {"spider_errors": 2},
            "incomplete",
            "2 responses could not be handled (an internal error; run with --verbose to see it); nothing was "
            "marked removed",
        ),
        (
            {"write_error": "a batch of 5 pages could not be written: the disk is full"},
            "failed",
            "a batch of 5 pages could not be written: the disk is full; the crawl was stopped and nothing was "
            "marked removed",
        ),
        (
            {"finish_reason": "shutdown", "write_error": "x"},
            "interrupted",
            "stopped before the end (Ctrl-C or a signal); nothing was marked removed",
        ),
        (
            {"discovery_failures": [f"{SITE}/sitemap.xml: HTTP 500 (4 tries)"]},
            "incomplete",
            f"some discovery documents failed; nothing was marked removed: {SITE}/sitemap.xml: HTTP 500 (4 tries)",
        ),
    ],
    ids=["complete", "half-read", "robots", "all-failed", "budget", "spider-errors", "write", "interrupted",
         "discovery"],
)
def test_judge(values, status, error):
    assert judge(outcome(**values), CrawlRun()) == (status, error)


def _sitemap_index(url: str, children: list[str], depth: int) -> XmlResponse:
    body = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
        + "</sitemapindex>"
    ).encode()
    return XmlResponse(url, body=body, request=Request(url, meta={"catalog_sitemap_depth": depth}))


def test_at_most_max_sitemaps_are_requested():
    spider = CatalogSpider(site=SITE)
    children = [f"{SITE}/sitemap-{i}.xml" for i in range(MAX_SITEMAPS + 200)]
    requests = spider.parse_sitemap(_sitemap_index(f"{SITE}/sitemap.xml", children, depth=1))
    assert [r.url for r in requests] == children[:MAX_SITEMAPS]
    assert spider.discovery_failures == [
        f"more than {MAX_SITEMAPS} sitemaps; the rest not read (first: {SITE}/sitemap-{MAX_SITEMAPS}.xml)"
    ]


def test_sitemaps_nest_three_deep_at_most():
    spider = CatalogSpider(site=SITE)
    assert [r.url for r in spider.parse_sitemap(_sitemap_index(f"{SITE}/a.xml", [f"{SITE}/b.xml"], 2))] == [
        f"{SITE}/b.xml"
    ]
    assert spider.parse_sitemap(_sitemap_index(f"{SITE}/b.xml", [f"{SITE}/c.xml"], 3)) == []
    assert spider.discovery_failures == [
        f"{SITE}/c.xml: sitemaps nested more than 3 deep (from {SITE}/b.xml); not followed"
    ]


def test_the_page_budget_counts_model_pages_once_each():
    spider = CatalogSpider(site=SITE, max_pages=2)
    urls = [f"{SITE}/models/p/m{i}.md" for i in (1, 1, 2, 3, 4)]
    requested = [r.url for url in urls for r in spider._follow(url)]
    assert requested == [f"{SITE}/models/p/m1.md", f"{SITE}/models/p/m2.md"]
    assert (spider.pages_requested, spider.over_budget) == (2, 2)


def test_a_provider_name_is_held_to_what_the_catalog_stores():
    name = ProviderName(provider="together_ai", name="Together\x1b[2J AI\u202e" + "x" * 600)
    assert name.name == "Together AI" + "x" * 489
    with pytest.raises(ValueError, match="at most 255 characters"):
        ProviderName(provider="p" * 256, name="P")
