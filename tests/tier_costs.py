"""A long-context call's cost, through catalog.costing, for the by-hand cost tests of the document
sources: the hand figures in those tests check the engine's tier rules against each source's."""

from __future__ import annotations

from decimal import Decimal

from catalog.costing import Workload, cost
from catalog.reader import Amount, Brief, Tier
from catalog.records import PageRecord


def as_offering(record: PageRecord) -> Brief:
    """RECORD as the costing reads an offering (catalog.reader.Brief)."""
    tiers: dict[str, list[Tier]] = {}
    for tier in sorted(record.tiers, key=lambda t: t.start):
        tiers.setdefault(tier.component, []).append(Tier(tier.start, tier.basis, tier.amount, record.currency))
    prices = {name: Amount(amount, record.currency) for name, amount in record.prices.items()}
    return Brief(0, record.provider, record.model_id, record.name, prices, "test", tiers)


def cost_above(record: PageRecord, input_tokens: int, cached_tokens: int, output_tokens: int) -> Decimal:
    """RECORD's price of one call of INPUT_TOKENS (fresh), CACHED_TOKENS (read from the cache) and
    OUTPUT_TOKENS, as catalog.costing prices it (the prompt is input and cached tokens together)."""
    counts = {"input_tokens": input_tokens, "cached_input_tokens": cached_tokens, "output_tokens": output_tokens}
    quote = cost(as_offering(record), Workload(**{k: v for k, v in counts.items() if v}))
    assert quote.missing == [], quote.missing
    return quote.cost
