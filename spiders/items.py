"""What the spider hands to the pipeline besides catalog.records.Observation and PageFailure."""

from __future__ import annotations

from pydantic import BaseModel

from catalog.records import Fetch


class NotModified(BaseModel):
    """A model page that answered 304: its offering was observed unchanged."""

    canonical_url: str
    fetch: Fetch


class ProviderName(BaseModel):
    """A provider's display name read from a model's own llms.txt."""

    provider: str
    name: str
