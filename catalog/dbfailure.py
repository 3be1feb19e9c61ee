"""Why a database operation failed, in one line that names the fix.

`explain` reads a failure from SQLAlchemy, the drivers (sqlite3, psycopg) or the operating system
and says what failed and what to do: a full disk names the disk (the SQLite file's folder, or the
PostgreSQL server), a refused value quotes the driver. The CLI uses it for any database error
that reaches it, and the crawl pipeline when a batch write fails. Nothing here imports
SQLAlchemy or a driver: errors are recognised by their class names, SQLSTATE codes and SQLite
result codes, so the fast readers stay fast.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from catalog.db import ENV_VAR
from catalog.errors import DatabaseError

#: SQLite result codes (sqlite3.Error.sqlite_errorcode, primary code in the low byte)
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_FULL = 5, 8, 13
#: PostgreSQL SQLSTATEs
_PG_DISK_FULL, _PG_READ_ONLY = "53100", "25006"
#: the module prefixes of the exceptions `is_database_error` recognises
_DATABASE_MODULES = ("sqlalchemy", "sqlite3", "_sqlite3", "psycopg", "psycopg2", "alembic")


def is_database_error(exc: BaseException) -> bool:
    """Whether EXC was raised by SQLAlchemy, Alembic or a database driver."""
    return any(cls.__module__.startswith(_DATABASE_MODULES) for cls in type(exc).__mro__)


def explain(exc: BaseException, url: str) -> DatabaseError:
    """EXC, raised while using the database at URL, as a one-line DatabaseError: what failed, and the fix."""
    where = _Where(url)
    causes = list(_causes(exc))
    driver = next((c for c in causes if not _wraps(c)), exc)
    reason = _first_line(driver)
    for cause in causes:
        if isinstance(cause, OSError) and cause.errno is not None:
            return _os_error(cause, where)
    if any(_disk_full(c) for c in causes):
        return DatabaseError(f"{where.disk} is full; free space there or use another --db")
    if any(_read_only(c) for c in causes):
        return DatabaseError(f"{where.name} is read-only ({reason}); make it writable or use another --db")
    if any(_sqlite_code(c) == _SQLITE_BUSY for c in causes):
        return DatabaseError(f"{where.name} is locked by another program ({reason}); try again when it is done")
    if _is_a(exc, "DataError", "IntegrityError"):
        return DatabaseError(f"the database refused a value: {reason}")
    if _is_a(exc, "OperationalError", "InterfaceError"):
        return DatabaseError(f"the database failed: {reason}; check that it is reachable (--db or ${ENV_VAR})")
    return DatabaseError(f"the database failed: {type(driver).__name__}: {reason}; check --db or ${ENV_VAR}")


class _Where:
    """The database URL in the words of a message (never with its password)."""

    def __init__(self, url: str):
        scheme, _, rest = url.partition("://")
        self.sqlite = scheme.split("+", 1)[0] == "sqlite"
        self.folder: Path | None = None
        if self.sqlite:
            path = rest[1:].split("?", 1)[0] if rest.startswith("/") else ""
            if path and path != ":memory:":
                self.folder = Path(path).expanduser().resolve().parent
                self.name = f"the SQLite database {Path(path).expanduser().resolve()}"
            else:
                self.name = "the in-memory SQLite database"
        else:
            parts = urlsplit(url)
            server = parts.hostname or "localhost"
            if parts.port:
                server += f":{parts.port}"
            self.name = f"the database {parts.path.lstrip('/') or '(default)'} on {server}"

    @property
    def disk(self) -> str:
        if self.folder is not None:
            return f"the disk holding {self.folder}"
        if self.sqlite:
            return "the disk holding SQLite's temporary files"
        return f"the disk of {self.name}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """EXC, then what it wraps (SQLAlchemy's .orig, or the exception it was raised from), outermost
    first. An exception merely raised while handling another (__context__) is not a cause."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        yield current
        current = getattr(current, "orig", None) if _wraps(current) else current.__cause__


def _wraps(exc: BaseException) -> bool:
    """Whether EXC is SQLAlchemy's wrapper around a driver's exception (DBAPIError.orig)."""
    return isinstance(getattr(exc, "orig", None), BaseException)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def _is_a(exc: BaseException, *names: str) -> bool:
    """Whether EXC is (or wraps) a PEP 249 error of one of these NAMES (SQLAlchemy mirrors them)."""
    return any(cls.__name__ in names for cause in _causes(exc) for cls in type(cause).__mro__)


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)


def _disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (_sqlite_code(exc) == _SQLITE_FULL or _sqlstate(exc) == _PG_DISK_FULL or type(exc).__name__ == "DiskFull"
            or "database or disk is full" in text or "no space left on device" in text)


def _read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (_sqlite_code(exc) == _SQLITE_READONLY or _sqlstate(exc) == _PG_READ_ONLY
            or "readonly database" in text or "read-only file system" in text)


def _os_error(exc: OSError, where: _Where) -> DatabaseError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        disk = f"the disk holding {Path(os.fsdecode(exc.filename)).resolve().parent}" if exc.filename else where.disk
        return DatabaseError(f"{disk} is full; free space there or use another --db")
    subject = os.fsdecode(exc.filename) if exc.filename else where.name
    if exc.errno == errno.EROFS:
        return DatabaseError(f"cannot write {subject}: it is on a read-only file system; use another --db")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return DatabaseError(f"cannot write {subject}: permission denied; make it writable for this user "
                             "or use another --db")
    return DatabaseError(f"cannot use {subject}: {exc.strerror or _first_line(exc)}; check --db or ${ENV_VAR}")
