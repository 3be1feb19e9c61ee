"""`catalog refresh`: read a source into the database (the only command that imports Scrapy,
through the modelslab source, once the refresh holds its lock)."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import click

from catalog import db
from catalog.cli.common import db_url_option
from catalog.cli.render import counted
from catalog.errors import CatalogError
from catalog.text import printable
from catalog.views import DEFAULT_SOURCE

if TYPE_CHECKING:
    from catalog.refresh import Refreshed
    from catalog.sources import Source


def _source(ctx: click.Context, param: click.Parameter, name: str) -> Source:
    from catalog.sources import load_source

    try:
        return load_source(name)
    except CatalogError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _site(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--site as the source reads it (a site's root for modelslab); --source is eager, so known here."""
    if value is None:
        return None
    if ctx.params.get("every_source"):
        raise click.UsageError("--all reads every source from its own site: drop --site", ctx)
    try:
        return ctx.params["source"].site_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def source_option(func):
    """--source NAME (an installed source, given to the command), --site URL (read that source's
    way) and --all (every installed source, each from its own site: see reject_with_all)."""
    func = click.option(
        "--all", "every_source", is_flag=True, is_eager=True,  # said before --site is judged as a URL
        help="Every installed source in turn, each from its own site (`catalog sources`).",
    )(func)
    func = click.option(
        "--site",
        metavar="URL",
        callback=_site,
        help="Where to read it: the site's root (default: the source's own, https://modelslab.com for modelslab; "
             "for a document source, the document's URL).",
    )(func)
    return click.option(
        "--source",
        default=DEFAULT_SOURCE,
        show_default=True,
        metavar="NAME",
        is_eager=True,  # --site is read the source's way
        callback=_source,
        help="The catalog to read: an installed source (`catalog sources`).",
    )(func)


def reject_with_all(every_source: bool, *, sample: bool = False) -> None:
    """A usage error for what --all cannot go with: a --source (--site: its callback) or --sample."""
    if not every_source:
        return
    if click.get_current_context().get_parameter_source("source") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--all reads every source from its own site: drop --source")
    if sample:
        raise click.UsageError("--all reads every source from its own site: drop --sample")


@click.command()
@db_url_option
@source_option
@click.option("--sample", is_flag=True, help="Read the sample shipped with the source (offline).")
@click.option("--concurrency", type=click.IntRange(1, 64), help="Parallel requests to the site (default 8).")
@click.option("--delay", type=click.FloatRange(0, 60), help="Seconds between requests to the site.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    help="Seconds one response may take before it is given up and retried (default 30).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1, 100_000_000),
    metavar="N",
    help="The most model pages to request; reaching it ends the refresh incomplete "
    "(default: 10,000 or 3x the offerings of the last complete refresh, whichever is more).",
)
@click.option(
    "--allow-mass-removal",
    is_flag=True,
    help="Let this refresh mark more than half the listed offerings removed (when the site really dropped them).",
)
@click.option("--verbose", "-v", is_flag=True, help="Show the source's log (Scrapy's warnings and errors) on stderr.")
def refresh(
    db_url: str | None,
    source: Source,
    site: str | None,
    sample: bool,
    every_source: bool,
    concurrency: int | None,
    delay: float | None,
    timeout: float | None,
    max_pages: int | None,
    allow_mass_removal: bool,
    verbose: bool,
) -> None:
    """Read the catalog site (or another source) and record every offering and price.

    Exits 0 when the refresh is complete, 1 otherwise (the summary says why); only a complete
    refresh marks offerings that disappeared as removed.

    \b
    Examples:
      catalog refresh
      catalog refresh --sample --db sqlite:///demo.sqlite3
      catalog refresh --site https://other.example --concurrency 4 --delay 0.5
      catalog refresh --source openrouter
      catalog refresh --all
    """
    from catalog.refresh import refresh_catalog
    from catalog.sources import load_sources

    reject_with_all(every_source, sample=sample)  # before the database is made
    options = {"max_pages": max_pages, "allow_mass_removal": allow_mass_removal, "concurrency": concurrency,
               "delay": delay, "timeout": timeout, "verbose": verbose}
    url = db.resolve_url(db_url)
    progress = _Progress(enabled=sys.stderr.isatty())
    results = []
    for each in load_sources() if every_source else [source]:
        with each.sample() if sample else contextlib.nullcontext(site) as where:
            results.append(refresh_catalog(url, source=each, site=where, on_item=progress.tick, **options))
        progress.close()
        click.echo(printable(format_summary(results[-1], verbose=verbose)))  # URLs and reasons can quote page text
    if not all(result.ok for result in results):
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


def format_summary(result: Refreshed, *, verbose: bool = False) -> str:
    s, problems = result.run, result.problems
    of = s.site if s.source == DEFAULT_SOURCE else f"{s.source} ({s.site})"
    lines = [
        f"Refresh #{s.id} of {of}: {s.status} in {result.seconds:.1f} s",
        f"Pages: {s.pages_fetched} fetched, {s.pages_not_modified} not modified, "
        f"{_size(s.bytes_downloaded)} downloaded",
        f"Offerings: {s.offerings_new} new, {s.offerings_updated} updated, "
        f"{s.offerings_unchanged} unchanged, {s.offerings_removed} removed; "
        f"{s.price_changes} price changes",
    ]
    if problems:
        lines.append(f"Pages that failed ({len(problems)}):")
        lines += [f"  {url}  {reason}" for url, reason in problems[:20]]
        if len(problems) > 20:
            lines.append(f"  ... and {len(problems) - 20} more (catalog runs --problems {s.id})")
    if s.error:
        lines.append(f"Note: {s.error}")
    notes = result.report.stats.get("notes") if result.report else None
    if notes and not verbose:  # a document's entries skipped or read in part (with -v, on stderr already)
        lines.append(f"Note: {counted(len(notes), 'note')} on the document (entries skipped, prices not read); "
                     "--verbose lists them")
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
