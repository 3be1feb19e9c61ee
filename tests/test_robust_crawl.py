"""A crawl that survives the real web: two refreshes of a faulty site (tests/faultsite.py).

The first refresh must store every offering that has a valid page, exactly; report every broken
page with its reason (summary and page_problems); send nothing to a disallowed path or another
host; and invent no offering. The second refresh breaks a few stored pages: they keep their last
good prices, flagged stale, and a page that is gone (410) is removed.

Both refreshes run once per backend (module-scoped), as `python -m catalog` subprocesses.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import db
from catalog.schema import CrawlRun, Model, Offering, PageProblem, Price, Provider
from spiders.localsite import LocalSite
from tests.conftest import pg_schema
from tests.crawling import catalog, differences
from tests.faultsite import EPOCH1_FAULTS, FAULTS, SLOW_HOLD_ANSWERS, SLOW_SECONDS, FaultySite, Plan, build

pytestmark = pytest.mark.slow

#: seconds a response may take in the first refresh (the slow page is held up to SLOW_SECONDS) and the second
TIMEOUTS = (8, 1)


@dataclass
class Refresh:
    done: Any  # subprocess.CompletedProcess
    requests: list[dict[str, Any]]
    tries: dict[str, int]  # requests that arrived per path, answered or not
    rows: list[dict[str, Any]]
    problems: list[tuple[str, str, int | None]]
    held: dict[str, tuple[int, int]]  # path -> the request log's length when held and when let go


@dataclass
class Crawled:
    db_url: str
    plan: Plan
    base_url: str
    elsewhere_requests: list[dict[str, Any]]
    first: Refresh
    second: Refresh
    csv_text: str


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'catalog.sqlite3'}"
        return
    with pg_schema() as url:
        yield url


def _problems(db_url: str, run_number: int) -> list[tuple[str, str, int | None]]:
    engine = db.make_engine(db_url)
    try:
        with Session(engine) as session:
            run_id = session.scalars(select(CrawlRun.id).order_by(CrawlRun.id)).all()[run_number - 1]
            rows = session.execute(
                select(PageProblem.url, PageProblem.reason, PageProblem.http_status).where(PageProblem.run_id == run_id)
            )
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def _export(db_url: str, fmt: str) -> str:
    done = catalog("export", "--format", fmt, db_url=db_url)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def crawled(module_db_url, tmp_path_factory) -> Crawled:
    work = tmp_path_factory.mktemp("faulty")
    (work / "elsewhere").mkdir()
    with LocalSite(work / "elsewhere") as elsewhere:
        plan = build(work / "site", elsewhere=elsewhere.base_url)
        with FaultySite(plan) as site:
            refreshes = []
            for epoch, timeout in enumerate(TIMEOUTS):
                if epoch:
                    site.next_epoch()
                done = catalog("refresh", "--site", site.base_url, "--timeout", str(timeout), db_url=module_db_url)
                rows = json.loads(_export(module_db_url, "json"))
                refreshes.append(
                    Refresh(done, site.requests.snapshot(), site.tries(), rows, _problems(module_db_url, epoch + 1),
                            dict(site.held))
                )
                if epoch == 0:
                    csv_text = _export(module_db_url, "csv")
            return Crawled(module_db_url, plan, site.base_url, elsewhere.requests.snapshot(), *refreshes, csv_text)


def _by_path(requests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in requests:
        out[unquote(r["path"].split("?", 1)[0])].append(r)
    return out


# --- the first refresh ------------------------------------------------------------------------


def test_the_crawl_runs_to_the_end(crawled):
    done = crawled.first.done
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert ": complete in " in done.stdout.splitlines()[0]
    assert len(crawled.plan.truth) >= 200


def test_every_valid_offering_is_stored_exactly(crawled):
    truth = crawled.plan.truth_for(crawled.base_url)
    assert differences(truth, crawled.first.rows) == []


def test_no_phantom_offering(crawled):
    stored = {(r["provider"], r["model_id"]) for r in crawled.first.rows}
    assert stored == {(t["provider"], t["model_id"]) for t in crawled.plan.truth}
    engine = db.make_engine(crawled.db_url)
    with Session(engine) as session:  # nor a half-made one: every offering row is one of the truth
        keys = session.execute(
            select(Provider.slug, Model.model_id).join(Offering.provider).join(Offering.model)
        ).all()
    engine.dispose()
    assert {tuple(k) for k in keys} == stored


def test_every_broken_page_is_reported_with_its_reason(crawled):
    summary = crawled.first.done.stdout
    problems = {unquote(url.removeprefix(crawled.base_url)): reason for url, reason, _ in crawled.first.problems}
    assert f"Pages that failed ({len(crawled.plan.broken)}):" in summary
    for path, reason in crawled.plan.broken.items():
        assert path in problems, f"{path} not reported"
        assert reason in problems[path], (path, problems[path])
        assert f"  {crawled.base_url}{path}  {problems[path]}" in summary
    assert set(problems) == set(crawled.plan.broken)


def test_dead_links_are_recorded_with_their_status_for_the_removal_rule(crawled):
    statuses = {unquote(url.removeprefix(crawled.base_url)): status for url, _, status in crawled.first.problems}
    assert statuses["/models/deepinfra/dead-404.md"] == 404
    assert statuses["/models/open_router/dead-410.md"] == 410
    assert statuses["/models/deepinfra/broken-500.md"] == 500


def test_nothing_disallowed_or_off_site_is_requested(crawled):
    for refresh in (crawled.first, crawled.second):
        paths = [unquote(r["path"]) for r in refresh.requests]
        assert paths, "no request logged"
        assert not [p for p in paths if p.startswith(crawled.plan.forbidden)]
        assert all(r["user_agent"].startswith("catalog/") for r in refresh.requests)
    assert crawled.elsewhere_requests == []


def test_robots_txt_is_read_before_any_page(crawled):
    paths = [r["path"] for r in sorted(crawled.first.requests, key=lambda r: r["time"])]
    assert paths[0] == "/robots.txt"


def test_5xx_and_429_are_retried_honouring_retry_after(crawled):
    log = _by_path(crawled.first.requests)
    flaky = log["/models/deepinfra/flaky-503-model.md"]
    assert [r["status"] for r in flaky] == [503, 503, 200]
    assert flaky[1]["time"] - flaky[0]["time"] >= 1.0  # Retry-After: 1
    assert flaky[2]["time"] - flaky[1]["time"] >= 0.5  # backoff when no Retry-After is given
    limited = log["/models/deepinfra/rate-limited-model.md"]
    assert [r["status"] for r in limited] == [429, 200]
    assert limited[1]["time"] - limited[0]["time"] >= 1.0
    assert [r["status"] for r in log["/llms.txt"]] == [503, 200]
    assert [r["status"] for r in log["/sitemap.xml"]] == [503, 200]


def test_retries_are_bounded_and_back_off(crawled):
    log = _by_path(crawled.first.requests)
    failing = log["/models/deepinfra/broken-500.md"]
    assert [r["status"] for r in failing] == [500] * 4
    gaps = [b["time"] - a["time"] for a, b in zip(failing, failing[1:], strict=False)]
    assert gaps[0] >= 0.5 and gaps[1] >= 1.0 and gaps[2] >= 2.0
    assert len(log["/models/deepinfra/broken-retry-after-long.md"]) == 1  # not waited out, not hammered
    assert len(log["/models/deepinfra/dead-404.md"]) == 1  # an answer, never retried
    assert len(log["/models/open_router/dead-410.md"]) == 1


def test_a_redirect_is_followed_and_stored_under_the_canonical(crawled):
    log = _by_path(crawled.first.requests)
    assert [r["status"] for r in log["/models/deepinfra/old-name-model.md"]] == [301]
    assert [r["status"] for r in log["/models/deepinfra/new-name-model.md"]] == [200]
    keys = [(r["provider"], r["model_id"]) for r in crawled.first.rows]
    assert ("deepinfra", "new-name-model") in keys and ("deepinfra", "old-name-model") not in keys


def test_a_slow_page_does_not_stall_the_crawl(crawled):
    path = "/models/together_ai/slow-model.md"
    slow = _by_path(crawled.first.requests)[path]
    assert len(slow) == 1 and slow[0]["status"] == 200  # waited for, not timed out
    # the server held it until it had answered SLOW_HOLD_ANSWERS other requests (or SLOW_SECONDS):
    # those answers are in the log, so the crawl went on meanwhile
    before, after = crawled.first.held[path]
    meanwhile = crawled.first.requests[before:after]
    assert len(meanwhile) >= SLOW_HOLD_ANSWERS, f"{len(meanwhile)} answers in {SLOW_SECONDS:g} s"
    assert path not in {r["path"] for r in meanwhile}


def test_a_page_slower_than_the_timeout_is_retried(crawled):
    assert crawled.first.tries["/models/together_ai/stall-once-model.md"] == 2
    answered = _by_path(crawled.first.requests)["/models/together_ai/stall-once-model.md"]
    # the retry's answer (the stalled try ends in a 504, if the server is still up by then)
    assert sorted(r["status"] for r in answered) in ([200], [200, 504])


def test_a_huge_response_is_refused_without_reading_it_whole(crawled):
    log = _by_path(crawled.first.requests)
    for path, size in (("/models/deepinfra/broken-huge.md", 10), ("/models/deepinfra/broken-huge-stream.md", 64)):
        attempts = log[path]
        assert len(attempts) == 1, path  # too large is not a transient failure
        assert attempts[0]["bytes"] < size * 2**20, path  # the server could not send it all


def test_hostile_names_round_trip_exactly(crawled):
    rows = {f"{r['provider']}/{r['model_id']}": r for r in crawled.first.rows}
    for key, name in crawled.plan.names.items():
        assert rows[key]["name"] == name
    engine = db.make_engine(crawled.db_url)
    with Session(engine) as session:
        assert session.scalar(select(Offering.id).limit(1)) is not None  # the table is still there


def test_csv_export_neutralises_formulas(crawled):
    rows = {f"{r['provider']}/{r['model_id']}": r for r in csv.DictReader(io.StringIO(crawled.csv_text))}
    assert rows["modelslab/formula-model"]["name"] == "'" + crawled.plan.names["modelslab/formula-model"]
    assert rows["modelslab/at-formula-model"]["name"] == "'" + crawled.plan.names["modelslab/at-formula-model"]
    assert rows["modelslab/sql-quote-model"]["name"] == crawled.plan.names["modelslab/sql-quote-model"]
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value


def test_foreign_currency_is_kept_with_its_currency(crawled):
    engine = db.make_engine(crawled.db_url)
    with Session(engine) as session:
        currencies = set(
            session.scalars(
                select(Price.currency)
                .join(Offering, Offering.id == Price.offering_id)
                .join(Model, Model.id == Offering.model_ref_id)
                .where(Model.model_id == "euro-model")
            )
        )
    engine.dispose()
    assert currencies == {"EUR"}


def test_summary_has_no_control_characters(crawled):
    for refresh in (crawled.first, crawled.second):
        assert not [c for c in refresh.done.stdout if ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F]


# --- the second refresh -----------------------------------------------------------------------


def test_second_refresh_keeps_last_good_prices_of_pages_that_now_fail(crawled):
    done = crawled.second.done
    assert done.returncode == 0, done.stdout + done.stderr
    first = {f"{r['provider']}/{r['model_id']}": r for r in crawled.first.rows}
    second = {f"{r['provider']}/{r['model_id']}": r for r in crawled.second.rows}
    engine = db.make_engine(crawled.db_url)
    with Session(engine) as session:
        stale = dict(
            session.execute(
                select(Provider.slug + "/" + Model.model_id, Offering.stale_reason)
                .join(Offering.provider)
                .join(Offering.model)
                .where(Offering.stale_reason.is_not(None))
            ).all()
        )
    engine.dispose()
    expected_stale = {k: why for k, (state, why) in crawled.plan.epoch1.items() if state == "stale"}
    assert set(stale) == set(expected_stale)
    for key, why in expected_stale.items():
        assert why in stale[key], (key, stale[key])
        for price in ("input_per_mtok", "output_per_mtok", "headline_price"):
            assert Decimal(second[key][price]) == Decimal(first[key][price])
    summary = done.stdout
    for path in EPOCH1_FAULTS:
        assert f"{crawled.base_url}{path}  " in summary


def test_second_refresh_removes_a_page_that_is_gone(crawled):
    gone = [k for k, (state, _) in crawled.plan.epoch1.items() if state == "removed"]
    keys = {f"{r['provider']}/{r['model_id']}" for r in crawled.second.rows}
    assert gone and not keys & set(gone)
    assert len(keys) == len(crawled.plan.truth) - len(gone)


def test_faults_cover_every_kind(crawled):
    """The site exercises what the issue lists (guards the fixture against losing a case)."""
    faults = " ".join(FAULTS.values())
    for kind in ("503", "429", "500", "301", "10 MB", "Content-Length", "410", "not a model page", "file:"):
        assert kind in faults, kind
    assert Path(crawled.plan.root, "robots.txt").read_text().count("Disallow:") >= 3
