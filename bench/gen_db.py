"""Generate a large catalog database for benchmarks: N offerings (default 100,000).

    python bench/gen_db.py                                  # 100,000 offerings, SQLite in $TMPDIR
    python bench/gen_db.py --count 20000 --db sqlite:////tmp/x.sqlite3
    python bench/gen_db.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench --replace
    python bench/gen_db.py --count 2000 --store             # through catalog.store.observe (slow, exact)

The catalog looks like the real site's, scaled up: ~40 providers, model IDs offered by one to five
providers each, about 80% LLMs (input and output per 1M tokens, a blended "/ call" headline), 7%
embedding models (input only), 8% image models (per image) and 5% video models (per second); 1% of
offerings are priced in EUR and 2% lack an output price. The same --seed gives the same catalog.

By default the rows are written with bulk INSERTs into the migrated schema (one crawl run, every
offering present, every price open): about 10-30 s for 100,000 offerings. --store writes the same
offerings through catalog.store (start_run / observe / finish_run) in batches of 1,000: slower, but
exactly what a refresh would write; use it to check the bulk path on a small --count.

Prints the database URL on the last line of standard output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SITE = "https://bench.catalog.test"
FETCHED_AT = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)

PROVIDERS = [
    ("together_ai", "Together AI"), ("deepinfra", "DeepInfra"), ("open_router", "OpenRouter"),
    ("fireworks_ai", "Fireworks AI"), ("groq", "Groq"), ("replicate", "Replicate"), ("bedrock", "Amazon Bedrock"),
    ("vertex_ai", "Google Vertex AI"), ("azure", "Azure"), ("mistral", "Mistral"), ("anthropic", "Anthropic"),
    ("openai", "OpenAI"), ("cerebras", "Cerebras"), ("sambanova", "SambaNova"), ("novita", "Novita AI"),
    ("hyperbolic", "Hyperbolic"), ("lambda", "Lambda"), ("nebius", "Nebius"), ("cloudflare", "Cloudflare"),
    ("perplexity", "Perplexity"), ("cohere", "Cohere"), ("ai21", "AI21"), ("baseten", "Baseten"),
    ("modal", "Modal"), ("runpod", "RunPod"), ("octoai", "OctoAI"), ("anyscale", "Anyscale"),
    ("friendli", "Friendli"), ("lepton", "Lepton"), ("featherless", "Featherless"), ("chutes", "Chutes"),
    ("parasail", "Parasail"), ("inference_net", "Inference.net"), ("kluster", "Kluster"),
    ("avian", "Avian"), ("targon", "Targon"), ("ncompass", "nCompass"), ("crusoe", "Crusoe"),
    ("scaleway", "Scaleway"), ("ovhcloud", "OVHcloud"),
]
#: family -> (creator, weight, category)
FAMILIES = {
    "llama": ("meta-llama", 8, "llm"), "qwen": ("Qwen", 8, "llm"), "mistral": ("mistralai", 5, "llm"),
    "mixtral": ("mistralai", 2, "llm"), "gemma": ("google", 4, "llm"), "gemini": ("google", 3, "llm"),
    "gpt": ("openai", 4, "llm"), "claude": ("anthropic", 3, "llm"), "deepseek": ("deepseek-ai", 5, "llm"),
    "phi": ("microsoft", 3, "llm"), "command": ("cohere", 2, "llm"), "granite": ("ibm", 2, "llm"),
    "nemotron": ("nvidia", 2, "llm"), "yi": ("01-ai", 1, "llm"), "glm": ("zai-org", 2, "llm"),
    "kimi": ("moonshotai", 2, "llm"), "minimax": ("MiniMaxAI", 2, "llm"), "hermes": ("NousResearch", 2, "llm"),
    "olmo": ("allenai", 1, "llm"), "jamba": ("ai21", 1, "llm"),
    "embed": ("BAAI", 3, "embedding"), "e5": ("intfloat", 2, "embedding"), "nomic-embed": ("nomic-ai", 1, "embedding"),
    "flux": ("black-forest-labs", 4, "image"), "sdxl": ("stabilityai", 2, "image"), "imagen": ("google", 1, "image"),
    "dall-e": ("openai", 1, "image"),
    "veo": ("google", 1, "video"), "kling": ("kuaishou", 2, "video"), "wan": ("Wan-AI", 1, "video"),
    "hunyuan-video": ("tencent", 1, "video"),
}
CATEGORIES = {
    "llm": ("LLM Models", "Text Generation"),
    "embedding": ("Embedding Models", "Embeddings"),
    "image": ("Image Generation", "Text to Image"),
    "video": ("Video Generation", "Text to Video"),
}
SIZES = ["0.5b", "1b", "1.5b", "3b", "7b", "8b", "13b", "14b", "32b", "70b", "72b", "405b", "mini", "small", "large", "xl"]
VARIANTS = ["instruct", "chat", "base", "turbo", "preview", "fast", "pro", "lite", "vision", "coder", "it", "hf"]


def money(rng: random.Random, low: float, high: float) -> Decimal:
    """A plausible list price with 2 to 6 decimals (Decimal from text: no float noise)."""
    places = rng.choice((2, 2, 3, 3, 4, 6))
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def generate(count: int, seed: int) -> list[dict]:
    """COUNT offerings as dicts (provider, model_id, prices, ...), model IDs shared across providers."""
    rng = random.Random(seed)
    families = list(FAMILIES)
    weights = [FAMILIES[f][1] for f in families]
    offerings: list[dict] = []
    taken: set[tuple[str, str]] = set()
    model_ids: set[str] = set()
    while len(offerings) < count:
        family = rng.choices(families, weights)[0]
        creator, _, kind = FAMILIES[family]
        version = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}"
        model_id = f"{creator}-{family}-{version}-{rng.choice(SIZES)}-{rng.choice(VARIANTS)}-{rng.randint(1, 9999)}"
        if model_id in model_ids:
            continue
        model_ids.add(model_id)
        name = f"{creator.split('-')[0].title()}: {family.title()} {version} {model_id.split('-')[-3].upper()}"
        description = (  # about the length of the seed page's (216 characters)
            f"{name} is a {CATEGORIES[kind][1].lower()} model by {creator}, tuned for {rng.choice(VARIANTS)} use. "
            f"It balances quality and cost for production workloads such as summarization, dialogue and "
            f"multilingual analysis."
        )
        added = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        for provider, provider_name in rng.sample(PROVIDERS, rng.choice((1, 1, 2, 3, 4, 5))):
            if len(offerings) >= count or (provider, model_id) in taken:
                break
            taken.add((provider, model_id))
            prices: dict[str, Decimal] = {}
            if kind == "llm":
                prices["input_per_mtok"] = money(rng, 0.01, 15)
                if rng.random() >= 0.02:
                    prices["output_per_mtok"] = money(rng, 0.02, 60)
                    headline = ((prices["input_per_mtok"] + prices["output_per_mtok"]) / 2).quantize(Decimal("0.000001"))
                else:
                    headline = prices["input_per_mtok"]
                prices["headline"], unit = headline, "call"
            elif kind == "embedding":
                prices["input_per_mtok"] = prices["headline"] = money(rng, 0.005, 0.2)
                unit = "call"
            elif kind == "image":
                prices["per_image"] = prices["headline"] = money(rng, 0.002, 0.2)
                unit = "image"
            else:
                prices["per_second"] = prices["headline"] = money(rng, 0.01, 0.8)
                unit = "second"
            category, task = CATEGORIES[kind]
            offerings.append(
                {
                    "provider": provider,
                    "provider_name": provider_name,
                    "model_id": model_id,
                    "creator": creator,
                    "name": name,
                    "description": description,
                    "category": category,
                    "task": task,
                    "open_source": rng.random() < 0.5,
                    "date_added": added,
                    "currency": "EUR" if rng.random() < 0.01 else "USD",
                    "prices": prices,
                    "headline_unit": unit,
                    "spec_unit": "per million tokens" if unit == "call" else f"per {unit}",
                    "url": f"{SITE}/models/{provider}/{model_id}.md",
                }
            )
    return offerings


def write_bulk(engine, offerings: list[dict]) -> None:
    """Insert rows straight into the migrated schema: one complete run, every price open."""
    from sqlalchemy import insert, text
    from sqlalchemy.orm import Session

    from catalog.components import by_name
    from catalog.schema import CrawlRun, Model, Offering, Presence, Price, Provider

    at = FETCHED_AT
    provider_ids = {p: i for i, p in enumerate(dict.fromkeys(o["provider"] for o in offerings), 1)}
    names = {o["provider"]: o["provider_name"] for o in offerings}
    model_ids: dict[str, int] = {}
    creators: dict[str, str] = {}
    for o in offerings:
        model_ids.setdefault(o["model_id"], len(model_ids) + 1)
        creators[o["model_id"]] = o["creator"]
    offering_rows, presence_rows, price_rows = [], [], []
    for i, o in enumerate(offerings, 1):
        offering_rows.append(
            {
                "id": i, "provider_id": provider_ids[o["provider"]], "model_ref_id": model_ids[o["model_id"]],
                "name": o["name"], "category": o["category"], "task": o["task"], "open_source": o["open_source"],
                "description": o["description"],
                "date_added": o["date_added"], "source_url": o["url"], "headline_spec_unit": o["spec_unit"],
                "headline_unit_conflict": o["headline_unit"] == "call", "content_hash": f"{i:064x}",
                "first_seen_at": at, "last_seen_at": at, "last_fetched_at": at,
                "first_run_id": 1, "last_seen_run_id": 1,
            }
        )
        presence_rows.append({"id": i, "offering_id": i, "opened_run_id": 1, "opened_at": at})
        for component, amount in o["prices"].items():
            unit = o["headline_unit"] if component == "headline" else by_name(component).unit
            price_rows.append(
                {
                    "id": len(price_rows) + 1, "offering_id": i, "component": component, "amount": amount,
                    "currency": o["currency"], "unit": unit, "suspect": False, "valid_from": at,
                    "last_seen_at": at, "opened_run_id": 1, "last_run_id": 1, "source_url": o["url"],
                    "fetched_at": at, "content_hash": f"{i:064x}",
                }
            )
    with Session(engine) as session, session.begin():
        session.execute(
            insert(CrawlRun),
            [{"id": 1, "site": SITE, "started_at": at, "finished_at": at, "status": "complete",
              "pages_fetched": len(offerings), "offerings_new": len(offerings)}],
        )
        session.execute(insert(Provider), [{"id": i, "slug": p, "name": names[p]} for p, i in provider_ids.items()])
        for table, rows in (
            (Model, [{"id": i, "model_id": m, "creator": creators[m]} for m, i in model_ids.items()]),
            (Offering, offering_rows),
            (Presence, presence_rows),
            (Price, price_rows),
        ):
            for start in range(0, len(rows), 20_000):
                session.execute(insert(table), rows[start : start + 20_000])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("crawl_runs", "providers", "models", "offerings", "offering_presence", "prices"):
                session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
                )


def write_store(engine, offerings: list[dict], batch: int = 1000) -> None:
    """Write through catalog.store, as a refresh would, in batches of BATCH pages."""
    from sqlalchemy.orm import Session

    from catalog import store
    from catalog.records import Fetch, Observation, PageRecord

    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE, now=FETCHED_AT)
        for start in range(0, len(offerings), batch):
            observations = []
            for o in offerings[start : start + batch]:
                p = o["prices"]
                record = PageRecord(
                    canonical_url=o["url"], provider=o["provider"], model_id=o["model_id"],
                    provider_name=o["provider_name"], name=o["name"], creator=o["creator"],
                    open_source=o["open_source"], category=o["category"], task=o["task"],
                    description=o["description"],
                    currency=o["currency"], prices={k: v for k, v in p.items() if v is not None},
                    headline_unit=o["headline_unit"], headline_spec_unit=o["spec_unit"],
                    headline_unit_conflict=o["headline_unit"] == "call", date_added=o["date_added"],
                )
                fetch = Fetch(url=o["url"], http_status=200, fetched_at=FETCHED_AT,
                              content_hash=f"{start + len(observations) + 1:064x}")
                observations.append(Observation(record=record, fetch=fetch))
            store.observe(session, run, observations)
        store.finish_run(session, run, "complete", now=FETCHED_AT)


def default_url(count: int) -> str:
    folder = Path(tempfile.gettempdir()) / "catalog-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'offerings-{count}.sqlite3'}"


def build(url: str, count: int, seed: int = 7, *, replace: bool = False, via_store: bool = False) -> float:
    """Create the database at URL with COUNT offerings; returns the seconds it took."""
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session

    from catalog import db
    from catalog.schema import Offering

    started = time.perf_counter()
    parsed = make_url(url)
    if replace:
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        else:  # drop catalog's own tables only, through its migrations
            engine = db.make_engine(url)
            if db.current_revision(engine) is not None:
                db.downgrade(engine, "base")
            engine.dispose()
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Offering)):
            raise SystemExit(f"{db.describe(engine)} already holds offerings; pass --replace to start again")
    offerings = generate(count, seed)
    (write_store if via_store else write_bulk)(engine, offerings)
    engine.dispose()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="offerings to generate (default 100000)")
    parser.add_argument("--db", help="database URL (default: a SQLite file under $TMPDIR/catalog-bench)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replace", action="store_true", help="delete an existing database first")
    parser.add_argument("--store", action="store_true", help="write through catalog.store (slow, exact)")
    args = parser.parse_args(argv)
    url = args.db or default_url(args.count)
    seconds = build(url, args.count, args.seed, replace=args.replace, via_store=args.store)
    print(f"{args.count} offerings written in {seconds:.1f} s", file=sys.stderr)
    print(url)


if __name__ == "__main__":
    main()
