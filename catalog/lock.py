"""One refresh at a time per database, with locks the operating system or server releases
when the holder dies (even by kill -9), so no stale lock ever needs clearing by hand."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from catalog.errors import RefreshLocked

#: pg_advisory_lock's first key ("ca" as an int); the second is a hash of the schema, so
#: catalogs in different schemas of one database do not block each other
ADVISORY_CLASS = 0x6361


@contextlib.contextmanager
def refresh_lock(engine: Engine) -> Iterator[None]:
    """Hold the refresh lock of ENGINE's database; raise RefreshLocked if another refresh has it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with _file_lock(Path(database).expanduser().with_name(Path(database).name + ".refresh-lock")):
        yield


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise RefreshLocked(
                f"another refresh (pid {holder}) is running on this database: it holds the lock file "
                f"{path}; wait for it to finish or use another --db"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the kernel does the same if we are killed


@contextlib.contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect() as connection:
        schema, obj = connection.execute(text("SELECT current_schema(), hashtext(current_schema())")).one()
        key = {"cls": ADVISORY_CLASS, "obj": obj}
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:cls, :obj)"), key):
            holder = connection.scalar(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = :cls AND objid = (:obj)::oid LIMIT 1"
                ),
                key,
            )
            raise RefreshLocked(
                f"another refresh (server pid {holder or '?'}) is running on this database: it holds the "
                f"PostgreSQL advisory lock ({ADVISORY_CLASS}, {obj}) of schema {schema}; "
                "wait for it to finish or use another --db"
            )
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:cls, :obj)"), key)
            connection.commit()
