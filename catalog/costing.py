"""What a workload costs on each offering, exactly (Decimal), and the ranking of offerings by it.

A workload is counts per call, one per quantity of the price components (catalog.components:
input tokens, output tokens, cached input tokens, images, seconds), and a number of calls. Each
count is priced by its component, per the units one amount buys:

    input tokens x (input price per 1M tokens) / 1,000,000         images x (price per image) ...

`calls` repeats the workload: every count's cost is multiplied by it (default 1). A price per
call (per_call) is charged once per call wherever the offering has one; a workload of calls
alone (no counts) needs it. The site's headline figure printed "/ call" beside token prices is
the mean of the input and output prices per 1M tokens (its specifications say "per million
tokens"), so it is never used as a price: it is not per_call, and no component is costed from it.

An offering that lacks a component the workload needs is *missing* it: it gets no cost (never a
cost that counts the missing part as 0) and is listed after the priced offerings, with the
missing components named. Costs in different currencies are never ranked together: offerings
priced in USD form the main ranking, each other currency its own; an offering whose needed
prices are in several currencies has no cost.

Every cost is exact: all arithmetic runs in exact_arithmetic(), a context of PRECISION digits in
which a result that would need rounding raises PrecisionExceeded instead. Rounding happens only to show
a cost to a person (round_for_display, used by the terminal tables), never to a stored, summed,
compared, piped or JSON value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, NamedTuple, Protocol

from catalog.components import PER_CALL, QUANTITIES
from catalog.errors import CatalogError
from catalog.views import PRECISION

BASE_CURRENCY = "USD"
# PRECISION (catalog.views): significant digits for cost arithmetic. A count below 10^15 with at
# most 6 decimals (what catalog.units accepts) times calls up to 10^15 times a price below 10^18
# with at most 12 decimals (what catalog.records accepts) lies between 10^-18 and 10^48: four
# such parts add up to at most 67 digits, so every cost is exact
#: the context of every cost computation: a result that would lose a digit raises Inexact
EXACT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN,
                traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
#: how a cost is rounded for a person to read (terminal tables only): half up, as money tables
#: and invoices do (0.012345 to 4 digits is 0.01235; Decimal's default half-even gives 0.01234)
DISPLAY_ROUNDING = ROUND_HALF_UP
_ZERO = Decimal(0)


class PrecisionExceeded(CatalogError):
    """A cost would need more than PRECISION significant digits (counts or prices beyond the bounds)."""


@contextmanager
def exact_arithmetic() -> Iterator[None]:
    """Decimal arithmetic in EXACT for the block: a result that would be rounded raises PrecisionExceeded."""
    try:
        with localcontext(EXACT):
            yield
    except Inexact:
        raise PrecisionExceeded(
            f"a cost of this workload would need more than {PRECISION} significant digits; use counts up to "
            "10^15 with at most 6 decimals"
        ) from None


def round_for_display(amount: Decimal, places: int) -> Decimal:
    """AMOUNT rounded (DISPLAY_ROUNDING) to PLACES decimals, for a person to read; never computed on.

    The context holds every digit the result needs, so nothing but the asked rounding happens
    (the default 28-digit context cannot quantize 3E+27 to cents: InvalidOperation).
    """
    context = EXACT.copy()
    context.rounding = DISPLAY_ROUNDING
    context.traps[Inexact] = False
    context.prec = max(PRECISION, amount.adjusted() + places + 2)
    return amount.quantize(Decimal(1).scaleb(-places), context=context)


class Workload:
    """Counts per call, one per workload quantity of the registry (``input_tokens``,
    ``output_tokens``, ``cached_input_tokens``, ``images``, ``seconds``), and the number of calls.

        Workload(input_tokens=1_500_000, output_tokens=200_000)
        Workload(calls=1000)            # what 1,000 calls cost where a call has a price
        Workload(requests=1000)         # the same: a request is a call

    A count left out (or 0) is not used. Counts are exact decimals (ints and strings welcome,
    floats refused: they are not the numbers they look like).
    """

    __slots__ = ("counts", "calls")

    def __init__(self, *, calls: int | str | Decimal | None = None, requests: int | str | Decimal | None = None,
                 **counts: int | str | Decimal) -> None:
        if calls is not None and requests is not None:
            raise ValueError("give calls or requests (the same thing: the calls made), not both")
        calls = 1 if calls is None and requests is None else (calls if calls is not None else requests)
        unknown = sorted(set(counts) - set(QUANTITIES))
        if unknown:
            raise ValueError(f"no workload quantity {', '.join(unknown)}; known: {', '.join(QUANTITIES)}, calls")
        values = {name: _count(name, counts.get(name, 0)) for name in QUANTITIES}
        object.__setattr__(self, "counts", values)
        object.__setattr__(self, "calls", _count("calls", calls))

    def __getattr__(self, name: str) -> Decimal:
        counts = object.__getattribute__(self, "counts")
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Workload is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workload) and (self.counts, self.calls) == (other.counts, other.calls)

    def __hash__(self) -> int:
        return hash((tuple(self.counts.values()), self.calls))

    def __repr__(self) -> str:
        used = ", ".join(f"{name}={value}" for name, value in self.counts.items() if value)
        return f"Workload({used + ', ' if used else ''}calls={self.calls})"

    @property
    def used(self) -> dict[str, Decimal]:
        """The quantities this workload counts (non-zero), in registry order."""
        return {name: value for name, value in self.counts.items() if value}

    @property
    def components(self) -> tuple[str, ...]:
        """The price components this workload needs, in registry order: those of its counts,
        or, for calls alone, the price per call."""
        if not self.calls:
            return ()
        needed = tuple(QUANTITIES[name].name for name in self.used)
        return needed or (PER_CALL.name,)

    @property
    def empty(self) -> bool:
        return not self.components

    @property
    def prompt_tokens(self) -> Decimal:
        """The tokens of a call's prompt (input, cached input, cache writes, batch input): what a
        long-context tier's threshold is compared with."""
        return sum((count for name, count in self.counts.items() if QUANTITIES[name].prompt), _ZERO)

    def quantity(self, component: str) -> Decimal:
        """The total units of COMPONENT's measure over all calls (tokens, images, seconds, calls)."""
        if component == PER_CALL.name:
            return self.calls
        for name, priced in QUANTITIES.items():
            if priced.name == component:
                with exact_arithmetic():
                    return self.counts[name] * self.calls
        raise KeyError(component)


def _count(name: str, value: int | str | Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{name} must be an int, a decimal string or a Decimal, not a float")
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return number


class Priced(Protocol):
    """What costing reads from an offering (a catalog.reader.Brief; an OfferingView's prices fit,
    but its tiers have another shape: they are read only in a Brief's, component -> [Tier])."""

    provider: str
    model_id: str
    name: str | None
    prices: Mapping[str, Any]  # component -> something with .amount (Decimal) and .currency


class Quote:
    """One offering's cost for a workload: per component (None where the price is missing)."""

    __slots__ = ("offering", "parts", "currency", "missing", "cost")

    def __init__(
        self,
        offering: Priced,
        parts: dict[str, Decimal | None],
        currency: str | None,
        missing: list[str],
        cost: Decimal | None,
    ):
        self.offering = offering
        #: component -> what it costs (None: the offering has no price for it)
        self.parts = parts
        #: the currency of the needed prices; None when they are in several currencies (or none)
        self.currency = currency
        #: the needed components the offering has no price for
        self.missing = missing
        #: the workload's cost; None when a component is missing or the currencies are mixed
        self.cost = cost

    @property
    def mixed_currencies(self) -> bool:
        return self.currency is None and not self.missing

    def __repr__(self) -> str:
        return f"Quote({self.offering.provider}/{self.offering.model_id}, {self.cost} {self.currency}, missing={self.missing})"


class _Factor(NamedTuple):
    component: str
    #: units of the workload per unit the price is quoted in (count x calls / per)
    factor: Decimal
    #: whether an offering lacking the price is missing it (else it is charged where priced)
    needed: bool
    #: the count per call (for long-context tiers) and the calls per unit of price (calls / per)
    count: Decimal
    per_count: Decimal


def _factors(workload: Workload) -> list[_Factor]:
    """A factor for every component the workload can be charged: the needed ones, then the price
    per call wherever an offering has one."""
    with exact_arithmetic():
        factors = [
            _Factor(QUANTITIES[name].name, count * workload.calls / QUANTITIES[name].per, True, count,
                    workload.calls / QUANTITIES[name].per)  # per: a power of ten
            for name, count in workload.used.items()
        ]
    if workload.calls:
        factors.append(_Factor(PER_CALL.name, workload.calls, not factors, Decimal(1), workload.calls))
    return factors


def charged(workload: Workload) -> tuple[str, ...]:
    """The components a ranking of WORKLOAD reads: the needed ones, and the price per call."""
    return tuple(factor.component for factor in _factors(workload))


def tiered(base: Decimal, tiers: Sequence[Any], count: Decimal, input_tokens: Decimal) -> Decimal:
    """What COUNT units of a component cost in one call, its price quoted per unit: BASE, or its
    long-context TIERS (each with .start, .basis, .amount; ascending starts) as their rules say
    (catalog.records.TierBasis). INPUT_TOKENS is the size of the call's prompt (Workload.prompt_tokens):

    - "above" (LiteLLM, genai-prices): the call's INPUT_TOKENS are more than a tier's start: every unit at the
      price of the highest such tier;
    - "from" (OpenRouter): the same for at least the start;
    - "marginal" (graduated): the units of this component up to the first start at the base
      price, those past each start at that tier's price.
    """
    if not tiers:
        return base * count
    if tiers[0].basis == "marginal":
        total, below, price = _ZERO, _ZERO, base
        for tier in tiers:
            start = Decimal(tier.start)
            if count <= start:
                break
            total += price * (start - below)
            below, price = start, tier.amount
        return total + price * (count - below)
    price = base
    for tier in tiers:
        if input_tokens > tier.start or (tier.basis == "from" and input_tokens == tier.start):
            price = tier.amount
    return price * count


def _quote(offering: Priced, factors: list[_Factor], input_tokens: Decimal = _ZERO) -> Quote:
    """The cost for the workload of FACTORS; run inside exact_arithmetic()."""
    parts: dict[str, Decimal | None] = {}
    missing: list[str] = []
    currency: str | None = None
    currencies = 0
    total = _ZERO
    prices = offering.prices
    tiers = getattr(offering, "tiers", None)
    for component, factor, needed, count, per_count in factors:
        price = prices.get(component)
        if price is None:
            if needed:
                parts[component] = None
                missing.append(component)
            continue
        if tiers and component in tiers:
            part = tiered(price.amount, tiers[component], count, input_tokens) * per_count
        else:
            part = factor * price.amount
        parts[component] = part
        total += part
        if price.currency != currency:
            currency = price.currency
            currencies += 1
    if currencies > 1:
        currency = None
    return Quote(offering, parts, currency, missing, None if missing or currency is None else total)


def cost(offering: Priced, workload: Workload) -> Quote:
    """The cost of WORKLOAD on OFFERING, component by component, exact."""
    factors = _factors(workload)
    with exact_arithmetic():
        return _quote(offering, factors, workload.prompt_tokens)


@dataclass
class Ranking:
    """Offerings ranked by a workload's cost: USD first, then one ranking per other currency,
    then the offerings that cannot be ranked (a missing price, or mixed currencies)."""

    workload: Workload
    by_currency: dict[str, list[Quote]] = field(default_factory=dict)
    unpriced: list[Quote] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        """Currencies with ranked offerings, USD first, then alphabetically."""
        return sorted(self.by_currency, key=lambda c: (c != BASE_CURRENCY, c))

    def ordered(self) -> list[Quote]:
        """Everything, in the order shown: each currency's ranking, then the unpriced."""
        return [c for currency in self.currencies for c in self.by_currency[currency]] + self.unpriced

    def __len__(self) -> int:
        return sum(len(costs) for costs in self.by_currency.values()) + len(self.unpriced)


def _order(quote: Quote) -> tuple:
    return quote.cost, quote.offering.provider, quote.offering.model_id


def rank(offerings: Iterable[Priced], workload: Workload) -> Ranking:
    """Rank OFFERINGS by the cost of WORKLOAD, cheapest first (ties by provider, then model ID)."""
    if workload.empty:
        raise ValueError("the workload is empty: give at least one count (tokens, images, seconds) or calls")
    ranking = Ranking(workload)
    factors = _factors(workload)
    prompt_tokens = workload.prompt_tokens
    with exact_arithmetic():
        costs = [_quote(offering, factors, prompt_tokens) for offering in offerings]
    for result in costs:
        if result.cost is None:
            ranking.unpriced.append(result)
        elif result.currency in ranking.by_currency:
            ranking.by_currency[result.currency].append(result)
        else:
            ranking.by_currency[result.currency] = [result]  # type: ignore[index]
    for ranked in ranking.by_currency.values():
        ranked.sort(key=_order)
    ranking.unpriced.sort(key=lambda c: (len(c.missing), c.offering.provider, c.offering.model_id))
    return ranking
