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

import dataclasses
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click

from catalog.export import plain as exact  # a decimal digit for digit, never in exponent form
from catalog.text import printable
from catalog.views import DEFAULT_SOURCE, offering_key

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


def rounded(amount: Decimal, significant: int = 4) -> str:
    """A cost for reading: four significant digits (all whole digits of a larger amount), at least
    two decimals, at most twelve, rounded half up, thousands grouped.

    0.027 -> 0.027, 0.04 -> 0.04, 12.345 -> 12.35, 1234.5 -> 1,234.50, 0.000123456 -> 0.0001235
    """
    from catalog.costing import round_for_display

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


# === presenting the catalog's answers ===============================================================

# Each command hands one answer of catalog.Catalog to one of these: lines or a table for people,
# tab-separated values for pipes, JSON for programs. Nothing below queries or decides policy.

#: rows a table shows on a terminal unless --limit says otherwise (rich needs seconds for 10,000;
#: piped output and --json carry every row)
TERMINAL_ROWS = 50


def when(moment: Any, empty: str = "now") -> str:
    """A timestamp for reading: UTC to the second."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else empty


def counted(count: int, noun: str) -> str:
    """'1 price' / '1,234 prices'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


# --- offerings (models, show) ---------------------------------------------------------------------


def price_summary(view: Any) -> str:
    """One line of prices with units: '$0.027 in, $0.20 out / 1M tokens', '0.04 EUR / image'."""
    from catalog.components import HEADLINE, costed

    def money(component: str) -> str:
        price = view.prices[component]
        value = exact(price.amount)
        return f"${value}" if price.currency == "USD" else f"{value} {price.currency}"

    groups: dict[str, list[str]] = {}
    for c in costed():
        if c.name in view.prices:
            groups.setdefault(c.unit, []).append(f"{money(c.name)} {c.brief}" if c.brief else money(c.name))
    parts = [f"{', '.join(shown)} / {unit}" for unit, shown in groups.items()]
    if not parts and HEADLINE.name in view.prices:
        parts.append(f"{money(HEADLINE.name)} / {view.prices[HEADLINE.name].unit}")
    return "; ".join(parts)


MODEL_COLUMNS = [
    Column("provider", "Provider", wrap=False),
    Column("model_id", "Model ID", wrap=False),
    Column("name", "Name"),
    Column("price", "Price"),
    Column("date_added", "Added", wrap=False),
]


def _model_plain_columns() -> list[Column]:
    from catalog.components import costed

    return [
        Column("provider", "Provider"), Column("model_id", "Model ID"), Column("name", "Name"),
        Column("category", "Category"), Column("currency", "Currency"),
        *(Column(c.column, c.short, "price") for c in costed()),
        Column("date_added", "Added"),
    ]


def print_offerings(views: list, *, limit: int | None, as_json: bool) -> None:
    """The offerings of `catalog models`: a table on a terminal (at most TERMINAL_ROWS unless
    LIMIT), every column at full precision when piped, or JSON."""
    from catalog.components import costed
    from catalog.export import export_row

    if as_json:
        print_json([export_row(v) for v in views[:limit]])
        return
    out = Output()
    # the source is named only where it tells offerings apart: a catalog of one source reads as before
    sourced = any(v.source != DEFAULT_SOURCE for v in views)
    if out.terminal:
        shown = views[: limit or TERMINAL_ROWS]
        columns = [Column("source", "Source", wrap=False)] * sourced + MODEL_COLUMNS
        out.table(columns, ([*[v.source] * sourced, v.provider, v.model_id, v.name, price_summary(v),
                             v.date_added and v.date_added.isoformat()] for v in shown))
        if len(views) > len(shown):
            out.note(f"... and {len(views) - len(shown):,} more (raise --limit, or pipe the output, to see them)")
        return
    priced = [c.name for c in costed()]
    columns = [Column("source", "Source")] * sourced + _model_plain_columns()
    out.table(columns, ([*[v.source] * sourced, v.provider, v.model_id, v.name, v.category, v.currency,
                         *(v.amount(c) for c in priced), v.date_added and v.date_added.isoformat()]
                        for v in views[:limit]))


#: when a long-context tier applies, by its basis (catalog.records.TierBasis)
_TIER_RULES = {
    "above": "calls of more than {:,} prompt tokens (every token)",
    "from": "calls of {:,} prompt tokens or more (every token)",
    "marginal": "each prompt token past {:,}",
}


def _tier_rule(basis: str, start: int) -> str:
    return _TIER_RULES.get(basis, clean(basis) + " {:,}").format(start)


def _per_unit(component: str) -> str:
    """' per 1M tokens': the unit COMPONENT is priced in, or nothing for a name the registry lacks."""
    from catalog.components import by_name

    try:
        return f" per {by_name(component).unit}"
    except KeyError:
        return ""


def show_lines(view: Any, present: set[str], elsewhere: list | None = None) -> list[str]:
    """Everything known about VIEW as aligned lines; PRESENT: the related keys in the catalog;
    ELSEWHERE: the same model's other offerings (other providers, other sources)."""
    from catalog.components import HEADLINE, by_name, order

    def row(label: str, value: Any) -> str:
        return f"{label + ':':<14}{clean(value)}"

    lines = [clean(view.key)]
    lines.append(row("Name", view.name or "(unknown)"))
    provider = f"{view.provider_name} ({view.provider})" if view.provider_name else view.provider
    lines.append(row("Provider", provider))
    lines.append(row("Model ID", view.model_id))
    if view.model_key:
        lines.append(row("Model", view.model_key))
    if view.source != DEFAULT_SOURCE:
        lines.append(row("Catalog", view.source))
    lines.append(row("Creator", view.creator or "(unknown)"))
    lines.append(row("Category", " / ".join(x for x in (view.category, view.task) if x) or "(unknown)"))
    lines.append(row("Open source", {True: "yes", False: "no", None: "(unknown)"}[view.open_source]))
    lines.append(row("Added", view.date_added.isoformat() if view.date_added else "(unknown)"))
    lines.append("Prices:")
    if not view.prices:
        lines.append("  (none shown on the page)")
    width = max((len(exact(p.amount)) for p in view.prices.values()), default=0)

    def label(component: str) -> str:
        try:
            return by_name(component).label.replace(" per 1M tokens", "")
        except KeyError:
            return clean(component)

    labels = {c: label(c) for c in view.prices}
    label_width = max((len(text) for text in labels.values()), default=0) + 2
    for component in sorted(view.prices, key=order):
        price = view.prices[component]
        line = (f"  {labels[component]:<{label_width}}{exact(price.amount):>{width}} {clean(price.currency)} "
                f"per {clean(price.unit)}")
        line += f"  since {price.since.date().isoformat()}"
        if price.suspect:
            line += "  (moved more than 10x at its last change)"
        lines.append(line)
    for (component, start), tier in sorted(view.tiers.items(), key=lambda item: (order(item[0][0]), item[0][1])):
        lines.append(f"  {labels.get(component, label(component))}, {_tier_rule(tier.basis, start)}: "
                     f"{exact(tier.amount)} {clean(tier.currency)}{_per_unit(component)}")
    if HEADLINE.name in view.prices:
        headline = view.prices[HEADLINE.name]
        if view.headline_unit_conflict:
            lines.append(
                f"  note: the headline is printed per {clean(headline.unit)} but the specifications say "
                f"{clean(view.headline_spec_unit)!r}; it is not used as a price in comparisons"
            )
        else:
            lines.append("  note: the headline figure is not used as a price in comparisons")
    lines.append(row("Source", view.source_url))
    lines.append(row("Last fetched", _when_minute(view.last_fetched)))
    lines.append(row("First seen", _when_minute(view.first_seen)))
    lines.append(row("Last seen", _when_minute(view.last_seen)))
    if view.stale_reason:
        lines.append(row("Stale", f"the last fetch could not be read ({view.stale_reason}); prices are the last good ones"))
    for warning in view.warnings:
        lines.append(row("Warning", warning))
    lines.append(f"Related ({len(view.related)}):")
    for key in view.related:
        lines.append(f"  {clean(key)}" + ("" if key in present else "  (not in the catalog)"))
    if elsewhere:
        lines.append(f"Same model elsewhere ({len(elsewhere)}):")
        lines += [f"  {clean(other.key)}  {clean(price_summary(other))}" for other in elsewhere]
    if view.description:
        lines.append("Description:")
        lines.append(f"  {clean(view.description)}")
    return lines


def _when_minute(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def show_json(view: Any, elsewhere: list | None = None) -> dict:
    from catalog.export import export_row

    return {
        "key": view.key,
        **export_row(view),
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
        "tiers": [
            {"component": t.component, "start": t.start, "basis": t.basis, "amount": exact(t.amount),
             "currency": t.currency}
            for _, t in sorted(view.tiers.items())
        ],
        "related": list(view.related),
        "same_model": [other.key for other in elsewhere or ()],
        "description": view.description,
    }


# --- costs (compare, cheapest) ----------------------------------------------------------------------


def describe_workload(workload: Any) -> str:
    """'1,000,000 input tokens + 200,000 output tokens', '1,000 calls of ... each', '1,000 calls'."""
    from catalog.components import QUANTITIES
    from catalog.units import group_digits

    parts = [f"{group_digits(count)} {QUANTITIES[name].quantity_label}" for name, count in workload.used.items()]
    if not parts:
        return f"{group_digits(workload.calls)} {'call' if workload.calls == 1 else 'calls'}"
    text = " + ".join(parts)
    if workload.calls != 1:
        text = f"{group_digits(workload.calls)} calls of {text} each"
    return text


def _cost_parts(ranking: Any) -> list[Any]:
    """The components whose cost columns a ranking shows: what the workload needs, and the price
    per call where any offering listed has one."""
    from catalog.components import PER_CALL, by_name

    shown = [by_name(c) for c in ranking.workload.components]
    quotes = (q for ranked in (*ranking.by_currency.values(), ranking.unpriced) for q in ranked)
    if PER_CALL not in shown and any(PER_CALL.name in q.parts for q in quotes):
        shown.append(PER_CALL)
    return shown


def _listed(ranking: Any, limit: int | None, unpriced: bool) -> list[Any]:
    """The quotes a ranking lists, piped or in JSON: each currency's first LIMIT, then (UNPRICED)
    the first LIMIT of those lacking a price."""
    quotes = [q for currency in ranking.currencies for q in ranking.by_currency[currency][:limit]]
    return quotes + ranking.unpriced[:limit] if unpriced else quotes


def _part_key(component: Any) -> str:
    """A cost part's JSON key and piped column: the workload quantity it prices ("calls" per call)."""
    return component.quantity or "calls"


def quote_json(quote: Any, parts: list[Any]) -> dict:
    view = quote.offering
    return {
        "source": getattr(view, "source", DEFAULT_SOURCE),
        "offering": view.key,  # as `catalog show` takes it
        "provider": view.provider,
        "model_id": view.model_id,
        "name": view.name,
        "currency": quote.currency,
        "cost": None if quote.cost is None else plain_cost(quote.cost),
        "missing": quote.missing,
        "costs": {_part_key(c): None if quote.parts.get(c.name) is None else plain_cost(quote.parts[c.name])
                  for c in parts},
    }


def ranking_json(ranking: Any, *, limit: int | None, unpriced: bool = True) -> list[dict]:
    parts = _cost_parts(ranking)
    return [quote_json(q, parts) for q in _listed(ranking, limit, unpriced)]


def _missing_text(quote: Any) -> str:
    from catalog.components import by_name

    if quote.mixed_currencies:
        currencies = sorted({p.currency for p in quote.offering.prices.values()})
        return "prices in several currencies (" + ", ".join(currencies) + ")"
    return ", ".join(by_name(c).label for c in quote.missing)


def print_ranking(ranking: Any, *, limit: int | None = None, list_unpriced: bool = True) -> None:
    """Print RANKING (terminal sections or one piped table): at most LIMIT offerings per currency
    (on a terminal, TERMINAL_ROWS unless given)."""
    parts = _cost_parts(ranking)
    out = Output()
    if not out.terminal:
        # piped: one tab-separated table, every number at full precision. Written by hand rather
        # than through Output.table: this loop is most of `compare`'s time over 100k offerings
        components = [c.name for c in parts]
        quotes = _listed(ranking, limit, list_unpriced)
        # the source only where it tells offerings apart, as in `catalog models`
        sourced = any(q.offering.source != DEFAULT_SOURCE for q in quotes)
        keys = ["source"] * sourced + ["provider", "model_id", "name", "currency",
                                       *(f"{_part_key(c)}_cost" for c in parts), "cost", "missing"]
        lines = ["\t".join(keys)]
        append, text, number = lines.append, clean, plain_cost
        for q in quotes:
            o, costs = q.offering, q.parts
            cells = [text(o.provider), text(o.model_id), text(o.name), q.currency or ""]
            if sourced:
                cells.insert(0, text(o.source))
            for k in components:
                v = costs.get(k)
                cells.append("" if v is None else number(v))
            cells.append("" if q.cost is None else number(q.cost))
            cells.append(",".join(q.missing))
            append("\t".join(cells))
        lines.append("")
        sys.stdout.write("\n".join(lines))  # page text is already cleaned: no need for click.echo's pass
        return

    limit = limit or TERMINAL_ROWS
    out.note(f"Cost of {describe_workload(ranking.workload)}")
    for currency in ranking.currencies:
        quotes = ranking.by_currency[currency][:limit]
        # the offering as `catalog show` takes it; short headers, the currency on the total: 80 columns
        columns = [Column("rank", "#", "count"), Column("offering", "Offering")]
        columns += [Column(c.name, c.short, "cost") for c in parts]
        columns.append(Column("cost", f"Total {currency}", "cost"))
        title = None if currency == "USD" else f"Priced in {currency} (not comparable with USD)"
        out.table(columns, ([str(i), q.offering.key, *(q.parts.get(c.name) for c in parts), q.cost]
                            for i, q in enumerate(quotes, 1)), title=title)
        hidden = len(ranking.by_currency[currency]) - len(quotes)
        if hidden:
            out.note(f"... and {hidden:,} more priced in {currency} (raise --limit to see them)")
    if ranking.unpriced and list_unpriced:
        columns = [Column("offering", "Offering"), Column("missing", "Missing price")]
        unpriced = ranking.unpriced[:limit]
        out.table(columns, ([q.offering.key, _missing_text(q)] for q in unpriced),
                  title="Not ranked: missing a price this workload needs")
        if len(ranking.unpriced) > len(unpriced):
            out.note(f"... and {len(ranking.unpriced) - len(unpriced):,} more not ranked (raise --limit to see them)")
    elif ranking.unpriced:
        out.note(f"{len(ranking.unpriced):,} offerings lack a price this workload needs and are not listed")


# --- history -----------------------------------------------------------------------------------------


def history_json(h: Any) -> dict:
    return {
        "provider": h.provider,
        "model_id": h.model_id,
        "name": h.name,
        "removed_at": h.removed_at,
        "listed": [
            {"from": s.opened_at, "to": s.closed_at, "opened_run": s.opened_run_id, "closed_run": s.closed_run_id}
            for s in h.presence
        ],
        "prices": {
            component: [
                {
                    "amount": exact(s.amount),
                    "currency": s.currency,
                    "unit": s.unit,
                    "from": s.valid_from,
                    "to": s.valid_to,
                    "opened_run": s.opened_run_id,
                    "last_run": s.last_run_id,
                    "closed_run": s.closed_run_id,
                    "last_seen": s.last_seen_at,
                    "suspect": s.suspect,
                    "source_url": s.source_url,
                    "fetched_at": s.fetched_at,
                    "content_hash": s.content_hash,
                }
                for s in spans
            ]
            for component, spans in h.prices.items()
        },
    }


#: where a span's start would be when the source does not publish it (as wide as a timestamp)
UNDATED = "start not published"


def history_lines(h) -> list[str]:
    lines = [f"{h.key}  {h.name}" if h.name else h.key]
    for s in h.presence:
        closed = f"{when(s.closed_at)} (removed by #{s.closed_run_id})" if s.closed_run_id else "now"
        lines.append(f"Listed: {when(s.opened_at)} (#{s.opened_run_id}) -> {closed}")
    if not h.prices:
        lines.append("No prices recorded.")
    for component, spans in h.prices.items():
        latest = spans[-1]
        lines.append(f"{component} ({latest.currency} per {latest.unit}):")
        width = max(len(exact(s.amount)) for s in spans)
        for s in spans:
            runs = f"#{s.opened_run_id}-#{s.closed_run_id}" if s.closed_run_id else f"#{s.opened_run_id}-"
            seen = f"last seen #{s.last_run_id}" if not s.closed_run_id else ""
            unit = "" if (s.currency, s.unit) == (latest.currency, latest.unit) else f" {s.currency} per {s.unit}"
            parts = [
                f"  {exact(s.amount):<{width}}{unit}",
                f"{when(s.valid_from, UNDATED)} -> {when(s.valid_to):<19}",
                f"runs {runs:<9}",
                f"page {s.content_hash[:12]}",
                s.source_url,
            ]
            line = "  ".join(parts)
            if seen:
                line += f"  ({seen})"
            if s.suspect:
                line += "  SUSPECT: moved more than 10x in one refresh"
            lines.append(line)
    return lines


# --- changes ----------------------------------------------------------------------------------------


def changes_json(c) -> dict:
    return {
        "source": c.source,
        "from_run": c.from_run.id,
        "to_run": c.to_run.id,
        "added": [{"provider": p, "model_id": m} for p, m in c.added],
        "removed": [{"provider": p, "model_id": m} for p, m in c.removed],
        "price_changes": [
            {
                "provider": ch.provider,
                "model_id": ch.model_id,
                "component": ch.component,
                "old": None if ch.old is None else exact(ch.old),
                "new": None if ch.new is None else exact(ch.new),
                "percent": None if ch.percent is None else exact(ch.percent),
                "suspect": ch.suspect,
                "currency": ch.currency,
                "unit": ch.unit,
            }
            for ch in c.price_changes
        ],
    }


def _percent(value) -> str:
    return "" if value is None else f"{value:+.1f}%"


def changes_lines(c) -> list[str]:
    span = (
        f"from refresh #{c.from_run.id} ({when(c.from_run.finished_at)}) "
        f"to #{c.to_run.id} ({when(c.to_run.finished_at)})"
    )
    if not c.changed:
        return [f"No changes {span}."]
    lines = [
        f"Changes {span}: {len(c.added)} added, {len(c.removed)} removed, "
        f"{counted(len(c.price_changes), 'price change')} in {counted(c.repriced_offerings, 'offering')}"
    ]
    for title, keys in (("Added", c.added), ("Removed", c.removed)):
        if keys:
            lines.append(f"{title} ({len(keys)}):")
            lines += [f"  {offering_key(c.source, p, m)}" for p, m in keys]
    if c.price_changes:
        lines.append(f"Price changes ({len(c.price_changes)}):")
        rows = [
            (
                ch.key,
                ch.component,
                "(none)" if ch.old is None else exact(ch.old),
                "(none)" if ch.new is None else exact(ch.new),
                _percent(ch.percent),
                "  SUSPECT: moved more than 10x" if ch.suspect else "",
            )
            for ch in c.price_changes
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for key, component, old, new, pct, flag in rows:
            line = (
                f"  {key:<{widths[0]}}  {component:<{widths[1]}}  {old:>{widths[2]}} -> "
                f"{new:<{widths[3]}}  {pct:>{widths[4]}}"
            )
            lines.append((line + flag).rstrip())
    return lines


# --- runs -------------------------------------------------------------------------------------------

RUN_COLUMNS = (
    Column("run", "Run", "count"),
    Column("started", "Started (UTC)", wrap=False),
    Column("ended", "Ended", wrap=False),
    Column("status", "Status", wrap=False),
    Column("pages", "Pages", "count"),
    Column("not_modified", "304", "count"),
    Column("failed", "Failed", "count"),
    Column("new", "New", "count"),
    Column("removed", "Removed", "count"),
    Column("price_changes", "Changes", "count"),
)


def runs_json(r) -> dict:
    return dataclasses.asdict(r)  # RunView's fields, in order, are the JSON keys


def run_row(r) -> tuple:
    """The table row of a refresh; its end is a time of day when it ended the day it started."""
    ended = r.finished_at
    if ended is not None and ended.date() == r.started_at.date():
        ended_text = ended.strftime("%H:%M:%S")
    else:
        ended_text = when(ended, empty="")
    return (
        r.id,
        when(r.started_at),
        ended_text,
        r.status,
        r.pages_fetched,
        r.pages_not_modified,
        r.pages_failed,
        r.offerings_new,
        r.offerings_removed,
        r.price_changes,
    )


def print_runs(found: list, *, as_json: bool) -> None:
    if as_json:
        print_json([runs_json(r) for r in found])
        return
    out = Output()
    if any(r.source != DEFAULT_SOURCE for r in found):  # several sources: say which each refresh read
        out.table((*RUN_COLUMNS[:1], Column("source", "Source", wrap=False), *RUN_COLUMNS[1:]),
                  [(row[0], r.source, *row[1:]) for r, row in ((r, run_row(r)) for r in found)])
    else:
        out.table(RUN_COLUMNS, [run_row(r) for r in found])
    for r in found:
        if r.error:
            out.note(f"#{r.id} {r.status}: {r.error}")


def print_problems(run_id: int, problems: list, *, as_json: bool) -> None:
    if as_json:
        print_json([{"url": p.url, "reason": p.reason, "http_status": p.http_status} for p in problems])
        return
    lines = [f"Refresh #{run_id}: {counted(len(problems), 'page')} could not be used"]
    lines += [f"  {p.url}  {p.reason}" for p in problems]
    Output().lines(lines)


# --- sources, crosscheck --------------------------------------------------------------------------------

SOURCE_COLUMNS = (
    Column("source", "Source", wrap=False),
    Column("offerings", "Offerings", "count"),
    Column("last_run", "Last refresh", "count"),
    Column("status", "Status", wrap=False),
    Column("finished", "Finished (UTC)", wrap=False),
    Column("site", "Reads"),
)


def print_sources(found: list, *, as_json: bool) -> None:
    if as_json:
        print_json([{"source": s.name, "default_site": s.default_site, "offerings": s.offerings,
                     "last_run": runs_json(s.last_run) if s.last_run else None} for s in found])
        return
    Output().table(SOURCE_COLUMNS, ([s.name, s.offerings, s.last_run.id if s.last_run else None,
                                     s.last_run.status if s.last_run else "never refreshed",
                                     when(s.last_run.finished_at, "") if s.last_run else "",
                                     s.last_run.site if s.last_run else s.default_site] for s in found))


def crosscheck_json(found: list) -> list[dict]:
    return [
        {
            "model": d.model,
            "provider": d.provider,
            "component": d.component,
            "difference_percent": None if d.difference is None else exact(d.difference),
            "values": [{"source": v.source, "offering": v.offering, "amount": exact(v.amount), "currency": v.currency,
                        "unit": v.unit, "url": v.url, "since": v.since} for v in d.values],
        }
        for d in found
    ]


def crosscheck_lines(found: Any) -> list[str]:
    """FOUND (a catalog.views.CrossCheck) as lines."""
    named = " and ".join(found.sources) if found.sources else "the sources"
    if not found.compared:
        return [f"Nothing to compare: {named} price no model at the same provider (`catalog models --model KEY` "
                "lists a model's offerings in every source)."]
    if not found:
        return [f"{named[0].upper()}{named[1:]} agree on {'the' if found.compared == 1 else 'all'} {counted(found.compared, 'price')} they share "
                "(model, provider, component)."]
    lines = [f"{counted(len(found), 'price')} of the {found.compared:,} they share {named} disagree on:"]
    for d in found:
        diff = "from 0" if d.difference is None else f"+{d.difference}%"
        lines.append(f"{d.model} at {d.provider}, {d.component} ({diff}):")
        width = max(len(exact(v.amount)) for v in d.values)
        for v in d.values:
            lines.append(f"  {exact(v.amount):>{width}} {v.currency} per {v.unit}  {v.source:<12}  {v.offering}  "
                         f"since {when(v.since)}  {v.url}")
    return lines
