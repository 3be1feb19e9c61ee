"""What one observation of a model page says: the typed record the spiders hand to the catalog.

Units live in field names (``input_per_mtok`` is money per one million tokens); money is
``Decimal`` as printed on the page (``0.20`` stays ``0.20``); a value the page does not show
is ``None``, never zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Component(StrEnum):
    """A priced component of an offering; its value is the field of the same name."""

    INPUT_PER_MTOK = "input_per_mtok"
    OUTPUT_PER_MTOK = "output_per_mtok"
    PER_IMAGE = "per_image"
    PER_SECOND = "per_second"
    HEADLINE = "headline"


#: The unit each component is priced in, as stored beside the amount.
COMPONENT_UNITS: dict[Component, str] = {
    Component.INPUT_PER_MTOK: "1M tokens",
    Component.OUTPUT_PER_MTOK: "1M tokens",
    Component.PER_IMAGE: "image",
    Component.PER_SECOND: "second",
}

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=30, decimal_places=12)]


class RelatedOffering(BaseModel):
    """A related-model card: the offering it links to and the provider label it shows."""

    model_config = ConfigDict(frozen=True)

    provider: str
    model_id: str
    provider_label: str | None = None

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"


class PageRecord(BaseModel):
    """Everything one model page (with its own llms.txt) says about one offering."""

    model_config = ConfigDict(frozen=False, extra="forbid")

    canonical_url: str
    provider: str = Field(min_length=1)
    model_id: str = Field(min_length=1)
    provider_name: str | None = None
    name: str | None = None
    creator: str | None = None
    open_source: bool | None = None
    category: str | None = None
    task: str | None = None
    currency: str = Field(default="USD", min_length=3, max_length=3)
    input_per_mtok: Money | None = None
    output_per_mtok: Money | None = None
    per_image: Money | None = None
    per_second: Money | None = None
    headline_price: Money | None = None
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

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        if not value.isalpha():
            raise ValueError(f"currency {value!r} is not an ISO 4217 code such as USD or EUR")
        return value.upper()

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"

    def prices(self) -> dict[Component, Decimal]:
        """The components this page prices, with their amounts (unknown ones left out)."""
        values = {
            Component.INPUT_PER_MTOK: self.input_per_mtok,
            Component.OUTPUT_PER_MTOK: self.output_per_mtok,
            Component.PER_IMAGE: self.per_image,
            Component.PER_SECOND: self.per_second,
            Component.HEADLINE: self.headline_price,
        }
        return {c: v for c, v in values.items() if v is not None}

    def unit_of(self, component: Component) -> str:
        if component is Component.HEADLINE:
            return self.headline_unit or "unknown"
        return COMPONENT_UNITS[component]


class PageFailure(BaseModel):
    """A page that could not be turned into a record, and why."""

    url: str
    reason: str
    #: the offering the URL names, where it names one (provider, model_id)
    provider: str | None = None
    model_id: str | None = None
    http_status: int | None = None


class Fetch(BaseModel):
    """How one URL was fetched: the provenance of what was read from it."""

    url: str
    http_status: int
    fetched_at: dt.datetime
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    size_bytes: int = 0
    #: the canonical URL the page declared (None for non-model pages or failures)
    canonical_url: str | None = None


class Observation(BaseModel):
    """A parsed model page together with the fetch it came from."""

    record: PageRecord
    fetch: Fetch
