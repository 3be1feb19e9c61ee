"""`catalog models`, `show`, `compare`, `cheapest` through click's CliRunner, on both backends.

Every test asserts the exit code and the whole output: piped (tab-separated), on a terminal
(rich, fixed width, no colour), as JSON, and the one-line errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalog import db
from catalog.cli import cli, render
from catalog.components import costed
from tests.catalog_data import LLM, RECORDS, fill, record

ROOT = Path(__file__).resolve().parent.parent
EMPTY = "Error: the catalog is empty; run `catalog refresh` first\n"
WHOLE = "use a whole number such as 1000, 1,000, 200k, 1.5M or 3e6"


@pytest.fixture
def catalog_db(engine, db_url) -> str:
    fill(engine)
    return db_url


@pytest.fixture
def terminal(monkeypatch):
    """Make the commands print as on a terminal WIDTH columns wide (rich, no colour)."""

    def at(width: int) -> None:
        monkeypatch.setattr(render, "terminal_width", lambda: width)

    return at


def run(db_url: str, *args: str):
    return CliRunner().invoke(cli, [*args, "--db", db_url], prog_name="catalog")


def tsv(*rows: str) -> str:
    return "".join("\t".join(row.split("|")) + "\n" for row in rows)


#: the piped `models` table's price columns: every costed component of the registry
PRICE_COLUMNS = [c.column for c in costed()]
MODEL_HEADER = "|".join(["provider", "model_id", "name", "category", "currency", *PRICE_COLUMNS, "date_added"])


def models_tsv(*rows: str) -> str:
    """The piped `models` table: MODEL_HEADER, then ROWS written as
    provider|model_id|name|category|currency|input|output|image|second|added (the fixtures price
    nothing else: the other price columns are empty)."""
    out = []
    for row in rows:
        provider, model_id, name, category, currency, i, o, image, second, added = row.split("|")
        given = {"input_per_mtok": i, "output_per_mtok": o, "per_image": image, "per_second": second}
        out.append("|".join([provider, model_id, name, category, currency,
                             *(given.get(column, "") for column in PRICE_COLUMNS), added]))
    return tsv(MODEL_HEADER, *out)

# --- models ---------------------------------------------------------------------------------------


def test_models_lists_current_offerings_by_name(catalog_db):
    result = run(catalog_db, "models")
    assert result.exit_code == 0
    assert result.output == models_tsv(
        "open_router|formula-plus|+1|LLM Models|USD|1|2|||",
        "open_router|formula-minus|-2|LLM Models|USD|2|4|||",
        'open_router|formula-hyperlink|=HYPERLINK("http://x")|LLM Models|USD|0.5|1.5|||',
        "open_router|formula-at|@SUM(A1)|LLM Models|USD|3|6|||",
        "together_ai|BAAI-bge-large-en-v1.5|BAAI: BGE Large EN v1.5|Embedding Models|USD|0.02||||2025-09-09",
        "together_ai|black-forest-labs-flux-1-schnell|Black Forest Labs: FLUX.1 [schnell]|Image Generation|USD"
        "|||0.003||2025-11-02",
        "deepinfra|google-veo-3|Google: Veo 3|Video Generation|USD||||0.40|2026-04-01",  # ESC[31m removed whole
        "deepinfra|meta-llama-llama-3.1-70b-instruct|Meta: Llama 3.1 70B Instruct|LLM Models|USD|0.23|0.40|||2025-07-23",
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|LLM Models|USD|0.01|0.05|||2026-03-01",
        "together_ai|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|LLM Models|USD|0.027|0.20|||2026-02-20",
        "open_router|meta-llama-llama-3.3-70b-instruct|Meta: Llama 3.3 70B Instruct|LLM Models|USD|0.10||||2025-12-06",
        "open_router|mistralai-mistral-small-eu|Mistral: Small (EU)|LLM Models|EUR|0.10|0.30|||2026-01-15",
    )
    assert "llama-2-7b" not in result.output  # removed by the second refresh


@pytest.mark.parametrize("query", [["llama", "3.2", "1b"], ["1B", "LLAMA", "3.2"], ["llama 3.2 1b"], ["2-1b"]])
def test_models_query_words_in_any_order_and_case(catalog_db, query):
    result = run(catalog_db, "models", *query)
    assert (result.exit_code, result.output) == (0, models_tsv(
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|LLM Models|USD|0.01|0.05|||2026-03-01",
        "together_ai|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|LLM Models|USD|0.027|0.20|||2026-02-20",
    ))


def test_models_filters_sort_and_limit(catalog_db):
    result = run(catalog_db, "models", "--provider", "DEEPINFRA", "--category", "llm models", "--sort", "price")
    assert (result.exit_code, result.output) == (0, models_tsv(
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|LLM Models|USD|0.01|0.05|||2026-03-01",
        "deepinfra|meta-llama-llama-3.1-70b-instruct|Meta: Llama 3.1 70B Instruct|LLM Models|USD|0.23|0.40|||2025-07-23",
    ))
    added = run(catalog_db, "models", "--sort", "added", "--limit", "3")
    assert [line.split("\t")[:2] for line in added.output.splitlines()[1:]] == [
        ["deepinfra", "google-veo-3"],
        ["deepinfra", "meta-llama-llama-3.2-1b-instruct"],
        ["together_ai", "meta-llama-llama-3.2-1b-instruct"],
    ]
    by_price = run(catalog_db, "models", "--sort", "price")
    assert [line.split("\t")[1] for line in by_price.output.splitlines()[1:]] == [
        "meta-llama-llama-3.2-1b-instruct", "BAAI-bge-large-en-v1.5", "meta-llama-llama-3.2-1b-instruct",
        "meta-llama-llama-3.3-70b-instruct", "meta-llama-llama-3.1-70b-instruct", "formula-hyperlink",
        "formula-plus", "formula-minus", "formula-at", "mistralai-mistral-small-eu",  # EUR after USD
        "black-forest-labs-flux-1-schnell", "google-veo-3",  # per image, then per second
    ]


def test_models_on_a_terminal(catalog_db, terminal):
    terminal(100)
    result = run(catalog_db, "models", "--provider", "together_ai")
    assert result.exit_code == 0
    assert result.output == """\
Provider      Model ID                           Name                 Price               Added
────────────────────────────────────────────────────────────────────────────────────────────────────
together_ai   BAAI-bge-large-en-v1.5             BAAI: BGE Large EN   $0.02 in / 1M       2025-09-09
                                                 v1.5                 tokens
together_ai   black-forest-labs-flux-1-schnell   Black Forest Labs:   $0.003 / image      2025-11-02
                                                 FLUX.1 [schnell]
together_ai   meta-llama-llama-3.2-1b-instruct   Meta: Llama 3.2 1B   $0.027 in, $0.20    2026-02-20
                                                 Instruct             out / 1M tokens
"""


def test_models_terminal_prints_markup_and_escapes_inertly(catalog_db, terminal):
    terminal(120)
    result = run(catalog_db, "models", "veo")
    assert "\x1b" not in result.output and "[31m" not in result.output and "Google: Veo 3" in result.output
    result = run(catalog_db, "models", "schnell")
    assert "FLUX.1 [schnell]" in result.output  # square brackets are not rich markup


def test_models_on_a_terminal_shows_the_first_rows(catalog_db, terminal, monkeypatch):
    terminal(100)
    monkeypatch.setattr(render, "TERMINAL_ROWS", 3)
    result = run(catalog_db, "models", "--sort", "added")
    assert result.exit_code == 0
    assert result.output.splitlines()[2:] == [
        "deepinfra     google-veo-3                       Google: Veo 3       $0.40 / second       2026-04-01",
        "deepinfra     meta-llama-llama-3.2-1b-instruct   Meta: Llama 3.2     $0.01 in, $0.05      2026-03-01",
        "                                                 1B Instruct         out / 1M tokens",
        "together_ai   meta-llama-llama-3.2-1b-instruct   Meta: Llama 3.2     $0.027 in, $0.20     2026-02-20",
        "                                                 1B Instruct         out / 1M tokens",
        "... and 9 more (raise --limit, or pipe the output, to see them)",
    ]
    assert len(run(catalog_db, "models", "--limit", "5").output.splitlines()) > 7  # --limit overrides
    monkeypatch.setattr(render, "terminal_width", lambda: None)  # piped again: every row
    assert run(catalog_db, "models").output.count("\n") == 13


def test_models_json(catalog_db):
    result = run(catalog_db, "models", "veo", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [{
        "source": "modelslab", "model": None, "provider": "deepinfra", "provider_name": "DeepInfra", "model_id": "google-veo-3",
        "name": "Google: Veo 3\x1b[31m", "creator": "google", "category": "Video Generation",
        "task": "Text to Video", "open_source": None, "input_per_mtok": None, "output_per_mtok": None, "cache_read_per_mtok": None, "cache_write_per_mtok": None, "batch_input_per_mtok": None, "batch_output_per_mtok": None,
        "per_image": None, "per_second": "0.40", "per_call": None, "headline_price": "0.40", "headline_unit": "second",
        "date_added": "2026-04-01", "source_url": "https://catalog.test/models/deepinfra/google-veo-3.md",
        "first_seen": "2026-11-01T06:00:00+00:00", "last_seen": "2026-11-08T06:00:00+00:00", "currency": "USD",
    }]
    assert '"name": "Google: Veo 3\\u001b[31m"' in result.output  # the escape stays data, not a command


def test_models_nothing_matched(catalog_db):
    result = run(catalog_db, "models", "zzz", "--provider", "groq")
    assert (result.exit_code, result.output) == (
        1, "Error: no offerings match 'zzz' and provider 'groq'; list them with `catalog models`\n")


# --- show ------------------------------------------------------------------------------------------

SHOW_TOGETHER = """\
together_ai/meta-llama-llama-3.2-1b-instruct
Name:         Meta: Llama 3.2 1B Instruct
Provider:     Together AI (together_ai)
Model ID:     meta-llama-llama-3.2-1b-instruct
Creator:      meta-llama
Category:     LLM Models / Text Generation
Open source:  no
Added:        2026-02-20
Prices:
  input        0.027 USD per 1M tokens  since 2026-11-01
  output        0.20 USD per 1M tokens  since 2026-11-01
  headline  0.113500 USD per call  since 2026-11-01
  note: the headline is printed per call but the specifications say 'per million tokens'; it is not used as a price in comparisons
Source:       https://catalog.test/models/together_ai/meta-llama-llama-3.2-1b-instruct.md
Last fetched: 2026-11-08 06:00 UTC
First seen:   2026-11-01 06:00 UTC
Last seen:    2026-11-08 06:00 UTC
Related (2):
  deepinfra/meta-llama-llama-3.2-1b-instruct
  open_router/deepcogito-cogito-v2.1-671b  (not in the catalog)
Description:
  Llama 3.2 1B is a 1-billion-parameter language model.
"""


@pytest.mark.parametrize("key", ["together_ai/meta-llama-llama-3.2-1b-instruct",
                                 "Together_AI/Meta-Llama-Llama-3.2-1B-Instruct"])
def test_show(catalog_db, key):
    result = run(catalog_db, "show", key)
    assert (result.exit_code, result.output) == (0, SHOW_TOGETHER)


def test_show_strips_escapes_from_page_text(catalog_db, terminal):
    terminal(100)
    result = run(catalog_db, "show", "google-veo-3")  # a bare model ID offered by one provider
    assert result.exit_code == 0
    assert result.output == """\
deepinfra/google-veo-3
Name:         Google: Veo 3
Provider:     DeepInfra (deepinfra)
Model ID:     google-veo-3
Creator:      google
Category:     Video Generation / Text to Video
Open source:  (unknown)
Added:        2026-04-01
Prices:
  per second  0.40 USD per second  since 2026-11-01
  headline    0.40 USD per second  since 2026-11-01
  note: the headline figure is not used as a price in comparisons
Source:       https://catalog.test/models/deepinfra/google-veo-3.md
Last fetched: 2026-11-08 06:00 UTC
First seen:   2026-11-01 06:00 UTC
Last seen:    2026-11-08 06:00 UTC
Warning:      price line read twice
Related (0):
"""
    described = run(catalog_db, "show", "open_router/formula-at")
    assert described.output.endswith("Description:\n  Ignore  this txt.exe\n")


def test_show_json(catalog_db):
    result = run(catalog_db, "show", "open_router/meta-llama-llama-3.3-70b-instruct", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "key": "open_router/meta-llama-llama-3.3-70b-instruct", "source": "modelslab", "model": None, "provider": "open_router", "provider_name": "OpenRouter", "model_id": "meta-llama-llama-3.3-70b-instruct",
        "name": "Meta: Llama 3.3 70B Instruct", "creator": "meta-llama", "category": "LLM Models",
        "task": "Text Generation", "open_source": None, "input_per_mtok": "0.10", "output_per_mtok": None, "cache_read_per_mtok": None, "cache_write_per_mtok": None, "batch_input_per_mtok": None, "batch_output_per_mtok": None,
        "per_image": None, "per_second": None, "per_call": None, "headline_price": "0.10", "headline_unit": "call",
        "date_added": "2025-12-06",
        "source_url": "https://catalog.test/models/open_router/meta-llama-llama-3.3-70b-instruct.md",
        "first_seen": "2026-11-01T06:00:00+00:00", "last_seen": "2026-11-08T06:00:00+00:00", "currency": "USD",
        "headline_spec_unit": "per million tokens", "headline_unit_conflict": True,
        "last_fetched": "2026-11-08T06:00:00+00:00", "stale_reason": None, "warnings": [],
        "prices": {
            "input_per_mtok": {"amount": "0.10", "currency": "USD", "unit": "1M tokens",
                               "since": "2026-11-01T06:00:00+00:00", "suspect": False},
            "headline": {"amount": "0.10", "currency": "USD", "unit": "call",
                         "since": "2026-11-01T06:00:00+00:00", "suspect": False},
        },
        "tiers": [], "related": [], "same_model": [], "description": None,
    }
    escaped = run(catalog_db, "show", "open_router/formula-at", "--json")
    assert '"description": "Ignore \\u001b]0;owned\\u0007 this \\u202etxt.exe"' in escaped.output


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("deepinfra/meta-llama-llama-3.2-1b-instrct",
         "no offering 'deepinfra/meta-llama-llama-3.2-1b-instrct'; did you mean "
         "deepinfra/meta-llama-llama-3.2-1b-instruct, deepinfra/meta-llama-llama-3.1-70b-instruct, "
         "together_ai/meta-llama-llama-3.2-1b-instruct?"),
        ("groq/google-veo-3", "no offering 'groq/google-veo-3'; did you mean deepinfra/google-veo-3?"),
        ("meta-llama-llama-3.2-1b-instruct",
         "no offering 'meta-llama-llama-3.2-1b-instruct'; did you mean "
         "deepinfra/meta-llama-llama-3.2-1b-instruct, together_ai/meta-llama-llama-3.2-1b-instruct?"),
        ("x/y", "no offering 'x/y'; find it with `catalog models WORDS`"),
        ("together_ai/meta-llama-llama-2-7b-chat",
         "together_ai/meta-llama-llama-2-7b-chat is no longer listed (removed by the refresh of 2026-11-08); "
         "did you mean together_ai/meta-llama-llama-3.2-1b-instruct, open_router/meta-llama-llama-3.3-70b-instruct, "
         "deepinfra/meta-llama-llama-3.2-1b-instruct?"),
    ],
)
def test_show_unknown_offering_suggests_the_closest(catalog_db, key, message):
    result = run(catalog_db, "show", key)
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")


# --- compare ----------------------------------------------------------------------------------------

COMPARE_HEADER = "provider|model_id|name|currency|input_tokens_cost|output_tokens_cost|cost|missing"


def test_compare_ranks_across_providers_missing_last(catalog_db):
    result = run(catalog_db, "compare", "llama", "--input-tokens", "1M", "--output-tokens", "200k")
    assert (result.exit_code, result.output) == (0, tsv(
        COMPARE_HEADER,
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD|0.01|0.01|0.02|",
        "together_ai|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD|0.027|0.04|0.067|",
        "deepinfra|meta-llama-llama-3.1-70b-instruct|Meta: Llama 3.1 70B Instruct|USD|0.23|0.08|0.31|",
        # a blended '/ call' headline of 0.10 is shown on its page: it is not costed as a call price
        "open_router|meta-llama-llama-3.3-70b-instruct|Meta: Llama 3.3 70B Instruct|USD|0.1|||output_per_mtok",
    ))


def test_compare_keeps_other_currencies_apart(catalog_db):
    result = run(catalog_db, "compare", "mistral", "3.2", "--input-tokens", "2,000", "--calls", "1k")
    assert result.output == "Error: no offerings match 'mistral 3.2'; list them with `catalog models`\n"
    result = run(catalog_db, "compare", "m", "-c", "LLM Models", "-p", "open_router", "-i", "3e6", "-o", "1.5M")
    assert (result.exit_code, result.output) == (0, tsv(
        COMPARE_HEADER,
        'open_router|formula-hyperlink|=HYPERLINK("http://x")|USD|1.5|2.25|3.75|',
        "open_router|formula-plus|+1|USD|3|3|6|",
        "open_router|formula-minus|-2|USD|6|6|12|",
        "open_router|formula-at|@SUM(A1)|USD|9|9|18|",
        "open_router|mistralai-mistral-small-eu|Mistral: Small (EU)|EUR|0.3|0.45|0.75|",
        "open_router|meta-llama-llama-3.3-70b-instruct|Meta: Llama 3.3 70B Instruct|USD|0.3|||output_per_mtok",
    ))


def test_compare_images_seconds_and_calls(catalog_db):
    result = run(catalog_db, "compare", "flux", "--images", "1,000", "--calls", "3")
    assert (result.exit_code, result.output) == (0, tsv(
        "provider|model_id|name|currency|images_cost|cost|missing",
        "together_ai|black-forest-labs-flux-1-schnell|Black Forest Labs: FLUX.1 [schnell]|USD|9|9|",
    ))
    result = run(catalog_db, "compare", "veo", "--seconds", "2.5", "--images", "1")
    assert (result.exit_code, result.output) == (0, tsv(
        "provider|model_id|name|currency|images_cost|seconds_cost|cost|missing",
        "deepinfra|google-veo-3|Google: Veo 3|USD||1||per_image",
    ))


def test_compare_limit_per_currency(catalog_db, terminal):
    result = run(catalog_db, "compare", "l", "-i", "1M", "-o", "200k", "--limit", "1")
    assert (result.exit_code, result.output) == (0, tsv(
        COMPARE_HEADER,
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD|0.01|0.01|0.02|",
        "open_router|mistralai-mistral-small-eu|Mistral: Small (EU)|EUR|0.1|0.06|0.16|",
        "open_router|meta-llama-llama-3.3-70b-instruct|Meta: Llama 3.3 70B Instruct|USD|0.1|||output_per_mtok",
    ))
    as_json = run(catalog_db, "compare", "l", "-i", "1M", "-o", "200k", "--limit", "1", "--json")
    assert [(r["model_id"], r["cost"]) for r in json.loads(as_json.output)] == [
        ("meta-llama-llama-3.2-1b-instruct", "0.02"), ("mistralai-mistral-small-eu", "0.16"),
        ("meta-llama-llama-3.3-70b-instruct", None),
    ]
    terminal(100)
    result = run(catalog_db, "compare", "l", "-i", "1M", "-o", "200k", "-n", "2")
    assert (result.exit_code, result.output) == (0, """\
Cost of 1,000,000 input tokens + 200,000 output tokens
#   Offering                                       Input   Output   Total USD
─────────────────────────────────────────────────────────────────────────────
1   deepinfra/meta-llama-llama-3.2-1b-instruct      0.01     0.01        0.02
2   together_ai/meta-llama-llama-3.2-1b-instruct   0.027     0.04       0.067
... and 5 more priced in USD (raise --limit to see them)
Priced in EUR (not comparable with USD)
#   Offering                                 Input   Output   Total EUR
───────────────────────────────────────────────────────────────────────
1   open_router/mistralai-mistral-small-eu    0.10     0.06        0.16
Not ranked: missing a price this workload needs
Offering                                        Missing price
────────────────────────────────────────────────────────────────────
open_router/meta-llama-llama-3.3-70b-instruct   output per 1M tokens
together_ai/BAAI-bge-large-en-v1.5              output per 1M tokens
... and 2 more not ranked (raise --limit to see them)
""")


def test_compare_json(catalog_db):
    result = run(catalog_db, "compare", "llama", "70b", "-i", "1M", "-o", "200k", "--calls", "10", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"source": "modelslab", "offering": "deepinfra/meta-llama-llama-3.1-70b-instruct", "provider": "deepinfra", "model_id": "meta-llama-llama-3.1-70b-instruct",
         "name": "Meta: Llama 3.1 70B Instruct", "currency": "USD", "cost": "3.1", "missing": [],
         "costs": {"input_tokens": "2.3", "output_tokens": "0.8"}},
        {"source": "modelslab", "offering": "open_router/meta-llama-llama-3.3-70b-instruct", "provider": "open_router", "model_id": "meta-llama-llama-3.3-70b-instruct",
         "name": "Meta: Llama 3.3 70B Instruct", "currency": "USD", "cost": None, "missing": ["output_per_mtok"],
         "costs": {"input_tokens": "1", "output_tokens": None}},
    ]


def test_compare_on_a_terminal(catalog_db, terminal):
    terminal(80)
    result = run(catalog_db, "compare", "l", "-i", "1M", "-o", "200k", "--calls", "3")
    assert result.exit_code == 0
    assert result.output == """\
Cost of 3 calls of 1,000,000 input tokens + 200,000 output tokens each
#   Offering                                       Input   Output   Total USD
─────────────────────────────────────────────────────────────────────────────
1   deepinfra/meta-llama-llama-3.2-1b-instruct      0.03     0.03        0.06
2   together_ai/meta-llama-llama-3.2-1b-instruct   0.081     0.12       0.201
3   deepinfra/meta-llama-llama-3.1-70b-instruct     0.69     0.24        0.93
4   open_router/formula-hyperlink                   1.50     0.90        2.40
5   open_router/formula-plus                        3.00     1.20        4.20
6   open_router/formula-minus                       6.00     2.40        8.40
7   open_router/formula-at                          9.00     3.60       12.60
Priced in EUR (not comparable with USD)
#   Offering                                 Input   Output   Total EUR
───────────────────────────────────────────────────────────────────────
1   open_router/mistralai-mistral-small-eu    0.30     0.18        0.48
Not ranked: missing a price this workload needs
Offering                                  Missing price
────────────────────────────────────────────────────────────────────────────────
open_router/meta-llama-llama-3.3-70b-in   output per 1M tokens
struct
together_ai/BAAI-bge-large-en-v1.5        output per 1M tokens
deepinfra/google-veo-3                    input per 1M tokens, output per 1M
                                          tokens
together_ai/black-forest-labs-flux-1-sc   input per 1M tokens, output per 1M
hnell                                     tokens
"""


#: the usage error of a compare or cheapest without a count, naming every count option of the registry
WORKLOAD_NEEDED = ("give a workload: at least one of --input-tokens, --output-tokens, --cached-input-tokens, "
                   "--cache-write-tokens, --batch-input-tokens, --batch-output-tokens, --images, --seconds, "
                   "or --calls for a price per call")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--input-tokens", "1.5x"], f"Invalid value for '--input-tokens' / '-i': '1.5x' is not a count; {WHOLE}"),
        (["-o", "1.5"], f"Invalid value for '--output-tokens' / '-o': '1.5' is not a whole number; {WHOLE}"),
        (["--images", "-1"], f"Invalid value for '--images': '-1' is not a count; {WHOLE}"),
        (["--seconds", "soon"], "Invalid value for '--seconds': 'soon' is not a number; "
                                "use a number such as 90, 2.5, 1,200, 1.5k or 3e3"),
        (["-i", "5", "--calls", "0"], f"Invalid value for '--calls' / '--requests': '0' is less than 1; {WHOLE}"),
        ([], WORKLOAD_NEEDED),
        (["-i", "0"], WORKLOAD_NEEDED),
    ],
)
def test_compare_usage_errors_exit_2(catalog_db, args, error):
    result = run(catalog_db, "compare", "llama", *args)
    assert (result.exit_code, result.output) == (
        2, f"Usage: catalog compare [OPTIONS] [QUERY]...\nTry 'catalog compare --help' for help.\n\nError: {error}\n")


def test_compare_needs_a_query(catalog_db):
    result = run(catalog_db, "compare", "-i", "1M")
    assert result.exit_code == 2 and result.output.endswith(
        "Error: give the words of the models to compare (QUERY...) or --model KEY\n")


# --- cheapest --------------------------------------------------------------------------------------


def test_cheapest_top_n_of_each_currency(catalog_db):
    result = run(catalog_db, "cheapest", "-i", "1M", "-o", "200k", "--limit", "2")
    assert (result.exit_code, result.output) == (0, tsv(
        COMPARE_HEADER,
        "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD|0.01|0.01|0.02|",
        "together_ai|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD|0.027|0.04|0.067|",
        "open_router|mistralai-mistral-small-eu|Mistral: Small (EU)|EUR|0.1|0.06|0.16|",
    ))


def test_cheapest_on_a_terminal(catalog_db, terminal):
    terminal(80)
    result = run(catalog_db, "cheapest", "-i", "1M", "-o", "200k", "-n", "3")
    assert (result.exit_code, result.output) == (0, """\
Cost of 1,000,000 input tokens + 200,000 output tokens
#   Offering                                       Input   Output   Total USD
─────────────────────────────────────────────────────────────────────────────
1   deepinfra/meta-llama-llama-3.2-1b-instruct      0.01     0.01        0.02
2   together_ai/meta-llama-llama-3.2-1b-instruct   0.027     0.04       0.067
3   deepinfra/meta-llama-llama-3.1-70b-instruct     0.23     0.08        0.31
... and 4 more priced in USD (raise --limit to see them)
Priced in EUR (not comparable with USD)
#   Offering                                 Input   Output   Total EUR
───────────────────────────────────────────────────────────────────────
1   open_router/mistralai-mistral-small-eu    0.10     0.06        0.16
4 offerings lack a price this workload needs and are not listed
""")


def test_cheapest_json_and_category(catalog_db):
    result = run(catalog_db, "cheapest", "--category", "embedding models", "--input-tokens", "250M", "--json")
    assert (result.exit_code, json.loads(result.output)) == (0, [
        {"source": "modelslab", "offering": "together_ai/BAAI-bge-large-en-v1.5", "provider": "together_ai", "model_id": "BAAI-bge-large-en-v1.5", "name": "BAAI: BGE Large EN v1.5",
         "currency": "USD", "cost": "5", "missing": [], "costs": {"input_tokens": "5"}},
    ])


def test_cheapest_when_nothing_has_the_prices(catalog_db):
    result = run(catalog_db, "cheapest", "--category", "Image Generation", "--seconds", "10")
    assert (result.exit_code, result.output) == (1, "Error: none of the 1 offerings of category 'Image Generation' "
                                                    "has the prices this workload needs (per second)\n")


# --- exact costs beyond 28 digits, rounded only on a terminal (issue 9, case 7) -----------------------

#: the widest price a page may give (18 whole digits, 12 decimals), and the smallest
LONG_PRICE = record("open_router", "long-price", "Long price", input="123456789012345678.123456789012",
                    output="0.000000000001", **LLM)
HUGE = ["-i", "123456789012345", "-o", "1", "--calls", "987654321987654"]
#: 123456789012345 x 987654321987654 x 123456789012345678.123456789012 / 10^6, worked out in integers
#: by the test below; Python's default 28-digit decimals printed 15053411129551453208541304290000000000000
INPUT_COST = "15053411129551453208541304291863870062774.21664245203213356"
OUTPUT_COST = "0.000987654321987654"
TOTAL_COST = "15053411129551453208541304291863870062774.217630106354121214"


@pytest.fixture
def long_price_db(engine, db_url) -> str:
    fill(engine, [*RECORDS, LONG_PRICE])
    return db_url


def test_expected_costs_are_the_integer_products():
    def decimal_text(numerator: int, scale: int) -> str:  # numerator / 10^scale, digit for digit
        whole, fraction = divmod(numerator, 10**scale)
        return f"{whole}.{fraction:0{scale}d}".rstrip("0").rstrip(".")

    # prices have 12 decimals, token prices are per 10^6 tokens: every cost is an integer / 10^18
    input_units = 123456789012345 * 987654321987654 * 123456789012345678123456789012
    output_units = 1 * 987654321987654 * 1
    assert INPUT_COST == decimal_text(input_units, 18)
    assert OUTPUT_COST == decimal_text(output_units, 18)
    assert TOTAL_COST == decimal_text(input_units + output_units, 18)


def test_costs_beyond_28_digits_are_exact_piped_and_in_json(long_price_db):
    piped = run(long_price_db, "compare", "long-price", *HUGE)
    assert (piped.exit_code, piped.output) == (0, tsv(
        COMPARE_HEADER, f"open_router|long-price|Long price|USD|{INPUT_COST}|{OUTPUT_COST}|{TOTAL_COST}|"))
    as_json = run(long_price_db, "compare", "long-price", *HUGE, "--json")
    assert (as_json.exit_code, json.loads(as_json.output)) == (0, [{
        "source": "modelslab", "offering": "open_router/long-price", "provider": "open_router", "model_id": "long-price", "name": "Long price", "currency": "USD",
        "cost": TOTAL_COST, "missing": [], "costs": {"input_tokens": INPUT_COST, "output_tokens": OUTPUT_COST},
    }])


def test_huge_costs_on_a_terminal_are_rounded_to_cents_not_an_error(long_price_db, terminal):
    terminal(140)
    result = run(long_price_db, "cheapest", "--images", "1e15", "--calls", "1e15")
    assert (result.exit_code, result.output) == (0, """\
Cost of 1,000,000,000,000,000 calls of 1,000,000,000,000,000 images each
#   Offering                                                                         Images                                  Total USD
──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
1   together_ai/black-forest-labs-flux-1-schnell   3,000,000,000,000,000,000,000,000,000.00   3,000,000,000,000,000,000,000,000,000.00
12 offerings lack a price this workload needs and are not listed
""")
    terminal(80)  # too narrow: the digits fold onto a second line, none is cut off
    result = run(long_price_db, "compare", "long-price", *HUGE)
    assert (result.exit_code, result.output) == (0, """\
Cost of 987,654,321,987,654 calls of 123,456,789,012,345 input tokens + 1 output tokens each
#   Offering                            Input      Output              Total USD
────────────────────────────────────────────────────────────────────────────────
1   open_router/long-pr   15,053,411,129,551,   0.0009877   15,053,411,129,551,4
    ice                   453,208,541,304,291               53,208,541,304,291,8
                          ,863,870,062,774.22                  63,870,062,774.22
""")


def test_displayed_costs_round_half_up(catalog_db, terminal):
    """0.012345 to four significant digits: 0.01235 half up (money tables), 0.01234 half even."""
    piped = run(catalog_db, "compare", "llama 3.2 1b", "-p", "deepinfra", "-i", "1,234,500")
    assert piped.output == tsv("provider|model_id|name|currency|input_tokens_cost|cost|missing",
                               "deepinfra|meta-llama-llama-3.2-1b-instruct|Meta: Llama 3.2 1B Instruct|USD"
                               "|0.012345|0.012345|")  # piped: never rounded
    terminal(100)
    result = run(catalog_db, "compare", "llama 3.2 1b", "-p", "deepinfra", "-i", "1,234,500")
    assert (result.exit_code, result.output) == (0, """\
Cost of 1,234,500 input tokens
#   Offering                                       Input   Total USD
────────────────────────────────────────────────────────────────────
1   deepinfra/meta-llama-llama-3.2-1b-instruct   0.01235     0.01235
""")


# --- errors common to every query command ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["models"], ["models", "llama"], ["show", "a/b"], ["compare", "llama", "-i", "1"], ["cheapest", "-i", "1"],
     ["export"], ["export", "llama"]],
)
def test_empty_database(db_url, args):
    result = run(db_url, *args)  # a new database: created and migrated on first use, then found empty
    assert (result.exit_code, result.output) == (1, EMPTY)


def test_fast_path_and_full_path_agree(catalog_db, monkeypatch):
    """The reader straight on the driver, and on the connection of an engine (how a database
    that needed migrating is read), give the same answers."""
    from catalog import reader

    args = ["compare", "llama", "-i", "1M", "-o", "200k", "--json"]
    fast = run(catalog_db, *args)
    monkeypatch.setattr(reader, "_connect_fast", lambda url: None)
    full = run(catalog_db, *args)
    assert fast.exit_code == full.exit_code == 0 and fast.output == full.output


def test_database_url_from_the_environment(catalog_db, monkeypatch):
    monkeypatch.setenv(db.ENV_VAR, catalog_db)
    result = CliRunner().invoke(cli, ["models", "flux"])
    assert result.exit_code == 0 and "black-forest-labs-flux-1-schnell" in result.output


# --- the CLI as a whole -----------------------------------------------------------------------------


def _commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_command_has_help():
    commands = dict(_commands(cli))
    assert {"models", "show", "compare", "cheapest", "export"} <= set(commands)
    for name, command in commands.items():
        assert (command.help or "").strip(), f"`catalog {name}` has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and name in ("models", "show", "compare", "cheapest", "export"):
                assert param.help, f"`catalog {name} {param.opts[0]}` has no help text"


def test_query_commands_do_not_import_scrapy(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    fill(engine)
    engine.dispose()
    code = f"""
import sys
from catalog.cli import cli
for args in (["models"], ["show", "google-veo-3"], ["compare", "llama", "-i", "1M"], ["cheapest", "--images", "2"],
             ["export"]):
    cli.main([*args, "--db", {url!r}], prog_name="catalog", standalone_mode=False)
print("scrapy" in sys.modules, sorted(m for m in sys.modules if m.split(".")[0] in ("scrapy", "twisted")),
      file=sys.stderr)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False []"
