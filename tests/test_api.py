"""The front door: the README's Python API example runs as written, and Catalog answers exactly
what the commands print (they are one call on it), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

import catalog
from catalog import Catalog, EmptyCatalog, NoMatch, NotFound, Workload
from spiders.localsite import LocalSite
from tests import pagegen
from tests.crawling import catalog as run_catalog
from tests.crawling import refresh
from tests.sites import fixture_root

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(params=["sample", "site"])
def refreshed(request, tmp_path, monkeypatch) -> Path:
    """prices.db in a folder of its own, refreshed twice (two complete runs) from the sample or the fixture site."""
    monkeypatch.chdir(tmp_path)
    url = "sqlite:///prices.db"
    with LocalSite(fixture_root(request.param)) as site:
        for _ in range(2):
            done = refresh(site.base_url, f"sqlite:///{tmp_path / 'prices.db'}")
            assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path / url.removeprefix("sqlite:///")


def test_the_readme_example_runs_as_written(refreshed, capsys):
    exec(compile(readme_example(), "README.md", "exec"), {})  # noqa: S102 - the project's own README
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "together_ai/meta-llama-llama-3.2-1b-instruct 0.027"
    assert printed[2] == "together_ai/meta-llama-llama-3.2-1b-instruct"  # the typo's nearest key
    key, cost, currency, missing = printed[1].split(" ", 3)
    assert (currency, missing) == ("USD", "[]") and Decimal(cost) > 0


def test_the_public_names():
    assert set(catalog.__all__) >= {"Catalog", "Workload", "NotFound", "Quote", "OfferingView", "RunView",
                                    "CatalogError", "__version__"}
    assert all(hasattr(catalog, name) for name in catalog.__all__)
    assert issubclass(NotFound, LookupError)
    assert (ROOT / "catalog" / "py.typed").is_file()


@pytest.fixture
def crawled(db_url) -> str:
    """The fixture site refreshed into DB_URL, plus a page priced per call."""
    with EndpointSite(fixture_root("site")) as site:
        done = refresh(site.base_url, db_url)
        assert done.returncode == 0, done.stdout + done.stderr
    return db_url


class EndpointSite(LocalSite):
    """The fixture site, plus a ModelsLab API endpoint priced per call, linked from the index."""

    PATH = "/models/modelslab/flux-kontext-pro.md"

    def respond(self, request):
        if request.path == self.PATH:
            page = pagegen.image(provider="modelslab", model_id="flux-kontext-pro", creator="black-forest-labs",
                                 name="Flux Kontext Pro", task="Image Editing", per_image=None, headline="0.470000",
                                 headline_unit="call", spec_unit="per call", pricing=False, base=self.base_url)
            return self.text_page(pagegen.render(page))
        response = super().respond(request)
        if request.path == "/llms.txt" and response.status == 200:
            response.body = response.body + f"- [Flux Kontext Pro]({self.url(self.PATH)})\n".encode()
            response.headers.pop("ETag", None)
        return response

    @staticmethod
    def text_page(text: str):
        from spiders.localsite import Response

        return Response(200, text.encode(), content_type="text/markdown; charset=utf-8")


def test_compare_equals_the_command(crawled):
    workload = ["-i", "1.5M", "-o", "200k"]
    printed = run_catalog("compare", "llama", *workload, "--json", db_url=crawled)
    assert printed.returncode == 0, printed.stderr
    with Catalog.open(crawled) as cat:
        quotes = cat.compare("llama", Workload(input_tokens=1_500_000, output_tokens=200_000))
    assert [(q["provider"], q["model_id"], q["cost"], q["missing"]) for q in json.loads(printed.stdout)] == [
        (q.offering.provider, q.offering.model_id, None if q.cost is None else _plain(q.cost), q.missing) for q in quotes
    ]
    assert len(quotes) > 5


def _plain(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_a_crawled_page_priced_per_call_is_costed_per_call(crawled):
    printed = run_catalog("compare", "flux kontext", "--calls", "1000", "--json", db_url=crawled)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == [{
        "source": "modelslab", "offering": "modelslab/flux-kontext-pro", "provider": "modelslab", "model_id": "flux-kontext-pro", "name": "Flux Kontext Pro", "currency": "USD",
        "cost": "470", "missing": [], "costs": {"calls": "470"},
    }]
    with Catalog.open(crawled) as cat:
        [quote] = cat.compare("flux kontext", Workload(calls=1000))
        assert (quote.cost, quote.parts) == (Decimal("470.000000"), {"per_call": Decimal("470.000000")})
        offering = cat.offering("modelslab/flux-kontext-pro")
        assert offering.prices["per_call"].unit == "call"
        # an image workload needs a price per image, which this page does not show: never costed from the call
        [image] = cat.compare("flux kontext", Workload(images=1))
        assert (image.cost, image.missing) == (None, ["per_image"])


def test_errors_are_the_librarys(crawled, tmp_path):
    with Catalog.open(crawled) as cat:
        with pytest.raises(NoMatch, match="^no offerings match 'zzz'; list them with `catalog models`$"):
            cat.offerings("zzz")
        with pytest.raises(NotFound) as found:
            cat.offering("deepinfra/Qwen-Qwen3-14")
        assert found.value.suggestions[0] == "deepinfra/Qwen-Qwen3-14B"
        with pytest.raises(ValueError, match="the workload is empty"):
            cat.compare("llama", Workload(calls=0))
    with Catalog.open(f"sqlite:///{tmp_path / 'new.db'}") as empty, pytest.raises(EmptyCatalog):
        empty.offerings()
