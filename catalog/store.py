"""Writing observations into the database: runs, upserts in batches, and price history.

Every function takes a Session and never commits: the caller (the CLI or the crawl pipeline)
owns the transaction, so a batch is applied whole or not at all. Each batch costs a fixed
number of queries (existing rows are loaded with IN lists), never one query per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from catalog.identity import provider_key
from catalog.records import Fetch, Observation, PageFailure
from catalog.schema import (
    DEFAULT_SOURCE,
    CrawlRun,
    FetchedPage,
    Model,
    Offering,
    PageProblem,
    Presence,
    Price,
    Provider,
    RelatedLink,
)
from catalog.views import SUSPECT_FACTOR, is_suspect  # noqa: F401 - the store's rule, defined with the views

#: SQLite allows 32,766 bound parameters per statement; keep IN lists well below
CHUNK = 900


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- runs -------------------------------------------------------------------------------


def start_run(
    session: Session, site: str, now: dt.datetime | None = None, *, source: str = DEFAULT_SOURCE
) -> CrawlRun:
    """Open a refresh of SOURCE (status running); runs a dead holder left running become interrupted."""
    session.execute(
        update(CrawlRun).where(CrawlRun.status == "running").values(status="interrupted")
    )
    run = CrawlRun(source=source, site=site, started_at=now or utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run: CrawlRun,
    status: str,
    *,
    error: str | None = None,
    now: dt.datetime | None = None,
) -> CrawlRun:
    """Close the run. Only a complete run marks offerings it did not observe as removed."""
    run = session.merge(run)
    now = now or utcnow()
    if status == "complete":
        run.offerings_removed = _mark_removed(session, run, now)
    run.status = status
    run.error = error
    run.finished_at = now
    session.flush()
    return run


def _unseen(run: CrawlRun):
    """The offerings of RUN's source it did not observe: a refresh of one source never removes
    another's."""
    return Offering.source == run.source, Offering.removed_at.is_(None), Offering.last_seen_run_id != run.id


def removal_preview(session: Session, run: CrawlRun) -> tuple[int, int]:
    """(offerings a complete RUN would mark removed, offerings listed before it): for the guard
    that keeps a refresh which saw far fewer pages than the site had from emptying the catalog."""
    listed = session.scalar(
        select(func.count()).select_from(Offering).where(
            Offering.source == run.source, Offering.removed_at.is_(None), Offering.first_run_id != run.id
        )
    )
    gone = session.scalar(select(func.count()).select_from(Offering).where(*_unseen(run)))
    return int(gone or 0), int(listed or 0)


def _mark_removed(session: Session, run: CrawlRun, now: dt.datetime) -> int:
    gone = list(session.scalars(select(Offering.id).where(*_unseen(run))))
    for ids in chunks(gone):
        session.execute(
            update(Offering)
            .where(Offering.id.in_(ids))
            .values(removed_at=now, removed_run_id=run.id)
        )
        _close(session, Price, ids, run, now, valid_to=now)
        _close(session, Presence, ids, run, now, closed_at=now)
    return len(gone)


def _close(session: Session, table, offering_ids, run: CrawlRun, now, **values) -> None:
    session.execute(
        update(table)
        .where(table.offering_id.in_(offering_ids), table.closed_run_id.is_(None))
        .values(closed_run_id=run.id, **values)
    )


def add_counts(session: Session, run: CrawlRun, **counts: int) -> None:
    """Add to the run's counters in the database (safe when several batches report)."""
    if not any(counts.values()):
        return
    values = {name: getattr(CrawlRun, name) + n for name, n in counts.items() if n}
    session.execute(update(CrawlRun).where(CrawlRun.id == run.id).values(**values))


# --- conditional requests ----------------------------------------------------------------


@dataclass(frozen=True)
class KnownPage:
    """What the last refresh learnt about a URL: validators, and the offering it showed."""

    etag: str | None
    last_modified: str | None
    canonical_url: str | None
    related_urls: tuple[str, ...] = ()


def known_pages(session: Session, source: str = DEFAULT_SOURCE) -> dict[str, KnownPage]:
    """Every URL SOURCE fetched last, with its validators and, for model pages, its related
    offerings' URLs.

    A 304 answer carries no body, so the crawl follows the related cards stored from the
    last time the page was read. Pages of removed offerings are left out: if one comes back
    it must be read whole, since its prices were closed and a 304 cannot reopen them. A URL
    another source fetched last is left out too: its validators say nothing of what this source
    stored (a 304 would pass off the other source's document as this one's, unchanged).
    """
    offering_urls = dict(
        session.execute(select(Offering.id, Offering.source_url).where(
            Offering.removed_at.is_(None), Offering.source == source)).tuples().all()
    )
    removed = set(session.scalars(select(Offering.source_url).where(
        Offering.removed_at.is_not(None), Offering.source == source)))
    related: dict[str, list[tuple[str, str]]] = {}
    rows = session.execute(
        select(RelatedLink.offering_id, RelatedLink.provider, RelatedLink.model_id).order_by(
            RelatedLink.offering_id, RelatedLink.position
        )
    )
    for offering_id, provider, model_id in rows:
        page_url = offering_urls.get(offering_id)
        if page_url:
            related.setdefault(page_url, []).append((provider, model_id))
    out: dict[str, KnownPage] = {}
    for page in session.execute(
        select(FetchedPage.url, FetchedPage.etag, FetchedPage.last_modified, FetchedPage.canonical_url)
        .join(CrawlRun, CrawlRun.id == FetchedPage.run_id)
        .where(FetchedPage.http_status == 200, CrawlRun.source == source)
    ):
        if page.canonical_url in removed:
            continue
        base = page.url.split("/models/", 1)[0]
        links = related.get(page.canonical_url or "", [])
        out[page.url] = KnownPage(
            etag=page.etag,
            last_modified=page.last_modified,
            canonical_url=page.canonical_url,
            related_urls=tuple(f"{base}/models/{p}/{m}.md" for p, m in links),
        )
    return out


def record_fetches(session: Session, run: CrawlRun, fetches: Sequence[Fetch]) -> None:
    """Upsert the last fetch of each URL (a 304 keeps the stored validators and hash)."""
    latest = {f.url: f for f in fetches}
    # inserted in bulk, every row with every column: ORM bulk inserts leave out None values and
    # batch only runs of rows with the same columns, and page and llms.txt rows alternate
    new_pages: list[dict] = []
    for urls in chunks(list(latest)):
        existing = {p.url: p for p in session.scalars(select(FetchedPage).where(FetchedPage.url.in_(urls)))}
        for url in urls:
            fetch = latest[url]
            page = existing.get(url)
            if page is None:
                new_pages.append({
                    "url": url, "fetched_at": fetch.fetched_at, "run_id": run.id,
                    "http_status": fetch.http_status, "canonical_url": fetch.canonical_url,
                    "content_hash": fetch.content_hash, "etag": fetch.etag, "last_modified": fetch.last_modified,
                })
                continue
            page.fetched_at = fetch.fetched_at
            page.run_id = run.id
            if fetch.http_status == 304 and page.http_status == 200:
                continue
            page.http_status = fetch.http_status
            page.canonical_url = fetch.canonical_url
            page.content_hash = fetch.content_hash
            page.etag = fetch.etag
            page.last_modified = fetch.last_modified
    if new_pages:
        session.execute(FetchedPage.__table__.insert(), new_pages)
    session.flush()


# --- observations ---------------------------------------------------------------------------


@dataclass
class BatchResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    price_changes: int = 0
    keys: list[str] = field(default_factory=list)


def _get_or_create(session: Session, model, column, values: dict[str, dict]) -> dict[str, object]:
    """Rows of MODEL keyed by COLUMN for every key in VALUES, created (with those values) if absent."""
    rows = {
        getattr(r, column.key): r for r in session.scalars(select(model).where(column.in_(list(values))))
    }
    for key, attrs in values.items():
        row = rows.get(key)
        if row is None:
            rows[key] = row = model(**{column.key: key}, **{k: v for k, v in attrs.items() if v is not None})
            session.add(row)
        else:
            for k, v in attrs.items():
                if v is not None and getattr(row, k) != v:
                    setattr(row, k, v)
    session.flush()
    return rows


def observe(session: Session, run: CrawlRun, observations: Sequence[Observation]) -> BatchResult:
    """Apply a batch of parsed pages: upsert offerings, open/close price intervals, keep links.

    A page whose content hash equals the stored one is only marked as observed.
    """
    result = BatchResult()
    if not observations:
        return result
    by_key: dict[tuple[str, str], Observation] = {}
    for obs in observations:  # the same offering twice in one batch: the later fetch wins
        by_key[(obs.record.provider, obs.record.model_id)] = obs
    providers = _get_or_create(
        session, Provider, Provider.slug, {p: {"name": o.record.provider_name} for (p, _), o in by_key.items()}
    )
    models = _get_or_create(
        session, Model, Model.model_id, {m: {"creator": o.record.creator} for (_, m), o in by_key.items()}
    )
    model_ids = [models[m].id for (_, m) in by_key]
    offerings: dict[tuple[int, int], Offering] = {}
    for ids in chunks(model_ids):  # this run's source's offerings only: another source's are others
        for off in session.scalars(
            select(Offering).where(Offering.model_ref_id.in_(ids), Offering.source == run.source)
        ):
            offerings[(off.provider_id, off.model_ref_id)] = off
    open_prices: dict[int, dict[tuple[str, int], Price]] = {}
    existing_ids = [o.id for o in offerings.values()]
    for ids in chunks(existing_ids):
        for price in session.scalars(
            select(Price).where(Price.offering_id.in_(ids), Price.closed_run_id.is_(None))
        ):
            open_prices.setdefault(price.offering_id, {})[(price.component, price.tier_start)] = price

    seen_price_ids: list[int] = []
    relink: list[tuple[Offering, Observation]] = []
    # new rows of prices and presence intervals go in as bulk inserts (nothing reads them back
    # here): building and flushing an ORM object per row was a third of a batch's time
    new_prices: list[dict] = []
    new_presence: list[dict] = []
    fresh: list[Offering] = []
    for (provider_slug, model_id), obs in by_key.items():
        key = (providers[provider_slug].id, models[model_id].id)
        if key not in offerings:
            offerings[key] = off = Offering(
                source=run.source,
                provider_key=provider_key(run.source, provider_slug),
                provider_id=key[0],
                model_ref_id=key[1],
                first_seen_at=obs.fetch.fetched_at,
                first_run_id=run.id,
                last_seen_at=obs.fetch.fetched_at,
                last_seen_run_id=run.id,
                last_fetched_at=obs.fetch.fetched_at,
                source_url=obs.record.canonical_url,
            )
            # every value goes in with the INSERT: set after it, they cost an UPDATE per row
            _apply_attributes(off, obs.record, obs.fetch)
            fresh.append(off)
    session.add_all(fresh)
    session.flush()
    fresh_ids = {id(off) for off in fresh}
    for (provider_slug, model_id), obs in by_key.items():
        rec, fetch = obs.record, obs.fetch
        off = offerings[(providers[provider_slug].id, models[model_id].id)]
        is_new = id(off) in fresh_ids
        returning = off.removed_at is not None
        if is_new or returning:
            result.new += 1
            if returning:  # a new row has no removal to clear (setting None would cost an UPDATE)
                off.removed_at = None
                off.removed_run_id = None
            new_presence.append({"offering_id": off.id, "opened_run_id": run.id, "opened_at": fetch.fetched_at})
        off.last_seen_at = fetch.fetched_at
        off.last_seen_run_id = run.id
        off.last_fetched_at = fetch.fetched_at
        current = open_prices.get(off.id, {})
        if off.content_hash is not None and off.content_hash == fetch.content_hash and not (is_new or returning):
            off.stale_reason = None
            seen_price_ids.extend(p.id for p in current.values())
            result.unchanged += 1
            continue
        changed = _apply_attributes(off, rec, fetch)
        changes = _apply_prices(run, off, obs, current, seen_price_ids, new_prices)
        result.price_changes += changes
        relink.append((off, obs))
        if not (is_new or returning):
            if changed or changes:
                result.updated += 1
            else:
                result.unchanged += 1
        result.keys.append(rec.key)
    session.flush()  # closed intervals leave the one-open-interval index before new ones enter
    if new_presence:
        session.execute(insert(Presence), new_presence)
    if new_prices:
        session.execute(insert(Price), new_prices)
    _mark_prices_seen(session, run, seen_price_ids, observations[-1].fetch.fetched_at)
    _replace_related(session, relink)
    session.flush()
    return result


_ATTRIBUTES = (
    "name",
    "category",
    "task",
    "open_source",
    "date_added",
    "description",
    "headline_spec_unit",
    "headline_unit_conflict",
    "generated_at",
)


def _apply_attributes(off: Offering, rec, fetch: Fetch) -> bool:
    changed = False
    for attr in _ATTRIBUTES:
        value = getattr(rec, attr)
        if getattr(off, attr) != value:
            setattr(off, attr, value)
            changed = True
    off.source_url = rec.canonical_url
    off.model_key = rec.model_key
    off.warnings = "\n".join(rec.warnings) or None
    off.content_hash = fetch.content_hash
    off.stale_reason = None
    return changed


def _apply_prices(
    run: CrawlRun,
    off: Offering,
    obs: Observation,
    current: dict[tuple[str, int], Price],
    seen_price_ids: list[int],
    new_prices: list[dict],
) -> int:
    """Close intervals whose value changed (or vanished), open new ones. Returns the changes.

    A price is a (component, tier) pair: the base price (tier 0) and each long-context tier
    keep their own intervals. Where the source dates its prices (``prices_since``, ``history``),
    intervals start and end on the source's dates rather than on the fetch's.
    """
    rec, fetch = obs.record, obs.fetch
    now = fetch.fetched_at
    since = rec.prices_since or now
    observed: dict[tuple[str, int], tuple[Decimal, str | None]] = {(c, 0): (a, None) for c, a in rec.prices.items()}
    observed.update({(t.component, t.start): (t.amount, t.basis) for t in rec.tiers})
    changes = 0
    for key, price in current.items():
        if key not in observed:
            price.closed_run_id, price.valid_to = run.id, since
            changes += 1
    if off.first_run_id == run.id and rec.history:  # first seen: the source's earlier prices, as it dates them
        # (once: an offering that comes back after a removal has its history already)
        new_prices += _dated_history(run, off, obs)
    for (component, tier), (amount, basis) in observed.items():
        unit = rec.unit_of(component)
        price = current.get((component, tier))
        if (price is not None and price.amount == amount and price.currency == rec.currency and price.unit == unit
                and price.tier_basis == basis):
            seen_price_ids.append(price.id)
            continue
        suspect = False
        if price is not None:
            price.closed_run_id, price.valid_to = run.id, since
            suspect = is_suspect(price.amount, amount) if price.currency == rec.currency else False
            changes += 1
        new_prices.append(_price_row(run, off, obs, component, amount, unit, since, tier=tier, basis=basis,
                                     suspect=suspect))
    return changes


def _price_row(run: CrawlRun, off: Offering, obs: Observation, component: str, amount: Decimal, unit: str,
               valid_from: dt.datetime | None, *, tier: int = 0, basis: str | None = None, suspect: bool = False,
               valid_to: dt.datetime | None = None) -> dict:
    fetch = obs.fetch
    return {
        "offering_id": off.id,
        "component": component,
        "tier_start": tier,
        "tier_basis": basis,
        "amount": amount,
        "currency": obs.record.currency,
        "unit": unit,
        "suspect": suspect,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "last_seen_at": fetch.fetched_at,
        "opened_run_id": run.id,
        "last_run_id": run.id,
        "closed_run_id": run.id if valid_to is not None else None,
        "source_url": fetch.url,
        "fetched_at": fetch.fetched_at,
        "content_hash": fetch.content_hash or "",
    }


def _dated_history(run: CrawlRun, off: Offering, obs: Observation) -> list[dict]:
    """Closed intervals for the dated steps a source publishes before its current prices (each
    ends where the next begins), recorded by the run that first read them. An undated (oldest)
    step's interval has no start (valid_from NULL): the source does not say when it began."""
    rec = obs.record
    steps = [step for step in rec.history if step.start is None]  # at most one (PageRecord checks)
    steps += sorted((step for step in rec.history if step.start is not None), key=lambda step: step.start)
    ends = [step.start for step in steps[1:]] + [rec.prices_since or obs.fetch.fetched_at]
    rows = []
    for step, end in zip(steps, ends, strict=True):
        if step.start is not None and end is not None and end <= step.start:
            continue
        priced = [(c, 0, a, None) for c, a in step.prices.items()]
        priced += [(t.component, t.start, t.amount, t.basis) for t in step.tiers]
        for component, tier, amount, basis in priced:
            rows.append(_price_row(run, off, obs, component, amount, rec.unit_of(component), step.start,
                                   tier=tier, basis=basis, valid_to=end))
    return rows


def _mark_prices_seen(session: Session, run: CrawlRun, price_ids: list[int], now: dt.datetime) -> None:
    for ids in chunks(price_ids):
        session.execute(
            update(Price).where(Price.id.in_(ids)).values(last_run_id=run.id, last_seen_at=now)
        )


def _replace_related(session: Session, relink: list[tuple[Offering, Observation]]) -> None:
    if not relink:
        return
    session.flush()
    ids = [off.id for off, _ in relink]
    for part in chunks(ids):
        session.execute(RelatedLink.__table__.delete().where(RelatedLink.offering_id.in_(part)))
    rows = [
        {
            "offering_id": off.id,
            "position": i,
            "provider": r.provider,
            "model_id": r.model_id,
            "provider_label": r.provider_label,
        }
        for off, obs in relink
        for i, r in enumerate(obs.record.related)
    ]
    if rows:
        session.execute(RelatedLink.__table__.insert(), rows)


def observe_unchanged(session: Session, run: CrawlRun, canonical_urls: Sequence[str], now: dt.datetime) -> int:
    """Pages that answered 304: their offerings (and open prices) were observed unchanged."""
    if not canonical_urls:
        return 0
    ids: list[int] = []
    for urls in chunks(list(dict.fromkeys(canonical_urls))):
        ids.extend(
            session.scalars(
                select(Offering.id).where(
                    Offering.source_url.in_(urls), Offering.source == run.source, Offering.removed_at.is_(None)
                )
            )
        )
    for part in chunks(ids):
        session.execute(
            update(Offering)
            .where(Offering.id.in_(part))
            .values(last_seen_at=now, last_seen_run_id=run.id)
        )
        session.execute(
            update(Price)
            .where(Price.offering_id.in_(part), Price.closed_run_id.is_(None))
            .values(last_run_id=run.id, last_seen_at=now)
        )
    return len(ids)


def observe_source_unchanged(session: Session, run: CrawlRun, now: dt.datetime) -> int:
    """The run's source answered 304 for its whole document: every current offering of that
    source (and its open prices) was observed unchanged. Returns how many."""
    mine = (Offering.source == run.source, Offering.removed_at.is_(None))
    ids = select(Offering.id).where(*mine).scalar_subquery()
    count = session.scalar(select(func.count()).select_from(Offering).where(*mine)) or 0
    session.execute(update(Offering).where(*mine).values(last_seen_at=now, last_seen_run_id=run.id))
    session.execute(
        update(Price).where(Price.offering_id.in_(ids), Price.closed_run_id.is_(None))
        .values(last_run_id=run.id, last_seen_at=now)
    )
    return int(count)


def record_failures(session: Session, run: CrawlRun, failures: Sequence[PageFailure]) -> None:
    """List failed pages for the summary. A known offering whose page answered but could not be
    read keeps its last good prices, flagged stale, and is not counted as gone."""
    if not failures:
        return
    session.execute(
        PageProblem.__table__.insert(),
        [
            {"run_id": run.id, "url": f.url, "reason": f.reason, "http_status": f.http_status}
            for f in failures
        ],
    )
    for failure in failures:
        if failure.http_status in (404, 410) or not failure.provider or not failure.model_id:
            continue
        off = session.scalar(
            select(Offering)
            .join(Provider, Provider.id == Offering.provider_id)
            .join(Model, Model.id == Offering.model_ref_id)
            .where(Provider.slug == failure.provider, Model.model_id == failure.model_id,
                   Offering.source == run.source)
        )
        if off is not None and off.removed_at is None:
            off.stale_reason = failure.reason
            off.last_seen_run_id = run.id
    session.flush()


def set_provider_names(session: Session, names: dict[str, str]) -> None:
    """Provider display names learnt from a model's llms.txt."""
    if names:
        _get_or_create(session, Provider, Provider.slug, {slug: {"name": n} for slug, n in names.items()})
