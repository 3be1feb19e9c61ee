"""The `catalog` command line: a thin layer over the library.

Library functions raise CatalogError subclasses; CatalogGroup alone turns them into one-line
messages and exit codes (1 runtime, 2 usage). Scrapy is imported only by `refresh`.
Each command lives in a module named for what it does and is registered here.
"""

from __future__ import annotations

import click

from catalog import __version__
from catalog.cli.common import CatalogGroup
from catalog.cli.crawl import refresh
from catalog.cli.exporting import export
from catalog.cli.history_cmds import changes, history, runs, schedule
from catalog.cli.query import cheapest, compare, models, show
from catalog.cli.schema_cmds import db_group
from catalog.cli.sources_cmds import crosscheck, sources


@click.group(cls=CatalogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="catalog")
def cli() -> None:
    """An exact, dated database of AI model prices, observed from a model catalog site."""


for command in (refresh, export, db_group, models, show, compare, cheapest, history, changes, runs, schedule,
                sources, crosscheck):
    cli.add_command(command)
