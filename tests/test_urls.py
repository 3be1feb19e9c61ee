"""URL routing: which URLs are model pages, their markdown and llms.txt forms, and the site boundary."""

from __future__ import annotations

import pytest

from spiders.urls import join_url, model_llms_url, model_page_url, offering_key, same_site

SITE = "https://modelslab.com"
MD = "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md"


@pytest.mark.parametrize("url", [
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/llms.txt",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct?utm=x#pricing",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md?x=1",
    "https://MODELSLAB.com:443/models/together_ai/meta-llama-llama-3.2-1b-instruct",
    "HTTPS://modelslab.com./models/together_ai/meta-llama-llama-3.2-1b-instruct",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3%2E2-1b-instruct",
])
def test_every_form_of_a_model_url_maps_to_its_markdown_page(url):
    assert model_page_url(url) == MD


@pytest.mark.parametrize("url", [
    "https://modelslab.com/models/open_router",
    "https://modelslab.com/models/open_router/",
    "https://modelslab.com/models",
    "https://modelslab.com/models?feature=llmaster",
    "https://modelslab.com/pricing.md",
    "https://modelslab.com/pricing",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/api",
    "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/api.md",
    "https://modelslab.com/api/v7/llm/chat/completions",
    "https://modelslab.com/models/open_router/llms.txt",
    "https://modelslab.com/models/p/logo.png",
    "https://modelslab.com/models//id.md",
    "https://modelslab.com/models/p/..",
    "https://modelslab.com/models/p/.md",
    "https://modelslab.com/llms.txt",
    "https://modelslab.com/sitemap.xml",
    "ftp://modelslab.com/models/p/id.md",
    "file:///models/p/id.md",
    "javascript:alert('/models/p/id')",
    "data:text/plain,/models/p/id",
    "mailto:x@modelslab.com",
    "//modelslab.com/models/p/id",
    "https:///models/p/id",
    "http://[::1/models/p/id",
    "https://modelslab.com:99999/models/p/id",
    "https://user@modelslab.com/models/p/id",
    "https://modelslab.com\\@evil.com/models/p/id",
    "https://modelslab.com/models/p/id with space",
    "",
])
def test_anything_else_is_not_a_model_page(url):
    assert model_page_url(url) is None
    assert offering_key(url) is None


def test_model_ids_are_kept_exactly():
    for model_id in ["Qwen-Qwen3-Coder-Next-FP8", "deepseek-ai-DeepSeek-V3", "a_b.c-D.1", "x~y", "v2.1-671b"]:
        url = f"https://modelslab.com/models/p/{model_id}"
        assert model_page_url(url) == f"{url}.md"
        assert offering_key(url) == ("p", model_id)
    # escapes of other characters stay escaped (upper-case hex), never decoded into the ID
    assert offering_key("https://modelslab.com/models/p/a%2fb%20c") == ("p", "a%2Fb%20c")


def test_relative_paths_stay_relative():
    assert model_page_url("/models/p/id") == "/models/p/id.md"
    assert model_page_url("/models/p/id/llms.txt?x") == "/models/p/id.md"
    assert model_page_url("/pricing.md") is None
    assert model_page_url("models/p/id") is None


def test_ports_and_ip_hosts_are_kept():
    assert model_page_url("http://127.0.0.1:8765/models/p/id") == "http://127.0.0.1:8765/models/p/id.md"
    assert model_page_url("http://[::1]:8765/models/p/id") == "http://[::1]:8765/models/p/id.md"
    assert model_page_url("http://modelslab.com:80/models/p/id") == "http://modelslab.com/models/p/id.md"


def test_model_llms_url():
    assert model_llms_url(MD) == "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/llms.txt"
    assert model_llms_url(MD[:-3]) == model_llms_url(MD)
    with pytest.raises(ValueError, match="not a model page URL"):
        model_llms_url("https://modelslab.com/pricing.md")


def test_offering_key():
    assert offering_key(MD) == ("together_ai", "meta-llama-llama-3.2-1b-instruct")
    assert offering_key("https://modelslab.com/models/deepseek/deepseek-ai-DeepSeek-V3") == (
        "deepseek", "deepseek-ai-DeepSeek-V3")
    assert offering_key(model_llms_url(MD)) == offering_key(MD)


@pytest.mark.parametrize(("url", "root", "expected"), [
    ("https://modelslab.com/models/p/id.md", SITE, True),
    ("https://modelslab.com/llms.txt", SITE + "/", True),
    ("https://MODELSLAB.COM:443/x", SITE, True),
    ("https://modelslab.com./x", SITE, True),
    ("http://modelslab.com/x", SITE, False),  # other scheme
    ("https://modelslab.com:8443/x", SITE, False),  # other port
    ("https://www.modelslab.com/x", SITE, False),  # other host
    ("https://modelslab.com.evil.example/x", SITE, False),
    ("https://modelslab.com@evil.example/x", SITE, False),
    ("https://user:pw@modelslab.com/x", SITE, False),
    ("https://modelslab.com\\@evil.example/x", SITE, False),
    ("file:///etc/passwd", SITE, False),
    ("ftp://modelslab.com/x", SITE, False),
    ("javascript:alert(1)", SITE, False),
    ("data:text/html,<b>x</b>", SITE, False),
    ("/models/p/id.md", SITE, False),  # relative: join it first
    ("http://127.0.0.1/x", SITE, False),
    ("http://localhost:8765/x", SITE, False),
    ("http://[::1]/x", SITE, False),
    ("http://2130706433/x", SITE, False),
    ("http://0x7f.1/x", SITE, False),
    ("http://127.0.0.1:8765/models/p/id.md", "http://127.0.0.1:8765", True),  # the site itself lives there
    ("http://127.0.0.1:8766/models/p/id.md", "http://127.0.0.1:8765", False),
    ("http://localhost:8765/x", "http://127.0.0.1:8765", False),
    ("http://localhost:8765/x", "http://localhost:8765/", True),
    ("http://[::1]:8765/x", "http://[::1]:8765", True),
    ("http://[::1/x", SITE, False),
    ("https://modelslab.com:99999/x", SITE, False),
    ("https://modelslab.com/x", "not a url", False),
])
def test_same_site(url, root, expected):
    assert same_site(url, root) is expected


def test_join_url_never_raises():
    assert join_url(SITE + "/models/p/id.md", "/models/q/r") == "https://modelslab.com/models/q/r"
    assert join_url("http://[::1", "/x") is None
