"""The HTTP download handler of a refresh: Scrapy's, with a cap on the size of response headers.

DOWNLOAD_MAXSIZE bounds a response's body only. A server that streams header lines without end
(each under Twisted's 16 KB line limit) was read into memory whole: 300 MB of headers took a
refresh to 1.8 GB. Here the header section of each response may be at most
CATALOG_MAX_HEADER_BYTES (64 KB by default; real pages send well under 4 KB): past it the
connection is dropped and the page fails with :class:`HeadersTooLarge`, never retried.

Scrapy offers no hook into its HTTP/1.1 parser. Like Scrapy's own lenient parser
(``_LenientHTTP11ClientProtocol``, which swaps the parser's class in ``request()``), this wraps
the protocol and swaps in a parser subclass that counts header bytes: private parts of
Scrapy and Twisted (``_LenientHTTPClientParser``, ``_parser``), pinned by the Scrapy version in
pyproject.toml and exercised by tests/test_hostile_site.py.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError, IgnoreRequest
from scrapy.http import Request, Response
from twisted.web.client import ResponseFailed

#: the most bytes of status line and headers one response may send
MAX_HEADER_BYTES = 64 * 1024


class HeadersTooLarge(IgnoreRequest):
    """A response whose status line and headers pass the limit: not read on, not retried."""


class _CountingParser(_LenientHTTPClientParser):
    """The lenient parser, failing once the status line and headers pass ``max_header_bytes``."""

    max_header_bytes = MAX_HEADER_BYTES
    header_bytes = 0

    def lineReceived(self, line: bytes) -> None:
        # only the status line and headers arrive as lines: the body is read in raw mode
        self.header_bytes += len(line) + 1
        if self.header_bytes > self.max_header_bytes:
            raise HeadersTooLarge(
                f"response headers larger than {self.max_header_bytes // 1024} KB: refused unread"
            )
        super().lineReceived(line)


class _CappedProtocol(_LenientHTTP11ClientProtocol):
    max_header_bytes = MAX_HEADER_BYTES

    def request(self, request):
        d = super().request(request)
        parser = self._parser
        if parser is not None:  # swapped as Scrapy swaps in its lenient parser: it adds no state
            parser.__class__ = _CountingParser
            parser.max_header_bytes = self.max_header_bytes
        return d


class _CappedFactory(_LenientHTTP11ClientFactory):
    max_header_bytes = MAX_HEADER_BYTES

    def buildProtocol(self, addr):
        protocol = _CappedProtocol(self._quiescentCallback)
        protocol.max_header_bytes = self.max_header_bytes
        return protocol


class CappedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with response headers capped at CATALOG_MAX_HEADER_BYTES."""

    def __init__(self, crawler):
        super().__init__(crawler)
        limit = crawler.settings.getint("CATALOG_MAX_HEADER_BYTES", MAX_HEADER_BYTES)
        self._pool._factory = type("CappedFactory", (_CappedFactory,), {"max_header_bytes": limit})

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except DownloadFailedError as exc:
            cause = exc.__cause__
            if isinstance(cause, ResponseFailed):
                for reason in cause.reasons:
                    if reason.check(HeadersTooLarge):
                        raise reason.value from None
            raise
