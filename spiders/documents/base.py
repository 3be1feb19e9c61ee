"""A source that reads one JSON document at one URL (OpenRouter's model list, LiteLLM's price map,
genai-prices' data.json): fetch it conditionally, parse it whole, emit one observation per entry.

A subclass sets ``name`` and ``default_site`` (the document's URL) and implements the pure
``parse(body, url) -> ParsedDocument``; :meth:`DocumentSource.crawl` does the rest:

- the document is fetched once (spiders.documents.fetch) with the validators the last complete
  read stored (If-None-Match / If-Modified-Since). A 304 is one ``SourceUnchanged``: every
  current offering of the source was observed unchanged;
- a 200 is parsed; each record is emitted as an Observation whose Fetch is the document's (its
  URL, status, time and content hash: every price's provenance), entries that name an offering
  but cannot be read as PageFailures (the offering keeps its last prices, flagged stale);
- the validators are stored last, in a Fetch of the document emitted only once every entry was
  written: a refresh stopped half-way must read the whole document again next time, never be
  told "304, all unchanged" about entries it never wrote;
- a document that cannot be fetched or parsed is a discovery failure (the run fails and nothing
  is marked removed), in one line; so is a document with no entries at all.

In the report, pages_requested counts the entries read (within the page budget; over_budget the
rest) and pages_unreadable those that failed, so the refresh service judges a document like a
crawl's model pages; responses and not_modified count the document's answer (1, and 1 for a
304). The parser's document notes are in ``stats["notes"]``, and on stderr with --verbose.
"""

from __future__ import annotations

import logging
import time
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlsplit, urlunsplit

from catalog.records import Fetch, Observation, PageFailure, SourceUnchanged
from catalog.sources import CrawlReport, Source, SourceContext
from spiders.documents.fetch import Fetched, FetchFailed, FetchPolicy, fetch_document
from spiders.documents.parsed import DocumentError, ParsedDocument

log = logging.getLogger(__name__)
#: characters an entry's key keeps as they are in its URL's fragment (RFC 3986: pchar / "/" / "?")
_FRAGMENT_SAFE = "/:@!$&'()*+,;=?~"


@dataclass
class ParsedEntries(ParsedDocument):
    """A ParsedDocument with the entries that name an offering but could not be read."""

    #: one per such entry (url = entry_url(...), provider and model_id set where known)
    failures: list[PageFailure] = field(default_factory=list)


class DocumentSource(Source):
    """One JSON document at one URL (``default_site``), parsed by :meth:`parse`."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep):
        #: SLEEP (the pause between tries) is for tests: load_source uses the default
        self.policy = FetchPolicy()  # how the document is fetched; --timeout replaces its timeout
        self.sleep = sleep

    def site_url(self, text: str) -> str:
        """The document's URL (path and query kept, fragment dropped); ValueError naming the form."""
        return document_url(text, self.default_site)

    @abstractmethod
    def parse(self, body: bytes, url: str) -> ParsedDocument:
        """The records of the document BODY read from URL (a ParsedEntries to report failed
        entries). Pure: no I/O. Raises DocumentError, one line, when BODY is not the document."""

    def crawl(self, context: SourceContext) -> CrawlReport:
        url = context.site
        report = CrawlReport(
            finish_reason="finished", pages_requested=0, responses=0, not_modified=0, bytes_downloaded=0,
            max_pages=context.max_pages,
        )
        policy = self.policy
        if context.options.timeout is not None:
            policy = replace(policy, timeout=context.options.timeout)
        try:
            got = fetch_document(url, context.conditional_headers(url), policy=policy, sleep=self.sleep)
        except FetchFailed as exc:
            report.responses = int(exc.answered)
            report.bytes_downloaded = exc.received
            report.discovery_failures.append(f"{url}: {exc}")
            return report
        except KeyboardInterrupt:
            report.finish_reason = "shutdown"
            return report
        report.responses = 1
        report.bytes_downloaded = got.received
        report.stats.update(requests=got.requests, final_url=got.final_url)
        try:
            if got.status == 304:
                report.not_modified = 1
                context.emit(SourceUnchanged(fetch=_fetch(got)))
            else:
                self._read(got, context, report)
        except KeyboardInterrupt:  # what was emitted is written by the refresh service
            report.finish_reason = "shutdown"
        return report

    def _read(self, got: Fetched, context: SourceContext, report: CrawlReport) -> None:
        url = context.site
        try:
            parsed = self.parse(got.body, url)
        except DocumentError as exc:
            report.discovery_failures.append(f"{url}: {exc}")
            return
        records = parsed.records
        failures = parsed.failures if isinstance(parsed, ParsedEntries) else []
        report.stats.update(entries=len(records), notes=list(parsed.warnings))
        if context.options.verbose:  # the document's notes (skipped entries, unread fields)
            for note in parsed.warnings:
                log.warning("%s: %s", url, note)
        if not (records or failures):
            report.discovery_failures.append(f"{url}: the document lists no entries")
            return
        if len(records) > context.max_pages:
            report.over_budget = len(records) - context.max_pages
            records = records[: context.max_pages]
        report.pages_requested = len(records) + len(failures)
        report.pages_unreadable = len(failures)
        # the validators are left out until the end (see the module doc)
        fetch = _fetch(got, validators=False)
        for record in records:
            if context.writer.failed:
                return
            context.emit(Observation(record=record, fetch=fetch))
        for failure in failures:
            context.emit(failure)
        if not (report.over_budget or failures or context.writer.failed):
            context.emit(_fetch(got))


def entry_url(document: str, key: str) -> str:
    """The URL naming one entry of DOCUMENT: its URL, '#', the entry's KEY (percent-encoded where
    a fragment needs it): ``https://openrouter.ai/api/v1/models#meta-llama/llama-3.2-1b-instruct``."""
    return f"{document}#{quote(key, safe=_FRAGMENT_SAFE)}"


def document_url(text: str, example: str) -> str:
    """The http(s) URL in TEXT, path and query kept, fragment dropped. ValueError naming TEXT and
    an EXAMPLE otherwise; a user name or password is refused (it would show on command lines and
    in `catalog runs`)."""
    value = str(text).strip()
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port  # .port checks the port: a number, 0-65535
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a document URL ({exc}); give one like {example}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError(f"{text!r} is not a document URL; give one like {example}")
    netloc = parts.netloc.rpartition("@")[2]
    clean = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    if "@" in parts.netloc:
        raise ValueError(
            f"{value.replace(parts.netloc, '***@' + netloc, 1)!r} holds a user name or password, which would "
            f"show on command lines and in `catalog runs`; give the URL without it, e.g. {clean}"
        )
    return clean


def _fetch(got: Fetched, *, validators: bool = True) -> Fetch:
    """The document's provenance; with VALIDATORS, what the next refresh sends back."""
    return Fetch(
        url=got.url, http_status=got.status, fetched_at=got.fetched_at, content_hash=got.content_hash,
        etag=got.etag if validators else None, last_modified=got.last_modified if validators else None,
        size_bytes=len(got.body),
    )
