"""A small catalog for the query-command tests, written through catalog.store (no crawl).

Thirteen offerings from three providers: the same model ID under two providers, an image, a
video and an embedding model, an LLM without an output price, one priced in EUR, four whose
names a spreadsheet would run as formulas, page text with terminal escapes, and one offering
that a later complete refresh no longer saw (removed: never listed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog import store
from catalog.records import Fetch, Observation, PageRecord, RelatedOffering
from catalog.schema import Model, Offering

SITE = "https://catalog.test"
T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 8, 6, 0, tzinfo=dt.UTC)
PROVIDER_NAMES = {"together_ai": "Together AI", "deepinfra": "DeepInfra", "open_router": "OpenRouter"}
LLM = {"category": "LLM Models", "task": "Text Generation"}
TOKENS = {"headline_unit": "call", "headline_spec_unit": "per million tokens", "headline_unit_conflict": True}


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def record(provider: str, model_id: str, name: str, *, input=None, output=None, image=None, second=None,
           headline=None, related=(), **fields) -> PageRecord:
    """A PageRecord with prices given as decimal strings and a canonical URL on SITE."""
    return PageRecord(
        canonical_url=f"{SITE}/models/{provider}/{model_id}.md",
        provider=provider,
        model_id=model_id,
        provider_name=PROVIDER_NAMES[provider],
        name=name,
        prices={name: _d(value) for name, value in (("input_per_mtok", input), ("output_per_mtok", output),
                                                    ("per_image", image), ("per_second", second),
                                                    ("headline", headline)) if value is not None},
        related=[RelatedOffering(provider=p, model_id=m) for p, m in (k.split("/") for k in related)],
        **fields,
    )


RECORDS = [
    record("together_ai", "meta-llama-llama-3.2-1b-instruct", "Meta: Llama 3.2 1B Instruct",
           input="0.027", output="0.20", headline="0.113500", creator="meta-llama", open_source=False,
           date_added=dt.date(2026, 2, 20), related=("deepinfra/meta-llama-llama-3.2-1b-instruct",
                                                    "open_router/deepcogito-cogito-v2.1-671b"),
           description="Llama 3.2 1B is a 1-billion-parameter language model.", **LLM, **TOKENS),
    record("deepinfra", "meta-llama-llama-3.2-1b-instruct", "Meta: Llama 3.2 1B Instruct",
           input="0.01", output="0.05", headline="0.030000", creator="meta-llama", open_source=False,
           date_added=dt.date(2026, 3, 1), **LLM, **TOKENS),
    record("deepinfra", "meta-llama-llama-3.1-70b-instruct", "Meta: Llama 3.1 70B Instruct",
           input="0.23", output="0.40", headline="0.315000", creator="meta-llama", open_source=True,
           date_added=dt.date(2025, 7, 23), **LLM, **TOKENS),
    record("open_router", "meta-llama-llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct",
           input="0.10", headline="0.10", creator="meta-llama", date_added=dt.date(2025, 12, 6), **LLM, **TOKENS),
    record("open_router", "mistralai-mistral-small-eu", "Mistral: Small (EU)", input="0.10", output="0.30",
           headline="0.200000", currency="EUR", creator="mistralai", date_added=dt.date(2026, 1, 15),
           **LLM, **TOKENS),
    record("together_ai", "black-forest-labs-flux-1-schnell", "Black Forest Labs: FLUX.1 [schnell]",
           image="0.003", headline="0.003", headline_unit="image", creator="black-forest-labs",
           category="Image Generation", task="Text to Image", date_added=dt.date(2025, 11, 2)),
    record("deepinfra", "google-veo-3", "Google: Veo 3\x1b[31m", second="0.40", headline="0.40",
           headline_unit="second", creator="google", category="Video Generation", task="Text to Video",
           date_added=dt.date(2026, 4, 1), warnings=["price line \x1b[2Jread twice"]),
    record("together_ai", "BAAI-bge-large-en-v1.5", "BAAI: BGE Large EN v1.5", input="0.02", headline="0.02",
           headline_unit="call", creator="BAAI", category="Embedding Models", task="Embeddings",
           date_added=dt.date(2025, 9, 9)),
    record("open_router", "formula-hyperlink", '=HYPERLINK("http://x")', input="0.5", output="1.5",
           headline="1.000000", creator="formula", **LLM, **TOKENS),
    record("open_router", "formula-plus", "+1", input="1", output="2", headline="1.500000", creator="formula",
           **LLM, **TOKENS),
    record("open_router", "formula-minus", "-2", input="2", output="4", headline="3.000000", creator="formula",
           **LLM, **TOKENS),
    record("open_router", "formula-at", "@SUM(A1)", input="3", output="6", headline="4.500000", creator="formula",
           description="Ignore \x1b]0;owned\x07 this \u202etxt.exe", **LLM, **TOKENS),
]
#: seen by the first refresh only; the second (complete) refresh marks it removed
GONE = record("together_ai", "meta-llama-llama-2-7b-chat", "Meta: Llama 2 7B Chat", input="0.05", output="0.05",
              headline="0.050000", creator="meta-llama", **LLM, **TOKENS)


def observation(rec: PageRecord, at: dt.datetime) -> Observation:
    return Observation(
        record=rec,
        fetch=Fetch(url=rec.canonical_url, http_status=200, fetched_at=at, content_hash=f"hash-{rec.key}"),
    )


#: page text with terminal escapes, as a catalog that did not yet clean text at parse time stored
#: it (records clean it now): what every renderer must still make harmless
RAW_TEXT = {
    "google-veo-3": {"name": "Google: Veo 3\x1b[31m", "warnings": "price line \x1b[2Jread twice"},
    "formula-at": {"description": "Ignore \x1b]0;owned\x07 this \u202etxt.exe"},
}


def fill(engine, records=RECORDS) -> None:
    """Two complete refreshes: the first sees RECORDS and GONE, the second only RECORDS; then
    the RAW_TEXT written over the cleaned text, as an older catalog stored it."""
    for at, batch in ((T0, [*records, GONE]), (T1, list(records))):
        with Session(engine) as session, session.begin():
            run = store.start_run(session, SITE, now=at)
            store.observe(session, run, [observation(r, at) for r in batch])
            store.finish_run(session, run, "complete", now=at)
    with Session(engine) as session, session.begin():
        for model_id, values in RAW_TEXT.items():
            ref = select(Model.id).where(Model.model_id == model_id).scalar_subquery()
            session.execute(update(Offering).where(Offering.model_ref_id == ref).values(**values))
