"""Refreshing the LiteLLM and genai-prices documents three times from a copy served on 127.0.0.1,
on SQLite and PostgreSQL: the first stores every price; the second is answered 304 and adds no
row; a changed document yields exactly its changed prices in ``catalog changes``. (OpenRouter's
three refreshes are in tests/test_openrouter.py.)"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.cli import cli
from catalog.refresh import run_refresh
from catalog.schema import Price
from spiders.documents import genai_prices, litellm
from tests.documents import DOCUMENTS, DocumentSite

LITELLM = DOCUMENTS / "litellm" / "model_prices_and_context_window.json"
GENAI = DOCUMENTS / "genai-prices" / "data.json"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


class GenaiOnJune1(genai_prices.GenaiPricesSource):
    """genai-prices read as of NOW, so which dated step is current does not depend on the test's day."""

    def parse(self, body: bytes, url: str):
        return genai_prices.parse(body, url, now=NOW)


def edit(path: Path, change) -> None:
    """Rewrite the JSON document at PATH through CHANGE(document), keeping every number's literal
    text (numbers are read as marked strings and written back bare)."""
    document = json.loads(path.read_text(), parse_float=lambda s: f"@num@{s}", parse_int=lambda s: f"@num@{s}")
    change(document)
    path.write_text(re.sub(r'"@num@([^"]*)"', r"\1", json.dumps(document, indent=1)))


def price_rows(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Price))


def changes(db_url: str, source: str) -> dict:
    printed = CliRunner().invoke(cli, ["changes", "--source", source, "--json", "--db", db_url])
    assert printed.exit_code == 0, printed.output
    return json.loads(printed.output)


def refresh_three_times(engine, tmp_path: Path, fixture: Path, source, whole, change) -> tuple[int, int]:
    """Refresh SOURCE from a served copy of FIXTURE made WHOLE (its deliberately unreadable entries
    dropped: a document read in part is read again in full next time, tests/test_document_sources.py);
    again unchanged; again after CHANGE. Return the price rows after the first and the second refresh."""
    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copy(fixture, folder / fixture.name)
    edit(folder / fixture.name, whole)
    assert source.parse((folder / fixture.name).read_bytes(), "https://x.test/doc").failures == []
    with DocumentSite(folder, fixture.name, path="/" + fixture.name) as site:
        first = run_refresh(engine, source, site=site.document_url)
        assert first.run.status == "complete", first
        rows = price_rows(engine)
        second = run_refresh(engine, source, site=site.document_url)
        assert second.run.status == "complete", second
        assert (second.run.pages_fetched, second.run.pages_not_modified) == (0, 1)
        again = price_rows(engine)
        edit(folder / fixture.name, change)
        third = run_refresh(engine, source, site=site.document_url)
        assert third.run.status == "complete", third
        assert [(r["status"], r["conditional"]) for r in site.requests] == [(200, False), (304, True), (200, True)]
    return rows, again


def test_litellm_304_then_exactly_the_changed_prices(engine, db_url, tmp_path):
    def change(doc: dict) -> None:
        doc["gpt-4o"]["input_cost_per_token"] = "@num@2.75e-06"  # 2.5 -> 2.75 per 1M
        doc["gpt-4o"]["output_cost_per_token_batches"] = "@num@0.000004"  # batch output 5 -> 4 per 1M
        del doc["deepseek/deepseek-chat"]
        doc["deepseek/deepseek-v4"] = {"litellm_provider": "deepseek", "mode": "chat",
                                       "input_cost_per_token": "@num@2.7e-07", "output_cost_per_token": "@num@1.1e-06"}

    def whole(doc: dict) -> None:
        for key in [k for k in doc if k.startswith("odd/")]:
            del doc[key]

    rows, again = refresh_three_times(engine, tmp_path, LITELLM, litellm.LiteLLMSource(), whole, change)
    assert rows > 0 and again == rows
    report = changes(db_url, "litellm")
    assert (report["source"], report["added"], report["removed"]) == (
        "litellm", [{"provider": "deepseek", "model_id": "deepseek/deepseek-v4"}],
        [{"provider": "deepseek", "model_id": "deepseek/deepseek-chat"}])
    assert [(c["provider"], c["model_id"], c["component"], c["old"], c["new"], c["percent"])
            for c in report["price_changes"]] == [
        ("openai", "gpt-4o", "input_per_mtok", "2.5", "2.75", "10.00"),  # in the registry's order
        ("openai", "gpt-4o", "batch_output_per_mtok", "5", "4", "-20.00"),
    ]


def test_genai_prices_304_then_exactly_the_changed_prices(engine, db_url, tmp_path):
    def change(doc: list) -> None:
        [openai] = [p for p in doc if isinstance(p, dict) and p.get("id") == "openai"]
        [gpt_4o] = [m for m in openai["models"] if m.get("id") == "gpt-4o"]
        assert isinstance(gpt_4o["prices"], dict), gpt_4o["prices"]
        gpt_4o["prices"]["output_mtok"] = "@num@9"
        [deepseek] = [p for p in doc if isinstance(p, dict) and p.get("id") == "deepseek"]
        deepseek["models"] = [{"id": "deepseek-v4", "name": "DeepSeek V4", "match": {"equals": "deepseek-v4"},
                               "prices": {"input_mtok": "@num@0.27", "output_mtok": "@num@1.1"}}]

    def whole(doc: list) -> None:
        doc[:] = [p for p in doc if isinstance(p, dict) and p.get("id") not in (None, "odd")]

    rows, again = refresh_three_times(engine, tmp_path, GENAI, GenaiOnJune1(), whole, change)
    assert rows > 0 and again == rows
    report = changes(db_url, "genai-prices")
    assert (report["added"], report["removed"]) == (
        [{"provider": "deepseek", "model_id": "deepseek-v4"}], [{"provider": "deepseek", "model_id": "deepseek-chat"}])
    [changed] = report["price_changes"]
    assert (changed["model_id"], changed["component"], Decimal(changed["new"]), changed["percent"]) == (
        "gpt-4o", "output_per_mtok", Decimal(9), "-10.00")


def test_validators_another_source_stored_are_not_sent(engine):
    """The same URL read as OpenRouter's document, then (by mistake) as LiteLLM's: LiteLLM's refresh
    must not send OpenRouter's validators, be told 304 and call OpenRouter's list LiteLLM's, unchanged."""
    from spiders.documents.openrouter import OpenRouterSource

    with DocumentSite(DOCUMENTS / "openrouter", "models.json") as site:
        assert run_refresh(engine, OpenRouterSource(), site=site.document_url).run.status == "complete"
        wrong = run_refresh(engine, litellm.LiteLLMSource(), site=site.document_url)
        again = run_refresh(engine, OpenRouterSource(), site=site.document_url)
        assert [(r["status"], r["conditional"]) for r in site.requests] == [(200, False), (200, False), (304, True)]
    assert (wrong.run.status, wrong.run.pages_not_modified, wrong.run.offerings_unchanged) == ("failed", 0, 0)
    assert "the document lists no entries" in wrong.run.error
    # OpenRouter's own validators still hold for OpenRouter
    assert (again.run.status, again.run.offerings_unchanged) == ("complete", 26)
