"""The one exception the parsers raise."""

from __future__ import annotations


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
