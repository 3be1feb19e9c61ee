"""The catalog over time: refreshes, one offering's price history, and what changed between refreshes.

Everything is read from the interval tables: an offering was listed at the end of refresh R when
one of its Presence intervals holds R (opened by R or before, not closed by R), and a price
held at the end of R when its Price interval does. Run ids grow with time (one refresh at a
time per database), so "at the end of R" is a comparison of run ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from catalog.costing import PRECISION
from catalog.errors import CatalogError, EmptyCatalog, NotFound
from catalog.queries import OfferingView, get_offering, load_views, offering_select, split_key
from catalog.components import COMPONENTS as _REGISTRY
from catalog.schema import CrawlRun, Model, Offering, PageProblem, Presence, Price, Provider
from catalog.store import is_suspect

#: the order components are listed in everywhere
COMPONENTS = tuple(c.name for c in _REGISTRY)


def component_order(component: str) -> int:
    return COMPONENTS.index(component) if component in COMPONENTS else len(COMPONENTS)


# --- refreshes ---------------------------------------------------------------------------------


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

    @classmethod
    def of(cls, run: CrawlRun) -> RunView:
        return cls(**{name: getattr(run, name) for name in cls.__dataclass_fields__})


def list_runs(session: Session, limit: int | None = None) -> list[RunView]:
    """Refreshes, newest first (at most LIMIT). Raises EmptyCatalog when there was none."""
    stmt = select(CrawlRun).order_by(CrawlRun.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    runs = [RunView.of(r) for r in session.scalars(stmt)]
    if not runs:
        raise EmptyCatalog("no refresh has run on this database; run `catalog refresh` first")
    return runs


def get_run(session: Session, run_id: int) -> RunView:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise NotFound(f"no refresh #{run_id}; `catalog runs` lists them")
    return RunView.of(run)


def run_problems(session: Session, run_id: int) -> list[tuple[str, str, int | None]]:
    """The pages refresh RUN_ID could not use: (url, reason, HTTP status)."""
    get_run(session, run_id)
    rows = session.execute(
        select(PageProblem.url, PageProblem.reason, PageProblem.http_status)
        .where(PageProblem.run_id == run_id)
        .order_by(PageProblem.id)
    )
    return [tuple(r) for r in rows]


# --- one offering's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class PriceSpan:
    """One value of one component and the interval it held, with where it was read."""

    component: str
    amount: Decimal
    currency: str
    unit: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    opened_run_id: int
    last_run_id: int
    closed_run_id: int | None
    last_seen_at: dt.datetime
    suspect: bool
    source_url: str
    fetched_at: dt.datetime
    content_hash: str


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
    #: component -> its values, oldest first, in COMPONENTS order
    prices: dict[str, tuple[PriceSpan, ...]]

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model_id}"


def find_any_offering(session: Session, key: str) -> OfferingView:
    """The offering named KEY, current or removed (catalog.queries.get_offering finds current
    ones only). Raises NotFound naming the closest current offerings."""
    provider, model_id = split_key(key)
    stmt = offering_select(include_removed=True).where(func.lower(Model.model_id) == model_id.lower())
    if provider:
        stmt = stmt.where(func.lower(Provider.slug) == provider.lower())
    views = load_views(session, stmt, with_related=False)
    exact = [v for v in views if v.key == key.strip()]
    if len(exact) == 1 or len(views) == 1:
        return (exact or views)[0]
    return get_offering(session, key)  # its NotFound carries the suggestions


def offering_history(session: Session, key: str) -> OfferingHistory:
    """Every value each price component of offering KEY (PROVIDER/MODEL_ID) has held.

    Raises NotFound (with the closest offerings) for an unknown key.
    """
    view = find_any_offering(session, key)
    rows = session.scalars(
        select(Price).where(Price.offering_id == view.id).order_by(Price.valid_from, Price.id)
    ).all()
    prices: dict[str, list[PriceSpan]] = {}
    for p in sorted(rows, key=lambda p: component_order(p.component)):  # stable: keeps time order
        prices.setdefault(p.component, []).append(
            PriceSpan(
                component=p.component,
                amount=p.amount,
                currency=p.currency,
                unit=p.unit,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                opened_run_id=p.opened_run_id,
                last_run_id=p.last_run_id,
                closed_run_id=p.closed_run_id,
                last_seen_at=p.last_seen_at,
                suspect=p.suspect,
                source_url=p.source_url,
                fetched_at=p.fetched_at,
                content_hash=p.content_hash,
            )
        )
    presence = session.scalars(
        select(Presence).where(Presence.offering_id == view.id).order_by(Presence.opened_run_id)
    ).all()
    return OfferingHistory(
        provider=view.provider,
        model_id=view.model_id,
        name=view.name,
        removed_at=view.removed_at,
        presence=tuple(
            PresenceSpan(s.opened_at, s.closed_at, s.opened_run_id, s.closed_run_id) for s in presence
        ),
        prices={c: tuple(spans) for c, spans in prices.items()},
    )


# --- changes between two complete refreshes ------------------------------------------------------


@dataclass(frozen=True)
class PriceChange:
    """A component whose value at the end of one refresh differs from the other's.

    OLD or NEW is None when the component appeared or disappeared from a listed offering.
    """

    provider: str
    model_id: str
    component: str
    old: Decimal | None
    new: Decimal | None
    currency: str
    unit: str
    #: moved by more than store.SUSPECT_FACTOR (either way): recorded, but worth a look
    suspect: bool

    @property
    def percent(self) -> Decimal | None:
        """(new - old) / old in percent, two decimals; None when there is no ratio."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        with localcontext() as ctx:  # 1e-12 -> 1e18 is a 33-digit percentage: beyond the default 28
            ctx.prec = PRECISION
            return ((self.new - self.old) / self.old * 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ChangeSet:
    from_run: RunView
    to_run: RunView
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    price_changes: tuple[PriceChange, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.price_changes)

    @property
    def repriced_offerings(self) -> int:
        return len({(c.provider, c.model_id) for c in self.price_changes})


def _complete(stmt):
    return stmt.where(CrawlRun.status == "complete")


def resolve_runs(session: Session, since: int | dt.date | dt.datetime | None = None) -> tuple[RunView, RunView]:
    """The two complete refreshes to compare: (older, newer).

    The newer is the last complete refresh. The older is the one before it, or SINCE: a run id,
    or a date / time meaning the last complete refresh that finished at or before it (a bare
    date counts to its end, in UTC).
    """
    latest = session.scalars(_complete(select(CrawlRun)).order_by(CrawlRun.id.desc()).limit(2)).all()
    if len(latest) < 2:
        has = "1 (run `catalog refresh` again)" if latest else "none yet (run `catalog refresh`)"
        raise CatalogError(f"changes need two complete refreshes; this database has {has}")
    newer = latest[0]
    if since is None:
        return RunView.of(latest[1]), RunView.of(newer)
    if isinstance(since, int):
        older = session.get(CrawlRun, since)
        if older is None:
            raise NotFound(f"no refresh #{since}; `catalog runs` lists them")
        if older.status != "complete":
            raise CatalogError(
                f"refresh #{since} is {older.status}, not complete; --since needs a complete refresh "
                "(`catalog runs` lists them)"
            )
    else:
        bound = _end_of(since)
        older = session.scalars(
            _complete(select(CrawlRun))
            .where(CrawlRun.finished_at <= bound)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        if older is None:
            first = session.scalars(_complete(select(CrawlRun)).order_by(CrawlRun.id).limit(1)).one()
            raise CatalogError(
                f"no complete refresh had finished by {since.isoformat()}; the first finished at "
                f"{first.finished_at.isoformat(sep=' ', timespec='seconds')}"
            )
    if older.id >= newer.id:
        raise CatalogError(
            f"refresh #{older.id} is the last complete refresh; --since needs an earlier one"
        )
    return RunView.of(older), RunView.of(newer)


def _end_of(when: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(when, dt.time.max, tzinfo=dt.UTC)


def _held_at(table, run_id: int):
    """TABLE's interval held at the end of refresh RUN_ID."""
    return (table.opened_run_id <= run_id) & (
        table.closed_run_id.is_(None) | (table.closed_run_id > run_id)
    )


def _keyed(stmt):
    return (
        stmt.join(Offering, Offering.id == stmt.selected_columns[0])
        .join(Provider, Provider.id == Offering.provider_id)
        .join(Model, Model.id == Offering.model_ref_id)
    )


def changes(session: Session, since: int | dt.date | dt.datetime | None = None) -> ChangeSet:
    """What changed between two complete refreshes (see resolve_runs): offerings added and
    removed, and every price component whose value differs.

    A fixed number of queries whatever the catalog's size, each returning only what moved
    in between: intervals opened or closed after the older refresh.
    """
    older, newer = resolve_runs(session, since)
    a, b = older.id, newer.id

    def appeared(held_now: int, held_before: int, moved):
        before = aliased(Presence)
        stmt = _keyed(select(Presence.offering_id, Provider.slug, Model.model_id)).where(
            moved, _held_at(Presence, held_now),
            ~exists().where(before.offering_id == Presence.offering_id, _held_at(before, held_before)),
        )
        return {oid: (slug, model_id) for oid, slug, model_id in session.execute(stmt)}

    added = appeared(b, a, Presence.opened_run_id > a)
    removed = appeared(a, b, Presence.closed_run_id <= b)

    def prices(held: int, moved) -> dict[tuple[int, str], tuple]:
        stmt = _keyed(select(Price.offering_id, Provider.slug, Model.model_id, Price)).where(
            moved, _held_at(Price, held)
        )
        return {(oid, p.component): (slug, model_id, p) for oid, slug, model_id, p in session.execute(stmt)}

    old = prices(a, Price.closed_run_id <= b)  # held at A, gone by B
    new = prices(b, Price.opened_run_id > a)  # held at B, opened since A
    found: list[PriceChange] = []
    for key in old.keys() | new.keys():
        if key[0] in added or key[0] in removed:
            continue
        before, after = old.get(key), new.get(key)
        slug, model_id = (before or after)[:2]
        p_old, p_new = before[2] if before else None, after[2] if after else None
        if p_old is not None and p_new is not None and (
            (p_old.amount, p_old.currency, p_old.unit) == (p_new.amount, p_new.currency, p_new.unit)
        ):
            continue  # closed and reopened in between (gone and back) with the same value
        both = p_old is not None and p_new is not None and p_old.currency == p_new.currency
        shown = p_new or p_old
        found.append(
            PriceChange(
                provider=slug,
                model_id=model_id,
                component=key[1],
                old=p_old.amount if p_old else None,
                new=p_new.amount if p_new else None,
                currency=shown.currency,
                unit=shown.unit,
                suspect=both and (p_new.suspect or is_suspect(p_old.amount, p_new.amount)),
            )
        )
    found.sort(key=lambda c: (c.provider, c.model_id, component_order(c.component), c.component))
    return ChangeSet(
        from_run=older,
        to_run=newer,
        added=tuple(sorted(added.values())),
        removed=tuple(sorted(removed.values())),
        price_changes=tuple(found),
    )
