"""Where the database is, how to connect to it, and keeping its schema at Alembic's head."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

from catalog.errors import DatabaseError

ENV_VAR = "CATALOG_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def default_url() -> str:
    """A SQLite file in the user data directory (e.g. ~/.local/share/catalog/catalog.sqlite3)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('catalog', appauthor=False)) / 'catalog.sqlite3'}"


def resolve_url(option: str | None = None) -> str:
    """--db, else $CATALOG_DATABASE_URL, else the default SQLite file."""
    return option or os.environ.get(ENV_VAR) or default_url()


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
    except ArgumentError:
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
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema on first use; refuse a database from a newer catalog."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    try:
        current = current_revision(engine)
        head = head_revision()
        if current == head:
            return
        if current is None and inspect(engine).get_table_names():
            tables = ", ".join(sorted(inspect(engine).get_table_names())[:3])
            raise DatabaseError(
                f"{describe(engine)} holds tables ({tables}, ...) that catalog did not create; "
                "point --db at a new or catalog database"
            )
        if current is not None:
            from alembic.script import ScriptDirectory

            script = ScriptDirectory.from_config(_alembic_config(None))
            if script.get_revision(current) is None:
                raise DatabaseError(
                    f"{describe(engine)} is at schema revision {current}, which this catalog does not "
                    "know; upgrade catalog (pip install -U catalog)"
                )
        upgrade(engine)
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    except DatabaseError:
        raise
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database {describe(engine)} failed: {exc.__class__.__name__}: {exc}; check --db") from None
