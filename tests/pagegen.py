"""Render model pages in the catalog's markdown format for the parser tests.

The layout follows the real page (tests/fixtures/seed/): front matter, title, header line,
pricing block, related-model cards, "About", technical specifications, then the prose a
parser must not read prices from. Every value is given as the text the page prints, so a
test controls spelling, currency and digits exactly.

    page = render(llm(input="0.027", output="0.20"))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

BASE = "https://modelslab.com"


@dataclass(frozen=True)
class Card:
    provider: str
    model_id: str
    label: str
    name: str
    open_source: bool = False


@dataclass(frozen=True)
class Page:
    provider: str = "together_ai"
    model_id: str = "meta-llama-llama-3.2-1b-instruct"
    creator: str = "meta-llama"
    name: str = "Meta: Llama 3.2 1B Instruct"
    open_source: bool = False
    category: str = "LLM Models"
    task: str = "Text Generation"
    # amounts as printed (None: the page does not show it); "Free" is printed as is
    input: str | None = "0.027"
    output: str | None = "0.20"
    per_image: str | None = None
    per_second: str | None = None
    headline: str | None = "0.113500"
    headline_unit: str = "call"
    spec_price: str | None = None  # defaults to the headline
    spec_unit: str = "per million tokens"
    token_unit: str = "/ 1M tokens"
    #: how an amount is printed: "${}", "€{}", "{} EUR", "USD {}"
    money: str = "${}"
    added: str | None = "February 20, 2026"
    generated_at: str | None = "2026-05-05T21:39:51.534931Z"
    description: str = "A model used in the parser tests. It costs what its pricing block says."
    related: tuple[Card, ...] = ()
    base: str = BASE
    canonical: str | None = None  # defaults to the offering's own .md URL
    # sections that can be left out
    front_matter: bool = True
    header: bool = True
    pricing: bool = True
    spec: bool = True
    #: lines of promotions, code and FAQ with dollar figures that are not prices
    noise: bool = True
    #: the code example also holds a line shaped exactly like a pricing line
    code_prices: bool = True
    extra_head_lines: tuple[str, ...] = field(default=())

    @property
    def url(self) -> str:
        return f"{self.base}/models/{self.provider}/{self.model_id}.md"


def llm(**values) -> Page:
    return replace(Page(), **values)


def embedding(**values) -> Page:
    base = Page(model_id="baai-bge-large-en-v1.5", creator="baai", name="BAAI: Bge Large En V1.5",
                category="Embedding Models", task="Embeddings", input="0.016", output=None,
                headline="0.016000")
    return replace(base, **values)


def image(**values) -> Page:
    base = Page(provider="modelslab", model_id="black-forest-labs-flux-1.1-pro", creator="black-forest-labs",
                name="Black Forest Labs: Flux 1.1 Pro", category="Image Generation", task="Text to Image",
                input=None, output=None, per_image="0.04", headline="0.040000", headline_unit="image",
                spec_unit="per image")
    return replace(base, **values)


def video(**values) -> Page:
    base = Page(provider="modelslab", model_id="luma-ray-2", creator="luma", name="Luma: Ray 2",
                category="Video Generation", task="Text to Video", input=None, output=None,
                per_second="0.144", headline="0.144000", headline_unit="second", spec_unit="per second")
    return replace(base, **values)


def money(page: Page, amount: str) -> str:
    return amount if amount.lower() == "free" else page.money.format(amount)


def _card(page: Page, card: Card) -> list[str]:
    url = f"{page.base}/models/{card.provider}/{card.model_id}"
    initials = "".join(w[0] for w in card.name.replace(":", " ").split()[:2]).upper()
    license_label = "Open Source Model" if card.open_source else "Closed Source Model"
    return [f"[{initials}]({url})[{card.label}]({page.base}/models/{card.provider})", "",
            f" [{card.name}", "", f"{license_label}]({url})", ""]


def render(page: Page) -> str:
    """The page's markdown, "\\n" line endings, ending in a newline."""
    own = f"{page.base}/models/{page.provider}/{page.model_id}"
    lines: list[str] = []
    if page.front_matter:
        lines += ["---", f"title: {page.name} | {page.task} | ModelsLab",
                  f"description: Build with {page.name} API. {page.task}. Pay-per-use. Free tier.",
                  f"url: {own}.md", f"canonical: {page.canonical or own + '.md'}", "type: product",
                  "component: Playground/LLM/Index"]
        if page.generated_at:
            lines.append(f"generated_at: {page.generated_at}")
        lines += ["---", ""]
    lines += [page.name, "---", "",
              f" [LLMs.txt]({page.base}/models/open_router/{page.model_id}/llms.txt) "
              f"[.md]({page.base}/models/{page.creator}/{page.model_id}.md)", ""]
    if page.header:
        license_label = "Open Source Model" if page.open_source else "Closed Source Model"
        price = f" {money(page, page.headline)} / {page.headline_unit}" if page.headline else ""
        lines += [f"{page.model_id} {page.creator} {license_label}{price}", ""]
    lines += [page.name, "---", "", "Choose a prompt below to get started or type your own message", ""]
    if page.noise:
        lines += [" Get $5 free credits when you sign up today!", "", " Explain $0.99 pricing in simple terms", ""]
    lines += ["Send", "", f"### {page.name}", "", f"{page.creator} {page.model_id}", "", "Copy model ID", ""]
    lines += list(page.extra_head_lines)
    if page.pricing:
        block = []
        if page.input is not None:
            block.append(f"Input {money(page, page.input)} {page.token_unit}")
        if page.output is not None:
            block.append(f"Output {money(page, page.output)} {page.token_unit}")
        if page.per_image is not None:
            block.append(f"Per Image {money(page, page.per_image)} / image")
        if page.per_second is not None:
            block.append(f"Per Second {money(page, page.per_second)} / second")
        if block:
            block[0] = "Pricing" + block[0]
            lines += [x for line in block for x in (line, "")]
    lines += ["API EndpointsOpenAI Compatible", "", f"`{page.base}/api/v7/llm/chat/completions`Endpoint", "",
              "ParametersSystem MessageYou are a helpful AI assistant.", "", "Temperature0.7", "",
              "Max Tokens1000", "", "Model Info", "", "Support", "", "Related Models", "---", "",
              "Discover similar models you might be interested in", "",
              f" [View all {page.category}]({page.base}/models?feature=llmaster)", ""]
    for card in page.related:
        lines += _card(page, card)
    lines += [f"About {page.name}", "---", "", page.description, ""]
    if page.spec:
        spec_price = page.spec_price or page.headline
        price = f"Price{money(page, spec_price)} {page.spec_unit}" if spec_price else ""
        added = f"Added{page.added}" if page.added else ""
        lines += ["### Technical Specifications", "",
                  f"Model ID{page.model_id}Category{page.category}Task{page.task}{price}{added}", ""]
    lines += ["### Key Features", "", "- Chat completion and multi-turn conversation API", ""]
    if page.noise:
        lines += ["### Quick Start", "", "```", "<code>import requests", "data = {",
                  '    "model_id": "other-model",  # Input $9.99 / 1M tokens', "}",
                  *(["PricingInput $7.77 / 1M tokens"] if page.code_prices else []), "</code>", "```", "",
                  "### Pricing", "",
                  f"{page.name} API costs $123.45 per million tokens. New users get $5 free credits.", "",
                  f"{page.name} FAQ", "---", "", f"### How much does {page.name} cost?", "",
                  "Output $42.00 / 1M tokens was the old price; now it is cheaper. Save $1,000 a year.", ""]
    lines += ["---", "", "*Generated by ModelsLab - 2026-05-06*"]
    return "\n".join(lines) + "\n"


def related(n: int, base_provider: str = "open_router") -> tuple[Card, ...]:
    """``n`` distinct related cards."""
    return tuple(Card(base_provider if i % 2 else "together_ai", f"vendor-model-{i}.{i}b",
                      "Open Router" if i % 2 else "Together AI", f"Vendor: Model {i}") for i in range(n))
