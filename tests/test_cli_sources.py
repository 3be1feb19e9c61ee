"""The command line over several sources: `catalog sources`, `refresh --all`, `models`/`compare
--model` across providers and sources, and `show`'s same model elsewhere, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from catalog.records import TierPrice
from catalog.sources import source_names
from spiders.documents.litellm import LiteLLMSource
from spiders.documents.openrouter import OpenRouterSource
from tests.documents import DOCUMENTS, DocumentSite
from tests.source_records import DAY, T0, entry, page, refresh

MODEL = "meta-llama/llama-3.2-3b-instruct"
LITELLM_KEY = "litellm:together_ai/together_ai/meta-llama/Llama-3.2-3B-Instruct"


def run(*args: str, db_url: str):
    return CliRunner().invoke(cli, [*args, "--db", db_url])


def table(text: str) -> list[dict[str, str]]:
    """A piped (tab-separated) table as rows by column name."""
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


@pytest.fixture
def two_sources(engine):
    """One model at two ModelsLab providers and in LiteLLM (with a cache price and an 'above' tier)."""
    refresh(engine, "modelslab", T0,
            page("meta-llama-llama-3.2-3b-instruct", "meta-llama", input_per_mtok="0.06", output_per_mtok="0.06"),
            page("meta-llama-llama-3.2-3b-instruct", "meta-llama", provider="deepinfra",
                 input_per_mtok="0.02", output_per_mtok="0.02"),
            page("qwen-qwen3-14b", "qwen", input_per_mtok="0.1"))
    refresh(engine, "litellm", T0 + DAY, entry(
        "together_ai/meta-llama/Llama-3.2-3B-Instruct", "together_ai", input_per_mtok="0.06", output_per_mtok="0.08",
        cache_read_per_mtok="0.01",
        tiers=[TierPrice(component="input_per_mtok", start=100_000, basis="above", amount=Decimal("0.5"))]))
    return engine


def test_sources_lists_every_installed_source_with_its_offerings_and_last_run(two_sources, db_url):
    printed = run("sources", "--json", db_url=db_url)
    assert printed.exit_code == 0, printed.output
    found = {s["source"]: s for s in json.loads(printed.output)}
    assert sorted(found) == sorted(source_names())
    assert {"modelslab", "litellm", "openrouter", "genai-prices"} <= set(found)
    assert (found["modelslab"]["offerings"], found["modelslab"]["last_run"]["id"]) == (3, 1)
    assert (found["litellm"]["offerings"], found["litellm"]["last_run"]["status"]) == (1, "complete")
    assert (found["openrouter"]["offerings"], found["openrouter"]["last_run"]) == (0, None)
    assert found["openrouter"]["default_site"] == "https://openrouter.ai/api/v1/models"
    rows = {r["source"]: r for r in table(run("sources", db_url=db_url).output)}
    assert (rows["litellm"]["offerings"], rows["litellm"]["last_run"], rows["openrouter"]["status"]) == (
        "1", "2", "never refreshed")


def test_models_and_compare_by_model_rank_it_across_providers_and_sources(two_sources, db_url):
    listed = table(run("models", "--model", MODEL, db_url=db_url).output)
    assert [(r["source"], r["provider"], r["cache_read_per_mtok"]) for r in listed] == [
        ("modelslab", "deepinfra", ""), ("modelslab", "together_ai", ""), ("litellm", "together_ai", "0.01")]
    assert table(run("models", "-m", "no/such-model", db_url=db_url).output) == []

    # 50k fresh + 10k cached is 60k prompt tokens: below LiteLLM's 100k tier
    below = table(run("compare", "--model", MODEL, "-i", "50k", "-o", "1k", "--cached-input-tokens", "10k",
                      db_url=db_url).output)
    assert [(r["source"], r["provider"], r["cost"], r["missing"]) for r in below] == [
        ("litellm", "together_ai", "0.00318", ""),  # 50k x 0.06 + 1k x 0.08 + 10k x 0.01, per 1M
        ("modelslab", "deepinfra", "", "cache_read_per_mtok"),  # a cache price unknown: not ranked, said
        ("modelslab", "together_ai", "", "cache_read_per_mtok"),
    ]
    # 95k fresh + 10k cached is 105k: more than 100k, every input token at the tier's 0.5
    above = table(run("compare", "--model", MODEL, "-i", "95k", "-o", "1k", "--cached-input-tokens", "10k",
                      db_url=db_url).output)
    assert (above[0]["input_tokens_cost"], above[0]["cost"]) == ("0.0475", "0.04768")
    # without cached tokens every offering is priced, cheapest first
    plain = table(run("compare", "--model", MODEL, "-i", "10k", "-o", "10k", db_url=db_url).output)
    assert [(r["source"], r["provider"], r["cost"]) for r in plain] == [
        ("modelslab", "deepinfra", "0.0004"), ("modelslab", "together_ai", "0.0012"),
        ("litellm", "together_ai", "0.0014")]
    # 1M in: LiteLLM's tier makes its input 0.5, the dearest by far
    ranked = json.loads(run("compare", "--model", MODEL, "-i", "1M", "--json", db_url=db_url).output)
    assert [(q["offering"], q["cost"]) for q in ranked] == [
        ("deepinfra/meta-llama-llama-3.2-3b-instruct", "0.02"), ("together_ai/meta-llama-llama-3.2-3b-instruct", "0.06"),
        (LITELLM_KEY, "0.5")]


def test_show_names_the_model_and_lists_it_elsewhere(two_sources, db_url):
    shown = run("show", LITELLM_KEY, db_url=db_url)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert f"Model:        {MODEL}" in lines and "Catalog:      litellm" in lines
    assert "  input, calls of more than 100,000 prompt tokens (every token): 0.5 USD per 1M tokens" in lines
    at = lines.index("Same model elsewhere (2):")
    assert lines[at + 1:at + 3] == [
        "  deepinfra/meta-llama-llama-3.2-3b-instruct  $0.02 in, $0.02 out / 1M tokens",
        "  together_ai/meta-llama-llama-3.2-3b-instruct  $0.06 in, $0.06 out / 1M tokens",
    ]
    other = run("show", "together_ai/meta-llama-llama-3.2-3b-instruct", "--json", db_url=db_url)
    assert json.loads(other.output)["same_model"] == [
        "deepinfra/meta-llama-llama-3.2-3b-instruct", LITELLM_KEY]


def whole_litellm(folder):
    """LiteLLM's fixture without its deliberately unreadable entries, in FOLDER."""
    document = json.loads((DOCUMENTS / "litellm" / "model_prices_and_context_window.json").read_text())
    (folder / "litellm.json").write_text(json.dumps({k: v for k, v in document.items() if not k.startswith("odd/")}))


def test_refresh_all_reads_every_source_in_turn_and_fails_if_one_failed(db_url, tmp_path, monkeypatch):
    whole_litellm(tmp_path)
    with DocumentSite(DOCUMENTS / "openrouter", "models.json") as openrouter, \
            DocumentSite(tmp_path, "litellm.json", path="/litellm.json") as served:
        sources = [OpenRouterSource(), LiteLLMSource()]
        sources[0].default_site, sources[1].default_site = openrouter.document_url, served.document_url
        monkeypatch.setattr("catalog.sources.load_sources", lambda: sources)
        first = run("refresh", "--all", db_url=db_url)
        assert first.exit_code == 0, first.output
        summaries = [line for line in first.output.splitlines() if line.startswith("Refresh ")]
        assert [line.split()[3] + " " + line.split()[5] for line in summaries] == [
            "openrouter complete", "litellm complete"], first.output
        assert [(r["path"], r["status"]) for r in [*openrouter.requests, *served.requests]] == [
            ("/api/v1/models", 200), ("/litellm.json", 200)]
        found = {s["source"]: s for s in json.loads(run("sources", "--json", db_url=db_url).output)}
        assert (found["openrouter"]["offerings"], found["openrouter"]["last_run"]["site"]) == (
            26, openrouter.document_url)
        assert found["litellm"]["last_run"]["status"] == "complete" and found["litellm"]["offerings"] > 0

        served.document = "gone.json"  # one source fails: the other is still refreshed, the exit is 1
        second = run("refresh", "--all", db_url=db_url)
        assert second.exit_code == 1, second.output
        assert [r["status"] for r in openrouter.requests] == [200, 304]
        runs = json.loads(run("runs", "--json", db_url=db_url).output)
        assert [(r["source"], r["status"]) for r in runs][:2] == [("litellm", "failed"), ("openrouter", "complete")]
        assert "HTTP 404" in runs[0]["error"], runs[0]["error"]  # (the client need not read a 404's body)
        found = {s["source"]: s for s in json.loads(run("sources", "--json", db_url=db_url).output)}
        assert found["litellm"]["offerings"] > 0  # a failed refresh removes nothing


@pytest.mark.parametrize("extra", [["--site", "http://127.0.0.1:1/"], ["--sample"], ["--source", "litellm"]])
def test_refresh_all_with_one_sources_options_is_a_usage_error(sqlite_url, extra, tmp_path):
    printed = run("refresh", "--all", *extra, db_url=sqlite_url)
    assert printed.exit_code == 2
    assert "--all" in printed.output.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []  # said before any database is made


@pytest.mark.parametrize("command", [["refresh"], ["schedule", "--every", "1d"]])
def test_all_with_a_site_that_is_no_url_names_all_first(sqlite_url, command):
    printed = CliRunner().invoke(cli, [*command, "--all", "--site", "x", "--db", sqlite_url])
    assert (printed.exit_code, printed.output.splitlines()[-1]) == (
        2, "Error: --all reads every source from its own site: drop --site")


def test_changes_of_a_source_no_one_knows_is_an_error(two_sources, db_url):
    printed = run("changes", "--source", "litelm", db_url=db_url)
    assert (printed.exit_code, printed.output) == (1, (
        "Error: no source 'litelm'; the sources are genai-prices, litellm, modelslab, openrouter (`catalog sources`)\n"))


def test_a_model_key_is_found_however_a_source_spells_it(engine, db_url):
    refresh(engine, "litellm", T0, entry("anthropic/claude-opus-4-6", "anthropic", input_per_mtok="5"),
            entry("bedrock/anthropic.claude-opus-4-6-v1:0", "bedrock", input_per_mtok="5.5"))
    for spelling in ("anthropic/claude-opus-4.6", "anthropic/claude-opus-4-6", "Anthropic/Claude-Opus-4-6-v1:0"):
        listed = table(run("models", "--model", spelling, db_url=db_url).output)
        assert [r["provider"] for r in listed] == ["anthropic", "bedrock"], spelling
