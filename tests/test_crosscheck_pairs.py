"""catalog.crosscheck: which offerings of two sources answer to each other, and what differs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from catalog.crosscheck import compare, pairs
from catalog.views import SourcedPrice

T = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def price(source: str, offering: str, amount: str) -> SourcedPrice:
    return SourcedPrice(source, offering, Decimal(amount), "USD", "1M tokens", f"https://x.test/{offering}", T)


def named(found) -> list[tuple[str, str]]:
    return [(x.offering, y.offering) for x, y in found]


def test_one_offering_each_is_one_pair_whatever_the_names():
    a, b = price("modelslab", "fireworks_ai/fireworks-codegemma-7b", "0.2"), price(
        "litellm", "litellm:fireworks_ai/fireworks_ai/accounts/fireworks/models/codegemma-7b", "0.2")
    assert named(pairs([a], [b])) == [(a.offering, b.offering)]


def test_routers_and_models_are_paired_by_name():
    """The sitegen site re-prices Fireworks' router of a model and not the model: LiteLLM prices
    both 0.45. The router is compared with LiteLLM's router, the model with its model."""
    router = price("modelslab", "fireworks_ai/accounts-fireworks-routers-deepseek-v4p1-flash-us", "0.675")
    model = price("modelslab", "fireworks_ai/fireworks-deepseek-v4p1-flash-us", "0.45")
    l_router = price("litellm", "litellm:fireworks_ai/fireworks_ai/accounts/fireworks/routers/deepseek-v4p1-flash-us",
                     "0.45")
    l_model = price("litellm", "litellm:fireworks_ai/fireworks_ai/deepseek-v4p1-flash-us", "0.45")
    assert named(pairs([router, model], [l_model, l_router])) == [
        (router.offering, l_router.offering), (model.offering, l_model.offering)]
    compared, found = compare("fireworks/deepseek-v4p1-flash-us", "fireworks", "input_per_mtok",
                              [router, model, l_model, l_router])
    assert compared and [v.offering for v in found.values] == [l_router.offering, router.offering]
    assert found.difference == Decimal("50.00")


def test_a_region_or_variant_the_other_source_lacks_is_not_compared():
    base, eu = (price("litellm", "litellm:bedrock/bedrock/amazon.nova-lite-v1:0", "0.3"),
                price("litellm", "litellm:bedrock/bedrock/eu.amazon.nova-lite-v1:0", "0.429"))
    genai = price("genai-prices", "genai-prices:bedrock/amazon.nova-lite-v1:0", "0.3")
    assert named(pairs([base, eu], [genai])) == [(base.offering, genai.offering)]
    assert compare("amazon/nova-lite-v1:0", "bedrock", "input_per_mtok", [base, eu, genai]) == (True, None)
    # OpenRouter's :free twin, its name ending the other's: paired with nothing when both could be
    paid, free = price("openrouter", "openrouter:openrouter/x/y", "0.05"), price("openrouter", "openrouter:openrouter/x/y:free", "0")
    genai_y = price("genai-prices", "genai-prices:openrouter/x/y", "0.05")
    assert named(pairs([paid, free], [genai_y])) == [(paid.offering, genai_y.offering)]


def test_ambiguous_names_are_not_paired():
    a1, a2 = price("a", "a:p/m-1", "1"), price("a", "a:p/m-2", "2")
    b1, b2 = price("b", "b:p/x-m-1-y", "3"), price("b", "b:p/z", "4")
    # no name equal, none ending another: nothing to compare
    assert pairs([a1, a2], [b1, b2]) == []
    assert compare("k/m", "p", "input_per_mtok", [a1, a2, b1, b2]) == (False, None)


def test_a_free_twin_alone_is_not_the_paid_offering():
    free = price("openrouter", "openrouter:openrouter/nvidia/nemotron-nano-9b-v2:free", "0")
    paid = price("genai-prices", "genai-prices:openrouter/nvidia/nemotron-nano-9b-v2", "0.04")
    assert pairs([free], [paid]) == []
    also_free = price("genai-prices", "genai-prices:openrouter/nvidia/nemotron-nano-9b-v2:free", "0.01")
    assert named(pairs([free], [also_free])) == [(free.offering, also_free.offering)]
