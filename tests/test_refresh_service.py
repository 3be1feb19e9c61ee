"""The refresh service with a source that is not a crawl: a few observations written through the
service's writer, no Scrapy. How runs end (complete, incomplete, failed), what a complete run
removes, one engine per refresh, and finding sources by name.

The real crawl through the `modelslab` entry point is run end to end in
test_one_engine_for_a_real_refresh_of_the_sample (and in every crawl test).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import asdict
from importlib.metadata import EntryPoint, EntryPoints

import pytest
import sqlalchemy
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import sources
from catalog.cli import cli
from catalog.errors import CatalogError
from catalog.reader import Reader
from catalog.records import Fetch, NotModified, Observation, PageFailure, ProviderName
from catalog.refresh import refresh_catalog, run_refresh
from catalog.schema import Offering, Provider
from catalog.sources import CrawlReport, RefreshOptions, Source, SourceContext, load_source
from tests.catalog_data import LLM, record
from tests.crawling import ROOT
from tests.test_hostile_site import _refuse_name

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)


def observation(i: int, name: str | None = None) -> Observation:
    rec = record("deepinfra", f"m-{i}", name or f"Vendor: M{i}", input=f"0.{i}", output=f"1.{i}", creator="vendor",
                 **LLM)
    return Observation(record=rec, fetch=Fetch(url=rec.canonical_url, http_status=200, fetched_at=T0,
                                               content_hash=f"hash-{i}-{name}", canonical_url=rec.canonical_url))


class FakeSource(Source):
    """Emits ITEMS through the context, stopping once the writer failed, and reports REPORT."""

    name = "fake"
    default_site = "http://fake.test"

    def __init__(self, items=(), **report):
        self.items = list(items)
        self.report = {"finish_reason": "finished", "pages_requested": len(self.items),
                       "responses": len(self.items), "not_modified": 0, "bytes_downloaded": 100, **report}
        self.emitted = 0
        self.contexts: list[SourceContext] = []

    def crawl(self, context: SourceContext) -> CrawlReport:
        self.contexts.append(context)
        for item in self.items:
            if context.writer.failed:
                break
            context.emit(item)
            self.emitted += 1
        return CrawlReport(**self.report)


def listed(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.scalars(select(Offering.source_url).where(Offering.removed_at.is_(None))))


def test_a_complete_run_writes_in_batches_and_removes_what_it_did_not_see(engine):
    failure = PageFailure(url="http://fake.test/models/deepinfra/gone.md", reason="HTTP 404", http_status=404)
    seen: list[object] = []
    # in batches of 2: the provider's name is left for the service to write once the source ended
    first = FakeSource([observation(1), observation(2), failure, observation(3),
                        ProviderName(provider="deepinfra", name="Deep Infra")])
    result = run_refresh(engine, first, options=RefreshOptions(batch_size=2), on_item=seen.append)
    assert seen == first.items
    assert result.ok and result.run.ok
    assert result.problems == [("http://fake.test/models/deepinfra/gone.md", "HTTP 404")]
    assert result.report.finish_reason == "finished"
    with Session(engine) as session:
        assert asdict(result.run) == asdict(list_runs(session)[0])  # the run as `catalog runs` shows it
        assert session.scalar(select(Provider.name).where(Provider.slug == "deepinfra")) == "Deep Infra"
    run = result.run
    assert (run.id, run.site, run.status, run.error) == (1, "http://fake.test", "complete", None)
    assert (run.pages_fetched, run.pages_not_modified, run.pages_failed, run.bytes_downloaded) == (5, 0, 1, 100)
    assert (run.offerings_new, run.offerings_updated, run.offerings_unchanged, run.offerings_removed) == (3, 0, 0, 0)
    context = first.contexts[0]
    assert (context.run_id, context.site, context.max_pages, context.known) == (1, "http://fake.test", 10_000, {})
    assert context.engine is engine and context.writer.engine is engine and context.writer.batch_size == 2

    unchanged = NotModified(canonical_url=observation(1).record.canonical_url,
                            fetch=Fetch(url=observation(1).fetch.url, http_status=304, fetched_at=T0))
    again = FakeSource([unchanged, observation(2, "Vendor: M2 renamed")])
    second = run_refresh(engine, again, site="http://fake.test/models?page=2", options=RefreshOptions(max_pages=7))
    run = second.run
    assert (run.id, run.site, run.status, run.error) == (2, "http://fake.test", "complete", None)
    assert (run.pages_fetched, run.offerings_updated, run.offerings_unchanged, run.offerings_removed) == (2, 1, 1, 1)
    assert second.problems == []
    assert listed(engine) == [observation(i).record.canonical_url for i in (1, 2)]
    # the second run was handed what the first fetched (for conditional requests) and its page budget
    context = again.contexts[0]
    assert sorted(context.known) == [observation(i).record.canonical_url for i in (1, 2, 3)]
    assert context.max_pages == 7


def test_an_incomplete_report_removes_nothing(engine):
    assert run_refresh(engine, FakeSource([observation(i) for i in range(1, 4)])).ok
    report = {"discovery_failures": ["http://fake.test/llms.txt: HTTP 500 (4 tries)"]}
    result = run_refresh(engine, FakeSource([observation(1)], **report))
    assert (result.run.status, result.run.offerings_removed) == ("incomplete", 0)
    assert result.run.error == (
        "some discovery documents failed; nothing was marked removed: http://fake.test/llms.txt: HTTP 500 (4 tries)"
    )
    assert len(listed(engine)) == 3


def test_a_refused_write_fails_the_run_and_stops_the_source(engine):
    assert run_refresh(engine, FakeSource([observation(i) for i in range(1, 7)])).ok
    _refuse_name(engine, "Refuse Me")
    source = FakeSource([observation(1), observation(2, "Refuse Me"), observation(3), observation(4), observation(5)])
    result = run_refresh(engine, source, options=RefreshOptions(batch_size=2))
    assert source.emitted == 2  # the first batch was refused: the source was told to stop
    assert (result.run.status, result.run.offerings_removed, result.run.offerings_updated) == ("failed", 0, 0)
    assert result.run.error.startswith("a batch of 2 pages could not be written: ")
    assert "offering refused by a test trigger" in result.run.error
    assert result.run.error.endswith("; the crawl was stopped and nothing was marked removed")
    assert len(listed(engine)) == 6
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Offering).where(Offering.last_seen_run_id == 2)) == 0


def test_a_last_batch_refused_after_the_source_ended_fails_the_run(engine):
    """The service writes what the source left buffered, and judges that write too."""
    assert run_refresh(engine, FakeSource([observation(1)])).ok
    _refuse_name(engine, "Refuse Me")
    result = run_refresh(engine, FakeSource([observation(1, "Refuse Me")]))
    assert result.run.status == "failed"
    assert result.run.error.startswith("a batch of 1 pages could not be written: ")


def test_a_source_that_raises_fails_the_run(engine):
    class Broken(FakeSource):
        def crawl(self, context):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_refresh(engine, Broken())
    with Session(engine) as session:
        run = list_runs(session)[0]
    assert (run.status, run.error) == ("failed", "RuntimeError('boom')")


def list_runs(session):
    """The runs as `catalog runs` reads them (catalog.reader, on this session's engine)."""
    engine = session.get_bind()
    with Reader(engine.raw_connection(), engine.dialect.name) as reader:
        return reader.runs()


def test_a_site_with_a_password_is_refused_before_anything_runs(engine):
    with pytest.raises(CatalogError) as raised:
        run_refresh(engine, FakeSource(), site="http://user:secret@fake.test/")
    assert str(raised.value) == (
        "'http://***@fake.test/' holds a user name or password, which would show on command lines and in "
        "`catalog runs`; give the site without it, e.g. http://fake.test"
    )
    with Session(engine) as session, pytest.raises(CatalogError, match="no refresh has run"):
        list_runs(session)


# --- one engine per refresh -------------------------------------------------------------------


def count_engines(monkeypatch) -> list[object]:
    """The URLs of the engines created from now on (catalog.db.make_engine, or anything else)."""
    created: list[object] = []
    real = sqlalchemy.create_engine

    def counting(*args, **kwargs):
        created.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlalchemy, "create_engine", counting)
    return created


def test_the_cli_builds_one_engine_per_refresh(monkeypatch, db_url):
    created = count_engines(monkeypatch)
    source = FakeSource([observation(1), observation(2)])
    monkeypatch.setattr(sources, "load_source", lambda name: source)
    result = CliRunner().invoke(cli, ["refresh", "--source", "fake", "--db", db_url], env={"CATALOG_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"Refresh #1 of fake \(http://fake\.test\): complete in \d+\.\d s\n"
        r"Pages: 2 fetched, 0 not modified, 100 B downloaded\n"
        r"Offerings: 2 new, 0 updated, 0 unchanged, 0 removed; 0 price changes\n",
        result.output,
    )
    assert len(created) == 1
    context = source.contexts[0]
    assert context.writer.engine is context.engine


def test_a_refresh_from_a_url_builds_one_engine_and_migrates(monkeypatch, db_url):
    created = count_engines(monkeypatch)
    result = refresh_catalog(db_url, source=FakeSource([observation(1)]), max_pages=5)
    assert (result.run.id, result.run.status, result.run.offerings_new) == (1, "complete", 1)
    assert len(created) == 1


def test_a_refresh_from_a_url_refuses_a_bad_site_before_touching_the_database(tmp_path):
    db = tmp_path / "new" / "c.sqlite3"
    with pytest.raises(CatalogError, match="^'ftp://fake.test' is not a site URL; give one like https://modelslab.com$"):
        refresh_catalog(f"sqlite:///{db}", source=FakeSource(), site="ftp://fake.test")
    assert not db.parent.exists()


def test_one_engine_for_a_real_refresh_of_the_sample(tmp_path):
    """The modelslab source, found by its entry point, crawls the shipped sample with Scrapy: the
    CLI's engine is the only one (the lock, the run and the pipeline's writer all use it)."""
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    code = f"""
import sys, sqlalchemy
created = []
real = sqlalchemy.create_engine
def counting(*args, **kwargs):
    created.append(str(args[0]))
    return real(*args, **kwargs)
sqlalchemy.create_engine = counting
from catalog.cli import cli
cli.main(["refresh", "--sample", "--db", {url!r}], prog_name="catalog", standalone_mode=False)
print("engines:", len(created), "scrapy:", "scrapy" in sys.modules, file=sys.stderr)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CATALOG_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "engines: 1 scrapy: True"
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"Refresh #1 of http://127\.0\.0\.1:\d+: complete in \d+\.\d s", lines[0])
    assert lines[2] == "Offerings: 41 new, 0 updated, 0 unchanged, 0 removed; 0 price changes"


def test_the_service_and_the_sources_do_not_import_scrapy():
    code = ("import sys, catalog.refresh, catalog.sources, catalog.writer, spiders.source; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


# --- finding sources ----------------------------------------------------------------------------


def test_the_crawl_is_the_modelslab_source():
    source = load_source("modelslab")
    assert (type(source).__module__, type(source).__name__) == ("spiders.source", "ModelsLabSource")
    assert (source.name, source.default_site) == ("modelslab", "https://modelslab.com")
    assert "modelslab" in sources.source_names()


def test_an_unknown_source_names_the_known_ones():
    with pytest.raises(CatalogError) as raised:
        load_source("nope")
    assert str(raised.value) == f"unknown source 'nope'; the known sources are: {', '.join(sources.source_names())}"


def _installed(monkeypatch, *entries: EntryPoint) -> None:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **select: EntryPoints(entries).select(**select))


def test_no_source_installed(monkeypatch):
    _installed(monkeypatch)
    with pytest.raises(CatalogError) as raised:
        load_source("modelslab")
    assert str(raised.value) == (
        "unknown source 'modelslab': no source is installed (entry points catalog.sources); "
        "reinstall catalog (pip install catalog)"
    )


def test_a_source_that_cannot_be_loaded(monkeypatch):
    _installed(monkeypatch, EntryPoint("broken", "catalog_no_such_module:Source", sources.GROUP),
               EntryPoint("fake", "tests.test_refresh_service:FakeSource", sources.GROUP))
    assert sources.source_names() == ["broken", "fake"]
    assert isinstance(load_source("fake"), FakeSource)
    with pytest.raises(CatalogError) as raised:
        load_source("broken")
    assert str(raised.value) == (
        "the source 'broken' (catalog_no_such_module:Source) could not be loaded: ModuleNotFoundError: "
        "No module named 'catalog_no_such_module'; reinstall the package that provides it"
    )


def test_refresh_with_an_unknown_source_is_a_usage_error(tmp_path):
    db = tmp_path / "c.sqlite3"
    result = CliRunner().invoke(cli, ["refresh", "--source", "nope", "--db", f"sqlite:///{db}"],
                                env={"CATALOG_DATABASE_URL": None})
    assert result.exit_code == 2
    assert result.output.endswith(
        f"\nError: Invalid value for '--source': unknown source 'nope'; the known sources are: "
        f"{', '.join(sources.source_names())}\n"
    )
    assert not db.exists()


def test_a_source_without_a_sample_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(sources, "load_source", lambda name: FakeSource())
    result = CliRunner().invoke(cli, ["refresh", "--source", "fake", "--sample", "--db", f"sqlite:///{tmp_path}/c.db"],
                                env={"CATALOG_DATABASE_URL": None})
    assert (result.exit_code, result.output) == (
        1, "Error: the fake source has no offline sample; refresh it with --site URL\n"
    )
