"""QUERY matching, and the lean reader agreeing with catalog.queries on both backends."""

from __future__ import annotations

import dataclasses

import pytest

from catalog import db, search
from catalog.cli.params import open_reader
from catalog.queries import find_offerings, get_offering
from catalog.search import Reader, head_revision, like_pattern, matches, open_fast, words
from tests.catalog_data import fill


def test_words_lower_and_deduplicate():
    assert words("  Llama 3.2  1B llama ") == ["llama", "3.2", "1b"]
    assert words(None) == [] and words("") == []


def test_like_pattern_matches_wildcards_literally():
    assert like_pattern("50%_off\\x") == "%50\\%\\_off\\\\x%"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("llama 3.2 1b", True), ("1B 3.2 LLAMA", True), ("instruct meta", True), ("llama 3.3", False),
        ("", True), ("llama-3.2-1b", True), ("3.2-1", True), ("%", False),
    ],
)
def test_matches(query, found):
    assert matches(query, "meta-llama-llama-3.2-1b-instruct", "Meta: Llama 3.2 1B Instruct") is found


@pytest.fixture
def filled(engine, db_url):
    fill(engine)
    return db_url


def _reader(db_url) -> Reader:
    reader = open_fast(db.resolve_url(db_url))
    assert reader is not None, "the fast path should open a migrated database"
    return reader


QUERIES = [
    {}, {"query": "llama"}, {"query": "LLAMA 1B"}, {"query": "instruct 70b"}, {"query": "veo"},
    {"query": "%"}, {"query": "_"}, {"query": "=hyperlink("}, {"provider": "DeepInfra"},
    {"category": "llm models", "query": "3.2"}, {"provider": "open_router", "category": "LLM Models"},
    {"query": "nothing-like-this"},
]


@pytest.mark.parametrize("filters", QUERIES, ids=lambda f: repr(f))
def test_reader_equals_queries(filled, engine, filters):
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        expected = [dataclasses.replace(v, related=()) for v in find_offerings(session, **filters)]
    with _reader(filled) as reader:
        views = reader.offerings(**filters)
        briefs = reader.briefs(**filters)
    assert views == sorted(expected, key=lambda v: (v.provider, v.model_id))
    assert sorted((b.key, {c: (a.amount, a.currency) for c, a in b.prices.items()}) for b in briefs) == sorted(
        (v.key, {c: (p.amount, p.currency) for c, p in v.prices.items()}) for v in views
    )


def test_reader_loads_only_the_components_asked(filled):
    with _reader(filled) as reader:
        views = reader.offerings(query="3.2 1b", components=["output_per_mtok"])
        assert [sorted(v.prices) for v in views] == [["output_per_mtok"], ["output_per_mtok"]]
        assert reader.briefs(query="veo", components=[])[0].prices == {}


def test_lookup_by_key(filled, engine):
    from sqlalchemy.orm import Session

    from catalog.errors import NotFound

    with Session(engine) as session:
        assert get_offering(session, "DeepInfra/Google-Veo-3").key == "deepinfra/google-veo-3"
        assert get_offering(session, "google-veo-3").key == "deepinfra/google-veo-3"
        with pytest.raises(NotFound, match="did you mean deepinfra/meta-llama-llama-3.2-1b-instruct, "
                                           "together_ai/meta-llama-llama-3.2-1b-instruct\\?"):
            get_offering(session, "meta-llama-llama-3.2-1b-instruct")


def test_all_components_are_the_registry():
    from catalog.components import COMPONENTS

    assert search.ALL_COMPONENTS == tuple(c.name for c in COMPONENTS)


def test_head_revision_is_alembics():
    assert head_revision() == db.head_revision()
    assert search.VERSIONS == db.MIGRATIONS / "versions"


def test_head_revision_of_a_branching_folder_is_unknown(tmp_path):
    (tmp_path / "a.py").write_text("revision = 'a'\ndown_revision = None\n")
    (tmp_path / "b.py").write_text("revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    assert head_revision(tmp_path) == "b"
    (tmp_path / "c.py").write_text('revision = "c"\ndown_revision = "a"\n')
    assert head_revision(tmp_path) is None
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")\n')
    assert head_revision(tmp_path) == "d"


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "mysql://x@localhost/db", "not a url", "sqlite:///{tmp}/none.db",
            "sqlite:///{tmp}/x.db?mode=ro"]
)
def test_fast_path_declines_what_it_cannot_settle(tmp_path, url):
    assert open_fast(url.format(tmp=tmp_path)) is None


def test_fast_path_declines_a_database_below_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    engine.dispose()
    assert open_fast(url) is None


def test_fallback_reader_migrates_a_new_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    reader = open_reader(url)  # no file yet: opened (and created) through catalog.db
    try:
        assert reader.has_offerings() is False and reader.offerings() == []
    finally:
        reader.close()
    fast = open_fast(url)
    assert fast is not None
    fast.close()
