"""Printing query results: rich tables on a terminal, tab-separated text when piped, or JSON.

On a terminal, tables are aligned (rich, imported only then), units are in the headers and costs
(columns of kind "cost", nothing else) are rounded for reading: four significant digits, at least
two decimals, half up (catalog.costing.round_for_display); a column too narrow folds digits onto
the next line, never cuts them. Prices are never rounded. Piped, the same table is tab-separated
values with a header row of column keys, every number at full precision, no colour and no notes:
ready for cut, sort or a spreadsheet. --json prints full-precision decimal strings.

Text that came from pages (names, IDs, descriptions) may hold control or escape characters; they
are removed before printing, so a page cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click

from catalog.costing import round_for_display
from catalog.text import printable

_SPACING = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
#: characters json.dumps(ensure_ascii=False) leaves raw that a terminal would still act on
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def clean(text: Any) -> str:
    """TEXT on one line without control, escape or direction-changing characters."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # the common case; isprintable() is False for every character removed
        return text
    return _SPACING.sub(" ", printable(text)).strip()


def exact(amount: Decimal) -> str:
    """A decimal digit for digit, never in exponent form (1E-7 -> 0.0000001)."""
    text = str(amount)  # the same digits as format(amount, "f") unless in exponent form; 4x faster
    return format(amount, "f") if "E" in text else text


def rounded(amount: Decimal, significant: int = 4) -> str:
    """A cost for reading: four significant digits (all whole digits of a larger amount), at least
    two decimals, at most twelve, rounded half up, thousands grouped.

    0.027 -> 0.027, 0.04 -> 0.04, 12.345 -> 12.35, 1234.5 -> 1,234.50, 0.000123456 -> 0.0001235
    """
    if amount == 0:
        return "0.00"
    places = min(12, max(2, significant - amount.adjusted() - 1))
    text = exact(round_for_display(amount, places))
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{fraction}"


@dataclass(frozen=True)
class Column:
    """A table column: TITLE on a terminal (units included), KEY as the piped header."""

    key: str
    title: str
    #: "text", "price" (exact everywhere), "cost" (rounded on a terminal) or "count"
    kind: str = "text"
    #: False for identifiers people copy (model IDs): other columns wrap first
    wrap: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


def terminal_width() -> int | None:
    """The terminal's width when standard output is one, else None (piped: plain output)."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def plain_cost(amount: Decimal) -> str:
    """A computed cost at full precision, without insignificant zeros (0.040 -> 0.04, 1E+2 -> 100).

    The zeros are cut from the text: Decimal.normalize() would round to its context's precision.
    """
    text = exact(amount)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _text(value: Any) -> str:
    return "" if value is None else clean(value)


def _exact(value: Any) -> str:
    return "" if value is None else exact(value) if isinstance(value, Decimal) else clean(value)


def _plain_cost(value: Any) -> str:
    return "" if value is None else plain_cost(value) if isinstance(value, Decimal) else clean(value)


def _rounded(value: Any) -> str:
    return "" if value is None else rounded(value) if isinstance(value, Decimal) else clean(value)


def _formatter(column: Column, terminal: bool):
    """How COLUMN's values print: costs rounded on a terminal, everything else digit for digit."""
    if column.kind == "cost":
        return _rounded if terminal else _plain_cost
    if column.numeric:
        return _exact
    return _text


class Output:
    """Where a command prints: decides once between a terminal and a pipe."""

    def __init__(self) -> None:
        self.width = terminal_width()
        self._console = None

    @property
    def terminal(self) -> bool:
        return self.width is not None

    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=sys.stdout,
                width=self.width,
                highlight=False,
                color_system="auto" if sys.stdout.isatty() else None,
                legacy_windows=False,
            )
        return self._console

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        title: str | None = None,
        header: bool = True,
    ) -> None:
        """Print ROWS (values in COLUMNS order): a rich table, or tab-separated lines."""
        if not self.terminal:
            formats = [_formatter(c, False) for c in columns]
            lines = ["\t".join(c.key for c in columns)] if header else []
            lines += ["\t".join([f(v) for f, v in zip(formats, row, strict=False)]) for row in rows]
            if lines:
                click.echo("\n".join(lines))
            return
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, title=clean(title) if title else None, title_justify="left",
                      show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column.title, justify="right" if column.numeric else "left", overflow="fold",
                             no_wrap=not column.wrap, min_width=len(column.title))
        formats = [_formatter(c, True) for c in columns]
        for row in rows:
            # Text cells: a name such as "[bold]x" is printed as written, never read as markup
            table.add_row(*(Text(f(v)) for f, v in zip(formats, row, strict=True)))
        console = self.console()
        with console.capture() as captured:
            console.print(table)
        # rich pads every line to the table's width; trailing blanks only get in a reader's way
        click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))

    def lines(self, lines: Iterable[str]) -> None:
        """Plain lines, cleaned (the same on a terminal and in a pipe)."""
        for line in lines:
            click.echo(clean(line))

    def note(self, text: str) -> None:
        """A remark for a person: printed on a terminal only, never into a pipe."""
        if self.terminal:
            click.echo(clean(text))


def print_json(data: Any) -> None:
    """DATA as indented JSON; decimals as plain strings, page text with terminal controls escaped."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return exact(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
