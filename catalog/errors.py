"""The project's exceptions. Library code raises these; only the CLI turns them into exits."""

from __future__ import annotations

from collections.abc import Sequence


class CatalogError(Exception):
    """Base class: the message names the problem and the fix, on one line."""


class DatabaseError(CatalogError):
    """The database cannot be reached, opened or migrated."""


class NotFound(CatalogError, LookupError):
    """A named offering (or run) does not exist; ``suggestions`` holds the closest keys, nearest first."""

    def __init__(self, message: str, *, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions: list[str] = list(suggestions)


class NoMatch(CatalogError):
    """A query and its filters matched no offering."""


class EmptyCatalog(CatalogError):
    """The database holds no offerings yet."""


class RefreshLocked(CatalogError):
    """Another refresh holds the lock on this database."""
