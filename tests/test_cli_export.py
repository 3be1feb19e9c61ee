"""`catalog export` with the filters of `models`, and CSV that a spreadsheet opens as text."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from tests.catalog_data import RECORDS, fill

HEADER = (
    "provider,provider_name,model_id,name,creator,category,task,open_source,input_per_mtok,output_per_mtok,"
    "per_image,per_second,headline_price,headline_unit,date_added,source_url,first_seen,last_seen\n"
)
SEEN = "2026-11-01T06:00:00+00:00,2026-11-08T06:00:00+00:00"


@pytest.fixture
def catalog_db(engine, db_url) -> str:
    fill(engine)
    return db_url


def run(db_url: str, *args: str):
    return CliRunner().invoke(cli, ["export", *args, "--db", db_url], prog_name="catalog")


def _row(name: str, model_id: str, prices: str) -> str:
    return (f"open_router,OpenRouter,{model_id},{name},formula,LLM Models,Text Generation,,{prices},call,,"
            f"https://catalog.test/models/open_router/{model_id}.md,{SEEN}\n")


def test_formula_cells_are_neutralised_and_prices_stay_numbers(catalog_db):
    result = run(catalog_db, "formula")
    assert result.exit_code == 0
    assert result.output == HEADER + "".join([
        _row("'@SUM(A1)", "formula-at", "3,6,,,4.500000"),
        _row('"\'=HYPERLINK(""http://x"")"', "formula-hyperlink", "0.5,1.5,,,1.000000"),
        _row("'-2", "formula-minus", "2,4,,,3.000000"),
        _row("'+1", "formula-plus", "1,2,,,1.500000"),
    ])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    # what a spreadsheet receives in each cell: every formula trigger behind a quote, as text ...
    assert [r["name"] for r in rows] == ["'@SUM(A1)", "'=HYPERLINK(\"http://x\")", "'-2", "'+1"]
    # ... and every price a plain number (no prefix, no quotes), exactly the page's digits
    stored = {r.model_id: r for r in RECORDS}
    for row in rows:
        rec = stored[row["model_id"]]
        assert (row["input_per_mtok"], row["output_per_mtok"], row["headline_price"]) == (
            str(rec.input_per_mtok), str(rec.output_per_mtok), str(rec.headline_price))
    assert [r["input_per_mtok"] for r in rows] == ["3", "0.5", "2", "1"]


def test_raw_turns_neutralising_off(catalog_db):
    result = run(catalog_db, "formula", "--raw")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["name"] for r in rows] == ["@SUM(A1)", '=HYPERLINK("http://x")', "-2", "+1"]
    assert [r["headline_price"] for r in rows] == ["4.500000", "1.000000", "3.000000", "1.500000"]


def test_filters_like_models(catalog_db):
    result = run(catalog_db, "llama", "1b", "--provider", "DeepInfra", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [{
        "provider": "deepinfra", "provider_name": "DeepInfra", "model_id": "meta-llama-llama-3.2-1b-instruct",
        "name": "Meta: Llama 3.2 1B Instruct", "creator": "meta-llama", "category": "LLM Models",
        "task": "Text Generation", "open_source": False, "input_per_mtok": "0.01", "output_per_mtok": "0.05",
        "per_image": None, "per_second": None, "headline_price": "0.030000", "headline_unit": "call",
        "date_added": "2026-03-01",
        "source_url": "https://catalog.test/models/deepinfra/meta-llama-llama-3.2-1b-instruct.md",
        "first_seen": "2026-11-01T06:00:00+00:00", "last_seen": "2026-11-08T06:00:00+00:00", "related": [],
    }]
    images = run(catalog_db, "--category", "image generation")
    assert images.output == HEADER + (
        "together_ai,Together AI,black-forest-labs-flux-1-schnell,Black Forest Labs: FLUX.1 [schnell],"
        "black-forest-labs,Image Generation,Text to Image,,,,0.003,,0.003,image,2025-11-02,"
        f"https://catalog.test/models/together_ai/black-forest-labs-flux-1-schnell.md,{SEEN}\n"
    )


def test_without_filters_every_current_offering(catalog_db, tmp_path):
    out = tmp_path / "all.csv"
    result = run(catalog_db, "--output", str(out))
    assert (result.exit_code, result.output) == (0, f"12 offerings written to {out}\n")
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 12


def test_nothing_matched_exits_1(catalog_db):
    result = run(catalog_db, "llama", "--category", "Video Generation")
    assert (result.exit_code, result.output) == (
        1, "Error: no offerings match 'llama' and category 'Video Generation'; list them with `catalog models`\n")
