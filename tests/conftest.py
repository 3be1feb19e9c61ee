"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL; Hypothesis profiles."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from catalog import db

#: the PostgreSQL server the tests use; each test gets its own schema in it, dropped after
PG_URL = os.environ.get("CATALOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: set by .ci/run: a missing PostgreSQL is then a failure, not a skip
REQUIRE_PG = os.environ.get("CATALOG_REQUIRE_PG") == "1"
#: CI runs (and .ci/run) get the derandomized Hypothesis profile
CI = bool(os.environ.get("CI")) or REQUIRE_PG

# A failing example must be reproducible from the report: the blob is always printed, and CI
# runs are derandomized (the same examples every run). No per-example deadline: a busy machine
# is not a bug. Both start from Hypothesis' own defaults, whatever it detects about the machine.
settings.register_profile("catalog-dev", settings.get_profile("default"), print_blob=True, deadline=None)
settings.register_profile(
    "catalog-ci", settings.get_profile("default"), print_blob=True, deadline=None, derandomize=True, database=None
)
settings.load_profile("catalog-ci" if CI else "catalog-dev")

#: what libpq and psycopg say when no server answers at the address (a server that answers and
#: refuses, a missing database or role, is a broken setup: those fail the tests)
_UNREACHABLE_RE = re.compile(
    r"Connection refused|Is the server running|could not connect to server|failed to resolve host"
    r"|could not translate host name|timeout expired|timed out|No route to host|Network is unreachable",
    re.IGNORECASE,
)


def server_unreachable(exc: BaseException) -> bool:
    """Whether EXC (a driver error, or SQLAlchemy's wrapper of one) says no server is reachable."""
    import psycopg

    orig = getattr(exc, "orig", exc)
    return isinstance(orig, psycopg.OperationalError) and _UNREACHABLE_RE.search(str(orig)) is not None


def probe_pg(url: str) -> str | None:
    """None if the server at URL answers; why to skip if no server is there. Any other error (a
    missing driver, a refused login, a missing database) is raised: the tests must not hide it."""
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        if not server_unreachable(exc):
            raise
        return f"PostgreSQL not reachable at {shown}: {str(exc.orig).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


_PG_PROBLEM: str | BaseException | None | bool = False


def pg_problem() -> str | None:
    """Why the PostgreSQL tests are skipped (None: they run). Probed once per session.

    They fail instead when the server is there but unusable, or when CATALOG_REQUIRE_PG=1.
    """
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        try:
            _PG_PROBLEM = probe_pg(PG_URL)
        except Exception as exc:
            _PG_PROBLEM = exc
    if isinstance(_PG_PROBLEM, BaseException):
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        pytest.fail(f"PostgreSQL test server {shown} cannot be used: {type(_PG_PROBLEM).__name__}: {_PG_PROBLEM}",
                    pytrace=False)
    if _PG_PROBLEM and REQUIRE_PG:
        pytest.fail(f"{_PG_PROBLEM} (CATALOG_REQUIRE_PG=1: start PostgreSQL or unset it)", pytrace=False)
    return _PG_PROBLEM  # type: ignore[return-value]


@contextmanager
def pg_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema of the test server; dropped afterwards.
    Skips the test when no server is reachable (see pg_problem)."""
    problem = pg_problem()
    if problem:
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
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a new, empty schema of the test server; dropped afterwards."""
    with pg_schema() as url:
        yield url


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
