"""The store on both backends: exact money, upserts, price intervals, removal and return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import store
from catalog.queries import current_offerings
from catalog.records import Fetch, Observation, PageRecord
from catalog.schema import Offering, Presence, Price

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.timezone.utc)
SITE = "http://catalog.test"


def observation(model_id="m-1", provider="p", h="h1", at=T0, **prices) -> Observation:
    url = f"{SITE}/models/{provider}/{model_id}.md"
    record = PageRecord(
        canonical_url=url, provider=provider, model_id=model_id, name=model_id.upper(),
        creator="c", headline_unit="call", **{k: Decimal(v) for k, v in prices.items()},
    )
    return Observation(record=record, fetch=Fetch(url=url, http_status=200, fetched_at=at, content_hash=h))


def run_with(engine, *observations, status="complete"):
    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE)
        result = store.observe(session, run, list(observations))
        store.finish_run(session, run, status)
        return run.id, result


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


def test_complete_run_removes_unseen_and_offering_comes_back(engine):
    run_with(engine, observation("a", input_per_mtok="1"), observation("b", input_per_mtok="2"))
    run2, _ = run_with(engine, observation("a", input_per_mtok="1"))
    with Session(engine) as session:
        b = session.scalars(select(Offering).where(Offering.source_url.like("%/b.md"))).one()
        assert b.removed_run_id == run2
        assert [v.model_id for v in current_offerings(session)] == ["a"]
        assert session.scalar(select(Price.closed_run_id).where(Price.offering_id == b.id)) == run2
    run3, result = run_with(engine, observation("a", input_per_mtok="1"), observation("b", input_per_mtok="2"))
    assert result.new == 1
    with Session(engine) as session:
        assert [v.model_id for v in current_offerings(session)] == ["a", "b"]
        spans = session.execute(select(Presence.opened_run_id, Presence.closed_run_id).order_by(Presence.id)).all()
        assert [tuple(s) for s in spans] == [(1, None), (1, 2), (3, None)]


def test_incomplete_run_removes_nothing(engine):
    run_with(engine, observation("a", input_per_mtok="1"), observation("b", input_per_mtok="2"))
    run_with(engine, observation("a", input_per_mtok="1"), status="interrupted")
    with Session(engine) as session:
        assert [v.model_id for v in current_offerings(session)] == ["a", "b"]


def test_missing_price_stays_unknown(engine):
    run_with(engine, observation(per_image="0.04"))
    with Session(engine) as session:
        view = current_offerings(session)[0]
        assert view.amount("input_per_mtok") is None and view.amount("per_image") == Decimal("0.04")
