"""catalog: an exact, dated database of AI model prices observed from a catalog site."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/catalog-prices/catalog"
USER_AGENT = f"catalog/{__version__} (+{PROJECT_URL})"
