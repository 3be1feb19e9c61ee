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
    """--provider and --category (exact, any case), --source, --model."""
    func = click.option("--model", "-m", "model", metavar="KEY",
                        help="Only this model, at every provider and in every source: its canonical key, e.g. "
                             "meta-llama/llama-3.2-1b-instruct (`catalog show` prints it).")(func)
    func = click.option("--source", "-s", "source", metavar="NAME",
                        help="Only offerings read from this source (`catalog sources` lists them).")(func)
    func = click.option("--category", "-c", metavar="NAME",
                        help='Only this category, e.g. "LLM Models" (any case).')(func)
    func = click.option("--provider", "-p", metavar="SLUG",
                        help="Only this provider, e.g. together_ai (any case; also its one name across "
                             "sources, e.g. together).")(func)
    return func


#: short flags of the two counts typed most
_SHORT_FLAGS = {"input_tokens": "-i", "output_tokens": "-o"}
#: how each quantity is explained in --help
_HELP = {
    "input_tokens": "Input (prompt) tokens per call, e.g. 1.5M or 200k.",
    "output_tokens": "Output (completion) tokens per call.",
    "cached_input_tokens": "Input tokens per call read from the provider's prompt cache.",
    "images": "Images generated per call.",
    "seconds": "Seconds of video (or audio) generated per call, e.g. 90 or 2.5.",
}


def workload_options(func: Callable) -> Callable:
    """The workload: one count option per workload quantity of the price-component registry
    (--input-tokens, --output-tokens, --cached-input-tokens, --images, --seconds), and --calls.
    The command receives ``workload``, a catalog.costing.Workload."""
    from catalog.components import QUANTITIES

    @functools.wraps(func)
    def wrapper(*args, calls: Decimal, **kwargs):
        counts = {name: kwargs.pop(name) for name in QUANTITIES}
        ctx = click.get_current_context()
        if not any(counts.values()) and ctx.get_parameter_source("calls") is click.core.ParameterSource.DEFAULT:
            options = ", ".join(c.quantity_option for c in QUANTITIES.values())
            raise click.UsageError(f"give a workload: at least one of {options}, or --calls for a price per call")
        from catalog.costing import Workload

        return func(*args, workload=Workload(calls=calls, **counts), **kwargs)

    wrapper = click.option("--calls", "--requests", "calls", type=Count(minimum=1), default="1", show_default=True,
                           help="Number of calls: every per-call count above is multiplied by it; alone, "
                                "it prices offerings that charge per call.")(wrapper)
    for name, component in reversed(QUANTITIES.items()):
        flags = [component.quantity_option, *([_SHORT_FLAGS[name]] if name in _SHORT_FLAGS else [])]
        wrapper = click.option(*flags, name, type=Count(whole=component.whole),
                               default="0", help=_HELP.get(name, f"{component.quantity_label.capitalize()} per call."))(wrapper)
    return wrapper


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (full precision) instead of a table.")(func)


def catalog_option(func: Callable) -> Callable:
    """--db URL (or $CATALOG_DATABASE_URL); the command receives ``cat``, an open catalog.Catalog."""

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
            from catalog.api import Catalog

            with Catalog.open(db_url) as cat:
                return func(cat=cat, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return wrapper
