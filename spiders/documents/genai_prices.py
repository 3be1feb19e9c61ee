"""pydantic/genai-prices' ``prices/data.json`` read into records: a pure parser.

The document is a list of providers (``id``, ``name``, ``models``); each model (``id``, ``name``,
``match``, ``prices``) becomes one record: provider = the provider's id, provider_name its name,
model_id = the model's id, name = its name (else the id), canonical_url = the document URL + ``#``
+ provider id + ``/`` + model id, model_key = catalog.identity.model_key_genai_prices(provider id,
model id). The creator is the ``org`` of an ``org/model`` id (OpenRouter's
and Hugging Face's providers), else unknown; genai-prices gives no category.

Prices are USD per million tokens already: ``input_mtok``, ``output_mtok``, ``cache_read_mtok``,
``cache_write_mtok`` -> input/output/cache_read/cache_write_per_mtok as written (JSON numbers read
from their literal text, see spiders.documents.parsed); ``requests_kcount`` is USD per 1,000
requests -> per_call = value / 1000 exactly. Other keys (``input_audio_mtok``, ``output_audio_mtok``,
``cache_audio_read_mtok``...) have no component: one document note per key counts the models.

A price may be ``{base, tiers: [{start, price}]}``: base -> the price, each tier ->
TierPrice(start, basis="above"). genai-prices prices tiers as a threshold ("cliff"), not
marginally: once a call's total input tokens are MORE than a tier's start, every unit of that
component is priced at the tier price (``calc_unit_price``: ``total_input_tokens > tier.start``;
pydantic/genai-prices#241, changed from the incremental rule in #242, December 2025), which is
catalog.records' "above".

``prices`` may be a list of ``{constraint, prices}`` steps; genai-prices uses the LAST step whose
constraint holds (no constraint: always). With ``constraint: {start_date}`` that is a dated
history: the last step started on or before the parse time (``now``, UTC dates as genai-prices
compares them) is the current prices, ``prices_since`` its start at 00:00 UTC; earlier dated
steps go to ``history`` oldest first; steps dated after ``now`` are left out with a warning naming
the date (a later refresh reads them once they hold). An unconstrained step followed only by
dated ones held until the first of those dates, from a start the document does not give: it is the
oldest history step, with no start (DatedPrices.start None; never an invented date). A step that a
later one overrides on every day it could hold (a later undated step, or a later step dated no
later) never was in force: named in a warning.
Steps under any other constraint (a time of day: DeepSeek's off-peak prices) are not read, with a
warning on the record and a document note: the record keeps the prices that hold outside them.

Zero is free (0); a negative, non-finite or non-numeric value is unknown, with a warning; a model
whose every price is so, or that the catalog refuses, is a failure (a PageFailure: the offering
keeps its last prices, flagged stale). A model
whose prices are empty (``{}``: genai-prices costs it 0, e.g. ``azure/phi-4-reasoning:free``, but
also a model "no longer available") is not a record: nothing says it is free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ValidationError

from catalog.components import document_fields, order
from catalog.identity import model_key_genai_prices
from catalog.records import DatedPrices, PageFailure, PageRecord, TierPrice
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

#: genai-prices price key -> (component, places the point moves)
FIELDS: dict[str, tuple[str, int]] = document_fields(
    "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok",
    "requests_kcount",  # per 1,000 requests -> per request
)
EMPTY = "with empty prices ({}: genai-prices costs them 0 but does not say they are free)"
#: where genai-prices publishes its data
DEFAULT_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json"


class GenaiPricesSource(DocumentSource):
    """genai-prices' data, ``catalog refresh --source genai-prices``."""

    name: ClassVar[str] = "genai-prices"
    default_site: ClassVar[str] = DEFAULT_URL

    def parse(self, body: bytes, url: str) -> ParsedEntries:
        return parse(body, url)


def parse(body: bytes | str, url: str, *, now: dt.datetime | None = None) -> ParsedEntries:
    """The records of genai-prices' data.json BODY, read from URL, with the prices in force at NOW
    (default: the current time; a naive NOW is UTC); models that price something but could not be
    read are failures. DocumentError if BODY is not that document."""
    data = load_json(body, "the genai-prices data")
    if not isinstance(data, list):
        raise DocumentError(
            f"the genai-prices data is a JSON {type(data).__name__}, not a list of providers; "
            "check that the URL serves prices/data.json"
        )
    now = now or dt.datetime.now(dt.UTC)
    today = (now if now.tzinfo is None else now.astimezone(dt.UTC)).date()
    reader = _Reader(url, today)
    for provider in data:
        reader.provider(provider)
    return reader.document()


class _Reader:
    """One document's records and the notes on what did not become one."""

    def __init__(self, url: str, today: dt.date) -> None:
        self.url = url
        self.today = today
        self.records: list[PageRecord] = []
        self.failures: list[PageFailure] = []
        self.notes: list[str] = []
        self.skipped: dict[str, list[str]] = defaultdict(list)
        self.unread: Counter[str] = Counter()
        self.constrained: list[str] = []  # models with steps under a constraint other than a start date
        self.future: list[str] = []  # models with steps dated after now

    def document(self) -> ParsedEntries:
        notes = list(self.notes)
        for reason, names in self.skipped.items():
            notes.append(f"{counted(len(names), 'model')} {reason}: skipped (e.g. {examples(names)})")
        if self.constrained:
            notes.append(f"{counted(len(self.constrained), 'model')} with prices under a constraint other than "
                         f"a start date (a time of day); those prices not read (e.g. {examples(self.constrained)})")
        if self.future:
            notes.append(f"{counted(len(self.future), 'model')} with prices dated after the parse time; "
                         f"those prices not read yet (e.g. {examples(self.future)})")
        notes.extend(
            f"{brief(name, 100)}: in {counted(n, 'model')}, a price the catalog has no component for; not read"
            for name, n in sorted(self.unread.items())
        )
        return ParsedEntries(records=self.records, warnings=notes, failures=self.failures)

    def provider(self, provider: Any) -> None:
        pid = provider.get("id") if isinstance(provider, dict) else None
        if not isinstance(pid, str) or not pid.strip():
            self.notes.append(f"a provider without an id ({brief(provider)}); skipped")
            return
        models = provider.get("models")
        if not isinstance(models, list):
            self.notes.append(f"provider {brief(pid)}: models is not a list; skipped")
            return
        name = provider.get("name") if isinstance(provider.get("name"), str) else None
        for model in models:
            self.model(pid, name, model)

    def model(self, pid: str, provider_name: str | None, model: Any) -> None:
        mid = model.get("id") if isinstance(model, dict) else None
        if not isinstance(mid, str) or not mid.strip():
            self.skipped["without an id"].append(f"{pid}: {brief(model)}")
            return
        key = f"{pid}/{mid}"
        warnings: list[str] = []
        unread: set[str] = set()
        steps = self._steps(model.get("prices"), warnings, key)
        current, history = self._timeline(steps, warnings, key)
        if current is None:
            if steps:
                self.skipped["with no prices in force at the parse time"].append(key)
            else:
                self.fail(pid, mid, f"no prices could be read: {'; '.join(warnings)}")
            return
        start, raw = current
        prices, tiers = self._prices(raw, warnings, unread, "")
        dated = []
        ends = [when for when, _ in history[1:]] + [start]  # each step ends where the next begins
        for (when, earlier), end in zip(history, ends[: len(history)], strict=True):
            where = f"prices from {when}: " if when else f"prices before {end}: "
            old_prices, old_tiers = self._prices(earlier, warnings, unread, where)
            dated.append(DatedPrices(start=_midnight(when) if when else None, prices=old_prices,
                                     tiers=old_tiers))
        self.unread.update(unread)
        if not prices and not tiers:
            if not any(raw for _, raw in steps):
                self.skipped[EMPTY].append(key)
            elif any("left unknown" in w for w in warnings):
                self.fail(pid, mid, f"no price could be read: {'; '.join(warnings)}")
            else:
                self.skipped["pricing only in units the catalog has no component for"].append(key)
            return
        name = model.get("name") if isinstance(model.get("name"), str) and model["name"].strip() else mid
        parts = mid.split("/")
        try:
            self.records.append(PageRecord(
                canonical_url=entry_url(self.url, key),
                provider=pid,
                model_id=mid,
                provider_name=provider_name,
                name=name,
                creator=parts[0] if len(parts) == 2 and all(parts) else None,
                currency="USD",
                prices=prices,
                tiers=tiers,
                prices_since=_midnight(start) if start else None,
                history=dated,
                model_key=model_key_genai_prices(pid, mid),
                warnings=warnings,
            ))
        except ValidationError as exc:
            self.fail(pid, mid, refused(exc))

    def fail(self, pid: str, mid: str, reason: str) -> None:
        """A model that prices something but could not be read: it keeps its last prices (stale)."""
        key = f"{pid}/{mid}"
        self.failures.append(PageFailure(
            url=entry_url(self.url, key), reason=f"genai-prices model {key}: {reason}", provider=pid, model_id=mid))

    def _steps(self, raw: Any, warnings: list[str], key: str) -> list[tuple[dt.date | None, dict]]:
        """``prices`` as (start date or None, price mapping) steps, in the document's order."""
        if isinstance(raw, dict):
            return [(None, raw)]
        if not isinstance(raw, list):
            warnings.append(f"prices: {brief(raw)} is neither prices nor a list of steps")
            return []
        steps: list[tuple[dt.date | None, dict]] = []
        for step in raw:
            prices = step.get("prices") if isinstance(step, dict) else None
            if not isinstance(prices, dict):
                warnings.append(f"a price step that is not {{constraint, prices}} ({brief(step)}); not read")
                continue
            constraint = step.get("constraint")
            if constraint is None:
                steps.append((None, prices))
            elif isinstance(constraint, dict) and list(constraint) == ["start_date"]:
                start = _date(constraint["start_date"])
                if start is None:
                    warnings.append(f"a price step with start_date {brief(constraint['start_date'], quote=True)}, "
                                    "not a date; not read")
                else:
                    steps.append((start, prices))
            else:
                warnings.append(f"prices under the constraint {brief(constraint, 100)} not read")
                if key not in self.constrained:
                    self.constrained.append(key)
        return steps

    def _timeline(self, steps: list[tuple[dt.date | None, dict]], warnings: list[str], key: str
                  ) -> tuple[tuple[dt.date | None, dict] | None, list[tuple[dt.date | None, dict]]]:
        """The step in force today (genai-prices: the last one whose constraint holds) and the steps
        in force before it, oldest first (an undated one first: it held until the earliest later
        date); the rest named in WARNINGS."""
        for start, _ in steps:
            if start is not None and start > self.today:
                warnings.append(f"prices from {start.isoformat()} are dated after the parse time; not read yet")
                if key not in self.future:
                    self.future.append(key)
        in_force = [step for step in steps if step[0] is None or step[0] <= self.today]
        if not in_force:
            return None, []
        history: list[tuple[dt.date | None, dict]] = []
        for i, (start, prices) in enumerate(in_force[:-1]):
            later = [when for when, _ in in_force[i + 1:]]
            dated = [when for when in later if when is not None]
            # a later step holds from its date on, an undated one always: this one only before them all
            if len(dated) < len(later) or (start is not None and start >= min(dated)):
                what = f"prices from {start.isoformat()}" if start else "prices without a start date"
                warnings.append(f"{what} are replaced by a later step; not read")
            else:
                history.append((start, prices))
        history.sort(key=lambda step: step[0] or dt.date.min)
        return in_force[-1], history

    def _prices(self, raw: dict, warnings: list[str], unread: set[str], where: str
                ) -> tuple[dict[str, Decimal], list[TierPrice]]:
        """One step's price mapping as components and tiers (notes prefixed with WHERE)."""
        prices: dict[str, Decimal] = {}
        tiers: list[TierPrice] = []
        for name, value in raw.items():
            if name not in FIELDS:
                unread.add(name)
                continue
            component, shift = FIELDS[name]
            if isinstance(value, dict):
                value, steps = value.get("base"), value.get("tiers")
                if isinstance(steps, list):
                    tiers.extend(_tiers(steps, component, shift, f"{where}{name}", warnings))
                else:
                    warnings.append(f"{where}{name}: tiers {brief(steps)} is not a list; not read")
            amount, note = money(value, shift)
            if amount is None:
                warnings.append(f"{where}{name}: {note}; left unknown")
                continue
            if note:
                warnings.append(f"{where}{name}: {note}")
            prices[component] = amount
        tiers.sort(key=lambda t: (order(t.component), t.start))
        return prices, tiers


def _tiers(raw: list, component: str, shift: int, where: str, warnings: list[str]) -> list[TierPrice]:
    tiers: dict[int, TierPrice] = {}
    for tier in raw:
        raw_start = tier.get("start") if isinstance(tier, dict) else None
        start = tier_start(raw_start) if isinstance(raw_start, Decimal) else None
        if start is None:
            warnings.append(f"{where}: a tier starting at {brief(raw_start, quote=True)}, not a positive whole "
                            "number of input tokens; not read")
            continue
        amount, note = money(tier.get("price"), shift)
        if amount is None:
            warnings.append(f"{where} above {start} tokens: {note}; left unknown")
            continue
        if note:
            warnings.append(f"{where} above {start} tokens: {note}")
        known = tiers.setdefault(start, TierPrice(component=component, start=start, basis="above",
                                                       amount=amount))
        if known.amount != amount:
            warnings.append(f"{where}: two tiers above {start} tokens; {known.amount} kept")
    return list(tiers.values())


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
