"""What a workload costs on each offering, exactly (Decimal), and the ranking of offerings by it.

A workload is counts per call: input tokens, output tokens, images, seconds (of video). Each
count is priced by one component of the offering:

    input tokens  x input_per_mtok  / 1,000,000        images  x per_image
    output tokens x output_per_mtok / 1,000,000        seconds x per_second

`calls` repeats the workload: every component's cost is multiplied by it (default 1). The
catalog records no per-call price. The site's headline figure printed "/ call" is the mean of the
input and output prices per 1M tokens (its specifications say "per million tokens"), so it is
never used as a per-call price nor as any other cost component.

An offering that lacks a component the workload needs is *missing* it: it gets no total (never a
total that counts the missing part as 0) and is listed after the priced offerings, with the
missing components named. Costs in different currencies are never ranked together: offerings
priced in USD form the main ranking, each other currency its own; an offering whose needed
prices are in several currencies has no total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Protocol

BASE_CURRENCY = "USD"
MILLION = Decimal(1_000_000)
#: significant digits for cost arithmetic: counts up to 10^15 times 30-digit prices stay exact
PRECISION = 80
_ZERO = Decimal(0)

#: workload quantity -> (price component, how many units the component's amount buys)
QUANTITIES: dict[str, tuple[str, Decimal]] = {
    "input_tokens": ("input_per_mtok", MILLION),
    "output_tokens": ("output_per_mtok", MILLION),
    "images": ("per_image", Decimal(1)),
    "seconds": ("per_second", Decimal(1)),
}


@dataclass(frozen=True)
class Workload:
    """Counts per call, and the number of calls. Zero means the workload does not use that part."""

    input_tokens: Decimal = Decimal(0)
    output_tokens: Decimal = Decimal(0)
    images: Decimal = Decimal(0)
    seconds: Decimal = Decimal(0)
    calls: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        for name in (*QUANTITIES, "calls"):
            value = Decimal(getattr(self, name))
            if not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")
            object.__setattr__(self, name, value)

    @property
    def components(self) -> tuple[str, ...]:
        """The price components this workload needs, in a fixed order."""
        return tuple(component for name, (component, _) in QUANTITIES.items() if getattr(self, name))

    @property
    def empty(self) -> bool:
        return not self.components or not self.calls

    def quantity(self, component: str) -> Decimal:
        """The total units of COMPONENT's measure over all calls (tokens, images, seconds)."""
        for name, (comp, _) in QUANTITIES.items():
            if comp == component:
                return getattr(self, name) * self.calls
        raise KeyError(component)


class Priced(Protocol):
    """What costing reads from an offering (an OfferingView or a catalog.search.Brief)."""

    provider: str
    model_id: str
    name: str | None
    prices: Mapping[str, Any]  # component -> something with .amount (Decimal) and .currency


class Cost:
    """One offering's cost for a workload: per component (None where the price is missing)."""

    __slots__ = ("offering", "parts", "currency", "missing", "total")

    def __init__(
        self,
        offering: Priced,
        parts: dict[str, Decimal | None],
        currency: str | None,
        missing: list[str],
        total: Decimal | None,
    ):
        self.offering = offering
        self.parts = parts
        #: the currency of the needed prices; None when they are in several currencies (or none)
        self.currency = currency
        #: the needed components the offering has no price for
        self.missing = missing
        #: the workload's cost; None when a component is missing or the currencies are mixed
        self.total = total

    @property
    def mixed_currencies(self) -> bool:
        return self.currency is None and not self.missing

    def __repr__(self) -> str:
        return f"Cost({self.offering.provider}/{self.offering.model_id}, {self.total} {self.currency}, missing={self.missing})"


def _factors(workload: Workload) -> list[tuple[str, Decimal]]:
    """(component, units of the workload per unit the price is quoted in), for the needed components."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return [
            (component, getattr(workload, name) * workload.calls / per)  # exact: per is a power of ten
            for name, (component, per) in QUANTITIES.items()
            if getattr(workload, name)
        ]


def _cost(offering: Priced, factors: list[tuple[str, Decimal]]) -> Cost:
    """The cost for the workload of FACTORS; run inside a context of PRECISION digits."""
    parts: dict[str, Decimal | None] = {}
    missing: list[str] = []
    currency: str | None = None
    currencies = 0
    total = _ZERO
    prices = offering.prices
    for component, factor in factors:
        price = prices.get(component)
        if price is None:
            parts[component] = None
            missing.append(component)
            continue
        parts[component] = part = factor * price.amount
        total += part
        if price.currency != currency:
            currency = price.currency
            currencies += 1
    if currencies > 1:
        currency = None
    return Cost(offering, parts, currency, missing, None if missing or currency is None else total)


def cost(offering: Priced, workload: Workload) -> Cost:
    """The cost of WORKLOAD on OFFERING, component by component, exact."""
    factors = _factors(workload)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _cost(offering, factors)


@dataclass
class Ranking:
    """Offerings ranked by a workload's cost: USD first, then one ranking per other currency,
    then the offerings that cannot be ranked (a missing price, or mixed currencies)."""

    workload: Workload
    by_currency: dict[str, list[Cost]] = field(default_factory=dict)
    unpriced: list[Cost] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        """Currencies with ranked offerings, USD first, then alphabetically."""
        return sorted(self.by_currency, key=lambda c: (c != BASE_CURRENCY, c))

    def ordered(self) -> list[Cost]:
        """Everything, in the order shown: each currency's ranking, then the unpriced."""
        return [c for currency in self.currencies for c in self.by_currency[currency]] + self.unpriced

    def __len__(self) -> int:
        return sum(len(costs) for costs in self.by_currency.values()) + len(self.unpriced)


def _order(cost: Cost) -> tuple:
    return cost.total, cost.offering.provider, cost.offering.model_id


def rank(offerings: Iterable[Priced], workload: Workload) -> Ranking:
    """Rank OFFERINGS by the cost of WORKLOAD, cheapest first (ties by provider, then model ID)."""
    if workload.empty:
        raise ValueError("the workload is empty: give at least one count of tokens, images or seconds")
    ranking = Ranking(workload)
    factors = _factors(workload)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        costs = [_cost(offering, factors) for offering in offerings]
    for result in costs:
        if result.total is None:
            ranking.unpriced.append(result)
        elif result.currency in ranking.by_currency:
            ranking.by_currency[result.currency].append(result)
        else:
            ranking.by_currency[result.currency] = [result]  # type: ignore[index]
    for ranked in ranking.by_currency.values():
        ranked.sort(key=_order)
    ranking.unpriced.sort(key=lambda c: (len(c.missing), c.offering.provider, c.offering.model_id))
    return ranking
