"""`catalog refresh`: crawl the site into the database (the only command that imports Scrapy)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog.cli.common import DEFAULT_SITE, SiteURL, db_option
from catalog.text import printable

if TYPE_CHECKING:
    from sqlalchemy import Engine


@click.command()
@db_option
@click.option("--site", type=SiteURL(), default=DEFAULT_SITE, show_default=True, help="Catalog site to crawl.")
@click.option("--sample", is_flag=True, help="Crawl the sample catalog shipped with catalog (offline).")
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
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log (warnings and errors) on stderr.")
def refresh(
    engine: Engine,
    site: str,
    sample: bool,
    concurrency: int | None,
    delay: float | None,
    timeout: float | None,
    max_pages: int | None,
    allow_mass_removal: bool,
    verbose: bool,
) -> None:
    """Crawl the catalog site and record every offering and price."""
    from spiders.refresh import refresh as run_refresh  # imports Scrapy: only here

    # the summary reports every failure; Scrapy's own log (tracebacks included) is opt-in
    settings = {
        "concurrency": concurrency,
        "delay": delay,
        "timeout": timeout,
        "LOG_LEVEL": "WARNING" if verbose else "CRITICAL",
    }
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    progress = _Progress(enabled=sys.stderr.isatty())
    limits = {"max_pages": max_pages, "allow_mass_removal": allow_mass_removal}
    if sample:
        import spiders
        from spiders.localsite import LocalSite

        with LocalSite(Path(spiders.__file__).parent / "sample") as local:
            summary = run_refresh(url, local.base_url, on_item=progress.tick, settings=settings, **limits)
    else:
        summary = run_refresh(url, site, on_item=progress.tick, settings=settings, **limits)
    progress.close()
    click.echo(printable(format_summary(summary)))  # URLs and reasons can quote page text
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
