"""Serve a folder of a catalog site on loopback, as the real site would, for offline crawls.

``LocalSite`` answers like a catalog site: ``.md`` as text/markdown, llms.txt and robots.txt as
text/plain, sitemaps as XML, a folder URL with its ``index.html``, 404 for anything else. Every
file has an ETag (a hash of the body as served) and a Last-Modified, and conditional requests
get 304. Pages stored with real links (``https://modelslab.com/...``) are rewritten on the way out
to link back to the local server, so a crawl never leaves 127.0.0.1::

    with LocalSite(Path("tests/fixtures/site")) as site:
        crawl(site.base_url + "/llms.txt")
        assert all(r["status"] == 200 for r in site.requests)

Fault injection: subclass and override :meth:`LocalSite.respond`, which turns one
:class:`Request` into one :class:`Response` and runs on the connection's own thread. Return
your own response to inject a fault, or ``super().respond(request)`` to serve the site::

    class Flaky(LocalSite):
        def respond(self, request):
            if request.path.endswith(".md") and request.attempt <= 2:   # fail twice, then serve
                return Response(503, headers={"Retry-After": "1"})
            if request.path == "/models/old.md":
                return Response.redirect(self.url("/models/new.md"))      # 301 to a full URL
            if request.path == "/slow.md":
                time.sleep(2)                                             # slow, then normal
            if request.path == "/huge.md":                               # streamed, never in memory
                return Response(200, (b"x" * 65536 for _ in range(1024)), length=64 << 20)
            if request.path == "/cut.md":                                # Content-Length lies: the
                return Response(200, [b"partial"], length=10_000)         # connection is cut short
            return super().respond(request)

``Request.attempt`` counts the requests for the same path so far (this one included), so "fail
N times, then succeed" needs no state of its own; ``serve_file(request)`` is the site's normal
answer, to wrap or alter (e.g. serve a page with a changed body). An exception raised in
``respond`` is answered with a 500 and kept in ``LocalSite.errors``.

Only the standard library is used, so the package's sample can be served without Scrapy.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any, overload
from urllib.parse import unquote, urlsplit

__all__ = ["DEFAULT_PLACEHOLDER", "LocalSite", "Request", "RequestLog", "Response"]

#: The origin stored pages link to; replaced by the server's base URL in every text body.
DEFAULT_PLACEHOLDER = "https://modelslab.com"
#: Optional manifest in the site folder: relative path -> ISO timestamp used as Last-Modified.
LASTMOD_MANIFEST = "_lastmod.json"

CONTENT_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
}
#: Bodies of these files have the placeholder origin rewritten to the server's base URL.
TEXT_SUFFIXES = frozenset(CONTENT_TYPES)
HANDLED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class Request:
    """One request as :meth:`LocalSite.respond` sees it."""

    method: str
    target: str  # as sent, query included: "/models/x.md?a=1"
    path: str  # decoded path without the query: "/models/x.md"
    headers: Message
    attempt: int  # how many requests for this path (any method) have arrived, this one included

    @property
    def conditional(self) -> bool:
        return bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))

    @property
    def user_agent(self) -> str:
        return self.headers.get("User-Agent", "")


@dataclass
class Response:
    """What to send back.

    ``body`` is bytes, or an iterable of byte chunks for a streamed (slow, huge or truncated)
    body. ``length`` is the Content-Length to announce: by default the size of a bytes body;
    for a chunk iterable without ``length`` no Content-Length is sent and the connection closes
    after the body. If the bytes sent differ from ``length`` (a truncated body) the connection is
    closed too, as a real server's would be. ``close=True`` closes it after any response.
    """

    status: int
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/plain; charset=utf-8"
    length: int | None = None
    close: bool = False
    #: header lines streamed as given after the status line (b"Name: value\r\n" each), before
    #: the usual headers: fault injection, e.g. a server that sends headers without end
    raw_headers: Iterable[bytes] | None = None

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        return cls(status, b"", {"Location": location}, content_type=None)

    @classmethod
    def text(cls, status: int, text: str = "") -> Response:
        return cls(status, (text or HTTPStatus(status).phrase + "\n").encode())


class RequestLog(Sequence[dict[str, Any]]):
    """A thread-safe, append-only list of request records (plus :meth:`clear`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: list[dict[str, Any]] = []

    def append(self, row: dict[str, Any]) -> None:
        with self._lock:
            self._rows.append(row)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._rows)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index):
        with self._lock:
            return self._rows[index]

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"


@dataclass(frozen=True)
class _Site:
    """The served folder and its Last-Modified manifest, swapped as one."""

    root: Path
    lastmod: dict[str, float]


def _load_site(root: Path) -> _Site:
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"site folder {root} does not exist")
    lastmod: dict[str, float] = {}
    manifest = root / LASTMOD_MANIFEST
    if manifest.is_file():
        for rel, stamp in json.loads(manifest.read_text(encoding="utf-8")).items():
            when = dt.datetime.fromisoformat(stamp)
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            lastmod[rel] = when.timestamp()
    return _Site(root, lastmod)


class LocalSite:
    """A catalog site served from a folder on ``host`` (an ephemeral port unless ``port`` is set).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Every request is recorded
    in :attr:`requests` (method, path, status, bytes, conditional, user_agent, time, duration)
    and, with ``log_path``, appended to that file as a JSON line.
    """

    #: Files of the site folder that are data about the site, not part of it: answered with 404.
    private_files = frozenset({"truth.jsonl", LASTMOD_MANIFEST})

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        placeholder: str | None = DEFAULT_PLACEHOLDER,
        log_path: Path | None = None,
    ) -> None:
        self._site = _load_site(root)
        self.host = host
        self._port = port
        self._bound_port: int | None = None
        self.placeholder = placeholder
        self.log_path = log_path
        self.requests = RequestLog()
        #: Exceptions raised by :meth:`respond` (each answered with a 500), for tests to check.
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log: IO[str] | None = None
        self._connections: set[socket.socket] = set()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalSite:
        """Bind and serve in a background thread; returns self."""
        if self._server is not None:
            raise RuntimeError("this LocalSite is already running")
        server = _Server((self.host, self._port), _make_handler(self))
        self._server = server
        self._bound_port = server.server_address[1]
        if self.log_path is not None:
            self._log = Path(self.log_path).open("a", encoding="utf-8")
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"LocalSite:{self._bound_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection, kept-alive ones included."""
        server = self._server
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._server = None
        if self._log is not None:
            with self._lock:
                self._log.close()
                self._log = None

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (still known after :meth:`stop`)."""
        if self._bound_port is None:
            raise RuntimeError("the LocalSite has not been started: call start() first")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of a site path such as ``/llms.txt``."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def root(self) -> Path:
        return self._site.root

    def swap_root(self, new_root: Path) -> None:
        """Serve another folder from now on (e.g. the next epoch of the catalog).

        Requests already being answered finish from the old folder. After rebuilding the served
        folder in place, call ``swap_root(site.root)`` to reload its ``_lastmod.json``.
        """
        self._site = _load_site(new_root)

    # -- answering ---------------------------------------------------------------------------

    def respond(self, request: Request) -> Response:
        """Answer one request. The override point for fault injection (see the module doc).

        The default serves the site folder: GET and HEAD only (405 otherwise), with ETag,
        Last-Modified and 304 for conditional requests. A HEAD body is dropped by the server,
        so an override may answer HEAD and GET alike.
        """
        if request.method not in ("GET", "HEAD"):
            return Response(405, b"method not allowed\n", {"Allow": "GET, HEAD"})
        return self.serve_file(request)

    def serve_file(self, request: Request) -> Response:
        """The site's own answer for ``request.path``: 200, 304 or 404."""
        site = self._site
        found = self._resolve(site, request.path)
        if found is None:
            return Response(404, b"not found\n")
        target, rel = found
        try:
            body = target.read_bytes()
            mtime = target.stat().st_mtime
        except OSError:  # removed since _resolve, e.g. the folder is being rebuilt in place
            return Response(404, b"not found\n")
        if self.placeholder and target.suffix in TEXT_SUFFIXES:
            body = body.replace(self.placeholder.encode(), self.base_url.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = int(site.lastmod.get(rel, mtime))
        content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Cache-Control": "max-age=0",
        }
        if _not_modified(request.headers, etag, modified):
            return Response(304, b"", headers, content_type=None)
        return Response(200, body, headers, content_type=content_type)

    def _resolve(self, site: _Site, path: str) -> tuple[Path, str] | None:
        """The file a URL path names and its path relative to the root, or None."""
        try:
            target = (site.root / path.lstrip("/")).resolve()
        except (OSError, ValueError):  # e.g. an embedded NUL byte
            return None
        if target != site.root and site.root not in target.parents:
            return None  # escapes the root
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return None
        rel = target.relative_to(site.root).as_posix()
        if rel in self.private_files:
            return None
        return target, rel

    # -- bookkeeping, called by the handler ----------------------------------------------------

    def _arrive(self, path: str) -> int:
        with self._lock:
            self._attempts[path] += 1
            return self._attempts[path]

    def _write_log(self, row: dict[str, Any]) -> None:
        with self._lock:
            if self._log is not None:
                self._log.write(json.dumps(row) + "\n")
                self._log.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never blocks interpreter exit

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn), which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # quiet: no tracebacks on stderr; LocalSite.errors keeps what respond() raised


def _not_modified(headers: Message, etag: str, modified: int) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return modified <= since.timestamp()
    return False


def _make_handler(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive; every framed response has Content-Length
        server_version = "catalog-localsite"
        timeout = 60  # idle keep-alive connections do not hold a thread forever
        disable_nagle_algorithm = True  # headers then body as two writes must not wait for an ACK

        def setup(self) -> None:
            super().setup()
            with site._lock:
                site._connections.add(self.connection)

        def finish(self) -> None:
            with site._lock:
                site._connections.discard(self.connection)
            try:
                super().finish()
            except OSError:
                pass

        def log_message(self, format: str, *args: Any) -> None:  # quiet; see site.requests
            pass

        def version_string(self) -> str:
            return self.server_version

        def dispatch(self) -> None:
            started = time.time()
            path = unquote(urlsplit(self.path).path)
            request = Request(self.command, self.path, path, self.headers, site._arrive(path))
            try:
                response = site.respond(request)
            except Exception as exc:  # a broken override gets a 500, and the test can see why
                site.errors.append(exc)
                response = Response.text(500)
            row = {
                "method": request.method,
                "path": request.target,
                "status": response.status,
                "bytes": 0,
                "conditional": request.conditional,
                "user_agent": request.user_agent,
                "time": started,
                "duration": 0.0,
            }
            self.send(response, row, started)
            site._write_log(row)

        def send(self, response: Response, row: dict[str, Any], started: float) -> None:
            """Write the response, putting ``row`` in the request log before its last byte goes out.

            So a client that has read a whole response always finds it in ``site.requests``.
            """
            body = response.body
            is_bytes = isinstance(body, bytes | bytearray)
            length = response.length if response.length is not None else (len(body) if is_bytes else None)
            bodyless = self.command == "HEAD" or response.status in (204, 304) or response.status < 200
            close = response.close or (length is None and not bodyless)
            # empty chunks dropped: the last byte sent must be the moment the client has it all
            chunks = (c for c in (() if bodyless else [body] if is_bytes else body) if c)
            sent = 0

            def log(last: int) -> None:
                row["bytes"] = sent + last
                row["duration"] = round(time.time() - started, 6)
                site.requests.append(row)

            logged = False
            try:
                self.send_response(response.status)
                if response.raw_headers is not None:
                    self.flush_headers()
                    row["head_bytes"] = 0
                    for line in response.raw_headers:
                        self.wfile.write(line)
                        row["head_bytes"] += len(line)
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if length is not None and response.status != 304:
                    self.send_header("Content-Length", str(length))
                if close:
                    self.send_header("Connection", "close")
                chunk = next(chunks, None)
                if chunk is None:
                    log(0)
                    logged = True
                self.end_headers()
                while chunk is not None:  # one chunk of look-ahead finds the last one
                    following = next(chunks, None)
                    if following is None:
                        log(len(chunk))
                        logged = True
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    chunk = following
                if length is not None and sent != length and not bodyless:
                    close = True  # framing is broken: the client must see the cut
            except OSError:  # the client went away mid-response
                close = True
            except Exception as exc:  # a streamed body from an override raised
                site.errors.append(exc)
                close = True
            if logged:
                row["bytes"] = sent
            else:
                log(0)
            if close:
                self.close_connection = True

    for method in HANDLED_METHODS:
        setattr(Handler, f"do_{method}", Handler.dispatch)
    return Handler
