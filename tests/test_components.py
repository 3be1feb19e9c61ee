"""The price-component registry: declared once, read everywhere; the two components it added."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.components import COMPONENTS, HEADLINE, PER_CALL, QUANTITIES, by_name, costed
from spiders.parsing import parse_model_llms, parse_model_page
from tests import pagegen
from tests.pagegen import image, llm, render

ROOT = Path(__file__).resolve().parent.parent


def parse(page: pagegen.Page, text: str | None = None):
    return parse_model_page(text if text is not None else render(page), page.url)


def test_names_columns_and_quantities_are_unique():
    names = [c.name for c in COMPONENTS]
    assert len(set(names)) == len(names)
    assert len({c.column for c in COMPONENTS}) == len(COMPONENTS)
    assert list(QUANTITIES) == ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens",
                                "batch_input_tokens", "batch_output_tokens", "images", "seconds"]
    assert HEADLINE not in costed() and PER_CALL in costed()
    with pytest.raises(KeyError, match="no price component 'nope'; known: input_per_mtok, "):
        by_name("nope")


def test_component_names_live_in_the_registry_and_the_parsers_table():
    """Adding a component touches the registry and the page parser's table, nothing else."""
    shipped = [*ROOT.joinpath("catalog").rglob("*.py"), *ROOT.joinpath("spiders").rglob("*.py")]
    naming = sorted(str(p.relative_to(ROOT)) for p in shipped if "input_per_mtok" in p.read_text(encoding="utf-8"))
    assert naming == ["catalog/components.py", "spiders/parsing/model_page.py"]


# --- cached input: the "Cached input" line of the Pricing block ---------------------------------------


def test_a_cached_input_line_is_the_cache_read_price():
    page = llm(input="0.50", output="1.50", headline="1.000000")
    text = render(page).replace("Output $1.50 / 1M tokens", "Output $1.50 / 1M tokens\n\nCached input $0.05 / 1M tokens")
    rec = parse(page, text)
    assert rec.prices == {"input_per_mtok": Decimal("0.50"), "output_per_mtok": Decimal("1.50"),
                          "cache_read_per_mtok": Decimal("0.05"), "headline": Decimal("1.000000")}
    assert rec.unit_of("cache_read_per_mtok") == "1M tokens"
    assert rec.warnings == []


def test_cached_input_per_1k_is_stored_per_1m_and_a_wrong_unit_is_refused():
    page = llm()
    per_1k = render(page).replace("Output $0.20 / 1M tokens", "Output $0.20 / 1M tokens\n\nCached Input $0.00001 / 1K tokens")
    assert parse(page, per_1k).prices["cache_read_per_mtok"] == Decimal("0.01000")
    per_image = render(page).replace("Output $0.20 / 1M tokens", "Output $0.20 / 1M tokens\n\nCached input $0.01 / image")
    rec = parse(page, per_image)
    assert "cache_read_per_mtok" not in rec.prices
    assert rec.warnings == ["cached input price '$0.01 / image' has unit 'image', expected '1M tokens'; left empty"]


def test_llms_txt_fills_a_cached_input_price_the_page_lacks():
    llms = parse_model_llms("# M\n\n- Model ID: m\n- Cached input: $0.02 / 1M tokens\n",
                            "https://modelslab.com/models/p/m/llms.txt")
    assert llms.prices == {"cache_read_per_mtok": Decimal("0.02")}


# --- per call: a page priced per call in its header and its specifications ------------------------------


def endpoint(**values) -> pagegen.Page:
    """A ModelsLab API endpoint priced per call: header and specifications agree, no other price."""
    base = dict(provider="modelslab", model_id="flux-kontext-pro", creator="black-forest-labs",
                name="Flux Kontext Pro", category="Image Generation", task="Image Editing", per_image=None,
                headline="0.470000", headline_unit="call", spec_unit="per call", pricing=False)
    return image(**{**base, **values})


def test_a_page_priced_per_call_stores_a_per_call_price():
    rec = parse(endpoint())
    assert rec.prices == {"headline": Decimal("0.470000"), "per_call": Decimal("0.470000")}
    assert (rec.headline_unit, rec.headline_spec_unit, rec.headline_unit_conflict) == ("call", "per call", False)
    assert rec.unit_of("per_call") == "call"


@pytest.mark.parametrize(
    ("page", "why"),
    [
        (llm(), "the seed's case: '/ call' beside token prices, specifications per million tokens"),
        (endpoint(spec_unit="per million tokens"), "the specifications disagree"),
        (endpoint(spec_price="0.480000"), "the specifications give another figure"),
        (endpoint(pricing=True, per_image="0.47"), "the page shows another price"),
        (endpoint(spec=False), "no specifications confirm it"),
    ],
    ids=["seed", "spec-unit", "spec-price", "other-price", "no-spec"],
)
def test_a_call_headline_is_not_a_per_call_price_unless_the_page_agrees(page, why):
    rec = parse(page)
    assert "per_call" not in rec.prices, why
    assert rec.prices["headline"] == Decimal(page.headline)


def test_the_seed_page_stays_a_headline_only():
    seed = next(ROOT.joinpath("tests", "fixtures", "seed").glob("*.md"))
    rec = parse_model_page(seed.read_bytes(), "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md")
    assert set(rec.prices) == {"input_per_mtok", "output_per_mtok", "headline"}
    assert rec.headline_unit_conflict is True


def test_registry_spellings_reach_the_parser():
    """Every Pricing-block label of the registry is read by the page parser (none hard-coded elsewhere)."""
    for component in COMPONENTS:
        for label in component.page_labels:
            unit = {"1M tokens": "/ 1M tokens", "image": "/ image", "second": "/ second", "call": "/ call"}[
                component.printed_units[0]]
            page = llm(input=None, output=None, headline=None)
            text = render(page).replace("API EndpointsOpenAI Compatible", f"Pricing{label} $0.25 {unit}\n\nAPI Endpoints")
            assert parse(page, text).prices == {component.name: Decimal("0.25")}, label
            assert re.search(r"\S", label)
