"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalog import db

#: the PostgreSQL server the tests use; each test gets its own schema in it, dropped after
PG_URL = os.environ.get("CATALOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: set by .ci/run: a missing PostgreSQL is then a failure, not a skip
REQUIRE_PG = os.environ.get("CATALOG_REQUIRE_PG") == "1"


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to reach it is a reason to skip
        return f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {type(exc).__name__}"


_PG_PROBLEM: str | None | bool = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    return _PG_PROBLEM  # type: ignore[return-value]


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a new, empty schema of the test server; dropped afterwards."""
    problem = pg_problem()
    if problem:
        if REQUIRE_PG:
            pytest.fail(f"{problem} (CATALOG_REQUIRE_PG=1: start PostgreSQL or unset it)")
        pytest.skip(f"{problem}; set CATALOG_TEST_PG_URL to run the PostgreSQL tests")
    schema = f"catalog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """An empty database URL, on each backend in turn."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def engine(db_url):
    """A migrated engine on each backend."""
    eng = db.make_engine(db_url)
    db.ensure_schema(eng)
    yield eng
    eng.dispose()
