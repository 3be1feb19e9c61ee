"""`catalog export`: current offerings as CSV or JSON, optionally filtered like `catalog models`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog.cli.common import db_option, reading
from catalog.cli.params import filter_options, query_argument

if TYPE_CHECKING:
    from sqlalchemy import Engine


@click.command()
@db_option
@query_argument(required=False)
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="CSV (one header row) or JSON (an array of objects, with related offerings).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to FILE instead of standard output (a file is replaced whole, at once; "
                   "a pipe or device is written to).")
@click.option("--raw", is_flag=True, help="CSV: do not neutralise cells a spreadsheet would run as formulas.")
def export(
    engine: Engine,
    query: tuple[str, ...],
    provider: str | None,
    category: str | None,
    fmt: str,
    output: Path | None,
    raw: bool,
) -> None:
    """Export current offerings, one row each, as CSV or JSON.

    With QUERY, --provider or --category, only the offerings `catalog models` would list. CSV
    cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with ' unless
    --raw; price cells stay numbers.
    """
    from catalog import export as exporter
    from catalog.queries import find_offerings, require_offerings
    from catalog.search import NoMatch, describe_filters

    text = " ".join(query) or None
    with reading(engine) as session:
        require_offerings(session)
        views = find_offerings(session, query=text, provider=provider, category=category)
    if not views and (text or provider or category):
        raise NoMatch(f"no offerings match {describe_filters(text, provider, category)}; "
                      "list them with `catalog models`")
    if output is None:
        _write(exporter, fmt, views, sys.stdout, raw)
        return
    count = exporter.write_file(output, lambda fh: _write(exporter, fmt, views, fh, raw))
    click.echo(f"{count} offerings written to {output}", err=True)


def _write(exporter, fmt, views, fh, raw) -> int:
    if fmt == "csv":
        return exporter.write_csv(views, fh, raw=raw)
    return exporter.write_json(views, fh)
