"""The store on both backends: exact money, upserts, price intervals, removal and return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import store
from catalog.reader import Reader
from catalog.records import Fetch, Observation, PageRecord
from catalog.schema import CrawlRun, Offering, Presence, Price

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
SITE = "http://catalog.test"


def observation(model_id="m-1", provider="p", h="h1", at=T0, **prices) -> Observation:
    url = f"{SITE}/models/{provider}/{model_id}.md"
    record = PageRecord(
        canonical_url=url, provider=provider, model_id=model_id, name=model_id.upper(),
        creator="c", headline_unit="call",
        prices={k.removesuffix("_price"): Decimal(v) for k, v in prices.items()},  # headline_price -> headline
    )
    return Observation(record=record, fetch=Fetch(url=url, http_status=200, fetched_at=at, content_hash=h))


def run_with(engine, *observations, status="complete", finished=None):
    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE)
        result = store.observe(session, run, list(observations))
        store.finish_run(session, run, status, now=finished)
        return run.id, result


def intervals(engine, table, model_id):
    """The rows of TABLE (Price or Presence) of one offering, oldest first."""
    with Session(engine) as session:
        off = session.scalars(select(Offering).where(Offering.source_url.like(f"%/{model_id}.md"))).one()
        return session.scalars(select(table).where(table.offering_id == off.id).order_by(table.id)).all()


def current_offerings(session):
    """The current offerings as the catalog reads them (catalog.reader, on this session's engine)."""
    engine = session.get_bind()
    with Reader(engine.raw_connection(), engine.dialect.name) as reader:
        return reader.offerings()


def open_prices(engine, model_id="m-1"):
    with Session(engine) as session:
        view = {v.model_id: v for v in current_offerings(session)}[model_id]
        return {c: format(p.amount, "f") for c, p in view.prices.items()}


@pytest.mark.parametrize(
    "amount", ["0.20", "0.027", "0.113500", "1200.50", "0.0000001", "123456789.123456789", "0", "5"]
)
def test_money_reads_back_digit_for_digit(engine, amount):
    run_with(engine, observation(input_per_mtok=amount))
    assert open_prices(engine) == {"input_per_mtok": amount}


def test_money_refuses_float(engine):
    from catalog.coltypes import Money

    with pytest.raises(TypeError, match="Decimal"):
        Money().process_bind_param(0.1, engine.dialect)


def test_unchanged_page_adds_no_price_rows(engine):
    run_with(engine, observation(input_per_mtok="0.10", output_per_mtok="0.20", headline_price="0.15"))
    _, result = run_with(engine, observation(input_per_mtok="0.10", output_per_mtok="0.20", headline_price="0.15"))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Price)) == 3
        assert {p.last_run_id for p in session.scalars(select(Price))} == {2}


def test_same_value_in_other_digits_is_unchanged(engine):
    run_with(engine, observation(input_per_mtok="0.2"))
    _, result = run_with(engine, observation(h="h2", input_per_mtok="0.20"))
    assert result.price_changes == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Price)) == 1


def test_price_change_closes_old_interval_and_opens_new(engine):
    run_with(engine, observation(input_per_mtok="0.10"))
    at = T0 + dt.timedelta(days=7)
    run2, result = run_with(engine, observation(h="h2", at=at, input_per_mtok="0.12"))
    assert (result.updated, result.price_changes) == (1, 1)
    with Session(engine) as session:
        rows = session.scalars(select(Price).order_by(Price.id)).all()
        assert [(str(r.amount), r.valid_from, r.valid_to, r.closed_run_id) for r in rows] == [
            ("0.10", T0, at, run2),
            ("0.12", at, None, None),
        ]
        assert rows[1].source_url == f"{SITE}/models/p/m-1.md" and rows[1].content_hash == "h2"
        assert not rows[1].suspect


def test_tenfold_move_is_flagged_suspect(engine):
    run_with(engine, observation(input_per_mtok="0.10"))
    run_with(engine, observation(h="h2", input_per_mtok="1.50"))
    with Session(engine) as session:
        assert [p.suspect for p in session.scalars(select(Price).order_by(Price.id))] == [False, True]


#: (old, new, suspect): "more than 10x" either way; exactly 10x is not suspect; to or from 0 is
SUSPECT_CASES = [
    ("0.10", "1.00", False),  # exactly 10x up
    ("1.00", "0.10", False),  # exactly 10x down
    ("0.10", "1.0000001", True),  # just over 10x up
    ("1.00", "0.0999999", True),  # just over 10x down
    ("0.10", "0.9999999", False),  # just under 10x up
    ("1", "0.01", True),  # a 100x drop
    ("0.01", "1", True),  # a 100x rise
    ("0", "0.5", True),  # from free
    ("0.5", "0", True),  # to free
    ("0.10", "0.15", False),
]


@pytest.mark.parametrize(("old", "new", "suspect"), SUSPECT_CASES)
def test_suspect_rule(old, new, suspect):
    assert store.SUSPECT_FACTOR == 10
    assert store.is_suspect(Decimal(old), Decimal(new)) is suspect


@pytest.mark.parametrize(("old", "new", "suspect"), SUSPECT_CASES)
def test_suspect_flag_is_stored_on_the_new_price(engine, old, new, suspect):
    run_with(engine, observation(input_per_mtok=old))
    run_with(engine, observation(h="h2", input_per_mtok=new))
    rows = intervals(engine, Price, "m-1")
    assert [(format(r.amount, "f"), r.suspect, r.closed_run_id) for r in rows] == [
        (old, False, 2), (new, suspect, None),
    ]


def test_complete_run_removes_unseen_and_offering_comes_back(engine):
    removed_at, back_at = T0 + dt.timedelta(days=7, hours=1), T0 + dt.timedelta(days=14)
    run_with(engine, observation("a", input_per_mtok="1"), observation("b", input_per_mtok="2", output_per_mtok="3"))
    run2, _ = run_with(engine, observation("a", input_per_mtok="1"), finished=removed_at)
    with Session(engine) as session:
        b = session.scalars(select(Offering).where(Offering.source_url.like("%/b.md"))).one()
        assert (b.removed_run_id, b.removed_at) == (run2, removed_at)
        assert [v.model_id for v in current_offerings(session)] == ["a"]
        assert session.scalar(select(Price.closed_run_id).where(Price.offering_id == b.id)) == run2
    # the same page (same content hash) comes back: it must be read whole, not taken as unchanged
    run3, result = run_with(
        engine, observation("a", input_per_mtok="1"),
        observation("b", at=back_at, input_per_mtok="2", output_per_mtok="3"),
    )
    assert result.new == 1
    with Session(engine) as session:
        assert [v.model_id for v in current_offerings(session)] == ["a", "b"]
        spans = session.execute(select(Presence.opened_run_id, Presence.closed_run_id).order_by(Presence.id)).all()
        assert [tuple(s) for s in spans] == [(1, None), (1, 2), (3, None)]
    assert open_prices(engine, "b") == {"input_per_mtok": "2", "output_per_mtok": "3"}
    # its old prices closed at the removal, new open intervals from its return
    assert [
        (r.component, format(r.amount, "f"), r.valid_from, r.valid_to, r.opened_run_id, r.closed_run_id)
        for r in intervals(engine, Price, "b")
    ] == [
        ("input_per_mtok", "2", T0, removed_at, 1, run2),
        ("output_per_mtok", "3", T0, removed_at, 1, run2),
        ("input_per_mtok", "2", back_at, None, run3, None),
        ("output_per_mtok", "3", back_at, None, run3, None),
    ]
    assert [(p.opened_at, p.closed_at, p.opened_run_id, p.closed_run_id) for p in intervals(engine, Presence, "b")] == [
        (T0, removed_at, 1, run2),
        (back_at, None, run3, None),
    ]


def test_incomplete_run_removes_nothing(engine):
    run_with(engine, observation("a", input_per_mtok="1"), observation("b", input_per_mtok="2"))
    run_with(engine, observation("a", input_per_mtok="1"), status="interrupted")
    with Session(engine) as session:
        assert [v.model_id for v in current_offerings(session)] == ["a", "b"]


def test_only_a_complete_run_removes_what_it_did_not_see(engine):
    """An incomplete or failed run saw only part of the site: what it missed is not gone."""
    run_with(engine, *(observation(m, input_per_mtok=p) for m, p in (("a", "1"), ("b", "2"), ("c", "3"))))
    run_with(engine, observation("a", h="h2", input_per_mtok="1.5"), status="incomplete")
    run_with(engine, status="failed")
    with Session(engine) as session:
        runs = session.execute(select(CrawlRun.status, CrawlRun.offerings_removed).order_by(CrawlRun.id)).all()
        assert [tuple(r) for r in runs] == [("complete", 0), ("incomplete", 0), ("failed", 0)]
        assert session.scalars(select(Offering.removed_run_id)).all() == [None, None, None]
        assert [v.model_id for v in current_offerings(session)] == ["a", "b", "c"]
    for model_id, price in (("b", "2"), ("c", "3")):
        assert [(format(r.amount, "f"), r.closed_run_id) for r in intervals(engine, Price, model_id)] == [(price, None)]
        assert [(r.opened_run_id, r.closed_run_id) for r in intervals(engine, Presence, model_id)] == [(1, None)]
    assert open_prices(engine, "a") == {"input_per_mtok": "1.5"}

    run4, _ = run_with(engine, observation("a", h="h2", input_per_mtok="1.5"), observation("b", input_per_mtok="2"))
    with Session(engine) as session:
        assert session.scalar(select(CrawlRun.offerings_removed).where(CrawlRun.id == run4)) == 1
        removed = session.execute(select(Offering.source_url, Offering.removed_run_id).order_by(Offering.id)).all()
        assert [(url.rsplit("/", 1)[1], run) for url, run in removed] == [("a.md", None), ("b.md", None), ("c.md", run4)]
        assert [v.model_id for v in current_offerings(session)] == ["a", "b"]
    assert [(r.opened_run_id, r.closed_run_id) for r in intervals(engine, Presence, "c")] == [(1, run4)]
    assert [(r.opened_run_id, r.closed_run_id) for r in intervals(engine, Price, "c")] == [(1, run4)]
    assert [(r.opened_run_id, r.closed_run_id) for r in intervals(engine, Presence, "b")] == [(1, None)]


def test_missing_price_stays_unknown(engine):
    run_with(engine, observation(per_image="0.04"))
    with Session(engine) as session:
        view = current_offerings(session)[0]
        assert view.amount("input_per_mtok") is None and view.amount("per_image") == Decimal("0.04")
