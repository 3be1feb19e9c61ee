"""Reading the catalog: current offerings with their prices, as plain immutable views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from catalog.errors import EmptyCatalog
from catalog.schema import Model, Offering, Price, Provider, RelatedLink
from catalog.store import chunks


@dataclass(frozen=True)
class PriceView:
    component: str
    amount: Decimal
    currency: str
    unit: str
    since: dt.datetime
    suspect: bool = False


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
    prices: dict[str, PriceView] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"

    def amount(self, component: str) -> Decimal | None:
        price = self.prices.get(component)
        return price.amount if price else None

    @property
    def headline_unit(self) -> str | None:
        price = self.prices.get("headline")
        return price.unit if price else None


def offering_select(
    *, provider: str | None = None, category: str | None = None, include_removed: bool = False
) -> Select:
    stmt = (
        select(Offering, Provider.slug, Provider.name, Model.model_id, Model.creator)
        .join(Provider, Provider.id == Offering.provider_id)
        .join(Model, Model.id == Offering.model_ref_id)
        .order_by(Provider.slug, Model.model_id)
    )
    if not include_removed:
        stmt = stmt.where(Offering.removed_at.is_(None))
    if provider:
        stmt = stmt.where(func.lower(Provider.slug) == provider.lower())
    if category:
        stmt = stmt.where(func.lower(Offering.category) == category.lower())
    return stmt


def load_views(session: Session, stmt: Select, *, with_related: bool = True) -> list[OfferingView]:
    """Views for the offerings STMT selects, with open prices and related links in a few queries."""
    rows = session.execute(stmt.execution_options(yield_per=5000)).all()
    ids = [row[0].id for row in rows]
    prices: dict[int, dict[str, PriceView]] = {}
    related: dict[int, list[str]] = {}
    for part in chunks(ids):
        for p in session.scalars(select(Price).where(Price.offering_id.in_(part), Price.closed_run_id.is_(None))):
            prices.setdefault(p.offering_id, {})[p.component] = PriceView(
                p.component, p.amount, p.currency, p.unit, p.valid_from, p.suspect
            )
        if with_related:
            links = session.execute(
                select(RelatedLink.offering_id, RelatedLink.provider, RelatedLink.model_id)
                .where(RelatedLink.offering_id.in_(part))
                .order_by(RelatedLink.offering_id, RelatedLink.position)
            )
            for offering_id, provider, model_id in links:
                related.setdefault(offering_id, []).append(f"{provider}/{model_id}")
    views = []
    for off, slug, provider_name, model_id, creator in rows:
        views.append(
            OfferingView(
                id=off.id,
                provider=slug,
                provider_name=provider_name,
                model_id=model_id,
                name=off.name,
                creator=creator,
                category=off.category,
                task=off.task,
                open_source=off.open_source,
                date_added=off.date_added,
                source_url=off.source_url,
                first_seen=off.first_seen_at,
                last_seen=off.last_seen_at,
                last_fetched=off.last_fetched_at,
                removed_at=off.removed_at,
                headline_spec_unit=off.headline_spec_unit,
                headline_unit_conflict=off.headline_unit_conflict,
                stale_reason=off.stale_reason,
                warnings=tuple((off.warnings or "").splitlines()),
                description=off.description,
                prices=prices.get(off.id, {}),
                related=tuple(related.get(off.id, ())),
            )
        )
    return views


def current_offerings(
    session: Session, *, provider: str | None = None, category: str | None = None
) -> list[OfferingView]:
    """Every offering currently listed (not removed), ordered by provider and model ID."""
    return load_views(session, offering_select(provider=provider, category=category))


def require_offerings(session: Session) -> None:
    """Raise EmptyCatalog when nothing was ever refreshed into this database."""
    if session.scalar(select(Offering.id).limit(1)) is None:
        raise EmptyCatalog("the catalog is empty; run `catalog refresh` first")


def count_offerings(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Offering).where(Offering.removed_at.is_(None))) or 0


def views_by_key(views: Sequence[OfferingView]) -> dict[str, OfferingView]:
    return {v.key: v for v in views}
