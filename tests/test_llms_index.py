"""A model's own llms.txt (and merging it into a page record), the site index /llms.txt, sitemaps."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiders.parsing import (
    ModelLlms,
    ParseError,
    Sitemap,
    merge_llms,
    parse_model_llms,
    parse_model_page,
    parse_site_index,
    parse_sitemap,
)
from tests.pagegen import image, llm, render

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
TRUTH = [json.loads(line) for line in (FIXTURES / "truth.jsonl").read_text().splitlines()]
SETTINGS = settings(max_examples=100, deadline=None)


def _files(row: dict) -> tuple[Path, Path]:
    path = row["url"].split("/models/", 1)[1]
    return FIXTURES / "models" / path, FIXTURES / "models" / path[: -len(".md")] / "llms.txt"


# --- a model's own llms.txt -----------------------------------------------------------------------


@pytest.mark.parametrize("row", TRUTH, ids=[r["category"] for r in TRUTH])
def test_model_llms_of_every_category(row):
    _, llms_file = _files(row)
    llms = parse_model_llms(llms_file.read_text(), row["url"][:-3] + "/llms.txt")
    assert (llms.provider, llms.provider_name, llms.model_id) == (row["provider"], row["provider_name"], row["model_id"])
    assert (llms.name, llms.creator, llms.category, llms.task) == (row["name"], row["creator"], row["category"], row["task"])
    assert llms.date_added == dt.date.fromisoformat(row["date_added"])
    prices = row["prices"]
    for field in ("input_per_mtok", "output_per_mtok", "per_image", "per_second"):
        assert llms.prices.get(field) == (Decimal(prices[field]) if field in prices else None), field
    assert llms.prices.get("headline") == Decimal(prices["headline"])
    assert llms.headline_unit == prices["headline_unit"]
    assert llms.currency == "USD"
    assert llms.warnings == ()


@pytest.mark.parametrize("row", TRUTH, ids=[r["category"] for r in TRUTH])
def test_page_merged_with_its_llms_matches_the_truth(row):
    page_file, llms_file = _files(row)
    record = parse_model_page(page_file.read_bytes(), row["url"])
    record = merge_llms(record, parse_model_llms(llms_file.read_text(), row["url"][:-3] + "/llms.txt"))
    assert record.canonical_url == row["url"]
    for field in ("provider", "provider_name", "creator", "model_id", "name", "category", "task", "open_source"):
        assert getattr(record, field) == row[field], field
    assert record.date_added == dt.date.fromisoformat(row["date_added"])
    prices = {k: Decimal(v) for k, v in row["prices"].items() if k != "headline_unit"}
    assert {str(k): v for k, v in record.prices.items()} == prices
    assert record.headline_unit == row["prices"]["headline_unit"]
    assert [[r.provider, r.model_id] for r in record.related] == row["related"]
    assert record.warnings == []


LLMS = """# Black Forest Labs: Flux 1.1 Pro

> Black Forest Labs: Flux 1.1 Pro (black-forest-labs-flux-1.1-pro) on ModelsLab, served by ModelsLab.

- Model ID: black-forest-labs-flux-1.1-pro
- Provider: ModelsLab (modelslab)
- Creator: black-forest-labs
- Category: Image Generation
- Task: Text to Image
- Per image: $0.04
- Price: $0.040000 / image
- Added: February 20, 2026

## Pages

- [Model page](https://modelslab.com/models/modelslab/black-forest-labs-flux-1.1-pro.md): pricing
- Per image: $9.99
"""
LLMS_URL = "https://modelslab.com/models/modelslab/black-forest-labs-flux-1.1-pro/llms.txt"


def test_rows_after_the_link_sections_are_not_read():
    assert parse_model_llms(LLMS, LLMS_URL).prices.get("per_image") == Decimal("0.04")


def test_llms_without_rows_is_an_error():
    with pytest.raises(ParseError, match="^not a model llms.txt"):
        parse_model_llms("# ModelsLab\n\n> An index.\n\n## Models\n\n- [A](https://x/a.md)\n", LLMS_URL)


def test_llms_provider_and_model_id_fall_back_to_the_url():
    text = LLMS.replace("- Model ID: black-forest-labs-flux-1.1-pro\n", "").replace("ModelsLab (modelslab)", "ModelsLab")
    llms = parse_model_llms(text, LLMS_URL)
    assert (llms.provider, llms.provider_name, llms.model_id) == ("modelslab", "ModelsLab", "black-forest-labs-flux-1.1-pro")


def test_llms_that_disagrees_with_its_url_says_so():
    llms = parse_model_llms(LLMS.replace("(modelslab)", "(fal_ai)"), LLMS_URL)
    assert llms.provider == "fal_ai"
    assert llms.warnings == ("provider 'fal_ai' differs from 'modelslab' in the llms.txt URL",)


def test_llms_per_1k_prices_are_converted():
    text = "- Model ID: m\n- Input: $0.00015 / 1K tokens\n- Output: 0.0006 EUR / 1K tokens\n"
    with pytest.raises(ParseError, match="more than one currency"):
        parse_model_llms(text, "https://modelslab.com/models/p/m/llms.txt")
    llms = parse_model_llms(text.replace("0.0006 EUR", "$0.0006"), "https://modelslab.com/models/p/m/llms.txt")
    assert (llms.prices.get("input_per_mtok"), llms.prices.get("output_per_mtok")) == (Decimal("0.15"), Decimal("0.6"))
    assert len(llms.warnings) == 2


def test_llms_crlf_bytes_and_odd_spaces():
    data = LLMS.replace("\n", "\r\n").replace("Per image: $0.04", "Per\u00a0image:\t$0.04").encode()
    assert parse_model_llms(data, LLMS_URL) == parse_model_llms(LLMS, LLMS_URL)


# --- merging ---------------------------------------------------------------------------------------


def test_merge_fills_what_the_page_left_empty():
    page = image(pricing=False, headline=None, spec=False, noise=False)  # a header line without a price
    record = parse_model_page(render(page), page.url)
    assert record.prices.get("per_image") is None and record.prices.get("headline") is None and record.category is None
    merged = merge_llms(record, parse_model_llms(LLMS, LLMS_URL))
    assert merged.prices.get("per_image") == Decimal("0.04") and str(merged.prices.get("per_image")) == "0.04"
    assert (merged.prices.get("headline"), merged.headline_unit) == (Decimal("0.040000"), "image")
    assert (merged.category, merged.task, merged.date_added) == ("Image Generation", "Text to Image", dt.date(2026, 2, 20))
    assert merged.provider_name == "ModelsLab"
    assert merged.currency == "USD"
    assert merged.warnings == []
    assert record.prices.get("per_image") is None  # not changed in place


def test_merge_keeps_the_page_where_they_disagree():
    page = image()
    record = parse_model_page(render(page), page.url)
    llms = parse_model_llms(LLMS.replace("$0.04\n", "$0.05\n").replace("Task: Text to Image", "Task: Image Edit"), LLMS_URL)
    merged = merge_llms(record, llms)
    assert merged.prices.get("per_image") == Decimal("0.04") and merged.task == "Text to Image"
    assert merged.warnings == [
        "llms.txt task Image Edit differs from the page's Text to Image; kept the page's",
        "llms.txt per_image 0.05 differs from the page's 0.04; kept the page's",
    ]


def test_merge_compares_prices_as_decimals():
    page = image(per_image="0.040")
    merged = merge_llms(parse_model_page(render(page), page.url), parse_model_llms(LLMS, LLMS_URL))
    assert merged.warnings == [] and str(merged.prices.get("per_image")) == "0.040"


def test_merge_needs_the_same_offering_case_sensitively():
    page = image()
    record = parse_model_page(render(page), page.url)
    other = parse_model_llms(LLMS.replace("flux-1.1-pro", "FLUX-1.1-pro"), LLMS_URL.replace("flux", "FLUX"))
    merged = merge_llms(record, other)
    assert merged.provider_name is None
    assert merged.warnings == [
        "llms.txt describes another offering (modelslab/black-forest-labs-FLUX-1.1-pro); not merged"]


def test_merge_does_not_mix_currencies():
    page = image(money="€{}", pricing=False)
    record = parse_model_page(render(page), page.url)
    merged = merge_llms(record, parse_model_llms(LLMS, LLMS_URL))
    assert merged.prices.get("per_image") is None and merged.currency == "EUR"
    assert merged.warnings == ["llms.txt prices are in USD, the page's in EUR; its prices not used"]
    assert merged.provider_name == "ModelsLab" and merged.category == "Image Generation"


def test_merge_recomputes_the_unit_conflict():
    page = llm(header=False)
    record = parse_model_page(render(page), page.url)
    assert record.headline_unit_conflict is False
    llms = ModelLlms(provider="together_ai", model_id="meta-llama-llama-3.2-1b-instruct",
                     prices={"headline": Decimal("0.113500")}, headline_unit="call")
    merged = merge_llms(record, llms)
    assert merged.headline_unit == "call" and merged.headline_unit_conflict is True


# --- the site index --------------------------------------------------------------------------------


def test_site_index_links_in_order():
    urls = parse_site_index((FIXTURES / "site-llms.txt").read_text())
    assert len(urls) == 22
    assert urls[0] == "https://modelslab.com/models/deepinfra/ByteDance-Seed-1.8.md"
    assert urls[-1] == "https://modelslab.com/pricing.md"  # the index links pages that are not models
    assert all(u.startswith("https://modelslab.com/") for u in urls)


def test_site_index_variants():
    text = (
        "# Site\n\n> See [the blog](https://x/blog) for news.\n\nSome [inline](https://x/inline) link.\n\n"
        "## Models\n\n- [A](/models/p/a.md): notes\n* [B](https://x/models/p/b \"title\")\n"
        "+ [C [beta]](<https://x/models/p/c>)\n- no link here\n-[D](https://x/d)\n- [E]\n"
    ).replace("\n", "\r\n")
    assert parse_site_index(text) == ["/models/p/a.md", "https://x/models/p/b", "https://x/models/p/c"]
    assert parse_site_index(text, base_url="https://x/llms.txt")[0] == "https://x/models/p/a.md"
    assert parse_site_index(b"- [A](https://x/a)\xff\n") == ["https://x/a"]


# --- sitemaps ----------------------------------------------------------------------------------------


def test_sitemap_index_fixture():
    sitemap = parse_sitemap((FIXTURES / "sitemap.xml").read_bytes())
    assert sitemap == Sitemap(sitemaps=["https://modelslab.com/sitemap-models-1.xml"], pages=[], lastmod={})


def test_urlset_fixture_with_lastmod():
    sitemap = parse_sitemap((FIXTURES / "sitemap-models-1.xml").read_bytes())
    assert sitemap.sitemaps == []
    assert len(sitemap.pages) == 20
    assert sitemap.pages[0] == "https://modelslab.com/models/deepinfra/ByteDance-Seed-1.8"
    assert sitemap.lastmod[sitemap.pages[0]] == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_sitemap_without_namespace_gzip_and_text():
    xml = ("<?xml version='1.0'?><urlset><url><loc> https://x/models/p/a </loc>"
           "<lastmod>2026-11-01T06:00:00+02:00</lastmod></url><url><loc>https://x/b</loc>"
           "<lastmod>yesterday</lastmod></url><url><lastmod>2026-01-01</lastmod></url></urlset>")
    expected = Sitemap(pages=["https://x/models/p/a", "https://x/b"],
                       lastmod={"https://x/models/p/a": dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC)})
    assert parse_sitemap(xml) == expected
    assert parse_sitemap(xml.encode()) == expected
    assert parse_sitemap(gzip.compress(xml.encode())) == expected


def test_sitemap_with_a_prefixed_namespace():
    xml = ('<s:sitemapindex xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9">'
           "<s:sitemap><s:loc>https://x/a.xml</s:loc></s:sitemap></s:sitemapindex>")
    assert parse_sitemap(xml).sitemaps == ["https://x/a.xml"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset><url><loc>&lol3;</loc></url></urlset>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><urlset><url><loc>&xxe;</loc></url></urlset>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL, '<!DOCTYPE urlset SYSTEM "http://x/dtd"><urlset/>'])
def test_sitemap_with_a_doctype_or_entities_is_refused(xml):
    with pytest.raises(ParseError, match="^sitemap declares a DOCTYPE or entities; refused$"):
        parse_sitemap(xml)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "not well-formed"),
    (b"<urlset><url><loc>x</loc></url>", "not well-formed"),
    (b"<html><body>404</body></html>", "^not a sitemap: root element is <html>$"),
    (b"\x1f\x8b\x08garbage", "not valid gzip"),
    ("<urlset><loc>&undefined;</loc></urlset>", "not well-formed"),
])
def test_broken_sitemaps(data, message):
    with pytest.raises(ParseError, match=message):
        parse_sitemap(data)


# --- only ParseError, whatever the input ---------------------------------------------------------------


def _only_parse_error(call):
    try:
        call()
    except ParseError as exc:
        assert not str(exc).startswith("internal parser error"), str(exc)


@SETTINGS
@given(st.one_of(st.text(max_size=2000), st.binary(max_size=2000)))
def test_random_input_to_every_parser(data):
    _only_parse_error(lambda: parse_model_llms(data, LLMS_URL))
    _only_parse_error(lambda: parse_site_index(data))
    _only_parse_error(lambda: parse_sitemap(data))


@SETTINGS
@given(st.lists(st.sampled_from(LLMS.split("\n") + ["- Price: Free", "- Input: €1 / image", "- Added: 2026-13-45"]),
                max_size=30), st.text(max_size=40))
def test_random_llms_lines_and_urls(lines, url):
    _only_parse_error(lambda: parse_model_llms("\n".join(lines), url))
