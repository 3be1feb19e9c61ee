"""What the spider yields besides Observation, PageFailure and Fetch: catalog.records' types,
named here for the spider (the writer that takes them lives in catalog)."""

from __future__ import annotations

from catalog.records import NotModified, ProviderName

__all__ = ["NotModified", "ProviderName"]
