"""Reading the catalog: current offerings with their prices, as plain immutable views.

SQLAlchemy and the ORM schema are imported inside the functions that use them, so the views
(and catalog.export, catalog.costing) load without them: the fast query commands build the
same views from catalog.search without paying SQLAlchemy's import time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from catalog.errors import EmptyCatalog, NotFound

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session


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
    *,
    provider: str | None = None,
    category: str | None = None,
    include_removed: bool = False,
    query: str | None = None,
) -> Select:
    """Offerings with provider slug/name and model ID/creator, filtered; QUERY as in catalog.search."""
    from sqlalchemy import func, select

    from catalog.schema import Model, Offering, Provider

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
    if query:
        stmt = stmt.where(*match_conditions(query))
    return stmt


def match_conditions(query: str) -> list:
    """One condition per word of QUERY: the word occurs in the model ID or the name (any case)."""
    from sqlalchemy import func, or_

    from catalog.schema import Model, Offering
    from catalog.search import ESCAPE, like_pattern, words

    return [
        or_(
            func.lower(Model.model_id).like(like_pattern(word), escape=ESCAPE),
            func.lower(Offering.name).like(like_pattern(word), escape=ESCAPE),
        )
        for word in words(query)
    ]


def load_views(session: Session, stmt: Select, *, with_related: bool = True) -> list[OfferingView]:
    """Views for the offerings STMT selects, with open prices and related links in a few queries."""
    from sqlalchemy import select

    from catalog.schema import Price, RelatedLink
    from catalog.store import chunks

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
    from sqlalchemy import select

    from catalog.schema import Offering

    if session.scalar(select(Offering.id).limit(1)) is None:
        raise EmptyCatalog("the catalog is empty; run `catalog refresh` first")


def count_offerings(session: Session) -> int:
    from sqlalchemy import func, select

    from catalog.schema import Offering

    return session.scalar(select(func.count()).select_from(Offering).where(Offering.removed_at.is_(None))) or 0


def views_by_key(views: Sequence[OfferingView]) -> dict[str, OfferingView]:
    return {v.key: v for v in views}


def find_offerings(
    session: Session,
    *,
    query: str | None = None,
    provider: str | None = None,
    category: str | None = None,
    with_related: bool = True,
) -> list[OfferingView]:
    """Current offerings matching QUERY (words in any order over model ID and name) and the filters."""
    return load_views(
        session, offering_select(provider=provider, category=category, query=query), with_related=with_related
    )


def split_key(key: str) -> tuple[str, str]:
    """'provider/model_id' -> (provider, model_id); a key without '/' is ('', key)."""
    provider, slash, model_id = key.strip().partition("/")
    return (provider, model_id) if slash else ("", provider)


def get_offering(session: Session, key: str) -> OfferingView:
    """The current offering named PROVIDER/MODEL_ID (any case; a bare model ID offered by one provider).

    Raises NotFound naming the closest offerings (and saying so when the offering was removed).
    """
    from sqlalchemy import func

    from catalog.schema import Model, Provider

    provider, model_id = split_key(key)

    def named(include_removed: bool = False):
        stmt = offering_select(include_removed=include_removed).where(func.lower(Model.model_id) == model_id.lower())
        return stmt.where(func.lower(Provider.slug) == provider.lower()) if provider else stmt

    views = load_views(session, named())
    exact = [v for v in views if v.key == key.strip()]
    if len(exact) == 1 or len(views) == 1:
        return (exact or views)[0]
    require_offerings(session)
    suggestions = [v.key for v in views] or close_matches(session, key)
    hint = f"did you mean {', '.join(suggestions)}?" if suggestions else "find it with `catalog models WORDS`"
    gone = [v for v in load_views(session, named(include_removed=True), with_related=False) if v.removed_at]
    if not views and len(gone) == 1:
        when = gone[0].removed_at.date().isoformat()  # type: ignore[union-attr]
        raise NotFound(f"{gone[0].key} is no longer listed (removed by the refresh of {when}); {hint}")
    raise NotFound(f"no offering {key.strip()!r}; {hint}")


def close_matches(session: Session, key: str, n: int = 3) -> list[str]:
    """The N current offering keys closest to KEY (difflib), the same model ID under other providers first."""
    import difflib

    from sqlalchemy import select

    from catalog.schema import Model, Offering, Provider

    rows = session.execute(
        select(Provider.slug, Model.model_id)
        .join(Offering, Offering.provider_id == Provider.id)
        .join(Model, Model.id == Offering.model_ref_id)
        .where(Offering.removed_at.is_(None))
    ).all()
    keys = {f"{p}/{m}".lower(): f"{p}/{m}" for p, m in rows}
    wanted = key.strip().lower()
    _, model_id = split_key(wanted)
    same_model = sorted(k for k in keys if k.partition("/")[2] == model_id)
    close = difflib.get_close_matches(wanted, list(keys), n=n, cutoff=0.6)
    return [keys[k] for k in dict.fromkeys(same_model + close)][:n]


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Those of KEYS ('provider/model_id') that name a current offering."""
    from sqlalchemy import select, tuple_

    from catalog.schema import Model, Offering, Provider
    from catalog.store import chunks

    pairs = [tuple(k.split("/", 1)) for k in dict.fromkeys(keys) if "/" in k]
    found: set[str] = set()
    for part in chunks(pairs, 400):
        rows = session.execute(
            select(Provider.slug, Model.model_id)
            .join(Offering, Offering.provider_id == Provider.id)
            .join(Model, Model.id == Offering.model_ref_id)
            .where(Offering.removed_at.is_(None), tuple_(Provider.slug, Model.model_id).in_(part))
        )
        found.update(f"{p}/{m}" for p, m in rows)
    return found
