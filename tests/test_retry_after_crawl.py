"""A refresh waits as long as a server's Retry-After asks before it tries a page again.

The page answers 503 (not 429, which also slows the whole host down) with ``Retry-After: 3``
once; nothing else on the site fails, so no backoff or slowdown can account for a gap of 3 s.
The gap is read from the server's own request log: a lower bound, which a busy machine only
makes longer.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from spiders.localsite import LocalSite, Response
from tests.crawling import export_json, refresh
from tests.sites import SEED_PATH, fixture_root

pytestmark = pytest.mark.slow

PAGE = "/" + SEED_PATH
RETRY_AFTER = 3


class BusyOnce(LocalSite):
    """The site, except that PAGE answers 503 with Retry-After the first time it is asked for."""

    def respond(self, request):
        if request.path == PAGE and request.attempt == 1:
            return Response(503, b"busy\n", {"Retry-After": str(RETRY_AFTER)})
        return super().respond(request)


def test_a_503_retry_after_is_waited_out_before_the_page_is_asked_again(db_url):
    with BusyOnce(fixture_root("site")) as site:
        done = refresh(site.base_url, db_url)
        log = list(site.requests)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": complete in " in done.stdout.splitlines()[0]
    assert [r["status"] for r in log if r["status"] == 429] == []  # nothing else slowed the host
    tries = [r for r in log if unquote(r["path"]) == PAGE]
    assert [r["status"] for r in tries] == [503, 200]
    assert tries[1]["time"] - tries[0]["time"] >= RETRY_AFTER
    seed = next(r for r in export_json(db_url) if r["source_url"] == site.url(PAGE))
    assert (seed["input_per_mtok"], seed["output_per_mtok"]) == ("0.027", "0.20")
