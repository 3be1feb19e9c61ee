"""The normalized schema: providers, models, offerings, prices over time, and crawl records.

Alembic owns the database schema (see migrations/); these classes describe it and a test
checks that the two agree. History is kept with validity intervals: a price row is opened by
the refresh that first observed its value and closed by the refresh that observed another
value or the offering's disappearance; it also knows when it was last observed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from sqlalchemy import ForeignKey, Index, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from catalog.coltypes import Money, UTCDateTime
from catalog.limits import ETAG_CHARS, HTTP_DATE_CHARS, LABEL_CHARS, SLUG_CHARS, UNIT_CHARS, URL_CHARS
from catalog.views import DEFAULT_SOURCE

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

intpk = Annotated[int, mapped_column(primary_key=True)]
slug = Annotated[str, mapped_column(String(SLUG_CHARS))]
label = Annotated[str, mapped_column(String(LABEL_CHARS))]
url = Annotated[str, mapped_column(String(URL_CHARS))]
timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime())]
run_ref = Annotated[int, mapped_column(ForeignKey("crawl_runs.id"))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: Money(), dt.datetime: UTCDateTime()}


class Provider(Base):
    """A provider collection on the site (the URL segment after /models/), e.g. together_ai."""

    __tablename__ = "providers"

    id: Mapped[intpk]
    slug: Mapped[slug] = mapped_column(unique=True)
    name: Mapped[label | None]


class Model(Base):
    """A model ID, which several providers may offer."""

    __tablename__ = "models"

    id: Mapped[intpk]
    model_id: Mapped[slug] = mapped_column(unique=True)
    creator: Mapped[slug | None]


#: DEFAULT_SOURCE: the source of every offering and run before there were several
source_name = Annotated[str, mapped_column(String(32), server_default=DEFAULT_SOURCE)]


class Offering(Base):
    """One provider's offering of one model, as one source describes it (a ModelsLab page, an
    entry of LiteLLM's price map...): the same provider and model in two sources are two offerings,
    tied together by model_key and provider_key."""

    __tablename__ = "offerings"
    __table_args__ = (UniqueConstraint("source", "provider_id", "model_ref_id"),)

    id: Mapped[intpk]
    source: Mapped[source_name]
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    model_ref_id: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    #: the canonical model (catalog.identity): lowercase creator/model, one for every provider and source
    model_key: Mapped[str | None] = mapped_column(String(SLUG_CHARS), index=True)
    #: the canonical provider (catalog.identity.provider_key): one for a provider in every source
    provider_key: Mapped[str | None] = mapped_column(String(SLUG_CHARS))
    name: Mapped[label | None]
    category: Mapped[label | None]
    task: Mapped[label | None]
    open_source: Mapped[bool | None]
    date_added: Mapped[dt.date | None]
    description: Mapped[str | None] = mapped_column(Text)
    #: the page's canonical URL: where every current value of this offering was read
    source_url: Mapped[url] = mapped_column(index=True)
    headline_spec_unit: Mapped[label | None]
    headline_unit_conflict: Mapped[bool] = mapped_column(default=False)
    #: the parser's notes on the last page read, one per line
    warnings: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[timestamp | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    #: the last fetch of the page failed to parse: the prices shown are the last good ones
    stale_reason: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[timestamp]
    last_seen_at: Mapped[timestamp]
    last_fetched_at: Mapped[timestamp | None]
    first_run_id: Mapped[run_ref]
    last_seen_run_id: Mapped[run_ref]
    removed_at: Mapped[timestamp | None]
    removed_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    provider: Mapped[Provider] = relationship(lazy="joined", innerjoin=True)
    model: Mapped[Model] = relationship(lazy="joined", innerjoin=True)


class Presence(Base):
    """An interval during which an offering was listed on the site (it can go and come back)."""

    __tablename__ = "offering_presence"
    __table_args__ = (
        Index(
            "uq_offering_presence_open",
            "offering_id",
            unique=True,
            sqlite_where=text("closed_run_id IS NULL"),
            postgresql_where=text("closed_run_id IS NULL"),
        ),
    )

    id: Mapped[intpk]
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)
    opened_run_id: Mapped[run_ref]
    opened_at: Mapped[timestamp]
    closed_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    closed_at: Mapped[timestamp | None]


class Price(Base):
    """One value of one price component of an offering, with the interval it held and its source."""

    __tablename__ = "prices"
    __table_args__ = (
        Index(
            "uq_prices_open",
            "offering_id",
            "component",
            "tier_start",
            unique=True,
            sqlite_where=text("closed_run_id IS NULL"),
            postgresql_where=text("closed_run_id IS NULL"),
        ),
        Index("ix_prices_offering_component", "offering_id", "component"),
        Index(
            "ix_prices_open_tiers",
            "offering_id",
            sqlite_where=text("tier_start > 0 AND closed_run_id IS NULL"),
            postgresql_where=text("tier_start > 0 AND closed_run_id IS NULL"),
        ),
    )

    id: Mapped[intpk]
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"))
    #: the name of a price component (catalog.components), e.g. per_image or headline
    component: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    #: what the amount buys: "1M tokens", "image", "second", or the headline's printed unit
    unit: Mapped[str] = mapped_column(String(UNIT_CHARS))
    #: 0 for the base price; else the threshold of input tokens past which this (long-context)
    #: price applies, by the rule TIER_BASIS names (catalog.records.TierBasis)
    tier_start: Mapped[int] = mapped_column(server_default=text("0"))
    tier_basis: Mapped[str | None] = mapped_column(String(16))
    #: moved by more than 10x from the previous value in one refresh
    suspect: Mapped[bool] = mapped_column(default=False)
    #: None only for a closed interval whose start the source does not publish (the undated
    #: step before a source's first dated price); an open price always has its start
    valid_from: Mapped[timestamp | None]
    valid_to: Mapped[timestamp | None]
    last_seen_at: Mapped[timestamp]
    opened_run_id: Mapped[run_ref]
    last_run_id: Mapped[run_ref]
    closed_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # provenance: the page fetch that first showed this value
    source_url: Mapped[url]
    fetched_at: Mapped[timestamp]
    content_hash: Mapped[str] = mapped_column(String(64))


class RelatedLink(Base):
    """A related-model card on an offering's page, in page order. The target may not exist."""

    __tablename__ = "related_links"

    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    provider: Mapped[slug]
    model_id: Mapped[slug]
    provider_label: Mapped[label | None]


class CrawlRun(Base):
    """One `catalog refresh`: when, against what, how it ended, and what it found."""

    __tablename__ = "crawl_runs"

    id: Mapped[intpk]
    #: what was refreshed: a source of catalog.sources
    source: Mapped[source_name]
    site: Mapped[url]
    started_at: Mapped[timestamp]
    finished_at: Mapped[timestamp | None]
    #: running, complete, failed or interrupted
    status: Mapped[str] = mapped_column(String(16))
    pages_fetched: Mapped[int] = mapped_column(default=0)
    pages_not_modified: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)
    bytes_downloaded: Mapped[int] = mapped_column(default=0)
    offerings_new: Mapped[int] = mapped_column(default=0)
    offerings_updated: Mapped[int] = mapped_column(default=0)
    offerings_unchanged: Mapped[int] = mapped_column(default=0)
    offerings_removed: Mapped[int] = mapped_column(default=0)
    price_changes: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class FetchedPage(Base):
    """The last fetch of one URL: its validators for conditional requests and its outcome."""

    __tablename__ = "fetched_pages"

    id: Mapped[intpk]
    url: Mapped[url] = mapped_column(unique=True)
    canonical_url: Mapped[url | None]
    http_status: Mapped[int]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(ETAG_CHARS))
    last_modified: Mapped[str | None] = mapped_column(String(HTTP_DATE_CHARS))
    fetched_at: Mapped[timestamp]
    run_id: Mapped[run_ref]


class PageProblem(Base):
    """A page a refresh could not use, and why (listed in the refresh summary)."""

    __tablename__ = "page_problems"

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[url]
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None]
