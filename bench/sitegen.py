#!/usr/bin/env python3
"""Write a synthetic model catalog site in the seed page's format, for the benchmarks.

    python bench/sitegen.py OUT_DIR [--count 1028] [--seed 1] [--base-url https://modelslab.com]

What it writes (every name and price is made up; the same --count and --seed give the same bytes):
- ``/models/<provider>/<model-id>.md``: a model page as on the real site: front matter (title,
  description, url, canonical, type, component, generated_at), the header line
  ``<model-id> <creator> Closed Source Model $0.113500 / call``, the "Pricing" block
  (``PricingInput $0.027 / 1M tokens`` / ``Output ...``, ``PricingPer Image ...``,
  ``PricingPer Second ...``), twelve related-model cards that span lines, the
  "Technical Specifications" line, then prose with dollar figures a parser must not read;
- ``/models/<provider>/<model-id>/llms.txt``: the model's own llms.txt (provider display name);
- ``/models/<creator>/<model-id>.md``: the header's ``.md`` link, an alias holding a copy of one
  provider's page of that model (its ``canonical:`` names that offering);
- ``/llms.txt``: the site index (llms.txt format) linking about 70% of the model pages;
- ``/sitemap.xml``: a sitemap index of child sitemaps (1,000 URLs each) listing about 80% of
  the model pages as HTML URLs; ``/robots.txt`` names it and disallows /api/;
- ``truth.jsonl`` (not served by LocalSite): one line per offering with its canonical URL and prices.

Every offering is reachable: the first related card of each page is the next offering in a
cycle through all of them, so a crawl that starts anywhere finds every page.

Links use --base-url (default https://modelslab.com, which spiders.localsite.LocalSite rewrites to
its own address, so one folder serves on any port). Only the standard library is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DEFAULT_BASE = "https://modelslab.com"
GENERATED_AT = "2026-11-01T06:00:00.000000Z"
SITEMAP_CHUNK = 1000
RELATED = 12

#: provider collection slug -> label printed on cards and in llms.txt
PROVIDERS = {
    "together_ai": "Together AI", "open_router": "Open Router", "deepinfra": "DeepInfra",
    "novita": "Novita AI", "nebius": "Nebius", "fireworks_ai": "Fireworks AI",
    "modelslab": "ModelsLab", "groq": "Groq", "hyperbolic": "Hyperbolic", "baseten": "Baseten",
}
#: creator slug -> (display prefix, families)
CREATORS = {
    "meta-llama": ("Meta", ["llama", "codellama"]), "Qwen": ("Qwen", ["qwen", "qwq"]),
    "mistralai": ("Mistral", ["mistral", "mixtral", "devstral"]), "google": ("Google", ["gemma", "gemini"]),
    "openai": ("OpenAI", ["gpt", "o"]), "anthropic": ("Anthropic", ["claude"]),
    "deepseek-ai": ("DeepSeek", ["deepseek"]), "microsoft": ("Microsoft", ["phi"]),
    "nvidia": ("NVIDIA", ["nemotron"]), "zai-org": ("Z.AI", ["glm"]), "moonshotai": ("MoonshotAI", ["kimi"]),
    "x-ai": ("xAI", ["grok"]), "BAAI": ("BAAI", ["bge"]), "intfloat": ("Intfloat", ["e5"]),
    "black-forest-labs": ("Black Forest Labs", ["flux"]), "stabilityai": ("Stability", ["sdxl", "sd"]),
    "bytedance": ("ByteDance", ["seedance", "seedream"]), "kuaishou": ("Kuaishou", ["kling"]),
}
#: kind -> (category, task, front matter component, features slug, weight)
KINDS = {
    "llm": ("LLM Models", "Text Generation", "Playground/LLM/Index", "llmaster", 78),
    "embedding": ("Embedding Models", "Embeddings", "Playground/Embedding/Index", "embeddings", 4),
    "image": ("Image Generation", "Text to Image", "Playground/Image/Index", "imagen", 14),
    "video": ("Video Generation", "Text to Video", "Playground/Video/Index", "videogen", 4),
}
KIND_CREATORS = {
    "llm": ["meta-llama", "Qwen", "mistralai", "google", "openai", "anthropic", "deepseek-ai", "microsoft",
            "nvidia", "zai-org", "moonshotai", "x-ai"],
    "embedding": ["BAAI", "intfloat", "Qwen", "openai"],
    "image": ["black-forest-labs", "stabilityai", "bytedance", "google", "openai"],
    "video": ["bytedance", "kuaishou", "google"],
}
SIZES = ["0.5B", "1B", "3B", "7B", "8B", "14B", "32B", "70B", "72B", "405B", "mini", "small", "large", "pro"]
VARIANTS = ["Instruct", "Chat", "Turbo", "Preview", "Fast", "Lite", "Vision", "Coder", "it", "HF", "FP8"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
PROMPTS = ["Explain quantum computing in simple terms", "Write a Python function to sort a list",
           "Create a marketing email for a SaaS product", "Compare REST vs GraphQL APIs"]
SIX = Decimal("0.000001")


@dataclass
class Offering:
    provider: str
    model_id: str
    creator: str
    name: str
    kind: str
    open_source: bool
    added: dt.date
    prices: dict[str, Decimal]  # input_per_mtok / output_per_mtok / per_image / per_second
    headline: Decimal
    unit: str  # call / image / second
    related: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/models/{self.provider}/{self.model_id}"


def money(value: Decimal) -> str:
    """As the site prints a component price: at least two decimals, no exponent, no float noise."""
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def price(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.{rng.choice((2, 3, 3, 4, 6))}f}")


def make_offerings(count: int, seed: int) -> list[Offering]:
    """COUNT offerings; a model ID is offered by one to three providers."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    weights = [KINDS[k][4] for k in kinds]
    offerings: list[Offering] = []
    taken: set[str] = set()
    while len(offerings) < count:
        kind = rng.choices(kinds, weights)[0]
        creator = rng.choice(KIND_CREATORS[kind])
        prefix, families = CREATORS[creator]
        family = rng.choice(families)
        version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}"
        size, variant = rng.choice(SIZES), rng.choice(VARIANTS)
        model_id = f"{creator}-{family}-{version}-{size}-{variant}-{rng.randint(1, 99999)}"
        if model_id in taken:
            continue
        taken.add(model_id)
        name = f"{prefix}: {family.title()} {version} {size} {variant}"
        added = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        for provider in rng.sample(sorted(PROVIDERS), rng.choice((1, 1, 1, 2, 2, 3))):
            if len(offerings) >= count:
                break
            prices: dict[str, Decimal] = {}
            if kind == "llm":
                prices["input_per_mtok"] = price(rng, 0.01, 15)
                prices["output_per_mtok"] = price(rng, 0.02, 60)
                headline, unit = (sum(prices.values()) / 2).quantize(SIX), "call"
            elif kind == "embedding":
                prices["input_per_mtok"] = price(rng, 0.005, 0.2)
                headline, unit = prices["input_per_mtok"].quantize(SIX), "call"
            elif kind == "image":
                prices["per_image"] = price(rng, 0.002, 0.2)
                headline, unit = prices["per_image"].quantize(SIX), "image"
            else:
                prices["per_second"] = price(rng, 0.01, 0.8)
                headline, unit = prices["per_second"].quantize(SIX), "second"
            offerings.append(
                Offering(provider, model_id, creator, name, kind, rng.random() < 0.3, added, prices, headline, unit)
            )
    return offerings


def link_related(offerings: list[Offering], seed: int) -> None:
    """Twelve cards per page: the next offering in a random cycle (reachability), then others of its kind."""
    rng = random.Random(seed + 1)
    order = list(range(len(offerings)))
    rng.shuffle(order)
    by_kind: dict[str, list[int]] = {}
    for i, off in enumerate(offerings):
        by_kind.setdefault(off.kind, []).append(i)
    for pos, i in enumerate(order):
        nxt = order[(pos + 1) % len(order)]
        related = [nxt] if nxt != i else []
        pool = by_kind[offerings[i].kind] if len(by_kind[offerings[i].kind]) > RELATED * 2 else order
        tries = 0
        while len(related) < min(RELATED, len(offerings) - 1) and tries < 200:
            tries += 1
            j = rng.choice(pool)
            if j != i and j not in related:
                related.append(j)
        offerings[i].related = related


def _card(base: str, off: Offering) -> str:
    initials = "".join(w[0] for w in off.name.replace(":", "").split()[:2]).upper()
    license_ = "Open Source Model" if off.open_source else "Closed Source Model"
    url = f"{base}{off.path}"
    return (
        f"[{initials}]({url})[{PROVIDERS[off.provider]}]({base}/models/{off.provider})\n\n"
        f" [{off.name}\n\n{license_}]({url})\n"
    )


def _pricing_block(off: Offering) -> str:
    p = off.prices
    if off.kind in ("llm", "embedding"):
        lines = [f"PricingInput ${money(p['input_per_mtok'])} / 1M tokens"]
        if "output_per_mtok" in p:
            lines.append(f"Output ${money(p['output_per_mtok'])} / 1M tokens")
        return "\n\n".join(lines)
    if off.kind == "image":
        return f"PricingPer Image ${money(p['per_image'])} / image"
    return f"PricingPer Second ${money(p['per_second'])} / second"


def _spec_unit(off: Offering) -> str:
    return {"call": "per million tokens", "image": "per image", "second": "per second"}[off.unit]


def render_page(base: str, off: Offering, offerings: list[Offering]) -> str:
    category, task, component, feature, _ = KINDS[off.kind]
    url = f"{base}{off.path}.md"
    license_ = "Open Source Model" if off.open_source else "Closed Source Model"
    headline = f"{off.headline:.6f}"
    added = f"{MONTHS[off.added.month - 1]} {off.added.day}, {off.added.year}"
    prefix = CREATORS[off.creator][0]
    cards = "\n".join(_card(base, offerings[j]) for j in off.related)
    prompts = "\n\n".join(f" {p}" for p in PROMPTS)
    return f"""---
title: {off.name} | {task} | ModelsLab
description: Build with {off.name} API by {prefix}. {task}. Pay-per-use. Free tier.
url: {url}
canonical: {url}
type: product
component: {component}
generated_at: {GENERATED_AT}
---

{off.name}
---

 [LLMs.txt]({base}{off.path}/llms.txt) [.md]({base}/models/{off.creator}/{off.model_id}.md)

{off.model_id} {off.creator} {license_} ${headline} / {off.unit}

{off.name}
---

Choose a prompt below to get started or type your own message

{prompts}

Send

### {off.name}

{off.creator} {off.model_id}

Copy model ID

{_pricing_block(off)}

API EndpointsOpenAI Compatible

`{base}/api/v7/llm/chat/completions`Endpoint

ParametersSystem MessageYou are a helpful AI assistant specialized in providing accurate and detailed responses.

Temperature0.7

Max Tokens1000

Top P0.9

Model Info

Support

Related Models
---

Discover similar models you might be interested in

 [View all {category}]({base}/models?feature={feature})

{cards}
About {off.name}
---

{off.name} is a {task.lower()} model by {prefix}, served by {PROVIDERS[off.provider]}. Promotional credit: $5.00 free for new accounts.

### Technical Specifications

Model ID{off.model_id}Category{category}Task{task}Price${headline} {_spec_unit(off)}Added{added}

### Key Features

- Pay per use, no minimum commitment
- Streaming responses
- OpenAI compatible endpoint

### Pricing

{off.name} API costs ${headline} {_spec_unit(off)}. Pay only for what you use with no minimum commitments. [View pricing plans]({base}/pricing)

{off.name} FAQ
---

### What is the {off.name} model ID?

The model ID for {off.name} is "{off.model_id}". Use this ID in your API requests to specify this model.

### How much does {off.name} cost?

{off.name} costs ${headline} {_spec_unit(off)}. A free tier is available to get started.

---

*This markdown version is optimized for AI agents and LLMs.*

---
*Generated by ModelsLab - {GENERATED_AT[:10]}*
"""


def render_llms(base: str, off: Offering) -> str:
    category, task, *_ = KINDS[off.kind]
    lines = [
        f"# {off.name}", "", f"> {off.name} ({off.model_id}) on ModelsLab, served by {PROVIDERS[off.provider]}.", "",
        f"- Model ID: {off.model_id}", f"- Provider: {PROVIDERS[off.provider]} ({off.provider})",
        f"- Creator: {off.creator}", f"- Category: {category}", f"- Task: {task}",
    ]
    p = off.prices
    if "input_per_mtok" in p:
        lines.append(f"- Input: ${money(p['input_per_mtok'])} / 1M tokens")
    if "output_per_mtok" in p:
        lines.append(f"- Output: ${money(p['output_per_mtok'])} / 1M tokens")
    if "per_image" in p:
        lines.append(f"- Per image: ${money(p['per_image'])} / image")
    if "per_second" in p:
        lines.append(f"- Per second: ${money(p['per_second'])} / second")
    lines += [
        f"- Price: ${off.headline:.6f} / {off.unit}",
        f"- Added: {MONTHS[off.added.month - 1]} {off.added.day}, {off.added.year}", "", "## Pages", "",
        f"- [Model page]({base}{off.path}.md): pricing, parameters and related models",
        f"- [API reference]({base}{off.path}/api): request and response format", "",
    ]
    return "\n".join(lines)


def render_index(base: str, offerings: list[Offering], rng: random.Random) -> str:
    out = ["# ModelsLab", "", "> One API for thousands of AI models: LLMs, image, video and audio.", "",
           "Every model page is also served as markdown: append `.md` to its URL.", ""]
    for kind, (category, task, *_) in KINDS.items():
        listed = [o for o in offerings if o.kind == kind and rng.random() < 0.7]
        if not listed:
            continue
        out += [f"## {category}", ""]
        out += [f"- [{o.name}]({base}{o.path}.md): {PROVIDERS[o.provider]} · {task}" for o in listed]
        out.append("")
    out += ["## Optional", "", f"- [Pricing]({base}/pricing.md): plans and credits", ""]
    return "\n".join(out)


def write_site(out: Path, count: int, seed: int, base: str = DEFAULT_BASE) -> list[Offering]:
    """Write the whole site into OUT (replaced if it exists); returns the offerings."""
    base = base.rstrip("/")
    offerings = make_offerings(count, seed)
    link_related(offerings, seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "models").mkdir(parents=True)
    rng = random.Random(seed + 2)
    aliases: set[str] = set()
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for off in offerings:
            folder = out / "models" / off.provider
            (folder / off.model_id).mkdir(parents=True, exist_ok=True)
            page = render_page(base, off, offerings)
            (folder / f"{off.model_id}.md").write_text(page, encoding="utf-8")
            (folder / off.model_id / "llms.txt").write_text(render_llms(base, off), encoding="utf-8")
            alias = out / "models" / off.creator / f"{off.model_id}.md"
            if off.model_id not in aliases:  # the first provider written owns the alias
                aliases.add(off.model_id)
                alias.parent.mkdir(parents=True, exist_ok=True)
                alias.write_text(page, encoding="utf-8")
            row = {"url": f"{base}{off.path}.md", "provider": off.provider, "model_id": off.model_id,
                   "category": KINDS[off.kind][0],
                   "prices": {k: str(v) for k, v in off.prices.items()} | {"headline": str(off.headline),
                                                                          "headline_unit": off.unit}}
            truth.write(json.dumps(row) + "\n")
    (out / "llms.txt").write_text(render_index(base, offerings, rng), encoding="utf-8")
    (out / "pricing.md").write_text("# Pricing\n\nPay per use. See each model page for its prices.\n")
    in_sitemap = [o for o in offerings if rng.random() < 0.8]
    children = []
    for n, start in enumerate(range(0, max(len(in_sitemap), 1), SITEMAP_CHUNK), 1):
        urls = "".join(
            f"<url><loc>{base}{o.path}</loc><lastmod>{o.added.isoformat()}</lastmod></url>\n"
            for o in in_sitemap[start : start + SITEMAP_CHUNK]
        )
        name = f"sitemap-models-{n}.xml"
        (out / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
        )
        children.append(name)
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"<sitemap><loc>{base}/{c}</loc></sitemap>\n" for c in children)
        + "</sitemapindex>\n"
    )
    (out / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /api/\nDisallow: /dashboard\nSitemap: {base}/sitemap.xml\n"
    )
    return offerings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--count", type=int, default=1028, help="model offerings (default 1028)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base-url", default=DEFAULT_BASE, help=f"origin the pages link to (default {DEFAULT_BASE})")
    args = parser.parse_args(argv)
    offerings = write_site(args.out, args.count, args.seed, args.base_url)
    print(f"{len(offerings)} model pages written to {args.out}")


if __name__ == "__main__":
    main()
