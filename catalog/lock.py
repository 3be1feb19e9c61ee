"""Locks on a database, which the operating system or server releases when the holder dies (even
by kill -9), so no stale lock ever needs clearing by hand:

- the refresh lock: one refresh at a time per database; a second one is refused at once;
- the schema lock: creating or migrating the schema, waited for, so commands started together
  on a new database do not all try to create it.

A SQLite database's locks are files beside its real path (symlinks and `..` resolved), so every
spelling of one file shares them; PostgreSQL's are advisory locks keyed on the schema.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from catalog.errors import DatabaseError, RefreshLocked

#: pg_advisory_lock's first key ("ca" as an int); the second is a hash of the schema, so
#: catalogs in different schemas of one database do not block each other
ADVISORY_CLASS = 0x6361
#: the schema lock's first key ("cs"), distinct from the refresh lock's
SCHEMA_CLASS = 0x6373


def refresh_lock(engine: Engine) -> contextlib.AbstractContextManager[None]:
    """Hold the refresh lock of ENGINE's database; raise RefreshLocked if another refresh has it."""
    return _lock(engine, ADVISORY_CLASS, ".refresh-lock", wait=False)


def schema_lock(engine: Engine) -> contextlib.AbstractContextManager[None]:
    """Wait for, then hold, the lock around creating or migrating ENGINE's schema."""
    return _lock(engine, SCHEMA_CLASS, ".schema-lock", wait=True)


@contextlib.contextmanager
def _lock(engine: Engine, cls: int, suffix: str, *, wait: bool) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, cls, wait=wait):
            yield
    else:
        with _file_lock(lock_path(engine, suffix), wait=wait):
            yield


def lock_path(engine: Engine, suffix: str) -> Path | None:
    """The lock file beside the real file of ENGINE's SQLite database; None for one in memory."""
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    real = Path(os.path.realpath(Path(database).expanduser()))
    return real.with_name(real.name + suffix)


def mount_point(folder: Path) -> Path:
    """The folder where the file system (the disk) holding FOLDER is mounted."""
    path = Path(os.path.realpath(folder))
    while not os.path.ismount(path):
        path = path.parent
    return path


def _unwritable(path: Path, exc: OSError) -> DatabaseError:
    if exc.errno == errno.ENOSPC:
        return DatabaseError(
            f"cannot write the lock file {path}: the disk mounted at {mount_point(path.parent)} is full "
            f"({exc.strerror}); free space on it or use another --db"
        )
    return DatabaseError(
        f"cannot write the lock file {path}: {exc.strerror}; make {path.parent} writable or use another --db"
    )


@contextlib.contextmanager
def _file_lock(path: Path | None, *, wait: bool) -> Iterator[None]:
    """flock PATH (waiting for it if WAIT, else RefreshLocked); the holder's pid is written in it.
    No PATH (a database in memory): nothing to share, nothing to lock."""
    import fcntl

    if path is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise RefreshLocked(
                f"another refresh (pid {holder}) is running on this database: it holds the lock file "
                f"{path}; wait for it to finish or use another --db"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the kernel does the same if we are killed


def _key(connection: Connection, cls: int) -> tuple[str, dict[str, int]]:
    """The schema CONNECTION works in, and the advisory lock key (CLS, hash of that schema)."""
    schema, obj = connection.execute(
        text("SELECT current_schema(), hashtext(coalesce(current_schema(), ''))")
    ).one()
    return schema, {"cls": cls, "obj": obj}


@contextlib.contextmanager
def _advisory_lock(engine: Engine, cls: int, *, wait: bool) -> Iterator[None]:
    """A session advisory lock (CLS, schema): waited for if WAIT, else RefreshLocked at once."""
    with engine.connect() as connection:
        schema, key = _key(connection, cls)
        if wait:
            connection.execute(text("SELECT pg_advisory_lock(:cls, :obj)"), key)
        elif not connection.scalar(text("SELECT pg_try_advisory_lock(:cls, :obj)"), key):
            holder = connection.scalar(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = :cls AND objid = (:obj)::oid LIMIT 1"
                ),
                key,
            )
            raise RefreshLocked(
                f"another refresh (server pid {holder or '?'}) is running on this database: it holds the "
                f"PostgreSQL advisory lock ({cls}, {key['obj']}) of schema {schema}; "
                "wait for it to finish or use another --db"
            )
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:cls, :obj)"), key)
            connection.commit()
