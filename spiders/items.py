"""What the spider hands to the pipeline besides catalog.records.Observation and PageFailure."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from catalog.limits import LABEL_CHARS
from catalog.records import Fetch, Identifier
from catalog.text import stored


class NotModified(BaseModel):
    """A model page that answered 304: its offering was observed unchanged."""

    canonical_url: str
    fetch: Fetch


class ProviderName(BaseModel):
    """A provider's display name read from a model's own llms.txt (clean, cut to LABEL_CHARS)."""

    provider: Identifier
    name: str = Field(min_length=1)

    @field_validator("name", mode="before")
    @classmethod
    def _bounded(cls, value):
        return stored(value)[:LABEL_CHARS].rstrip() if isinstance(value, str) else value
