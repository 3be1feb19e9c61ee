"""Text clean-up shared by the parsers (decoding, line endings, odd spaces, control characters),
dates as pages print them, and every parser's last step: its values into a validated record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from catalog.text import strip_sequences
from spiders.parsing.errors import ParseError

M = TypeVar("M", bound=BaseModel)

#: Larger inputs are refused outright: no catalog page comes near this.
MAX_INPUT_CHARS = 16 * 1024 * 1024
#: Longer lines are never matched against page structure (keeps every regex cheap).
MAX_LINE_CHARS = 8192

# C0 controls except \t \n (\r is turned into \n first), DEL, C1 controls, and the zero-width
# space / byte-order mark, which are never content.
_DROP_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]+")
# Spaces that look like a space: tab, no-break, the U+2000 block (thin, hair, ...), narrow
# no-break, medium mathematical, ideographic. Letters are never touched.
_SPACE_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ASCII_ODD = bytes([*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F])
_ODD_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\t]")


def decode(data: str | bytes) -> tuple[str, list[str]]:
    """Text from a page body, with the warnings decoding raised (bad UTF-8 is replaced, not fatal)."""
    if isinstance(data, str):
        if len(data) > MAX_INPUT_CHARS:
            raise ParseError(f"document too large: {len(data)} characters")
        return data, []
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParseError(f"expected text or bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_INPUT_CHARS:
        raise ParseError(f"document too large: {len(data)} bytes")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace"), ["decoded as UTF-16 (byte-order mark)"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), [
            f"invalid UTF-8 at byte {exc.start}: undecodable bytes replaced with U+FFFD"
        ]


def clean(text: str) -> str:
    """One line ending (\\n), plain spaces for look-alike spaces, no control characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # the common case: a byte-level scan is ~5x faster than a regex one
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_ODD)) == len(raw):
            return text
    elif _ODD_RE.search(text) is None:
        return text
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _SPACE_RE.sub(" ", text)
    # a terminal escape sequence goes whole: dropping only its ESC would leave "[2J" in a name
    return _DROP_RE.sub("", strip_sequences(text))


def squash(value: str) -> str:
    """Runs of whitespace become one space; ends trimmed."""
    return " ".join(value.split())


def snippet(value: str, limit: int = 80) -> str:
    """A short quotable form of page text for warnings and errors."""
    value = squash(value[: limit * 4])
    return repr(value if len(value) <= limit else value[: limit - 3] + "...")


_MONTHS = {
    name.lower(): number
    for number, names in enumerate(
        [("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
         ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
         ("October", "Oct"), ("November", "Nov"), ("December", "Dec")],
        start=1,
    )
    for name in names
}
# ASCII digits only: Python's \d (and int()) would also read Arabic-Indic or fullwidth ones
_DATE_MDY_RE = re.compile(r"([A-Za-z]+)\.?\s*(\d{1,2}),?\s*(\d{4})", re.ASCII)
_DATE_DMY_RE = re.compile(r"(\d{1,2})\s*([A-Za-z]+)\.?,?\s*(\d{4})", re.ASCII)
_DATE_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def read_date(text: str) -> dt.date | None:
    """``February 20, 2026``, ``20 Feb 2026`` or ``2026-02-20``; None if not a real date."""
    text = squash(text)
    try:
        if m := _DATE_MDY_RE.fullmatch(text):
            month = _MONTHS.get(m[1].lower())
            return dt.date(int(m[3]), month, int(m[2])) if month else None
        if m := _DATE_DMY_RE.fullmatch(text):
            month = _MONTHS.get(m[2].lower())
            return dt.date(int(m[3]), month, int(m[1])) if month else None
        if m := _DATE_ISO_RE.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # February 30, year 0
        return None
    return None


def valid_record(model: type[M], values: dict[str, Any], what: str) -> M:
    """``model(**values)``, where a value the model refuses in a field the document may leave
    unknown is left unknown (a refused list item left out), with a warning naming the field and
    the value: one odd value never costs the rest. A refused required field is a ParseError
    (``<what> states an invalid <field>: <why>``). ``values["warnings"]`` must be a list.
    """
    values = dict(values)
    for attempt in range(3):
        try:
            return model(**values)
        except ValidationError as exc:
            errors = exc.errors()
        warnings, dropped = list(values.get("warnings", ())), {}
        for err in errors:
            loc = err.get("loc", ())
            name = loc[0] if loc else None
            field = model.model_fields.get(name) if isinstance(name, str) else None
            if attempt == 2 or field is None or field.is_required() or name == "warnings" or name not in values:
                raise ParseError(f"{what} states an invalid {'.'.join(map(str, loc))}: {err.get('msg')}")
            value = values[name]
            if len(loc) > 1 and isinstance(loc[1], int) and isinstance(value, list):
                dropped.setdefault(name, set()).add(loc[1])
                warnings.append(f"{name} {snippet(str(value[loc[1]]))} refused ({err.get('msg')}); left out")
            elif len(loc) > 1 and isinstance(value, dict) and loc[1] in value:  # one price of the mapping
                dropped.setdefault(name, set()).add(loc[1])
                warnings.append(f"{loc[1]} {snippet(str(value[loc[1]]))} refused ({err.get('msg')}); left empty")
            elif name not in dropped:
                dropped[name] = None
                warnings.append(f"{name} {snippet(str(value))} refused ({err.get('msg')}); left empty")
        for name, items in dropped.items():
            if items is None:
                values[name] = model.model_fields[name].get_default(call_default_factory=True)
            elif isinstance(values[name], dict):
                values[name] = {k: v for k, v in values[name].items() if k not in items}
            else:
                values[name] = [v for i, v in enumerate(values[name]) if i not in items]
        values["warnings"] = warnings
    raise AssertionError("unreachable")  # pragma: no cover - the third attempt returns or raises
