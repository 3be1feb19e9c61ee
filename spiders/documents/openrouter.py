"""OpenRouter's model list (``GET /api/v1/models``) as a source: a pure parser and its DocumentSource.

The document is ``{"data": [model, ...]}``. Every model with an ``id`` is one offering of the
provider ``openrouter`` (OpenRouter sells every one of them, whoever serves it behind):
model_id = ``id`` as written (``meta-llama/llama-3.2-1b-instruct``, ``...:free``, ``~x-ai/grok-latest``),
name = ``name``, creator = the part of ``id`` before ``/`` (without the ``~`` of an alias),
canonical_url = the document URL + ``#`` + ``id``, model_key from ``id``, ``canonical_slug`` and
``hugging_face_id`` (catalog.identity), date_added = the day of ``created`` (UTC), the description
cut to its first 300 characters. Category and task come from ``architecture.output_modalities``
(else the part of ``modality`` after ``->``): "LLM Models" when the model writes text (the
catalog site's word for it) and "<Outputs> Generation" ("Text Generation", "Text and Image
Generation"). Licences are not stated, so open_source stays unknown.

Prices are strings of USD, read exactly from their text (never through float): per token, the
point moves 6 places to per 1M tokens (``"0.00000014"`` -> 0.14); per request as is.

========================  ======================  ==========================================
``pricing`` key           component               note
========================  ======================  ==========================================
``prompt``                input per 1M tokens     per token x 1,000,000
``completion``            output_per_mtok         per token x 1,000,000
``input_cache_read``      cache_read_per_mtok     per token x 1,000,000
``input_cache_write``     cache_write_per_mtok    per token x 1,000,000 (5-minute writes)
``request``               per_call                per request, as is
``overrides``             long-context tiers      see below
========================  ======================  ==========================================

Not stored, each listed with its value in one warning on the record (the registry has no
component for them): ``image`` is the price of an image sent IN (OpenRouter's "per input
image"; Google's models state it per image token, at the prompt rate), while per_image is what a
generated image costs (ModelsLab's, LiteLLM's output_cost_per_image): stored as per_image it would
rank chat models among image generators. ``image_output`` (per generated image token),
``web_search`` (per search), ``internal_reasoning`` (per reasoning token, priced like completion),
``audio``, ``input_audio_cache``, ``audio_output``, ``input_cache_write_1h`` (1-hour cache writes)
and any key new to us likewise. A price of 0 is free (0) and not listed when unstored.

A negative price (``"-1"``: routers such as ``openrouter/auto``, whose price is that of the model
they pick) or text that is not a number leaves the component unknown, with a warning. More than
the 12 decimal places the catalog keeps (float noise such as ``"0.0000006000000000000001"``) is
rounded half-even, with a warning (spiders.documents.parsed.money).

``overrides`` are long-context tiers: each ``{"min_prompt_tokens": N, <key>: price, ...}`` gives,
for each mapped key it prices, TierPrice(component, start=N, basis="from"): a request with at
least N prompt tokens is priced, all of it, at the override's prices (components it does not
name keep their base price).

An entry without an ``id`` is skipped with a document note, an id listed twice keeps its first
entry; an entry whose record cannot be built (an id longer than the catalog keeps, say) is a
PageFailure: the offering keeps its last prices, flagged stale.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from catalog.components import document_fields, order
from catalog.identity import model_key_openrouter
from catalog.records import PageFailure, PageRecord, TierPrice
from spiders.documents.base import DocumentSource, ParsedEntries, entry_url
from spiders.documents.parsed import (
    PLACES,
    DocumentError,
    OutOfRange,
    brief,
    counted,
    examples,
    load_json,
    money,
    number,
    refused,
    tier_start,
)

DEFAULT_URL = "https://openrouter.ai/api/v1/models"
PROVIDER = "openrouter"
PROVIDER_NAME = "OpenRouter"
#: pricing key -> (component, places the point moves: per token -> per 1M tokens is 6)
PRICED: dict[str, tuple[str, int]] = document_fields("prompt", "completion", "input_cache_read",
                                                     "input_cache_write", "request")
TIERS_KEY = "overrides"
TIER_START_KEY = "min_prompt_tokens"
DESCRIPTION_CHARS = 300
#: a price as OpenRouter writes it: a decimal number, optionally signed or with an exponent
# (ASCII digits only: "١٢" is no price)
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", re.ASCII)



class OpenRouterSource(DocumentSource):
    """OpenRouter's model list: every model it sells, with its prices per token and tiers."""

    name = "openrouter"
    default_site = DEFAULT_URL

    def parse(self, body: bytes, url: str) -> ParsedEntries:
        return parse(body, url)


def parse(body: bytes | str, url: str) -> ParsedEntries:
    """The records of OpenRouter's model list BODY, read from URL. DocumentError if it is not one."""
    data = load_json(body, "OpenRouter's model list")
    models = data.get("data") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise DocumentError(
            f"OpenRouter's model list is a JSON {_json_type(data)} without a \"data\" list of models; "
            "check that the URL serves /api/v1/models"
        )
    parsed = ParsedEntries()
    no_id: list[str] = []
    twice: list[str] = []
    seen: set[str] = set()
    for position, entry in enumerate(models):
        model_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(model_id, str) or not model_id.strip():
            no_id.append(f"#{position}")
            continue
        if model_id in seen:
            twice.append(model_id)
            continue
        seen.add(model_id)
        try:
            parsed.records.append(_record(entry, model_id, url))
        except ValueError as exc:  # pydantic's ValidationError included
            parsed.failures.append(PageFailure(
                url=entry_url(url, model_id), reason=refused(exc, "not stored"), provider=PROVIDER, model_id=model_id,
                http_status=200,
            ))
    if no_id:
        parsed.warnings.append(
            f"{counted(len(no_id), 'entry', 'entries')} without an id: skipped (positions {examples(no_id)})"
        )
    if twice:
        parsed.warnings.append(
            f"{counted(len(twice), 'id')} listed more than once: the first entry kept ({examples(twice)})"
        )
    return parsed


def _record(entry: dict, model_id: str, url: str) -> PageRecord:
    warnings: list[str] = []
    unread: list[str] = []
    pricing = entry.get("pricing")
    if not isinstance(pricing, dict):
        warnings.append("no pricing object: prices unknown" if pricing is None
                        else f"pricing is {brief(pricing)}, not an object: prices unknown")
        pricing = {}
    prices: dict[str, Decimal] = {}
    for key, value in pricing.items():
        if key == TIERS_KEY:
            continue
        if key not in PRICED:
            _unread(key, value, unread)
            continue
        component, shift = PRICED[key]
        amount = _price(key, value, shift, warnings)
        if amount is not None:
            prices[component] = amount
    tiers = _tiers(pricing.get(TIERS_KEY), warnings, unread)
    if unread:
        warnings.append(
            "prices the catalog has no component for, not stored (USD, as OpenRouter states them): "
            + ", ".join(unread)
        )
    category, task = _kind(entry.get("architecture"))
    return PageRecord(
        canonical_url=entry_url(url, model_id),
        provider=PROVIDER,
        model_id=model_id,
        provider_name=PROVIDER_NAME,
        name=_text(entry.get("name")),
        creator=_creator(model_id),
        category=category,
        task=task,
        currency="USD",
        prices=prices,
        tiers=tiers,
        model_key=model_key_openrouter(model_id, _text(entry.get("canonical_slug")), _text(entry.get("hugging_face_id"))),
        date_added=_day(entry.get("created")),
        description=_description(entry.get("description")),
        warnings=warnings,
    )


def _price(key: str, value: Any, shift: int, warnings: list[str], where: str = "") -> Decimal | None:
    """VALUE of pricing KEY moved SHIFT places, exact; None (and a warning) when unknown."""
    read = _number(value)
    if read is None:
        warnings.append(f"{key}{where} price {brief(value)} is not a number; left unknown")
        return None
    if isinstance(read, Decimal) and read.is_finite() and read < 0:
        warnings.append(
            f"{key}{where} price is {brief(value)}: OpenRouter's mark for a price that varies (a router "
            "charges what the model it picks costs); left unknown"
        )
        return None
    amount, note = money(read, shift)
    if amount is None:
        warnings.append(f"{key}{where} price {brief(value)}: {note}; left unknown")
    elif note:  # more decimal places than the catalog keeps (float noise in the document)
        warnings.append(f"{key}{where} price {brief(value)} rounded to {PLACES} decimal places: {amount}")
    return amount


def _number(value: Any) -> Decimal | OutOfRange | None:
    """A price as a Decimal of its exact text (a string, or a JSON number load_json read as one);
    OutOfRange for one whose exponent Decimal cannot hold (money() calls it unreadable)."""
    if isinstance(value, Decimal | OutOfRange):
        return value
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()):
        return number(value.strip())
    return None


def _unread(key: str, value: Any, unread: list[str], where: str = "") -> None:
    read = _number(value)
    if isinstance(read, Decimal) and read.is_zero():
        return  # free, and not a component: nothing to tell
    shown = brief(value) if read is not None else f"{brief(value)} (not a price)"
    unread.append(f"{brief(key, 40)} {shown}{where}")


def _tiers(overrides: Any, warnings: list[str], unread: list[str]) -> list[TierPrice]:
    """TierPrice(component, start, "from") for every mapped price of every override."""
    if overrides is None:
        return []
    if not isinstance(overrides, list):
        warnings.append(f"{TIERS_KEY} is {brief(overrides)}, not a list: long-context prices not read")
        return []
    tiers: dict[tuple[str, int], TierPrice] = {}
    for override in overrides:
        start = tier_start(override.get(TIER_START_KEY)) if isinstance(override, dict) else None
        if start is None:
            warnings.append(f"an override without a usable {TIER_START_KEY} ({brief(override)}): not read")
            continue
        where = f" from {start} prompt tokens"
        for key, value in override.items():
            if key == TIER_START_KEY:
                continue
            if key not in PRICED:
                _unread(key, value, unread, where)
                continue
            component, shift = PRICED[key]
            if (component, start) in tiers:
                warnings.append(f"two overrides price {key}{where}: the first kept")
                continue
            amount = _price(key, value, shift, warnings, where)
            if amount is not None:
                tiers[component, start] = TierPrice(component=component, start=start, basis="from", amount=amount)
    return sorted(tiers.values(), key=lambda t: (t.start, order(t.component)))


def _creator(model_id: str) -> str | None:
    creator, slash, _ = model_id.partition("/")
    creator = creator.strip().lstrip("~")
    return creator if slash and creator else None


def _kind(architecture: Any) -> tuple[str | None, str | None]:
    """(category, task) from what the model writes."""
    if not isinstance(architecture, dict):
        return None, None
    outputs = architecture.get("output_modalities")
    if not (isinstance(outputs, list) and outputs and all(isinstance(o, str) for o in outputs)):
        modality = architecture.get("modality")
        outputs = modality.partition("->")[2].split("+") if isinstance(modality, str) and "->" in modality else []
    words = sorted({o.strip().lower() for o in outputs if o.strip()}, key=lambda w: (w != "text", w))
    if not words:
        return None, None
    category = "LLM Models" if "text" in words else None
    return category, " and ".join(w.capitalize() for w in words) + " Generation"


def _day(created: Any) -> dt.date | None:
    if not isinstance(created, Decimal | int) or isinstance(created, bool):
        return None
    try:
        return dt.datetime.fromtimestamp(int(created), dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _description(value: Any) -> str | None:
    """The first DESCRIPTION_CHARS characters of the description, cut at a word."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text or None
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "value"
