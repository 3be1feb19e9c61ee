"""Several sources in one database: each keeps its own offerings, runs and removals; one model
identity ties them together; long-context tiers and a source's dated history are stored and
costed. Written through catalog.store as the refresh service writes (no crawl), read through
catalog.Catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import Catalog, Workload
from catalog.cli import cli
from catalog.errors import CatalogError, NotFound
from catalog.identity import provider_key
from catalog.records import DatedPrices, Fetch, PageRecord, SourceUnchanged, TierPrice
from catalog.schema import Offering, Price
from tests.source_records import DAY, DOC, SITE, T0, entry, page, refresh

LLAMA_PAGE = ("meta-llama-llama-3.2-3b-instruct", "meta-llama")
LLAMA_ENTRY = ("together_ai/meta-llama/Llama-3.2-3B-Instruct", "together_ai")


def test_one_model_in_two_sources_is_two_offerings_with_one_identity(engine, db_url):
    refresh(engine, "modelslab", T0, page(*LLAMA_PAGE, input_per_mtok="0.06", output_per_mtok="0.06"))
    refresh(engine, "litellm", T0 + DAY, entry(*LLAMA_ENTRY, input_per_mtok="0.06", output_per_mtok="0.08"))
    with Catalog.open(db_url) as cat:
        both = cat.offerings(model="meta-llama/llama-3.2-3b-instruct")
        assert [(v.source, v.key, v.provider_key) for v in both] == [
            ("modelslab", "together_ai/meta-llama-llama-3.2-3b-instruct", "together"),
            ("litellm", "litellm:together_ai/together_ai/meta-llama/Llama-3.2-3B-Instruct", "together"),
        ]
        litellm = cat.offering("litellm:together_ai/together_ai/meta-llama/Llama-3.2-3B-Instruct")
        assert litellm.source == "litellm" and litellm.prices["output_per_mtok"].amount == Decimal("0.08")
        assert [v.key for v in cat.same_model(litellm)] == ["together_ai/meta-llama-llama-3.2-3b-instruct"]
        # the crosscheck names the one price the two sources disagree on, with where each was read
        [found] = cat.crosscheck()
        assert (found.model, found.provider, found.component, found.difference) == (
            "meta-llama/llama-3.2-3b-instruct", "together", "output_per_mtok", Decimal("33.33"))
        assert [(v.source, str(v.amount), v.url) for v in found.values] == [
            ("modelslab", "0.06", f"{SITE}/models/together_ai/meta-llama-llama-3.2-3b-instruct.md"),
            ("litellm", "0.08", f"{DOC}#together_ai/meta-llama/Llama-3.2-3B-Instruct"),
        ]
        assert cat.crosscheck(min_diff=40) == []
        assert cat.crosscheck(min_diff=40).compared == 2  # input and output, both stated by both
        with pytest.raises(CatalogError, match="compares two or more sources, not only modelslab: give --source twice"):
            cat.crosscheck(["modelslab"])
        with pytest.raises(NotFound, match="no source 'litelm'; the sources are genai-prices, litellm, modelslab"):
            cat.crosscheck(["modelslab", "litelm"])
    printed = CliRunner().invoke(cli, ["crosscheck", "--json", "--fail-on-discrepancy", "--db", db_url])
    assert printed.exit_code == 3
    assert json.loads(printed.output)[0]["values"][1]["offering"] == (
        "litellm:together_ai/together_ai/meta-llama/Llama-3.2-3B-Instruct")


def test_a_complete_refresh_of_one_source_removes_only_its_own(engine, db_url):
    refresh(engine, "modelslab", T0, page(*LLAMA_PAGE, input_per_mtok="0.06"), page("qwen-qwen3-14b", "qwen",
                                                                                     input_per_mtok="0.1"))
    refresh(engine, "litellm", T0 + DAY, entry(*LLAMA_ENTRY, input_per_mtok="0.06"))
    refresh(engine, "litellm", T0 + 2 * DAY, entry("deepinfra/Qwen/Qwen3-14B", "deepinfra", input_per_mtok="0.1"))
    with Session(engine) as session:
        removed = session.execute(select(Offering.source, Offering.removed_at.is_not(None))).all()
    assert sorted(removed) == [("litellm", False), ("litellm", True), ("modelslab", False), ("modelslab", False)]
    with Catalog.open(db_url) as cat:
        assert cat.changes().source == "litellm"  # the last complete refresh's source, against its own previous
        assert [(c.added, c.removed) for c in [cat.changes()]] == [
            ((("deepinfra", "deepinfra/Qwen/Qwen3-14B"),), (("together_ai", LLAMA_ENTRY[0]),))]
        with pytest.raises(Exception, match="changes need two complete refreshes of openrouter"):
            cat.changes(source="openrouter")


def test_a_304_for_the_whole_document_observes_only_that_source(engine, db_url):
    refresh(engine, "modelslab", T0, page(*LLAMA_PAGE, input_per_mtok="0.06"))
    first = refresh(engine, "litellm", T0 + DAY, entry(*LLAMA_ENTRY, input_per_mtok="0.06"))
    second = refresh(engine, "litellm", T0 + 2 * DAY, unchanged=True)
    with Session(engine) as session:
        seen = dict(session.execute(select(Offering.source, Offering.last_seen_run_id)).tuples().all())
        assert seen == {"modelslab": 1, "litellm": second}
        assert session.scalar(select(func.count()).select_from(Offering).where(Offering.removed_at.is_not(None))) == 0
    assert first < second
    assert SourceUnchanged(fetch=Fetch(url=DOC, http_status=304, fetched_at=T0)).fetch.http_status == 304


def test_long_context_tiers_are_stored_and_costed_by_their_rule(engine, db_url):
    """A LiteLLM-style "above 200k" tier (every token of a longer call at the tier price), an
    OpenRouter-style "from" tier, and a genai-prices-style "marginal" tier, each costed by hand."""
    above = entry("gemini/gemini-2.5-pro", "gemini", input_per_mtok="1.25", output_per_mtok="10",
                  tiers=[TierPrice(component="input_per_mtok", start=200_000, basis="above", amount=Decimal("2.50")),
                         TierPrice(component="output_per_mtok", start=200_000, basis="above", amount=Decimal("15"))])
    marginal = entry("x/tiered", "x", input_per_mtok="1",
                     tiers=[TierPrice(component="input_per_mtok", start=100_000, basis="marginal", amount=Decimal("2")),
                            TierPrice(component="input_per_mtok", start=300_000, basis="marginal", amount=Decimal("4"))])
    refresh(engine, "litellm", T0, above, marginal)
    with Catalog.open(db_url) as cat:
        def cost(key: str, **counts) -> Decimal:
            [quote] = [q for q in cat.compare(None, Workload(**counts), source="litellm") if q.offering.key == key]
            return quote.cost

        # 150k in, 10k out: below the tier, base prices
        assert cost("litellm:gemini/gemini/gemini-2.5-pro", input_tokens=150_000, output_tokens=10_000) == (
            Decimal("150000") * Decimal("1.25") / 10**6 + Decimal("10000") * 10 / 10**6)  # 0.2875
        # 250k in, 10k out, 2 calls: every token at the tier prices
        assert cost("litellm:gemini/gemini/gemini-2.5-pro", input_tokens=250_000, output_tokens=10_000, calls=2) == (
            2 * (Decimal("250000") * Decimal("2.50") + Decimal("10000") * 15) / 10**6)  # 1.55
        # exactly 200k is not above 200k
        assert cost("litellm:gemini/gemini/gemini-2.5-pro", input_tokens=200_000) == Decimal("0.25")
        # marginal: 100k at 1, 200k at 2, 50k at 4
        assert cost("litellm:x/x/tiered", input_tokens=350_000) == (
            Decimal(100_000) * 1 + Decimal(200_000) * 2 + Decimal(50_000) * 4) / 10**6  # 0.7
        view = cat.offering("litellm:gemini/gemini/gemini-2.5-pro")
        assert {(t.component, t.start, t.basis, str(t.amount)) for t in view.tiers.values()} == {
            ("input_per_mtok", 200_000, "above", "2.50"), ("output_per_mtok", 200_000, "above", "15")}
        assert view.prices["input_per_mtok"].amount == Decimal("1.25")  # the base stays the base
    # a tier that moves is a change of its own; the base does not move
    refresh(engine, "litellm", T0 + DAY, entry(
        "gemini/gemini-2.5-pro", "gemini", input_per_mtok="1.25", output_per_mtok="10",
        tiers=[TierPrice(component="input_per_mtok", start=200_000, basis="above", amount=Decimal("3")),
               TierPrice(component="output_per_mtok", start=200_000, basis="above", amount=Decimal("15"))]), marginal)
    with Catalog.open(db_url) as cat:
        assert [(c.component, str(c.old), str(c.new)) for c in cat.changes().price_changes] == [
            ("input_per_mtok above 200,000 prompt tokens", "2.50", "3")]


def test_a_sources_dated_history_is_kept_with_its_dates(engine, db_url):
    start_2025 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    start_2026 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    # the oldest step has no start (genai-prices' undated step before its first start_date)
    undated = DatedPrices(start=None, prices={"input_per_mtok": Decimal("7"), "output_per_mtok": Decimal("21")})
    dated = DatedPrices(start=start_2025, prices={"input_per_mtok": Decimal("5"), "output_per_mtok": Decimal("15")})
    record = entry("openai/gpt-4o", "openai", input_per_mtok="2.5", output_per_mtok="10", since=start_2026,
                   history=[undated, dated])
    refresh(engine, "genai-prices", T0, record)
    with Catalog.open(db_url) as cat:
        history = cat.history("genai-prices:openai/openai/gpt-4o")
        spans = [(s.valid_from, s.valid_to, str(s.amount)) for s in history.prices["input_per_mtok"]]
        # its start stays unknown (first on every backend), its end is the next step's start
        assert spans == [(None, start_2025, "7"), (start_2025, start_2026, "5"), (start_2026, None, "2.5")]
        page = history.prices["input_per_mtok"][0].content_hash[:12]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Price)) == 6
    # the next refresh sees the same: nothing is added
    refresh(engine, "genai-prices", T0 + DAY, record)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Price)) == 6
    key = "genai-prices:openai/openai/gpt-4o"
    printed = CliRunner().invoke(cli, ["history", key, "--db", db_url])
    assert printed.exit_code == 0, printed.output
    url = f"{DOC}#openai/gpt-4o"
    assert printed.output == (
        f"{key}  openai/gpt-4o\n"
        "Listed: 2026-11-01 06:00:00 (#1) -> now\n"
        "input_per_mtok (USD per 1M tokens):\n"
        f"  7    start not published -> 2025-01-01 00:00:00  runs #1-#1      page {page}  {url}\n"
        f"  5    2025-01-01 00:00:00 -> 2026-03-01 00:00:00  runs #1-#1      page {page}  {url}\n"
        f"  2.5  2026-03-01 00:00:00 -> now                  runs #1-        page {page}  {url}"
        "  (last seen #2)\n"
        "output_per_mtok (USD per 1M tokens):\n"
        f"  21  start not published -> 2025-01-01 00:00:00  runs #1-#1      page {page}  {url}\n"
        f"  15  2025-01-01 00:00:00 -> 2026-03-01 00:00:00  runs #1-#1      page {page}  {url}\n"
        f"  10  2026-03-01 00:00:00 -> now                  runs #1-        page {page}  {url}"
        "  (last seen #2)\n"
    )
    printed = CliRunner().invoke(cli, ["history", key, "--json", "--db", db_url])
    assert printed.exit_code == 0, printed.output
    assert [(p["amount"], p["from"], p["to"], p["opened_run"], p["closed_run"])
            for p in json.loads(printed.output)["prices"]["output_per_mtok"]] == [
        ("21", None, "2025-01-01T00:00:00+00:00", 1, 1),
        ("15", "2025-01-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00", 1, 1),
        ("10", "2026-03-01T00:00:00+00:00", None, 1, None),
    ]


def test_provider_identity_joins_the_sources():
    assert provider_key("modelslab", "open_router") == provider_key("litellm", "openrouter")
    assert provider_key("modelslab", "together_ai") == provider_key("genai-prices", "together")


def test_a_region_only_one_source_lists_is_not_compared(engine, db_url):
    """LiteLLM's EU entry of a Bedrock model is an offering of the same model at the same provider;
    genai-prices lists only the global one: the global entries are compared, the EU one is not."""
    refresh(engine, "genai-prices", T0, entry("bedrock/amazon.nova-lite-v1:0", "bedrock", input_per_mtok="0.3",
                                              output_per_mtok="2.5"))
    refresh(engine, "litellm", T0 + DAY,
            entry("bedrock/amazon.nova-lite-v1:0", "bedrock", input_per_mtok="0.3", output_per_mtok="2.4"),
            entry("bedrock/eu/amazon.nova-lite-v1:0", "bedrock", input_per_mtok="0.429", output_per_mtok="3.6"))
    with Catalog.open(db_url) as cat:
        found = cat.crosscheck()
        assert found.compared == 2
        # input: both global entries say 0.3 (the EU 0.429 has no counterpart) -> agree; output 2.4 / 2.5
        [output] = found
        assert (output.component, [(v.offering, str(v.amount)) for v in output.values]) == ("output_per_mtok", [
            ("litellm:bedrock/bedrock/amazon.nova-lite-v1:0", "2.4"),
            ("genai-prices:bedrock/bedrock/amazon.nova-lite-v1:0", "2.5")])
        assert output.difference == Decimal("4.17")  # 0.1 / 2.4
        assert cat.crosscheck(min_diff=5) == []
        assert cat.crosscheck(min_diff="4.16") == [output]
    # a free twin against a price: 0 is infinitely far, reported whatever --min-diff
    refresh(engine, "genai-prices", T0 + 2 * DAY, entry("bedrock/amazon.nova-lite-v1:0", "bedrock",
                                                        input_per_mtok="0", output_per_mtok="2.4"))
    with Catalog.open(db_url) as cat:
        [free] = cat.crosscheck(min_diff=1000)
        assert (free.component, free.difference) == ("input_per_mtok", None)
    printed = CliRunner().invoke(cli, ["crosscheck", "--db", db_url])
    assert printed.output.splitlines()[:2] == [
        "1 price of the 2 they share the sources disagree on:", "amazon/nova-lite-v1:0 at bedrock, input_per_mtok (from 0):"]


def test_a_crosscheck_with_nothing_in_common_says_so(engine, db_url):
    printed = CliRunner().invoke(cli, ["crosscheck", "--fail-on-discrepancy", "--db", db_url])
    assert (printed.exit_code, printed.output) == (0, (
        "Nothing to compare: the sources price no model at the same provider (`catalog models --model KEY` lists a "
        "model's offerings in every source).\n"))
    refresh(engine, "modelslab", T0, page(*LLAMA_PAGE, input_per_mtok="0.06"))
    refresh(engine, "litellm", T0 + DAY, entry(*LLAMA_ENTRY, input_per_mtok="0.06"))
    printed = CliRunner().invoke(cli, ["crosscheck", "-s", "litellm", "-s", "MODELSLAB", "--db", db_url])
    assert (printed.exit_code, printed.output) == (
        0, "Litellm and modelslab agree on the 1 price they share (model, provider, component).\n")
    printed = CliRunner().invoke(cli, ["crosscheck", "-s", "litellm", "--db", db_url])
    assert printed.exit_code == 1 and printed.output.startswith("Error: a crosscheck compares two or more sources")


def test_a_dated_history_is_written_once_even_when_the_offering_comes_back(engine, db_url):
    start_2025 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    record = entry("openai/o3", "openai", input_per_mtok="2", since=start_2025,
                   history=[DatedPrices(start=None, prices={"input_per_mtok": Decimal("10")})])
    other = entry("openai/gpt-4o", "openai", input_per_mtok="2.5")
    refresh(engine, "genai-prices", T0, record, other)
    refresh(engine, "genai-prices", T0 + DAY, other)  # o3 gone: removed
    refresh(engine, "genai-prices", T0 + 2 * DAY, record, other)  # and back
    with Catalog.open(db_url) as cat:
        spans = [(s.valid_from, s.valid_to, str(s.amount)) for s in cat.history("genai-prices:openai/openai/o3")
                 .prices["input_per_mtok"]]
    # the undated step once; the current price closed by the removal, opened again on its return
    assert spans == [(None, start_2025, "10"), (start_2025, T0 + DAY + dt.timedelta(minutes=1), "2"), (start_2025, None, "2")]


def test_the_csv_exports_read_gives_what_the_views_give(engine, db_url):
    """Reader.export_values (the CSV export's read, no views built) equals export_values of each
    OfferingView: several sources, tiers, a headline, a price in another currency, none at all."""
    from catalog.export import export_values

    refresh(engine, "modelslab", T0, page(*LLAMA_PAGE, input_per_mtok="0.06", output_per_mtok="0.0600",
                                          headline="0.06"),
            page("qwen-qwen3-14b", "qwen", provider="deepinfra"))
    refresh(engine, "litellm", T0 + DAY, entry(*LLAMA_ENTRY, input_per_mtok="0.000001", cache_read_per_mtok="0.01",
                                               tiers=[TierPrice(component="input_per_mtok", start=200_000,
                                                                basis="above", amount=Decimal("2"))]))
    with Catalog.open(db_url) as cat:
        by_views = [export_values(v) for v in cat._reader.iter_offerings(with_related=False)]
        assert list(cat._reader.export_values()) == by_views and len(by_views) == 3
        assert list(cat._reader.export_values(source="litellm")) == [
            export_values(v) for v in cat._reader.iter_offerings(source="litellm", with_related=False)]


def test_changed_tiers_are_listed_by_their_start(engine, db_url):
    def gemini(low: str, high: str) -> PageRecord:
        return entry("gemini/gemini-x", "gemini", input_per_mtok="1",
                     tiers=[TierPrice(component="input_per_mtok", start=200_000, basis="above", amount=Decimal(low)),
                            TierPrice(component="input_per_mtok", start=1_000_000, basis="above", amount=Decimal(high))])

    refresh(engine, "litellm", T0, gemini("2", "3"))
    refresh(engine, "litellm", T0 + DAY, gemini("2.5", "3.5"))
    with Catalog.open(db_url) as cat:
        assert [c.component for c in cat.changes().price_changes] == [
            "input_per_mtok above 200,000 prompt tokens", "input_per_mtok above 1,000,000 prompt tokens"]
