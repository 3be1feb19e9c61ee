"""`catalog db ...`: the database schema (catalog.db does the work; these parse and print)."""

from __future__ import annotations

import click

from catalog import db


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_upgrade(db_url: str | None) -> None:
    """Create the schema or bring it to the current version (every command also does, on first use).

    \b
    Example:
      catalog db upgrade --db postgresql+psycopg://me@dbhost/prices
    """
    state, done = db.migrate(db.resolve_url(db_url))
    if done is None:
        click.echo(f"{state.location} is up to date (revision {state.revision})")
    else:
        click.echo(f"{state.location} upgraded from {done.before or 'empty'} to {done.after}")


@db_group.command("current")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_current(db_url: str | None) -> None:
    """Print the database's URL and schema revision.

    \b
    Example:
      catalog db current
    """
    state = db.schema_state(db.resolve_url(db_url))
    click.echo(f"{state.location} revision {state.revision or 'none (empty)'} (head {state.head})")
