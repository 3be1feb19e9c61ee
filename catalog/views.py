"""What reading the catalog returns: plain, immutable, typed values (no database objects).

Every read (the Catalog API, the CLI, the export, the web view) gets these from
catalog.reader; none of them needs SQLAlchemy or pydantic to be imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from catalog.components import HEADLINE

#: significant digits for arithmetic on money (catalog.costing uses the same): a percentage
#: of a 30-digit price over a 1e-12 one is exact
PRECISION = 80
#: a price that moves by more than this factor in one refresh is recorded but flagged suspect
SUSPECT_FACTOR = Decimal(10)


def percent(base: Decimal, other: Decimal) -> Decimal | None:
    """(OTHER - BASE) / BASE in percent, two decimals; None when BASE is 0 (no ratio)."""
    if base == 0:
        return None
    with localcontext() as ctx:  # 1e-12 -> 1e18 is a 33-digit percentage: beyond the default 28
        ctx.prec = PRECISION
        return ((other - base) / base * 100).quantize(Decimal("0.01"))


def is_suspect(old: Decimal, new: Decimal) -> bool:
    """Whether a move from OLD to NEW is more than SUSPECT_FACTOR either way (or to or from 0)."""
    if old == 0 or new == 0:
        return old != new
    ratio = new / old
    return ratio > SUSPECT_FACTOR or ratio < 1 / SUSPECT_FACTOR


@dataclass(frozen=True)
class TierView:
    """A long-context price: COMPONENT past START input tokens, by the rule BASIS
    (catalog.records.TierBasis: "above", "from" or "marginal")."""

    component: str
    start: int
    basis: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PriceView:
    """An offering's current price of one component."""

    component: str
    amount: Decimal
    currency: str
    #: what one amount buys: "1M tokens", "image", or the headline's printed unit
    unit: str
    #: when this value was first seen (the start of its interval)
    since: dt.datetime
    #: it moved by more than 10x at its last change
    suspect: bool = False


#: the source `catalog refresh` reads when none is named, whose offering keys need no prefix
DEFAULT_SOURCE = "modelslab"


def offering_key(source: str, provider: str, model_id: str) -> str:
    """How `catalog show` names an offering: PROVIDER/MODEL_ID for the default source,
    SOURCE:PROVIDER/MODEL_ID for the others (litellm:together_ai/meta-llama/Llama-3.2-3B)."""
    key = f"{provider}/{model_id}"
    return key if source == DEFAULT_SOURCE else f"{source}:{key}"


def split_key(key: str) -> tuple[str, str]:
    """'provider/model_id' -> (provider, model_id); a key without '/' is ('', key)."""
    provider, slash, model_id = key.strip().partition("/")
    return (provider, model_id) if slash else ("", provider)


def split_source(key: str) -> tuple[str | None, str]:
    """'litellm:together_ai/m' -> ('litellm', 'together_ai/m'); a key without a source prefix
    (what comes before the first ':' holds no '/') -> (None, key)."""
    head, colon, rest = key.strip().partition(":")
    if colon and head and "/" not in head and rest:
        return head.lower(), rest
    return None, key.strip()


@dataclass(frozen=True)
class OfferingView:
    """One offering as a reader sees it: identity, attributes, current prices, links."""

    id: int
    provider: str
    provider_name: str | None
    model_id: str
    name: str | None
    creator: str | None
    category: str | None
    task: str | None
    open_source: bool | None
    date_added: dt.date | None
    source_url: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    last_fetched: dt.datetime | None
    removed_at: dt.datetime | None
    headline_spec_unit: str | None
    headline_unit_conflict: bool
    stale_reason: str | None
    warnings: tuple[str, ...]
    description: str | None
    #: component name -> its current price; a component the page does not show is absent
    prices: dict[str, PriceView] = field(default_factory=dict)
    #: the related offerings' keys, in page order
    related: tuple[str, ...] = ()
    #: the source it was read from (catalog.sources), its canonical model and provider
    source: str = DEFAULT_SOURCE
    model_key: str | None = None
    provider_key: str | None = None
    #: long-context tiers: (component, start) -> the price past that many input tokens
    tiers: dict[tuple[str, int], TierView] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return offering_key(self.source, self.provider, self.model_id)

    def amount(self, component: str) -> Decimal | None:
        price = self.prices.get(component)
        return price.amount if price else None

    @property
    def headline_unit(self) -> str | None:
        price = self.prices.get(HEADLINE.name)
        return price.unit if price else None

    @property
    def currency(self) -> str | None:
        """The currency of its prices, when they share one (None for none, or several)."""
        currencies = {p.currency for p in self.prices.values()}
        return currencies.pop() if len(currencies) == 1 else None


@dataclass(frozen=True)
class RunView:
    """One refresh as `catalog runs` shows it."""

    id: int
    site: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    pages_fetched: int
    pages_not_modified: int
    pages_failed: int
    bytes_downloaded: int
    offerings_new: int
    offerings_updated: int
    offerings_unchanged: int
    offerings_removed: int
    price_changes: int
    error: str | None
    #: the source refreshed (catalog.sources)
    source: str = DEFAULT_SOURCE

    @property
    def ok(self) -> bool:
        return self.status == "complete"


@dataclass(frozen=True)
class Problem:
    """A page a refresh could not use, and why."""

    url: str
    reason: str
    http_status: int | None = None


@dataclass(frozen=True)
class PriceSpan:
    """One value of one component and the interval it held, with where it was read."""

    component: str
    amount: Decimal
    currency: str
    unit: str
    #: None: a closed interval whose start the source does not publish (its undated earlier prices)
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None
    opened_run_id: int
    last_run_id: int
    closed_run_id: int | None
    last_seen_at: dt.datetime
    suspect: bool
    source_url: str
    fetched_at: dt.datetime
    content_hash: str
    #: 0 for the base price; else the long-context tier's start, and its rule
    tier_start: int = 0
    tier_basis: str | None = None


@dataclass(frozen=True)
class PresenceSpan:
    """An interval during which the offering was listed on the site."""

    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opened_run_id: int
    closed_run_id: int | None


@dataclass(frozen=True)
class OfferingHistory:
    provider: str
    model_id: str
    name: str | None
    removed_at: dt.datetime | None
    presence: tuple[PresenceSpan, ...]
    #: component -> its values, oldest first, in registry order
    prices: dict[str, tuple[PriceSpan, ...]]
    source: str = DEFAULT_SOURCE

    @property
    def key(self) -> str:
        return offering_key(self.source, self.provider, self.model_id)


@dataclass(frozen=True)
class PriceChange:
    provider: str
    model_id: str
    component: str
    old: Decimal | None
    new: Decimal | None
    currency: str
    unit: str
    #: moved by more than 10x (either way): recorded, but worth a look
    suspect: bool
    source: str = DEFAULT_SOURCE

    @property
    def key(self) -> str:
        return offering_key(self.source, self.provider, self.model_id)

    @property
    def percent(self) -> Decimal | None:
        """(new - old) / old in percent, two decimals; None when there is no ratio."""
        return None if self.old is None or self.new is None else percent(self.old, self.new)


@dataclass(frozen=True)
class ChangeSet:
    """What changed between two complete refreshes."""

    from_run: RunView
    to_run: RunView
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    price_changes: tuple[PriceChange, ...]
    #: the source both refreshes read (a change set compares one source's refreshes)
    source: str = DEFAULT_SOURCE

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.price_changes)

    @property
    def repriced_offerings(self) -> int:
        return len({(c.provider, c.model_id) for c in self.price_changes})


#: a long-context tier's threshold, by its rule (catalog.records.TierBasis)
_TIER_WORDS = {"above": "above", "from": "from", "marginal": "past"}


def tier_name(component: str, start: int, basis: str | None) -> str:
    """How a component's price is named where its tiers are listed apart (history, changes):
    the component itself, or ``<component> above 200,000 prompt tokens`` (LiteLLM's and
    genai-prices' rule: longer prompts), ``... from 256,000 ...`` (OpenRouter's: that long or
    longer), ``... past 100,000 ...`` (marginal: the tokens beyond)."""
    if not start:
        return component
    return f"{component} {_TIER_WORDS.get(basis or '', 'past')} {start:,} prompt tokens"


@dataclass(frozen=True)
class SourcedPrice:
    """One source's current price of a component of one model at one provider."""

    source: str
    #: the offering's key, as `catalog show` takes it
    offering: str
    amount: Decimal
    currency: str
    unit: str
    #: where it was read, and since when the source has said so
    url: str
    since: dt.datetime


@dataclass(frozen=True)
class Discrepancy:
    """Two or more sources price one component of one model at one provider differently (how
    offerings are paired across sources: catalog.crosscheck)."""

    model: str
    provider: str
    component: str
    #: the values of the offerings that disagree, lowest first
    values: tuple[SourcedPrice, ...]
    #: how far apart the pair furthest apart is, in percent of its lower value (two decimals);
    #: None when that value is 0 (infinitely apart)
    difference: Decimal | None


class CrossCheck(list):
    """The discrepancies (a list of Discrepancy, by model, provider, component), and how many
    (model, provider, component) prices two or more of the sources state (``compared``): none means
    the sources had nothing in common to compare."""

    def __init__(self, found: list[Discrepancy], *, compared: int, sources: tuple[str, ...]) -> None:
        super().__init__(found)
        self.compared = compared
        self.sources = sources


@dataclass(frozen=True)
class SourceStatus:
    """A source a refresh can read (catalog.sources), and its last refresh."""

    name: str
    default_site: str
    last_run: RunView | None
    #: its current offerings
    offerings: int
