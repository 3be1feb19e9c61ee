"""The test setup itself: only an absent PostgreSQL skips its tests, and Hypothesis failures reproduce.

A refused login, a missing database or a missing driver must fail the PostgreSQL tests with the
real error (a skip would hide a broken CI setup); CI runs are derandomized and print the blob.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import NoSuchModuleError, OperationalError

from tests.conftest import PG_URL, pg_problem, probe_pg, server_unreachable
from tests.crawling import ROOT

#: a test that runs once per backend, quick, and needs nothing but the database fixture
PG_TEST = "tests/test_store.py::test_money_refuses_float[postgresql]"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_url(**parts) -> str:
    return make_url(PG_URL).set(**parts).render_as_string(hide_password=False)


def needs_server() -> None:
    if pg_problem():
        pytest.skip(pg_problem())


def run_pytest(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("CI", "CATALOG_REQUIRE_PG", "CATALOG_TEST_PG_URL")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd, env={**full_env, "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True, timeout=300,
    )


# --- PostgreSQL: skip only when no server is there ---------------------------------------------


@pytest.mark.parametrize(
    ("message", "unreachable"),
    [
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
         "\tIs the server running on that host and accepting TCP/IP connections?", True),
        ("failed to resolve host 'db.example': [Errno -2] Name or service not known", True),
        ('could not translate host name "db.example" to address: Name or service not known', True),
        ("connection timeout expired", True),
        ('connection is bad: connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: '
         "No such file or directory\n\tIs the server running locally and accepting connections on that socket?", True),
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  password '
         'authentication failed for user "postgres"', False),
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "x" does '
         "not exist", False),
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  role "x" does not '
         "exist", False),
        ("connection failed: FATAL:  sorry, too many clients already", False),
    ],
)
def test_only_an_unreachable_server_counts_as_absent(message, unreachable):
    assert server_unreachable(psycopg.OperationalError(message)) is unreachable
    wrapped = OperationalError("SELECT 1", {}, psycopg.OperationalError(message))
    assert server_unreachable(wrapped) is unreachable


def test_an_error_that_is_not_the_drivers_is_not_absence():
    assert server_unreachable(ConnectionRefusedError("Connection refused")) is False


def test_no_server_at_the_address_is_a_reason_to_skip():
    port = closed_port()
    assert probe_pg(f"postgresql+psycopg://postgres:S3cret@127.0.0.1:{port}/test") == (
        f"PostgreSQL not reachable at postgresql+psycopg://postgres:***@127.0.0.1:{port}/test: "
        f'connection failed: connection to server at "127.0.0.1", port {port} failed: Connection refused'
    )


@pytest.mark.postgres
@pytest.mark.parametrize(("part", "error"), [
    ({"database": "catalog_no_such_database"}, 'database "catalog_no_such_database" does not exist'),
    ({"username": "catalog_no_such_role"}, 'role "catalog_no_such_role" does not exist'),
])
def test_a_server_that_refuses_the_tests_raises_the_real_error(part, error):
    needs_server()
    with pytest.raises(OperationalError, match=error):
        probe_pg(pg_url(**part))


def test_a_missing_driver_raises():
    with pytest.raises(NoSuchModuleError, match="postgresql.nosuchdriver"):
        probe_pg("postgresql+nosuchdriver://postgres@127.0.0.1:5432/test")


@pytest.mark.slow
def test_the_postgresql_tests_skip_without_a_server_and_fail_with_a_broken_one():
    absent = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"
    skipped = run_pytest(PG_TEST, CATALOG_TEST_PG_URL=absent)
    assert skipped.returncode == 0, skipped.stdout
    assert "1 skipped" in skipped.stdout and "PostgreSQL not reachable at " in skipped.stdout

    required = run_pytest(PG_TEST, CATALOG_TEST_PG_URL=absent, CATALOG_REQUIRE_PG="1")
    assert required.returncode == 1, required.stdout
    assert "1 error" in required.stdout
    assert "(CATALOG_REQUIRE_PG=1: start PostgreSQL or unset it)" in required.stdout

    needs_server()
    broken = run_pytest(PG_TEST, CATALOG_TEST_PG_URL=pg_url(database="catalog_no_such_database"))
    assert broken.returncode == 1, broken.stdout
    assert "1 error" in broken.stdout and "skipped" not in broken.stdout
    assert "cannot be used: OperationalError: " in broken.stdout
    assert 'database "catalog_no_such_database" does not exist' in broken.stdout


# --- Hypothesis ----------------------------------------------------------------------------------


def test_hypothesis_prints_the_blob_and_has_no_deadline():
    assert settings.default.print_blob is True
    assert settings.default.deadline is None


PROPERTY = '''
import os
from hypothesis import given, strategies as st

@given(st.integers(min_value=0, max_value=10**9))
def test_property(x):
    with open(os.environ["SEEN"], "a") as f:
        f.write(f"{x}\\n")
    assert x < 10**8
'''


@pytest.mark.slow
@pytest.mark.parametrize("ci", ["CI", "CATALOG_REQUIRE_PG"])
def test_a_ci_run_draws_the_same_examples_and_prints_the_blob(tmp_path, ci):
    (tmp_path / "test_prop.py").write_text(PROPERTY)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    runs = []
    for n in (1, 2):
        seen = tmp_path / f"seen-{n}.txt"
        done = run_pytest("-p", "tests.conftest", "test_prop.py", cwd=tmp_path, SEEN=str(seen), **{ci: "1"})
        assert done.returncode == 1, done.stdout + done.stderr
        assert "@reproduce_failure(" in done.stdout
        runs.append(seen.read_text().split())
    assert len(runs[0]) > 10 and runs[0] == runs[1]
