"""A long-context call's cost by the "above" tier rule, written out for the by-hand cost tests of
the document sources (LiteLLM and genai-prices both price tiers so).

The costing engineer replaces these calls with catalog.costing once it prices tiers; the hand
figures in the tests stay.
"""

from __future__ import annotations

from decimal import Decimal

from catalog.records import PageRecord


def cost_above(record: PageRecord, input_tokens: int, cached_tokens: int, output_tokens: int) -> Decimal:
    """RECORD's price of one call: when the call's input tokens (cached ones included) are MORE than
    a tier's start, every token of the tier's component is priced at the tier amount."""
    rates = dict(record.prices)
    for tier in sorted(record.tiers, key=lambda t: t.start):
        if input_tokens + cached_tokens > tier.start:
            rates[tier.component] = tier.amount
    return (input_tokens * rates["input_per_mtok"] + cached_tokens * rates["cache_read_per_mtok"]
            + output_tokens * rates["output_per_mtok"]) / 1_000_000
