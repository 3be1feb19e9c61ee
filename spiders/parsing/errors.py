"""The one exception the parsers raise."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class ParseError(ValueError):
    """The text is not a readable document of the expected kind; the message says why, on one line."""

    def __init__(self, reason: str) -> None:
        # One line whatever the input: a reason may quote page text.
        reason = " ".join(str(reason).split())
        if len(reason) > 300:
            reason = reason[:297] + "..."
        super().__init__(reason)

    @property
    def reason(self) -> str:
        return str(self)


def only_parse_errors(parse: Callable[P, R]) -> Callable[P, R]:
    """Hold PARSE to the parsers' contract: any exception but ParseError is a parser bug, and
    still leaves as a ParseError whose message says so."""

    @functools.wraps(parse)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return parse(*args, **kwargs)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(f"internal parser error: {type(exc).__name__}: {exc}") from exc

    return guarded
