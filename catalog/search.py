"""Finding offerings by words, and putting them in order: the rules catalog.reader's SQL follows.

A QUERY is words in any order; an offering matches when every word occurs, in any case, in its
model ID or its name ("llama 3.2 1b" finds meta-llama-llama-3.2-1b-instruct). In SQL each word
is one parameterized `lower(column) LIKE '%word%'` pair; `%`, `_` and `\\` in a word match
themselves (like_pattern). :func:`matches` is the same rule in Python.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from catalog.components import costed

if TYPE_CHECKING:
    from catalog.views import OfferingView

#: the orders `catalog models --sort` offers
SORTS = ("name", "price", "added")
#: what --sort price compares: the first of these an offering prices
_PRICE_ORDER = tuple(c.name for c in costed())


def words(query: str | None) -> list[str]:
    """The lower-cased words of QUERY (split on white space), duplicates dropped."""
    return list(dict.fromkeys((query or "").lower().split()))


def like_pattern(word: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') that finds WORD anywhere in a value, literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"


def matches(query: str | None, *texts: str | None) -> bool:
    """Whether every word of QUERY occurs in one of TEXTS (any case): the SQL filter, in Python."""
    haystacks = [t.lower() for t in texts if t]
    return all(any(w in h for h in haystacks) for w in words(query))


def describe_filters(query: str | None, provider: str | None, category: str | None,
                     source: str | None = None, model: str | None = None) -> str:
    """The filters in words, for messages: "'llama 3' and provider 'groq'"."""
    parts = [repr(query)] if query else []
    if provider:
        parts.append(f"provider {provider!r}")
    if category:
        parts.append(f"category {category!r}")
    if source:
        parts.append(f"source {source!r}")
    if model:
        parts.append(f"model {model!r}")
    return " and ".join(parts) if parts else "the catalog"


def _price_key(view: OfferingView) -> tuple:
    for rank, component in enumerate(_PRICE_ORDER):
        price = view.prices.get(component)
        if price is not None:
            return (rank, price.currency != "USD", price.currency, price.amount, view.provider, view.model_id)
    return (len(_PRICE_ORDER), True, "", Decimal(0), view.provider, view.model_id)


def sort_offerings(views: list[OfferingView], how: str) -> list[OfferingView]:
    """VIEWS in the order HOW names (one of SORTS).

    name: by name (or model ID); price: cheapest first by the first price an offering shows, in
    the registry's order (input per 1M tokens, output, cached input, per image, per second, per
    call), USD before other currencies, unpriced last; added: newest first. Ties by provider,
    then model ID.
    """
    if how not in SORTS:
        raise ValueError(f"unknown order {how!r}; use one of {', '.join(SORTS)}")
    if how == "price":
        return sorted(views, key=_price_key)
    if how == "added":
        dated = sorted((v for v in views if v.date_added), key=lambda v: (v.provider, v.model_id))
        dated.sort(key=lambda v: v.date_added, reverse=True)
        return dated + [v for v in views if not v.date_added]
    return sorted(views, key=lambda v: ((v.name or v.model_id).lower(), v.provider, v.model_id))
