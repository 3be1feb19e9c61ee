"""What every command shares: the group that translates errors, --db, option types."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

from catalog import db
from catalog.errors import CatalogError
from catalog.siteurl import DEFAULT_SITE, site_root


class CatalogGroup(click.Group):
    """Translates the library's errors into click's, once, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            from sqlalchemy.exc import OperationalError

            if not isinstance(exc, OperationalError):
                raise  # the database went away in the middle of a command
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"the database failed: {reason}; check that it is reachable (--db or ${db.ENV_VAR})"
            ) from None


#: the --db option itself; db_option (and the fast readers' option) build on it
db_url_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    envvar=db.ENV_VAR,
    help=f"Database URL (default: a SQLite file in the user data folder; env {db.ENV_VAR}).",
)


def db_option(func: Callable) -> Callable:
    """--db URL (or $CATALOG_DATABASE_URL); the command receives an Engine with a migrated schema."""

    @db_url_option
    @functools.wraps(func)
    def wrapper(db_url: str | None, **kwargs):
        return func(engine=open_engine(db_url), **kwargs)

    return wrapper


def open_engine(db_url: str | None) -> Engine:
    engine = db.make_engine(db.resolve_url(db_url))
    db.ensure_schema(engine)
    return engine


def reading(engine: Engine) -> Session:
    """A read-only session; connection failures become one-line DatabaseErrors."""
    from sqlalchemy.orm import Session

    return Session(engine)


class SiteURL(click.ParamType):
    """An http(s) URL of a catalog site's root, e.g. https://modelslab.com."""

    name = "URL"

    def convert(self, value, param, ctx):
        try:
            return site_root(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
