"""The one read path (catalog.reader): QUERY matching, lookups, suggestions, opening a database."""

from __future__ import annotations

import pytest

from catalog import db
from catalog.errors import NotFound
from catalog.reader import ALL_COMPONENTS, Reader, _connect_fast, connect
from catalog.search import like_pattern, matches, words
from tests.catalog_data import GONE, RAW_TEXT, RECORDS, fill


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
    reader = _connect_fast(db.resolve_url(db_url))
    assert reader is not None, "the fast path should open a migrated database"
    return reader


QUERIES = [
    {}, {"query": "llama"}, {"query": "LLAMA 1B"}, {"query": "instruct 70b"}, {"query": "veo"},
    {"query": "%"}, {"query": "_"}, {"query": "=hyperlink("}, {"provider": "DeepInfra"},
    {"category": "llm models", "query": "3.2"}, {"provider": "open_router", "category": "LLM Models"},
    {"query": "nothing-like-this"},
]


def _expected(query=None, provider=None, category=None) -> dict[str, dict]:
    """What the fixture's records say should match, worked out in Python (catalog.search.matches)."""
    out = {}
    for rec in RECORDS:
        name = RAW_TEXT.get(rec.model_id, {}).get("name", rec.name)
        if not matches(query, rec.model_id, name):
            continue
        if provider and rec.provider.lower() != provider.lower():
            continue
        if category and (rec.category or "").lower() != category.lower():
            continue
        out[rec.key] = {c: (a, rec.currency) for c, a in rec.prices.items()}
    return out


@pytest.mark.parametrize("filters", QUERIES, ids=lambda f: repr(f))
def test_reader_finds_what_matching_says(filled, filters):
    with _reader(filled) as reader:
        views = reader.offerings(**filters)
        briefs = reader.briefs(**filters)
    expected = _expected(**filters)
    assert [v.key for v in views] == sorted(expected, key=lambda k: tuple(k.split("/")))
    assert {v.key: {c: (p.amount, p.currency) for c, p in v.prices.items()} for v in views} == expected
    assert {b.key: {c: (a.amount, a.currency) for c, a in b.prices.items()} for b in briefs} == expected
    assert GONE.key not in {v.key for v in views}  # removed by the second refresh


def test_reader_loads_only_the_components_asked(filled):
    with _reader(filled) as reader:
        views = reader.offerings("3.2 1b", components=["output_per_mtok"])
        assert [sorted(v.prices) for v in views] == [["output_per_mtok"], ["output_per_mtok"]]
        assert reader.briefs("veo", components=[])[0].prices == {}


def test_lookup_by_key(filled):
    with _reader(filled) as reader:
        assert reader.offering("DeepInfra/Google-Veo-3").key == "deepinfra/google-veo-3"
        assert reader.offering("google-veo-3").key == "deepinfra/google-veo-3"
        assert reader.offering("together_ai/meta-llama-llama-3.2-1b-instruct").related == (
            "deepinfra/meta-llama-llama-3.2-1b-instruct", "open_router/deepcogito-cogito-v2.1-671b")
        with pytest.raises(NotFound, match="did you mean deepinfra/meta-llama-llama-3.2-1b-instruct, "
                                           "together_ai/meta-llama-llama-3.2-1b-instruct\\?") as found:
            reader.offering("meta-llama-llama-3.2-1b-instruct")
        assert found.value.suggestions == ["deepinfra/meta-llama-llama-3.2-1b-instruct",
                                           "together_ai/meta-llama-llama-3.2-1b-instruct"]


@pytest.mark.parametrize(
    ("typo", "key"),
    [
        ("together_ai/meta-llama-llama-3.2-1b-instruc", "together_ai/meta-llama-llama-3.2-1b-instruct"),
        ("together_ai/meta-llama-llama-3.2-1b-instrucx", "together_ai/meta-llama-llama-3.2-1b-instruct"),
        ("deepinfra/meta-llama-llama-3.1-70b-instrct", "deepinfra/meta-llama-llama-3.1-70b-instruct"),
        ("deepinfra/googel-veo-3", "deepinfra/google-veo-3"),
        ("open_router/formula-plu", "open_router/formula-plus"),
    ],
)
def test_a_one_character_typo_suggests_the_key_first(filled, typo, key):
    with _reader(filled) as reader, pytest.raises(LookupError) as found:
        reader.offering(typo)
    assert isinstance(found.value, NotFound)
    assert found.value.suggestions[0] == key
    assert str(found.value).startswith(f"no offering {typo!r}; did you mean {key}")


def test_a_removed_offering_says_so(filled):
    with _reader(filled) as reader, pytest.raises(NotFound, match=f"^{GONE.key} is no longer listed \\(removed by "
                                                                   "the refresh of 2026-11-08\\)"):
        reader.offering(GONE.key)


def test_all_components_are_the_registry():
    from catalog.components import COMPONENTS

    assert ALL_COMPONENTS == tuple(c.name for c in COMPONENTS)


def test_the_schema_revision_is_alembics_head():
    assert db.SCHEMA_REVISION == db.head_revision()


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "mysql://x@localhost/db", "not a url", "sqlite:///{tmp}/none.db",
            "sqlite:///{tmp}/x.db?mode=ro"]
)
def test_fast_path_declines_what_it_cannot_settle(tmp_path, url):
    assert _connect_fast(url.format(tmp=tmp_path)) is None


def test_fast_path_declines_a_database_below_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    engine.dispose()
    assert _connect_fast(url) is None


def test_connect_migrates_a_new_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    reader = connect(url)  # no file yet: opened (and created) through catalog.db
    try:
        assert reader.has_offerings() is False and reader.offerings() == []
    finally:
        reader.close()
    fast = _connect_fast(url)
    assert fast is not None
    fast.close()
