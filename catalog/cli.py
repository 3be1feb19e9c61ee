"""The `catalog` command line: a thin layer over the library.

Library functions raise CatalogError subclasses; this module alone turns them into one-line
messages and exit codes (1 runtime, 2 usage). Scrapy is imported only by `refresh`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalog import __version__, db
from catalog.errors import CatalogError, DatabaseError

DEFAULT_SITE = "https://modelslab.com"


class CatalogGroup(click.Group):
    """Translates the library's errors into click's, once, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None


def db_option(func: Callable) -> Callable:
    """--db URL (or $CATALOG_DATABASE_URL); the command receives an Engine with a migrated schema."""

    @click.option(
        "--db",
        "db_url",
        metavar="URL",
        envvar=db.ENV_VAR,
        help=f"Database URL (default: a SQLite file in the user data folder; env {db.ENV_VAR}).",
    )
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
    return Session(engine)


class SiteURL(click.ParamType):
    """An http(s) URL of a catalog site's root, e.g. https://modelslab.com."""

    name = "URL"

    def convert(self, value, param, ctx):
        parts = urlsplit(str(value).strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(f"{value!r} is not a site URL; give one like {DEFAULT_SITE}", param, ctx)
        return f"{parts.scheme}://{parts.netloc}"


@click.group(cls=CatalogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="catalog")
def cli() -> None:
    """An exact, dated database of AI model prices, observed from a model catalog site."""


# --- refresh ---------------------------------------------------------------------------------


@cli.command()
@db_option
@click.option("--site", type=SiteURL(), default=DEFAULT_SITE, show_default=True, help="Catalog site to crawl.")
@click.option("--sample", is_flag=True, help="Crawl the sample catalog shipped with catalog (offline).")
@click.option("--concurrency", type=click.IntRange(1, 64), help="Parallel requests to the site (default 8).")
@click.option("--delay", type=click.FloatRange(0, 60), help="Seconds between requests to the site.")
def refresh(engine: Engine, site: str, sample: bool, concurrency: int | None, delay: float | None) -> None:
    """Crawl the catalog site and record every offering and price."""
    from spiders.refresh import refresh as run_refresh  # imports Scrapy: only here

    settings = {"concurrency": concurrency, "delay": delay}
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    progress = _Progress(enabled=sys.stderr.isatty())
    if sample:
        import spiders
        from spiders.localsite import LocalSite

        with LocalSite(Path(spiders.__file__).parent / "sample") as local:
            summary = run_refresh(url, local.base_url, on_item=progress.tick, settings=settings)
    else:
        summary = run_refresh(url, site, on_item=progress.tick, settings=settings)
    progress.close()
    click.echo(format_summary(summary))
    if not summary.ok:
        sys.exit(1)


class _Progress:
    """A live counter on stderr while crawling (terminal only)."""

    def __init__(self, enabled: bool):
        self.count = 0
        self.enabled = enabled

    def tick(self, item: object) -> None:
        if type(item).__name__ in ("Observation", "NotModified"):
            self.count += 1
            if self.enabled and self.count % 10 == 0:
                click.echo(f"\r{self.count} offerings read...", nl=False, err=True)

    def close(self) -> None:
        if self.enabled and self.count:
            click.echo("\r" + " " * 40 + "\r", nl=False, err=True)


def format_summary(s) -> str:
    lines = [
        f"Refresh #{s.run_id} of {s.site}: {s.status} in {s.seconds:.1f} s",
        f"Pages: {s.pages_fetched} fetched, {s.pages_not_modified} not modified, "
        f"{_size(s.bytes_downloaded)} downloaded",
        f"Offerings: {s.offerings_new} new, {s.offerings_updated} updated, "
        f"{s.offerings_unchanged} unchanged, {s.offerings_removed} removed; "
        f"{s.price_changes} price changes",
    ]
    if s.problems:
        lines.append(f"Pages that failed ({len(s.problems)}):")
        lines += [f"  {url}  {reason}" for url, reason in s.problems[:20]]
        if len(s.problems) > 20:
            lines.append(f"  ... and {len(s.problems) - 20} more (catalog runs --problems {s.run_id})")
    if s.error:
        lines.append(f"Note: {s.error}")
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


# --- export ----------------------------------------------------------------------------------


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.option("--raw", is_flag=True, help="CSV: do not neutralise cells a spreadsheet would run as formulas.")
def export(engine: Engine, fmt: str, output: Path | None, raw: bool) -> None:
    """Export every current offering, one row each, as CSV or JSON."""
    from catalog import export as exporter
    from catalog.queries import current_offerings, require_offerings

    with reading(engine) as session:
        require_offerings(session)
        views = current_offerings(session)
    if output is None:
        _write(exporter, fmt, views, sys.stdout, raw)
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            count = _write(exporter, fmt, views, fh, raw)
        tmp.replace(output)  # a reader never sees half a file
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CatalogError(f"cannot write {output}: {exc.strerror}; choose another --output") from None
    click.echo(f"{count} offerings written to {output}", err=True)


def _write(exporter, fmt, views, fh, raw) -> int:
    if fmt == "csv":
        return exporter.write_csv(views, fh, raw=raw)
    return exporter.write_json(views, fh)


# --- db --------------------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_upgrade(db_url: str | None) -> None:
    """Create the schema or bring it to the current version."""
    engine = db.make_engine(db.resolve_url(db_url))
    before = _revision(engine)
    db.ensure_schema(engine)
    after = db.current_revision(engine)
    if before == after:
        click.echo(f"{db.describe(engine)} is up to date (revision {after})")
    else:
        click.echo(f"{db.describe(engine)} upgraded from {before or 'empty'} to {after}")


@db_group.command("current")
@click.option("--db", "db_url", metavar="URL", envvar=db.ENV_VAR, help="Database URL.")
def db_current(db_url: str | None) -> None:
    """Print the database's URL and schema revision."""
    engine = db.make_engine(db.resolve_url(db_url))
    click.echo(f"{db.describe(engine)} revision {_revision(engine) or 'none (empty)'} (head {db.head_revision()})")


def _revision(engine: Engine) -> str | None:
    try:
        return db.current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(str(db.unreachable(engine, exc))) from None


if __name__ == "__main__":  # pragma: no cover
    cli()
