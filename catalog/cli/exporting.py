"""`catalog export`: current offerings as CSV or JSON, optionally filtered like `catalog models`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from catalog.cli.params import catalog_option, filter_options, query_argument
from catalog.export import FORMATS


@click.command()
@query_argument(required=False)
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="CSV (one header row) or JSON (an array of objects, with related offerings).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output (a file is replaced whole, at once; "
                   "a pipe or device is written to).")
@click.option("--raw", is_flag=True, help="CSV: do not neutralise cells a spreadsheet would run as formulas.")
@catalog_option
def export(cat, query, provider, category, source, model, fmt: str, output: Path | None, raw: bool) -> None:
    """Export current offerings, one row each, as CSV or JSON.

    With QUERY, --provider or --category, only the offerings `catalog models` would list. CSV
    cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with ' unless
    --raw; price cells stay numbers. The columns are those of the current_prices view.

    \b
    Examples:
      catalog export --format json -o prices.json
      catalog export llama --provider deepinfra > llama.csv
    """
    count = cat.export(output if output is not None else sys.stdout, format=fmt, query=" ".join(query) or None,
                       provider=provider, category=category, source=source, model=model, raw=raw)
    if output is not None:
        click.echo(f"{count} offerings written to {output}", err=True)
