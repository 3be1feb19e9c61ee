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
    #: the fields of price documents that state it (OpenRouter's, LiteLLM's, genai-prices'), each
    #: with the power of ten that turns the field's amount into this component's unit (per token
    #: -> per 1M tokens: 6; per 1,000 requests -> per request: -3)
    fields: tuple[tuple[str, int], ...] = ()
    #: its quantity counts toward the prompt's size, which long-context tiers are judged by
    prompt: bool = False

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
              MILLION, page_labels=("Input",), llms_keys=("input",), printed_units=_TOKENS, brief="in", prompt=True,
              fields=(("prompt", 6), ("input_cost_per_token", 6), ("input_mtok", 0))),
    Component("output_per_mtok", "output per 1M tokens", "Output", "1M tokens", "output_tokens", "output tokens",
              MILLION, page_labels=("Output",), llms_keys=("output",), printed_units=_TOKENS, brief="out",
              fields=(("completion", 6), ("output_cost_per_token", 6), ("output_mtok", 0))),
    Component("cache_read_per_mtok", "cached input per 1M tokens", "Cached input", "1M tokens",
              "cached_input_tokens", "cached input tokens", MILLION,
              page_labels=("Cached input", "Cache read"), llms_keys=("cached input", "cache read"),
              printed_units=_TOKENS, brief="cached in", prompt=True,
              fields=(("input_cache_read", 6), ("cache_read_input_token_cost", 6), ("cache_read_mtok", 0))),
    Component("cache_write_per_mtok", "cache write per 1M tokens", "Cache write", "1M tokens",
              "cache_write_tokens", "tokens written to the cache", MILLION,
              page_labels=("Cache write",), llms_keys=("cache write",), printed_units=_TOKENS, brief="cache write",
              prompt=True,
              fields=(("input_cache_write", 6), ("cache_creation_input_token_cost", 6), ("cache_write_mtok", 0))),
    Component("batch_input_per_mtok", "batch input per 1M tokens", "Batch input", "1M tokens",
              "batch_input_tokens", "batch input tokens", MILLION,
              page_labels=("Batch input",), llms_keys=("batch input",), printed_units=_TOKENS, brief="batch in",
              prompt=True,
              fields=(("input_cost_per_token_batches", 6),)),
    Component("batch_output_per_mtok", "batch output per 1M tokens", "Batch output", "1M tokens",
              "batch_output_tokens", "batch output tokens", MILLION,
              page_labels=("Batch output",), llms_keys=("batch output",), printed_units=_TOKENS, brief="batch out",
              fields=(("output_cost_per_token_batches", 6),)),
    Component("per_image", "per image", "Images", "image", "images", "images",
              page_labels=("Per Image",), llms_keys=("per image",), printed_units=("image",)),
    Component("per_second", "per second", "Seconds", "second", "seconds", "seconds", whole=False,
              page_labels=("Per Second",), llms_keys=("per second",), printed_units=("second",)),
    Component("per_call", "per call", "Calls", "call", None, "calls",
              page_labels=("Per Call", "Per Request"), llms_keys=("per call", "per request"),
              printed_units=("call",), fields=(("request", 0), ("requests_kcount", -3))),
    Component("headline", "headline", "Headline", None, costed=False, llms_keys=("price",), column="headline_price"),
)

_BY_NAME = {c.name: c for c in COMPONENTS}
_ORDER = {c.name: i for i, c in enumerate(COMPONENTS)}
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
    return _ORDER.get(name, len(COMPONENTS))


def document_fields(*names: str) -> dict[str, tuple[str, int]]:
    """NAMES (fields of a price document, as it spells them) -> (component, power of ten to apply),
    from the registry; a field no component claims raises KeyError naming it."""
    known = {field: (c.name, places) for c in COMPONENTS for field, places in c.fields}
    missing = [name for name in names if name not in known]
    if missing:
        raise KeyError(f"no component states the field(s) {', '.join(missing)}; add them to catalog.components")
    return {name: known[name] for name in names}
