"""Downloader middlewares for a crawl that meets the real web: stay on the site, obey robots.txt
strictly, and retry what a server asks to be retried, when it asks.

- :class:`StayOnSiteMiddleware` refuses every request off the crawled site before anything is
  sent, redirects included (another host or port, another scheme, an IP literal or localhost
  when the site is not local): :class:`OffSiteRequest`.
- :class:`StrictRobotsTxtMiddleware` is Scrapy's robots.txt middleware, but a robots.txt that
  cannot be read (5xx or 429 after retries, timeout, connection failure) disallows the whole
  site, as RFC 9309 section 2.3.1.4 asks, instead of allowing it: :class:`RobotsUnreadable`.
  A path robots.txt disallows is refused with :class:`RobotsDisallowed`.
- :class:`PoliteRetryMiddleware` is Scrapy's RetryMiddleware with a pause before each retry:
  the server's Retry-After when it gives one, else exponential backoff. The pause is awaited,
  so the reactor goes on downloading other pages meanwhile.

And an extension, :class:`SizeLimit`: it stops a body sent without Content-Length as soon as
it passes DOWNLOAD_MAXSIZE, and says so (a body that announces its size is refused by Scrapy
before it is read).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
import time

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.response import response_status_message

from catalog.limits import URL_CHARS
from spiders.urls import same_site

#: request meta key: why retrying stopped early (read by the spider's errbacks)
GAVE_UP = "catalog_gave_up"
#: request meta key: bytes of the body received so far
RECEIVED = "catalog_received"
#: request meta key: the body passed the size limit and was stopped
TOO_LARGE = "catalog_too_large"
#: the least delay between requests to a host that has answered 429 Too Many Requests
MIN_DELAY_AFTER_429 = 0.5
#: a robots.txt that cannot be read is taken as this
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class OffSiteRequest(IgnoreRequest):
    """A request for a URL that is not on the crawled site; it is never sent."""


class RobotsDisallowed(IgnoreRequest):
    """A request robots.txt disallows: the site asks not to be read there (not a failure)."""


class RobotsUnreadable(IgnoreRequest):
    """A request to a site whose robots.txt could not be read: nothing there is requested."""


class StayOnSiteMiddleware:
    """Refuse, before it is sent, any request whose URL is not on the spider's ``site``."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if len(request.url) > URL_CHARS:  # no catalog URL is this long, and none could be stored
            raise OffSiteRequest(f"URL longer than {URL_CHARS} characters; not requested")
        site = getattr(self.crawler.spider, "site", None)
        if site is None or same_site(request.url, site):
            return None
        self.crawler.stats.inc_value("catalog/offsite_refused")
        redirects = request.meta.get("redirect_urls")
        if redirects:
            raise OffSiteRequest(f"redirected off the site to {request.url}; not followed")
        raise OffSiteRequest(f"{request.url} is not on {site}; not requested")


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, except that an unreadable robots.txt disallows everything.

    Scrapy allows a whole site whose robots.txt answers 5xx or cannot be fetched; RFC 9309 asks
    a crawler to assume complete disallow then. Another 4xx still means "no rules" (allow all).
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        #: netloc -> why its robots.txt could not be read
        self.unreadable: dict[str, str] = {}

    def process_request_2(self, rp, request: Request) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc in self.unreadable:
            raise RobotsUnreadable(f"robots.txt could not be read: {self.unreadable[netloc]}; nothing requested")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise RobotsDisallowed(f"disallowed by robots.txt: {request.url}") from exc

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:  # RFC 9309: unreachable
            self.unreadable[netloc] = _http_reason(response.status, response.request or request)
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")  # an error page is not rules: allow all
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self.unreadable[netloc] = failure_reason(exc, None)
        pending = self._parsers[netloc]
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[netloc] = parser
        pending.callback(parser)


def retry_after(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header value asks to wait (delay-seconds or an HTTP date), or None.

    A date in the past is 0; anything unreadable is None (the caller falls back to backoff).
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class PoliteRetryMiddleware(RetryMiddleware):
    """Retry 5xx, 429 and transient network failures a bounded number of times (RETRY_TIMES),
    pausing before each retry without blocking the crawl.

    The pause is the server's Retry-After when it sends one, else CATALOG_RETRY_BACKOFF seconds
    doubled at each retry, with jitter, up to CATALOG_RETRY_MAX_WAIT. A Retry-After longer than
    CATALOG_RETRY_MAX_WAIT is not waited out: the request fails at once and says why. A 429 also
    slows every later request to that host (its download delay at least doubles; AutoThrottle
    brings it back down as the host answers well again).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("CATALOG_RETRY_BACKOFF", 0.5)
        self.max_wait = settings.getfloat("CATALOG_RETRY_MAX_WAIT", 60.0)
        self.max_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if response.status == 429:
            self._slow_down(request)
        asked = retry_after(response.headers.get("Retry-After"))
        if asked is not None and asked > self.max_wait:
            request.meta[GAVE_UP] = (
                f"Retry-After {asked:.0f} s is longer than the {self.max_wait:.0f} s a refresh waits"
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if not await self._pause(asked if asked is not None else self._backoff(request)):
            return response
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None or not await self._pause(self._backoff(request)):
            return None
        return retry

    def _backoff(self, request: Request) -> float:
        tries = request.meta.get("retry_times", 0)
        return min(self.backoff * 2**tries * random.uniform(1.0, 1.25), self.max_wait)

    async def _pause(self, seconds: float) -> bool:
        """Wait SECONDS without blocking the reactor; False if the crawl is stopping meanwhile."""
        from twisted.internet import reactor, task

        deadline = time.monotonic() + seconds
        while getattr(self.crawler, "crawling", True):  # False once Ctrl-C stops the crawl
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            # short steps, so Ctrl-C is not held up by a long Retry-After
            await maybe_deferred_to_future(task.deferLater(reactor, min(left, 0.25)))
        return False

    def _slow_down(self, request: Request) -> None:
        downloader = getattr(self.crawler.engine, "downloader", None)
        slot = downloader.slots.get(request.meta.get("download_slot")) if downloader else None
        if slot is not None:
            slot.delay = min(max(slot.delay * 2, MIN_DELAY_AFTER_429), self.max_delay)
            self.crawler.stats.inc_value("catalog/slowed_down_429")


class SizeLimit:
    """Stop reading a response body the moment it passes DOWNLOAD_MAXSIZE, with a reason.

    Scrapy refuses a body whose Content-Length is over the limit before reading it; one sent
    without a length it cancels at the limit too, but the failure then carries no message.
    This stops it first (StopDownload) and marks the request, so the summary can say why.
    """

    def __init__(self, crawler):
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if self.limit:
            crawler.signals.connect(self._headers, signal=signals.headers_received)
            crawler.signals.connect(self._received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _headers(self, headers, body_length, request: Request, spider=None) -> None:
        request.meta[RECEIVED] = 0  # a retry copies the meta of the try before

    def _received(self, data: bytes, request: Request, spider=None) -> None:
        limit = request.meta.get("download_maxsize", self.limit)
        received = request.meta.get(RECEIVED, 0) + len(data)
        request.meta[RECEIVED] = received
        if limit and received > limit:
            request.meta[TOO_LARGE] = limit
            raise StopDownload(fail=True)


# --- why a request failed, in words ---------------------------------------------------------

_MAXSIZE_RE = re.compile(r"(Expected to receive|Received) (\d+) bytes which is larger than download max size \((\d+)\)")


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"


def _tries(request: Request | None) -> str:
    tries = (request.meta.get("retry_times", 0) if request is not None else 0) + 1
    return f" ({tries} tries)" if tries > 1 else ""


def _http_reason(status: int, request: Request | None) -> str:
    note = request.meta.get(GAVE_UP) if request is not None else None
    return f"HTTP {status}" + (f": {note}" if note else _tries(request))


def failure_reason(exc: BaseException, request: Request | None) -> str:
    """Why REQUEST failed with EXC, in words for the refresh summary: one line, no traceback."""
    after = _tries(request)
    if isinstance(exc, HttpError):
        response = exc.response
        if 300 <= response.status < 400:
            location = (response.headers.get("Location") or b"").decode("latin-1")
            return f"HTTP {response.status} redirect to {location or 'nowhere'} not followed"
        return _http_reason(response.status, request)
    if isinstance(exc, DownloadTimeoutError):
        seconds = request.meta.get("download_timeout") if request is not None else None
        within = f" within {seconds:g} s" if isinstance(seconds, int | float) else ""
        return f"timed out: no complete answer{within}{after}"
    too_large = request.meta.get(TOO_LARGE) if request is not None else None
    if isinstance(exc, StopDownload) and too_large:
        return f"response larger than {_size(too_large)}: download stopped at the limit"
    if isinstance(exc, DownloadCancelledError):
        m = _MAXSIZE_RE.search(str(exc))
        if m is None:
            return "download cancelled"
        limit = _size(int(m[3]))
        if m[1].startswith("Expected"):
            return f"response larger than {limit} ({_size(int(m[2]))} announced): refused unread"
        return f"response larger than {limit}: download stopped at the limit"
    if isinstance(exc, ResponseDataLossError):
        return f"connection closed before the whole response arrived (body cut off){after}"
    if isinstance(exc, DownloadConnectionRefusedError):
        return f"connection refused{after}"
    if isinstance(exc, CannotResolveHostError):
        return f"host name not found{after}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "during decompression" in text:
            return "compressed response expands past the size limit: refused"
        return text or "request refused"
    text = str(exc).strip()
    text = text.splitlines()[0][:200] if text else ""
    if isinstance(exc, DownloadFailedError):
        return f"download failed{after}: {text}" if text else f"download failed{after}"
    return f"{type(exc).__name__}: {text}{after}" if text else f"{type(exc).__name__}{after}"

