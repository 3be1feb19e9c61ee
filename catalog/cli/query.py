"""`catalog models`, `show`, `compare`, `cheapest`: answering price questions from the database.

`models`, `compare` and `cheapest` read through catalog.search (the database driver, no
SQLAlchemy) so that they answer over 100,000 offerings in a fraction of a second; `show` reads
one offering through catalog.queries. None of them imports Scrapy.
"""

from __future__ import annotations

import sys

import click

from catalog.cli.common import db_option, reading
from catalog.cli.params import filter_options, json_option, query_argument, reader_option, workload_options
from catalog.cli.render import Column, Output, clean, exact, plain_cost, print_json
from catalog.errors import EmptyCatalog
from catalog.search import SORTS, NoMatch, describe_filters, sort_offerings

#: how a price component reads in a sentence
LABELS = {
    "input_per_mtok": "input per 1M tokens",
    "output_per_mtok": "output per 1M tokens",
    "per_image": "per image",
    "per_second": "per second",
    "headline": "headline",
}
#: workload part -> terminal header
PARTS = {"input_tokens": "Input", "output_tokens": "Output", "images": "Images", "seconds": "Seconds"}
#: rows a table shows on a terminal unless --limit says otherwise (rich needs seconds for 10,000;
#: piped output and --json carry every row)
TERMINAL_ROWS = 50


def _load(reader, query, provider, category, *, brief=False, components=None):
    load = reader.briefs if brief else reader.offerings
    views = load(query=query, provider=provider, category=category, components=components)
    if not views:
        if not reader.has_offerings():
            raise EmptyCatalog("the catalog is empty; run `catalog refresh` first")
        raise NoMatch(f"no offerings match {describe_filters(query, provider, category)}; "
                      "list them with `catalog models`")
    return views


# --- models ------------------------------------------------------------------------------------

def _currency(view) -> str | None:
    currencies = {p.currency for p in view.prices.values()}
    return currencies.pop() if len(currencies) == 1 else None


def price_summary(view) -> str:
    """One line of prices with units: '$0.027 in, $0.20 out / 1M tokens', '0.04 EUR / image'."""

    def money(component: str) -> str:
        price = view.prices[component]
        value = exact(price.amount)
        return f"${value}" if price.currency == "USD" else f"{value} {price.currency}"

    parts = []
    tokens = [f"{money(c)} {word}" for c, word in (("input_per_mtok", "in"), ("output_per_mtok", "out"))
              if c in view.prices]
    if tokens:
        parts.append(", ".join(tokens) + " / 1M tokens")
    for component, unit in (("per_image", "image"), ("per_second", "second")):
        if component in view.prices:
            parts.append(f"{money(component)} / {unit}")
    if not parts and "headline" in view.prices:
        parts.append(f"{money('headline')} / {view.prices['headline'].unit}")
    return "; ".join(parts)


MODEL_COLUMNS = [
    Column("provider", "Provider", wrap=False),
    Column("model_id", "Model ID", wrap=False),
    Column("name", "Name"),
    Column("price", "Price"),
    Column("date_added", "Added", wrap=False),
]
MODEL_PLAIN_COLUMNS = [
    Column("provider", "Provider"),
    Column("model_id", "Model ID"),
    Column("name", "Name"),
    Column("category", "Category"),
    Column("currency", "Currency"),
    Column("input_per_mtok", "Input /1M tokens", "price"),
    Column("output_per_mtok", "Output /1M tokens", "price"),
    Column("per_image", "Per image", "price"),
    Column("per_second", "Per second", "price"),
    Column("date_added", "Added"),
]


@click.command()
@query_argument(required=False)
@filter_options
@click.option("--sort", "sort", type=click.Choice(SORTS), default="name", show_default=True,
              help="name; price (cheapest input per 1M tokens, then per image, per second); added (newest first).")
@click.option("--limit", "-n", type=click.IntRange(min=1), metavar="N",
              help=f"Show at most N offerings (default: all; {TERMINAL_ROWS} on a terminal).")
@json_option
@reader_option
def models(reader, query, provider, category, sort, limit, as_json) -> None:
    """List offerings whose model ID or name contains every word of QUERY (any order, any case).

    \b
    Examples:
      catalog models llama 3.2 1b
      catalog models --category "Image Generation" --sort price --limit 10
    """
    text = " ".join(query) or None
    views = sort_offerings(_load(reader, text, provider, category), sort)
    if as_json:
        from catalog.export import export_row

        print_json([{**export_row(v), "currency": _currency(v)} for v in views[:limit]])
        return
    out = Output()
    if out.terminal:
        shown = views[: limit or TERMINAL_ROWS]
        out.table(MODEL_COLUMNS, ([v.provider, v.model_id, v.name, price_summary(v),
                                   v.date_added and v.date_added.isoformat()] for v in shown))
        if len(views) > len(shown):
            out.note(f"... and {len(views) - len(shown):,} more (raise --limit, or pipe the output, to see them)")
    else:
        views = views[:limit]
        out.table(MODEL_PLAIN_COLUMNS, ([v.provider, v.model_id, v.name, v.category, _currency(v),
                                         v.amount("input_per_mtok"), v.amount("output_per_mtok"),
                                         v.amount("per_image"), v.amount("per_second"),
                                         v.date_added and v.date_added.isoformat()] for v in views))


# --- show ----------------------------------------------------------------------------------------


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def show_lines(view, present: set[str]) -> list[str]:
    """Everything known about VIEW as aligned lines; PRESENT: the related keys in the catalog."""
    def row(label: str, value) -> str:
        return f"{label + ':':<14}{clean(value)}"

    lines = [clean(view.key)]
    lines.append(row("Name", view.name or "(unknown)"))
    provider = f"{view.provider_name} ({view.provider})" if view.provider_name else view.provider
    lines.append(row("Provider", provider))
    lines.append(row("Model ID", view.model_id))
    lines.append(row("Creator", view.creator or "(unknown)"))
    lines.append(row("Category", " / ".join(x for x in (view.category, view.task) if x) or "(unknown)"))
    lines.append(row("Open source", {True: "yes", False: "no", None: "(unknown)"}[view.open_source]))
    lines.append(row("Added", view.date_added.isoformat() if view.date_added else "(unknown)"))
    lines.append("Prices:")
    if not view.prices:
        lines.append("  (none shown on the page)")
    order = list(LABELS)
    width = max((len(exact(p.amount)) for p in view.prices.values()), default=0)
    labels = {c: LABELS.get(c, clean(c)).replace(" per 1M tokens", "") for c in view.prices}
    label_width = max((len(label) for label in labels.values()), default=0) + 2
    for component in sorted(view.prices, key=lambda c: order.index(c) if c in order else len(order)):
        price = view.prices[component]
        line = (f"  {labels[component]:<{label_width}}{exact(price.amount):>{width}} {clean(price.currency)} "
                f"per {clean(price.unit)}")
        line += f"  since {price.since.date().isoformat()}"
        if price.suspect:
            line += "  (moved more than 10x at its last change)"
        lines.append(line)
    if "headline" in view.prices:
        headline = view.prices["headline"]
        if view.headline_unit_conflict:
            lines.append(
                f"  note: the headline is printed per {clean(headline.unit)} but the specifications say "
                f"{clean(view.headline_spec_unit)!r}; it is not used as a price in comparisons"
            )
        else:
            lines.append("  note: the headline figure is not used as a price in comparisons")
    lines.append(row("Source", view.source_url))
    lines.append(row("Last fetched", _when(view.last_fetched)))
    lines.append(row("First seen", _when(view.first_seen)))
    lines.append(row("Last seen", _when(view.last_seen)))
    if view.stale_reason:
        lines.append(row("Stale", f"the last fetch could not be read ({view.stale_reason}); prices are the last good ones"))
    for warning in view.warnings:
        lines.append(row("Warning", warning))
    lines.append(f"Related ({len(view.related)}):")
    for key in view.related:
        lines.append(f"  {clean(key)}" + ("" if key in present else "  (not in the catalog)"))
    if view.description:
        lines.append("Description:")
        lines.append(f"  {clean(view.description)}")
    return lines


def show_json(view) -> dict:
    from catalog.export import export_row

    return {
        **export_row(view),
        "currency": _currency(view),
        "headline_spec_unit": view.headline_spec_unit,
        "headline_unit_conflict": view.headline_unit_conflict,
        "last_fetched": view.last_fetched.isoformat() if view.last_fetched else None,
        "stale_reason": view.stale_reason,
        "warnings": list(view.warnings),
        "prices": {
            c: {"amount": exact(p.amount), "currency": p.currency, "unit": p.unit,
                "since": p.since.isoformat(), "suspect": p.suspect}
            for c, p in view.prices.items()
        },
        "related": list(view.related),
        "description": view.description,
    }


@click.command()
@click.argument("key", metavar="PROVIDER/MODEL_ID")
@json_option
@db_option
def show(engine, key, as_json) -> None:
    """Everything known about one offering: prices with units, headline, dates, related offerings.

    A bare MODEL_ID is enough when a single provider offers it.
    """
    from catalog.queries import existing_keys, get_offering

    with reading(engine) as session:
        view = get_offering(session, key)
        present = existing_keys(session, view.related)
    if as_json:
        print_json(show_json(view))
    else:
        Output().lines(show_lines(view, present))


# --- compare and cheapest --------------------------------------------------------------------------


def _workload(input_tokens, output_tokens, images, seconds, calls):
    from catalog.costing import Workload

    workload = Workload(input_tokens, output_tokens, images, seconds, calls)
    if workload.empty:
        raise click.UsageError(
            "give a workload: at least one of --input-tokens, --output-tokens, --images or --seconds"
        )
    return workload


def describe_workload(workload) -> str:
    from catalog.units import group_digits

    names = {"input_tokens": "input tokens", "output_tokens": "output tokens", "images": "images", "seconds": "seconds"}
    parts = [f"{group_digits(getattr(workload, n))} {label}" for n, label in names.items() if getattr(workload, n)]
    text = " + ".join(parts)
    if workload.calls != 1:
        text = f"{group_digits(workload.calls)} calls of {text} each"
    return text


def _parts(workload) -> list[tuple[str, str]]:
    from catalog.costing import QUANTITIES

    return [(name, component) for name, (component, _) in QUANTITIES.items() if getattr(workload, name)]


def cost_json(cost, workload) -> dict:
    view = cost.offering
    return {
        "provider": view.provider,
        "model_id": view.model_id,
        "name": view.name,
        "currency": cost.currency,
        "cost": None if cost.total is None else plain_cost(cost.total),
        "missing": cost.missing,
        "costs": {name: None if cost.parts[c] is None else plain_cost(cost.parts[c]) for name, c in _parts(workload)},
    }


def _missing_text(cost) -> str:
    if cost.mixed_currencies:
        currencies = sorted({p.currency for p in cost.offering.prices.values()})
        return "prices in several currencies (" + ", ".join(currencies) + ")"
    return ", ".join(LABELS[c] for c in cost.missing)


def print_ranking(ranking, *, limit: int | None = None, list_unpriced: bool = True) -> int:
    """Print RANKING (terminal sections or one piped table): at most LIMIT offerings per currency
    (on a terminal, TERMINAL_ROWS unless given). Returns the number of rows printed."""
    workload = ranking.workload
    parts = _parts(workload)
    out = Output()
    shown = 0
    if not out.terminal:
        # piped: one tab-separated table, every number at full precision. Written by hand rather
        # than through Output.table: this loop is most of `compare`'s time over 100k offerings
        keys = ["provider", "model_id", "name", "currency", *(f"{name}_cost" for name, _ in parts), "cost", "missing"]
        components = [component for _, component in parts]
        costs = [c for currency in ranking.currencies for c in ranking.by_currency[currency][:limit]]
        if list_unpriced:
            costs += ranking.unpriced[:limit]
        lines = ["\t".join(keys)]
        append, text, number = lines.append, clean, plain_cost
        for c in costs:
            o, parts = c.offering, c.parts
            cells = [text(o.provider), text(o.model_id), text(o.name), c.currency or ""]
            for k in components:
                v = parts[k]
                cells.append("" if v is None else number(v))
            cells.append("" if c.total is None else number(c.total))
            cells.append(",".join(c.missing))
            append("\t".join(cells))
        lines.append("")
        sys.stdout.write("\n".join(lines))  # page text is already cleaned: no need for click.echo's pass
        return len(costs)

    limit = limit or TERMINAL_ROWS
    out.note(f"Cost of {describe_workload(workload)}")
    for currency in ranking.currencies:
        costs = ranking.by_currency[currency][:limit]
        # the offering as `catalog show` takes it; short headers, the currency on the total: 80 columns
        columns = [Column("rank", "#", "count"), Column("offering", "Offering")]
        columns += [Column(name, PARTS[name], "cost") for name, _ in parts]
        columns.append(Column("cost", f"Total {currency}", "cost"))
        title = None if currency == "USD" else f"Priced in {currency} (not comparable with USD)"
        out.table(columns, ([str(i), c.offering.key, *(c.parts[comp] for _, comp in parts), c.total]
                            for i, c in enumerate(costs, 1)), title=title)
        shown += len(costs)
        hidden = len(ranking.by_currency[currency]) - len(costs)
        if hidden:
            out.note(f"... and {hidden:,} more priced in {currency} (raise --limit to see them)")
    if ranking.unpriced and list_unpriced:
        columns = [Column("offering", "Offering"), Column("missing", "Missing price")]
        unpriced = ranking.unpriced[:limit]
        out.table(columns, ([c.offering.key, _missing_text(c)] for c in unpriced),
                  title="Not ranked: missing a price this workload needs")
        shown += len(unpriced)
        if len(ranking.unpriced) > len(unpriced):
            out.note(f"... and {len(ranking.unpriced) - len(unpriced):,} more not ranked (raise --limit to see them)")
    elif ranking.unpriced:
        out.note(f"{len(ranking.unpriced):,} offerings lack a price this workload needs and are not listed")
    return shown


@click.command()
@query_argument(required=True)
@workload_options
@filter_options
@click.option("--limit", "-n", type=click.IntRange(min=1), metavar="N",
              help=f"Show at most N offerings per currency, and N unranked (default: all; {TERMINAL_ROWS} on a terminal).")
@json_option
@reader_option
def compare(reader, query, input_tokens, output_tokens, images, seconds, calls, provider, category, limit,
            as_json) -> None:
    """Rank every offering matching QUERY, across providers, by the cost of a workload.

    Counts are per call and accept 1000, 1,000, 200k, 1.5M or 3e6; --calls multiplies them.
    Offerings lacking a price the workload needs are listed last with the missing part named;
    prices in another currency than USD are ranked separately. The headline "/ call" figure is
    a blend of the token prices and is never used as a price.

    \b
    Example:
      catalog compare llama 3.2 1b --input-tokens 1M --output-tokens 200k
    """
    from catalog.costing import rank

    workload = _workload(input_tokens, output_tokens, images, seconds, calls)
    views = _load(reader, " ".join(query), provider, category, brief=True, components=workload.components)
    ranking = rank(views, workload)
    if as_json:
        costs = [c for cur in ranking.currencies for c in ranking.by_currency[cur][:limit]] + ranking.unpriced[:limit]
        print_json([cost_json(c, workload) for c in costs])
        return
    print_ranking(ranking, limit=limit)


@click.command()
@workload_options
@filter_options
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, metavar="N",
              help="Show the N cheapest (per currency).")
@json_option
@reader_option
def cheapest(reader, input_tokens, output_tokens, images, seconds, calls, provider, category, limit, as_json) -> None:
    """The cheapest offerings in the whole catalog for a workload (the ranking of `compare`).

    Offerings lacking a price the workload needs are left out; narrow with --category.

    \b
    Example:
      catalog cheapest --category "LLM Models" --input-tokens 1M --output-tokens 200k
    """
    from catalog.costing import rank

    workload = _workload(input_tokens, output_tokens, images, seconds, calls)
    views = _load(reader, None, provider, category, brief=True, components=workload.components)
    ranking = rank(views, workload)
    if not ranking.by_currency:
        needed = ", ".join(LABELS[c] for c in workload.components)
        raise NoMatch(f"none of the {len(views):,} offerings of {describe_filters(None, provider, category)} "
                      f"has the prices this workload needs ({needed})")
    if as_json:
        print_json([cost_json(c, workload) for cur in ranking.currencies for c in ranking.by_currency[cur][:limit]])
        return
    print_ranking(ranking, limit=limit, list_unpriced=False)
