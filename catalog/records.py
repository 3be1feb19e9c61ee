"""What one observation of a model page says: the typed record the spiders hand to the catalog.

Prices are ``prices: {component: amount}``, keyed by the names of catalog.components (whose
names carry their units: ``..._per_mtok`` is money per one million tokens); money is
``Decimal`` as printed on the page (``0.20`` stays ``0.20``); a price the page does not show
is absent, never zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from catalog.components import HEADLINE, by_name
from catalog.limits import (
    ETAG_CHARS,
    HTTP_DATE_CHARS,
    LABEL_CHARS,
    REASON_CHARS,
    SLUG_CHARS,
    UNIT_CHARS,
    URL_CHARS,
)
from catalog.text import stored

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=30, decimal_places=12)]

#: one-line text a page states, with the longest value the catalog keeps; a longer one is cut
#: (and the cut noted): a 600-character name must not cost the page its prices
TEXT_LIMITS: dict[str, int] = {
    "provider_name": LABEL_CHARS,
    "name": LABEL_CHARS,
    "creator": SLUG_CHARS,
    "category": LABEL_CHARS,
    "task": LABEL_CHARS,
    "headline_unit": UNIT_CHARS,
    "headline_spec_unit": LABEL_CHARS,
}
#: what names the offering: cleaned, never cut (a cut ID would name another offering), so a
#: longer one refuses the page
Identifier = Annotated[str, Field(min_length=1, max_length=SLUG_CHARS)]


#: how a long-context tier applies (catalog.costing prices each):
#: "above": a call whose input tokens are MORE than the tier's start is priced, every token of it,
#:     at the tier prices of the components that have one (LiteLLM's ``*_above_200k_tokens``, and
#:     genai-prices' ``{base, tiers: [{start, price}]}`` since its December 2025 rule);
#: "from": the same for AT LEAST the start (OpenRouter's ``overrides`` with ``min_prompt_tokens``,
#:     LiteLLM's xAI entries);
#: "marginal": only the units of that component beyond the start are priced at the tier price,
#:     the rest at the base price (graduated pricing; genai-prices' rule before December 2025).
TierBasis = Literal["above", "from", "marginal"]


class TierPrice(BaseModel):
    """A price of one component that applies past a threshold of input tokens."""

    model_config = ConfigDict(frozen=True)

    component: str
    #: the threshold, in input tokens per call (for "marginal": in the component's own units)
    start: int = Field(gt=0)
    basis: TierBasis
    amount: Money


class DatedPrices(BaseModel):
    """Prices a source says held from START (genai-prices' conditional prices): one step of the
    dated history it publishes. It ends where the next step (or the record's current prices) starts.
    START is None for prices the source gives no start for (genai-prices' undated step before its
    first dated one): only the oldest step may be so, and its start stays unknown, never invented."""

    model_config = ConfigDict(frozen=True)

    start: dt.datetime | None
    prices: dict[str, Money] = Field(default_factory=dict)
    tiers: list[TierPrice] = Field(default_factory=list)


class RelatedOffering(BaseModel):
    """A related-model card: the offering it links to and the provider label it shows."""

    model_config = ConfigDict(frozen=True)

    provider: Identifier
    model_id: Identifier
    provider_label: str | None = Field(default=None, max_length=LABEL_CHARS)

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"


class PageRecord(BaseModel):
    """Everything one model page (with its own llms.txt) says about one offering."""

    model_config = ConfigDict(frozen=False, extra="forbid")

    canonical_url: str = Field(max_length=URL_CHARS)
    provider: Identifier
    model_id: Identifier
    provider_name: str | None = None
    name: str | None = None
    creator: str | None = None
    open_source: bool | None = None
    category: str | None = None
    task: str | None = None
    currency: str = Field(default="USD", min_length=3, max_length=3)
    #: component name (catalog.components) -> amount in ``currency``; only what the page prices
    prices: dict[str, Money] = Field(default_factory=dict)
    #: prices past a threshold of input tokens (long-context tiers), beside the base prices above
    tiers: list[TierPrice] = Field(default_factory=list)
    #: when the current prices started, where the source says so (else: when first observed)
    prices_since: dt.datetime | None = None
    #: earlier prices the source publishes with their start dates, oldest first (the oldest may
    #: have none: DatedPrices)
    history: list[DatedPrices] = Field(default_factory=list)
    #: the canonical model (catalog.identity): lowercase "creator/model", the same for one model
    #: at every provider and in every source; None when the source's identifiers do not tell
    model_key: str | None = Field(default=None, max_length=SLUG_CHARS)
    #: unit printed after the header price: "call", "image", "second"
    headline_unit: str | None = None
    #: unit printed after the price in the specifications, e.g. "per million tokens"
    headline_spec_unit: str | None = None
    #: the header and the specifications print one figure with units that disagree
    headline_unit_conflict: bool = False
    date_added: dt.date | None = None
    generated_at: dt.datetime | None = None
    description: str | None = None
    related: list[RelatedOffering] = Field(default_factory=list)
    #: things the parser noticed but could not settle (kept, shown in `show`)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        """Every text field cleaned (catalog.text.stored) and held to the catalog's limits before
        validation: too-long text is cut with a warning, a related card whose IDs are too long
        is dropped with a warning. Only an over-long identity refuses the page."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        notes: list[str] = []
        for name in ("provider", "model_id"):  # URLs are left as they are: they must still lead somewhere
            if isinstance(data.get(name), str):
                data[name] = stored(data[name])
        for name, limit in TEXT_LIMITS.items():
            value = data.get(name)
            if not isinstance(value, str):
                continue
            value = stored(value)
            if len(value) > limit:
                notes.append(f"{name.replace('_', ' ')} longer than {limit} characters; cut")
                value = value[:limit].rstrip()
            data[name] = value or None
        if isinstance(data.get("description"), str):
            data["description"] = stored(data["description"], multiline=True) or None
        if isinstance(data.get("related"), list):
            data["related"] = _bounded_related(data["related"], notes)
        warnings = data.get("warnings") or []
        if isinstance(warnings, list) and (notes or warnings):
            data["warnings"] = [_reason(w) if isinstance(w, str) else w for w in warnings] + notes
        return data

    @field_validator("prices")
    @classmethod
    def _known_components(cls, prices: dict[str, Decimal]) -> dict[str, Decimal]:
        for name in prices:
            try:
                by_name(name)
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
        return prices

    @field_validator("history")
    @classmethod
    def _only_the_oldest_step_undated(cls, history: list[DatedPrices]) -> list[DatedPrices]:
        if any(step.start is None for step in history[1:]):
            raise ValueError("only the first (oldest) step of a dated history may have no start; "
                             "give every later step its start date")
        return history

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        if not (value.isascii() and value.isalpha()):
            raise ValueError(f"currency {value!r} is not an ISO 4217 code such as USD or EUR")
        return value.upper()

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"

    def unit_of(self, component: str) -> str:
        """What one amount of COMPONENT buys: the registry's unit, or the headline's printed one."""
        if component == HEADLINE.name:
            return self.headline_unit or "unknown"
        return by_name(component).unit or "unknown"


def _reason(text: str) -> str:
    """A warning or failure reason as stored: clean, one line, not longer than REASON_CHARS."""
    text = stored(text)
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 3] + "..."


def _bounded_related(cards: list, notes: list[str]) -> list:
    kept = []
    for card in cards:
        if type(card) is dict:
            # a card as nearly every page writes it (short printable ASCII): nothing to clean
            p, m, label = card.get("provider"), card.get("model_id"), card.get("provider_label")
            if (
                type(p) is str and type(m) is str and len(p) <= SLUG_CHARS and len(m) <= SLUG_CHARS
                and (p + m).isascii() and (p + m).isprintable()
                and (label is None or (type(label) is str and len(label) <= LABEL_CHARS
                                       and label.isascii() and label.isprintable()))
            ):
                kept.append(card)
                continue
        if isinstance(card, dict):
            card = dict(card)
            ids = [card.get("provider"), card.get("model_id")]
            if all(isinstance(v, str) for v in ids):
                card["provider"], card["model_id"] = (stored(v) for v in ids)
                if max(len(card["provider"]), len(card["model_id"])) > SLUG_CHARS:
                    notes.append(f"related card with an ID longer than {SLUG_CHARS} characters dropped")
                    continue
            label = card.get("provider_label")
            if isinstance(label, str):
                card["provider_label"] = stored(label)[:LABEL_CHARS] or None
        kept.append(card)
    return kept


def _cut_url(url: str) -> str:
    """A URL to show in a problem list: an over-long one is cut, and says so."""
    url = stored(url)
    return url if len(url) <= URL_CHARS else url[: URL_CHARS - 3] + "..."


def _validator(value: Any, limit: int) -> str | None:
    """An HTTP validator (ETag, Last-Modified) worth sending back, or None: a header that is too
    long or holds control characters is not kept (the next request is simply unconditional)."""
    if not isinstance(value, str) or not value or len(value) > limit or not value.isprintable():
        return None
    return value


class PageFailure(BaseModel):
    """A page that could not be turned into a record, and why."""

    url: str
    reason: str
    #: the offering the URL names, where it names one (provider, model_id)
    provider: str | None = None
    model_id: str | None = None
    http_status: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("url"), str):
            data["url"] = _cut_url(data["url"])
        if isinstance(data.get("reason"), str):
            data["reason"] = _reason(data["reason"])
        for name in ("provider", "model_id"):  # too long to name an offering: names none
            value = data.get(name)
            if isinstance(value, str):
                value = stored(value)
                data[name] = value if 0 < len(value) <= SLUG_CHARS else None
        return data


class Fetch(BaseModel):
    """How one URL was fetched: the provenance of what was read from it."""

    url: str = Field(max_length=URL_CHARS)
    http_status: int
    fetched_at: dt.datetime
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    size_bytes: int = 0
    #: the canonical URL the page declared (None for non-model pages or failures)
    canonical_url: str | None = Field(default=None, max_length=URL_CHARS)

    @field_validator("etag", mode="before")
    @classmethod
    def _etag(cls, value: Any) -> str | None:
        return _validator(value, ETAG_CHARS)

    @field_validator("last_modified", mode="before")
    @classmethod
    def _last_modified(cls, value: Any) -> str | None:
        return _validator(value, HTTP_DATE_CHARS)


class Observation(BaseModel):
    """A parsed model page together with the fetch it came from."""

    record: PageRecord
    fetch: Fetch


class NotModified(BaseModel):
    """A model page that answered 304: its offering was observed unchanged."""

    canonical_url: str
    fetch: Fetch


class SourceUnchanged(BaseModel):
    """The source's whole document answered 304: every current offering of the refresh's source
    was observed unchanged (a document source's answer to a conditional request)."""

    fetch: Fetch


class ProviderName(BaseModel):
    """A provider's display name read from a model's own llms.txt (clean, cut to LABEL_CHARS)."""

    provider: Identifier
    name: str = Field(min_length=1)

    @field_validator("name", mode="before")
    @classmethod
    def _bounded(cls, value):
        return stored(value)[:LABEL_CHARS].rstrip() if isinstance(value, str) else value
