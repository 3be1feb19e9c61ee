"""The site's llms.txt files and sitemaps.

- a model's own llms.txt (``/models/<p>/<id>/llms.txt``): ``- Provider: Together AI (together_ai)``
  rows that complete a model page (:func:`parse_model_llms`, :func:`merge_llms`);
- the site index ``/llms.txt`` (llms.txt format: H1, blockquote, ``## Section`` link lists);
- sitemaps, index or urlset, read with expat and no DTD: a DOCTYPE or ENTITY is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from typing import Any
from xml.parsers import expat

from pydantic import BaseModel, ConfigDict

from catalog.components import COMPONENTS, HEADLINE
from catalog.identity import model_key_modelslab
from catalog.records import Money, PageRecord
from spiders.parsing.errors import ParseError, only_parse_errors
from spiders.parsing.money import Price, PriceError, accepted_units, per_million, read_price, units_conflict
from spiders.parsing.text import MAX_LINE_CHARS, clean, decode, read_date, snippet, squash, valid_record
from spiders.urls import join_url, offering_key

_PROVIDER_RE = re.compile(r"(.*?)\s*\(([^()\s]+)\)")
#: row key -> the field (or price component, catalog.components) it states
_ROW_KEYS = {
    "model id": "model_id", "provider": "provider", "creator": "creator", "category": "category",
    "task": "task", "added": "date_added",
    **{key: c.name for c in COMPONENTS for key in c.llms_keys},
}
#: the printed units each priced component accepts (the headline takes any)
_PRICE_KINDS = {c.name: accepted_units(c) for c in COMPONENTS if c is not HEADLINE}
#: what a model's llms.txt can fill on a page record, in the order they are compared
_TEXT_MERGED = ("name", "creator", "category", "task")


class ModelLlms(BaseModel):
    """What a model's own llms.txt says about its offering (every field as printed, or None)."""

    model_config = ConfigDict(frozen=True)

    provider: str | None = None
    provider_name: str | None = None
    model_id: str | None = None
    name: str | None = None
    creator: str | None = None
    category: str | None = None
    task: str | None = None
    #: ISO code of the prices; None when no price names one
    currency: str | None = None
    #: component name -> amount, as in catalog.records.PageRecord
    prices: dict[str, Money] = {}
    headline_unit: str | None = None
    date_added: dt.date | None = None
    warnings: tuple[str, ...] = ()


@only_parse_errors
def parse_model_llms(text: str | bytes, url: str) -> ModelLlms:
    """Read a model's own llms.txt fetched from ``url``; raises only ParseError."""
    return _parse_model_llms(text, url)


def _parse_model_llms(data: str | bytes, url: str) -> ModelLlms:
    text, warnings = decode(data)
    values: dict[str, Any] = {}
    currencies: dict[str, str] = {}
    rows = 0
    for raw in clean(text).split("\n"):
        if len(raw) > MAX_LINE_CHARS:
            continue
        line = raw.strip()
        if line.startswith("## "):
            break  # the link sections: nothing about the offering itself
        if line.startswith("# ") and "name" not in values:
            values["name"] = squash(line[2:]) or None
            continue
        if not line.startswith(("- ", "* ")):
            continue
        key, sep, value = line[2:].partition(":")
        field = _ROW_KEYS.get(squash(key).lower())
        value = squash(value)
        if not sep or field is None or not value or field in values or field in values.get("prices", {}):
            continue
        rows += 1
        if field == "provider":
            m = _PROVIDER_RE.fullmatch(value)
            values["provider_name"], values["provider"] = (m[1] or None, m[2]) if m else (value, None)
        elif field == "date_added":
            values[field] = read_date(value)
            if values[field] is None:
                warnings.append(f"date added unreadable: {snippet(value)}")
        elif field in _PRICE_KINDS or field == HEADLINE.name:
            _price_row(field, value, values, currencies, warnings)
        else:
            values[field] = value
    if rows == 0:
        raise ParseError(f"not a model llms.txt: no '- Key: value' rows at {url}")
    if len(set(currencies.values())) > 1:
        found = ", ".join(f"{code} ({where})" for where, code in currencies.items())
        raise ParseError(f"llms.txt prices in more than one currency: {found}")
    values["currency"] = next(iter(currencies.values()), None)

    key = offering_key(url) if isinstance(url, str) else None
    if key is not None:
        for field, from_url in zip(("provider", "model_id"), key, strict=True):
            if values.get(field) is None:
                values[field] = from_url
            elif values[field] != from_url:
                warnings.append(f"{field} {values[field]!r} differs from {from_url!r} in the llms.txt URL")
    values["warnings"] = warnings
    return valid_record(ModelLlms, values, "llms.txt")


def _price_row(field: str, value: str, values: dict, currencies: dict, warnings: list[str]) -> None:
    try:
        price: Price = read_price(value)
        if field != "headline" and price.kind not in _PRICE_KINDS[field] and not price.bare_free:
            warnings.append(f"{field} has unit {price.unit!r}; left empty")
            return
        amount, converted = per_million(price) if field != "headline" else (price.amount, False)
    except PriceError as exc:
        warnings.append(f"{field} unreadable ({exc})")
        return
    prices = values.setdefault("prices", {})
    if field == HEADLINE.name:
        prices[field], values["headline_unit"] = amount, price.unit
    else:
        if converted:
            warnings.append(f"{field} printed per 1K tokens; stored per 1M (x1000)")
        prices[field] = amount
    if price.currency:
        currencies[field] = price.currency


def merge_llms(record: PageRecord, llms: ModelLlms) -> PageRecord:
    """The page record completed by its own llms.txt (a new record; ``record`` is not changed).

    Only an llms.txt of the same offering (provider and model ID, case-sensitive) is used: it
    names the provider and fills what the page left empty; where both state a value and they
    differ, the page wins and a warning says so. Any other llms.txt only adds a warning.
    """
    if llms.provider != record.provider or llms.model_id != record.model_id:
        return record.model_copy(update={"related": list(record.related), "warnings": [
            *record.warnings,
            f"llms.txt describes another offering ({llms.provider}/{llms.model_id}); not merged",
        ]})
    warnings = [*record.warnings, *(f"llms.txt: {w}" for w in llms.warnings)]
    update: dict[str, Any] = {}
    if llms.provider_name is not None:
        update["provider_name"] = llms.provider_name
    page_priced = bool(record.prices)
    same_money = llms.currency is None or llms.currency == record.currency or not page_priced
    if not same_money:
        warnings.append(f"llms.txt prices are in {llms.currency}, the page's in {record.currency}; "
                        "its prices not used")
    prices = dict(record.prices)
    for name in _TEXT_MERGED:
        if _fills(name, getattr(record, name), getattr(llms, name), warnings):
            update[name] = getattr(llms, name)
    for component in COMPONENTS if same_money else ():
        if _fills(component.column, prices.get(component.name), llms.prices.get(component.name), warnings):
            prices[component.name] = llms.prices[component.name]
    for name in ("headline_unit", "date_added"):
        if _fills(name, getattr(record, name), getattr(llms, name), warnings):
            update[name] = getattr(llms, name)
    if len(prices) > len(record.prices):
        update["prices"] = prices
        if not page_priced and llms.currency:
            update["currency"] = llms.currency
    if "headline_unit" in update:
        update["headline_unit_conflict"] = units_conflict(update["headline_unit"], record.headline_spec_unit)
    if record.model_key is None and "creator" in update:  # the creator tells where the model's name starts
        update["model_key"] = model_key_modelslab(record.model_id, update["creator"])
    update["warnings"] = warnings
    merged = record.model_dump()
    merged.update(update)
    return valid_record(PageRecord, merged, "merged llms.txt")


def _fills(name: str, ours: Any, theirs: Any, warnings: list[str]) -> bool:
    """Whether llms.txt fills NAME (the page leaves it empty); a differing value only warns."""
    if theirs is None:
        return False
    if ours is None:
        return True
    if ours != theirs:  # Decimal compares by value: 0.2 == 0.20
        warnings.append(f"llms.txt {name} {theirs} differs from the page's {ours}; kept the page's")
    return False


# --- site index ---------------------------------------------------------------------------------


@only_parse_errors
def parse_site_index(text: str | bytes, base_url: str | None = None) -> list[str]:
    """Every link URL of the site's llms.txt link lists (``- [title](url): notes``), in order.

    Relative links are resolved against ``base_url`` when one is given. Raises only ParseError.
    """
    body, _ = decode(text)
    urls = []
    for raw in clean(body).split("\n"):
        if len(raw) > MAX_LINE_CHARS:
            continue
        line = raw.strip()
        if len(line) < 6 or line[0] not in "-*+" or line[1] != " ":
            continue
        item = line[2:].lstrip()
        if not item.startswith("["):
            continue
        close = item.find("](")
        if close < 0:
            continue
        end = item.find(")", close + 2)
        if end < 0:
            continue
        target = item[close + 2:end].strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        target = target.split(" ", 1)[0]  # drop a '"title"' after the URL
        if base_url:
            target = join_url(base_url, target) or ""
        if target:
            urls.append(target)
    return urls


# --- sitemaps -----------------------------------------------------------------------------------


class Sitemap(BaseModel):
    """A sitemap: child sitemaps (from a sitemap index) and pages (from a urlset), in order."""

    model_config = ConfigDict(frozen=True)

    sitemaps: list[str] = []
    pages: list[str] = []
    #: ``<lastmod>`` of any listed URL that gives a readable one (dates are midnight UTC)
    lastmod: dict[str, dt.datetime] = {}


#: an uncompressed sitemap may be at most 50 MB (sitemaps.org)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@only_parse_errors
def parse_sitemap(text: str | bytes) -> Sitemap:
    """Read a ``<sitemapindex>`` or ``<urlset>`` (gzip too), with or without the sitemaps namespace.

    A document with a DOCTYPE or entity declaration is refused: no entity is ever expanded.
    Raises only ParseError.
    """
    return _parse_sitemap(text)


class _Refused(Exception):
    pass


def _parse_sitemap(data: str | bytes) -> Sitemap:
    if isinstance(data, str):
        raw, encoding = data.encode("utf-8", errors="replace"), "utf-8"  # the text's own encoding wins
        if len(raw) > MAX_SITEMAP_BYTES:
            raise ParseError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw, encoding = bytes(data), None
        if raw[:2] == b"\x1f\x8b":
            raw = _gunzip(raw)
        elif len(raw) > MAX_SITEMAP_BYTES:
            raise ParseError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes")
    else:
        raise ParseError(f"expected text or bytes, got {type(data).__name__}")

    parser = expat.ParserCreate(encoding, namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _Refused()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse

    root: list[str] = []
    stack: list[str] = []
    entry: dict[str, str] = {}
    text_parts: list[str] = []
    result: dict[str, list[str]] = {"sitemap": [], "url": []}
    lastmod: dict[str, dt.datetime] = {}

    def start(name: str, _attrs: dict) -> None:
        local = name.rpartition(" ")[2]
        if not stack:
            root.append(local)
        stack.append(local)
        if local in ("sitemap", "url"):
            entry.clear()
        text_parts.clear()

    def end(name: str) -> None:
        local = stack.pop()
        if local in ("loc", "lastmod") and len(stack) >= 1 and stack[-1] in ("sitemap", "url"):
            entry[local] = "".join(text_parts).strip()
        elif local in ("sitemap", "url") and len(stack) == 1:
            loc = entry.get("loc")
            if loc:
                result[local].append(loc)
                stamp = _lastmod(entry.get("lastmod"))
                if stamp is not None:
                    lastmod[loc] = stamp
        text_parts.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text_parts.append
    try:
        parser.Parse(raw, True)
    except _Refused:
        raise ParseError("sitemap declares a DOCTYPE or entities; refused") from None
    except expat.ExpatError as exc:
        raise ParseError(f"sitemap is not well-formed XML: {expat.ErrorString(exc.code)} "
                         f"at line {exc.lineno}") from None
    kind = root[0] if root else None
    if kind not in ("sitemapindex", "urlset"):
        raise ParseError(f"not a sitemap: root element is <{kind}>")
    return Sitemap(
        sitemaps=result["sitemap"] if kind == "sitemapindex" else [],
        pages=result["url"] if kind == "urlset" else [],
        lastmod=lastmod,
    )


def _gunzip(raw: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise ParseError(f"sitemap is not valid gzip: {exc}") from None
    if len(out) > MAX_SITEMAP_BYTES:
        raise ParseError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes uncompressed")
    return out


def _lastmod(value: str | None) -> dt.datetime | None:
    """W3C datetime (``2026-11-01`` or ``2026-11-01T06:00:00+00:00``) as aware UTC, else None."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        stamp = dt.datetime.fromisoformat(value)
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        return None

