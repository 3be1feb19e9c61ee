"""Opening a database: several commands at once on a new one all succeed (the first-use migration
is serialised), and a database from a newer catalog is refused in one line, untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from catalog import db
from catalog.cli import cli
from catalog.errors import DatabaseError

NEWER = "ffffffffffff"
REFUSED = (
    f"Error: this database was written by a newer catalog (schema revision {NEWER}); "
    "upgrade catalog (pip install -U catalog)\n"
)
EMPTY = "Error: the catalog is empty; run `catalog refresh` first\n"
UPGRADED = "{url} upgraded from empty to " + db.SCHEMA_REVISION + "\n"
UP_TO_DATE = "{url} is up to date (revision " + db.SCHEMA_REVISION + ")\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), env={"CATALOG_DATABASE_URL": None})


# --- a database from a newer catalog ------------------------------------------------------------


def state(engine) -> tuple:
    """What a refused command must leave alone: the revision, the tables, the files beside a
    SQLite database (no lock file appears)."""
    with engine.connect() as connection:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    locks = []
    if engine.dialect.name == "sqlite":
        locks = sorted(p.name for p in Path(engine.url.database).parent.glob("*-lock"))
    return revision, sorted(inspect(engine).get_table_names()), locks


@pytest.fixture
def newer(engine):
    """ENGINE's database as a later catalog would leave it: an unknown revision, a new table."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})
        connection.execute(text("CREATE TABLE added_later (id INTEGER PRIMARY KEY)"))
    if engine.dialect.name == "sqlite":  # the fixture's own migration left a schema lock file
        for lock in Path(engine.url.database).parent.glob("*-lock"):
            lock.unlink()
    return engine


@pytest.mark.parametrize(
    "command",
    [["db", "upgrade"], ["db", "current"], ["models"], ["compare", "x", "-i", "1"], ["runs"], ["export"], ["history", "p/m"]],
    ids=lambda c: " ".join(c),
)
def test_database_of_a_newer_catalog_is_refused_untouched(newer, command):
    before = state(newer)
    result = invoke(*command, "--db", newer.url.render_as_string(hide_password=False))
    assert (result.exit_code, result.output) == (1, REFUSED)
    assert state(newer) == before


def test_ensure_schema_refuses_a_newer_database(newer):
    before = state(newer)
    with pytest.raises(DatabaseError) as raised:
        db.ensure_schema(newer)
    assert f"Error: {raised.value}\n" == REFUSED
    assert state(newer) == before


# --- several commands at once on a new database --------------------------------------------------


def start(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CATALOG_DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "catalog", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def empty(url: str) -> None:
    """Take URL's database back to nothing at all (a new SQLite file needs nothing)."""
    engine = db.make_engine(url)
    if engine.dialect.name == "postgresql":
        db.downgrade(engine, "base")
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
        assert inspect(engine).get_table_names() == []
    engine.dispose()


def round_url(db_url: str, n: int) -> str:
    parsed = make_url(db_url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{Path(parsed.database).with_name(f'race{n}.sqlite3')}"
    return db_url


def test_commands_started_at_once_on_a_new_database_all_succeed(db_url):
    """Each round: three `db upgrade` and three `models` at the same moment on an empty database.
    At most one of the upgrades reports creating the schema (a `models` may have been first);
    every other command finds it ready."""
    for n in range(3):
        url = round_url(db_url, n)
        shown = make_url(url).render_as_string(hide_password=True)
        upgrades = [start("db", "upgrade", "--db", url) for _ in range(3)]
        readers = [start("models", "--db", url) for _ in range(3)]
        upgraded = [(p.wait(timeout=120), p.communicate()[0]) for p in upgrades]
        listed = [(p.wait(timeout=120), p.communicate()[0]) for p in readers]
        assert all(result in ((0, UPGRADED.format(url=shown)), (0, UP_TO_DATE.format(url=shown)))
                   for result in upgraded), upgraded
        assert [out for _, out in upgraded].count(UPGRADED.format(url=shown)) <= 1, upgraded
        assert listed == [(1, EMPTY)] * 3
        engine = db.make_engine(url)
        assert db.current_revision(engine) == db.head_revision()
        engine.dispose()
        empty(url)


def test_database_url_with_a_port_that_is_not_a_number():
    result = invoke("db", "current", "--db", "postgresql+psycopg://me@host:port/db")
    assert (result.exit_code, result.output) == (
        1,
        "Error: 'postgresql+psycopg://me@host:port/db' is not a database URL; use e.g. "
        "sqlite:///path/to/catalog.sqlite3 or postgresql+psycopg://user@host/dbname\n",
    )
