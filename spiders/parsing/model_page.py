"""Read one catalog model page (the markdown form, as on the seed page) into a PageRecord.

The page is scanned once, line by line. Prices are read only where the page structure puts
them: the header line (``<id> <creator> Closed Source Model $0.113500 / call``), the pricing
block (``PricingInput $0.027 / 1M tokens`` / ``Output ...``, ``PricingPer Image ...``) and the
technical-specifications line (``Model ID...Category...Task...Price...Added...``). A dollar
figure anywhere else (FAQ, promotions, code) is never a price.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.components import COMPONENTS, HEADLINE, PER_CALL
from catalog.identity import model_key_modelslab
from catalog.records import PageRecord
from spiders.parsing.errors import ParseError, only_parse_errors
from spiders.parsing.money import (
    Price,
    PriceError,
    UnitKind,
    accepted_units,
    per_million,
    read_price,
    units_conflict,
)
from spiders.parsing.text import MAX_LINE_CHARS, clean, decode, read_date, snippet, squash, valid_record
from spiders.urls import FILE_SUFFIXES, is_web_url, join_url, model_page_url, offering_key, same_site

#: a description longer than this is cut (and the cut noted)
MAX_DESCRIPTION_CHARS = 10_000
#: a front matter block must close within this many lines
MAX_FRONT_MATTER_LINES = 100

_LICENSE_RE = re.compile(r"(?<!\S)(Closed|Open)\s*Source\s*Model(?![A-Za-z])")
# "[DC](url)[Open Router](url)": the first line of a related-model card
_CARD_RE = re.compile(r"\[([^\[\]]{0,80})\]\(([^()\s]{1,2000})\)\[([^\[\]]{0,200})\]\(([^()\s]{1,2000})\)")
# the card's second link names the provider's listing: ".../models/<provider>"
_PROVIDER_LINK_RE = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)?/models/([^/?#]+)/?")
# --- the parser's table: how the Pricing block prints each component (catalog.components) ---
# label (spaces squashed, lower case) -> component name
_COMPONENTS = {"".join(label.split()).lower(): c.name for c in COMPONENTS for label in c.page_labels}
# pricing lines, the label glued to the "Pricing" block label or on its own line
_COMPONENT_RE = re.compile(
    "(" + "|".join(sorted((r"\s*".join(map(re.escape, label.split())) for c in COMPONENTS for label in c.page_labels),
                          key=len, reverse=True)) + r")\s*:?\s*(.*)",
    re.IGNORECASE,
)
# what a line can start with to be a pricing line printed outside the block (checked cheaply first)
_COMPONENT_FIRST = frozenset(ch for c in COMPONENTS for label in c.page_labels for ch in (label[0].lower(), label[0].upper()))
# the printed units each component accepts; a bare amount (no unit) only where one unit is one thing
_EXPECTED_KIND = {c.name: accepted_units(c) for c in COMPONENTS if c.page_labels}
# how each component is named in warnings: "input", "per-image", "cached input"
_LABEL_OF = {c.name: c.page_labels[0].lower().replace("per ", "per-") for c in COMPONENTS if c.page_labels}
# the header figure of a page priced in tokens is the mean of these two (the seed's "/ call")
_MEAN_OF = ("input_per_mtok", "output_per_mtok")
# what a price can start with; signs, NaN and infinities too, so that "-1 EUR" is a price line
# refused with a warning, not text glued to the value before it
_PRICE_START = r"[$€£]|\d|\.\d|US\$|[A-Z]{3}\s*[$€£\d.]|(?i:free|nan|inf(?:inity)?)(?![A-Za-z])|[-+]\s*[$€£\d.]"
_PRICE_START_RE = re.compile(_PRICE_START)
_SPEC_START_RE = re.compile(r"Model\s*ID\s*:?\s*")
_SPEC_PRICE_RE = re.compile(rf"Price\s*:?\s*(?={_PRICE_START})")
_SPEC_ADDED_RE = re.compile(r"Added\s*:?\s*(?=[A-Za-z]+\.?\s*\d|\d)")
_UNDERLINES = ("---", "===")
#: the pricing components a header figure in each unit can stand for ("/ call" on a token page
#: is the mean of its token prices; a page priced per call is read from its header: _per_call)
_HEADLINE_COMPONENTS = {
    kind: tuple(c.name for c in COMPONENTS if kind.value in c.printed_units and c is not PER_CALL)
    for kind in UnitKind
}
_HEADLINE_COMPONENTS[UnitKind.CALL] = _HEADLINE_COMPONENTS[UnitKind.MTOK]
_PLAIN_MODEL_PATH_RE = re.compile(r"/models/([A-Za-z0-9_~-][A-Za-z0-9_.~-]*)/([A-Za-z0-9_~-][A-Za-z0-9_.~-]*)")
# card URLs whose last segment ends like this take the careful path (a ".md" link, a file)
_SUFFIXES_TO_CHECK = (".md", *FILE_SUFFIXES)


@dataclass
class _Header:
    model_id: str
    creator: str | None
    open_source: bool
    price: Price | None


@dataclass
class _Spec:
    model_id: str | None = None
    category: str | None = None
    task: str | None = None
    price: Price | None = None
    added: dt.date | None = None


@dataclass
class _Scan:
    """What one pass over the page body found."""

    warnings: list[str]
    front: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    header: _Header | None = None
    header_conflict: bool = False
    copy_block: tuple[str, str] | None = None  # (creator, model_id) above "Copy model ID"
    prices: dict[str, Decimal | None] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)  # where -> ISO code
    pricing_seen: bool = False
    spec_line: str | None = None
    spec: _Spec | None = None
    description: list[str] = field(default_factory=list)
    description_cut: bool = False
    cards: list[tuple[str, str]] = field(default_factory=list)  # (card URL, provider label)


@only_parse_errors
def parse_model_page(text: str | bytes, url: str) -> PageRecord:
    """The record a model page states; ``url`` is where it was fetched. Raises only ParseError."""
    return _parse(text, url)


def _parse(data: str | bytes, url: str) -> PageRecord:
    if not isinstance(url, str):
        raise ParseError(f"page URL must be text, got {type(url).__name__}")
    text, warnings = decode(data)
    lines = clean(text).split("\n")
    scan = _Scan(warnings)
    body = _front_matter(lines, scan)
    _scan_body(lines, body, scan)

    canonical, provider, model_id = _identity(scan, url)
    if scan.spec_line is not None:
        scan.spec = _spec_line(scan.spec_line, model_id, scan)
    if scan.name is None and " | " in scan.front.get("title", ""):
        scan.name = squash(scan.front["title"].split(" | ", 1)[0]) or None
    header, spec = scan.header, scan.spec
    if header is None and not scan.pricing_seen:
        raise ParseError(f"not a model page: no header line and no pricing block at {url}")
    _cross_check_ids(scan, model_id)

    creator = header.creator if header else None
    if scan.copy_block:
        if creator is None:
            creator = scan.copy_block[0]
        elif scan.copy_block[0] != creator:
            warnings.append(f"creator {scan.copy_block[0]!r} above 'Copy model ID' differs from {creator!r} "
                            "in the header line")

    headline = header.price if header else None
    if headline is not None and headline.currency:
        scan.currencies["header"] = headline.currency
    if spec and spec.price and spec.price.currency:
        scan.currencies["specifications"] = spec.price.currency
    if len(set(scan.currencies.values())) > 1:
        found = ", ".join(f"{code} ({where})" for where, code in scan.currencies.items())
        raise ParseError(f"prices in more than one currency on one page: {found}")
    currency = next(iter(scan.currencies.values()), "USD")

    headline_unit = headline.unit if headline else None
    spec_unit = spec.price.unit_text if spec and spec.price else None
    conflict = units_conflict(headline_unit, spec_unit)
    _check_headline(scan, headline, spec)
    prices = {k: v for k, v in scan.prices.items() if v is not None}
    if headline is not None:
        prices[HEADLINE.name] = headline.amount
        _per_call(headline, spec, conflict, prices)

    related = _related(scan, provider, model_id, canonical)
    record = dict(
        canonical_url=canonical,
        provider=provider,
        model_id=model_id,
        name=scan.name,
        creator=creator,
        open_source=header.open_source if header else None,
        category=spec.category if spec else None,
        task=spec.task if spec else None,
        currency=currency,
        prices=prices,
        model_key=model_key_modelslab(model_id, creator),
        headline_unit=headline_unit,
        headline_spec_unit=spec_unit,
        headline_unit_conflict=conflict,
        date_added=spec.added if spec else None,
        generated_at=_generated_at(scan),
        description=_description(scan),
        related=related,
        warnings=warnings,
    )
    return valid_record(PageRecord, record, "page")


# --- structure ---------------------------------------------------------------------------------


def _front_matter(lines: list[str], scan: _Scan) -> int:
    """Read a leading ``---`` ... ``---`` block of ``key: value`` lines; return where the body starts."""
    start = 0
    while start < len(lines) and start < 5 and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != "---":
        return 0
    front: dict[str, str] = {}
    for i in range(start + 1, min(len(lines), start + 1 + MAX_FRONT_MATTER_LINES)):
        line = lines[i]
        if line.strip() == "---":
            scan.front = front
            return i + 1
        if len(line) > MAX_LINE_CHARS:
            break
        key, sep, value = line.partition(":")
        if sep:
            key = key.strip().lower()
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            front.setdefault(key, value)
        elif line.strip():
            break
    scan.warnings.append("front matter not closed; read as page text")
    return start


def _scan_body(lines: list[str], start: int, scan: _Scan) -> None:
    head, related, about, after = range(4)
    zone = head
    stripped: list[str | None] = list(map(str.strip, lines))
    if max(map(len, lines), default=0) > MAX_LINE_CHARS:
        stripped = [s if len(s) <= MAX_LINE_CHARS else None for s in stripped]
    stripped.append("")
    prev = ""  # the previous non-blank line
    in_pricing = in_code = False
    paragraph: list[str] = []  # description lines since the last blank line
    desc_chars = 0
    for i in range(start, len(lines)):
        line = stripped[i]
        if line is None:  # a very long line: opaque text, never structure, never a price
            in_pricing = False
            prev = ""
            if zone == about:
                scan.description_cut = True
                if desc_chars < MAX_DESCRIPTION_CHARS:
                    paragraph.append(squash(lines[i][:MAX_DESCRIPTION_CHARS]))
                    desc_chars += MAX_DESCRIPTION_CHARS
            continue
        if not line:
            if paragraph:
                scan.description.append(" ".join(paragraph))
                paragraph = []
            continue
        first = line[0]
        if first == "`" and line.startswith("```"):
            in_code = not in_code  # code examples hold prices and IDs that are not the page's
            in_pricing = False
            continue
        if in_code:
            continue

        # a heading (ATX, or setext: underlined by the next line) or the underline itself
        if first == "#" or line in _UNDERLINES or (first not in "[-`*|>" and stripped[i + 1] in _UNDERLINES):
            in_pricing = False
            if paragraph:
                scan.description.append(" ".join(paragraph))
                paragraph = []
            if line in _UNDERLINES:
                if zone == head and scan.name is None and prev and prev[0] not in "[#-`*|>":
                    scan.name = squash(prev)
                prev = line
                continue
            title = squash(line.lstrip("#"))
            if zone == about:
                zone = after
            if title == "Related Models" and zone == head:
                zone = related
            elif title.startswith("About ") and (zone == related or (zone == head and title[6:] == scan.name)):
                zone = about
            elif title == "Technical Specifications":
                zone = after
            prev = line
            continue

        if zone == about:
            if desc_chars < MAX_DESCRIPTION_CHARS:
                paragraph.append(squash(line))
                desc_chars += len(line)
            else:
                scan.description_cut = True
            prev = line
            continue

        if first == "[":
            m = _CARD_RE.fullmatch(line)
            if m and _PROVIDER_LINK_RE.fullmatch(m[4]):
                scan.cards.append((m[2], squash(m[3])))
                in_pricing = False
                prev = line
                continue

        if first == "M" and scan.spec_line is None and _SPEC_START_RE.match(line) and "Category" in line:
            scan.spec_line = line
            if zone == after:
                break  # the rest (features, code, pricing prose, FAQ) states nothing we keep
            in_pricing = False
            prev = line
            continue

        if zone == head:
            if line == "Copy model ID":
                tokens = prev.split()
                if len(tokens) == 2:
                    scan.copy_block = (tokens[0], tokens[1])
            elif "Source" in line and _header_line(line, scan):
                in_pricing = False
            elif first == "P" and line.startswith("Pricing"):
                in_pricing = True
                rest = line[len("Pricing"):].strip()
                if rest:
                    _component(rest, scan, in_block=True)
            elif in_pricing:
                in_pricing = _component(line, scan, in_block=True)
            elif first in _COMPONENT_FIRST:
                _component(line, scan, in_block=False)
        elif first == "P" and line.startswith("Pricing") and _component(line[7:].strip(), scan, None):
            scan.warnings.append(f"pricing line below the model header ignored: {snippet(line)}")
        prev = line
    if paragraph:
        scan.description.append(" ".join(paragraph))


def _header_line(line: str, scan: _Scan) -> bool:
    """``<model-id> [<creator>] Closed|Open Source Model [$price / unit]``; True if it is one."""
    m = _LICENSE_RE.search(line)
    if m is None:
        return False
    tokens = line[: m.start()].split()
    if not 1 <= len(tokens) <= 2:
        return False
    price = None
    rest = squash(line[m.end():])
    if rest:
        try:
            price = read_price(rest)
        except PriceError as exc:
            scan.warnings.append(f"header price unreadable ({exc}); headline left empty")
    header = _Header(tokens[0], tokens[1] if len(tokens) == 2 else None, m[1] == "Open", price)
    if scan.header is None:
        scan.header = header
    elif scan.header != header and not scan.header_conflict:
        scan.header_conflict = True
        scan.warnings.append(f"two different header lines; the headline is left empty: {snippet(line)}")
    if scan.header_conflict and scan.header is not None:
        scan.header.price = None
    return True


def _component(text: str, scan: _Scan, in_block: bool | None) -> bool:
    """A pricing line such as ``Input $0.027 / 1M tokens``; True if it is one.

    In the pricing block it is recorded; elsewhere (``in_block`` False) it is noted and ignored;
    with ``in_block`` None it is only recognised.
    """
    m = _COMPONENT_RE.fullmatch(text)
    if m is None or not _PRICE_START_RE.match(m[2]):
        return False  # "Input modalities: text" is not a price line
    name = _COMPONENTS["".join(m[1].split()).lower()]
    if in_block is None:
        return True
    if not in_block:
        try:
            read_price(squash(m[2]))
        except PriceError:
            return False  # "Input $5 free credits": prose, not a misplaced price line
        scan.warnings.append(f"{_LABEL_OF[name]} price outside the pricing block ignored: {snippet(text)}")
        return False
    scan.pricing_seen = True
    label = _LABEL_OF[name]
    try:
        price = read_price(squash(m[2]))
        if price.kind in _EXPECTED_KIND[name] or price.bare_free:
            amount, converted = per_million(price)
        else:
            scan.warnings.append(f"{label} price {snippet(m[2])} has unit {price.unit!r}, "
                                 f"expected {_EXPECTED_KIND[name][0].value!r}; left empty")
            _set_price(scan, name, None, conflict=True)
            return True
    except PriceError as exc:
        scan.warnings.append(f"{label} price unreadable ({exc}); left empty")
        _set_price(scan, name, None, conflict=True)
        return True
    if converted:
        scan.warnings.append(f"{label} price printed per 1K tokens; stored per 1M (x1000)")
    if price.currency:
        scan.currencies[label] = price.currency
    _set_price(scan, name, amount)
    return True


def _set_price(scan: _Scan, name: str, amount: Decimal | None, conflict: bool = False) -> None:
    """Record a component; a second, different figure for it empties it (never guess)."""
    if name not in scan.prices:
        scan.prices[name] = amount
        return
    old = scan.prices[name]
    if conflict or old is None or amount is None or old != amount:
        if old is not None:
            scan.warnings.append(f"{_LABEL_OF[name]} price printed twice with different values; left empty")
        scan.prices[name] = None


def _spec_line(line: str, model_id: str, scan: _Scan) -> _Spec:
    """``Model ID<id>Category<c>Task<t>Price<p> <unit>Added<date>``, labels glued to values."""
    start = _SPEC_START_RE.match(line).end()  # type: ignore[union-attr]  # checked by the scan
    pos = start
    if line.startswith(model_id, pos) and line.startswith("Category", pos + len(model_id)):
        pos += len(model_id)  # an ID that itself contains "Category" or "Task" is still read whole
    # Find each label after the previous one, in the page's fixed order; a missing one is skipped.
    found: list[tuple[str, int, int]] = [("model_id", start, start)]
    for label, finder in (("category", "Category"), ("task", "Task"),
                          ("price", _SPEC_PRICE_RE), ("added", _SPEC_ADDED_RE)):
        if isinstance(finder, str):
            at = line.find(finder, pos)
            end = at + len(finder) if at >= 0 else -1
        else:
            hit = finder.search(line, pos)
            at, end = (hit.start(), hit.end()) if hit else (-1, -1)
        if at >= 0:
            found.append((label, at, end))
            pos = end
    values = {}
    for n, (label, _, value_start) in enumerate(found):
        value_end = found[n + 1][1] if n + 1 < len(found) else len(line)
        values[label] = squash(line[value_start:value_end])
    spec = _Spec(model_id=values.get("model_id") or None, category=values.get("category") or None,
                 task=values.get("task") or None)
    if values.get("price"):
        try:
            spec.price = read_price(values["price"])
        except PriceError as exc:
            scan.warnings.append(f"specifications price unreadable ({exc})")
    if values.get("added"):
        spec.added = read_date(values["added"])
        if spec.added is None:
            scan.warnings.append(f"date added unreadable: {snippet(values['added'])}")
    return spec


# --- assembly ----------------------------------------------------------------------------------


def _identity(scan: _Scan, url: str) -> tuple[str, str, str]:
    """(canonical URL, provider, model_id): from ``canonical:``, else ``url:``, else the fetched URL."""
    check_host = is_web_url(url)
    tried = []
    for source, value in (("canonical", scan.front.get("canonical")), ("url", scan.front.get("url")),
                          ("fetched URL", url)):
        if not value:
            continue
        absolute = join_url(url, value) if source != "fetched URL" else value
        page = model_page_url(absolute) if absolute else None
        if page is None:
            tried.append(f"{source} {snippet(value)} is not a model page URL")
            continue
        if source != "fetched URL" and check_host and not same_site(page, url):
            tried.append(f"{source} {snippet(value)} is on another host")
            continue
        key = offering_key(page)
        if key is None:  # pragma: no cover - model_page_url and offering_key agree
            continue
        for reason in tried:
            scan.warnings.append(f"{reason}; using the {source}")
        return page, key[0], key[1]
    raise ParseError(f"not a model page: no /models/<provider>/<model-id> URL ({'; '.join(tried) or url})")


def _cross_check_ids(scan: _Scan, model_id: str) -> None:
    for where, other in (("header line", scan.header.model_id if scan.header else None),
                         ("'Copy model ID' block", scan.copy_block[1] if scan.copy_block else None),
                         ("specifications", scan.spec.model_id if scan.spec else None)):
        if other is not None and other != model_id:
            scan.warnings.append(f"model ID {other!r} in the {where} differs from {model_id!r} in the URL")


def _check_headline(scan: _Scan, headline: Price | None, spec: _Spec | None) -> None:
    """Warn where the header figure does not fit the specifications or the pricing block."""
    if headline is None:
        return
    amount = headline.amount
    if spec and spec.price is not None and spec.price.amount != amount:
        scan.warnings.append(f"header price {amount} differs from the specifications price "
                             f"{spec.price.amount}; kept the header's")
    prices = {k: v for k, v in scan.prices.items() if v is not None}
    kind = headline.kind
    expected = _HEADLINE_COMPONENTS.get(kind) if kind else None
    if expected is None:
        return
    if others := [_LABEL_OF[k] for k in prices if k not in expected]:
        scan.warnings.append(f"page prints {', '.join(others)} prices but its header price is per {headline.unit}")
        return
    i, o = (prices.get(name) for name in _MEAN_OF)
    if i is not None and o is not None:
        # the site prints the mean rounded to its places: allow half a unit of the last place
        exponent = amount.as_tuple().exponent
        half = Decimal(1).scaleb(exponent) / 2 if isinstance(exponent, int) else Decimal(0)
        if abs(amount - (i + o) / 2) > half:
            scan.warnings.append(f"header price {amount} is not the mean of input {i} and output {o}")
        return
    sole = [(k, v) for k, v in prices.items() if k in expected]
    if len(sole) == 1 and sole[0][1] != amount:
        scan.warnings.append(f"header price {amount} differs from the {_LABEL_OF[sole[0][0]]} price {sole[0][1]}")


def _per_call(headline: Price, spec: _Spec | None, conflict: bool, prices: dict[str, Decimal]) -> None:
    """A header price per call that the specifications confirm per call, on a page showing no
    other price, is what a call costs (ModelsLab's image and video endpoints): PER_CALL.

    The seed's case, "/ call" in the header but "per million tokens" in the specifications
    beside token prices, is the mean of the token prices and stays a headline only.
    """
    if headline.kind is not UnitKind.CALL or conflict or spec is None or spec.price is None:
        return
    if spec.price.kind is not UnitKind.CALL or spec.price.amount != headline.amount:
        return
    if any(name != HEADLINE.name for name in prices):
        return
    prices[PER_CALL.name] = headline.amount


def _generated_at(scan: _Scan) -> dt.datetime | None:
    value = scan.front.get("generated_at")
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        scan.warnings.append(f"generated_at unreadable: {snippet(value)}")
        return None
    if stamp.tzinfo is None:
        scan.warnings.append("generated_at has no time zone; taken as UTC")
        return stamp.replace(tzinfo=dt.UTC)
    try:
        return stamp.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        scan.warnings.append(f"generated_at out of range: {snippet(value)}; left empty")
        return None


def _description(scan: _Scan) -> str | None:
    if not scan.description:
        return None
    text = "\n\n".join(p for p in scan.description if p)
    if len(text) > MAX_DESCRIPTION_CHARS or scan.description_cut:
        scan.warnings.append(f"description cut at {MAX_DESCRIPTION_CHARS} characters")
        text = text[:MAX_DESCRIPTION_CHARS]
    return text or None


def _related(scan: _Scan, provider: str, model_id: str, canonical: str) -> list[dict]:
    """The cards' offerings in page order, each once, without the page's own."""
    origin = canonical[: canonical.index("/models/")] if "/models/" in canonical else ""
    out, seen = [], {(provider, model_id)}
    for card_url, label in scan.cards:
        key = None
        if origin and card_url.startswith(origin):
            # the usual card: an absolute link on this site in its plain form
            m = _PLAIN_MODEL_PATH_RE.fullmatch(card_url, len(origin))
            if m and not m[2].lower().endswith(_SUFFIXES_TO_CHECK):
                key = (m[1], m[2])
        if key is None:
            absolute = join_url(canonical, card_url)
            page = model_page_url(absolute) if absolute else None
            if page is None:
                continue
            if origin and not page.startswith(origin + "/"):
                scan.warnings.append(f"related card on another site ignored: {snippet(card_url)}")
                continue
            key = offering_key(page)
            if key is None:  # pragma: no cover - model_page_url and offering_key agree
                continue
        if key in seen:
            continue
        seen.add(key)
        out.append({"provider": key[0], "model_id": key[1], "provider_label": label or None})
    return out
