"""Where the database is, how to connect to it, and keeping its schema at Alembic's head."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

from catalog.errors import DatabaseError

ENV_VAR = "CATALOG_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: the schema revision this catalog reads and writes: the head of migrations/versions (a test
#: checks the two agree). A database at it is used as it is, without loading Alembic.
SCHEMA_REVISION = "0004"


def default_url() -> str:
    """A SQLite file in the user data directory (e.g. ~/.local/share/catalog/catalog.sqlite3)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('catalog', appauthor=False)) / 'catalog.sqlite3'}"


def resolve_url(option: str | None = None) -> str:
    """--db, else $CATALOG_DATABASE_URL, else the default SQLite file."""
    return option or os.environ.get(ENV_VAR) or default_url()


def redacted(url: str) -> str:
    """URL to show a person: its password replaced by ***. (catalog.db.describe does the same
    for an engine; this one needs no SQLAlchemy.)"""
    scheme, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if not sep or "@" not in authority:
        return url
    credentials, _, host = authority.rpartition("@")
    user, colon, _password = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}{slash}{path}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def parse_url(url: str) -> URL:
    """URL parsed, or a DatabaseError that shows the accepted forms."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise DatabaseError(
            f"{url!r} is not a database URL; use e.g. sqlite:///path/to/catalog.sqlite3 "
            "or postgresql+psycopg://user@host/dbname"
        ) from None


def make_engine(url: str) -> Engine:
    """An engine for URL; a SQLite file's folder is created. Raises DatabaseError on a bad URL."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import NoSuchModuleError

    parsed = parse_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseError(
            f"no driver for {parsed.drivername!r} ({exc}); for PostgreSQL run "
            "pip install 'catalog[postgres]' and use postgresql+psycopg://..."
        ) from None
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder for {url}: {exc.strerror}; choose another --db path") from None


def describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision ENGINE's database is at (None: no catalog schema yet)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:  # this catalog's migrations never branch
        raise newer_catalog(", ".join(heads))
    return heads[0] if heads else None


def newer_catalog(revision: str) -> DatabaseError:
    return DatabaseError(
        f"this database was written by a newer catalog (schema revision {revision}); "
        "upgrade catalog (pip install -U catalog)"
    )


def require_known(revision: str | None) -> None:
    """Raise DatabaseError when REVISION is none of this catalog's migrations: a newer catalog
    wrote the database, and this one must neither read nor migrate it."""
    from alembic.script import ScriptDirectory

    if revision is None:
        return
    known = {script.revision for script in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}
    if revision not in known:  # exactly: Alembic would also take a prefix of a known revision
        raise newer_catalog(revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to REVISION (head by default)."""
    from alembic import command

    with _connect(engine) as connection:
        command.upgrade(_alembic_config(connection), revision)
        connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with _connect(engine) as connection:
        command.downgrade(_alembic_config(connection), revision)
        connection.commit()


def _connect(engine: Engine):
    from sqlalchemy.exc import OperationalError

    try:
        return engine.connect()
    except OperationalError as exc:
        raise unreachable(engine, exc) from None


def unreachable(engine: Engine, exc: Exception) -> DatabaseError:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseError(
        f"cannot open database {describe(engine)}: {reason}; check --db or ${ENV_VAR}"
    )


@dataclass(frozen=True)
class Migration:
    """What ensure_schema did: the revision it found (None: an empty database) and the new one."""

    before: str | None
    after: str


def ensure_schema(engine: Engine) -> Migration | None:
    """Create or upgrade the schema on first use (None when it was already current); refuse a
    database from a newer catalog, or one holding tables catalog did not create.

    Commands started together on a new database would all try to create the schema: the
    check-and-upgrade runs under catalog.lock.schema_lock, and the revision is read again once
    the lock is held, so one command migrates and the others find the schema ready.
    """
    from alembic.util import CommandError
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from catalog.lock import schema_lock

    try:
        if _stored_revision(engine) == SCHEMA_REVISION:
            return None
        head = head_revision()
        current = current_revision(engine)
        if current == head:
            return None
        require_known(current)  # before the lock: a newer catalog's database gets no lock file
        with schema_lock(engine):
            return _bring_to(engine, head)
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    except DatabaseError:
        raise
    except (SQLAlchemyError, CommandError) as exc:
        raise DatabaseError(f"database {describe(engine)} failed: {exc.__class__.__name__}: {exc}; check --db") from None


def _stored_revision(engine: Engine) -> str | None:
    """The revision in alembic_version, read cheaply (None when there is no such table or row)."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def _bring_to(engine: Engine, head: str) -> Migration | None:
    """Upgrade to HEAD unless another process did while we waited for the lock."""
    from sqlalchemy import inspect

    current = current_revision(engine)
    if current == head:
        return None
    if current is None:
        tables = sorted(inspect(engine).get_table_names())
        if tables:
            raise DatabaseError(
                f"{describe(engine)} holds tables ({', '.join(tables[:3])}, ...) that catalog did not create; "
                "point --db at a new or catalog database"
            )
    require_known(current)
    upgrade(engine)
    return Migration(before=current, after=head)


@dataclass(frozen=True)
class SchemaState:
    """Where a catalog database is (password hidden) and its schema revision against this catalog's."""

    location: str
    revision: str | None
    head: str


def schema_state(url: str) -> SchemaState:
    """The schema revision of the database at URL; DatabaseError when it is unreachable or newer."""
    from sqlalchemy.exc import OperationalError

    engine = make_engine(url)
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    finally:
        engine.dispose()
    require_known(revision)
    return SchemaState(describe(engine), revision, head_revision())


def migrate(url: str) -> tuple[SchemaState, Migration | None]:
    """Create the schema of the database at URL or bring it to this catalog's revision; what it
    is now, and what was done (None: it was already current, or another process just did it)."""
    engine = make_engine(url)
    try:
        done = ensure_schema(engine)
    finally:
        engine.dispose()
    return SchemaState(describe(engine), head_revision(), head_revision()), done
