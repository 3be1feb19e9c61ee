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

Every cost is exact: all arithmetic runs in exact_arithmetic(), a context of PRECISION digits in
which a result that would need rounding raises PrecisionExceeded instead. Rounding happens only to show
a cost to a person (round_for_display, used by the terminal tables), never to a stored, summed,
compared, piped or JSON value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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
from typing import Any, Protocol

from catalog.errors import CatalogError

BASE_CURRENCY = "USD"
MILLION = Decimal(1_000_000)
#: significant digits for cost arithmetic. A count below 10^15 with at most 6 decimals (what
#: catalog.units accepts) times calls up to 10^15 times a price below 10^18 with at most 12
#: decimals (what catalog.records accepts) lies between 10^-18 and 10^48: four such parts add up
#: to at most 67 digits, so every cost is exact
PRECISION = 80
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
                with exact_arithmetic():
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
    with exact_arithmetic():
        return [
            (component, getattr(workload, name) * workload.calls / per)  # per is a power of ten
            for name, (component, per) in QUANTITIES.items()
            if getattr(workload, name)
        ]


def _cost(offering: Priced, factors: list[tuple[str, Decimal]]) -> Cost:
    """The cost for the workload of FACTORS; run inside exact_arithmetic()."""
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
    with exact_arithmetic():
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
    with exact_arithmetic():
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
