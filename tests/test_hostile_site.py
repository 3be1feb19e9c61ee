"""A hostile site, an odd value or a database that refuses a write never yields a false `complete`.

Each test serves a small generated site on 127.0.0.1 and runs real `python -m catalog refresh`
processes against it (SQLite and PostgreSQL where the database is involved). What a test
asserts comes from the database, the command's output and the server's request log, never
from timing.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from catalog import db
from catalog.cli import cli
from catalog.schema import CrawlRun, FetchedPage, Offering
from spiders.localsite import LocalSite, Response
from tests import pagegen
from tests.crawling import catalog, export_json, refresh

pytestmark = pytest.mark.slow

ROBOTS = "User-agent: *\nAllow: /\n"


def normal_pages(n: int, provider: str = "deepinfra") -> list[pagegen.Page]:
    return [
        pagegen.llm(provider=provider, model_id=f"model-{i}", creator="vendor", name=f"Vendor: Model {i}",
                    input=f"0.{i + 1:03d}", output=f"1.{i + 1:03d}", headline=None, noise=False)
        for i in range(n)
    ]


def write_site(root: Path, pages: list[pagegen.Page], robots: str = ROBOTS, index_extra: list[str] = ()) -> Path:
    """A site folder: each page at its URL path, an llms.txt index linking them, a robots.txt."""
    root.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = root / page.url[len(pagegen.BASE) + 1:]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pagegen.render(page), encoding="utf-8")
    index = ["# Catalog", "", "## Models", "", *(f"- [{p.name}]({p.url})" for p in pages), *index_extra, ""]
    (root / "llms.txt").write_text("\n".join(index), encoding="utf-8")
    (root / "robots.txt").write_text(robots, encoding="utf-8")
    return root


class HostileSite(LocalSite):
    """The site folder, with some paths answered by a fault: ``faults[path](request) -> Response``."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(root, **kwargs)
        self.faults: dict = {}

    def respond(self, request):
        fault = self.faults.get(request.path)
        if fault is not None:
            return fault(request)
        return super().respond(request)

    def model_requests(self) -> list[str]:
        return [r["path"] for r in self.requests if r["path"].startswith("/models/") and r["path"].endswith(".md")]


def last_run(db_url: str) -> CrawlRun:
    engine = db.make_engine(db_url)
    try:
        with Session(engine) as session:
            return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    finally:
        engine.dispose()


def listed(db_url: str) -> int:
    engine = db.make_engine(db_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Offering).where(Offering.removed_at.is_(None)))
    finally:
        engine.dispose()


def problems(db_url: str, run_id: int) -> dict[str, str]:
    done = CliRunner().invoke(cli, ["runs", "--problems", str(run_id), "--json", "--db", db_url])
    assert done.exit_code == 0, done.output
    return {p["url"]: p["reason"] for p in json.loads(done.output)}


# --- values the database would refuse ----------------------------------------------------------


def test_overlong_values_are_bounded_before_the_database_sees_them(tmp_path, db_url):
    """PostgreSQL refuses a value longer than its column (SQLite stores it): each such value is
    cut with a warning, or its one page refused with the reason; every other page is stored and
    the run is complete on both backends alike."""
    long_id = "x" * 300
    pages = normal_pages(30) + [
        pagegen.llm(provider="deepinfra", model_id="long-name", name="N" * 600, headline=None, noise=False),
        pagegen.llm(provider="deepinfra", model_id="long-creator", creator="c" * 300, name="Vendor: Long Creator",
                    headline=None, noise=False),
        pagegen.llm(provider="deepinfra", model_id="long-unit", name="Vendor: Long Unit", headline="0.5",
                    headline_unit="u" * 70, noise=False),
        pagegen.llm(provider="deepinfra", model_id="bidi\u202eid", name="Vendor: \u202eBidi \x1b]0;title\x07Name",
                    headline=None, noise=False),
    ]
    # a file name this long is refused by the file system: the page is served from memory
    long_page = pagegen.llm(provider="deepinfra", model_id=long_id, name="Vendor: Long ID", headline=None, noise=False)
    nul_redirect = "/models/deepinfra/nul-redirect.md"
    extra = [f"- [NUL]({pagegen.BASE}{nul_redirect})", f"- [Long]({long_page.url})"]
    with HostileSite(write_site(tmp_path / "site", pages, index_extra=extra)) as site:
        def with_headers(**headers):
            def answer(request):
                response = site.serve_file(request)
                response.headers.update(headers)
                return response
            return answer

        site.faults["/models/deepinfra/model-1.md"] = with_headers(ETag='"' + "e" * 600 + '"')
        site.faults["/models/deepinfra/model-2.md"] = with_headers(ETag='"a\x00b"')
        site.faults["/models/deepinfra/model-3.md"] = with_headers(**{"Last-Modified": "M" * 70})
        site.faults[nul_redirect] = lambda request: Response.redirect("file:///etc/pass\x00wd")
        site.faults[f"/models/deepinfra/{long_id}.md"] = lambda request: Response(
            200, pagegen.render(replace(long_page, base=site.base_url)).encode())
        done = catalog("refresh", "--site", site.base_url, db_url=db_url, env={"CATALOG_BATCH_SIZE": "5"})
        base = site.base_url
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": complete in " in done.stdout.splitlines()[0]
    rows = {f"{r['provider']}/{r['model_id']}": r for r in export_json(db_url)}
    assert len(rows) == 34  # 30 plain pages, 3 with values cut, the bidi one cleaned; the long ID refused
    assert rows["deepinfra/long-name"]["name"] == "N" * 500
    assert rows["deepinfra/long-creator"]["creator"] == "c" * 255
    assert rows["deepinfra/long-unit"]["headline_unit"] == "u" * 64
    assert rows["deepinfra/long-unit"]["headline_price"] == "0.5"
    assert rows["deepinfra/bidiid"]["name"] == "Vendor: Bidi Name"  # no bidi override, no escape sequence
    assert all(rows[f"deepinfra/model-{i}"]["input_per_mtok"] == f"0.{i + 1:03d}" for i in range(30))
    show = CliRunner().invoke(cli, ["show", "deepinfra/long-name", "--db", db_url])
    assert "name longer than 500 characters; cut" in show.output
    run = last_run(db_url)
    assert problems(db_url, run.id) == {
        f"{base}/models/deepinfra/{long_id}.md":
            "unreadable page: page states an invalid model_id: String should have at most 255 characters",
        f"{base}{nul_redirect}": "HTTP 301 redirect to file:///etc/passwd not followed",
    }
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        validators = dict(
            session.execute(
                select(FetchedPage.url, FetchedPage.etag).where(FetchedPage.url.like("%/model-_.md"))
            ).all()
        )
        modified = session.scalar(select(FetchedPage.last_modified).where(FetchedPage.url.like("%/model-3.md")))
    engine.dispose()
    # a validator too long or not printable is not kept: the next request is unconditional
    assert validators[f"{base}/models/deepinfra/model-1.md"] is None
    assert validators[f"{base}/models/deepinfra/model-2.md"] is None
    assert validators[f"{base}/models/deepinfra/model-4.md"].startswith('"')
    assert modified is None


def _refuse_name(engine, name: str) -> None:
    """A trigger that makes the database refuse any offering named NAME: a real failed write."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for event in ("INSERT", "UPDATE"):
                connection.execute(text(
                    f"CREATE TRIGGER refuse_{event.lower()} BEFORE {event} ON offerings "
                    f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'offering refused by a test trigger'); END"
                ))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse_offering() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'offering refused by a test trigger'; END IF; "
                "RETURN NEW; END $$"
            ))
            connection.execute(text(
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON offerings "
                "FOR EACH ROW EXECUTE FUNCTION refuse_offering()"
            ))


def test_a_write_the_database_refuses_fails_the_run_and_removes_nothing(tmp_path, db_url):
    pages = normal_pages(40)
    root = write_site(tmp_path / "site", pages)
    with HostileSite(root) as site:
        first = refresh(site.base_url, db_url)
        assert first.returncode == 0, first.stdout + first.stderr
        engine = db.make_engine(db_url)
        _refuse_name(engine, "Refuse Me")
        engine.dispose()
        # one page renamed: its batch (with the 304s around it) cannot be written
        pages[20] = replace(pages[20], name="Refuse Me")
        write_site(root, pages)
        second = catalog("refresh", "--site", site.base_url, db_url=db_url, env={"CATALOG_BATCH_SIZE": "5"})
    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stderr
    lines = second.stdout.splitlines()
    assert lines[0].startswith("Refresh #2 of ") and ": failed in " in lines[0]
    note = lines[-1]
    assert note.startswith("Note: a batch of ") and " pages could not be written: " in note
    assert "offering refused by a test trigger" in note
    assert note.endswith("; the crawl was stopped and nothing was marked removed")
    run = last_run(db_url)
    assert (run.status, run.offerings_removed) == ("failed", 0)
    assert listed(db_url) == 40
    runs = json.loads(CliRunner().invoke(cli, ["runs", "--json", "--db", db_url]).output)
    assert [(r["id"], r["status"]) for r in runs] == [(2, "failed"), (1, "complete")]


# --- a site that stops us reading it --------------------------------------------------------------


def test_robots_txt_that_now_forbids_the_model_pages_removes_nothing(tmp_path, db_url):
    root = write_site(tmp_path / "site", normal_pages(12))
    with HostileSite(root) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        (root / "robots.txt").write_text("User-agent: *\nDisallow: /models/\n", encoding="utf-8")
        site.requests.clear()
        done = refresh(site.base_url, db_url)
        asked = site.model_requests()
    assert done.returncode == 1, done.stdout + done.stderr
    assert ": incomplete in " in done.stdout.splitlines()[0]
    assert asked == []  # nothing robots.txt forbids is requested
    note = done.stdout.splitlines()[-1]
    assert note.startswith("Note: only 0 of the 12 model pages could be read: robots.txt now forbids 12 of them (e.g. ")
    assert note.endswith("); nothing was marked removed")
    run = last_run(db_url)
    assert (run.status, run.offerings_removed) == ("incomplete", 0)
    assert listed(db_url) == 12
    reasons = set(problems(db_url, run.id).values())
    assert reasons == {"robots.txt now forbids this page; its offering is kept as last read"}


@pytest.mark.parametrize("document", ["/sitemap.xml", "/llms.txt"])
def test_a_discovery_document_that_fails_keeps_the_run_incomplete(tmp_path, db_url, document):
    pages = normal_pages(12)
    root = write_site(tmp_path / "site", pages, robots=ROBOTS + f"Sitemap: {pagegen.BASE}/sitemap.xml\n")
    urls = "".join(f"<url><loc>{p.url[:-3]}</loc></url>" for p in pages[:6])
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8",
    )
    with HostileSite(root) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        site.faults[document] = lambda request: Response.text(500)
        done = catalog("refresh", "--site", site.base_url, "--timeout", "5", db_url=db_url)
    assert done.returncode == 1, done.stdout + done.stderr
    note = done.stdout.splitlines()[-1]
    assert note.startswith("Note: some discovery documents failed; nothing was marked removed: ")
    assert f"{document}: HTTP 500 (4 tries)" in note
    run = last_run(db_url)
    assert (run.status, run.offerings_removed) == ("incomplete", 0)
    assert listed(db_url) == 12


def test_a_site_that_lists_far_fewer_pages_cannot_empty_the_catalog(tmp_path, db_url):
    pages = normal_pages(30)
    root = write_site(tmp_path / "site", pages)
    with HostileSite(root) as site:
        assert refresh(site.base_url, db_url).returncode == 0
        write_site(root, pages[:5])  # the index now links 5 of the 30 pages
        done = refresh(site.base_url, db_url)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.splitlines()[-1] == (
            "Note: this refresh would mark 25 of the 30 listed offerings removed: it saw far fewer model pages "
            "than the site had; nothing was marked removed (if the site really dropped them, run "
            "`catalog refresh --allow-mass-removal`)"
        )
        assert listed(db_url) == 30
        allowed = refresh(site.base_url, db_url, "--allow-mass-removal")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "25 removed" in allowed.stdout
    assert listed(db_url) == 5


# --- unbounded work ---------------------------------------------------------------------------------


def _trap(site: HostileSite, n: int) -> Response:
    """/models/trap/m-N.md: a page whose related cards mint three new pages, for ever."""
    cards = tuple(pagegen.Card("trap", f"m-{3 * n + k}", "Trap", f"Trap: {3 * n + k}") for k in (1, 2, 3))
    page = pagegen.llm(provider="trap", model_id=f"m-{n}", name=f"Trap: {n}", related=cards, headline=None,
                       noise=False, base=site.base_url)
    return Response(200, pagegen.render(page).encode(), content_type="text/markdown; charset=utf-8")


def test_a_crawl_trap_stops_at_the_page_budget(tmp_path, sqlite_url):
    pages = normal_pages(5)
    root = write_site(tmp_path / "site", pages, index_extra=[f"- [Trap]({pagegen.BASE}/models/trap/m-0.md)"])
    with HostileSite(root) as site:
        original = site.respond

        def respond(request):
            if request.path.startswith("/models/trap/m-") and request.path.endswith(".md"):
                return _trap(site, int(request.path[len("/models/trap/m-"):-3]))
            return original(request)

        site.respond = respond
        done = refresh(site.base_url, sqlite_url, "--max-pages", "40")
        asked = site.model_requests()
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(asked) == 40 and len(set(asked)) == 40  # the budget, each page once
    note = done.stdout.splitlines()[-1]
    assert note.startswith("Note: stopped at the page budget: 40 model pages requested and ")
    assert note.endswith(" more found (--max-pages 40); nothing was marked removed "
                         "(if the site really has that many, give a larger --max-pages)")
    assert last_run(sqlite_url).status == "incomplete"


def test_the_default_page_budget_follows_the_last_complete_run(engine):
    from catalog import store
    from catalog.refresh import default_page_budget

    with Session(engine) as session, session.begin():
        assert default_page_budget(session) == 10_000
        run = store.start_run(session, "http://x.test")
        run.offerings_new, run.offerings_updated, run.offerings_unchanged = 3000, 500, 1000
        store.finish_run(session, run, "complete")
        later = store.start_run(session, "http://x.test")
        later.offerings_new = 90_000
        store.finish_run(session, later, "incomplete")  # only a complete run sets the budget
        assert default_page_budget(session) == 13_500


def test_a_chain_of_sitemaps_is_followed_three_deep(tmp_path, sqlite_url):
    pages = normal_pages(3)
    root = write_site(tmp_path / "site", pages, robots=ROBOTS + f"Sitemap: {pagegen.BASE}/sitemap-0.xml\n")
    for i in range(200):
        (root / f"sitemap-{i}.xml").write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{pagegen.BASE}/sitemap-{i + 1}.xml</loc></sitemap></sitemapindex>",
            encoding="utf-8",
        )
    with HostileSite(root) as site:
        done = refresh(site.base_url, sqlite_url)
        sitemaps = [r["path"] for r in site.requests if r["path"].startswith("/sitemap")]
    assert sitemaps == ["/sitemap-0.xml", "/sitemap-1.xml", "/sitemap-2.xml"]
    assert done.returncode == 1, done.stdout + done.stderr
    note = done.stdout.splitlines()[-1]
    assert note.startswith("Note: some discovery documents failed; nothing was marked removed: ")
    assert "/sitemap-3.xml: sitemaps nested more than 3 deep (from " in note


def test_headers_without_end_fail_the_page_not_the_machine(tmp_path, sqlite_url):
    """A server streaming header lines for ever: the page fails once 64 KB of headers arrived."""
    pages = normal_pages(6)
    with HostileSite(write_site(tmp_path / "site", pages)) as site:
        endless = (f"X-Pad-{i}: {'a' * 1000}\r\n".encode() for i in itertools.count())
        site.faults["/models/deepinfra/model-2.md"] = lambda request: Response(200, b"", raw_headers=endless)
        done = refresh(site.base_url, sqlite_url)
        bomb = [r for r in site.requests if r["path"] == "/models/deepinfra/model-2.md"]
        base = site.base_url
    assert done.returncode == 0, done.stdout + done.stderr  # 5 of 6 pages read: the run is complete
    assert problems(sqlite_url, 1) == {
        f"{base}/models/deepinfra/model-2.md": "response headers larger than 64 KB: refused unread"
    }
    assert len(bomb) == 1  # refused, not retried
    # the server could push only what the socket buffers hold before the client hung up
    assert bomb[0]["head_bytes"] < 32 * 2**20
    assert listed(sqlite_url) == 5
