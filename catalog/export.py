"""Exporting current offerings as CSV or JSON, one row per offering, decimals as plain text."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from catalog.queries import OfferingView

COLUMNS = (
    "provider",
    "provider_name",
    "model_id",
    "name",
    "creator",
    "category",
    "task",
    "open_source",
    "input_per_mtok",
    "output_per_mtok",
    "per_image",
    "per_second",
    "headline_price",
    "headline_unit",
    "date_added",
    "source_url",
    "first_seen",
    "last_seen",
)
PRICE_COLUMNS = {
    "input_per_mtok": "input_per_mtok",
    "output_per_mtok": "output_per_mtok",
    "per_image": "per_image",
    "per_second": "per_second",
    "headline_price": "headline",
}
#: a spreadsheet evaluates a cell that starts with one of these (OWASP CSV injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain(amount: Decimal) -> str:
    """A decimal as plain digits, never in exponent form (1E-7 -> 0.0000001)."""
    return format(amount, "f")


def export_row(view: OfferingView) -> dict[str, Any]:
    """The export's fields for one offering, in COLUMNS order; unknown values are None."""
    row: dict[str, Any] = {
        "provider": view.provider,
        "provider_name": view.provider_name,
        "model_id": view.model_id,
        "name": view.name,
        "creator": view.creator,
        "category": view.category,
        "task": view.task,
        "open_source": view.open_source,
    }
    for column, component in PRICE_COLUMNS.items():
        amount = view.amount(component)
        row[column] = None if amount is None else plain(amount)
    row["headline_unit"] = view.headline_unit
    row["date_added"] = view.date_added.isoformat() if view.date_added else None
    row["source_url"] = view.source_url
    row["first_seen"] = view.first_seen.isoformat()
    row["last_seen"] = view.last_seen.isoformat()
    return row


def neutralise(cell: str) -> str:
    """Make a text cell inert in a spreadsheet by prefixing a quote when it could be a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def write_csv(views: Iterable[OfferingView], out: IO[str], *, raw: bool = False) -> int:
    """CSV with a header row; text cells neutralised unless RAW. Returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for view in views:
        row = export_row(view)
        cells = []
        for column in COLUMNS:
            value = row[column]
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            elif raw or column in PRICE_COLUMNS:
                cells.append(value)
            else:
                cells.append(neutralise(value))
        writer.writerow(cells)
        count += 1
    return count


def json_rows(views: Iterable[OfferingView]) -> Iterator[dict[str, Any]]:
    for view in views:
        row = export_row(view)
        row["related"] = list(view.related)
        yield row


def write_json(views: Iterable[OfferingView], out: IO[str]) -> int:
    """A JSON array of row objects (with `related`), written row by row. Returns the count."""
    count = 0
    out.write("[")
    for row in json_rows(views):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
