"""catalog.dbfailure.explain: a database failure as one line that says what failed and the fix.

Driver errors are real where the databases can produce them here (a SQLite file capped at one page
is full; PostgreSQL refuses a duplicate and a value too long); a PostgreSQL server with a full disk
cannot be arranged in a test, so its DiskFull error is built as psycopg would raise it.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from catalog.dbfailure import explain, is_database_error
from catalog.errors import DatabaseError
from catalog.schema import Provider

PG = "postgresql+psycopg://catalog:S3cret@db.example:5433/prices?options=-csearch_path%3Dx"


def sqlite_disk_full(folder: Path) -> sqlite3.OperationalError:
    """The error SQLite raises when its file cannot grow (here: capped at one page)."""
    connection = sqlite3.connect(folder / "full.sqlite3")
    try:
        connection.execute("PRAGMA max_page_count = 1")
        connection.execute("CREATE TABLE t (x)")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        connection.close()
    raise AssertionError("SQLite did not report a full database")


def pg_disk_full():
    from psycopg.errors import DiskFull

    return DiskFull('could not extend file "base/16384/16397": No space left on device\nHINT:  Check free disk space.')


def wrapped(orig: Exception) -> OperationalError:
    return OperationalError("INSERT INTO prices ...", {}, orig)


def test_a_full_sqlite_disk_names_the_folder_of_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'catalog.sqlite3'}"
    full = sqlite_disk_full(tmp_path)
    expected = f"the disk holding {(tmp_path / 'data').resolve()} is full; free space there or use another --db"
    for exc in (full, wrapped(full)):
        explained = explain(exc, url)
        assert isinstance(explained, DatabaseError) and str(explained) == expected


def test_a_full_postgresql_disk_names_the_server_never_the_password():
    explained = explain(wrapped(pg_disk_full()), PG)
    assert str(explained) == ("the disk of the database prices on db.example:5433 is full; "
                              "free space there or use another --db")
    assert str(explain(pg_disk_full(), PG)) == str(explained)


def test_os_errors_name_the_file_and_the_fix(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    wal = str(tmp_path / "catalog.sqlite3-wal")
    folder = tmp_path.resolve()
    cases = [
        (OSError(errno.ENOSPC, "No space left on device", wal),
         f"the disk holding {folder} is full; free space there or use another --db"),
        (OSError(errno.ENOSPC, "No space left on device"),
         f"the disk holding {folder} is full; free space there or use another --db"),
        (OSError(errno.EROFS, "Read-only file system", wal),
         f"cannot write {wal}: it is on a read-only file system; use another --db"),
        (PermissionError(errno.EACCES, "Permission denied", wal),
         f"cannot write {wal}: permission denied; make it writable for this user or use another --db"),
        (OSError(errno.EIO, "Input/output error"),
         f"cannot use the SQLite database {folder / 'catalog.sqlite3'}: Input/output error; "
         "check --db or $CATALOG_DATABASE_URL"),
    ]
    assert [str(explain(exc, url)) for exc, _ in cases] == [message for _, message in cases]


def test_an_error_raised_from_a_full_disk_is_read_through(tmp_path):
    """The crawl pipeline may wrap the driver's error: the cause is what counts."""
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    try:
        try:
            raise wrapped(sqlite_disk_full(tmp_path))
        except OperationalError as exc:
            raise RuntimeError("batch write failed") from exc
    except RuntimeError as outer:
        assert str(explain(outer, url)) == (f"the disk holding {tmp_path.resolve()} is full; "
                                            "free space there or use another --db")


def test_sqlite_read_only_and_locked(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    sqlite3.connect(path).close()
    url = f"sqlite:///{path}"
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as read_only:
        reader.execute("CREATE TABLE t (x)")
    reader.close()
    assert str(explain(read_only.value, url)) == (
        f"the SQLite database {path.resolve()} is read-only (attempt to write a readonly database); "
        "make it writable or use another --db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    waiter = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("SELECT * FROM sqlite_master")
    waiter.close()
    holder.close()
    assert str(explain(wrapped(locked.value), url)) == (
        f"the SQLite database {path.resolve()} is locked by another program (database is locked); "
        "try again when it is done")


def test_a_refused_value_quotes_the_first_line_of_the_driver(engine, db_url):
    with engine.begin() as connection:
        connection.execute(insert(Provider).values(slug="groq", name="Groq"))
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as connection:
        connection.execute(insert(Provider).values(slug="groq", name="Groq again"))
    expected = {
        "sqlite": "the database refused a value: UNIQUE constraint failed: providers.slug",
        "postgresql": 'the database refused a value: duplicate key value violates unique constraint '
                      '"uq_providers_slug"',
    }[engine.dialect.name]
    assert str(explain(duplicate.value, db_url)) == expected
    if engine.dialect.name == "postgresql":
        with pytest.raises(DataError) as too_long, engine.begin() as connection:
            connection.execute(insert(Provider).values(slug="x" * 600, name="Long"))
        assert str(explain(too_long.value, db_url)) == (
            "the database refused a value: value too long for type character varying(255)")


def test_other_failures_give_the_type_and_the_first_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    assert str(explain(ValueError("boom\n  at line 2"), url)) == (
        "the database failed: ValueError: boom; check --db or $CATALOG_DATABASE_URL")
    gone = wrapped(sqlite3.OperationalError("unable to open database file"))
    assert str(explain(gone, url)) == (
        "the database failed: unable to open database file; check that it is reachable "
        "(--db or $CATALOG_DATABASE_URL)")


def test_which_errors_are_the_databases():
    from psycopg.errors import DiskFull

    assert is_database_error(wrapped(sqlite3.OperationalError("x")))
    assert is_database_error(sqlite3.OperationalError("x")) and is_database_error(DiskFull("x"))
    assert not is_database_error(ValueError("x")) and not is_database_error(OSError(errno.ENOSPC, "full"))


def test_the_test_databases_are_named(db_url, engine):
    """The PostgreSQL fixture's URL carries a search_path option: the message names only the database."""
    explained = str(explain(pg_disk_full(), db_url))
    if engine.dialect.name == "postgresql":
        url = make_url(db_url)
        assert explained == (f"the disk of the database {url.database} on {url.host}:{url.port} is full; "
                             "free space there or use another --db")
    else:
        folder = Path(make_url(db_url).database).resolve().parent
        assert explained == f"the disk holding {folder} is full; free space there or use another --db"
