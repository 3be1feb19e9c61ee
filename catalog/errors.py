"""The project's exceptions. Library code raises these; only the CLI turns them into exits."""


class CatalogError(Exception):
    """Base class: the message names the problem and the fix, on one line."""


class DatabaseError(CatalogError):
    """The database cannot be reached, opened or migrated."""


class NotFound(CatalogError):
    """A named offering (or run) does not exist."""


class EmptyCatalog(CatalogError):
    """The database holds no offerings yet."""


class RefreshLocked(CatalogError):
    """Another refresh holds the lock on this database."""


class CrawlFailed(CatalogError):
    """A refresh ended without a usable result."""
