"""Parsers: pure functions from catalog text (model pages, llms.txt, sitemaps) to typed records.

Nothing here fetches, and nothing imports Scrapy; every parser raises only ``ParseError``.
"""

from spiders.parsing.errors import ParseError
from spiders.parsing.llms import (
    ModelLlms,
    Sitemap,
    merge_llms,
    parse_model_llms,
    parse_site_index,
    parse_sitemap,
)
from spiders.parsing.model_page import parse_model_page

__all__ = [
    "ModelLlms",
    "ParseError",
    "Sitemap",
    "merge_llms",
    "parse_model_llms",
    "parse_model_page",
    "parse_site_index",
    "parse_sitemap",
]
