"""Offerings of several sources written through catalog.store as the refresh service writes them
(no crawl): ModelsLab pages and LiteLLM-style entries, refreshed at given times."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from sqlalchemy.orm import Session

from catalog import store
from catalog.identity import model_key_litellm, model_key_modelslab
from catalog.records import Fetch, Observation, PageRecord

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SITE = "https://modelslab.test"
DOC = "https://litellm.test/model_prices.json"


def page(model_id: str, creator: str, provider: str = "together_ai", **prices: str) -> PageRecord:
    """A ModelsLab page's record, priced per 1M tokens."""
    return PageRecord(
        canonical_url=f"{SITE}/models/{provider}/{model_id}.md", provider=provider, model_id=model_id,
        creator=creator, name=model_id, prices={k: Decimal(v) for k, v in prices.items()},
        model_key=model_key_modelslab(model_id, creator),
    )


def entry(key: str, provider: str, tiers=(), history=(), since=None, **prices: str) -> PageRecord:
    """A LiteLLM price-map entry's record (per-token prices already per 1M)."""
    return PageRecord(
        canonical_url=f"{DOC}#{key}", provider=provider, model_id=key, name=key,
        prices={k: Decimal(v) for k, v in prices.items()}, tiers=list(tiers), history=list(history),
        prices_since=since, model_key=model_key_litellm(key, provider),
    )


def refresh(engine, source: str, at: dt.datetime, *records: PageRecord, status: str = "complete",
            unchanged: bool = False) -> int:
    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE if source == "modelslab" else DOC, now=at, source=source)
        observations = [Observation(record=r, fetch=Fetch(
            url=r.canonical_url, http_status=200, fetched_at=at,
            content_hash=hashlib.sha256(f"{at}{r.model_dump_json()}".encode()).hexdigest())) for r in records]
        store.observe(session, run, observations)
        if unchanged:
            store.observe_source_unchanged(session, run, at)
        store.finish_run(session, run, status, now=at + dt.timedelta(minutes=1))
        return run.id
