"""`catalog models`, `show`, `compare`, `cheapest`: answering price questions from the database.

Each command parses its options, makes one call on catalog.Catalog and hands the answer to
catalog.cli.render. None of them imports Scrapy or SQLAlchemy.
"""

from __future__ import annotations

import click

import catalog.cli.render as render
from catalog.cli.params import catalog_option, filter_options, json_option, query_argument, workload_options
from catalog.cli.render import TERMINAL_ROWS, Output, print_json
from catalog.search import SORTS


@click.command()
@query_argument(required=False)
@filter_options
@click.option("--sort", "sort", type=click.Choice(SORTS), default="name", show_default=True,
              help="name; price (cheapest first, by input per 1M tokens, else the first price shown); "
                   "added (newest first).")
@click.option("--limit", "-n", type=click.IntRange(min=1), metavar="N",
              help=f"Show at most N offerings (default: all; {TERMINAL_ROWS} on a terminal).")
@json_option
@catalog_option
def models(cat, query, provider, category, source, model, sort, limit, as_json) -> None:
    """List offerings whose model ID or name contains every word of QUERY (any order, any case).

    \b
    Examples:
      catalog models llama 3.2 1b
      catalog models --category "Image Generation" --sort price --limit 10
    """
    views = cat.offerings(" ".join(query) or None, provider=provider, category=category, source=source, model=model,
                          sort=sort)
    render.print_offerings(views, limit=limit, as_json=as_json)


@click.command()
@click.argument("key", metavar="PROVIDER/MODEL_ID")
@json_option
@catalog_option
def show(cat, key, as_json) -> None:
    """Everything known about one offering: prices with units, headline, dates, related offerings.

    A bare MODEL_ID is enough when a single provider offers it.

    \b
    Examples:
      catalog show together_ai/meta-llama-llama-3.2-1b-instruct
      catalog show google-veo-3 --json
    """
    view = cat.offering(key)
    elsewhere = cat.same_model(view)
    if as_json:
        print_json(render.show_json(view, elsewhere))
    else:
        Output().lines(render.show_lines(view, cat.listed(view.related), elsewhere))


@click.command()
@query_argument(required=False)
@workload_options
@filter_options
@click.option("--limit", "-n", type=click.IntRange(min=1), metavar="N",
              help=f"Show at most N offerings per currency, and N unranked (default: all; {TERMINAL_ROWS} on a terminal).")
@json_option
@catalog_option
def compare(cat, query, workload, provider, category, source, model, limit, as_json) -> None:
    """Rank every offering matching QUERY, across providers, by the cost of a workload.

    Counts are per call and accept 1000, 1,000, 200k, 1.5M or 3e6; --calls multiplies them (alone,
    it prices offerings that charge per call). Offerings lacking a price the workload needs are
    listed last with the missing part named; prices in another currency than USD are ranked
    separately. The headline "/ call" figure beside token prices is a blend of them and is never
    used as a price.

    With --model KEY (a canonical model key), the one model at every provider and in every source.

    \b
    Examples:
      catalog compare llama 3.2 1b --input-tokens 1M --output-tokens 200k
      catalog compare --model meta-llama/llama-3.2-1b-instruct -i 1M -o 200k --cached-input-tokens 4M
    """
    if not query and not model:
        raise click.UsageError("give the words of the models to compare (QUERY...) or --model KEY")
    ranking = cat.rank(" ".join(query) or None, workload, provider=provider, category=category, source=source,
                       model=model)
    if as_json:
        print_json(render.ranking_json(ranking, limit=limit))
    else:
        render.print_ranking(ranking, limit=limit)


@click.command()
@workload_options
@filter_options
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, metavar="N",
              help="Show the N cheapest (per currency).")
@json_option
@catalog_option
def cheapest(cat, workload, provider, category, source, model, limit, as_json) -> None:
    """The cheapest offerings in the whole catalog for a workload (the ranking of `compare`).

    Offerings lacking a price the workload needs are left out; narrow with --category.

    \b
    Example:
      catalog cheapest --category "LLM Models" --input-tokens 1M --output-tokens 200k
    """
    if model:
        raise click.UsageError("cheapest ranks the whole catalog; for one model use `catalog compare --model KEY`")
    ranking = cat.cheapest(workload, provider=provider, category=category, source=source)
    if as_json:
        print_json(render.ranking_json(ranking, limit=limit, unpriced=False))
    else:
        render.print_ranking(ranking, limit=limit, list_unpriced=False)
