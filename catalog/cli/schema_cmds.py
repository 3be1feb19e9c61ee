"""`catalog db ...`: the database schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from catalog import db
from catalog.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Engine


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_upgrade(db_url: str | None) -> None:
    """Create the schema or bring it to the current version."""
    engine = db.make_engine(db.resolve_url(db_url))
    done = db.ensure_schema(engine)  # None when already current (or another process just did it)
    if done is None:
        click.echo(f"{db.describe(engine)} is up to date (revision {db.head_revision()})")
    else:
        click.echo(f"{db.describe(engine)} upgraded from {done.before or 'empty'} to {done.after}")


@db_group.command("current")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_current(db_url: str | None) -> None:
    """Print the database's URL and schema revision."""
    engine = db.make_engine(db.resolve_url(db_url))
    revision = _revision(engine)
    db.require_known(revision)
    click.echo(f"{db.describe(engine)} revision {revision or 'none (empty)'} (head {db.head_revision()})")


def _revision(engine: Engine) -> str | None:
    from sqlalchemy.exc import OperationalError

    try:
        return db.current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(str(db.unreachable(engine, exc))) from None
