"""`catalog sources`, `crosscheck`: the catalogs this database observes, and where they disagree."""

from __future__ import annotations

import sys
from decimal import Decimal

import click

import catalog.cli.render as render
from catalog.cli.common import ALERT_EXIT
from catalog.cli.params import catalog_option, json_option
from catalog.cli.render import Output, print_json


class Percent(click.ParamType):
    """A difference in percent: 5, 2.5 or 0."""

    name = "PCT"

    def convert(self, value, param, ctx):
        from catalog.units import parse_percent

        try:
            return parse_percent(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command()
@json_option
@catalog_option
def sources(cat, as_json: bool) -> None:
    """The sources a refresh can read, with each one's offerings and last refresh.

    \b
    Examples:
      catalog sources
      catalog refresh --source litellm     # then read one of them
    """
    render.print_sources(cat.sources(), as_json=as_json)


@click.command()
@click.option("--source", "-s", "sources_", multiple=True, metavar="NAME",
              help="Compare only these sources (give two or more; default: all).")
@click.option("--min-diff", type=Percent(), default="0", show_default=True,
              help="Report only differences of more than this many percent.")
@json_option
@click.option("--fail-on-discrepancy", is_flag=True,
              help=f"Exit {ALERT_EXIT} when the sources disagree (for alerts from cron).")
@catalog_option
def crosscheck(cat, sources_: tuple[str, ...], min_diff: Decimal, as_json: bool, fail_on_discrepancy: bool) -> None:
    """Every model, provider and price component that two sources price differently today: both
    values, the difference, where each was read and since when each source has said so.

    Models and providers are matched by their one identity across sources (`catalog show`
    prints a model's key).

    \b
    Examples:
      catalog crosscheck --source modelslab --source litellm --min-diff 1
      catalog crosscheck --json --fail-on-discrepancy
    """
    found = cat.crosscheck(list(sources_) or None, min_diff)
    if as_json:
        print_json(render.crosscheck_json(found))
    else:
        Output().lines(render.crosscheck_lines(found))
    if fail_on_discrepancy and found:
        sys.exit(ALERT_EXIT)
