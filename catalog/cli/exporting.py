"""`catalog export`: current offerings as CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import Engine

from catalog.cli.common import db_option, reading
from catalog.errors import CatalogError


@click.command()
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
