"""Refreshes that are killed, interrupted or started twice: nothing committed is lost, nothing
half-written is visible, nothing is marked removed, and the next refresh completes normally.

Each refresh is a real `python -m catalog refresh` process against a LocalSite; the site is made
slow (a pause per model page) so that the test can act in the middle of a crawl.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import db
from catalog.cli import cli
from catalog.errors import RefreshLocked
from catalog.lock import refresh_lock
from catalog.schema import CrawlRun, Offering, Presence, Price, RelatedLink
from spiders.localsite import LocalSite
from tests.crawling import ROOT, differences, export_json, refresh
from tests.sites import fixture_root, load_truth
from tests.test_changes_crawl import reported, truth_changes

pytestmark = pytest.mark.slow


class SlowSite(LocalSite):
    """The site, with a pause before each model page while ``delay`` is set."""

    delay = 0.0

    def respond(self, request):
        if self.delay and request.path.startswith("/models/") and request.path.endswith(".md"):
            time.sleep(self.delay)
        return super().respond(request)


def start_refresh(site_url: str, db_url: str) -> subprocess.Popen:
    """A refresh in the background: two requests at a time, a commit every 10 items."""
    env = {**os.environ, "COLUMNS": "200", "CATALOG_BATCH_SIZE": "10"}
    env.pop("CATALOG_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "catalog", "refresh", "--site", site_url, "--concurrency", "2", "--db", db_url],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def scalar(engine, stmt):
    with Session(engine) as session:
        return session.scalar(stmt)


def seen_by(engine, run_id: int) -> int:
    """Offerings the run has written (committed batches only: another connection reads them)."""
    return scalar(engine, select(func.count()).select_from(Offering).where(Offering.last_seen_run_id == run_id))


def wait_unlocked(engine) -> None:
    """A killed holder's lock goes with it; PostgreSQL may take a moment to notice the dead client."""

    def free() -> bool:
        try:
            with refresh_lock(engine):
                return True
        except RefreshLocked:
            return False

    wait_for(free, "the killed refresh's lock to be released", timeout=20)


def assert_whole(engine) -> None:
    """What a reader sees is whole batches: every offering listed has its presence, its prices
    and its related links as one page showed them."""
    with Session(engine) as session:
        listed = select(Offering.id).where(Offering.removed_at.is_(None))
        open_presence = select(Presence.offering_id).where(Presence.closed_run_id.is_(None))
        priced = select(Price.offering_id).where(Price.closed_run_id.is_(None))
        assert session.scalar(select(func.count()).where(Offering.id.in_(listed), Offering.id.not_in(open_presence))) == 0
        assert session.scalar(select(func.count()).where(Offering.id.in_(listed), Offering.id.not_in(priced))) == 0
        with_links = select(RelatedLink.offering_id)
        assert session.scalar(select(func.count()).where(Offering.id.in_(listed), Offering.id.not_in(with_links))) == 0


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_refresh_then_a_clean_refresh(db_url, how):
    """Epoch 0, then a refresh of epoch 1 stopped in the middle, then a clean one."""
    engine = db.make_engine(db_url)
    with SlowSite(fixture_root("site")) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        epoch0 = load_truth(site.root, site.base_url)
        site.swap_root(fixture_root("site-epoch1"))
        epoch1 = load_truth(site.root, site.base_url)
        site.delay = 0.15
        process = start_refresh(site.base_url, db_url)
        try:
            wait_for(lambda: seen_by(engine, 2) >= 30, "a few batches of the second refresh")
            process.send_signal(how)
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
        committed = seen_by(engine, 2)
        assert 30 <= committed < len(epoch1), "the refresh was not stopped in the middle"
        run = scalar(engine, select(CrawlRun).where(CrawlRun.id == 2))
        if how == signal.SIGKILL:
            assert process.returncode == -signal.SIGKILL
            assert run.status == "running"  # nobody closed it: the next refresh will
        else:  # Scrapy stops gracefully: the pipeline flushes, the run is closed as interrupted
            assert process.returncode == 1, out + err
            assert out.splitlines()[0].startswith("Refresh #2 of ") and ": interrupted in " in out
            assert run.status == "interrupted"
            assert run.error == "stopped before the end (Ctrl-C or a signal); nothing was marked removed"
        assert scalar(engine, select(func.count()).select_from(Offering).where(Offering.removed_at.is_not(None))) == 0
        assert_whole(engine)

        site.delay = 0
        wait_unlocked(engine)
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
    with Session(engine) as session:
        runs = session.execute(select(CrawlRun.id, CrawlRun.status).order_by(CrawlRun.id)).all()
        assert [tuple(r) for r in runs] == [(1, "complete"), (2, "interrupted"), (3, "complete")]
        # the interrupted run closed nothing for good: removals are all the clean run's
        assert set(session.scalars(select(Offering.removed_run_id).where(Offering.removed_at.is_not(None)))) == {3}
        assert set(session.scalars(select(Presence.closed_run_id).where(Presence.closed_run_id.is_not(None)))) == {3}
    engine.dispose()
    assert differences(epoch1, export_json(db_url)) == []
    want, got = truth_changes(epoch0, epoch1), reported(db_url)
    assert got["runs"] == (1, 3)
    assert (got["added"], got["removed"], got["price_changes"]) == (
        want["added"], want["removed"], want["price_changes"],
    )
    listed = json.loads(CliRunner().invoke(cli, ["runs", "--json", "--db", db_url]).output)
    assert [(r["id"], r["status"]) for r in listed] == [(3, "complete"), (2, "interrupted"), (1, "complete")]


def test_a_second_concurrent_refresh_exits_at_once(db_url):
    engine = db.make_engine(db_url)
    db.ensure_schema(engine)  # so the test can watch the first refresh from its start
    with SlowSite(fixture_root("site")) as site:
        site.delay = 0.1
        first = start_refresh(site.base_url, db_url)
        try:
            wait_for(lambda: seen_by(engine, 1) >= 10, "the first refresh to be under way")
            starts = [r["path"] for r in site.requests if r["path"] in ("/robots.txt", "/llms.txt")]
            second = refresh(site.base_url, db_url)
            # at once: it did not wait for the first one to finish...
            assert first.poll() is None, "the first refresh should still be running"
            site.delay = 0
            out, err = first.communicate(timeout=120)
        finally:
            first.kill()
        paths = [r["path"] for r in site.requests]
    # ... nor send the site a single request: a crawl starts with robots.txt and llms.txt, and
    # none was requested since the first refresh started its own; no model page was read twice
    assert "/llms.txt" in starts
    assert [p for p in paths if p in ("/robots.txt", "/llms.txt")] == starts
    models = [p for p in paths if p.startswith("/models/")]
    assert len(models) == len(set(models)), "a model page was requested twice"
    assert first.returncode == 0, out + err
    assert second.returncode == 1
    assert second.stdout == ""
    if engine.dialect.name == "sqlite":
        lock_file = f"{engine.url.database}.refresh-lock"
        assert second.stderr == (
            f"Error: another refresh (pid {first.pid}) is running on this database: it holds the lock file "
            f"{lock_file}; wait for it to finish or use another --db\n"
        )
    else:
        assert re.fullmatch(
            r"Error: another refresh \(server pid \d+\) is running on this database: it holds the PostgreSQL "
            r"advisory lock \(25441, -?\d+\) of schema catalog_test_\w+; wait for it to finish or use another --db\n",
            second.stderr,
        ), second.stderr
    with Session(engine) as session:  # the second one left no trace
        runs = session.execute(select(CrawlRun.id, CrawlRun.status)).all()
        assert [tuple(r) for r in runs] == [(1, "complete")]
    engine.dispose()
