#!/usr/bin/env python3
"""Serve a site folder with spiders.localsite.LocalSite in a process of its own, for the benchmarks.

    python bench/serve.py SITE_DIR [--port 8774]

Prints the base URL on one line once it answers, then serves until killed (SIGTERM or Ctrl-C).
A process of its own keeps the server's work off the crawler's interpreter (and its GIL), as
a real site's would be.

``GET /__bench__/stats`` answers the counts so far as JSON: requests, answers by status, and
the body bytes sent (what was downloaded, HTTP headers aside). Nothing on the site links there.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spiders.localsite import LocalSite, Request, Response  # noqa: E402

STATS_PATH = "/__bench__/stats"


class CountingSite(LocalSite):
    """LocalSite that counts what it answers; the per-request log is not kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._count_lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.body_bytes = 0

    def respond(self, request: Request) -> Response:
        if request.path == STATS_PATH:
            with self._count_lock:
                stats = {"requests": sum(self.statuses.values()), "body_bytes": self.body_bytes,
                         "statuses": {str(k): v for k, v in self.statuses.items()}}
            return Response(200, json.dumps(stats).encode(), content_type="application/json")
        response = super().respond(request)
        size = len(response.body) if isinstance(response.body, bytes) and request.method != "HEAD" else 0
        with self._count_lock:
            self.statuses[response.status] += 1
            self.body_bytes += size
        return response


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with CountingSite(args.root, port=args.port) as site:
        print(site.base_url, flush=True)
        try:
            while not stop.wait(0.5):
                site.requests.clear()  # the per-request log is for tests; do not let it grow
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
