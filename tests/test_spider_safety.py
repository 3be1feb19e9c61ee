"""Content safety and failure handling, piece by piece (no crawl unless a test says so):
terminal text, Retry-After, failure reasons, staying on the site, robots.txt, parameterized SQL.
"""

from __future__ import annotations

import ast
import email.utils
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import db
from catalog.schema import CrawlRun
from catalog.text import printable
from spiders.catalog_spider import CatalogSpider
from spiders.localsite import LocalSite
from spiders.localsite import Request as SiteRequest
from spiders.localsite import Response as SiteResponse
from spiders.middlewares import (
    GAVE_UP,
    TOO_LARGE,
    OffSiteRequest,
    StayOnSiteMiddleware,
    failure_reason,
    retry_after,
)
from tests.crawling import catalog
from tests.sites import fixture_root

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://modelslab.com"

# --- text that reaches the terminal -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Llama\x1b[2J 3", "Llama 3"),  # clear screen
        ("\x1b[31;1mred\x1b[0m", "red"),  # colours
        ("x\x1b]8;;http://evil.example/\x1b\\Click\x1b]8;;\x1b\\y", "xClicky"),  # OSC 8 hyperlink, ST
        ("\x1b]0;new title\x07after", "after"),  # window title, BEL-terminated
        ("ring\x07 bell", "ring bell"),
        ("c1\x9b31mcsi\x9d0;t\x9c.", "c1csi."),  # 8-bit CSI and OSC
        ("next\x85line\x8d", "nextline"),  # other C1 controls
        ("\x1bcreset", "reset"),  # RIS
        ("over\rwrite", "over\nwrite"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("left\u202eevil\u202c", "leftevil"),  # bidi override (Trojan Source)
        ("\x1b]unterminated osc", "unterminated osc"),
        ("Zhipu: GLM-4.5 中文版 Ünïcödé 🎨", "Zhipu: GLM-4.5 中文版 Ünïcödé 🎨"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_printable_removes_controls_and_escape_sequences(raw, shown):
    assert printable(raw) == shown


def test_printable_leaves_nothing_a_terminal_acts_on():
    hostile = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u200e\u200f\u202a\u202b\u202d\u2066\u2069"
    out = printable(hostile * 3)
    assert not [c for c in out if c not in "\t\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]
    assert not set(out) & set("\u200e\u200f\u202a\u202b\u202d\u2066\u2069")


# --- Retry-After --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("1", 1.0), (b"120", 120.0), (" 0 ", 0.0), ("soon", None), ("-5", None), ("", None), (None, None)],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after(value) == seconds


def test_retry_after_http_date():
    now = 1_800_000_000.0
    assert retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


# --- why a request failed ----------------------------------------------------------------------


def _request(**meta) -> Request:
    return Request(f"{SITE}/models/p/m.md", meta=meta)


def _http(status: int, request: Request, **headers) -> HttpError:
    return HttpError(Response(request.url, status=status, headers=headers, request=request), "ignored")


def test_reasons_for_http_failures():
    assert failure_reason(_http(500, _request(retry_times=3)), _request(retry_times=3)) == "HTTP 500 (4 tries)"
    assert failure_reason(_http(403, _request()), _request()) == "HTTP 403"
    gave_up = _request(**{GAVE_UP: "Retry-After 3600 s is longer than the 60 s a refresh waits"})
    assert failure_reason(_http(503, gave_up), gave_up) == (
        "HTTP 503: Retry-After 3600 s is longer than the 60 s a refresh waits"
    )
    moved = _http(301, _request(), Location="file:///etc/passwd")
    assert failure_reason(moved, _request()) == "HTTP 301 redirect to file:///etc/passwd not followed"


def test_reasons_for_transport_failures():
    timed = _request(download_timeout=2.5, retry_times=3)
    assert failure_reason(DownloadTimeoutError("took longer"), timed) == (
        "timed out: no complete answer within 2.5 s (4 tries)"
    )
    announced = DownloadCancelledError(
        "Expected to receive 10485760 bytes which is larger than download max size (4194304) in request <GET x>."
    )
    assert failure_reason(announced, _request()) == "response larger than 4 MB (10 MB announced): refused unread"
    assert failure_reason(StopDownload(fail=True), _request(**{TOO_LARGE: 4194304})) == (
        "response larger than 4 MB: download stopped at the limit"
    )
    assert failure_reason(ResponseDataLossError(), _request(retry_times=3)) == (
        "connection closed before the whole response arrived (body cut off) (4 tries)"
    )
    bomb = IgnoreRequest("Ignored response because its body (65 kB compressed) exceeded DOWNLOAD_MAXSIZE "
                         "(4194304 B) during decompression.")
    assert failure_reason(bomb, _request()) == "compressed response expands past the size limit: refused"
    assert failure_reason(ValueError("line one\nline two"), None) == "ValueError: line one"


# --- staying on the site ------------------------------------------------------------------------

OFF_SITE = [
    "https://elsewhere.example/models/p/m",
    "http://modelslab.com/models/p/m",  # another scheme
    "https://modelslab.com:8443/models/p/m",  # another port
    "file:///etc/passwd",
    "ftp://modelslab.com/models/p/m",
    "javascript:alert(1)//models/p/m",
    "data:text/plain,/models/p/m",
    "http://127.0.0.1/models/p/m",
    "http://[::1]/models/p/m",
    "http://2130706433/models/p/m",
    "http://localhost/models/p/m",
    "https://user@modelslab.com/models/p/m",
    "https://modelslab.com\\@evil.example/models/p/m",
]


@pytest.mark.parametrize("url", OFF_SITE)
def test_the_spider_never_follows_a_link_off_the_site(url):
    spider = CatalogSpider(site=SITE)
    assert list(spider._follow(url)) == []


def test_the_spider_follows_a_model_link_on_the_site_once():
    spider = CatalogSpider(site=SITE)
    [request] = spider._follow(f"{SITE}/models/together_ai/m-1")
    assert request.url == f"{SITE}/models/together_ai/m-1.md"
    assert list(spider._follow(f"{SITE}/models/together_ai/m-1.md")) == []


def test_a_local_site_may_be_crawled_but_not_another_local_port():
    spider = CatalogSpider(site="http://127.0.0.1:8772")
    assert len(list(spider._follow("http://127.0.0.1:8772/models/p/m"))) == 1
    assert list(spider._follow("http://127.0.0.1:8765/models/p/m")) == []
    assert list(spider._follow("http://localhost:8772/models/p/m")) == []


def _middleware(site: str) -> StayOnSiteMiddleware:
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    return StayOnSiteMiddleware(SimpleNamespace(spider=SimpleNamespace(site=site), stats=stats))


# (a backslash URL is read as WHATWG does by Scrapy's Request: "\\" becomes "/", on the site)
@pytest.mark.parametrize("url", [u for u in OFF_SITE if u.startswith("http") and "\\" not in u])
def test_no_request_leaves_the_site_even_by_redirect(url):
    middleware = _middleware(SITE)
    with pytest.raises(OffSiteRequest, match="not requested"):
        middleware.process_request(Request(url))
    redirected = Request(url, meta={"redirect_urls": [f"{SITE}/models/p/m.md"]})
    with pytest.raises(OffSiteRequest, match=r"^redirected off the site to .*; not followed$"):
        middleware.process_request(redirected)
    assert middleware.process_request(Request(f"{SITE}/models/p/m.md")) is None


# --- SQL is parameterized -----------------------------------------------------------------------

SQL_CALLS = {"text", "execute", "exec_driver_sql", "executemany", "executescript", "scalar", "scalars",
             "_rows", "_in"}  # catalog.reader's two ways of running a statement


def _formatted(node: ast.AST) -> bool:
    """A string built at run time from values: f-string, % or .format(), or + with one of those."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # "... %s" % value
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "..." + value
        constant = (ast.Constant,)
        return _formatted(node.left) or _formatted(node.right) or not (
            isinstance(node.left, constant) and isinstance(node.right, constant)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    return False


def test_sql_is_never_formatted_from_values():
    """No call that runs SQL gets a statement formatted from values. A statement assembled from
    placeholders and fixed column lists (catalog/reader.py) is built apart and marked
    `# noqa: S608` where it is built, which ruff's S608 check (pyproject) reviews."""
    found = []
    for path in sorted([*ROOT.joinpath("catalog").rglob("*.py"), *ROOT.joinpath("spiders").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in SQL_CALLS and _formatted(node.args[0]) and "noqa: S608" not in lines[node.lineno - 1]:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert found == []


def test_the_sql_check_catches_formatting():
    snippets = ['session.execute(text(f"SELECT * FROM t WHERE name = \'{name}\'"))',
                'conn.exec_driver_sql("DELETE FROM t WHERE id = %s" % ident)',
                'conn.execute("SELECT * FROM t WHERE a = {}".format(a))',
                'conn.execute("SELECT * FROM t WHERE a = " + a)']
    for source in snippets:
        call = ast.parse(source).body[0].value
        inner = call.args[0]
        if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) == "text":
            inner = inner.args[0]
        assert _formatted(inner), source
    assert not _formatted(ast.parse('text("SELECT pg_try_advisory_lock(:cls, :obj)")').body[0].value.args[0])


# --- robots.txt, strictly (real crawls, SQLite) -------------------------------------------------


class RobotsSite(LocalSite):
    """The fixture site with another robots.txt answer."""

    def __init__(self, root: Path, robots: SiteResponse) -> None:
        super().__init__(root)
        self.robots = robots

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return self.robots
        return super().respond(request)


def _run(db_url: str) -> str:
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        status = session.scalars(select(CrawlRun.status)).one()
    engine.dispose()
    return status


@pytest.mark.slow
def test_an_unreadable_robots_txt_means_nothing_is_crawled(sqlite_url):
    with RobotsSite(fixture_root("sample"), SiteResponse.text(503)) as site:
        done = catalog("refresh", "--site", site.base_url, db_url=sqlite_url)
        paths = {r["path"] for r in site.requests}
    assert done.returncode == 1
    assert paths == {"/robots.txt"}
    assert _run(sqlite_url) == "failed"
    assert "robots.txt could not be read: HTTP 503 (4 tries); nothing requested" in done.stdout


@pytest.mark.slow
def test_a_site_that_disallows_everything_is_not_crawled_and_nothing_is_removed(sqlite_url):
    with RobotsSite(fixture_root("sample"), SiteResponse(200, b"User-agent: *\nDisallow: /\n")) as site:
        done = catalog("refresh", "--site", site.base_url, db_url=sqlite_url)
        paths = {r["path"] for r in site.requests}
    assert paths == {"/robots.txt"}
    assert done.returncode == 1
    assert _run(sqlite_url) == "failed"
    assert "robots.txt disallows " in done.stdout and "no model page was found" in done.stdout


# --- politeness: per-host concurrency and delay (real crawls, SQLite) -----------------------------


@pytest.mark.slow
def test_concurrency_one_means_one_request_at_a_time(sqlite_url):
    with LocalSite(fixture_root("sample")) as site:
        done = catalog("refresh", "--site", site.base_url, "--concurrency", "1", db_url=sqlite_url)
        log = sorted(site.requests, key=lambda r: r["time"])
    assert done.returncode == 0, done.stdout
    for before, after in zip(log, log[1:], strict=False):
        # the next request arrives only once the one before has been answered
        assert after["time"] >= before["time"] + before["duration"] - 0.005, (before["path"], after["path"])


@pytest.mark.slow
def test_delay_spaces_the_requests(sqlite_url):
    delay = 0.05
    with LocalSite(fixture_root("sample")) as site:
        done = catalog("refresh", "--site", site.base_url, "--delay", str(delay), db_url=sqlite_url)
        starts = sorted(r["time"] for r in site.requests)
    assert done.returncode == 0, done.stdout
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= delay * 0.5 - 0.005  # Scrapy varies each delay by up to 50% either way
    assert sum(gaps) / len(gaps) >= delay * 0.9  # ... around the delay asked for


@pytest.mark.slow
def test_a_site_whose_links_all_go_elsewhere_is_a_failed_refresh(sqlite_url):
    # the sample's pages link to https://modelslab.com; served without rewriting, every link is off-site
    with LocalSite(fixture_root("sample"), placeholder=None) as site:
        done = catalog("refresh", "--site", site.base_url, db_url=sqlite_url)
        paths = {r["path"] for r in site.requests}
    assert done.returncode == 1
    assert _run(sqlite_url) == "failed"  # so nothing can be marked removed
    assert not [p for p in paths if p.startswith("/models/")]
    assert f"no model page on {site.base_url}: its links go to other sites (https://modelslab.com/models/" in (
        done.stdout
    )
