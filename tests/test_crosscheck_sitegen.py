"""The fixture catalog site (generated from LiteLLM 1.110.2's prices) and the LiteLLM entries it was
generated from, both refreshed, on SQLite and PostgreSQL: the offerings the two share get one model
key; `crosscheck` reports nothing; once the site moves to epoch 1, `crosscheck` reports exactly the
re-priced offerings that LiteLLM also lists, with both values and their provenance.

tests/fixtures/documents/litellm/sitegen_site.json holds the LiteLLM entries of the fixture sites'
offerings (identifiers and price fields), less four (two of them re-priced in epoch 1), so that
"also lists" is tested too; tests/fixtures/identity/sitegen_offerings.tsv says which entry each
page was generated from."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from catalog import Catalog
from spiders.localsite import LocalSite
from tests.crawling import catalog, refresh
from tests.documents import DOCUMENTS, DocumentSite
from tests.sites import fixture_root, load_truth

pytestmark = pytest.mark.slow

DOCUMENT = DOCUMENTS / "litellm" / "sitegen_site.json"
GENERATED_FROM = fixture_root("site").parent / "identity" / "sitegen_offerings.tsv"
TOKEN_PRICES = ("input_per_mtok", "output_per_mtok")


def generated_from() -> dict[tuple[str, str], str]:
    """(provider, model ID) of a site page -> the LiteLLM key it was generated from."""
    lines = [line for line in GENERATED_FROM.read_text().splitlines() if not line.startswith("#")]
    return {(r["provider"], r["model_id"]): r["litellm_key"] for r in csv.DictReader(lines, delimiter="\t")}


def crosscheck(db_url: str) -> list[dict]:
    done = catalog("crosscheck", "--source", "modelslab", "--source", "litellm", "--json", db_url=db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_the_site_and_litellm_agree_then_disagree_on_exactly_the_re_priced_offerings(db_url):
    listed = set(json.loads(DOCUMENT.read_text()))
    pages = generated_from()
    with LocalSite(fixture_root("site")) as site, DocumentSite(DOCUMENTS / "litellm", DOCUMENT.name,
                                                               path="/" + DOCUMENT.name) as document:
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        done = catalog("refresh", "--source", "litellm", "--site", document.document_url, db_url=db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        epoch0 = {(r["provider"], r["model_id"]): r for r in load_truth(site.root, site.base_url)}

        # one model key for every offering the two share
        with Catalog.open(db_url) as cat:
            keys = {(v.source, v.provider, v.model_id): v.model_key for v in cat.offerings()}
        shared = {page: pages[page] for page in epoch0 if pages.get(page) in listed}
        assert len(shared) == 116  # 120 pages generated from LiteLLM, 4 entries left out of the copy
        for (provider, model_id), entry in shared.items():
            assert keys[("modelslab", provider, model_id)] is not None, model_id
            assert keys[("modelslab", provider, model_id)] == keys[("litellm", provider, entry)], model_id
        assert crosscheck(db_url) == []

        site.swap_root(fixture_root("site-epoch1"))
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        epoch1 = {(r["provider"], r["model_id"]): r for r in load_truth(site.root, site.base_url)}

    # what the truth files say moved, on offerings LiteLLM lists: (model key, provider, component) -> (old, new)
    moved = {}
    for page in epoch0.keys() & epoch1.keys():
        if pages.get(page) not in listed:
            continue
        for component in TOKEN_PRICES:
            old, new = epoch0[page]["prices"].get(component), epoch1[page]["prices"].get(component)
            if old != new:
                moved[(keys[("modelslab", *page)], page[0], component)] = (page, Decimal(old), Decimal(new))
    assert len({page for page, _, _ in moved.values()}) == 19  # 21 re-priced, 2 of them not in the copy

    found = crosscheck(db_url)
    reported = {(d["model"], d["provider"], d["component"]): d for d in found}
    assert set(reported) == set(moved)  # precision and recall 1: nothing else, nothing missed
    for key, d in reported.items():
        (provider, model_id), old, new = moved[key]
        by_source = {v["source"]: v for v in d["values"]}
        assert Decimal(by_source["modelslab"]["amount"]) == new and Decimal(by_source["litellm"]["amount"]) == old
        assert by_source["modelslab"]["offering"] == f"{provider}/{model_id}"
        assert by_source["litellm"]["offering"] == f"litellm:{provider}/{pages[(provider, model_id)]}"
        assert by_source["modelslab"]["url"].endswith(f"/models/{provider}/{model_id}.md")
        assert by_source["litellm"]["url"] == f"{document.document_url}#{pages[(provider, model_id)]}"
    alert = catalog("crosscheck", "--fail-on-discrepancy", db_url=db_url)
    assert alert.returncode == 3, alert.stdout + alert.stderr
