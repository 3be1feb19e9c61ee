"""Where sources disagree: which offerings of two sources state the same price, and how far
apart they are (catalog.Catalog.crosscheck; the reader gathers the prices).

Offerings are compared by their model key and provider key (catalog.identity), one price
component at a time. Where each of two sources has one offering of the model at the provider,
those two are compared, unless only one of them is a ``:free`` variant (OpenRouter's free twin of
a model is priced 0 on purpose: it is not the paid offering another source lists). Where a source has several (regions, variants, routers: LiteLLM's
``bedrock/eu/...`` beside ``bedrock/...``, OpenRouter's ``:free`` twin), an offering is paired
with the other source's offering of the same name, told by its model ID with the provider prefix
and punctuation dropped (``accounts-fireworks-routers-x`` is ``fireworks_ai/accounts/fireworks/
routers/x``), else with the one offering whose name ends the other's; an offering left unpaired
is not compared (which of the other's it answers to cannot be told), so a region one source lists
and the other does not is no disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from catalog.views import Discrepancy, SourcedPrice, percent, split_key, split_source

__all__ = ["compare", "pairs"]

_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def compare(model: str, provider: str, component: str, values: Sequence[SourcedPrice]) -> tuple[bool, Discrepancy | None]:
    """Whether VALUES (one component of one model at one provider, from every source) hold a pair
    of offerings of two sources to compare, and their Discrepancy if a compared pair differs."""
    by_source: dict[str, list[SourcedPrice]] = {}
    for value in values:
        by_source.setdefault(value.source, []).append(value)
    names = sorted(by_source)
    compared, differing = False, []
    worst: Decimal | None = Decimal(0)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for x, y in pairs(by_source[a], by_source[b]):
                compared = True
                if x.amount == y.amount:
                    continue
                differing += [x, y]
                gap = _percent(x.amount, y.amount)
                if worst is not None and (gap is None or gap > worst):
                    worst = gap
    if not differing:
        return compared, None
    shown = sorted(set(differing), key=lambda v: (v.amount, v.source, v.offering))
    return compared, Discrepancy(model, provider, component, tuple(shown), worst)


def pairs(a: Sequence[SourcedPrice], b: Sequence[SourcedPrice]) -> list[tuple[SourcedPrice, SourcedPrice]]:
    """The offerings of A and of B that answer to each other (see the module doc)."""
    if len(a) == 1 and len(b) == 1:
        return [] if _free(a[0]) != _free(b[0]) else [(a[0], b[0])]
    names = {id(v): _name(v.offering) for v in (*a, *b)}
    left, right = list(a), list(b)
    found = []
    for same in (lambda x, y: x == y, lambda x, y: x.endswith(y) or y.endswith(x)):
        for x in list(left):
            candidates = [y for y in right if same(names[id(x)], names[id(y)])]
            if len(candidates) != 1:
                continue
            y = candidates[0]
            if [z for z in left if same(names[id(z)], names[id(y)])] == [x]:  # and x is y's only one
                found.append((x, y))
                left.remove(x)
                right.remove(y)
    return found


def _free(value: SourcedPrice) -> bool:
    return value.offering.lower().endswith(":free")


def _name(offering: str) -> str:
    """An offering's model ID without its provider prefix and punctuation, from its key
    (``litellm:bedrock/bedrock/eu.amazon.nova-lite-v1:0`` -> ``euamazonnovalitev10``)."""
    provider, model_id = split_key(split_source(offering)[1])
    model_id = model_id.lower()
    if model_id.startswith(provider.lower() + "/"):
        model_id = model_id[len(provider) + 1:]
    return _PUNCTUATION.sub("", model_id)


def _percent(x: Decimal, y: Decimal) -> Decimal | None:
    """How far apart X and Y are, in percent of the lower; None when it is 0 or less."""
    low, high = min(x, y), max(x, y)
    return None if low <= 0 else percent(low, high)
