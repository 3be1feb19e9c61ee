"""The document-source machinery (spiders.documents.fetch and .base) against servers on 127.0.0.1:
conditional requests, gzip, the size cap, redirects kept to the document's origin, retries of
5xx / 429 (waits recorded, never slept), and how a refresh reads a document that cannot be used.
The openrouter source is the document source these run through.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import USER_AGENT
from catalog.refresh import run_refresh
from catalog.schema import FetchedPage, Offering
from catalog.sources import RefreshOptions
from spiders.documents.base import document_url, entry_url
from spiders.documents.fetch import FetchFailed, FetchPolicy, fetch_document
from spiders.documents.openrouter import OpenRouterSource
from spiders.localsite import Request, Response
from tests.crawling import catalog
from tests.documents import DOCUMENTS, DocumentSite

FOLDER = DOCUMENTS / "openrouter"
BODY = (FOLDER / "models.json").read_bytes()
PATH = "/api/v1/models"


class Scripted(DocumentSite):
    """The fixture document at PATH, unless ANSWER(site, request) gives another response."""

    def __init__(self, answer=None, document: str = "models.json"):
        super().__init__(FOLDER, document)
        self.answer = answer

    def respond(self, request: Request) -> Response:
        if self.answer is not None and (response := self.answer(self, request)) is not None:
            return response
        return super().respond(request)


def fetch(url: str, headers=None, **policy):
    waits: list[float] = []
    try:
        return fetch_document(url, headers, policy=FetchPolicy(**policy), sleep=waits.append), waits
    except FetchFailed as exc:
        exc.waits = waits
        raise


def failure(url: str, **policy) -> FetchFailed:
    with pytest.raises(FetchFailed) as info:
        fetch(url, **policy)
    return info.value


def log(site) -> list[tuple[str, int]]:
    return [(r["path"], r["status"]) for r in site.requests]


# --- fetching ---------------------------------------------------------------------------------------


def test_the_document_is_fetched_whole_then_conditionally():
    with Scripted() as site:
        got, waits = fetch(site.document_url)
        assert (got.status, got.body, got.content_hash) == (200, BODY, hashlib.sha256(BODY).hexdigest())
        assert (got.url, got.final_url, got.received, got.requests, waits) == (
            site.document_url, site.document_url, len(BODY), 1, [])
        assert got.etag and got.last_modified
        again, _ = fetch(site.document_url, {"If-None-Match": got.etag})
        assert (again.status, again.body, again.content_hash, again.etag) == (304, b"", None, got.etag)
        by_date, _ = fetch(site.document_url, {"If-Modified-Since": got.last_modified})
        assert by_date.status == 304
    assert [(r["status"], r["conditional"], r["user_agent"]) for r in site.requests] == [
        (200, False, USER_AGENT), (304, True, USER_AGENT), (304, True, USER_AGENT)]


def test_a_gzip_body_is_decompressed():
    packed = gzip.compress(BODY)

    def answer(site, request):
        assert "gzip" in request.headers["Accept-Encoding"]
        return Response(200, packed, {"Content-Encoding": "gzip", "ETag": '"z"'}, content_type="application/json")

    with Scripted(answer) as site:
        got, _ = fetch(site.document_url)
    assert (got.body, got.received, got.etag) == (BODY, len(packed), '"z"')


def test_a_body_over_the_size_cap_is_refused_with_a_reason():
    def answer(site, request):
        if request.path == "/streamed":  # no Content-Length: stopped at the limit
            return Response(200, (b"x" * 4096 for _ in range(64)))
        if request.path == "/bomb":  # 4 MB of zeros in a few KB of gzip
            return Response(200, gzip.compress(bytes(4 << 20)), {"Content-Encoding": "gzip"})
        return None

    with Scripted(answer) as site:
        assert str(failure(site.document_url, max_bytes=16 << 10)) == (
            "response larger than 16 KB (51 KB announced): refused unread")
        assert str(failure(site.url("/streamed"), max_bytes=16 << 10)) == (
            "response larger than 16 KB: download stopped at the limit")
        assert str(failure(site.url("/bomb"), max_bytes=1 << 20)) == (
            "response larger than 1 MB: download stopped at the limit")


def test_redirects_are_followed_on_the_same_origin_only_and_at_most_five():
    def answer(site, request):
        if request.path == "/old":
            return Response.redirect(PATH)  # relative, same origin
        if request.path.startswith("/loop/"):
            return Response.redirect(f"/loop/{int(request.path[6:]) + 1}", 302)
        if request.path == "/away":
            return Response.redirect(f"http://localhost:{site.port}{PATH}")
        if request.path == "/tls":
            return Response.redirect(f"https://127.0.0.1:{site.port}{PATH}", 308)
        if request.path == "/file":
            return Response.redirect("file:///etc/passwd")
        if request.path == "/port":
            return Response.redirect("http://example.com:99999/")  # a port no URL can have
        if request.path == "/nowhere":
            return Response(302, b"", content_type=None)
        return None

    with Scripted(answer) as site:
        got, _ = fetch(site.url("/old"))
        assert (got.status, got.body, got.url, got.final_url, got.requests) == (
            200, BODY, site.url("/old"), site.document_url, 2)
        looped = failure(site.url("/loop/0"))
        assert (str(looped), looped.requests) == (f"more than 5 redirects (the last to {site.url('/loop/6')})", 6)
        origin = f"http://127.0.0.1:{site.port}"
        for path, target, status in (("/away", f"http://localhost:{site.port}{PATH}", 301),
                                     ("/tls", f"https://127.0.0.1:{site.port}{PATH}", 308),
                                     ("/file", "file:///etc/passwd", 301),
                                     ("/port", "http://example.com:99999/", 301)):
            refused = failure(site.url(path))
            assert str(refused) == (
                f"HTTP {status} redirect to {target} not followed: a document is read from {origin} only "
                "(give its new URL with --site if it really moved)")
            assert (refused.answered, refused.requests) == (True, 1)
        assert str(failure(site.url("/nowhere"))) == "HTTP 302 redirect without a Location"
    assert [path for path, _ in log(site)] == [
        "/old", PATH, *[f"/loop/{i}" for i in range(6)], "/away", "/tls", "/file", "/port", "/nowhere"]


def test_5xx_and_429_are_retried_after_backoff_or_retry_after_then_reported():
    def answer(site, request):
        if request.path == "/down":
            return Response.text(503)
        if request.path == "/flaky" and request.attempt <= 2:
            return Response.text(502)
        if request.path == "/busy" and request.attempt == 1:
            return Response(429, b"slow down\n", {"Retry-After": "7"})
        if request.path == "/later":
            return Response(503, b"", {"Retry-After": "120"})
        if request.path == "/gone":
            return Response.text(404)
        if request.path in ("/flaky", "/busy"):
            return site.serve_file(Request(request.method, PATH, "/models.json", request.headers, 1))
        return None

    with Scripted(answer) as site:
        with pytest.raises(FetchFailed) as info:
            fetch(site.url("/down"))
        down = info.value
        assert (str(down), down.answered, down.requests, down.waits) == ("HTTP 503 (4 tries)", True, 4, [0.5, 1.0, 2.0])
        got, waits = fetch(site.url("/flaky"))
        assert (got.status, got.body, got.requests, waits) == (200, BODY, 3, [0.5, 1.0])
        got, waits = fetch(site.url("/busy"))
        assert (got.status, waits) == (200, [7.0])
        with pytest.raises(FetchFailed) as info:
            fetch(site.url("/later"))
        assert (str(info.value), info.value.requests, info.value.waits) == (
            "HTTP 503: Retry-After 120 s is longer than the 60 s a refresh waits", 1, [])
        gone = failure(site.url("/gone"))
        assert (str(gone), gone.requests) == ("HTTP 404", 1)
    assert log(site) == [("/down", 503)] * 4 + [("/flaky", 502)] * 2 + [("/flaky", 200), ("/busy", 429), ("/busy", 200),
                                                                    ("/later", 503), ("/gone", 404)]


def test_no_server_and_a_server_too_slow_are_retried_then_reported():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed) as info:
        fetch(f"http://127.0.0.1:{port}{PATH}")
    assert (str(info.value), info.value.answered, info.value.waits) == (
        "connection refused (4 tries)", False, [0.5, 1.0, 2.0])

    def stall(site, request):
        time.sleep(3)
        return None

    with Scripted(stall) as site:
        with pytest.raises(FetchFailed) as info:
            fetch(site.document_url, timeout=0.2, retries=1)
    assert (str(info.value), info.value.waits) == ("timed out: no answer within 0.2 s (2 tries)", [0.5])


# --- the document's URL -------------------------------------------------------------------------------


def test_the_document_url_keeps_path_and_query_and_refuses_what_cannot_be_one():
    example = "https://openrouter.ai/api/v1/models"
    assert document_url(" HTTP://127.0.0.1:8000/api/v1/models?x=1#frag ", example) == (
        "http://127.0.0.1:8000/api/v1/models?x=1")
    assert document_url("https://example.com", example) == "https://example.com/"
    for text, reason in (
        ("ftp://example.com/models", "'ftp://example.com/models' is not a document URL; give one like " + example),
        ("example.com/models", "'example.com/models' is not a document URL; give one like " + example),
        ("http://example.com:99999/x", "'http://example.com:99999/x' is not a document URL (Port out of range "
                                       "0-65535); give one like " + example),
        ("https://me:secret@example.com/x", "'https://***@example.com/x' holds a user name or password, which would "
                                            "show on command lines and in `catalog runs`; give the URL without it, "
                                            "e.g. https://example.com/x"),
    ):
        with pytest.raises(ValueError) as info:
            document_url(text, example)
        assert str(info.value) == reason
    assert entry_url(example, "~x-ai/grok latest:free") == example + "#~x-ai/grok%20latest:free"


def test_a_bad_site_for_a_document_source_is_a_usage_error(sqlite_url):
    done = catalog("refresh", "--source", "openrouter", "--site", "https://me:pw@openrouter.ai/api/v1/models",
                   db_url=sqlite_url)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--site': 'https://***@openrouter.ai/api/v1/models' holds a user name or "
        "password, which would show on command lines and in `catalog runs`; give the URL without it, e.g. "
        "https://openrouter.ai/api/v1/models")


# --- refreshes of a document --------------------------------------------------------------------------


def refresh(engine, site, **options):
    waits: list[float] = []
    source = OpenRouterSource(sleep=waits.append)
    done = run_refresh(engine, source, site=site.document_url, options=RefreshOptions(**options))
    return done, waits


def validators(engine, url: str):
    with Session(engine) as session:
        page = session.scalar(select(FetchedPage).where(FetchedPage.url == url))
        return None if page is None else (page.etag, page.last_modified)


def listed(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Offering).where(Offering.removed_at.is_(None)))


def test_a_document_that_cannot_be_fetched_or_read_fails_the_run_and_removes_nothing(engine):
    state = {"answer": None}
    with Scripted(lambda site, request: state["answer"]) as site:
        done, _ = refresh(engine, site)
        assert (done.run.status, listed(engine)) == ("complete", 26)
        url = site.document_url
        for answer, reason, waits_wanted in (
            (Response.text(500), "HTTP 500 (4 tries)", [0.5, 1.0, 2.0]),
            (Response(200, b"<html>Sign in</html>", {"ETag": '"html"'}),
             "OpenRouter's model list is not valid JSON (Expecting value: line 1 column 1 (char 0)); check that "
             "the URL serves the document itself", []),
            (Response(200, b'{"data": {"id": "x"}}', {"ETag": '"obj"'}),
             "OpenRouter's model list is a JSON object without a \"data\" list of models; check that the URL "
             "serves /api/v1/models", []),
            (Response(200, b'{"data": []}', {"ETag": '"empty"'}), "the document lists no entries", []),
        ):
            state["answer"] = answer
            done, waits = refresh(engine, site)
            assert (done.run.status, done.run.error, waits) == (
                "failed", f"the site could not be crawled ({url}: {reason}); check the --site URL and the network",
                waits_wanted)
            assert done.problems == []
            assert listed(engine) == 26
        # the last good read's validators are still the ones sent: the broken bodies left none
        state["answer"] = None
        done, _ = refresh(engine, site)
        assert (done.run.status, done.run.pages_not_modified, done.run.offerings_unchanged) == ("complete", 1, 26)
    assert [r["conditional"] for r in site.requests][-1] is True


def test_a_document_read_in_part_keeps_no_validators(engine):
    """Over the page budget, or with an entry that could not be stored, the run is not whole:
    the next refresh must read the whole document again, not be told 304."""
    with Scripted() as site:
        done, _ = refresh(engine, site, max_pages=5)
        assert (done.run.status, done.run.offerings_new, listed(engine)) == ("incomplete", 5, 5)
        assert done.run.error.startswith("stopped at the page budget: 5 model pages requested and 21 more found")
        assert validators(engine, site.document_url) == (None, None)
        done, _ = refresh(engine, site)
        assert (done.run.status, done.run.offerings_new, done.run.offerings_unchanged) == ("complete", 21, 5)
        assert validators(engine, site.document_url) != (None, None)
    assert [(r["status"], r["conditional"]) for r in site.requests] == [(200, False), (200, False)]

    models = json.loads(BODY)["data"]
    broken = json.dumps({"data": [*models, {**models[0], "id": "x/" + "y" * 300}]}).encode()
    with Scripted(lambda site, request: Response(200, broken, {"ETag": '"broken"'})) as site:
        done, _ = refresh(engine, site)
        assert (done.run.status, done.run.offerings_unchanged) == ("complete", 26)
        assert done.problems == [(f"{site.document_url}#x/{'y' * 300}",
                                  "not stored: model_id: String should have at most 255 characters")]
        assert validators(engine, site.document_url) == (None, None)


def test_a_document_that_cannot_be_read_is_one_line_on_the_command_line(sqlite_url):
    with Scripted(lambda site, request: Response(200, b"not json at all")) as site:
        done = catalog("refresh", "--source", "openrouter", "--site", site.document_url, db_url=sqlite_url)
    assert (done.returncode, done.stderr) == (1, "")
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"Refresh #1 of openrouter ({site.document_url}): failed in ")
    assert lines[1:] == [
        "Pages: 1 fetched, 0 not modified, 15 B downloaded",
        "Offerings: 0 new, 0 updated, 0 unchanged, 0 removed; 0 price changes",
        f"Note: the site could not be crawled ({site.document_url}: OpenRouter's model list is not valid JSON "
        "(Expecting value: line 1 column 1 (char 0)); check that the URL serves the document itself); check the "
        "--site URL and the network",
    ]


def test_verbose_shows_the_documents_notes(sqlite_url):
    models = json.loads(BODY)["data"]
    noted = json.dumps({"data": [*models, {"name": "no id"}]}).encode()
    with Scripted(lambda site, request: Response(200, noted)) as site:
        quiet = catalog("refresh", "--source", "openrouter", "--site", site.document_url, db_url=sqlite_url)
        loud = catalog("refresh", "--source", "openrouter", "--site", site.document_url, "--verbose",
                       db_url=sqlite_url)
    assert (quiet.returncode, quiet.stderr, loud.returncode) == (0, "", 0)
    assert loud.stderr == f"{site.document_url}: 1 entry without an id: skipped (positions #26)\n"
    # without --verbose the summary says there is something to see
    assert quiet.stdout.splitlines()[-1] == (
        "Note: 1 note on the document (entries skipped, prices not read); --verbose lists them")
    assert "--verbose lists them" not in loud.stdout
