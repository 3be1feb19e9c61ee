"""Helpers for tests that crawl the fixture sites: where they are and what a crawl must find.

    from tests.sites import fixture_root, load_truth
    with LocalSite(fixture_root("site")) as site:
        truth = load_truth(site.root, site.base_url)

The sites are data under ``tests/fixtures/`` (see its README); ``"sample"`` names the sample
shipped in the package (``spiders/sample``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spiders.localsite import DEFAULT_PLACEHOLDER

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = Path(__file__).resolve().parent.parent / "spiders" / "sample"
#: Each site's seed offering: the one real catalog page, stored byte for byte.
SEED_PATH = "models/together_ai/meta-llama-llama-3.2-1b-instruct.md"
SITES = ("site", "site-epoch1", "sample")


def fixture_root(name: str) -> Path:
    """The folder of a fixture site: ``"site"`` (epoch 0), ``"site-epoch1"`` or ``"sample"``."""
    root = SAMPLE if name == "sample" else FIXTURES / name
    if not (root / "truth.jsonl").is_file():
        raise FileNotFoundError(
            f"no fixture site named {name!r} (looked in {root}); known: {', '.join(SITES)}"
        )
    return root


def load_truth(root: Path, base_url: str, placeholder: str = DEFAULT_PLACEHOLDER) -> list[dict[str, Any]]:
    """The site's truth.jsonl rows, every ``placeholder`` origin in them replaced by ``base_url``.

    One row per offering: ``url``, ``provider``, ``model_id``, ``prices`` (decimal strings:
    compare them as ``Decimal``), ``related`` ([provider, model_id] pairs) and the rest.
    """
    base_url = base_url.rstrip("/")
    with (Path(root) / "truth.jsonl").open(encoding="utf-8") as f:
        return [_replace(json.loads(line), placeholder, base_url) for line in f if line.strip()]


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    return value
