"""What a document parser gives back, and the exact reading of JSON prices the parsers share.

A document source (LiteLLM's price map, genai-prices' data.json) is parsed whole by a pure
function ``parse(body, url) -> ParsedDocument``: one record per priced entry, and notes on what
the document holds that became no record (skipped entries and unread price fields, with counts).

Money is read from the document's literal text, never through float: numbers are parsed as
``Decimal`` as written (``1.4e-07`` is ``Decimal('1.4E-7')``) and rescaled by moving the decimal
point (per token -> per 1M tokens is exactly x 1,000,000), so ``1.4e-07`` per token is 0.14 per 1M.
"""

from __future__ import annotations

import decimal
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from pydantic import ValidationError

from catalog.errors import CatalogError
from catalog.records import PageRecord
from catalog.text import stored

#: the places after the point and the digits before it that the catalog stores (records.Money)
PLACES = 12
WHOLE_DIGITS = 18
_QUANTUM = Decimal(1).scaleb(-PLACES)
#: the largest tier threshold kept, in input tokens (a larger one is not a prompt any model takes)
MAX_TIER_START = 1_000_000_000


class DocumentError(CatalogError, ValueError):
    """The document is not the JSON its source publishes: nothing in it can be read."""


@dataclass
class ParsedDocument:
    """The records a document gives, and document-level notes (skipped entries and why)."""

    records: list[PageRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutOfRange:
    """A JSON number whose exponent decimal cannot hold (``1e-99999999999999999999``)."""

    text: str


def number(text: str) -> Decimal | OutOfRange:
    try:
        return Decimal(text)
    except ArithmeticError:  # one absurd number is one unreadable price, not an unreadable document
        return OutOfRange(text)


def load_json(body: bytes | str, what: str) -> Any:
    """BODY parsed as JSON with every number a Decimal as written (NaN and Infinity included, to be
    refused as prices later). DocumentError naming WHAT when it is not JSON."""
    try:
        return json.loads(body, parse_float=number, parse_int=number, parse_constant=Decimal)
    except (ValueError, ArithmeticError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        reason = stored(str(exc))[:200] or type(exc).__name__
        raise DocumentError(
            f"{what} is not valid JSON ({reason}); check that the URL serves the document itself"
        ) from None


def money(value: Any, shift: int = 0) -> tuple[Decimal | None, str | None]:
    """VALUE (a JSON number) times 10**SHIFT as the catalog stores it, and a note, or None and why not.

    Exact: the point moves, nothing is rounded, except beyond the 12 decimal places the catalog
    keeps (float noise such as ``2.9999900000000002``): rounded half-even to 12, and noted. Zero is
    free (0); negative, non-finite, non-numeric, or at least 10**18 is unknown (None)."""
    if isinstance(value, OutOfRange):
        return None, f"{brief(value.text)} is out of range"
    if not isinstance(value, Decimal):  # bool, str, list, dict, None
        return None, f"{brief(value, quote=True)} is not a number"
    if not value.is_finite():
        return None, f"{value} is not a finite number"
    if value.is_zero():
        return Decimal(0), None
    if value < 0:
        return None, f"{value} is negative"
    _, digits, exponent = value.as_tuple()
    exponent += shift
    if len(digits) + exponent > WHOLE_DIGITS:  # the leading digit's place is 10**18 or above
        return None, f"{value} is too large"
    note = None
    try:
        amount = Decimal((0, digits, exponent))
        if exponent < -PLACES:
            with decimal.localcontext(prec=WHOLE_DIGITS + PLACES + 2):
                rounded = amount.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    except ArithmeticError:  # an exponent past what decimal can represent
        return None, f"{brief(str(value))} is out of range"
    if exponent < -PLACES:
        if rounded.is_zero():
            return None, f"{value} is below the smallest amount the catalog keeps (10^-{PLACES})"
        note = f"{value} rounded to {PLACES} decimal places: {plain(rounded)}"
        amount = rounded
    return plain(amount), note


def plain(amount: Decimal) -> Decimal:
    """AMOUNT without trailing zeros and without an exponent (``0.140000`` -> ``0.14``, ``1E+2``
    -> ``100``): the same value, written as the catalog prints it. Exact at any precision."""
    sign, digits, exponent = amount.as_tuple()
    if not any(digits):
        return Decimal(0)
    digits = list(digits)
    while exponent < 0 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    if exponent > 0:
        digits.extend([0] * exponent)
        exponent = 0
    return Decimal((sign, tuple(digits), exponent))


def brief(value: Any, limit: int = 60, *, quote: bool = False) -> str:
    """VALUE as a short, clean quote for a note: JSON as the document wrote it (numbers unquoted),
    a bare string as it is unless QUOTE."""
    if isinstance(value, str) and not quote:
        text = value
    else:
        parts: list[str] = []
        _render(value, parts, limit + 1)
        text = "".join(parts)
    text = stored(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: Any, parts: list[str], budget: int) -> int:
    """Append VALUE as JSON text to PARTS until BUDGET characters are spent; what is left of it.
    Iterates no deeper than the budget allows, so a deeply nested value costs no recursion."""
    if budget <= 0:
        return 0
    if isinstance(value, dict | list):
        items = list(value.items()) if isinstance(value, dict) else list(value)
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        parts.append(opening)
        budget -= 1
        for i, item in enumerate(items):
            if budget <= 0:
                return 0
            if i:
                parts.append(", ")
                budget -= 2
            if isinstance(value, dict):
                text = json.dumps(item[0]) + ": "
                parts.append(text)
                budget = _render(item[1], parts, budget - len(text))
            else:
                budget = _render(item, parts, budget)
        parts.append(closing)
        return budget - 1
    if isinstance(value, OutOfRange):
        text = value.text
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        text = json.dumps(value, default=str)
    parts.append(text[:budget])
    return budget - len(text)


def tier_start(value: Any, *, zero: bool = False) -> int | None:
    """VALUE as a long-context tier's threshold in input tokens: a whole JSON number (read as
    Decimal, or an int) above 0 (or 0 too, with ZERO) and at most MAX_TIER_START; else None."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    if isinstance(value, Decimal) and not (value.is_finite() and value == value.to_integral_value()):
        return None
    return int(value) if (0 <= value if zero else 0 < value) and value <= MAX_TIER_START else None


def counted(count: int, one: str, many: str | None = None) -> str:
    """'1 entry' / '3 entries'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def examples(names: list[str], limit: int = 3) -> str:
    """The first few NAMES, quoted, for a note."""
    shown = ", ".join(brief(n, 80) for n in names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def refused(exc: ValueError, verb: str = "refused") -> str:
    """Why the catalog refused a record, in one line: VERB, the first field and its error."""
    errors = exc.errors() if isinstance(exc, ValidationError) else []
    if not errors:
        return f"{verb}: {exc}"
    where = ".".join(str(p) for p in errors[0].get("loc", ())) or "record"
    return f"{verb}: {where}: {errors[0].get('msg', 'invalid')}"
