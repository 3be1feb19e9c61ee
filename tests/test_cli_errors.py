"""Errors a user can cause: one line naming the problem and the fix, a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from catalog import db
from catalog.cli import cli
from tests.catalog_data import fill
from tests.crawling import ROOT, catalog
from tests.test_dbfailure import pg_disk_full, sqlite_disk_full


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env={"CATALOG_DATABASE_URL": None, **(env or {})})


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    first = invoke("db", "upgrade", "--db", url)
    head = db.SCHEMA_REVISION
    assert (first.exit_code, first.output) == (0, f"{url} upgraded from empty to {head}\n")
    again = invoke("db", "upgrade", "--db", url)
    assert (again.exit_code, again.output) == (0, f"{url} is up to date (revision {head})\n")


def test_database_url_from_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    result = invoke("db", "current", env={"CATALOG_DATABASE_URL": url})
    assert result.exit_code == 0
    assert result.output == f"{url} revision none (empty) (head {db.SCHEMA_REVISION})\n"


def test_not_a_database_url():
    result = invoke("export", "--db", "foo")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'foo' is not a database URL; use e.g. sqlite:///path/to/catalog.sqlite3 "
        "or postgresql+psycopg://user@host/dbname\n"
    )


def test_unreachable_database():
    result = invoke("export", "--db", "postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot open database postgresql+psycopg://postgres@127.0.0.1:9/nowhere: ")
    assert result.output.endswith("; check --db or $CATALOG_DATABASE_URL\n")
    assert result.output.count("\n") == 1


def test_database_of_someone_else_is_not_touched(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = invoke("export", "--db", f"sqlite:///{path}")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: sqlite:///{path} holds tables (invoices, ...) that catalog did not create; "
        "point --db at a new or catalog database\n"
    )
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["invoices"]


def test_empty_catalog_export(tmp_path):
    result = invoke("export", "--db", f"sqlite:///{tmp_path / 'e.sqlite3'}")
    assert (result.exit_code, result.output) == (1, "Error: the catalog is empty; run `catalog refresh` first\n")


def test_bad_site_url_is_a_usage_error(tmp_path):
    result = invoke("refresh", "--site", "ftp://example.com", "--db", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--site': 'ftp://example.com' is not a site URL; give one like https://modelslab.com\n"
    )


def test_bad_format_is_a_usage_error(tmp_path):
    result = invoke("export", "--format", "xml", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'xml' is not one of 'csv', 'json'." in result.output


def test_unreachable_site_fails_with_the_fix(tmp_path):
    done = catalog("refresh", "--site", "http://127.0.0.1:9", db_url=f"sqlite:///{tmp_path / 'u.sqlite3'}")
    assert done.returncode == 1
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Refresh #1 of http://127.0.0.1:9: failed in ")
    assert lines[-1].startswith("Note: the site could not be crawled (http://127.0.0.1:9/robots.txt: ")
    assert lines[-1].endswith("; check the --site URL and the network")


def test_python_dash_m_catalog_runs(tmp_path):
    done = catalog("db", "current", db_url=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    assert done.returncode == 0 and "revision none (empty)" in done.stdout


# --- one line, never a traceback (issue 9, case 9) ----------------------------------------------------


@pytest.fixture
def catalog_db(engine, db_url) -> str:
    fill(engine)
    return db_url


def with_db(args: list[str], db_url: str) -> list[str]:
    return args if args == ["--help"] else [*args, "--db", db_url]


def run_catalog(*args: str | bytes, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """`python -m catalog ARGS` as a shell runs it, with UTF-8 arguments (bytes are passed as they are)."""
    env = {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "200"}
    env.pop("CATALOG_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "catalog", *args], cwd=ROOT, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120)


FULL = "Error: cannot write the output: the disk it goes to is full; free space there or send it elsewhere\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [["models"], ["compare", "llama", "-i", "1M"], ["cheapest", "-i", "1M", "--json"], ["show", "google-veo-3"],
     ["export"], ["runs"], ["--help"]],
)
def test_a_full_disk_on_standard_output_is_one_line(catalog_db, args):
    with open("/dev/full", "wb") as full:
        done = run_catalog(*with_db(args, catalog_db), stdout=full)
    assert (done.returncode, done.stderr.decode()) == (1, FULL)


@pytest.mark.parametrize("args", [["models"], ["compare", "l", "-i", "1M"], ["export", "--format", "json"], ["--help"]])
def test_a_reader_that_left_ends_the_command_quietly(catalog_db, args):
    """`catalog models | head -1`: once the reader is gone, stop without a word, as Unix tools do."""
    read, write = os.pipe()
    os.close(read)  # the reader has left before the first line is written
    try:
        done = run_catalog(*with_db(args, catalog_db), stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")


@pytest.mark.parametrize("argument", [b"\xff\xfe", b"llama\xff", b"--provider=\xe9"])
def test_arguments_that_are_not_utf8_are_a_usage_error(catalog_db, argument):
    done = run_catalog("models", argument, "--db", catalog_db)
    shown = argument.decode("utf-8", "backslashreplace")
    assert (done.returncode, done.stdout, done.stderr.decode()) == (2, b"", (
        "Usage: catalog [OPTIONS] COMMAND [ARGS]...\nTry 'catalog --help' for help.\n\n"
        f"Error: the argument {shown!r} is not UTF-8 text; type it again in UTF-8\n"))
    assert argument not in done.stderr  # the bytes are shown escaped, never raw


def test_runs_limit_is_bounded(catalog_db):
    result = CliRunner().invoke(cli, ["runs", "--limit", "99999999999999999999", "--db", catalog_db],
                                prog_name="catalog")
    assert (result.exit_code, result.output) == (2, (
        "Usage: catalog runs [OPTIONS]\nTry 'catalog runs --help' for help.\n\n"
        "Error: Invalid value for '--limit': 99999999999999999999 is not in the range 1<=x<=1000000.\n"))
    most = CliRunner().invoke(cli, ["runs", "--limit", "1000000", "--db", catalog_db], prog_name="catalog")
    assert most.exit_code == 0 and most.output.splitlines()[0].startswith("run\tstarted")


def _disk_full(backend: str, folder: Path) -> Exception:
    """The driver's own disk-full error: SQLite's for real, PostgreSQL's as psycopg raises it."""
    return pg_disk_full() if backend == "postgresql" else sqlite_disk_full(folder)


def _full_message(db_url: str) -> str:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        disk = f"the disk holding {Path(url.database).resolve().parent}"
    else:
        disk = f"the disk of the database {url.database} on {url.host}:{url.port}"
    return f"Error: {disk} is full; free space there or use another --db\n"


@pytest.mark.parametrize("wrap", [True, False], ids=["through SQLAlchemy", "from the driver"])
def test_a_full_database_disk_is_named(catalog_db, engine, tmp_path, monkeypatch, wrap):
    """What a command says when the database's disk fills up under it, as SQLAlchemy reports it
    (how a write fails) or as the driver itself does (the reader of every query command)."""
    from sqlalchemy.exc import OperationalError

    from catalog.reader import Reader

    error = _disk_full(engine.dialect.name, tmp_path)
    if wrap:
        def fail(*args, **kwargs):
            raise OperationalError("SELECT ...", {}, error)

        monkeypatch.setattr(Reader, "runs", fail)
        args = ["runs"]
    else:
        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(Reader, "offerings", fail)
        args = ["models"]
    result = CliRunner().invoke(cli, [*args, "--db", catalog_db], prog_name="catalog")
    assert (result.exit_code, result.output) == (1, _full_message(catalog_db))
    assert isinstance(result.exception, SystemExit)
