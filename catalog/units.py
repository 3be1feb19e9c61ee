"""Reading the counts a user types for a workload: 1000, 1,000, 1_000, 200k, 1.5M, 3e6.

Suffixes (case-insensitive): k = thousand, M = million, B = billion. Token and image counts must
come out whole (1.5k is 1500; 1.2345k is refused); seconds may be fractional (2.5), with at most
six decimals. Every count is read exactly, digit for digit.
"""

from __future__ import annotations

import re
from decimal import Decimal

SUFFIXES = {"k": 3, "m": 6, "b": 9}
#: no workload is larger; also keeps a typo such as 1e999999 from costing anything to compute
MAXIMUM = Decimal(10) ** 15
#: a fractional count (seconds) has at most this many decimals: with MAXIMUM, what keeps every
#: cost within catalog.costing.PRECISION digits, exact
MAX_DECIMALS = 6

_NUMBER = re.compile(
    r"""^(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)?   # 1000, 1,000 or 1_000
        (?:\.(?P<fraction>\d+))?                       # .5
        (?:[eE](?P<exponent>[+-]?\d{1,3}))?            # e6
        (?P<suffix>[kKmMbB])?$""",
    re.VERBOSE,
)

WHOLE_FORMS = "a whole number such as 1000, 1,000, 200k, 1.5M or 3e6"
DECIMAL_FORMS = "a number such as 90, 2.5, 1,200, 1.5k or 3e3"


def parse_count(text: str, *, whole: bool = True) -> Decimal:
    """The count TEXT stands for. Raises ValueError naming the accepted forms."""
    forms = WHOLE_FORMS if whole else DECIMAL_FORMS
    match = _NUMBER.match(text.strip())
    if not match or not (match["digits"] or match["fraction"]) or (match["exponent"] and match["suffix"]):
        raise ValueError(f"{text!r} is not {'a count' if whole else 'a number'}; use {forms}")
    literal = (match["digits"] or "0").replace(",", "").replace("_", "")
    if match["fraction"]:
        literal += "." + match["fraction"]
    _, digits, exponent = Decimal(literal).as_tuple()
    shift = int(match["exponent"] or 0) + SUFFIXES.get((match["suffix"] or "").lower(), 0)
    value = Decimal((0, digits, int(exponent) + shift))  # exact, where scaleb() would round past 28 digits
    if value > MAXIMUM:
        raise ValueError(f"{text!r} is more than 10^15; use {forms}")
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))  # at most 16 digits
    if whole:
        raise ValueError(f"{text!r} is not a whole number; use {forms}")
    plain = format(value, "f").rstrip("0")
    if len(plain.partition(".")[2]) > MAX_DECIMALS:
        raise ValueError(f"{text!r} has more than {MAX_DECIMALS} decimals; use {forms}")
    return Decimal(plain)  # without insignificant zeros; normalize() would round past 28 digits


def parse_percent(value: Decimal | int | str) -> Decimal:
    """A difference in percent (5, 2.5, "5%", 0) as a Decimal; ValueError naming the form."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip().removesuffix("%"))
        except ArithmeticError:
            raise ValueError(f"{value!r} is not a percentage; give a number such as 5 or 2.5") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{value!r} is not a percentage >= 0")
    return number


def group_digits(value: Decimal) -> str:
    """A count for people: 1000000 -> 1,000,000; 2.5 -> 2.5."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = format(value, "f").partition(".")
    return f"{int(whole):,}.{fraction}"
