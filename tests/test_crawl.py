"""End to end: `catalog refresh` crawls a real local server; the database holds exactly the truth."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import db
from catalog.schema import CrawlRun, Model, Offering, PageProblem, Provider
from spiders.localsite import LocalSite
from tests.crawling import differences, export_json, refresh
from tests.sites import fixture_root, load_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site():
    with LocalSite(fixture_root("site")) as local:
        yield local


def test_refresh_then_export_equals_truth(site, db_url):
    done = refresh(site.base_url, db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    truth = load_truth(site.root, site.base_url)
    rows = export_json(db_url)
    assert len(truth) >= 100
    assert differences(truth, rows) == []
    summary = done.stdout.splitlines()
    assert summary[0].startswith("Refresh #1 of ") and ": complete in " in summary[0]
    assert f"Offerings: {len(truth)} new, 0 updated, 0 unchanged, 0 removed; 0 price changes" in summary
    # the seed page, digit for digit
    seed = next(r for r in rows if r["model_id"] == "meta-llama-llama-3.2-1b-instruct")
    assert (seed["input_per_mtok"], seed["output_per_mtok"], seed["headline_price"]) == ("0.027", "0.20", "0.113500")
    assert seed["provider_name"] == "Together AI" and seed["headline_unit"] == "call"


def test_crawl_is_polite_and_stays_on_site(site, db_url):
    site.requests.clear()
    done = refresh(site.base_url, db_url)
    assert done.returncode == 0, done.stderr
    paths = [r["path"] for r in site.requests]
    assert not [p for p in paths if p.startswith(("/api/", "/dashboard"))]
    assert all(r["user_agent"].startswith("catalog/") for r in site.requests)
    model_pages = [p for p in paths if p.endswith(".md") and p.startswith("/models/")]
    assert len(model_pages) == len(set(model_pages)), "a model page was fetched twice"


def test_dead_related_links_make_no_phantom_offerings(site, db_url):
    refresh(site.base_url, db_url)
    truth = load_truth(site.root, site.base_url)
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.status == "complete"
        stored = set(session.execute(select(Provider.slug, Model.model_id).join(Offering.provider).join(Offering.model)))
        problems = session.execute(select(PageProblem.url, PageProblem.reason, PageProblem.http_status)).all()
    engine.dispose()
    # an offering row for every page of the truth and for nothing else
    assert stored == {(t["provider"], t["model_id"]) for t in truth}
    # the seed's cards point at pages this site lacks: each is a failed page (404), none an offering
    seed = next(t for t in truth if t["model_id"] == "meta-llama-llama-3.2-1b-instruct")
    dead = {f"{site.base_url}/models/{p}/{m}.md" for p, m in seed["related"]}
    assert dead and len(problems) == run.pages_failed
    assert {(url, reason, status) for url, reason, status in problems} == {(url, "HTTP 404", 404) for url in dead}
