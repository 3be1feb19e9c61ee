"""The fixture sites, served by LocalSite, hold what their truth.jsonl says (text level, no parser)."""

from __future__ import annotations

import http.client
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from spiders.localsite import DEFAULT_PLACEHOLDER, LocalSite
from tests.sites import SEED_PATH, SITES, fixture_root, load_truth

SEED_KEY = ("together_ai", "meta-llama-llama-3.2-1b-instruct")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def get(site: LocalSite, path_or_url: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    path = path_or_url.removeprefix(site.base_url)
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def text(site: LocalSite, path_or_url: str) -> str:
    status, _, body = get(site, path_or_url)
    assert status == 200, path_or_url
    return body.decode("utf-8")


def prices(row: dict) -> dict[str, Decimal | str]:
    return {k: v if k == "headline_unit" else Decimal(v) for k, v in row["prices"].items()}


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with LocalSite(fixture_root("site")) as running:
        yield running


@pytest.fixture(scope="module")
def truth(site: LocalSite) -> list[dict]:
    return load_truth(site.root, site.base_url)


def test_robots_txt_names_the_sitemap(site: LocalSite) -> None:
    assert text(site, "/robots.txt") == (
        f"User-agent: *\nDisallow: /api/\nDisallow: /dashboard\nSitemap: {site.base_url}/sitemap.xml\n"
    )


def test_llms_txt_links_the_indexed_offerings_and_the_seed(site: LocalSite, truth: list[dict]) -> None:
    body = text(site, "/llms.txt")
    assert body.startswith("# ModelsLab\n")
    links = LINK.findall(body)
    assert all(link.startswith(site.base_url + "/") for link in links)
    model_links = {link for link in links if link.startswith(site.base_url + "/models/")}
    assert model_links == {row["url"] for row in truth if row["in_index"]}
    seed_url = f"{site.base_url}/{SEED_PATH}"
    section = body.split("## LLM Models\n", 1)[1].split("\n## ", 1)[0]
    assert f"- [Meta: Llama 3.2 1B Instruct]({seed_url}): Together AI · Text Generation" in section


def test_sitemaps_list_the_html_urls_of_sitemap_offerings(site: LocalSite, truth: list[dict]) -> None:
    index = ET.fromstring(get(site, "/sitemap.xml")[2])
    children = [loc.text for loc in index.iter(f"{SM}loc")]
    assert children == [f"{site.base_url}/sitemap-models-1.xml"]
    status, headers, body = get(site, children[0])
    assert (status, headers["Content-Type"]) == (200, "application/xml")
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in ET.fromstring(body).iter(f"{SM}url")}
    assert set(urls) == {row["url"].removesuffix(".md") for row in truth if row["in_sitemap"]}
    assert set(urls.values()) == {"2026-11-01"}
    for url in list(urls)[:5]:  # an HTML URL is answered by the folder's index.html
        status, headers, body = get(site, url)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        assert f'href="{url}.md"'.encode() in body


def test_a_model_page_and_its_llms_txt_show_the_truth(site: LocalSite, truth: list[dict]) -> None:
    row = truth[0]
    status, headers, body = get(site, row["url"])
    assert (status, headers["Content-Type"]) == (200, "text/markdown; charset=utf-8")
    page = body.decode()
    assert f"\nurl: {row['url']}\n" in page and f"\ncanonical: {row['url']}\n" in page
    shown = re.search(r"^PricingInput \$([\d.]+) / 1M tokens$", page, re.M)
    assert shown and Decimal(shown[1]) == prices(row)["input_per_mtok"]
    shown = re.search(r"^Output \$([\d.]+) / 1M tokens$", page, re.M)
    assert shown and Decimal(shown[1]) == prices(row)["output_per_mtok"]
    cards = re.findall(rf"^ \[[^\]]*\]\({re.escape(site.base_url)}/models/([^/)]+)/([^/)]+)\)$", page, re.M)
    assert [list(c) for c in cards] == row["related"]

    llms = text(site, row["url"].removesuffix(".md") + "/llms.txt")
    assert llms.startswith(f"# {row['name']}\n")
    assert f"- Provider: {row['provider_name']} ({row['provider']})\n" in llms
    shown = re.search(r"^- Input: \$([\d.]+) / 1M tokens$", llms, re.M)
    assert shown and Decimal(shown[1]) == prices(row)["input_per_mtok"]
    assert f"- [Model page]({row['url']})" in llms


def test_the_seed_page_is_the_real_page_with_local_links(site: LocalSite) -> None:
    stored = (site.root / SEED_PATH).read_bytes()
    status, headers, body = get(site, "/" + SEED_PATH)
    assert status == 200
    assert body == stored.replace(DEFAULT_PLACEHOLDER.encode(), site.base_url.encode())
    assert headers["Last-Modified"] == "Tue, 05 May 2026 21:39:51 GMT"
    assert b"https://modelslab.com" not in body and b"https://docs.modelslab.com" in body
    alias = get(site, "/models/meta-llama/meta-llama-llama-3.2-1b-instruct.md")
    assert alias[0] == 200 and alias[2] == body
    llms = text(site, "/models/together_ai/meta-llama-llama-3.2-1b-instruct/llms.txt")
    for line in (
        "- Provider: Together AI (together_ai)",
        "- Input: $0.027 / 1M tokens",
        "- Output: $0.20 / 1M tokens",
        "- Price: $0.113500 / call",
        "- Added: February 20, 2026",
    ):
        assert line + "\n" in llms


def test_the_seed_truth_row_matches_its_page(site: LocalSite, truth: list[dict]) -> None:
    (row,) = [r for r in truth if (r["provider"], r["model_id"]) == SEED_KEY]
    assert row["url"] == f"{site.base_url}/{SEED_PATH}"
    assert prices(row) == {
        "input_per_mtok": Decimal("0.027"),
        "output_per_mtok": Decimal("0.2"),
        "headline": Decimal("0.1135"),
        "headline_unit": "call",
    }
    assert (row["in_index"], row["in_sitemap"], row["date_added"]) == (True, False, "2026-02-20")
    page = text(site, row["url"])
    cards = re.findall(rf"^ \[[^\]]*\]\({re.escape(site.base_url)}/models/([^/)]+)/([^/)]+)\)$", page, re.M)
    assert len(cards) == 18 and [list(c) for c in cards] == row["related"]


def test_the_seed_related_cards_are_dead_links(site: LocalSite, truth: list[dict]) -> None:
    (row,) = [r for r in truth if (r["provider"], r["model_id"]) == SEED_KEY]
    offerings = {(r["provider"], r["model_id"]) for r in truth}
    for provider, model_id in row["related"]:
        assert (provider, model_id) not in offerings  # no phantom offerings
        for path in (f"/models/{provider}/{model_id}", f"/models/{provider}/{model_id}.md"):
            assert get(site, path, method="HEAD")[0] == 404, path


@pytest.mark.parametrize("name", SITES)
def test_every_truth_row_has_its_page(name: str) -> None:
    with LocalSite(fixture_root(name)) as site:
        truth = load_truth(site.root, site.base_url)
        keys = [(r["provider"], r["model_id"]) for r in truth]
        assert len(keys) == len(set(keys)) and SEED_KEY in keys
        for row in truth:
            page = text(site, row["url"])
            assert f"\ncanonical: {row['url']}\n" in page, row["url"]
            assert get(site, row["url"].removesuffix(".md") + "/llms.txt", method="HEAD")[0] == 200
        assert all(r["status"] == 200 for r in site.requests)


@pytest.mark.parametrize("name", SITES)
def test_lastmod_manifest_covers_every_served_file(name: str) -> None:
    root = fixture_root(name)
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    manifest = json.loads((root / "_lastmod.json").read_text())
    assert set(manifest) == files - {"truth.jsonl", "_lastmod.json"}
    assert (root / SEED_PATH).read_bytes() == (fixture_root("site") / SEED_PATH).read_bytes()


def test_epoch1_reprices_removes_and_adds_offerings(site: LocalSite) -> None:
    epoch1 = fixture_root("site-epoch1")
    before = {(r["provider"], r["model_id"]): r for r in load_truth(site.root, site.base_url)}
    after = {(r["provider"], r["model_id"]): r for r in load_truth(epoch1, site.base_url)}
    repriced = {k for k in before.keys() & after.keys() if prices(before[k]) != prices(after[k])}
    removed, added = before.keys() - after.keys(), after.keys() - before.keys()
    # the fixture data as generated (see tests/fixtures/README.md)
    assert (len(before), len(after), len(repriced), len(removed), len(added)) == (121, 124, 21, 3, 6)
    gone = before[sorted(removed)[0]]["url"]
    new = after[sorted(added)[0]]["url"]
    assert get(site, gone)[0] == 200 and get(site, new)[0] == 404
    site.swap_root(epoch1)
    try:
        assert get(site, gone)[0] == 404 and get(site, new)[0] == 200
    finally:
        site.swap_root(fixture_root("site"))


def test_fixture_root_rejects_unknown_names() -> None:
    with pytest.raises(FileNotFoundError, match="no fixture site named 'nope'"):
        fixture_root("nope")


def test_load_truth_replaces_the_placeholder(tmp_path: Path) -> None:
    (tmp_path / "truth.jsonl").write_text(
        json.dumps({"url": "https://modelslab.com/models/a/b.md", "prices": {"headline": "1"}}) + "\n\n"
    )
    assert load_truth(tmp_path, "http://127.0.0.1:9/") == [
        {"url": "http://127.0.0.1:9/models/a/b.md", "prices": {"headline": "1"}}
    ]
