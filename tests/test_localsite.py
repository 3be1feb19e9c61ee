"""LocalSite answers like a catalog site, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import select
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from spiders.localsite import LocalSite, Request, Response

PAGE = """---
url: https://modelslab.com/models/acme/widget-1.md
---

Widget 1
 [LLMs.txt](https://modelslab.com/models/acme/widget-1/llms.txt)
See also https://docs.modelslab.com (not the site's origin, left alone).
"""
MANIFEST_STAMP = "2026-11-01T06:00:00Z"
MANIFEST_HTTP_DATE = "Sun, 01 Nov 2026 06:00:00 GMT"


def make_site(root: Path, page: str = PAGE) -> Path:
    """A tiny catalog site: a page with its folder, llms.txt, robots.txt and a sitemap."""
    (root / "models" / "acme" / "widget-1").mkdir(parents=True)
    (root / "models" / "acme" / "widget-1.md").write_text(page)
    (root / "models" / "acme" / "widget-1" / "index.html").write_text(
        '<html><link rel="alternate" href="https://modelslab.com/models/acme/widget-1.md"></html>\n'
    )
    (root / "models" / "acme" / "widget-1" / "llms.txt").write_text("# Widget 1\n")
    (root / "llms.txt").write_text("# Site\n\n- [Widget 1](https://modelslab.com/models/acme/widget-1.md)\n")
    (root / "robots.txt").write_text("User-agent: *\nSitemap: https://modelslab.com/sitemap.xml\n")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url><loc>https://modelslab.com/x</loc></url></urlset>\n'
    )
    (root / "truth.jsonl").write_text("{}\n")
    (root / "_lastmod.json").write_text(json.dumps({"models/acme/widget-1.md": MANIFEST_STAMP}))
    return root


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def site(site_dir: Path) -> Iterator[LocalSite]:
    with LocalSite(site_dir) as running:
        yield running


def fetch(site: LocalSite, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    """(status, headers, body) for one request on a fresh connection; path is sent as given."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def test_page_is_served_with_links_rewritten_to_the_local_server(site: LocalSite) -> None:
    status, headers, body = fetch(site, "/models/acme/widget-1.md")
    assert status == 200
    assert headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    expected = PAGE.replace("https://modelslab.com", site.base_url)
    assert body.decode() == expected
    assert f"url: {site.base_url}/models/acme/widget-1.md" in body.decode()
    assert "https://docs.modelslab.com" in body.decode()
    assert site.base_url.startswith("http://127.0.0.1:") and site.port > 0


def test_urllib_sees_the_same_page(site: LocalSite) -> None:
    with urllib.request.urlopen(site.url("llms.txt"), timeout=10) as resp:
        assert resp.status == 200
        assert resp.read().decode() == f"# Site\n\n- [Widget 1]({site.base_url}/models/acme/widget-1.md)\n"


@pytest.mark.parametrize(
    ("path", "content_type", "needle"),
    [
        ("/llms.txt", "text/plain; charset=utf-8", b"# Site"),
        ("/robots.txt", "text/plain; charset=utf-8", b"Sitemap: http://127.0.0.1:"),
        ("/sitemap.xml", "application/xml", b"<loc>http://127.0.0.1:"),
        ("/models/acme/widget-1/llms.txt", "text/plain; charset=utf-8", b"# Widget 1"),
        ("/models/acme/widget-1", "text/html; charset=utf-8", b'href="http://127.0.0.1:'),
        ("/models/acme/widget-1/", "text/html; charset=utf-8", b'href="http://127.0.0.1:'),
    ],
)
def test_content_types_and_folder_urls(site: LocalSite, path: str, content_type: str, needle: bytes) -> None:
    status, headers, body = fetch(site, path)
    assert (status, headers["Content-Type"]) == (200, content_type)
    assert needle in body


@pytest.mark.parametrize(
    "path",
    [
        "/models/acme/missing.md",
        "/models/acme",  # a folder without index.html
        "/",
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/models/../../outside.txt",
        "/truth.jsonl",  # data about the site, not part of it
        "/_lastmod.json",
        "/models/acme/widget-1.md%00.txt",
    ],
)
def test_missing_or_escaping_paths_are_404(site: LocalSite, site_dir: Path, path: str) -> None:
    (site_dir.parent / "outside.txt").write_text("secret\n")
    status, headers, body = fetch(site, path)
    assert status == 404
    assert b"secret" not in body
    assert "ETag" not in headers


def test_etag_is_a_hash_of_the_served_body(site: LocalSite, site_dir: Path) -> None:
    _, first, body = fetch(site, "/models/acme/widget-1.md")
    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    assert fetch(site, "/models/acme/widget-1.md")[1]["ETag"] == first["ETag"]
    # the same file served on another port has other links, so another ETag
    with LocalSite(site_dir) as other:
        assert fetch(other, "/models/acme/widget-1.md")[1]["ETag"] != first["ETag"]
        # a body without the placeholder is the same on both
        assert (
            fetch(other, "/models/acme/widget-1/llms.txt")[1]["ETag"]
            == fetch(site, "/models/acme/widget-1/llms.txt")[1]["ETag"]
        )


def test_if_none_match_answers_304(site: LocalSite) -> None:
    _, headers, _ = fetch(site, "/models/acme/widget-1.md")
    etag = headers["ETag"]
    for value in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        status, h304, body = fetch(site, "/models/acme/widget-1.md", headers={"If-None-Match": value})
        assert (status, body) == (304, b""), value
        assert h304["ETag"] == etag
        assert h304["Last-Modified"] == MANIFEST_HTTP_DATE
    assert fetch(site, "/models/acme/widget-1.md", headers={"If-None-Match": '"stale"'})[0] == 200


def test_if_none_match_takes_precedence_over_if_modified_since(site: LocalSite) -> None:
    later = "Fri, 01 Jan 2100 00:00:00 GMT"
    status, _, body = fetch(
        site, "/models/acme/widget-1.md", headers={"If-None-Match": '"stale"', "If-Modified-Since": later}
    )
    assert status == 200 and body


def test_last_modified_comes_from_the_manifest(site: LocalSite) -> None:
    _, headers, _ = fetch(site, "/models/acme/widget-1.md")
    assert headers["Last-Modified"] == MANIFEST_HTTP_DATE


def test_last_modified_falls_back_to_the_file_mtime(site: LocalSite, site_dir: Path) -> None:
    stamp = 1_790_000_000
    os.utime(site_dir / "llms.txt", (stamp, stamp))
    _, headers, _ = fetch(site, "/llms.txt")
    assert headers["Last-Modified"] == email.utils.formatdate(stamp, usegmt=True)


@pytest.mark.parametrize(
    ("since", "status"),
    [
        (MANIFEST_HTTP_DATE, 304),
        ("Mon, 02 Nov 2026 00:00:00 GMT", 304),
        ("Sat, 31 Oct 2026 23:59:59 GMT", 200),
        ("not a date", 200),
    ],
)
def test_if_modified_since(site: LocalSite, since: str, status: int) -> None:
    got, _, body = fetch(site, "/models/acme/widget-1.md", headers={"If-Modified-Since": since})
    assert got == status
    assert bool(body) == (status == 200)


def test_head_sends_the_headers_of_get_without_a_body(site: LocalSite) -> None:
    _, get_headers, get_body = fetch(site, "/models/acme/widget-1.md")
    status, headers, body = fetch(site, "/models/acme/widget-1.md", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) == len(get_body)
    for name in ("Content-Type", "ETag", "Last-Modified"):
        assert headers[name] == get_headers[name]
    assert fetch(site, "/nope.md", method="HEAD")[0] == 404


def test_other_methods_are_405(site: LocalSite) -> None:
    status, headers, _ = fetch(site, "/llms.txt", method="POST")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


def test_keep_alive_serves_several_requests_on_one_connection(site: LocalSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        for path in ("/llms.txt", "/robots.txt", "/missing", "/models/acme/widget-1.md"):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            assert not resp.will_close, path
        sock = conn.sock
        conn.request("HEAD", "/llms.txt")
        conn.getresponse().read()
        assert conn.sock is sock  # no reconnect
    finally:
        conn.close()


def test_requests_are_logged(site_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with LocalSite(site_dir, log_path=log) as site:
        before = time.time()
        fetch(site, "/llms.txt", headers={"User-Agent": "catalog-test/1"})
        etag = fetch(site, "/models/acme/widget-1.md")[1]["ETag"]
        fetch(site, "/models/acme/widget-1.md", headers={"If-None-Match": etag})
        fetch(site, "/gone.md?x=1", method="HEAD")
        rows = list(site.requests)
    assert [(r["method"], r["path"], r["status"], r["conditional"]) for r in rows] == [
        ("GET", "/llms.txt", 200, False),
        ("GET", "/models/acme/widget-1.md", 200, False),
        ("GET", "/models/acme/widget-1.md", 304, True),
        ("HEAD", "/gone.md?x=1", 404, False),
    ]
    assert rows[0]["user_agent"] == "catalog-test/1"
    assert rows[0]["bytes"] == len(f"# Site\n\n- [Widget 1]({site.base_url}/models/acme/widget-1.md)\n")
    assert rows[2]["bytes"] == 0 and rows[3]["bytes"] == 0
    assert all(before - 1 <= r["time"] <= time.time() for r in rows)
    assert [json.loads(line) for line in log.read_text().splitlines()] == rows
    assert len(site.requests) == 4 and site.requests[-1]["status"] == 404
    site.requests.clear()
    assert len(site.requests) == 0


def test_swap_root_switches_the_live_site(site: LocalSite, site_dir: Path, tmp_path: Path) -> None:
    _, headers, old = fetch(site, "/models/acme/widget-1.md")
    new_dir = make_site(tmp_path / "epoch1", page=PAGE.replace("Widget 1", "Widget 1 (repriced)"))
    (new_dir / "llms.txt").unlink()
    site.swap_root(new_dir)
    assert site.root == new_dir.resolve()
    status, new_headers, new = fetch(
        site, "/models/acme/widget-1.md", headers={"If-None-Match": headers["ETag"]}
    )
    assert status == 200  # the old ETag no longer matches
    assert b"Widget 1 (repriced)" in new and new != old
    assert new_headers["ETag"] != headers["ETag"]
    assert fetch(site, "/llms.txt")[0] == 404
    site.swap_root(site_dir)
    assert fetch(site, "/models/acme/widget-1.md")[2] == old


def test_placeholder_none_serves_files_unchanged(site_dir: Path) -> None:
    with LocalSite(site_dir, placeholder=None) as site:
        assert fetch(site, "/models/acme/widget-1.md")[2].decode() == PAGE


def test_lifecycle(site_dir: Path) -> None:
    site = LocalSite(site_dir)
    with pytest.raises(RuntimeError):
        _ = site.base_url
    site.start()
    try:
        with pytest.raises(RuntimeError):
            site.start()
        port = site.port
        assert fetch(site, "/llms.txt")[0] == 200
    finally:
        site.stop()
    site.stop()  # idempotent
    assert site.base_url == f"http://127.0.0.1:{port}"  # still known, e.g. to compare logged URLs
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()
    with pytest.raises(FileNotFoundError):
        LocalSite(site_dir / "nope")


def test_stop_closes_kept_alive_connections(site_dir: Path) -> None:
    site = LocalSite(site_dir).start()
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.request("GET", "/llms.txt")
    conn.getresponse().read()
    # the handler now waits on the idle connection for its next request, for up to 60 s
    stopper = threading.Thread(target=site.stop)
    stopper.start()
    # stop() closes it: the client sees the end of the connection (waiting for it at most 20 s,
    # a third of the idle timeout that would otherwise close it), and stop() has returned
    readable, _, _ = select.select([conn.sock], [], [], 20)
    assert readable and conn.sock.recv(1) == b""
    stopper.join(20)
    assert not stopper.is_alive()
    with pytest.raises((http.client.HTTPException, OSError)):
        conn.request("GET", "/llms.txt")
        conn.getresponse()
    conn.close()


# -- the fault hook -----------------------------------------------------------------------------


class Faulty(LocalSite):
    """Injects one fault per path prefix; everything else is the real site."""

    def respond(self, request: Request) -> Response:
        if request.path == "/models/acme/widget-1.md" and request.attempt <= 2:
            return Response(503, b"busy\n", {"Retry-After": "1"})
        if request.path == "/limited":
            return Response(429, headers={"Retry-After": "7"})
        if request.path == "/old":
            return Response.redirect(self.url("/llms.txt"))
        if request.path == "/truncated":
            return Response(200, iter([b"x" * 100]), length=1000)
        if request.path == "/stream":
            return Response(200, (b"%d\n" % i for i in range(3)))
        if request.path == "/slow":
            time.sleep(0.2)
        if request.path == "/boom":
            raise ValueError("broken override")
        return super().respond(request)


@pytest.fixture
def faulty(site_dir: Path) -> Iterator[Faulty]:
    with Faulty(site_dir) as running:
        yield running


def test_fault_hook_can_fail_a_page_then_serve_it(faulty: Faulty) -> None:
    assert [fetch(faulty, "/models/acme/widget-1.md")[0] for _ in range(3)] == [503, 503, 200]
    status, headers, _ = fetch(faulty, "/limited")
    assert (status, headers["Retry-After"]) == (429, "7")
    assert [r["status"] for r in faulty.requests] == [503, 503, 200, 429]


def test_fault_hook_redirects_are_followed(faulty: Faulty) -> None:
    status, headers, _ = fetch(faulty, "/old")
    assert (status, headers["Location"]) == (301, faulty.url("/llms.txt"))
    with urllib.request.urlopen(faulty.url("/old"), timeout=10) as resp:
        assert resp.url == faulty.url("/llms.txt") and resp.status == 200


def test_fault_hook_streams_and_truncates_bodies(faulty: Faulty) -> None:
    status, headers, body = fetch(faulty, "/stream")
    assert (status, body) == (200, b"0\n1\n2\n")
    assert "Content-Length" not in headers and headers["Connection"] == "close"
    with pytest.raises(http.client.IncompleteRead):
        fetch(faulty, "/truncated")
    assert faulty.requests[-1]["bytes"] == 100


def test_fault_hook_slow_response_and_errors(faulty: Faulty) -> None:
    started = time.monotonic()
    assert fetch(faulty, "/slow")[0] == 404
    assert time.monotonic() - started >= 0.2
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(faulty.url("/boom"), timeout=10)
    assert caught.value.code == 500
    assert [type(e) for e in faulty.errors] == [ValueError]
