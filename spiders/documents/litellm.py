"""LiteLLM's price map (``model_prices_and_context_window.json``) read into records: a pure parser.

The document is one JSON object, model key -> entry. Each entry that prices something the
component registry has becomes one record: provider = its ``litellm_provider``, model_id and name
= the key as written (it may hold ``/``), canonical_url = the document URL + ``#`` + the key.

Prices (USD; JSON numbers read from their literal text, see spiders.documents.parsed):

- per token, x 1,000,000 exactly: ``input_cost_per_token``, ``output_cost_per_token``,
  ``cache_read_input_token_cost``, ``cache_creation_input_token_cost``,
  ``input_cost_per_token_batches`` / ``output_cost_per_token_batches``, each to the component the
  registry says states it (catalog.components: input, output, cached input, cache write, batch
  input and output per 1M tokens);
- per_image is a generated image's price: ``output_cost_per_image``; in an image_generation or
  image_edit entry without it, ``input_cost_per_image`` (LiteLLM's OpenAI and xAI image entries
  price the generated image so, e.g. ``low/1024-x-1024/gpt-image-1.5`` 0.009). Elsewhere
  ``input_cost_per_image`` is the price of an image sent in (chat, embedding): not read;
- per_second is a second of what the entry's mode works on, as LiteLLM costs it
  (``cost_per_second``, ``video_generation_cost``): ``output_cost_per_video_per_second``, else
  ``output_cost_per_second`` (video, speech generated); in an audio_transcription or realtime entry
  (audio in) ``output_cost_per_second`` where it is above zero, else ``input_cost_per_second``
  (LiteLLM takes the output price whenever present, so a 0.0 placeholder beside a real input price
  would make Deepgram's transcription free: a zero does not count there). In chat entries
  ``input_cost_per_second`` and ``cost_per_second`` are Bedrock's provisioned-throughput rates,
  not usage prices: not read;
- per_call: ``input_cost_per_request`` (the only ``*_per_request`` price LiteLLM 1.110.2 has);
- long-context tiers: ``<field>_above_<N>k_tokens`` (and ``..._above_<N>k_tokens_batches``) of a
  field above -> TierPrice(component, start=N*1000, basis="above"); ``_above_<N>_tokens`` starts
  at N; and ``tiered_pricing`` ranges (Dashscope and Qwen entries): the range starting at 0 gives
  the base prices, each range ``[start, end]`` above it a TierPrice(start, "above"). Both are
  LiteLLM's rule: once the call's input tokens are MORE than the start, its input, output and
  cache tokens are priced at the tier's rates (``_get_token_base_cost``: ``prompt_tokens >
  threshold``, the highest such tier; ``select_tier_for_input``: ``range_start < input_tokens <=
  range_end``, past the last range the last tier). For xAI (``litellm_provider`` ``xai``) LiteLLM
  bills the tier once the prompt REACHES the start: basis "from". LiteLLM takes a component the
  tier does not price at its base rate (for ``tiered_pricing``: cached tokens at the tier's input
  rate); a record holds only what the document states. ``off_peak_pricing`` (time-of-day prices)
  is not read.

Zero is free (0); a negative, non-finite or non-numeric value is unknown, with a warning on the
record. Every other price field (per character, per query, per pixel, audio/image/video tokens,
service tiers ``_flex`` / ``_priority``, 1-hour cache writes, resolution variants...) is not read:
one document note per field counts the entries that have it (of those whose prices were read).

An entry that prices something the registry has but whose every such value is unreadable, or
that the catalog refuses (an over-long key), is a failure (a PageFailure: the offering keeps its
last prices, flagged stale). Not records, each counted in a document note: ``sample_spec`` (the
format's description); values that are not objects; entries without ``litellm_provider``
(``alias_of`` entries point at the entry that holds the prices); modes priced per query, page or
unit (search, vector_store, guardrail, ocr) that state no nonzero price the catalog has; entries with no price field, or with prices only in
units the registry lacks, or whose read prices are all zero beside a nonzero price in such a unit
(a reranker's 0.0 token prices beside its ``input_cost_per_query``, dall-e's 0.0 output beside
``input_cost_per_pixel``: zero placeholders, not free).

model_key is catalog.identity.model_key_litellm(key, litellm_provider). Category and task follow
the mode (:data:`CATEGORIES`; the same words as the catalog site for chat, embedding, image and
video). Other modes (evaluation, decisions, extraction, a mode new to
us, none) keep their prices and leave category and task unknown. The creator is the organisation
segment of an ``org/model`` key after the provider prefix (``together_ai/meta-llama/Llama-3-8b``
-> ``meta-llama``; Fireworks' ``accounts/<org>/models/<model>`` -> ``<org>`` unless the account is
Fireworks' own); keys of other shapes name none, nor a segment that is a size, quality, region,
data zone or route (``azure/eu/gpt-4o``, ``bedrock/us-east-1/...``). It is a best reading of the
key, for display: the model identity is catalog.identity's.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ValidationError

from catalog.components import document_fields, order
from catalog.identity import model_key_litellm, no_creator, routes
from catalog.records import PageFailure, PageRecord, TierPrice
from spiders.documents.base import DocumentSource, ParsedEntries, entry_url
from spiders.documents.parsed import (
    DocumentError,
    brief,
    counted,
    examples,
    load_json,
    money,
    refused,
    tier_start,
)

#: keys that are not models
NOT_MODELS = {"sample_spec": "LiteLLM's description of the format, not a model"}
#: modes priced in units the registry has no component for: their entries are not records
UNPRICED_MODES = {"search": "per query", "vector_store": "per query", "guardrail": "per unit", "ocr": "per page"}
#: mode -> (category, task)
CATEGORIES: dict[str, tuple[str, str]] = {
    "chat": ("LLM Models", "Text Generation"),
    "completion": ("LLM Models", "Text Generation"),
    "responses": ("LLM Models", "Text Generation"),
    "moderation": ("LLM Models", "Moderation"),
    "embedding": ("Embedding Models", "Embeddings"),
    "rerank": ("Embedding Models", "Rerank"),
    "image_generation": ("Image Generation", "Text to Image"),
    "image_edit": ("Image Generation", "Image to Image"),
    "video_generation": ("Video Generation", "Text to Video"),
    "audio_transcription": ("Audio Models", "Speech to Text"),
    "audio_speech": ("Audio Models", "Text to Speech"),
    "realtime": ("Audio Models", "Speech to Speech"),
}
#: per-token fields -> (component, places the point moves: per token -> per 1M tokens is 6)
TOKEN_FIELDS: dict[str, tuple[str, int]] = document_fields(
    "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
    "cache_creation_input_token_cost", "input_cost_per_token_batches", "output_cost_per_token_batches",
)
_IMAGE_MODES = {"image_generation", "image_edit"}
_AUDIO_IN_MODES = {"audio_transcription", "realtime"}
#: ``<field>_above_<N>k_tokens[_batches]`` (N thousand) or ``..._above_<N>_tokens`` (N), as LiteLLM's
#: ``_parse_above_token_threshold`` reads them; N bounded so a hostile key cannot make a huge int
_TIER_KEY = re.compile(r"(?P<base>.+?)_above_(?P<count>[0-9]{1,12})(?P<k>k?)_tokens(?P<suffix>_batches)?")
#: providers whose tiers apply from the threshold on, not only above it (LiteLLM's
#: ``_INCLUSIVE_THRESHOLD_PROVIDERS``: xAI bills the higher tier once the prompt reaches it)
INCLUSIVE_PROVIDERS = frozenset({"xai"})


#: where LiteLLM publishes the map
DEFAULT_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"


class LiteLLMSource(DocumentSource):
    """LiteLLM's price map, ``catalog refresh --source litellm``."""

    name: ClassVar[str] = "litellm"
    default_site: ClassVar[str] = DEFAULT_URL

    def parse(self, body: bytes, url: str) -> ParsedEntries:
        return parse(body, url)


def parse(body: bytes | str, url: str) -> ParsedEntries:
    """The records of LiteLLM's price map BODY, read from URL; entries that price something but
    could not be read are failures. DocumentError if BODY is not the map."""
    data = load_json(body, "the LiteLLM price map")
    if not isinstance(data, dict):
        raise DocumentError(
            f"the LiteLLM price map is a JSON {type(data).__name__}, not an object of model entries; "
            "check that the URL serves model_prices_and_context_window.json"
        )
    records: list[PageRecord] = []
    failures: list[PageFailure] = []
    skipped: dict[str, list[str]] = defaultdict(list)
    unread: Counter[str] = Counter()
    notes: list[str] = []
    for key, entry in data.items():
        if key in NOT_MODELS:
            notes.append(f"{key}: {NOT_MODELS[key]}; skipped")
            continue
        result = _entry(key, entry, url, unread)
        if isinstance(result, PageRecord):
            records.append(result)
        elif isinstance(result, _Skip):
            skipped[result.reason].append(key)
        else:
            failures.append(result)
    for reason, keys in skipped.items():
        notes.append(f"{counted(len(keys), 'entry', 'entries')} {reason}: skipped (e.g. {examples(keys)})")
    notes.extend(
        f"{brief(name, 100)}: in {counted(n, 'entry', 'entries')}, a price the catalog has no component for; not read"
        for name, n in sorted(unread.items())
    )
    return ParsedEntries(records=records, warnings=notes, failures=failures)


class _Skip:
    """An entry that is not a record, for a reason counted in one note."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _entry(key: str, entry: Any, url: str, unread: Counter[str]) -> PageRecord | _Skip | PageFailure:
    """ENTRY's record; a _Skip; or a failure when it prices something that could not be read."""
    if not isinstance(entry, dict):
        return _Skip("not an object")
    provider = entry.get("litellm_provider")
    if not isinstance(provider, str) or not provider.strip():
        return _Skip("without litellm_provider (aliases: alias_of names the entry that holds the prices)")
    mode = entry.get("mode") if isinstance(entry.get("mode"), str) else None
    # a mode priced per query, page or unit: skipped unless it states a price the catalog has (an
    # OCR model also priced per token is a model with token prices)
    unpriced_mode = _Skip(f"of mode {mode} (priced {UNPRICED_MODES[mode]}, which the catalog has no component for)"
                          ) if mode in UNPRICED_MODES else None
    document_unread = unread
    if unpriced_mode:  # its unread fields count only if it is kept
        unread = Counter()
    prices: dict[str, Decimal] = {}
    tiers: dict[tuple[str, int], Decimal] = {}
    warnings: list[str] = []
    seen: list[str] = []  # price fields present, read or not
    elsewhere = False  # a nonzero price in a field not read
    for name, value in entry.items():
        if not _is_price_field(name):
            continue
        seen.append(name)
        if name == "tiered_pricing":
            _ranges(value, entry, mode, prices, tiers, warnings, unread)
            continue
        tier = _TIER_KEY.fullmatch(name)
        base = tier["base"] + (tier["suffix"] or "") if tier else name
        target = _component(base, entry, mode)
        if target is None:
            unread[name] += 1
            elsewhere = elsewhere or _nonzero(value)
            continue
        component, shift = target
        amount, note = money(value, shift)
        if amount is None and unpriced_mode:
            continue
        if amount is None:
            warnings.append(f"{name}: {note}; left unknown")
            continue
        if note:
            warnings.append(f"{name}: {note}")
        if tier is None:
            if component in prices:
                warnings.append(f"{name}: {component} already read from another field; not read")
            else:
                prices[component] = amount
        else:
            count = int(tier["count"]) * (1000 if tier["k"] else 1)
            start = tier_start(count)
            if start is None:
                warnings.append(f"{name}: a tier starting at {count} input tokens; not read")
            else:
                _add_tier(tiers, component, start, amount, name, warnings)
    if unpriced_mode:
        if not any(prices.values()) and not any(tiers.values()):
            return unpriced_mode
        document_unread.update(unread)
    if (prices or tiers) and elsewhere and not any(prices.values()) and not any(tiers.values()):
        # e.g. a reranker's 0.0 token prices beside its input_cost_per_query: placeholders, not free
        return _Skip("priced in units the catalog has no component for, with zeros in the others (placeholders)")
    if not prices and not tiers:
        if not seen:
            return _Skip("with no price field")
        if not warnings:
            return _Skip("pricing only in units the catalog has no component for")
        return _failure(url, key, provider, f"no price could be read: {'; '.join(warnings)}")
    category, task = CATEGORIES.get(mode or "", (None, None))
    try:
        return PageRecord(
            canonical_url=entry_url(url, key),
            provider=provider,
            model_id=key,
            name=key,
            creator=_creator(key, provider),
            category=category,
            task=task,
            currency="USD",
            prices=prices,
            tiers=[TierPrice(component=c, start=s, basis="from" if provider in INCLUSIVE_PROVIDERS else "above",
                             amount=a)
                   for (c, s), a in sorted(tiers.items(), key=lambda t: (order(t[0][0]), t[0][1]))],
            model_key=model_key_litellm(key, provider),
            warnings=warnings,
        )
    except ValidationError as exc:
        return _failure(url, key, provider, refused(exc))


def _failure(url: str, key: str, provider: str, reason: str) -> PageFailure:
    return PageFailure(url=entry_url(url, key), reason=f"LiteLLM entry {key}: {reason}", provider=provider,
                       model_id=key)


def _is_price_field(name: str) -> bool:
    return "cost" in name or "pricing" in name  # tiered_pricing, off_peak_pricing


def _component(name: str, entry: dict, mode: str | None) -> tuple[str, int] | None:
    """The component price field NAME sets in an entry of MODE, and the places its point moves."""
    if name in TOKEN_FIELDS:
        return TOKEN_FIELDS[name]
    if name == "output_cost_per_image":
        return "per_image", 0
    if name == "input_cost_per_image" and mode in _IMAGE_MODES and "output_cost_per_image" not in entry:
        return "per_image", 0
    if name == "output_cost_per_video_per_second":
        return "per_second", 0
    if name == "output_cost_per_second" and "output_cost_per_video_per_second" not in entry:
        if mode not in _AUDIO_IN_MODES or _nonzero(entry[name]):
            return "per_second", 0
    if name == "input_cost_per_second" and mode in _AUDIO_IN_MODES:
        if not _nonzero(entry.get("output_cost_per_second")):
            return "per_second", 0
    if name == "input_cost_per_request":
        return "per_call", 0
    return None


def _nonzero(value: Any) -> bool:
    """Whether VALUE is a price above zero (or an object holding one, as search_context_cost_per_query)."""
    if isinstance(value, dict):
        return any(_nonzero(v) for v in value.values())
    return isinstance(value, Decimal) and value.is_finite() and value > 0


def _ranges(raw: Any, entry: dict, mode: str | None, prices: dict[str, Decimal],
            tiers: dict[tuple[str, int], Decimal], warnings: list[str], unread: Counter[str]) -> None:
    """``tiered_pricing``: the range from 0 into PRICES (where the entry's own fields say nothing),
    every later range into TIERS at its start."""
    if not isinstance(raw, list):
        warnings.append(f"tiered_pricing: {brief(raw)} is not a list; not read")
        return
    for step in raw:
        bounds = step.get("range") if isinstance(step, dict) else None
        if not (isinstance(bounds, list) and len(bounds) == 2
                and all(isinstance(b, Decimal) and b.is_finite() for b in bounds)):
            warnings.append(f"tiered_pricing: a step without a [start, end] token range ({brief(step)}); not read")
            continue
        start = tier_start(bounds[0], zero=True)
        if start is None:
            warnings.append(f"tiered_pricing: a range starting at {brief(bounds[0])} tokens; not read")
            continue
        for name, value in step.items():
            if name == "range":
                continue
            target = _component(name, entry, mode)
            if target is None:
                unread[f"tiered_pricing {name}"] += 1
                continue
            component, shift = target
            amount, note = money(value, shift)
            where = f"tiered_pricing {name} from {start} tokens"
            if amount is None:
                warnings.append(f"{where}: {note}; left unknown")
                continue
            if note:
                warnings.append(f"{where}: {note}")
            if start > 0:
                _add_tier(tiers, component, start, amount, where, warnings)
            elif component not in prices:
                prices[component] = amount
            elif prices[component] != amount:
                warnings.append(f"{where}: {amount} differs from the entry's own {component} {prices[component]}; "
                                "the entry's own kept")


def _add_tier(tiers: dict[tuple[str, int], Decimal], component: str, start: int, amount: Decimal,
              where: str, warnings: list[str]) -> None:
    known = tiers.setdefault((component, start), amount)
    if known != amount:
        warnings.append(f"{where}: {amount} differs from {known} for {component} above {start} tokens; {known} kept")


def _creator(key: str, provider: str) -> str | None:
    """The organisation an ``org/model`` key names after its provider prefix and the segments that
    are no creator (catalog.identity's rules: sizes, qualities, regions, the provider's routes), if any."""
    parts = key.split("/")
    route = parts[0].replace("-", "_")
    if route == provider or provider.startswith((route + "-", route + "_")):  # vertex_ai-anthropic_models
        parts = parts[1:]
    not_creators = routes("litellm", provider)
    while len(parts) > 2 and no_creator(parts[0], not_creators):
        parts = parts[1:]
    if len(parts) >= 4 and parts[0] == "accounts" and parts[2] == "models":
        return None if parts[1] == "fireworks" else parts[1] or None
    if len(parts) == 2 and parts[0] and parts[1] and not no_creator(parts[0], not_creators):
        return parts[0]
    return None
