"""The openrouter source: the parser of OpenRouter's /api/v1/models (pure), and real refreshes of a
copy served on 127.0.0.1 (`catalog refresh --source openrouter` in subprocesses, SQLite and
PostgreSQL): every price stored exact, a second refresh answered 304, a changed document's changes.

Expected amounts are computed here from the fixture's own strings with Decimal (per token x 10**6).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from catalog.records import PageFailure
from catalog.schema import Model, Offering, Price
from spiders.documents.base import ParsedEntries
from spiders.documents.openrouter import OpenRouterSource, parse
from spiders.documents.parsed import DocumentError
from tests.crawling import catalog, export_json
from tests.documents import DOCUMENTS, DocumentSite
from tests.tier_costs import cost_above

FOLDER = DOCUMENTS / "openrouter"
URL = "https://openrouter.ai/api/v1/models"
#: what the fixture's prices map to, per the source's documented table (key -> component, shift)
MAPPED = {
    "prompt": ("input_per_mtok", 6),
    "completion": ("output_per_mtok", 6),
    "input_cache_read": ("cache_read_per_mtok", 6),
    "input_cache_write": ("cache_write_per_mtok", 6),
    "request": ("per_call", 0),
}


def document(name: str = "models.json") -> dict:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


def body(models: list[dict]) -> bytes:
    return json.dumps({"data": models}).encode()


def exact(text: str, shift: int) -> Decimal | None:
    """The fixture's price TEXT moved SHIFT places: unknown when negative or not a number; past 12
    decimal places rounded half-even (the catalog keeps 12)."""
    try:
        value = Decimal(text).scaleb(shift)
    except ArithmeticError:
        return None
    if value < 0:
        return None
    if value.as_tuple().exponent < -12:
        value = value.quantize(Decimal("1e-12"), rounding=ROUND_HALF_EVEN)
    return value


def expected_prices(pricing: dict) -> dict[str, Decimal]:
    out = {}
    for key, (component, shift) in MAPPED.items():
        if key in pricing and (amount := exact(pricing[key], shift)) is not None:
            out[component] = amount
    return out


def expected_tiers(pricing: dict) -> set[tuple[str, int, str, Decimal]]:
    out = set()
    for override in pricing.get("overrides", []):
        for key, (component, shift) in MAPPED.items():
            if key in override:
                out.add((component, override["min_prompt_tokens"], "from", exact(override[key], shift)))
    return out


def records_by_id(models: list[dict]) -> dict:
    parsed = parse(body(models), URL)
    assert parsed.failures == [] and parsed.warnings == []
    return {r.model_id: r for r in parsed.records}


# --- the parser ---------------------------------------------------------------------------------


def test_every_price_and_tier_equals_the_documents_text_converted_exactly():
    models = document()["data"]
    parsed = parse((FOLDER / "models.json").read_bytes(), URL)
    assert isinstance(parsed, ParsedEntries)
    assert (parsed.failures, parsed.warnings) == ([], [])
    assert [r.model_id for r in parsed.records] == [m["id"] for m in models]
    for model, rec in zip(models, parsed.records, strict=True):
        pricing = model.get("pricing", {})
        assert rec.prices == expected_prices(pricing), model["id"]
        assert {(t.component, t.start, t.basis, t.amount) for t in rec.tiers} == expected_tiers(pricing), model["id"]
        assert (rec.provider, rec.provider_name, rec.currency) == ("openrouter", "OpenRouter", "USD")
        assert rec.canonical_url == f"{URL}#{model['id']}"
        assert rec.name == model["name"]
    priced = sum(1 for r in parsed.records for _ in r.prices) + sum(len(r.tiers) for r in parsed.records)
    assert priced == 66 + 23  # the fixture's mapped prices: the test above is not vacuous


def test_prices_keep_the_digits_of_the_text():
    recs = records_by_id(document()["data"][:1])
    assert {c: str(a) for c, a in recs["deepseek/deepseek-v4-flash-0731"].prices.items()} == {
        "input_per_mtok": "0.14", "output_per_mtok": "0.28", "cache_read_per_mtok": "0.0028",
    }


def test_free_zero_and_per_request_prices():
    by_id = {m["id"]: m for m in document()["data"]}
    recs = records_by_id([by_id["inclusionai/ling-3.0-flash:free"], by_id["perplexity/sonar"]])
    assert recs["inclusionai/ling-3.0-flash:free"].prices == {"input_per_mtok": 0, "output_per_mtok": 0}
    assert str(recs["inclusionai/ling-3.0-flash:free"].prices["input_per_mtok"]) == "0"
    sonar = recs["perplexity/sonar"]
    assert sonar.prices == {"input_per_mtok": Decimal("1"), "output_per_mtok": Decimal("1"), "per_call": Decimal("0.005")}
    assert sonar.warnings == [
        "prices the catalog has no component for, not stored (USD, as OpenRouter states them): web_search 0.005"
    ]


def test_a_negative_price_is_unknown_with_a_warning():
    auto = next(m for m in document()["data"] if m["id"] == "openrouter/auto")
    assert auto["pricing"] == {"prompt": "-1", "completion": "-1"}
    rec = parse(body([auto]), URL).records[0]
    assert rec.prices == {}
    why = "OpenRouter's mark for a price that varies (a router charges what the model it picks costs); left unknown"
    assert rec.warnings == [f"prompt price is -1: {why}", f"completion price is -1: {why}"]


def test_absurd_numbers_and_thresholds_are_unknown_not_a_crash():
    """An exponent Decimal cannot hold, a NaN or infinite threshold, non-ASCII digits: each one
    price (or override) unknown with a warning; the rest of the model is read."""
    model = {"id": "x/odd", "name": "Odd", "pricing": {
        "prompt": "1e999999999999999999999", "completion": "\u0661\u0662", "input_cache_read": "0.000001",
        "overrides": [{"min_prompt_tokens": "Infinity", "prompt": "0.000002"}]}}
    text = body([model]).replace(b'"Infinity"', b"Infinity")
    [rec] = parse(text, URL).records
    assert rec.prices == {"cache_read_per_mtok": Decimal("1")} and rec.tiers == []
    assert rec.warnings == [
        "prompt price 1e999999999999999999999: 1e999999999999999999999 is out of range; left unknown",
        "completion price \u0661\u0662 is not a number; left unknown",
        'an override without a usable min_prompt_tokens ({"min_prompt_tokens": Infinity, "prompt": "0.000002"}): not read',
    ]


def test_prices_without_a_component_are_listed_not_stored():
    gemini = next(m for m in document()["data"] if m["id"] == "google/gemini-2.5-pro")
    rec = parse(body([gemini]), URL).records[0]
    assert set(rec.prices) == {"input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok"}
    assert "per_image" not in rec.prices  # OpenRouter's image is an input image's price
    assert rec.warnings == [
        "prices the catalog has no component for, not stored (USD, as OpenRouter states them): image 0.00000125, "
        "audio 0.00000125, input_audio_cache 0.000000125, web_search 0.014, internal_reasoning 0.00001, "
        "audio 0.0000025 from 200000 prompt tokens, input_audio_cache 0.00000025 from 200000 prompt tokens"
    ]


def test_float_noise_past_12_places_is_rounded_with_a_warning():
    luna = next(m for m in document()["data"] if m["id"] == "openai/gpt-5.6-luna-pro")
    rec = parse(body([luna]), URL).records[0]
    assert luna["pricing"]["completion"] == "0.0000006000000000000001"
    assert rec.prices["output_per_mtok"] == Decimal("0.6")
    assert rec.warnings[0] == "completion price 0.0000006000000000000001 rounded to 12 decimal places: 0.6"
    assert "completion from 272000 prompt tokens price 0.00000090000000000000005 rounded to 12 decimal places: 0.9" in rec.warnings


def test_two_overrides_are_two_tiers_from_their_thresholds():
    qwen = next(m for m in document()["data"] if m["id"] == "qwen/qwen3.7-flash")
    rec = parse(body([qwen]), URL).records[0]
    assert [(t.component, t.start, t.basis, str(t.amount)) for t in rec.tiers] == [
        ("input_per_mtok", 32000, "from", "0.1"), ("output_per_mtok", 32000, "from", "0.4"),
        ("cache_read_per_mtok", 32000, "from", "0.02"), ("cache_write_per_mtok", 32000, "from", "0.125"),
        ("input_per_mtok", 256000, "from", "0.2"), ("output_per_mtok", 256000, "from", "0.8"),
        ("cache_read_per_mtok", 256000, "from", "0.04"), ("cache_write_per_mtok", 256000, "from", "0.25"),
    ]


def test_long_context_cost_qwen3_7_flash_by_hand():
    """OpenRouter's rule: an override applies to the whole call from its min_prompt_tokens (the
    prompt: fresh and cached input together), every token at its prices."""
    qwen = next(m for m in document()["data"] if m["id"] == "qwen/qwen3.7-flash")
    rec = parse(body([qwen]), URL).records[0]
    # 31,999 in, 1,000 out: base prices 0.03 and 0.13 per 1M
    assert cost_above(rec, 31_999, 0, 1_000) == Decimal("0.00108997")  # 0.00095997 + 0.00013
    # exactly 32,000 in: the first override, 0.1 and 0.4
    assert cost_above(rec, 32_000, 0, 1_000) == Decimal("0.0036")  # 0.0032 + 0.0004
    # 200,000 fresh + 100,000 cached (300,000 prompt) and 2,000 out: the second override,
    # 0.2 input, 0.04 cache read, 0.8 output
    assert cost_above(rec, 200_000, 100_000, 2_000) == Decimal("0.0456")  # 0.04 + 0.004 + 0.0016
    # 200,000 fresh + 50,000 cached is 250,000: the first override only
    assert cost_above(rec, 200_000, 50_000, 0) == Decimal("0.021")  # 0.02 + 0.001


def test_missing_and_unreadable_fields():
    models = document()["data"]
    bare, odd = models[-2], models[-1]
    assert "pricing" not in bare and "architecture" not in bare and "created" not in bare
    recs = records_by_id([bare, odd])
    rec = recs["mistralai/mistral-small-3.2-24b-instruct"]
    assert (rec.prices, rec.tiers, rec.category, rec.task, rec.date_added) == ({}, [], None, None, None)
    assert rec.warnings == ["no pricing object: prices unknown"]
    rec = recs["mistralai/ministral-3b-2512"]
    assert odd["pricing"]["completion"] == "unknown"
    assert rec.prices == expected_prices(odd["pricing"]) and "output_per_mtok" not in rec.prices
    assert rec.warnings == ["completion price unknown is not a number; left unknown"]


def test_identity_name_creator_kind_and_date():
    by_id = {m["id"]: m for m in document()["data"]}
    recs = records_by_id([by_id[i] for i in ("meta-llama/llama-3.2-1b-instruct", "~anthropic/claude-haiku-latest",
                                             "inclusionai/ling-3.0-flash:free", "google/gemini-3.1-flash-image",
                                             "openai/gpt-audio")])
    llama = recs["meta-llama/llama-3.2-1b-instruct"]
    assert (llama.creator, llama.model_key, llama.category, llama.task, llama.open_source, llama.description) == (
        "meta-llama", "meta-llama/llama-3.2-1b-instruct", "LLM Models", "Text Generation", None, None)
    assert llama.date_added == dt.datetime.fromtimestamp(by_id["meta-llama/llama-3.2-1b-instruct"]["created"], dt.UTC).date()
    alias = recs["~anthropic/claude-haiku-latest"]
    assert (alias.creator, alias.model_key) == ("anthropic", "anthropic/claude-haiku-latest")
    assert recs["inclusionai/ling-3.0-flash:free"].model_key == "inclusionai/ling-3.0-flash"
    assert recs["google/gemini-3.1-flash-image"].task == "Text and Image Generation"
    assert recs["openai/gpt-audio"].task == "Text and Audio Generation"


def test_a_long_description_keeps_its_first_300_characters():
    model = copy.deepcopy(document()["data"][0])
    model["description"] = "word " * 100 + "\n\nmore"
    rec = parse(body([model]), URL).records[0]
    assert rec.description == " ".join(["word"] * 60) + "..."


def test_prices_as_json_numbers_are_read_from_their_text_too():
    model = copy.deepcopy(document()["data"][0])
    raw = body([model]).replace(b'"prompt": "0.00000014"', b'"prompt": 1.4e-07')
    assert b"1.4e-07" in raw
    rec = parse(raw, URL).records[0]
    assert str(rec.prices["input_per_mtok"]) == "0.14"


def test_entries_without_an_id_or_listed_twice_are_notes_and_a_bad_record_is_a_failure():
    first = document()["data"][0]
    long_id = copy.deepcopy(first)
    long_id["id"] = "x/" + "y" * 300
    parsed = parse(body([first, {"name": "no id"}, "not an object", first, long_id]), URL)
    assert [r.model_id for r in parsed.records] == [first["id"]]
    assert parsed.warnings == [
        "2 entries without an id: skipped (positions #1, #2)",
        f"1 id listed more than once: the first entry kept ({first['id']})",
    ]
    assert parsed.failures == [PageFailure(
        url=f"{URL}#x/{'y' * 300}", reason="not stored: model_id: String should have at most 255 characters",
        provider="openrouter", model_id=None, http_status=200,
    )]


@pytest.mark.parametrize(("raw", "reason"), [
    (b"<html>rate limited</html>",
     "OpenRouter's model list is not valid JSON (Expecting value: line 1 column 1 (char 0)); "
     "check that the URL serves the document itself"),
    (b'{"models": []}',
     "OpenRouter's model list is a JSON object without a \"data\" list of models; check that the URL serves "
     "/api/v1/models"),
    (b"[1, 2]",
     "OpenRouter's model list is a JSON array without a \"data\" list of models; check that the URL serves "
     "/api/v1/models"),
])
def test_a_body_that_is_not_the_model_list_is_one_error(raw, reason):
    with pytest.raises(DocumentError) as info:
        parse(raw, URL)
    assert str(info.value) == reason


# --- real refreshes of a served copy ----------------------------------------------------------------


def stored_prices(db_url: str) -> dict[str, set[tuple[str, int, str | None, Decimal]]]:
    """model_id -> every open price (component, tier start, basis, amount) in the database."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Model.model_id, Price.component, Price.tier_start, Price.tier_basis, Price.amount)
                .join(Offering, Offering.id == Price.offering_id).join(Model, Model.id == Offering.model_ref_id)
                .where(Price.closed_run_id.is_(None), Offering.source == "openrouter")
            ).all()
    finally:
        engine.dispose()
    out: dict[str, set] = {}
    for model_id, component, tier, basis, amount in rows:
        out.setdefault(model_id, set()).add((component, tier, basis, Decimal(amount)))
    return out


def price_rows(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Price))
    finally:
        engine.dispose()


def expected_stored(models: list[dict]) -> dict[str, set]:
    out = {}
    for model in models:
        pricing = model.get("pricing", {})
        rows = {(c, 0, None, a) for c, a in expected_prices(pricing).items()}
        rows |= {(c, start, basis, a) for c, start, basis, a in expected_tiers(pricing)}
        if rows:
            out[model["id"]] = rows
    return out


def refresh(site: DocumentSite, db_url: str):
    return catalog("refresh", "--source", "openrouter", "--site", site.document_url, db_url=db_url)


def test_refreshes_store_exact_prices_answer_304_and_report_exactly_the_changes(db_url):
    with DocumentSite(FOLDER, "models.json") as site:
        first = refresh(site, db_url)
        assert first.returncode == 0, first.stdout + first.stderr
        assert first.stdout.splitlines()[1:3] == [
            f"Pages: 1 fetched, 0 not modified, {(FOLDER / 'models.json').stat().st_size / 1024:.1f} KB downloaded",
            "Offerings: 26 new, 0 updated, 0 unchanged, 0 removed; 0 price changes",
        ]
        models = document()["data"]
        assert stored_prices(db_url) == expected_stored(models)
        exported = {row["model_id"]: row for row in export_json(db_url)}
        assert set(exported) == {m["id"] for m in models}
        for model in models:
            row = exported[model["id"]]
            assert (row["source"], row["provider"], row["source_url"]) == (
                "openrouter", "openrouter", f"{site.document_url}#{model['id']}")
            want = expected_prices(model.get("pricing", {}))
            for component in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok",
                              "per_call"):
                got = row[component]
                assert (None if got is None else Decimal(got)) == want.get(component), (model["id"], component)
        rows = price_rows(db_url)

        second = refresh(site, db_url)
        assert second.returncode == 0, second.stdout + second.stderr
        assert second.stdout.splitlines()[1:3] == [
            "Pages: 0 fetched, 1 not modified, 0 B downloaded",
            "Offerings: 0 new, 0 updated, 26 unchanged, 0 removed; 0 price changes",
        ]
        assert [(r["path"], r["status"], r["conditional"]) for r in site.requests] == [
            ("/api/v1/models", 200, False), ("/api/v1/models", 304, True)]
        assert price_rows(db_url) == rows

        site.document = "models-changed.json"
        third = refresh(site, db_url)
        assert third.returncode == 0, third.stdout + third.stderr
        assert [(r["status"], r["conditional"]) for r in site.requests][2:] == [(200, True)]
    assert stored_prices(db_url) == expected_stored(document("models-changed.json")["data"])
    changes = catalog("changes", "--json", db_url=db_url)
    assert changes.returncode == 0, changes.stderr
    report = json.loads(changes.stdout)

    def change(model_id, component, old, new, percent):
        return {"provider": "openrouter", "model_id": model_id, "component": component, "old": old, "new": new,
                "percent": percent, "suspect": False, "currency": "USD", "unit": "1M tokens"}

    assert report == {
        "source": "openrouter", "from_run": 2, "to_run": 3,
        "added": [{"provider": "openrouter", "model_id": "meta-llama/llama-3.2-3b-instruct"}],
        "removed": [{"provider": "openrouter", "model_id": "meta-llama/llama-3.2-1b-instruct"}],
        "price_changes": [
            change("anthropic/claude-opus-5", "cache_read_per_mtok", "0.5", None, None),
            change("deepseek/deepseek-v4-flash-0731", "input_per_mtok", "0.14", "0.12", "-14.29"),
            change("openrouter/auto", "input_per_mtok", None, "1", None),
            change("qwen/qwen3.7-flash", "input_per_mtok from 256,000 prompt tokens", "0.2", "0.25", "25.00"),
        ],
    }


def test_the_source_is_installed_under_its_name():
    from catalog.sources import load_source, source_names

    assert {"modelslab", "openrouter"} <= set(source_names())
    source = load_source("openrouter")
    assert isinstance(source, OpenRouterSource)
    assert source.default_site == "https://openrouter.ai/api/v1/models"
    assert source.site_url("https://openrouter.ai/api/v1/models?category=x#frag") == (
        "https://openrouter.ai/api/v1/models?category=x")
