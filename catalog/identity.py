"""One identity for a model and for a provider, whichever source describes it (issue 11).

A **model key** is lowercase ``creator/model`` (``meta-llama/llama-3.2-1b-instruct``): exactly one
``/``, each side starting with a letter or digit and made of ``a-z 0-9 . _ : @ + -``, at most
255 characters in all. Each source writes models its own way; one function per source derives
the key from that source's identifiers, by the rules in its docstring, and returns None when the
identifiers do not tell the creator (a guess would join offerings of different models). Segments
that qualify an offering (image size and quality, region, commitment) or route a request
(LiteLLM's ``bedrock/invoke/``, ``deepgram/streaming/``...) are never taken for a creator.

**Claude** (creator ``anthropic``) has one spelling, whoever writes it (:func:`model_key`):
the version as Anthropic's model names say it, with a dot (``claude-opus-4.6``,
``claude-3.5-sonnet``: Anthropic's API writes ``claude-opus-4-6``, OpenRouter ``claude-opus-4.6``),
a ``.0`` minor version dropped (``claude-opus-4-0`` is ``claude-opus-4``), the tier before the
version from Claude 4 on, as Anthropic names them (``claude-4-opus`` is ``claude-opus-4``; Claude 3
keeps ``claude-3-haiku``). Deployment suffixes that name the same model are dropped: Bedrock's
revision (``-v1``, ``-v1:0``, ``-v2:0``) and Vertex's ``@default``. A date is a version and is
kept: Vertex's ``@20240620`` (with the ``-v2`` revision Vertex writes before it) is Anthropic's
``-20240620``, so ``claude-3-5-sonnet-20240620`` and ``-20241022`` stay two models. Only Claude:
other vendors' Bedrock suffixes are versions (Mistral's ``-v0:2`` is v0.2), and dots elsewhere
stay as written (``llama-3.2``).

A **provider key** is a lowercase slug (``together``, ``openrouter``, ``fireworks``) naming one
provider in every source: ModelsLab's ``together_ai``, LiteLLM's ``together_ai`` and
genai-prices' ``together`` are the provider ``together``.

What the rules cannot derive is listed in ``catalog/data/aliases.json``, read once (see
:func:`aliases`): creator spellings, provider names, the creator a provider's bare model names
belong to, model families whose name says their creator, a source's route segments, and keys
for individual identifiers. Every function here is pure: same arguments, same answer, no I/O
but that one read.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from catalog.limits import SLUG_CHARS

__all__ = [
    "Aliases",
    "aliases",
    "model_key",
    "model_key_genai_prices",
    "model_key_litellm",
    "model_key_modelslab",
    "model_key_openrouter",
    "normalise_key",
    "provider_key",
]

_PART = r"[a-z0-9][a-z0-9._:@+-]*"
_KEY = re.compile(rf"{_PART}/{_PART}")
_PROVIDER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SPACES = re.compile(r"\s+")
_SLASHES = re.compile(r"/{2,}")
# Segments that qualify a model rather than name its creator, in the keys of a provider that names
# its own models: image size and steps, quality, deployment region, commitment term.
_QUALIFIER = re.compile(
    r"\d+-x-\d+|max-x-max|(?:\d+|max)-steps|low|medium|high|xhigh|max|hd|standard"
    r"|[a-z]{2}(?:-gov)?-[a-z]+-\d+|\*|\d+-month-commitment|eu|us|us-gov|apac|global|global-standard"
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_AI_SUFFIX = re.compile(r"(?:-ai)+$")
# the same at the start of a flattened ModelsLab ID, with the '-' after it
_QUALIFIER_WORD = re.compile(rf"(?:{_QUALIFIER.pattern})-")
# Bedrock-style model IDs: [geography.]vendor.model, e.g. us.anthropic.claude-3-5-sonnet-20240620-v1:0
_VENDOR_DOT = re.compile(r"(?:(?:us|us-gov|eu|apac|au|ca|jp|in|global|regional)\.)?([a-z0-9-]+)\.(.+)")
_VENDOR_DOT_PROVIDERS = frozenset({"bedrock", "oci"})
# Fireworks resource names: accounts/<account>/models/<model> (or routers/<router>, a model of the
# account that routes to deployments); the account is the namespace. ModelsLab flattens them with '-'.
_FIREWORKS = re.compile(r"accounts/([^/]+)/(?:models|routers)/(.+)")
_FIREWORKS_FLAT = re.compile(r"accounts-(.+?)-(?:models|routers)-(.+)")
# OpenRouter: "~creator/model" floats to the latest version; ":free", ":thinking"... are variants
_OPENROUTER_VARIANT = re.compile(r":[a-z0-9-]+$")
# LiteLLM's providers for one family of models at a platform: vertex_ai-anthropic_models
_MODEL_FAMILY_ROUTE = re.compile(r"([a-z0-9]+_[a-z0-9_]*)-[a-z0-9_-]*models")
# Claude's spellings (see the module docstring): claude-<major>[-.<minor>]-<tier>[-rest] (Claude 3's
# order; third parties also write claude-4-opus) and claude-<tier>-<major>[-.<minor>][-rest]. A minor
# is one or two digits ending the name or followed by '-': the 8 digits of a date are not one.
_CLAUDE_VERSION_FIRST = re.compile(r"claude-(\d+)(?:[-.](\d{1,2}))?-([a-z]+)((?:-[a-z0-9].*)?)")
_CLAUDE_TIER_FIRST = re.compile(r"claude-([a-z]+)-(\d+)(?:[-.](\d{1,2}))?((?:-[a-z0-9].*)?)")
_CLAUDE_VERTEX_DATE = re.compile(r"(?:-v\d+)?@(\d{8})$")
_CLAUDE_BEDROCK_REVISION = re.compile(r"-v\d+(?::\d+)?$")


def normalise_key(text: str) -> str | None:
    """TEXT as a model key, or None if it cannot be one.

    Rules shared by every source: surrounding whitespace is dropped, inner whitespace becomes
    ``-``, letters are lowercased, runs of ``/`` become one, a ``/`` at either end is dropped.
    What remains must be ``creator/model`` (exactly one ``/``, the characters in the module
    docstring) and at most 255 characters; anything else is None. No aliases are applied.
    """
    if not text.isascii():
        return None
    key = _SLASHES.sub("/", _SPACES.sub("-", text.strip().lower())).strip("/")
    if len(key) > SLUG_CHARS or not _KEY.fullmatch(key):
        return None
    return key


def model_key(text: str) -> str | None:
    """A key as a person or a source writes it, made canonical: :func:`normalise_key`, then the
    creator spelling from the aliases file (``deepseek-ai`` -> ``deepseek``), then Claude's one
    spelling (module docstring: ``anthropic/claude-opus-4-6-v1:0`` -> ``anthropic/claude-opus-4.6``),
    then a whole-key alias if the file has one. None when TEXT cannot be a key."""
    key = normalise_key(text)
    if key is None:
        return None
    table = aliases()
    creator, model = key.split("/")
    creator = table.creators.get(creator, creator)
    if creator == "anthropic":
        model = _claude(model)
    key = normalise_key(f"{creator}/{model}")
    if key is None:
        return None
    return table.keys.get(key, key)


def _claude_version(name: str) -> str | None:
    """NAME in Claude's one spelling if it is a versioned Claude name, else None."""
    first = _CLAUDE_VERSION_FIRST.fullmatch(name)
    if first:
        major, minor, tier, rest = first.groups()
    else:
        tier_first = _CLAUDE_TIER_FIRST.fullmatch(name)
        if not tier_first:
            return None
        tier, major, minor, rest = tier_first.groups()
    if minor is not None and int(minor) == 0 and not rest[1:2].isdigit():
        minor = None  # 4.0 is 4, unless a number follows that would then read as the minor
    version = major if minor is None else f"{major}.{minor}"
    if first and int(major) < 4:
        return f"claude-{version}-{tier}{rest}"
    return f"claude-{tier}-{version}{rest}"


def _claude(name: str) -> str:
    """A Claude model NAME in its one spelling (module docstring); other names as they are. Each
    step shortens the name, turns a '-' into a '.' or puts the tier first, so applying them until
    nothing changes ends, and applying the whole again changes nothing."""
    if not name.startswith("claude-"):
        return name
    while True:
        before = name
        name = name.removesuffix("@default")
        name = _CLAUDE_VERTEX_DATE.sub(r"-\1", name)
        revision = _CLAUDE_BEDROCK_REVISION.search(name)
        if revision and _claude_version(name[: revision.start()]) is not None:
            name = name[: revision.start()]
        name = _claude_version(name) or name
        if name == before:
            return name


def _join(creator: str, model: str) -> str | None:
    """creator/model from two parts; deeper paths in MODEL are flattened with '-', as ModelsLab's
    IDs flatten ``creator/a/b`` to ``creator-a-b``."""
    model = "-".join(part for part in model.split("/") if part)
    if not creator or not model or "/" in creator:
        return None
    return model_key(f"{creator}/{model}")


def _clean(text: str | None) -> str:
    return _SLASHES.sub("/", text.strip().lower()) if text else ""


def model_key_modelslab(model_id: str, creator: str | None) -> str | None:
    """The model key of a ModelsLab page, from its model ID and its creator.

    ModelsLab IDs are ``<creator>-<model>`` with any ``/`` of the model flattened to ``-``
    (``meta-llama-llama-3.2-1b-instruct`` by ``meta-llama``, ``Qwen-Qwen3-14B`` by ``Qwen``). The
    page's creator tells where the creator ends, since both may hold ``-``: the key is
    ``creator/rest``, lowercase (``meta-llama/llama-3.2-1b-instruct``). An alias for the ID in
    the aliases file wins over this rule. With no creator, or an ID that does not start with
    ``<creator>-`` (or ``<creator>/``), the key is the alias or None: the ID alone does not say
    where the creator ends.

    Two page creators are not creators. ``accounts`` (a flattened Fireworks resource name,
    ``accounts-fireworks-routers-glm-5p1-fast``) is keyed as :func:`model_key_litellm` keys the
    resource: ``fireworks/glm-5p1-fast``. A qualifier (``high``, ``low``...: a quality, size or
    region, as in ``high-1024-x-1024-openai-gpt-image-2``) is dropped with the qualifiers after it;
    what is left names its creator if it starts with one the aliases file knows (``openai-``:
    ``openai/gpt-image-2``), or if it is a model family's (``gpt-image-2``: ``openai/gpt-image-2``),
    else the key is None.
    """
    model_id = _clean(model_id)
    alias = aliases().models.get("modelslab", {}).get(model_id)
    if alias is not None:
        return alias
    who = _SPACES.sub("-", _clean(creator))
    if not who or not model_id.startswith((f"{who}-", f"{who}/")):
        return None
    fireworks = _FIREWORKS_FLAT.fullmatch(model_id) if who == "accounts" else None
    if fireworks:
        return _join(fireworks[1], fireworks[2])
    if _QUALIFIER.fullmatch(who):
        return _unqualified_modelslab(model_id)
    return _join(who, model_id[len(who) + 1:])


def _unqualified_modelslab(model_id: str) -> str | None:
    """The key of a ModelsLab ID whose leading words are qualifiers (``high-1024-x-1024-...``)."""
    rest = model_id.replace("/", "-")
    while (qualifier := _QUALIFIER_WORD.match(rest)) and qualifier.end() < len(rest):
        rest = rest[qualifier.end():]
    known = sorted((c for c in _known_creators() if rest.startswith(f"{c}-")), key=len, reverse=True)
    if known:
        return _join(known[0], rest[len(known[0]) + 1:])
    return _family_key(rest)


def _known_creators() -> frozenset[str]:
    """Every creator spelling the aliases file names: canonical creators and their other spellings."""
    table = aliases()
    return frozenset({*table.creators, *table.creators.values(), *table.families.values(),
                      *(c for m in table.implied_creators.values() for c in m.values())})


def _family_key(name: str) -> str | None:
    """The key of a bare NAME that starts with a model family of the aliases file (``claude`` ->
    ``anthropic``): the family's name, then the end or anything but a letter, so ``gemma2-9b-it``
    is Gemma's and ``claudette`` is nobody's. The longest family wins."""
    families = aliases().families
    for family in sorted(families, key=len, reverse=True):
        if name.startswith(family) and not name[len(family):len(family) + 1].isalpha():
            return _join(families[family], name)
    return None


def _strip_openrouter(model_id: str) -> str:
    """An OpenRouter model id without its floating-version mark and its variant suffix."""
    return _OPENROUTER_VARIANT.sub("", model_id.removeprefix("~"))


def _bare(source: str, provider: str | None, name: str) -> str | None:
    """The key of a bare model NAME (no creator) at PROVIDER, as SOURCE names that provider, by
    the first rule that applies:

    1. a Bedrock/OCI ``vendor.model`` ID names its vendor;
    2. at a provider whose implied creator (aliases file) is the provider itself, every bare name
       is in its namespace (Fireworks' ``accounts/fireworks/models/gemma-3-27b-it``:
       ``fireworks/gemma-3-27b-it`` in every source);
    3. a name of a model family (aliases file) is the family's creator's, wherever it is sold
       (``mistral-large-2402`` at ``azure``: ``mistralai``; ``gemini-2.5-pro`` at genai-prices'
       ``google``; ``claude-sonnet-4-5`` at ``snowflake``);
    4. a name that starts with the provider's own name (``together-ai-up-to-4b``) is the provider's;
    5. the creator the aliases file says the provider's bare names belong to (``openai`` ->
       ``openai``); else None.
    """
    canonical = provider_key(source, provider) if provider else None
    if canonical in _VENDOR_DOT_PROVIDERS:
        match = _VENDOR_DOT.fullmatch(name)
        if match:
            return _join(match[1], match[2])
    creator = aliases().implied_creators.get(source, {}).get(_clean(provider)) if provider else None
    if creator and creator == canonical:
        return _join(creator, name)
    family = _family_key(name)
    if family is not None:
        return family
    if canonical and name.startswith(f"{canonical}-"):
        return _join(canonical, name)
    return _join(creator, name) if creator else None


def _path_key(source: str, provider: str | None, path: str) -> str | None:
    """The key of a model PATH at PROVIDER once the source's own decorations are gone: an
    OpenRouter id (at OpenRouter), a Fireworks resource name, ``creator/model``, or a bare name."""
    if provider and provider_key(source, provider) == "openrouter":
        path = _strip_openrouter(path)
    fireworks = _FIREWORKS.fullmatch(path)
    if fireworks:
        return _join(fireworks[1], fireworks[2])
    if "/" in path:
        creator, _, model = path.partition("/")
        return _join(creator, model)
    return _bare(source, provider, path) if path else None


def no_creator(segment: str, route_segments: frozenset[str]) -> bool:
    """Whether SEGMENT of a key qualifies or routes rather than names a creator: an ``@`` segment
    (Cloudflare's ``@cf``), a qualifier (``eu``, ``1024-x-1024``, ``high``...) or one of ROUTES
    (ROUTE_SEGMENTS: the provider's, in the aliases file, :func:`routes`)."""
    segment = segment.lower()
    return segment.startswith("@") or bool(_QUALIFIER.fullmatch(segment)) or segment in route_segments


@functools.lru_cache(maxsize=1024)
def routes(source: str, provider: str | None) -> frozenset[str]:
    """The route segments the aliases file lists for PROVIDER (as SOURCE names it)."""
    canonical = provider_key(source, provider) if provider else None
    return frozenset(s for s, p in aliases().routes.get(source, {}).items() if p == canonical)


def _drop_qualifiers(segments: list[str], route_segments: frozenset[str]) -> list[str]:
    """SEGMENTS without the leading ones that are no creator (:func:`no_creator`); the last one
    always stays."""
    while len(segments) > 1 and no_creator(segments[0], route_segments):
        segments = segments[1:]
    return segments


def model_key_litellm(key: str, litellm_provider: str | None) -> str | None:
    """The model key of an entry of LiteLLM's price map, from its key and ``litellm_provider``.

    1. An alias for the whole (lowercased) key in the aliases file wins.
    2. The provider route is dropped: the first segment, if it names the entry's provider
       (``together_ai/``; ``vertex_ai/`` for ``vertex_ai-anthropic_models``; ``azure/`` for
       ``azure_text``: its :func:`provider_key` is the provider's). Only one: in
       ``together_ai/together/...`` and ``fal_ai/fal-ai/...`` the second is the creator. Without a
       provider, the first of several segments is taken as the provider. Around the route,
       segments that are no creator are dropped: those starting with ``@`` (Cloudflare's
       ``@cf/``); qualifiers: image size, steps, quality, region, commitment (``azure/eu/gpt-4o``,
       ``bedrock/us-east-1/...``, ``fal_ai/high/1024-x-1024/openai/gpt-image-2``); and the
       provider's route segments listed in the aliases file (``bedrock/invoke/``,
       ``bedrock/claude_platform/``, ``deepgram/streaming/``, ``azure/speech/``...).
    3. ``accounts/<account>/models/<model>`` and ``accounts/<account>/routers/<router>``
       (Fireworks) are ``<account>/<model>``.
    4. OpenRouter routes: ``openrouter/<id>`` follows :func:`model_key_openrouter`'s rules.
    5. What is left is ``creator/model`` (deeper paths flattened with ``-``, as ModelsLab does,
       so ``fal_ai/fal-ai/flux/dev`` is ``fal-ai/flux-dev``), or a bare name, keyed by the
       provider's rules (see ``_bare``: Bedrock ``vendor.model``, a provider's own namespace,
       model families, the provider's own names, the implied creator of the aliases file:
       ``gpt-4o`` at ``openai`` is ``openai/gpt-4o``, ``mistral-large-2402`` at ``azure`` is
       ``mistralai/...``, ``llama-v3p1-8b-instruct`` at ``fireworks_ai`` is ``fireworks/...``),
       else None.
    """
    raw = _clean(key)
    alias = aliases().models.get("litellm", {}).get(raw)
    if alias is not None:
        return alias
    segments = [s for s in raw.split("/") if s]
    provider = _clean(litellm_provider) or None
    if provider is None and len(segments) > 1:
        provider = segments.pop(0)
    canonical = provider_key("litellm", provider) if provider else None
    its_routes = routes("litellm", provider)
    segments = _drop_qualifiers(segments, its_routes)
    if len(segments) > 1 and litellm_provider and provider_key("litellm", segments[0]) == canonical:
        segments = _drop_qualifiers(segments[1:], its_routes)
    return _path_key("litellm", provider, "/".join(segments))


def model_key_openrouter(
    model_id: str, canonical_slug: str | None, hugging_face_id: str | None
) -> str | None:
    """The model key of an OpenRouter model, from its ``id`` (else ``canonical_slug``, else
    ``hugging_face_id``).

    The ``id`` (``meta-llama/llama-3.2-1b-instruct``) is the key, lowercase, without OpenRouter's
    ``~`` (latest-version pointer) and ``:free`` / ``:thinking``... variant suffixes (prices of the
    same model). Why the id: it is how every other catalog names an OpenRouter model (LiteLLM's
    ``openrouter/<id>``, genai-prices' ``openrouter`` provider), so the same offering gets the same
    key in all of them, and it names closed models too. ``canonical_slug`` adds a release date
    (``-20250929``, sometimes another word order) that no other source uses; ``hugging_face_id``
    exists only for open weights and names the weights repository (``meta-llama/Meta-Llama-3.1-8B-
    Instruct``), which other sources' OpenRouter entries never carry. Both are used only when the
    id is missing.
    """
    text = next((c for c in map(_clean, (model_id, canonical_slug, hugging_face_id)) if c), "")
    return model_key(_strip_openrouter(text)) if text else None


def model_key_genai_prices(provider_id: str, model_id: str) -> str | None:
    """The model key of a genai-prices model, from its provider's ``id`` and its own ``id``.

    An alias for ``<provider>/<model>`` in the aliases file wins. At the ``openrouter`` provider
    the id follows :func:`model_key_openrouter`'s rules. An id with a ``/`` is ``creator/model``
    (Hugging Face repositories at ``together``, ``huggingface_*``, ``novita``...;
    ``accounts/fireworks/models/x`` as in :func:`model_key_litellm`). A bare id is keyed as
    LiteLLM's bare names are (``_bare``: Bedrock ``vendor.model`` at ``aws``, a model family,
    the provider's own names, the creator the aliases file implies for the provider:
    ``claude-3-haiku`` at ``anthropic``, ``glm-5.1`` at ``zhipuai``), else None. ``google`` implies
    no creator (it also sells Claude), but its ``gemini-2.5-pro`` is Gemini's, so
    ``google/gemini-2.5-pro`` as LiteLLM's ``gemini/gemini-2.5-pro``, and its ``claude-3-5-sonnet``
    is Anthropic's; ``azure`` sells Phi and OpenAI models: no key. At ``openrouter`` the bare ids
    (genai-prices drops the creator of 184 of OpenRouter's ids: ``claude-3.5-sonnet``) get a key
    only from a model family, as OpenRouter's own id gives no other.
    """
    provider = _clean(provider_id)
    name = _clean(model_id)
    alias = aliases().models.get("genai-prices", {}).get(f"{provider}/{name}")
    if alias is not None:
        return alias
    return _path_key("genai-prices", provider or None, name)


@functools.lru_cache(maxsize=4096)  # pure (the aliases file is read once): a document repeats its providers
def provider_key(source: str, provider: str | None) -> str | None:
    """The canonical key of PROVIDER as SOURCE names it; None if there is none (no provider, no
    letter or digit in it, or longer than 255 characters).

    The aliases file's ``providers`` table decides first (its per-source table, then the shared
    one), tried on the name as given (lowercased) and on each form below. Otherwise the key is the
    name without LiteLLM's model-family suffix (``vertex_ai-anthropic_models`` -> ``vertex_ai``,
    ``fireworks_ai-embedding-models`` -> ``fireworks_ai``), every run of other characters than
    letters and digits turned into ``-``, and a trailing ``-ai`` dropped: ``together_ai`` ->
    ``together``, ``fireworks_ai`` -> ``fireworks``, ``deepinfra`` -> ``deepinfra``. So the
    convention is the provider's plain name: no ``_ai`` suffix, ``-`` between words. A key is its
    own key (``provider_key(s, k) == k``).
    """
    name = _clean(provider)
    table = aliases()
    own = table.providers_by_source.get(source, {})
    family = _MODEL_FAMILY_ROUTE.fullmatch(name)
    route = family[1] if family else name
    slug = _NOT_SLUG.sub("-", route).strip("-")
    plain = _AI_SUFFIX.sub("", slug)
    for form in (name, route, slug, plain):
        for mapping in (own, table.providers):
            if form in mapping:
                return mapping[form]
    return plain if plain and len(plain) <= SLUG_CHARS else None


@dataclass(frozen=True)
class Aliases:
    """What the rules cannot derive, from ``catalog/data/aliases.json``."""

    #: creator spelling -> canonical creator (``deepseek-ai`` -> ``deepseek``)
    creators: Mapping[str, str]
    #: derived key -> canonical key (the same model under another name)
    keys: Mapping[str, str]
    #: provider name (any source) -> provider key
    providers: Mapping[str, str]
    #: source -> provider name -> provider key, tried before ``providers``
    providers_by_source: Mapping[str, Mapping[str, str]]
    #: source -> provider name as that source writes it -> the creator of its bare model names
    implied_creators: Mapping[str, Mapping[str, str]]
    #: model family (the start of a bare model name) -> its creator (``claude`` -> ``anthropic``)
    families: Mapping[str, str]
    #: source -> path segment -> the provider key whose route it is, not a creator
    #: (LiteLLM's ``bedrock/invoke/...``: ``invoke`` -> ``bedrock``)
    routes: Mapping[str, Mapping[str, str]]
    #: source -> identifier as that source writes it (lowercase) -> model key
    models: Mapping[str, Mapping[str, str]]


#: the sections of the aliases file and how many levels of names each has
_SECTIONS = {
    "creators": 1, "keys": 1, "providers": 1, "providers_by_source": 2, "implied_creators": 2, "families": 1,
    "routes": 2, "models": 2,
}


def _frozen(data: object, what: str, depth: int) -> Mapping:
    """DATA as a read-only mapping of DEPTH levels of names, ending in strings."""
    if not isinstance(data, dict):
        raise ValueError(f"catalog/data/aliases.json: {what} must be an object; fix the file")
    if depth == 1:
        if not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"catalog/data/aliases.json: {what} must map names to strings; fix the file")
        return MappingProxyType(dict(data))
    return MappingProxyType({k: _frozen(v, f"{what}.{k}", depth - 1) for k, v in data.items()})


def _check(table: Aliases) -> None:
    """Every target must already be canonical, so one lookup is enough: model keys as
    :func:`normalise_key` leaves them, with a canonical creator and no further ``keys`` alias;
    creators that are not themselves aliased; provider keys that are slugs the rules of
    :func:`provider_key` leave as they are."""
    for section in (table.creators, table.keys, table.providers, *table.providers_by_source.values(),
                    *table.implied_creators.values(), table.families, *table.routes.values(),
                    *table.models.values()):
        for name in section:
            if not name or name != _clean(name):
                raise ValueError(f"catalog/data/aliases.json: {name!r} must be lowercase, without "
                                 "surrounding spaces; fix the file")
    creators = [*table.creators.values(), *(c for m in table.implied_creators.values() for c in m.values()),
                *table.families.values()]
    keys = [*table.keys.values(), *(k for m in table.models.values() for k in m.values())]
    for creator in creators:
        if normalise_key(f"{creator}/x") != f"{creator}/x" or creator in table.creators:
            raise ValueError(
                f"catalog/data/aliases.json: {creator!r} is not a canonical creator; fix the file"
            )
    for key in keys:
        creator, _, model = key.partition("/")
        if (normalise_key(key) != key or creator in table.creators or key in table.keys
                or (creator == "anthropic" and _claude(model) != model)):
            raise ValueError(f"catalog/data/aliases.json: {key!r} is not a canonical model key; fix the file")
    names = {*table.providers, *(n for m in table.providers_by_source.values() for n in m)}
    slugs = [*table.providers.values(), *(p for m in (*table.providers_by_source.values(), *table.routes.values())
                                          for p in m.values())]
    for slug in slugs:
        if not _PROVIDER.fullmatch(slug) or slug.endswith("-ai") or slug in names:
            raise ValueError(f"catalog/data/aliases.json: {slug!r} is not a provider key; fix the file")


def _aliases_text() -> str:
    from importlib import resources  # on first use: it costs a query command ~4 ms to import

    return resources.files("catalog").joinpath("data/aliases.json").read_text(encoding="utf-8")


@functools.cache
def aliases() -> Aliases:
    """The packaged aliases file, read and checked once (``functools.cache``); ValueError names
    what is wrong with a broken one. Keys starting with ``_`` are comments."""
    raw = json.loads(_aliases_text())
    if not isinstance(raw, dict):
        raise ValueError("catalog/data/aliases.json must hold an object; fix the file")
    unknown = sorted(k for k in raw if k not in _SECTIONS and not k.startswith("_"))
    if unknown:
        raise ValueError(f"catalog/data/aliases.json: unknown section {unknown[0]!r}; fix the file")
    table = Aliases(**{name: _frozen(raw.get(name, {}), name, depth) for name, depth in _SECTIONS.items()})
    _check(table)
    return table
