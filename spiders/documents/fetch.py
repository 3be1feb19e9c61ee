"""Fetching one document over HTTP(S), with the standard library: conditional, bounded, polite.

A document source reads one URL, so Scrapy would be overkill; this is what the crawl's settings
and middlewares give its pages, for one request: one User-Agent, gzip accepted, a timeout, a
size cap (announced sizes refused unread, others stopped at the limit, gzip bombs too),
redirects followed only within the same scheme, host and port (at most 5), and 5xx / 408 / 429
retried a bounded number of times after the server's Retry-After, else an exponential backoff,
never longer than ``max_wait`` (a longer Retry-After fails at once and says so). Every failure
is a :class:`FetchFailed` with a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from catalog.errors import CatalogError
from spiders.urls import same_site

#: statuses retried (the crawl's RETRY_HTTP_CODES, and any other 5xx)
RETRY_STATUSES = frozenset({408, 429})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """How one document is fetched."""

    #: seconds to connect, and the longest silence while reading
    timeout: float = 30.0
    #: seconds the whole download may take, retries and their waits excluded
    total_timeout: float = 300.0
    #: the largest body read (after gzip decompression too)
    max_bytes: int = 32 * 2**20
    max_redirects: int = 5
    #: retries after the first try (so at most retries + 1 requests)
    retries: int = 3
    #: the first pause without Retry-After, doubled at each retry; the longest pause
    backoff: float = 0.5
    max_wait: float = 60.0


@dataclass(frozen=True)
class Fetched:
    """A document's answer: 200 with its body, or 304 (the stored copy is current)."""

    #: the URL asked for (a redirect's target is final_url)
    url: str
    final_url: str
    status: int
    #: the body as served, decompressed (empty for a 304)
    body: bytes
    #: sha256 of body, hex (None for a 304)
    content_hash: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: dt.datetime
    #: bytes received on the wire (compressed), every try included
    received: int
    #: requests sent (tries and redirects)
    requests: int


class FetchFailed(CatalogError):
    """The document could not be fetched; str() is the one-line reason."""

    def __init__(self, reason: str, *, answered: bool = False, received: int = 0, requests: int = 1):
        super().__init__(reason)
        #: whether a server answered at all (an HTTP status, even an error)
        self.answered = answered
        self.received = received
        self.requests = requests


def fetch_document(
    url: str,
    headers: dict[str, str] | None = None,
    *,
    policy: FetchPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET URL (with HEADERS, e.g. If-None-Match) under POLICY; 200 or 304, else FetchFailed.
    SLEEP waits between tries (tests pass a recorder, so nothing waits)."""
    from catalog import USER_AGENT  # catalog's lazy names: on use

    policy = policy or FetchPolicy()
    state = _State()
    try:
        return _tries(url, {**(headers or {}), "User-Agent": USER_AGENT}, policy, state, sleep)
    except FetchFailed as exc:  # counted over every try, whichever step gave up
        exc.answered = exc.answered or state.answered
        exc.received, exc.requests = state.received, state.requests
        raise


def _tries(url: str, headers: dict[str, str], policy: FetchPolicy, state: _State, sleep) -> Fetched:
    tries = 0
    while True:
        tries += 1
        try:
            return _follow(url, headers, policy, state)
        except _Retryable as exc:
            state.answered = state.answered or exc.answered
            wait = exc.retry_after
            if wait is not None and wait > policy.max_wait:
                raise FetchFailed(
                    f"{exc.reason}: Retry-After {wait:.0f} s is longer than the {policy.max_wait:.0f} s "
                    "a refresh waits"
                ) from None
            if tries > policy.retries:
                raise FetchFailed(f"{exc.reason} ({tries} tries)") from None
            sleep(min(wait if wait is not None else policy.backoff * 2 ** (tries - 1), policy.max_wait))


class _State:
    """What every try of one fetch adds up."""

    def __init__(self) -> None:
        self.received = 0
        self.requests = 0
        self.answered = False


class _Retryable(Exception):
    def __init__(self, reason: str, *, answered: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.answered = answered
        self.retry_after = retry_after


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError: _follow decides, so another host is never asked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    # the default handlers (proxies from the environment, HTTPS with certificate checks) but ours
    # for redirects; no cookie, auth or file handlers
    return urllib.request.build_opener(_NoRedirects)


def _follow(url: str, headers: dict[str, str], policy: FetchPolicy, state: _State) -> Fetched:
    """One try: the request and the redirects it leads to."""
    opener = _opener()
    current = url
    for hop in range(policy.max_redirects + 1):
        request = urllib.request.Request(current, headers={**headers, "Accept-Encoding": "gzip"})
        state.requests += 1
        try:
            response = opener.open(request, timeout=policy.timeout)
        except urllib.error.HTTPError as error:
            state.answered = True
            with error:
                status = error.code
                if status == 304:
                    return _answer(url, current, 304, b"", error.headers, state)
                if status in _REDIRECTS:
                    current = _redirect(current, error.headers, status, hop, policy)
                    continue
                if status >= 500 or status in RETRY_STATUSES:
                    raise _Retryable(f"HTTP {status}", answered=True, retry_after=_retry_after(error.headers)) from None
                raise FetchFailed(f"HTTP {status}", answered=True) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _network(exc, policy) from None
        with response:
            state.answered = True
            body = _read(response, policy, state)
            return _answer(url, current, response.status, body, response.headers, state)
    raise AssertionError("unreachable: _redirect refuses the hop past the limit")


def _redirect(current: str, headers: Message, status: int, hop: int, policy: FetchPolicy) -> str:
    location = headers.get("Location")
    if not location:
        raise FetchFailed(f"HTTP {status} redirect without a Location", answered=True)
    target = urljoin(current, location.strip())
    if not same_site(target, current):  # the crawl's rule: the same scheme, host and port
        origin = "{}://{}".format(*urlsplit(current)[:2])
        raise FetchFailed(
            f"HTTP {status} redirect to {target} not followed: a document is read from {origin} only "
            "(give its new URL with --site if it really moved)",
            answered=True,
        )
    if hop >= policy.max_redirects:
        raise FetchFailed(f"more than {policy.max_redirects} redirects (the last to {target})", answered=True)
    return target


def _read(response: http.client.HTTPResponse, policy: FetchPolicy, state: _State) -> bytes:
    """The body, decompressed, within the size cap and the total timeout."""
    limit = policy.max_bytes
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > limit:
        raise FetchFailed(f"response larger than {_size(limit)} ({_size(int(announced))} announced): refused unread")
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchFailed(f"the server sent the body in {encoding!r} encoding, which was not asked for")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    deadline = time.monotonic() + policy.total_timeout
    parts: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = response.read1(_CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise _network(exc, policy) from None
        if not chunk:
            break
        state.received += len(chunk)
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, limit + 1 - size)
            except zlib.error as exc:
                raise FetchFailed(f"the gzip body could not be decompressed ({exc})") from None
            if inflate.unconsumed_tail:
                size = limit + 1  # more output than the cap allows
        size += len(chunk)
        if size > limit:
            raise FetchFailed(f"response larger than {_size(limit)}: download stopped at the limit")
        parts.append(chunk)
        if time.monotonic() > deadline:
            raise FetchFailed(f"timed out: the download took longer than {policy.total_timeout:g} s")
    if inflate is not None and not inflate.eof:
        raise _Retryable("connection closed before the whole response arrived (gzip body cut off)", answered=True)
    return b"".join(parts)


def _answer(url: str, final: str, status: int, body: bytes, headers: Message, state: _State) -> Fetched:
    return Fetched(
        url=url, final_url=final, status=status, body=body,
        content_hash=hashlib.sha256(body).hexdigest() if status == 200 else None,
        etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"),
        fetched_at=dt.datetime.now(dt.UTC), received=state.received, requests=state.requests,
    )


def _network(exc: BaseException, policy: FetchPolicy) -> Exception:
    """A failure below HTTP, in words: retried unless it cannot get better (certificates, bad URLs)."""
    reason = getattr(exc, "reason", exc)  # URLError wraps the socket's error
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchFailed(f"the server's TLS certificate was refused ({reason.verify_message})")
    if isinstance(reason, TimeoutError):
        return _Retryable(f"timed out: no answer within {policy.timeout:g} s")
    if isinstance(reason, ConnectionRefusedError):
        return _Retryable("connection refused")
    if isinstance(reason, http.client.IncompleteRead):
        return _Retryable("connection closed before the whole response arrived (body cut off)", answered=True)
    if isinstance(reason, http.client.RemoteDisconnected | ConnectionResetError):
        return _Retryable("connection closed by the server before it answered")
    if isinstance(reason, str):  # URLError("unknown url type: ...") and the like
        return FetchFailed(reason)
    text = str(reason).strip() or type(reason).__name__
    return _Retryable(f"network error: {text}")


def _retry_after(headers: Message) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    from spiders.middlewares import retry_after  # Scrapy loads only when a server asks to wait

    return retry_after(value)


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"
