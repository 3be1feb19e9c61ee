"""The refresh lock: one lock per database file however its path is spelled, and a lock file that
cannot be written (full disk) is one line naming the file and the disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from catalog import db
from catalog.cli import cli
from catalog.errors import DatabaseError, RefreshLocked
from catalog.lock import mount_point, refresh_lock
from catalog.schema import CrawlRun


def other_spelling(url: str, tmp_path: Path, how: str) -> str:
    """Another URL for the same database: a symlink, a detour through .., or a relative path."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # the server is the same whatever the client calls itself
        return parsed.update_query_dict({"application_name": f"catalog-{how}"}).render_as_string(hide_password=False)
    real = Path(parsed.database)
    if how == "symlink":
        alias = tmp_path / "alias" / "link.sqlite3"
        alias.parent.mkdir()
        alias.symlink_to(real)
        return f"sqlite:///{alias}"
    if how == "dotdot":
        (real.parent / "x").mkdir()
        return f"sqlite:///{real.parent}/x/../{real.name}"
    os.chdir(real.parent)  # the caller's monkeypatch.chdir restores it
    return f"sqlite:///{real.name}"


@pytest.mark.parametrize("how", ["symlink", "dotdot", "relative"])
def test_one_lock_however_the_database_path_is_spelled(engine, tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    second = db.make_engine(other_spelling(url, tmp_path, how))
    try:
        with refresh_lock(engine):
            with pytest.raises(RefreshLocked) as raised:
                with refresh_lock(second):
                    pass
        if engine.dialect.name == "sqlite":
            real = os.path.realpath(engine.url.database)
            assert str(raised.value) == (
                f"another refresh (pid {os.getpid()}) is running on this database: it holds the lock file "
                f"{real}.refresh-lock; wait for it to finish or use another --db"
            )
        else:
            assert str(raised.value).startswith("another refresh (server pid ")
        with refresh_lock(second):  # released with the first holder
            pass
    finally:
        second.dispose()


def test_lock_file_of_a_symlinked_database_sits_beside_the_real_file(sqlite_url, tmp_path):
    real = Path(make_url(sqlite_url).database)
    alias = tmp_path / "alias.sqlite3"
    alias.symlink_to(real)
    engine = db.make_engine(f"sqlite:///{alias}")
    with refresh_lock(engine):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["alias.sqlite3", "catalog.sqlite3.refresh-lock"]
    engine.dispose()


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_at_the_lock_file_is_one_line(sqlite_url, monkeypatch):
    path = Path(make_url(sqlite_url).database)
    engine = db.make_engine(sqlite_url)
    db.ensure_schema(engine)
    monkeypatch.setattr(os, "pwrite", full_disk)
    expected = (
        f"cannot write the lock file {path}.refresh-lock: the disk mounted at {mount_point(path.parent)} "
        "is full (No space left on device); free space on it or use another --db"
    )
    with pytest.raises(DatabaseError) as raised:
        with refresh_lock(engine):
            pass
    assert str(raised.value) == expected
    result = CliRunner().invoke(cli, ["refresh", "--site", "http://127.0.0.1:9", "--db", sqlite_url],
                                env={"CATALOG_DATABASE_URL": None})
    assert (result.exit_code, result.output) == (1, f"Error: {expected}\n")
    monkeypatch.undo()
    with Session(engine) as session:  # refused before any run was opened
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 0
    with refresh_lock(engine):  # and the lock was let go
        pass
    engine.dispose()


def test_lock_file_that_cannot_be_created_is_one_line(sqlite_url, monkeypatch):
    path = Path(make_url(sqlite_url).database)
    engine = db.make_engine(sqlite_url)
    real_open = os.open

    def read_only(file, flags, *args, **kwargs):
        if str(file).endswith(".refresh-lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(DatabaseError) as raised:
        with refresh_lock(engine):
            pass
    assert str(raised.value) == (
        f"cannot write the lock file {path}.refresh-lock: Read-only file system; "
        f"make {path.parent} writable or use another --db"
    )
    engine.dispose()


def test_mount_point_is_the_nearest_mounted_folder(tmp_path):
    assert mount_point(Path("/")) == Path("/")
    found = mount_point(tmp_path)
    assert os.path.ismount(found) and tmp_path.resolve().is_relative_to(found)
