"""spiders.documents.litellm: LiteLLM's price map read into records, every price exact.

The fixture is a trimmed copy of LiteLLM 1.110.2's model_prices_and_context_window.json
(tests/fixtures/documents/README.md): real entries with every number as written, plus made-up
``odd/`` entries holding values a document should not. Expected prices are computed here from the
fixture's own literal text with Decimal, never from floats.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.identity import model_key_litellm
from catalog.records import PageRecord, TierPrice
from catalog.refresh import run_refresh
from catalog.schema import Model, Offering, Price, Provider
from spiders.documents import litellm
from spiders.documents.parsed import DocumentError
from tests.documents import DocumentSite
from tests.tier_costs import cost_above

FIXTURE = Path(__file__).parent / "fixtures" / "documents" / "litellm" / "model_prices_and_context_window.json"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
BODY = FIXTURE.read_bytes()
#: the fixture as the test reads it: every number a Decimal of its literal text
RAW = json.loads(BODY, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)

TOKENS = ("input_cost_per_token", "input_per_mtok"), ("output_cost_per_token", "output_per_mtok")
CACHE = ("cache_read_input_token_cost", "cache_read_per_mtok"),
WRITE = ("cache_creation_input_token_cost", "cache_write_per_mtok"),
BATCH = (("input_cost_per_token_batches", "batch_input_per_mtok"),
         ("output_cost_per_token_batches", "batch_output_per_mtok"))
#: entry key -> (field, component) pairs of its prices: per-token fields are x 1,000,000
EXPECTED_PRICES: dict[str, tuple[tuple[str, str], ...]] = {
    "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct": TOKENS,
    "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo": TOKENS,
    "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct": TOKENS,
    "gpt-4o": TOKENS + CACHE + BATCH,
    "azure/eu/gpt-4o": TOKENS + CACHE + WRITE + BATCH,
    "gemini-2.5-pro": TOKENS + CACHE + BATCH,
    "empiriolabs/qwen3-5-27b": TOKENS,
    "gemini/gemma-3-27b-it": TOKENS,
    "gpt-6-astra": TOKENS + CACHE + WRITE + BATCH,
    "deepseek/deepseek-chat": TOKENS + CACHE + WRITE,
    "text-embedding-3-small": TOKENS + BATCH,
    "jina-reranker-v3.5": TOKENS,
    "aiml/flux-pro": (("output_cost_per_image", "per_image"),),
    "low/1024-x-1024/gpt-image-1.5": (("input_cost_per_image", "per_image"),),
    "gemini/veo-3.1-generate-001": (("output_cost_per_second", "per_second"),),
    "openai/sora-2": (("output_cost_per_video_per_second", "per_second"),),
    "whisper-1": (("output_cost_per_second", "per_second"),),
    "gpt-4o-mini-tts": TOKENS + (("output_cost_per_second", "per_second"),),
    "azure/gpt-realtime-translate-2026-05-06": (("input_cost_per_second", "per_second"),),
    "perplexity/pplx-70b-online": TOKENS + (("input_cost_per_request", "per_call"),),
    "opencode_go/gpt-6-luna": TOKENS + CACHE + WRITE,
    "databricks/databricks-claude-sonnet-4-1": TOKENS + CACHE + WRITE,
    "odd/negative-input": (("output_cost_per_token", "output_per_mtok"),),
    "odd/nan-output": (("input_cost_per_token", "input_per_mtok"),),
    "odd/free": TOKENS,
    "odd/tiers": TOKENS,
    "odd/plain-threshold": (("input_cost_per_token", "input_per_mtok"),),
    "xai/grok-4.3": TOKENS + CACHE + BATCH,
    "deepseek-flash": TOKENS + CACHE + WRITE,
}


def every_token_tier(thousands: int) -> tuple[tuple[str, str, int], ...]:
    """The six per-token tiers above THOUSANDS k tokens: (field, component, start)."""
    return tuple(
        (f"{field}_above_{thousands}k_tokens{suffix}", component, thousands * 1000)
        for field, suffix, component in (
            ("input_cost_per_token", "", "input_per_mtok"), ("output_cost_per_token", "", "output_per_mtok"),
            ("cache_read_input_token_cost", "", "cache_read_per_mtok"),
            ("cache_creation_input_token_cost", "", "cache_write_per_mtok"),
            ("input_cost_per_token", "_batches", "batch_input_per_mtok"),
            ("output_cost_per_token", "_batches", "batch_output_per_mtok"),
        )
    )


#: entry key -> its tiers: (field, component, start); the dashscope entry's base prices come from
#: its tiered_pricing range starting at 0
EXPECTED_TIERS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "gemini-2.5-pro": every_token_tier(200),
    "empiriolabs/qwen3-5-27b": (("input_cost_per_token_above_128k_tokens", "input_per_mtok", 128_000),
                                ("output_cost_per_token_above_128k_tokens", "output_per_mtok", 128_000)),
    "gemini/gemma-3-27b-it": (("input_cost_per_token_above_128k_tokens", "input_per_mtok", 128_000),
                              ("output_cost_per_token_above_128k_tokens", "output_per_mtok", 128_000)),
    "gpt-6-astra": every_token_tier(272),
    "odd/tiers": (("output_cost_per_token_above_64k_tokens", "output_per_mtok", 64_000),),
    "odd/plain-threshold": (("input_cost_per_token_above_128000_tokens", "input_per_mtok", 128_000),),
    "xai/grok-4.3": tuple(t for t in every_token_tier(200) if t[1] != "cache_write_per_mtok"),
}


def exact(literal: Decimal, field: str) -> Decimal:
    """The catalog's amount for FIELD's LITERAL: per token x 1,000,000, beyond 12 places rounded."""
    with decimal.localcontext(prec=60):
        amount = literal * 1_000_000 if ("per_token" in field or "token_cost" in field) else literal
        if amount.as_tuple().exponent < -12 and amount != amount.quantize(Decimal("1E-12")):
            amount = amount.quantize(Decimal("1E-12"))
    return amount


@pytest.fixture(scope="module")
def doc():
    return litellm.parse(BODY, URL)


@pytest.fixture(scope="module")
def records(doc) -> dict[str, PageRecord]:
    return {r.model_id: r for r in doc.records}


def test_the_records_are_exactly_the_priced_entries(doc):
    assert [r.model_id for r in doc.records] == [
        key for key in RAW if key in EXPECTED_PRICES or key == "dashscope/qwen-plus-2025-07-28"
    ]
    assert [(f.model_id, f.provider) for f in doc.failures] == [("odd/not-numbers", "odd"), ("odd/out-of-bounds", "odd")]


def test_every_price_equals_the_fixture_value_converted_exactly(records):
    for key, pairs in EXPECTED_PRICES.items():
        expected = {component: exact(RAW[key][field], field) for field, component in pairs}
        assert records[key].prices == expected, key
        for amount in records[key].prices.values():  # stored as written: no exponent, no trailing zeros
            assert "E" not in str(amount) and (("." not in str(amount)) or not str(amount).endswith("0")), key


def test_every_tier_equals_the_fixture_value_converted_exactly(records):
    for key, record in records.items():
        basis = "from" if RAW[key]["litellm_provider"] == "xai" else "above"  # xAI: from the threshold on
        expected = [TierPrice(component=c, start=s, basis=basis, amount=exact(RAW[key][f], f))
                    for f, c, s in EXPECTED_TIERS.get(key, ())]
        if key in ("dashscope/qwen-plus-2025-07-28", "opencode_go/gpt-6-luna", "odd/tiers"):
            continue  # tiers from tiered_pricing: the tests below
        by_start = lambda t: (t.component, t.start)  # noqa: E731
        assert sorted(record.tiers, key=by_start) == sorted(expected, key=by_start), key


def test_tiered_pricing_ranges_give_the_base_prices_and_tiers_above_their_start(records):
    steps = RAW["dashscope/qwen-plus-2025-07-28"]["tiered_pricing"]
    qwen = records["dashscope/qwen-plus-2025-07-28"]
    assert qwen.prices == {"input_per_mtok": exact(steps[0]["input_cost_per_token"], "input_cost_per_token"),
                           "output_per_mtok": exact(steps[0]["output_cost_per_token"], "output_cost_per_token")}
    assert qwen.prices == {"input_per_mtok": Decimal("0.4"), "output_per_mtok": Decimal("1.2")}
    assert qwen.tiers == [TierPrice(component="input_per_mtok", start=256000, basis="above", amount=Decimal("1.2")),
                          TierPrice(component="output_per_mtok", start=256000, basis="above", amount=Decimal("3.6"))]
    luna = records["opencode_go/gpt-6-luna"]
    upper = RAW["opencode_go/gpt-6-luna"]["tiered_pricing"][1]
    assert luna.tiers == [
        TierPrice(component=c, start=272000, basis="above", amount=exact(upper[f], f))
        for f, c in (("input_cost_per_token", "input_per_mtok"), ("output_cost_per_token", "output_per_mtok"),
                     ("cache_read_input_token_cost", "cache_read_per_mtok"),
                     ("cache_creation_input_token_cost", "cache_write_per_mtok"))
    ]
    assert [t.amount for t in luna.tiers] == [Decimal("0.2"), Decimal("0.75"), Decimal("0.02"), Decimal("0.25")]


def test_xai_tiers_apply_from_the_threshold_and_a_threshold_without_k_is_tokens(records):
    assert records["xai/grok-4.3"].tiers[0] == TierPrice(component="input_per_mtok", start=200000, basis="from",
                                                         amount=Decimal("2.5"))
    assert records["odd/plain-threshold"].tiers == [
        TierPrice(component="input_per_mtok", start=128000, basis="above", amount=Decimal("0.2"))]


def test_a_per_token_literal_is_exact_per_million(records):
    assert RAW["deepseek/deepseek-chat"]["input_cost_per_token"].as_tuple() == Decimal("2.8e-07").as_tuple()
    assert str(records["deepseek/deepseek-chat"].prices["input_per_mtok"]) == "0.28"
    assert records["deepseek/deepseek-chat"].prices["cache_write_per_mtok"] == 0  # 0.0: free, not unknown
    assert str(records["gpt-4o"].prices["output_per_mtok"]) == "10"


def test_float_noise_beyond_twelve_places_is_rounded_and_said(records):
    record = records["databricks/databricks-claude-sonnet-4-1"]
    assert record.prices["input_per_mtok"] == Decimal("2.99999")
    assert record.warnings == [
        "input_cost_per_token: 0.0000029999900000000002 rounded to 12 decimal places: 2.99999",
        "output_cost_per_token: 0.000015000020000000002 rounded to 12 decimal places: 15.00002",
    ]
    assert records["azure/gpt-realtime-translate-2026-05-06"].prices == {"per_second": Decimal("0.000566666667")}


def test_what_each_record_says_besides_prices(records):
    seen = {key: (r.provider, r.name, r.creator, r.category, r.task, r.currency, r.canonical_url)
            for key, r in records.items() if key in (
                "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
                "azure/eu/gpt-4o", "gemini-2.5-pro", "aiml/flux-pro", "whisper-1", "jina-reranker-v3.5")}
    assert seen == {
        "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct": (
            "deepinfra", "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama", "LLM Models",
            "Text Generation", "USD", URL + "#deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct"),
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct": (
            "fireworks_ai", "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct", None, "LLM Models",
            "Text Generation", "USD", URL + "#fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct"),
        "azure/eu/gpt-4o": ("azure", "azure/eu/gpt-4o", None, "LLM Models", "Text Generation", "USD",
                            URL + "#azure/eu/gpt-4o"),
        "gemini-2.5-pro": ("vertex_ai-language-models", "gemini-2.5-pro", None, "LLM Models", "Text Generation",
                           "USD", URL + "#gemini-2.5-pro"),
        "aiml/flux-pro": ("aiml", "aiml/flux-pro", None, "Image Generation", "Text to Image", "USD",
                          URL + "#aiml/flux-pro"),
        "whisper-1": ("openai", "whisper-1", None, "Audio Models", "Speech to Text", "USD", URL + "#whisper-1"),
        "jina-reranker-v3.5": ("jina_ai", "jina-reranker-v3.5", None, "Embedding Models", "Rerank", "USD",
                               URL + "#jina-reranker-v3.5"),
    }


def test_the_model_key_is_catalog_identitys(records):
    assert {key: r.model_key for key, r in records.items()} == {
        key: model_key_litellm(key, RAW[key]["litellm_provider"]) for key in records}
    assert records["gpt-4o"].model_key is not None


def test_unreadable_values_are_unknown_with_a_warning(doc, records):
    assert records["odd/negative-input"].warnings == ["input_cost_per_token: -0.000001 is negative; left unknown"]
    assert records["odd/nan-output"].warnings == ["output_cost_per_token: NaN is not a finite number; left unknown"]
    assert records["odd/free"].prices == {"input_per_mtok": 0, "output_per_mtok": 0}  # 0 and -0.0: free
    assert records["odd/tiers"].warnings == [
        "input_cost_per_token_above_0k_tokens: a tier starting at 0 input tokens; not read",
        "tiered_pricing: a range starting at -5 tokens; not read",
        'tiered_pricing: a step without a [start, end] token range ({"input_cost_per_token": 0.000001}); not read',
        "tiered_pricing output_cost_per_token from 64000 tokens: 0.9 differs from 0.8 for output_per_mtok above "
        "64000 tokens; 0.8 kept",
    ]
    assert records["odd/tiers"].tiers[1] == TierPrice(component="cache_read_per_mtok", start=64000, basis="above",
                                                      amount=Decimal("0.05"))
    assert [(f.url, f.reason) for f in doc.failures] == [
        (URL + "#odd/not-numbers", 'LiteLLM entry odd/not-numbers: no price could be read: input_cost_per_token: '
         '"0.000001" is not a number; left unknown; output_cost_per_token: null is not a number; left unknown; '
         "cache_read_input_token_cost: true is not a number; left unknown"),
        (URL + "#odd/out-of-bounds", "LiteLLM entry odd/out-of-bounds: no price could be read: input_cost_per_token: "
         "1E+30 is too large; left unknown; output_cost_per_token: 1E-20 is below the smallest amount the catalog "
         "keeps (10^-12); left unknown"),
    ]


def test_skipped_entries_are_counted_by_reason(doc):
    skipped = [w for w in doc.warnings if not w.endswith("; not read")]
    assert skipped == [
        "sample_spec: LiteLLM's description of the format, not a model; skipped",
        "2 entries priced in units the catalog has no component for, with zeros in the others (placeholders): "
        "skipped (e.g. rerank-english-v3.0, azure/hd/1024-x-1024/dall-e-3)",
        "2 entries pricing only in units the catalog has no component for: skipped "
        "(e.g. tts-1, bedrock/*/1-month-commitment/cohere.command-text-v14)",
        "1 entry of mode search (priced per query, which the catalog has no component for): skipped "
        "(e.g. dataforseo/search)",
        "1 entry of mode vector_store (priced per query, which the catalog has no component for): skipped "
        "(e.g. vertex_ai/search_api)",
        "1 entry of mode guardrail (priced per unit, which the catalog has no component for): skipped "
        "(e.g. bedrock/guardrails)",
        "1 entry of mode ocr (priced per page, which the catalog has no component for): skipped "
        "(e.g. azure_ai/mistral-document-ai-2512)",
        "1 entry without litellm_provider (aliases: alias_of names the entry that holds the prices): skipped "
        "(e.g. bedrock/claude-opus-latest)",
        "1 entry with no price field: skipped (e.g. dashscope/qwen3-30b-a3b)",
        "1 entry not an object: skipped (e.g. odd/not-an-object)",
    ]
    assert len(doc.records) + len(doc.failures) + 1 + 2 + 2 + 4 + 1 + 1 + 1 == len(RAW)


def test_price_fields_without_a_component_are_counted_by_field(doc):
    unread = dict(w.split(": in ", 1) for w in doc.warnings if w.endswith("; not read"))
    assert unread["input_cost_per_image"] == "1 entry, a price the catalog has no component for; not read"  # gemma
    assert unread["input_cost_per_token_priority"] == "3 entries, a price the catalog has no component for; not read"
    # whisper-1 (its output price is the one read) and Bedrock's provisioned throughput
    assert unread["input_cost_per_second"] == "2 entries, a price the catalog has no component for; not read"
    assert unread["input_cost_per_pixel"] == "1 entry, a price the catalog has no component for; not read"
    assert unread["tiered_pricing output_cost_per_reasoning_token"].startswith("2 entries")
    assert unread["off_peak_pricing"] == "1 entry, a price the catalog has no component for; not read"
    assert unread["cache_read_input_token_cost_above_200k_tokens_batches"].startswith("1 entry")  # xAI
    assert len(unread) == 68
    assert not {"input_cost_per_token", "output_cost_per_second", "output_cost_per_video_per_second",
                "input_cost_per_request", "cache_creation_input_token_cost_above_272k_tokens"} & set(unread)


def test_the_same_document_as_text_or_bytes(doc):
    again = litellm.parse(BODY.decode(), URL)
    assert [r.model_dump() for r in again.records] == [r.model_dump() for r in doc.records]
    assert again.warnings == doc.warnings


@pytest.mark.parametrize(("body", "message"), [
    (b"", "the LiteLLM price map is not valid JSON (Expecting value: line 1 column 1 (char 0)); check that the "
          "URL serves the document itself"),
    (b"<html>rate limited</html>", "the LiteLLM price map is not valid JSON (Expecting value: line 1 column 1 "
                                   "(char 0)); check that the URL serves the document itself"),
    (b"[]", "the LiteLLM price map is a JSON list, not an object of model entries; check that the URL serves "
            "model_prices_and_context_window.json"),
    (b"\xff\xfe{", "the LiteLLM price map is not valid JSON ('utf-16-le' codec can't decode byte 0x7b in position "
                   "2: truncated data); check that the URL serves the document itself"),
])
def test_a_body_that_is_not_the_map_is_a_document_error(body, message):
    with pytest.raises(DocumentError) as caught:
        litellm.parse(body, URL)
    assert str(caught.value) == message


# --- the hand computation of a long-context cost ---------------------------------------------------


def test_long_context_cost_gemini_2_5_pro_by_hand(records):
    """By hand from the document (gemini-2.5-pro, LiteLLM 1.110.2): input 1.25e-06 per token, 2.5e-06
    above 200k; output 1e-05, 1.5e-05 above 200k; cache read 1.25e-07, 2.5e-07 above 200k.
    - 300,000 input + 10,000 output: 300,000 x $2.50/1M = $0.75, 10,000 x $15/1M = $0.15: $0.90
    - 200,000 input (not above 200k) + 10,000 output: $0.25 + $0.10 = $0.35
    - 200,000 input + 50,000 cached + 10,000 output (250,000 in all, above): $0.50 + 50,000 x $0.25/1M
      = $0.0125 + $0.15 = $0.6625
    LiteLLM's rule (``_get_token_base_cost``): all tokens at the tier once the prompt is MORE than 200k.
    cost_above stands in for catalog.costing until it prices tiers."""
    gemini = records["gemini-2.5-pro"]
    assert {(t.component, t.start, t.amount) for t in gemini.tiers if t.component in
            ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok")} == {
        ("input_per_mtok", 200000, Decimal("2.5")), ("output_per_mtok", 200000, Decimal("15")),
        ("cache_read_per_mtok", 200000, Decimal("0.25"))}
    assert cost_above(gemini, 300_000, 0, 10_000) == Decimal("0.90")
    assert cost_above(gemini, 200_000, 0, 10_000) == Decimal("0.35")
    assert cost_above(gemini, 200_000, 50_000, 10_000) == Decimal("0.6625")


# --- any value in a price field ------------------------------------------------------------------

PRICE_FIELDS = ["input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
                "cache_creation_input_token_cost", "input_cost_per_token_batches", "output_cost_per_image",
                "input_cost_per_image", "output_cost_per_second", "input_cost_per_second", "input_cost_per_request",
                "input_cost_per_token_above_200k_tokens", "output_cost_per_token_above_999999999k_tokens_batches",
                "input_cost_per_character", "search_context_cost_per_query", "tiered_pricing"]
NUMBER = st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,22})?", fullmatch=True)
SCALAR = st.one_of(NUMBER, st.sampled_from(["NaN", "Infinity", "-Infinity", "null", "true", "false", '""', '"1e-06"']))
JSON = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(st.sampled_from(["range", "input_cost_per_token", "x"]), inner, max_size=3).map(
        lambda d: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in d.items()) + "}")), max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(PRICE_FIELDS), JSON, min_size=1, max_size=5),
       st.sampled_from(["chat", "image_generation", "audio_transcription", "video_generation", "rerank", None]))
def test_any_value_in_a_price_field_gives_a_record_or_a_failure_or_a_note(fields, mode):
    entry = ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields.items())
    head = '"litellm_provider": "p"' + (f', "mode": "{mode}"' if mode else "")
    parsed = litellm.parse(f'{{"k": {{{head}, {entry}}}}}', URL)
    outcomes = ([r for r in parsed.records if r.model_id == "k"] + [f for f in parsed.failures if f.model_id == "k"]
                + [w for w in parsed.warnings if "skipped (e.g. k)" in w])
    assert len(outcomes) == 1
    for record in parsed.records:
        PageRecord.model_validate(record.model_dump())  # every amount within the catalog's Money


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.one_of(st.text(max_size=80), st.sampled_from(["together_ai", "openai", "fireworks_ai"])))
def test_any_key_and_provider_give_a_record_or_a_failure_or_a_note(key, provider):
    parsed = litellm.parse(json.dumps({key: {"litellm_provider": provider, "input_cost_per_token": 1e-06}}), URL)
    assert len(parsed.records) + len(parsed.failures) + len([w for w in parsed.warnings if "skipped" in w]) == 1
    for record in parsed.records:
        assert record.prices == {"input_per_mtok": 1}
        assert record.canonical_url.startswith(URL + "#")


# --- a refresh of a served copy ----------------------------------------------------------------


def open_prices(engine, source: str) -> dict[tuple[str, str], set]:
    """(provider, model_id) -> every open price (component, tier start, basis, amount) of SOURCE."""
    with Session(engine) as session:
        rows = session.execute(
            select(Provider.slug, Model.model_id, Price.component, Price.tier_start, Price.tier_basis, Price.amount)
            .join(Offering, Offering.id == Price.offering_id).join(Model, Model.id == Offering.model_ref_id)
            .join(Provider, Provider.id == Offering.provider_id)
            .where(Price.closed_run_id.is_(None), Offering.source == source)
        ).all()
    out: dict[tuple[str, str], set] = {}
    for provider, model_id, *price in rows:
        out.setdefault((provider, model_id), set()).add(tuple(price))
    return out


def test_a_refresh_stores_every_record_exactly(engine):
    with DocumentSite(FIXTURE.parent, FIXTURE.name, path="/" + FIXTURE.name) as site:
        done = run_refresh(engine, litellm.LiteLLMSource(), site=site.document_url)
        parsed = litellm.parse(BODY, site.document_url)
    assert done.run.status == "complete", done
    assert open_prices(engine, "litellm") == {
        (r.provider, r.model_id): {(c, 0, None, a) for c, a in r.prices.items()}
        | {(t.component, t.start, t.basis, t.amount) for t in r.tiers}
        for r in parsed.records
    }
    with Session(engine) as session:
        keys = dict(session.execute(select(Offering.source_url, Offering.model_key).where(Offering.source == "litellm")).all())
    assert keys == {r.canonical_url: r.model_key for r in parsed.records}


def test_the_source_is_installed_under_its_name():
    from catalog.sources import load_source

    source = load_source("litellm")
    assert isinstance(source, litellm.LiteLLMSource)
    assert source.default_site == URL
    assert [r.model_dump() for r in source.parse(BODY, URL).records] == [
        r.model_dump() for r in litellm.parse(BODY, URL).records]


def test_a_mode_priced_per_page_or_query_is_kept_when_it_states_token_prices():
    body = json.dumps({
        "vertex_ai/deepseek-ai/deepseek-ocr-maas": {"litellm_provider": "vertex_ai", "mode": "ocr",
                                                    "input_cost_per_token": 3e-07, "output_cost_per_token": 1.2e-06,
                                                    "ocr_cost_per_page": 0.0003},
        "azure_ai/mistral-ocr-4-0": {"litellm_provider": "azure_ai", "mode": "ocr", "ocr_cost_per_page": 0.001},
        "x/zero-token-search": {"litellm_provider": "x", "mode": "search", "input_cost_per_token": 0,
                                "input_cost_per_query": 0.005},
    })
    parsed = litellm.parse(body, URL)
    assert [(r.model_id, {c: str(a) for c, a in r.prices.items()}) for r in parsed.records] == [
        ("vertex_ai/deepseek-ai/deepseek-ocr-maas", {"input_per_mtok": "0.3", "output_per_mtok": "1.2"})]
    assert [n for n in parsed.warnings if "mode" in n] == [
        "1 entry of mode ocr (priced per page, which the catalog has no component for): skipped "
        "(e.g. azure_ai/mistral-ocr-4-0)",
        "1 entry of mode search (priced per query, which the catalog has no component for): skipped "
        "(e.g. x/zero-token-search)",
    ]


@pytest.mark.parametrize(("key", "provider", "creator"), [
    ("together_ai/meta-llama/Llama-3-8b", "together_ai", "meta-llama"),
    ("fal_ai/medium/1024-x-768/openai/gpt-image-2", "fal_ai", "openai"),  # quality and size are no creator
    ("azure/xhigh/gpt-image-1", "azure", None),
    ("azure/12-month-commitment/gpt-4o", "azure", None),
    ("azure/doc-intelligence/prebuilt-read", "azure", None),  # routes of the aliases file
    ("perplexity/preset/pro-search", "perplexity", None),
    ("fireworks_ai/accounts/acme/models/x", "fireworks_ai", "acme"),
])
def test_the_creator_follows_the_identity_rules(key, provider, creator):
    body = json.dumps({key: {"litellm_provider": provider, "mode": "chat", "input_cost_per_token": 1e-06}})
    [record] = litellm.parse(body, URL).records
    assert record.creator == creator
