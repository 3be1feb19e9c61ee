#!/usr/bin/env python3
"""Model pages parsed per second on one core: spiders.parsing.parse_model_page alone.

    python bench/parser_speed.py SITE_DIR [--seconds 2] [--page FILE.md ...] [--json]

SITE_DIR is a site written by bench/sitegen.py or ../shared/sitegen (truth.jsonl lists its
pages). Every page is read into memory first, as bytes (what the spider hands over), then parsed
over and over in one thread for at least --seconds of that thread's CPU time: pages per CPU
second is what one core does, however busy the machine is. Each --page FILE (e.g. the real
seed page, tests/fixtures/seed/*.md) is timed on its own the same way.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spiders.parsing import parse_model_page  # noqa: E402

BASE = "https://modelslab.com"


def site_pages(root: Path) -> list[tuple[bytes, str]]:
    """(body, URL) of every model page the site's truth.jsonl lists, URL as the page states it."""
    pages = []
    for line in (root / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        url = json.loads(line)["url"]
        pages.append(((root / urlsplit(url).path.lstrip("/")).read_bytes(), url))
    return pages


def pages_per_second(pages: list[tuple[bytes, str]], seconds: float) -> tuple[float, int]:
    """(pages per CPU second, pages parsed): whole passes over PAGES until SECONDS of CPU time.

    CPU time of this one thread, not wall time: on a busy machine the figure stays what one
    core does, rather than what is left of it.
    """
    for body, url in pages[:50]:  # warm up: regex compilation, imports done lazily
        parse_model_page(body, url)
    gc.collect()
    parsed = 0
    started = time.thread_time()
    while True:
        for body, url in pages:
            parse_model_page(body, url)
        parsed += len(pages)
        elapsed = time.thread_time() - started
        if elapsed >= seconds:
            return parsed / elapsed, parsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--page", type=Path, action="append", default=[], help="a single page to time too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    pages = site_pages(args.site)
    rate, parsed = pages_per_second(pages, args.seconds)
    figures = {"site": {"pages_per_s": round(rate), "pages": len(pages), "parsed": parsed,
                        "mean_bytes": round(sum(len(b) for b, _ in pages) / len(pages))}}
    for page in args.page:
        body = page.read_bytes()
        url = f"{BASE}/models/together_ai/{page.stem}.md"
        for line in body.decode("utf-8", "replace").splitlines()[:20]:
            if line.startswith("url: "):
                url = line[5:].strip()
        rate, parsed = pages_per_second([(body, url)], args.seconds)
        figures[page.name] = {"pages_per_s": round(rate), "parsed": parsed, "bytes": len(body)}
    if args.json:
        print(json.dumps(figures))
    else:
        for name, f in figures.items():
            print(f"{name}: {f['pages_per_s']} pages/s")


if __name__ == "__main__":
    main()
