"""Reading one printed price: an amount, its currency and the unit after it.

Only whole strings are read (``$0.027 / 1M tokens``); callers cut them out of the page
structure first, so a dollar figure in running text is never taken for a price.

How an amount is read (:func:`read_price`):

- digits are ASCII 0-9 only: fullwidth, Arabic-Indic, Devanagari ... digits (which Python's
  ``\\d`` and ``Decimal()`` would accept), alone or mixed with ASCII ones, are refused;
- a period is a decimal point; commas separate thousands when they split the figure into groups
  of three after a first group of 1-3 digits not "0" (``1,200.50``, ``1,000``, ``1,234,567``);
- any other comma is a decimal comma in a currency other than USD (``€0,200`` = 0.200,
  ``€1,5`` = 1.5, ``€1.234,56`` = 1234.56); in dollars it makes the price unreadable;
- ``€1,234`` (one comma, three digits after it, no period, not USD) is ambiguous: it could be
  1234 or 1.234. It is refused, not guessed (the price is left unknown and the warning says
  why): a price read 1000 times too high or too low is worse than none;
- ``Free`` (any case) is a known zero in no particular currency: the page's currency applies;
- the amount must fit the catalog's Money type (catalog.records): at most its decimal places
  and its whole digits, else the price is refused.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import NamedTuple

from catalog.components import Component
from catalog.records import Money
from spiders.parsing.text import snippet


def _money_bounds() -> tuple[int, int]:
    """(most decimal places, most whole digits) that catalog.records.Money accepts."""
    found: dict[str, int] = {}
    for constraint in typing.get_args(Money)[1].metadata:
        for name in ("max_digits", "decimal_places"):
            if getattr(constraint, name, None) is not None:
                found[name] = getattr(constraint, name)
    return found["decimal_places"], found["max_digits"] - found["decimal_places"]


MAX_DECIMAL_PLACES, MAX_WHOLE_DIGITS = _money_bounds()

_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
# Deliberately loose (any run of digits, periods and commas): _amount decides what it means,
# so "€0,200" is read or refused with a reason rather than half-matched.
_NUM = r"\.?\d(?:[\d.,]*\d)?"
_GROUPED_RE = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL_COMMA_RE = re.compile(r"(?:[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+),[0-9]+")
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

    @property
    def bare_free(self) -> bool:
        """``Free`` with no unit: zero whatever the unit, so it fits any component."""
        return self.currency is None and self.unit is None


def unit_kind(unit: str | None) -> UnitKind | None:
    """The meaning of a printed unit (``/ 1M tokens``, ``per million tokens``, ``image``), if known."""
    if not unit:
        return None
    key = "".join(_UNIT_PREFIX_RE.sub("", unit.strip(), count=1).split()).lower().rstrip(".")
    return _UNITS.get(key)


def read_price(text: str) -> Price:
    """Read ``$0.20 / 1M tokens``, ``€1,200.50``, ``0.50 EUR per image``, ``Free``; else PriceError.

    The module docstring says how digits, periods and commas are read.
    """
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
    amount = _amount(number, currency)
    if problem := _out_of_range(amount):
        raise PriceError(f"price {snippet(number, 40)} has {problem}, more than the catalog keeps")
    return Price(amount, currency, unit, unit_text)


def _amount(number: str, currency: str) -> Decimal:
    """The value of a printed figure (digits, periods, commas) in CURRENCY; else PriceError."""
    if not number.isascii():  # the pattern admits only digits, "." and ",": these are other digits
        raise PriceError(f"price {snippet(number, 40)} has digits other than 0-9")
    if "," in number:
        if _GROUPED_RE.fullmatch(number):
            if currency != "USD" and number.count(",") == 1 and "." not in number:
                raise PriceError(f"price {number!r} in {currency} is ambiguous "
                                 "(a thousands separator or a decimal comma)")
            number = number.replace(",", "")
        elif currency == "USD":
            raise PriceError(f"price {snippet(number, 40)} in USD has a comma that does not "
                             "separate thousands")
        elif _DECIMAL_COMMA_RE.fullmatch(number):
            number = number.replace(".", "").replace(",", ".")
        else:
            raise PriceError(f"not a number: {snippet(number, 40)}")
    try:
        return Decimal(number)
    except InvalidOperation:  # "1.2.3"
        raise PriceError(f"not a number: {snippet(number, 40)}") from None


def _out_of_range(amount: Decimal) -> str | None:
    """Why the catalog cannot keep AMOUNT exactly (catalog.records.Money's bounds), or None."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or amount < 0:  # pragma: no cover - the pattern admits neither
        return "a negative or non-finite value"
    if -exponent > MAX_DECIMAL_PLACES:
        return f"more than {MAX_DECIMAL_PLACES} decimal places"
    if amount.adjusted() >= MAX_WHOLE_DIGITS:
        return f"more than {MAX_WHOLE_DIGITS} digits before the decimal point"
    return None


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
    """The amount per 1M tokens, and whether it had to be converted from per 1K (exact, in Decimal).

    PriceError if the converted amount is more than the catalog keeps.
    """
    if price.kind is UnitKind.KTOK:
        amount = price.amount * 1000
        if problem := _out_of_range(amount):
            raise PriceError(f"price {price.amount} per 1K tokens is {amount} per 1M tokens: {problem}, "
                             "more than the catalog keeps")
        return amount, True
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


def accepted_units(component: Component) -> tuple[UnitKind | None, ...]:
    """The printed units a price of COMPONENT may have; None (no unit printed) where one unit
    is one thing (an image, a second, a call), never for tokens."""
    return (*(UnitKind(u) for u in component.printed_units), *((None,) if component.per == 1 else ()))
