"""Helpers for tests that run real refreshes: the CLI in a subprocess, as a user runs it.

Scrapy's reactor cannot be restarted within one process, so every refresh runs in its own
`python -m catalog` process against a LocalSite on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRICE_FIELDS = {"input_per_mtok": "input_per_mtok", "output_per_mtok": "output_per_mtok",
                "per_image": "per_image", "per_second": "per_second", "headline": "headline_price"}
TEXT_FIELDS = ("provider_name", "name", "creator", "category", "task")


def catalog(*args: str, db_url: str, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m catalog ARGS --db DB_URL` and return the finished process."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop("CATALOG_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "catalog", *args, "--db", db_url],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )


def refresh(site_url: str, db_url: str, *extra: str) -> subprocess.CompletedProcess:
    return catalog("refresh", "--site", site_url, *extra, db_url=db_url)


def export_json(db_url: str) -> list[dict[str, Any]]:
    done = catalog("export", "--format", "json", db_url=db_url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _dec(value):
    return None if value in (None, "") else Decimal(value)


def differences(truth: list[dict], rows: list[dict]) -> list[str]:
    """Every way the exported rows differ from the truth rows (prices compared as decimals)."""
    want = {(t["provider"], t["model_id"]): t for t in truth}
    got = {(r["provider"], r["model_id"]): r for r in rows}
    out = [f"missing {p}/{m}" for p, m in want.keys() - got.keys()]
    out += [f"extra {p}/{m}" for p, m in got.keys() - want.keys()]
    for key in want.keys() & got.keys():
        t, r = want[key], got[key]
        name = "/".join(key)
        for f in TEXT_FIELDS:
            if r[f] != t[f]:
                out.append(f"{name} {f}: want {t[f]!r}, got {r[f]!r}")
        if r["open_source"] is not t["open_source"]:
            out.append(f"{name} open_source: want {t['open_source']}, got {r['open_source']}")
        if r["date_added"] != t["date_added"]:
            out.append(f"{name} date_added: want {t['date_added']}, got {r['date_added']}")
        if r["source_url"] != t["url"]:
            out.append(f"{name} source_url: want {t['url']}, got {r['source_url']}")
        for tk, ek in PRICE_FIELDS.items():
            if _dec(r[ek]) != _dec(t["prices"].get(tk)):
                out.append(f"{name} {ek}: want {t['prices'].get(tk)}, got {r[ek]}")
        if r["headline_unit"] != t["prices"].get("headline_unit"):
            out.append(f"{name} headline_unit: want {t['prices'].get('headline_unit')}, got {r['headline_unit']}")
        if r["related"] != [f"{p}/{m}" for p, m in t["related"]]:
            out.append(f"{name} related differ")
    return sorted(out)
