"""Errors a user can cause: one line naming the problem and the fix, a non-zero exit."""

from __future__ import annotations

from click.testing import CliRunner

from catalog.cli import cli
from tests.crawling import catalog


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env={"CATALOG_DATABASE_URL": None, **(env or {})})


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    first = invoke("db", "upgrade", "--db", url)
    assert (first.exit_code, first.output) == (0, f"{url} upgraded from empty to 0001\n")
    again = invoke("db", "upgrade", "--db", url)
    assert (again.exit_code, again.output) == (0, f"{url} is up to date (revision 0001)\n")


def test_database_url_from_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    result = invoke("db", "current", env={"CATALOG_DATABASE_URL": url})
    assert result.exit_code == 0
    assert result.output == f"{url} revision none (empty) (head 0001)\n"


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
