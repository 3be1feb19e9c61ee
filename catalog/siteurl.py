"""A catalog site's root URL from what a user typed: http(s), a host, no credentials."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_SITE = "https://modelslab.com"


def site_root(text: str) -> str:
    """scheme://host[:port] of TEXT. Raises ValueError naming the value and the accepted form.

    A user name or password is refused rather than kept: it would show in every command line
    (ps, the scheduled crontab line) and in the refresh's record (`catalog runs`).
    """
    value = str(text).strip()
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port  # .port checks the port: a number, 0-65535
    except ValueError as exc:  # 'http://[::1' (bracket not closed), a port out of range
        raise ValueError(
            f"{text!r} is not a site URL ({exc}); give one like {DEFAULT_SITE} "
            "(an IPv6 host in brackets: http://[::1]:8080)"
        ) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{text!r} is not a site URL; give one like {DEFAULT_SITE}")
    root = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    if "@" in parts.netloc:
        shown = value.replace(parts.netloc, "***@" + parts.netloc.rpartition("@")[2], 1)
        raise ValueError(
            f"{shown!r} holds a user name or password, which would show on command lines and in "
            f"`catalog runs`; give the site without it, e.g. {root}"
        )
    return root
