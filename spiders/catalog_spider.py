"""The catalog spider: finds model pages and hands their text to the parser.

Discovery: robots.txt (obeyed by Scrapy's middleware; its Sitemap lines read here), the site
index /llms.txt, sitemaps (index or urlset), and every related-model card. Each offering's
markdown page is fetched once, under its canonical URL; its own llms.txt completes it.
Pages known from the last refresh are asked for conditionally (If-None-Match /
If-Modified-Since); a 304 is an unchanged observation, and the related cards stored from the
last read of that page are followed instead of the body's.

A redirect is followed on the site (the URL asked for is recorded with its 3xx status) and the
page read under its canonical URL. Every request that fails says why in words
(spiders.middlewares.failure_reason), keyed by the URL asked for, so a known offering keeps
its last good prices, flagged stale; a 404/410 is recorded with its status for the removal
rule. Robots.txt, the site boundary, retries and the size cap live in spiders.middlewares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from urllib.parse import urljoin

import scrapy
from pydantic import ValidationError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import safe_url_string

from catalog.records import Fetch, Observation, PageFailure, PageRecord
from catalog.store import KnownPage
from spiders.items import NotModified, ProviderName
from spiders.middlewares import RobotsDisallowed, failure_reason
from spiders.parsing import (
    ParseError,
    merge_llms,
    parse_model_llms,
    parse_model_page,
    parse_site_index,
    parse_sitemap,
)
from spiders.urls import model_llms_url, model_page_url, offering_key, same_site

#: statuses a model page callback wants to see rather than have filtered out
PAGE_STATUSES = [304, 404, 410]
#: sitemaps nest: robots.txt -> index -> urlset is 2 levels; deeper chains are a trap
MAX_SITEMAP_DEPTH = 3
#: the most sitemap documents one refresh reads (50,000 URLs each would be 50 million pages)
MAX_SITEMAPS = 1000


def eager(generator_method):
    """Make a generator callback return a list.

    Scrapy reads the source of every generator callback it is handed, on every response, to
    warn about `return value` in generators; that cost a third of a refresh's CPU time.
    """

    def callback(*args, **kwargs) -> list:
        return list(generator_method(*args, **kwargs))

    callback.__name__ = generator_method.__name__
    callback.__doc__ = generator_method.__doc__
    return callback


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def wire(url: str) -> str:
    """URL as it goes on the wire (non-ASCII percent-encoded), so a page's own spelling of its
    canonical URL and the URL it was fetched under compare equal."""
    return safe_url_string(url)


class CatalogSpider(scrapy.Spider):
    name = "catalog"

    def __init__(
        self,
        site: str,
        known: dict[str, KnownPage] | None = None,
        max_pages: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.site = site.rstrip("/")
        self.known = known or {}
        #: the most model pages this refresh requests (a site that mints links forever is a trap)
        self.max_pages = max_pages
        #: model pages found but not requested because the budget was spent
        self.over_budget = 0
        self.seen: set[str] = set()
        #: link URLs exactly as written, already handed to _follow
        self.followed: set[str] = set()
        #: providers whose display name an unchanged page's llms.txt is being re-checked for
        self.names_checked: set[str] = set()
        self.emitted: set[str] = set()
        #: discovery documents that could not be read: the refresh is then incomplete
        self.discovery_failures: list[str] = []
        #: discovery documents robots.txt disallows: no failure, unless they leave nothing to crawl
        self.refused_documents: list[str] = []
        #: model links to another site, not followed (named when no page of this site was found)
        self.offsite_links: list[str] = []
        self.pages_requested = 0
        #: model pages robots.txt refused (the site asks us not to read them)
        self.robots_refused: list[str] = []
        #: model pages that answered but could not be used, or did not answer (404/410 are answers)
        self.pages_unreadable = 0
        self.sitemaps_requested = 0

    # --- discovery ------------------------------------------------------------------------

    async def start(self):
        yield self._doc(f"{self.site}/robots.txt", self.parse_robots)
        yield self._doc(f"{self.site}/llms.txt", self.parse_index)

    def _doc(self, url: str, callback, depth: int = 0) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.doc_failed,
            dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": [404, 410], "catalog_sitemap_depth": depth},
        )

    def _sitemap(self, url: str, parent: Response) -> Iterator[scrapy.Request]:
        """A request for the sitemap URL (once), within the depth and count limits."""
        if not same_site(url, self.site) or url in self.seen:
            return
        self.seen.add(url)
        depth = parent.meta.get("catalog_sitemap_depth", 0) + 1
        if depth > MAX_SITEMAP_DEPTH:
            self.discovery_failures.append(
                f"{url}: sitemaps nested more than {MAX_SITEMAP_DEPTH} deep (from {parent.url}); not followed"
            )
            return
        if self.sitemaps_requested >= MAX_SITEMAPS:
            if self.sitemaps_requested == MAX_SITEMAPS:
                self.discovery_failures.append(f"more than {MAX_SITEMAPS} sitemaps; the rest not read (first: {url})")
                self.sitemaps_requested += 1
            return
        self.sitemaps_requested += 1
        yield self._doc(url, self.parse_sitemap, depth)

    @eager
    def parse_robots(self, response: Response):
        sitemaps = []
        if response.status == 200:
            for line in response.text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "sitemap" and value.strip():
                    sitemaps.append(urljoin(response.url, value.strip()))
        for url in sitemaps or [f"{self.site}/sitemap.xml"]:
            yield from self._sitemap(url, response)

    @eager
    def parse_index(self, response: Response):
        if response.status != 200:
            return
        for link in parse_site_index(response.text):
            yield from self._follow(urljoin(response.url, link))

    @eager
    def parse_sitemap(self, response: Response):
        if response.status != 200:
            return
        try:
            sitemap = parse_sitemap(response.body)
        except ParseError as exc:
            self.discovery_failures.append(f"{response.url}: {exc}")
            return
        for child in sitemap.sitemaps:
            yield from self._sitemap(urljoin(response.url, child), response)
        for page in sitemap.pages:
            yield from self._follow(urljoin(response.url, page))

    def doc_failed(self, failure):
        request = failure.request
        if failure.check(RobotsDisallowed):
            self.refused_documents.append(request.url)  # the site asks us not to read it
            return
        self.discovery_failures.append(f"{request.url}: {failure_reason(failure.value, failure.request)}")

    def closed(self, reason: str) -> None:
        """A crawl that found no model page did not observe the site: never a complete (removing) run."""
        if self.pages_requested or self.discovery_failures:
            return
        if self.refused_documents:
            self.discovery_failures.append(
                f"robots.txt disallows {', '.join(self.refused_documents)}; no model page was found"
            )
        elif self.offsite_links:
            self.discovery_failures.append(
                f"no model page on {self.site}: its links go to other sites ({self.offsite_links[0]}, "
                f"{len(self.offsite_links)} in all), which are not followed"
            )
        else:
            self.discovery_failures.append(f"no model page found on {self.site}")

    # --- model pages ------------------------------------------------------------------------

    def _follow(self, url: str) -> Iterator[scrapy.Request]:
        """A request for the markdown page of the model URL, once per URL and only on this site."""
        # each page is linked from about twelve others: normalising every link again cost a
        # tenth of a refresh's CPU time; the same text always leads to the same outcome
        if url in self.followed:
            return
        self.followed.add(url)
        md = model_page_url(url)
        if md is None:
            return
        if not same_site(md, self.site):
            self.offsite_links.append(md)
            return
        md = wire(md)
        if md in self.seen:
            return
        if self.max_pages is not None and self.pages_requested >= self.max_pages:
            self.over_budget += 1
            return
        self.seen.add(md)
        self.pages_requested += 1
        yield scrapy.Request(
            md,
            callback=self.parse_page,
            errback=self.page_failed,
            dont_filter=True,
            headers=self._validators(md),
            meta={"handle_httpstatus_list": PAGE_STATUSES},
        )

    def _validators(self, url: str) -> dict[str, str]:
        known = self.known.get(url)
        headers = {}
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return headers

    def _fetch(self, response: Response, canonical: str | None = None) -> Fetch:
        body = response.body if response.status == 200 else b""
        return Fetch(
            url=response.url,
            http_status=response.status,
            fetched_at=now(),
            content_hash=hashlib.sha256(body).hexdigest() if response.status == 200 else None,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            size_bytes=len(response.body),
            canonical_url=canonical,
        )

    @eager
    def parse_page(self, response: Response):
        asked = self._redirects(response)
        if asked != response.url:
            yield from self._redirect_fetches(response)
            self.seen.add(response.url)
        if response.status == 304:
            yield from self._not_modified(response)
            return
        if response.status in (404, 410):
            yield self._failure(asked, f"HTTP {response.status}", response.status)
            yield self._fetch(response)
            return
        try:
            record = parse_model_page(response.body, response.url)
        except ParseError as exc:
            via = f" (redirected to {response.url})" if asked != response.url else ""
            yield self._failure(asked, f"unreadable page{via}: {exc}", response.status)
            yield self._fetch(response)
            return
        canonical = record.canonical_url
        if not same_site(canonical, self.site):
            yield self._failure(asked, f"canonical URL {canonical} is not on {self.site}", 200)
            yield self._fetch(response)
            return
        fetch = self._fetch(response, canonical)
        if wire(canonical) != response.url:
            # an alias of another offering's page: read the offering under its own URL
            yield fetch
            yield from self._follow(canonical)
            return
        for related in record.related:
            yield from self._follow(f"{self.site}/models/{related.provider}/{related.model_id}.md")
        if canonical in self.emitted:
            return
        self.emitted.add(canonical)
        yield scrapy.Request(
            model_llms_url(canonical),
            callback=self.parse_llms,
            errback=self.llms_failed,
            dont_filter=True,
            cb_kwargs={"record": record, "fetch": fetch},
            meta={"handle_httpstatus_list": [404, 410]},
        )

    @staticmethod
    def _redirects(response: Response) -> str:
        """The URL the spider asked for, before any redirect."""
        return (response.request.meta.get("redirect_urls") or [response.url])[0]

    def _redirect_fetches(self, response: Response):
        """A Fetch for each URL that redirected on the way to RESPONSE: where the page was asked for."""
        meta = response.request.meta
        for url, status in zip(meta.get("redirect_urls", ()), meta.get("redirect_reasons", ()), strict=False):
            if isinstance(status, int):
                yield Fetch(url=url, http_status=status, fetched_at=now(), canonical_url=None)

    def _not_modified(self, response: Response):
        known = self.known.get(response.url)
        canonical = known.canonical_url if known else None
        yield self._fetch(response, canonical)
        if not canonical:
            return
        if wire(canonical) != response.url:
            yield from self._follow(canonical)
            return
        for url in known.related_urls:
            yield from self._follow(url)
        if canonical in self.emitted:
            return
        self.emitted.add(canonical)
        yield NotModified(canonical_url=canonical, fetch=self._fetch(response, canonical))
        # An unchanged page's llms.txt can only teach its provider's display name, which every
        # llms.txt of that provider states: one re-check per provider finds a renamed provider.
        # Re-checking every model's cost half the requests of an unchanged refresh.
        key = offering_key(canonical)
        provider = key[0] if key else canonical
        if provider in self.names_checked:
            return
        self.names_checked.add(provider)
        llms = model_llms_url(canonical)
        yield scrapy.Request(
            llms,
            callback=self.parse_llms_name,
            errback=self.ignore_failure,
            dont_filter=True,
            headers=self._validators(llms),
            meta={"handle_httpstatus_list": [304, 404, 410], "catalog_provider": provider},
        )

    @eager
    def parse_llms(self, response: Response, record: PageRecord, fetch: Fetch):
        if response.status == 200:
            yield self._fetch(response)
            try:
                record = merge_llms(record, parse_model_llms(response.text, response.url))
            except ParseError as exc:
                record.warnings.append(f"llms.txt unreadable: {exc}")
        yield Observation(record=record, fetch=fetch)

    @eager
    def llms_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        kwargs["record"].warnings.append(f"llms.txt not read: {failure_reason(failure.value, failure.request)}")
        yield Observation(record=kwargs["record"], fetch=kwargs["fetch"])

    def ignore_failure(self, failure) -> None:
        """A model's llms.txt that cannot be re-read only costs its provider's display name
        (the next unchanged page of that provider re-checks it)."""
        self.names_checked.discard(failure.request.meta.get("catalog_provider"))

    @eager
    def parse_llms_name(self, response: Response):
        yield self._fetch(response)
        if response.status in (404, 410):
            self.names_checked.discard(response.meta.get("catalog_provider"))
        if response.status != 200:
            return
        try:
            llms = parse_model_llms(response.text, response.url)
        except ParseError:
            return
        if llms.provider and llms.provider_name:
            try:
                yield ProviderName(provider=llms.provider, name=llms.provider_name)
            except ValidationError:  # a provider slug too long to store: no name to learn
                return

    @eager
    def page_failed(self, failure):
        request = failure.request
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        if failure.check(RobotsDisallowed):
            # the site asks us not to read it: a new page is simply not read, but a page read
            # before keeps its offering (not removed, flagged stale) and counts as unread
            self.robots_refused.append(asked)
            if asked in self.known:
                yield self._failure(asked, "robots.txt now forbids this page; its offering is kept as last read", None)
            else:
                self.pages_unreadable += 1
            return
        status = failure.value.response.status if failure.check(HttpError) else None
        yield self._failure(asked, failure_reason(failure.value, failure.request), status)

    def _failure(self, url: str, reason: str, status: int | None) -> PageFailure:
        if status not in (404, 410):
            self.pages_unreadable += 1
        key = offering_key(url)
        known = self.known.get(url)
        if known and known.canonical_url:
            key = offering_key(known.canonical_url) or key
        provider, model_id = key if key else (None, None)
        return PageFailure(url=url, reason=reason, provider=provider, model_id=model_id, http_status=status)
