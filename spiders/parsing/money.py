"""Reading one printed price: an amount, its currency and the unit after it.

Only whole strings are read (``$0.027 / 1M tokens``); callers cut them out of the page
structure first, so a dollar figure in running text is never taken for a price.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import NamedTuple

#: The catalog stores at most this many decimal places and digits (catalog.records.Money).
MAX_DECIMAL_PLACES = 12
MAX_DIGITS = 30

_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_CODE = r"[A-Z]{3}(?![A-Za-z])"
_PRICE_RE = re.compile(
    rf"""
    (?:
        (?P<free>(?i:free))
      | (?P<lead>US\$|[$€£]|{_CODE}(?:\s*[$€£])?)\s*(?P<num1>{_NUM})(?:\s*(?P<trail1>{_CODE}))?
      | (?P<num2>{_NUM})\s*(?P<trail2>{_CODE}|[$€£])
    )
    \s*(?P<unit_text>(?:/|(?i:per)(?![A-Za-z]))\s*(?P<unit>\S(?:.*\S)?))?\s*
    """,
    re.VERBOSE,
)


class UnitKind(Enum):
    """What a printed unit means, however it is spelled."""

    MTOK = "1M tokens"
    KTOK = "1K tokens"
    IMAGE = "image"
    SECOND = "second"
    CALL = "call"


_UNIT_SPELLINGS = {
    UnitKind.MTOK: ["1m tokens", "1m token", "1m", "m tokens", "mtok", "million tokens", "million",
                    "1 million tokens", "1,000,000 tokens", "1000000 tokens"],
    UnitKind.KTOK: ["1k tokens", "1k token", "1k", "k tokens", "ktok", "thousand tokens", "thousand",
                    "1,000 tokens", "1000 tokens"],
    UnitKind.IMAGE: ["image", "images", "img", "1 image"],
    UnitKind.SECOND: ["second", "seconds", "sec", "s", "1 second"],
    UnitKind.CALL: ["call", "calls", "request", "1 call"],
}
_UNITS = {"".join(s.split()): kind for kind, spellings in _UNIT_SPELLINGS.items() for s in spellings}
_UNIT_PREFIX_RE = re.compile(r"^(?:/|(?i:per)(?![A-Za-z]))\s*")


class PriceError(ValueError):
    """A price-shaped string that cannot be read exactly."""


class Price(NamedTuple):
    amount: Decimal
    #: ISO code, or None for "Free" (a known zero in no particular currency)
    currency: str | None
    #: the unit as printed after "/" or "per", whitespace squashed; None if none printed
    unit: str | None
    #: the unit with its "/" or "per", as printed (``per million tokens``)
    unit_text: str | None = None

    @property
    def kind(self) -> UnitKind | None:
        return unit_kind(self.unit)


def unit_kind(unit: str | None) -> UnitKind | None:
    """The meaning of a printed unit (``/ 1M tokens``, ``per million tokens``, ``image``), if known."""
    if not unit:
        return None
    key = "".join(_UNIT_PREFIX_RE.sub("", unit.strip(), count=1).split()).lower().rstrip(".")
    return _UNITS.get(key)


def read_price(text: str) -> Price:
    """Read ``$0.20 / 1M tokens``, ``€1,200.50``, ``0.50 EUR per image``, ``Free``; else PriceError."""
    m = _PRICE_RE.fullmatch(text)
    if m is None:
        raise PriceError(f"not a price: {text[:60]!r}")
    unit = " ".join(m["unit"].split()) if m["unit"] else None
    unit_text = " ".join(m["unit_text"].split()) if m["unit_text"] else None
    if m["free"]:
        return Price(Decimal("0"), None, unit, unit_text)
    if m["num1"] is not None:
        number, marks = m["num1"], [m["lead"], m["trail1"]]
    else:
        number, marks = m["num2"], [m["trail2"]]
    currency = _currency([mark for mark in marks if mark])
    if currency is None:
        raise PriceError(f"price {text[:60]!r} names two different currencies")
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise PriceError(f"not a number: {number!r}") from None
    sign, digits, exponent = amount.as_tuple()
    if -exponent > MAX_DECIMAL_PLACES or len(digits) > MAX_DIGITS:
        raise PriceError(f"price {number!r} has more digits than the catalog keeps")
    return Price(amount, currency, unit, unit_text)


def _currency(marks: list[str]) -> str | None:
    """The ISO code the currency marks around one amount agree on, or None if they clash."""
    codes, symbols = set(), set()
    for mark in marks:
        for part in re.findall(r"US\$|[$€£]|[A-Z]{3}", mark):
            (symbols if part in _SYMBOLS else codes).add(part)
    if len(codes) > 1:
        return None
    if codes:
        code = codes.pop()
        # "$" also writes CAD, AUD, ...: an explicit code settles which dollar.
        if any(s not in ("$", "US$") and _SYMBOLS[s] != code for s in symbols):
            return None
        if "US$" in symbols and code != "USD":
            return None
        return code
    found = {_SYMBOLS[s] for s in symbols}
    return found.pop() if len(found) == 1 else None


def per_million(price: Price) -> tuple[Decimal, bool]:
    """The amount per 1M tokens, and whether it had to be converted from per 1K (exact, in Decimal)."""
    if price.kind is UnitKind.KTOK:
        return price.amount * 1000, True
    return price.amount, False


def units_conflict(header_unit: str | None, spec_unit: str | None) -> bool:
    """Whether the header's unit (``call``) and the specifications' (``per million tokens``) differ."""
    if not header_unit or not spec_unit:
        return False
    a, b = unit_kind(header_unit), unit_kind(spec_unit)
    if a is not None and b is not None:
        return a is not b
    bare = [_UNIT_PREFIX_RE.sub("", squash_unit).lower() for squash_unit in (header_unit, spec_unit)]
    return bare[0] != bare[1]
