"""Making text from catalog pages safe to print on a terminal.

Page text is written by third parties. Printed raw, an escape sequence in a model's name could
clear the screen (``ESC[2J``), retitle the window, plant a hyperlink that points elsewhere than
it reads (OSC 8), ring the bell or reorder what the user sees (bidirectional overrides).
:func:`printable` removes every such sequence whole, so no fragment of it is left to act or
mislead, and keeps all ordinary text (any script, emoji) exactly.
"""

from __future__ import annotations

import re

__all__ = ["printable", "stored", "strip_sequences"]

# ECMA-48 control strings: OSC, DCS, SOS, PM, APC (7-bit ESC forms and 8-bit C1 forms), with
# their payload, ended by BEL or ST. One left unterminated loses only its introducer below:
# the payload that remains is inert text.
_CONTROL_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
# CSI sequences: ESC [ (or the 8-bit CSI) parameters, intermediates, one final byte.
_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
# Any other escape sequence: ESC, intermediates, a final byte (ESC c resets the terminal).
_ESCAPE = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_SEQUENCE_RE = re.compile(f"{_CONTROL_STRING}|{_CSI}|{_ESCAPE}")
# what starts any of them: ESC, or an 8-bit C1 introducer
_INTRODUCER_RE = re.compile("[\x1b\x90-\x9f]")
# What is left to drop: C0 controls but tab and newline, DEL, C1 controls, and the Unicode
# marks that reorder or hide text (bidi embeddings, overrides, isolates; Trojan Source).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """TEXT without control characters or terminal escape sequences; tabs and newlines kept.

    ``\\r\\n`` and a lone ``\\r`` become ``\\n`` (a bare carriage return would let later text
    overwrite earlier text on the same line).
    """
    if text.isascii() and text.isprintable():
        return text  # the common case, at C speed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", _SEQUENCE_RE.sub("", text))


def strip_sequences(text: str) -> str:
    """TEXT without terminal escape sequences (whole, payload included); other characters kept.

    Parsers call it before they drop control characters one by one: dropping only the ESC of
    ``ESC[2J`` would leave ``[2J`` in a stored name.
    """
    if _INTRODUCER_RE.search(text) is None:
        return text
    return _SEQUENCE_RE.sub("", text)


def stored(text: str, *, multiline: bool = False) -> str:
    """TEXT as the catalog stores it: :func:`printable` (no control characters, escape sequences,
    bidi overrides or NUL bytes), and on one line unless MULTILINE (line breaks and tabs become
    spaces). Text from a site is cleaned once, when it is recorded, so every later reader
    (export, web page, spreadsheet) gets clean text."""
    text = printable(text)
    if not multiline and ("\n" in text or "\t" in text):
        text = text.replace("\n", " ").replace("\t", " ")
    return text
