"""Parameters the query commands share: the Count type, filters, the workload, --json, --db.

Each is declared once here and applied as a decorator, so every command spells and documents
them the same way.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from decimal import Decimal

import click

from catalog import db
from catalog.cli.common import db_url_option
from catalog.units import WHOLE_FORMS, parse_count


class Count(click.ParamType):
    """A count such as 1000, 1,000, 200k, 1.5M or 3e6 (WHOLE), or 2.5 seconds (not WHOLE)."""

    name = "N"

    def __init__(self, *, whole: bool = True, minimum: int = 0):
        self.whole = whole
        self.minimum = minimum

    def convert(self, value, param, ctx) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_count(str(value), whole=self.whole)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if number < self.minimum:
            self.fail(f"{value!r} is less than {self.minimum}; use {WHOLE_FORMS}", param, ctx)
        return number


def query_argument(*, required: bool) -> Callable:
    """QUERY...: words matched, in any order and any case, against model IDs and names."""
    return click.argument("query", nargs=-1, required=required, metavar="QUERY..." if required else "[QUERY]...")


def filter_options(func: Callable) -> Callable:
    """--provider and --category (exact, any case)."""
    func = click.option("--category", "-c", metavar="NAME",
                        help='Only this category, e.g. "LLM Models" (any case).')(func)
    func = click.option("--provider", "-p", metavar="SLUG",
                        help="Only this provider, e.g. together_ai (any case).")(func)
    return func


def workload_options(func: Callable) -> Callable:
    """The workload: --input-tokens, --output-tokens, --images, --seconds, --calls."""
    options = [
        click.option("--input-tokens", "-i", type=Count(), default="0", show_default=False,
                     help="Input (prompt) tokens per call, e.g. 1.5M or 200k."),
        click.option("--output-tokens", "-o", type=Count(), default="0",
                     help="Output (completion) tokens per call."),
        click.option("--images", type=Count(), default="0", help="Images generated per call."),
        click.option("--seconds", type=Count(whole=False), default="0",
                     help="Seconds of video (or audio) generated per call, e.g. 90 or 2.5."),
        click.option("--calls", type=Count(minimum=1), default="1", show_default=True,
                     help="Number of calls: every per-call count above is multiplied by it."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (full precision) instead of a table.")(func)


def reader_option(func: Callable) -> Callable:
    """--db URL (or $CATALOG_DATABASE_URL); the command receives a catalog.search.Reader.

    The reader uses the database driver directly when the database is at the current schema,
    and otherwise opens it as every command does (creating or migrating it first).
    """

    @db_url_option
    @functools.wraps(func)
    def wrapper(db_url: str | None, **kwargs):
        # These commands build up to a few hundred thousand small objects (rows, decimals,
        # views) and none of them forms a reference cycle: the cycle collector would only scan
        # them again and again (~20 ms of `compare` over 100k offerings). Reference counting
        # still frees everything.
        collecting = gc.isenabled()
        gc.disable()
        try:
            reader = open_reader(db_url)
            try:
                return func(reader=reader, **kwargs)
            finally:
                reader.close()
        finally:
            if collecting:
                gc.enable()

    return wrapper


def open_reader(db_url: str | None):
    from catalog.search import Reader, open_fast

    url = db.resolve_url(db_url)
    reader = open_fast(url)
    if reader is not None:
        return reader
    from sqlalchemy.exc import OperationalError

    from catalog.cli.common import open_engine

    engine = open_engine(url)
    try:
        connection = engine.raw_connection()
    except OperationalError as exc:
        engine.dispose()
        raise db.unreachable(engine, exc) from None
    return Reader(connection, engine.dialect.name, on_close=engine.dispose)
