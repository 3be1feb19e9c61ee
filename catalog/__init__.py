"""catalog: an exact, dated database of AI model prices, observed from catalog sites.

The front door is :class:`Catalog`::

    from catalog import Catalog, Workload, NotFound
    with Catalog.open() as cat:            # the default database; or Catalog.open("sqlite:///prices.db")
        offering = cat.offering("together_ai/meta-llama-llama-3.2-1b-instruct")
        quotes = cat.compare("llama", Workload(input_tokens=1_000_000, output_tokens=200_000))

Everything listed in ``__all__`` is public; the modules behind it may move.
"""

from typing import TYPE_CHECKING, Any

#: the one version number (pyproject.toml reads it from here)
__version__ = "0.1.0"
PROJECT_URL = "https://github.com/catalog-prices/catalog"
USER_AGENT = f"catalog/{__version__} (+{PROJECT_URL})"

#: public name -> the module that defines it, imported on first use (PEP 562): `import catalog`
#: stays cheap for what needs only the constants above (the crawl, a query command's start)
_PUBLIC = {
    "Catalog": "catalog.api",
    "COMPONENTS": "catalog.components", "Component": "catalog.components",
    "Quote": "catalog.costing", "Ranking": "catalog.costing", "Workload": "catalog.costing",
    "CatalogError": "catalog.errors", "DatabaseError": "catalog.errors", "EmptyCatalog": "catalog.errors",
    "NoMatch": "catalog.errors", "NotFound": "catalog.errors", "RefreshLocked": "catalog.errors",
    "ChangeSet": "catalog.views", "OfferingHistory": "catalog.views", "OfferingView": "catalog.views",
    "PriceChange": "catalog.views", "PriceSpan": "catalog.views", "PriceView": "catalog.views",
    "Problem": "catalog.views", "RunView": "catalog.views",
}

if TYPE_CHECKING:
    from catalog.api import Catalog
    from catalog.components import COMPONENTS, Component
    from catalog.costing import Quote, Ranking, Workload
    from catalog.errors import CatalogError, DatabaseError, EmptyCatalog, NoMatch, NotFound, RefreshLocked
    from catalog.views import (
        ChangeSet,
        OfferingHistory,
        OfferingView,
        PriceChange,
        PriceSpan,
        PriceView,
        Problem,
        RunView,
    )


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'catalog' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [  # noqa: F822 - defined lazily by __getattr__
    "COMPONENTS",
    "CatalogError",
    "Catalog",
    "ChangeSet",
    "Component",
    "DatabaseError",
    "EmptyCatalog",
    "NoMatch",
    "NotFound",
    "OfferingHistory",
    "OfferingView",
    "PriceChange",
    "PriceSpan",
    "PriceView",
    "Problem",
    "Quote",
    "Ranking",
    "RefreshLocked",
    "RunView",
    "Workload",
    "__version__",
]
