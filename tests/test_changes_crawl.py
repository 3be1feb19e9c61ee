"""Real refreshes of the fixture sites: change detection against the truth files, and how little a
refresh of an unchanged site costs (conditional requests, no rewrites, no new price rows)."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from email.message import Message

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from catalog import db, store
from catalog.cli import cli
from catalog.schema import CrawlRun, Offering, Price
from spiders.localsite import LocalSite
from tests.crawling import differences, export_json, refresh
from tests.sites import fixture_root, load_truth

pytestmark = pytest.mark.slow

PRICE_KEYS = ("input_per_mtok", "output_per_mtok", "per_image", "per_second", "headline")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), env={"CATALOG_DATABASE_URL": None})


def truth_changes(old: list[dict], new: list[dict]) -> dict:
    """What `catalog changes` must report between two truth files (prices compared as decimals)."""
    before = {(r["provider"], r["model_id"]): r for r in old}
    after = {(r["provider"], r["model_id"]): r for r in new}

    def prices(row):
        return {k: Decimal(row["prices"][k]) for k in PRICE_KEYS if row["prices"].get(k) is not None}

    changed = set()
    for key in before.keys() & after.keys():
        a, b = prices(before[key]), prices(after[key])
        for component in a.keys() | b.keys():
            if a.get(component) != b.get(component):
                changed.add((*key, component, a.get(component), b.get(component)))
    return {"added": sorted(after.keys() - before.keys()), "removed": sorted(before.keys() - after.keys()),
            "price_changes": changed}


def reported(db_url: str, *args: str) -> dict:
    result = invoke("changes", "--json", *args, "--db", db_url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return {
        "runs": (data["from_run"], data["to_run"]),
        "added": [(r["provider"], r["model_id"]) for r in data["added"]],
        "removed": [(r["provider"], r["model_id"]) for r in data["removed"]],
        "price_changes": {
            (c["provider"], c["model_id"], c["component"], c["old"] and Decimal(c["old"]), c["new"] and Decimal(c["new"]))
            for c in data["price_changes"]
        },
    }


def counts(db_url: str):
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        prices = session.scalar(select(func.count()).select_from(Price))
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        session.expunge_all()
    engine.dispose()
    return prices, runs


# --- change detection ---------------------------------------------------------------------------


def test_changes_between_epochs_equal_the_truth_files(db_url):
    with LocalSite(fixture_root("site")) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        epoch0 = load_truth(site.root, site.base_url)
        site.swap_root(fixture_root("site-epoch1"))
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        epoch1 = load_truth(site.root, site.base_url)
    assert differences(epoch1, export_json(db_url)) == []
    want = truth_changes(epoch0, epoch1)
    got = reported(db_url)
    assert got["runs"] == (1, 2)
    assert (len(want["added"]), len(want["removed"]), len({c[:2] for c in want["price_changes"]})) == (6, 3, 21)
    assert got["added"] == want["added"]
    assert got["removed"] == want["removed"]
    assert got["price_changes"] == want["price_changes"]

    # the history of a re-priced offering shows both values, each with its dates
    provider, model_id, component, old, new = sorted(want["price_changes"])[0]
    result = invoke("history", f"{provider}/{model_id}", "--json", "--db", db_url)
    spans = json.loads(result.output)["prices"][component]
    assert [Decimal(s["amount"]) for s in spans] == [old, new]
    assert spans[0]["to"] == spans[1]["from"] and spans[1]["to"] is None
    assert (spans[0]["opened_run"], spans[0]["closed_run"], spans[1]["opened_run"]) == (1, 2, 2)


def test_a_removed_offering_comes_back(db_url):
    with LocalSite(fixture_root("site")) as site:
        for root in ("site", "site-epoch1", "site"):
            site.swap_root(fixture_root(root))
            done = refresh(site.base_url, db_url)
            assert done.returncode == 0, done.stdout + done.stderr
        epoch0 = load_truth(fixture_root("site"), site.base_url)
        epoch1 = load_truth(fixture_root("site-epoch1"), site.base_url)
    want = truth_changes(epoch1, epoch0)
    got = reported(db_url)
    assert got["runs"] == (2, 3)
    assert got["added"] == want["added"] and len(got["added"]) == 3  # the three removed in epoch 1
    assert got["removed"] == want["removed"]
    assert got["price_changes"] == want["price_changes"]
    assert reported(db_url, "--since", "1")["price_changes"] == set()  # back to epoch 0's prices
    assert differences(epoch0, export_json(db_url)) == []
    for provider, model_id in got["added"]:
        data = json.loads(invoke("history", f"{provider}/{model_id}", "--json", "--db", db_url).output)
        assert [(s["opened_run"], s["closed_run"]) for s in data["listed"]] == [(1, 2), (3, None)]
        assert data["removed_at"] is None


# --- an unchanged site costs little -------------------------------------------------------------


def _model_requests(site):
    return [r for r in site.requests if r["path"].startswith("/models/")]


def test_second_refresh_of_an_unchanged_site_is_conditional(db_url):
    with LocalSite(fixture_root("site")) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        first = site.requests.snapshot()
        prices_before, _ = counts(db_url)
        site.requests.clear()
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        second = site.requests.snapshot()
    prices_after, runs = counts(db_url)
    assert prices_after == prices_before  # no price row added
    models = [r for r in second if r["path"].startswith("/models/")]
    conditional = [r for r in models if r["conditional"]]
    answered_304 = [r for r in conditional if r["status"] == 304]
    # every model page that answered 200 last time is asked conditionally (and one model llms.txt
    # per provider, for its display name); only the pages that answered 404 are asked plainly
    assert all(r["conditional"] or r["status"] == 404 for r in models)
    assert len(conditional) >= 0.8 * len(models)
    assert len(answered_304) == len(conditional)
    bytes_first, bytes_second = sum(r["bytes"] for r in first), sum(r["bytes"] for r in second)
    assert bytes_second < 0.25 * bytes_first, (bytes_first, bytes_second)
    run = runs[-1]
    assert (run.status, run.offerings_new, run.offerings_updated, run.price_changes) == ("complete", 0, 0, 0)
    assert run.pages_not_modified == len(answered_304)
    assert run.offerings_unchanged == runs[0].offerings_new
    assert invoke("changes", "--db", db_url).output.startswith("No changes from refresh #1 ")


class NoValidators(LocalSite):
    """A server that ignores If-None-Match / If-Modified-Since: every page comes back whole."""

    def respond(self, request):
        return super().respond(dataclasses.replace(request, headers=Message()))


def test_pages_with_an_unchanged_hash_are_not_rewritten(db_url):
    """Read again whole, a page whose content hash is the stored one only marks its offering seen."""
    with NoValidators(fixture_root("site")) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        engine = db.make_engine(db_url)
        with Session(engine) as session, session.begin():  # a mark the page itself would overwrite
            session.execute(update(Offering).values(description="kept: not rewritten"))
        prices_before, _ = counts(db_url)
        site.requests.clear()
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not [r for r in site.requests if r["status"] == 304]
    prices_after, runs = counts(db_url)
    assert prices_after == prices_before
    with Session(engine) as session:
        assert set(session.scalars(select(Offering.description))) == {"kept: not rewritten"}
        assert set(session.scalars(select(Offering.last_seen_run_id))) == {2}
        assert set(session.scalars(select(Price.last_run_id).where(Price.closed_run_id.is_(None)))) == {2}
    engine.dispose()
    run = runs[-1]
    assert (run.offerings_updated, run.price_changes, run.pages_not_modified) == (0, 0, 0)
    assert run.offerings_unchanged == runs[0].offerings_new


def test_store_writes_nothing_but_seen_marks_for_an_unchanged_page(engine):
    """The same page (same hash) observed again: no insert, no delete, no related-link rewrite."""
    import datetime as dt

    from catalog.records import Fetch, Observation, PageRecord, RelatedOffering

    url = "http://catalog.test/models/p/m.md"
    record = PageRecord(canonical_url=url, provider="p", model_id="m", name="M", prices={"input_per_mtok": Decimal("0.1")},
                        related=[RelatedOffering(provider="p", model_id="n")])
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    observation = Observation(record=record, fetch=Fetch(url=url, http_status=200, fetched_at=at, content_hash="h"))
    def refresh_writes() -> list[str]:
        statements: list[str] = []

        def listener(*args) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        try:
            with Session(engine) as session, session.begin():
                run = store.start_run(session, "http://catalog.test")
                store.observe(session, run, [observation])
                store.finish_run(session, run, "complete")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return statements

    refresh_writes()
    statements = refresh_writes()
    writes = [s.split()[0:3] for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]
    assert writes == [
        ["UPDATE", "crawl_runs", "SET"],  # start_run: dead runs become interrupted
        ["INSERT", "INTO", "crawl_runs"],
        ["UPDATE", "offerings", "SET"],  # last seen
        ["UPDATE", "prices", "SET"],  # last seen
        ["UPDATE", "crawl_runs", "SET"],  # finish_run
    ]


def test_known_pages_leave_out_removed_offerings(engine):
    """A removed offering's page is asked for without validators: were it to come back, a 304
    could not reopen its closed prices."""
    import datetime as dt

    from catalog.records import Fetch, Observation, PageRecord

    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def seen(*names):
        out = []
        for name in names:
            url = f"http://catalog.test/models/p/{name}.md"
            record = PageRecord(canonical_url=url, provider="p", model_id=name, prices={"input_per_mtok": Decimal("1")})
            out.append(Observation(record=record, fetch=Fetch(url=url, http_status=200, fetched_at=at,
                                                              content_hash=name, etag=f'"{name}"', canonical_url=url)))
        return out

    for names in (("a", "b"), ("a",)):
        with Session(engine) as session, session.begin():
            run = store.start_run(session, "http://catalog.test")
            observations = seen(*names)
            store.observe(session, run, observations)
            store.record_fetches(session, run, [o.fetch for o in observations])
            store.finish_run(session, run, "complete")
    with Session(engine) as session:
        known = store.known_pages(session)
    assert {url: page.etag for url, page in known.items()} == {"http://catalog.test/models/p/a.md": '"a"'}
