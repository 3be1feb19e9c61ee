"""The price components: each declared once, here; every other table is derived from this one.

A component is one way an offering charges: per 1M input tokens, per image, per call... Its
declaration says what the amount buys (the stored unit), the workload quantity it prices and
how many units of that quantity one amount buys, how it reads (label, table header, export
column) and how catalog pages print it (Pricing-block labels, llms.txt row keys, the units a
parser accepts). Records carry ``prices: {component name: amount}``; the store, the reader,
costing, the CLI, the export and the parsers walk :data:`COMPONENTS`.

Adding a component is one entry here (and a migration for the ``current_prices`` view, which
has a column per component). This module imports nothing heavier than ``decimal``: the query
commands load it on every start.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["COMPONENTS", "Component", "HEADLINE", "PER_CALL", "QUANTITIES", "by_name", "costed"]

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Component:
    """One price component of an offering."""

    #: the key in records and in the prices table, and the export column: ``input_per_mtok``
    name: str
    #: how it reads in a sentence: "input per 1M tokens"
    label: str
    #: a short table header or row label: "Input"
    short: str
    #: what one amount buys, stored beside the amount: "1M tokens" (None: printed on the page)
    unit: str | None
    #: the workload quantity it prices (``input_tokens``); None: charged once per call
    quantity: str | None = None
    #: how the quantity reads: "input tokens"
    quantity_label: str = ""
    #: units of the quantity one amount buys (1,000,000 tokens, 1 image)
    per: Decimal = Decimal(1)
    #: the quantity is counted in whole units (tokens, images); seconds may be fractional
    whole: bool = True
    #: whether a workload's cost uses it (the headline figure never is)
    costed: bool = True
    #: labels of its line in a page's Pricing block ("Input $0.027 / 1M tokens"), any case and spacing
    page_labels: tuple[str, ...] = ()
    #: keys of its row in a model's own llms.txt ("- Input: $0.027 / 1M tokens")
    llms_keys: tuple[str, ...] = ()
    #: the printed units a parser accepts (spiders.parsing.money.UnitKind values); the first
    #: is the stored unit, "1K tokens" is converted to "1M tokens" exactly
    printed_units: tuple[str, ...] = ()
    #: its column in exports and in the current_prices view (the name, unless given)
    column: str = ""
    #: a word for it beside others of its unit: "$0.027 in, $0.20 out / 1M tokens"
    brief: str = ""

    def __post_init__(self) -> None:
        if not self.column:
            object.__setattr__(self, "column", self.name)

    @property
    def quantity_option(self) -> str | None:
        """The command-line option of its quantity: --input-tokens."""
        return f"--{self.quantity.replace('_', '-')}" if self.quantity else None


_TOKENS = ("1M tokens", "1K tokens")

#: every component, in the order they are listed everywhere
COMPONENTS: tuple[Component, ...] = (
    Component("input_per_mtok", "input per 1M tokens", "Input", "1M tokens", "input_tokens", "input tokens",
              MILLION, page_labels=("Input",), llms_keys=("input",), printed_units=_TOKENS, brief="in"),
    Component("output_per_mtok", "output per 1M tokens", "Output", "1M tokens", "output_tokens", "output tokens",
              MILLION, page_labels=("Output",), llms_keys=("output",), printed_units=_TOKENS, brief="out"),
    Component("cache_read_per_mtok", "cached input per 1M tokens", "Cached input", "1M tokens",
              "cached_input_tokens", "cached input tokens", MILLION,
              page_labels=("Cached input", "Cache read"), llms_keys=("cached input", "cache read"),
              printed_units=_TOKENS, brief="cached in"),
    Component("per_image", "per image", "Images", "image", "images", "images",
              page_labels=("Per Image",), llms_keys=("per image",), printed_units=("image",)),
    Component("per_second", "per second", "Seconds", "second", "seconds", "seconds", whole=False,
              page_labels=("Per Second",), llms_keys=("per second",), printed_units=("second",)),
    Component("per_call", "per call", "Calls", "call", None, "calls",
              page_labels=("Per Call", "Per Request"), llms_keys=("per call", "per request"),
              printed_units=("call",)),
    Component("headline", "headline", "Headline", None, costed=False, llms_keys=("price",), column="headline_price"),
)

_BY_NAME = {c.name: c for c in COMPONENTS}
#: the figure in the header line: kept with its printed unit, never costed
HEADLINE = _BY_NAME["headline"]
#: a price charged once per call, whatever the call holds
PER_CALL = _BY_NAME["per_call"]
#: workload quantity -> the component that prices it
QUANTITIES: dict[str, Component] = {c.quantity: c for c in COMPONENTS if c.quantity}


def by_name(name: str) -> Component:
    """The component called NAME; KeyError naming the known ones otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no price component {name!r}; known: {', '.join(_BY_NAME)}") from None


def costed() -> tuple[Component, ...]:
    """The components a workload's cost can use, in order."""
    return tuple(c for c in COMPONENTS if c.costed)


def order(name: str) -> int:
    """Where component NAME sorts (unknown names last)."""
    for i, component in enumerate(COMPONENTS):
        if component.name == name:
            return i
    return len(COMPONENTS)
