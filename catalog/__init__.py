"""catalog: an exact, dated database of AI model prices, observed from catalog sites.

The front door is :class:`Catalog`::

    from catalog import Catalog, Workload, NotFound
    with Catalog.open() as cat:            # the default database; or Catalog.open("sqlite:///prices.db")
        offering = cat.offering("together_ai/meta-llama-llama-3.2-1b-instruct")
        quotes = cat.compare("llama", Workload(input_tokens=1_000_000, output_tokens=200_000))

Everything listed in ``__all__`` is public; the modules behind it may move.
"""

#: the one version number (pyproject.toml reads it from here)
__version__ = "0.1.0"
PROJECT_URL = "https://github.com/catalog-prices/catalog"
USER_AGENT = f"catalog/{__version__} (+{PROJECT_URL})"

from catalog.api import Catalog  # noqa: E402 - the constants above are read by what these import
from catalog.components import COMPONENTS, Component  # noqa: E402
from catalog.costing import Quote, Ranking, Workload  # noqa: E402
from catalog.errors import (  # noqa: E402
    CatalogError,
    DatabaseError,
    EmptyCatalog,
    NoMatch,
    NotFound,
    RefreshLocked,
)
from catalog.views import (  # noqa: E402
    ChangeSet,
    OfferingHistory,
    OfferingView,
    PriceChange,
    PriceSpan,
    PriceView,
    Problem,
    RunView,
)

__all__ = [
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
