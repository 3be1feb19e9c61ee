"""Which URLs are model pages, and which are on the site: pure functions, no network.

A model offering ``<provider>/<model-id>`` has an HTML page ``/models/<provider>/<model-id>``,
a markdown page (the same path plus ``.md``) and its own ``/models/<provider>/<model-id>/llms.txt``.
The markdown URL is the one the crawler fetches and the one records are keyed by.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urljoin, urlsplit

_WEB_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: last path segments under /models/<provider>/ that are files, not model IDs
_NOT_MODEL_IDS = {"llms.txt", "llms-full.txt", "index.html", "index.md", "sitemap.xml", "robots.txt"}
#: endings of a last path segment that make it a file, not a model ID
FILE_SUFFIXES = (".txt", ".xml", ".json", ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".svg",
                  ".webp", ".ico", ".css", ".js", ".pdf", ".zip", ".gz")
_ESCAPE_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters no URL we follow may contain (browsers read "\" as "/", which hides another host).
_BAD_CHARS_RE = re.compile(r"[\s\\\x00-\x1f\x7f]")
_NUMERIC_HOST_RE = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?")


def _normalize_escapes(segment: str) -> str:
    """RFC 3986 6.2.2: decode escapes of unreserved characters, upper-case the others.

    ``Llama-3.1`` and ``Llama%2D3%2E1`` are one ID; every other character stays exactly as in the path.
    """
    if "%" not in segment:
        return segment

    def fix(m: re.Match[str]) -> str:
        char = chr(int(m[1], 16))
        return char if char in _UNRESERVED else f"%{m[1].upper()}"

    return _ESCAPE_RE.sub(fix, segment)


def model_path_key(path: str) -> tuple[str, str] | None:
    """(provider, model_id) from the path of a model URL in any of its forms, else None."""
    if not path.startswith("/models/"):
        return None
    parts = path[len("/models/"):].split("/")
    if len(parts) == 2:
        provider, last = parts
        model_id = last[:-3] if last.endswith(".md") else last
        if last in _NOT_MODEL_IDS or (model_id == last and last.lower().endswith(FILE_SUFFIXES)):
            return None
    elif len(parts) == 3 and parts[2] in ("", "llms.txt"):
        provider, model_id = parts[0], parts[1]
    else:
        return None
    provider, model_id = _normalize_escapes(provider), _normalize_escapes(model_id)
    if provider in ("", ".", "..") or model_id in ("", ".", ".."):
        return None
    return provider, model_id


def _web_url(url: str):
    """urlsplit result for a plain absolute http(s) URL we would fetch, else None."""
    if not isinstance(url, str) or _BAD_CHARS_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES or not parts.hostname or "@" in parts.netloc:
        return None
    return parts, scheme, parts.hostname.rstrip("."), port or _DEFAULT_PORTS[scheme]


def _origin(scheme: str, host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port == _DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"


def model_page_url(url: str) -> str | None:
    """The markdown page URL of the model a URL points at, or None if it is not a model URL.

    ``https://site/models/p/id``, ``.../id.md``, ``.../id/llms.txt`` (query and fragment dropped)
    all give ``https://site/models/p/id.md``. A relative path gives a relative path.
    """
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        if _BAD_CHARS_RE.search(url):
            return None
        key = model_path_key(url.split("#", 1)[0].split("?", 1)[0])
        return f"/models/{key[0]}/{key[1]}.md" if key else None
    web = _web_url(url)
    if web is None:
        return None
    parts, scheme, host, port = web
    key = model_path_key(parts.path)
    if key is None:
        return None
    return f"{_origin(scheme, host, port)}/models/{key[0]}/{key[1]}.md"


def join_url(base: str, ref: str) -> str | None:
    """``ref`` resolved against ``base`` (urljoin), or None where either cannot be parsed."""
    try:
        return urljoin(base, ref)
    except ValueError:  # "http://[::1" and other unparseable authorities
        return None


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host (and nothing we refuse to follow)."""
    return _web_url(url) is not None


def model_llms_url(md_url: str) -> str:
    """The model's own llms.txt: ``.../models/p/id.md`` -> ``.../models/p/id/llms.txt``."""
    page = model_page_url(md_url)
    if page is None:
        raise ValueError(f"not a model page URL: {md_url!r}")
    return page[: -len(".md")] + "/llms.txt"


def offering_key(md_url: str) -> tuple[str, str] | None:
    """(provider, model_id) of the offering a model URL names, or None."""
    page = model_page_url(md_url)
    if page is None:
        return None
    provider, _, last = page.rpartition("/models/")[2].partition("/")
    return provider, last[: -len(".md")]


def _is_ip_or_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        # 2130706433, 0x7f.1, 127.1: forms resolvers read as IPv4 addresses
        return _NUMERIC_HOST_RE.fullmatch(host) is not None


def same_site(url: str, site_root: str) -> bool:
    """Whether ``url`` is a plain http(s) URL on the site's own scheme, host and port.

    Other schemes (file:, ftp:, javascript:, data:), user-info tricks and IP-literal or
    localhost hosts are refused, the last unless the site itself lives on that host.
    """
    a, b = _web_url(url), _web_url(site_root)
    if a is None or b is None:
        return False
    _, scheme, host, port = a
    _, root_scheme, root_host, root_port = b
    if _is_ip_or_local(host) and host != root_host:
        return False
    return (scheme, host, port) == (root_scheme, root_host, root_port)
