"""Model pages of every category and every way a page can be odd, rendered by tests/pagegen.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from spiders.parsing import ParseError, model_page, money, parse_model_page
from spiders.parsing.text import MAX_LINE_CHARS
from tests import pagegen
from tests.pagegen import Card, embedding, image, llm, render, video


def parse(page: pagegen.Page, text: str | bytes | None = None, url: str | None = None):
    return parse_model_page(render(page) if text is None else text, url or page.url)


# --- categories ---------------------------------------------------------------------------------


def test_llm_page():
    page = llm(related=pagegen.related(3))
    rec = parse(page)
    assert (rec.provider, rec.model_id, rec.creator) == ("together_ai", "meta-llama-llama-3.2-1b-instruct", "meta-llama")
    assert (rec.category, rec.task) == ("LLM Models", "Text Generation")
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (Decimal("0.027"), Decimal("0.20"))
    assert (rec.prices.get("per_image"), rec.prices.get("per_second")) == (None, None)
    assert (rec.prices.get("headline"), rec.headline_unit, rec.headline_spec_unit) == (
        Decimal("0.113500"), "call", "per million tokens")
    assert rec.headline_unit_conflict is True
    assert [r.key for r in rec.related] == [
        "together_ai/vendor-model-0.0b", "open_router/vendor-model-1.1b", "together_ai/vendor-model-2.2b"]
    assert rec.description == page.description
    assert rec.warnings == []


def test_embedding_page_prices_input_only():
    rec = parse(embedding())
    assert (rec.category, rec.task) == ("Embedding Models", "Embeddings")
    assert rec.prices.get("input_per_mtok") == Decimal("0.016")
    assert rec.prices.get("output_per_mtok") is None
    assert (rec.prices.get("headline"), rec.headline_unit) == (Decimal("0.016000"), "call")
    assert rec.headline_unit_conflict is True
    assert rec.warnings == []


def test_image_page():
    rec = parse(image(open_source=True))
    assert (rec.provider, rec.category, rec.task) == ("modelslab", "Image Generation", "Text to Image")
    assert rec.prices.get("per_image") == Decimal("0.04") and str(rec.prices.get("per_image")) == "0.04"
    assert rec.prices.get("input_per_mtok") is None and rec.prices.get("output_per_mtok") is None and rec.prices.get("per_second") is None
    assert (rec.prices.get("headline"), rec.headline_unit, rec.headline_spec_unit) == (Decimal("0.04"), "image", "per image")
    assert rec.headline_unit_conflict is False
    assert rec.open_source is True
    assert rec.warnings == []


def test_video_page():
    rec = parse(video())
    assert (rec.category, rec.task) == ("Video Generation", "Text to Video")
    assert rec.prices.get("per_second") == Decimal("0.144")
    assert (rec.prices.get("headline"), rec.headline_unit, rec.headline_spec_unit) == (Decimal("0.144"), "second", "per second")
    assert rec.headline_unit_conflict is False
    assert rec.warnings == []


@pytest.mark.parametrize("make", [llm, embedding, image, video])
def test_every_category_reads_the_same_from_bytes(make):
    page = make()
    assert parse(page, render(page).encode("utf-8")) == parse(page)


# --- line endings and whitespace -------------------------------------------------------------------


def _same_values(a, b):
    assert a.model_dump(exclude={"warnings"}) == b.model_dump(exclude={"warnings"})


def test_crlf_line_endings():
    page = llm(related=pagegen.related(2))
    _same_values(parse(page, render(page).replace("\n", "\r\n")), parse(page))


def test_cr_only_line_endings():
    page = llm(related=pagegen.related(2))
    _same_values(parse(page, render(page).replace("\n", "\r")), parse(page))


def test_tabs_instead_of_spaces():
    page = llm()
    text = render(page).replace("Input $0.027 / 1M tokens", "Input\t$0.027\t/\t1M tokens")
    text = text.replace("Closed Source Model", "Closed\tSource Model")
    rec = parse(page, text)
    assert rec.prices.get("input_per_mtok") == Decimal("0.027") and rec.open_source is False
    _same_values(rec, parse(page))


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f"])
def test_non_breaking_and_thin_spaces_anywhere(space):
    page = llm(name="Meta: Llama 3.2 1B Instruct")
    text = render(page).replace(" ", space)  # every space on the page
    rec = parse(page, text)
    _same_values(rec, parse(page))
    assert rec.name == "Meta: Llama 3.2 1B Instruct"


def test_stray_blank_lines():
    page = llm(related=pagegen.related(2))
    text = render(page).replace("\n\n", "\n\n\n\n").replace("\n---\n", "\n---\n\n\n")
    _same_values(parse(page, text), parse(page))


def test_description_paragraphs_up_to_the_next_heading():
    page = llm(description="First paragraph,\nwrapped   over two lines.\n\n\nSecond paragraph.")
    assert parse(page).description == "First paragraph, wrapped over two lines.\n\nSecond paragraph."


def test_trailing_spaces_and_indentation():
    page = llm()
    text = "\n".join("  " + line + "   " for line in render(page).split("\n"))
    _same_values(parse(page, text), parse(page))


# --- amounts -------------------------------------------------------------------------------------


def test_free_is_a_known_zero():
    rec = parse(llm(input="Free", output="Free", headline="Free"))
    assert rec.prices.get("input_per_mtok") == Decimal("0") and rec.prices.get("output_per_mtok") == Decimal("0")
    assert rec.prices.get("headline") == Decimal("0")
    assert rec.currency == "USD"


def test_zero_dollars_is_zero_not_missing():
    rec = parse(image(per_image="0", headline="0.00"))
    assert rec.prices.get("per_image") == Decimal("0") and rec.prices.get("per_image") is not None
    assert str(rec.prices.get("headline")) == "0.00"


def test_thousands_separators():
    rec = parse(image(per_image="1,200.50", headline="1,200.500000"))
    assert rec.prices.get("per_image") == Decimal("1200.50") and str(rec.prices.get("per_image")) == "1200.50"
    assert rec.prices.get("headline") == Decimal("1200.5")
    assert rec.warnings == []


@pytest.mark.parametrize("amount", ["0.000001", "0.123456789012", "15", "0.1", "120.00", ".5"])
def test_decimals_kept_digit_for_digit(amount):
    rec = parse(video(per_second=amount, headline=amount))
    assert rec.prices.get("per_second") == Decimal(amount)
    assert str(rec.prices.get("per_second")) == str(Decimal(amount))


def test_more_decimal_places_than_the_catalog_keeps_is_not_guessed():
    rec = parse(video(per_second="0.0000000000001", headline="0.144000"))
    assert rec.prices.get("per_second") is None
    assert any("per-second price unreadable" in w for w in rec.warnings)


@pytest.mark.parametrize("unit", ["/ 1M tokens", "/1M tokens", "per 1M tokens", "per million tokens",
                                  "per million", "/ 1 M tokens", "/ million tokens"])
def test_per_million_unit_spellings(unit):
    rec = parse(llm(token_unit=unit))
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (Decimal("0.027"), Decimal("0.20"))
    assert rec.warnings == []


@pytest.mark.parametrize("unit", ["/ 1K tokens", "per 1K tokens", "/1K tokens", "per thousand tokens"])
def test_per_thousand_is_converted_exactly_with_a_warning(unit):
    rec = parse(llm(input="0.000027", output="0.0002", headline="0.113500", token_unit=unit))
    assert rec.prices.get("input_per_mtok") == Decimal("0.027") and str(rec.prices.get("input_per_mtok")) == "0.027000"
    assert rec.prices.get("output_per_mtok") == Decimal("0.2")
    assert "input price printed per 1K tokens; stored per 1M (x1000)" in rec.warnings
    assert "output price printed per 1K tokens; stored per 1M (x1000)" in rec.warnings


def test_token_price_with_a_foreign_unit_is_left_empty():
    rec = parse(llm(token_unit="/ image"))
    assert rec.prices.get("input_per_mtok") is None and rec.prices.get("output_per_mtok") is None
    assert any("input price" in w and "expected '1M tokens'" in w for w in rec.warnings)


# --- currencies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "code"), [("€{}", "EUR"), ("{} EUR", "EUR"), ("EUR {}", "EUR"),
                                          ("£{}", "GBP"), ("USD {}", "USD"), ("{} USD", "USD"),
                                          ("{}€", "EUR"), ("${} CAD", "CAD")])
def test_currency_of_the_page(fmt, code):
    rec = parse(llm(money=fmt, noise=False))
    assert rec.currency == code
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok"), rec.prices.get("headline")) == (
        Decimal("0.027"), Decimal("0.20"), Decimal("0.113500"))


def test_eur_page_with_dollar_noise_is_still_eur():
    # promotions in dollars elsewhere on a euro page are not prices, so no currency clash
    rec = parse(image(money="€{}", noise=True))
    assert rec.currency == "EUR" and rec.prices.get("per_image") == Decimal("0.04")


def test_two_currencies_in_one_page_is_an_error():
    page = llm()
    text = render(page).replace("Output $0.20", "Output €0.20")
    with pytest.raises(ParseError, match=r"more than one currency.*EUR \(output\)"):
        parse(page, text)


def test_header_currency_clash_is_an_error():
    page = image()
    text = render(page).replace("$0.040000 / image", "£0.040000 / image")
    with pytest.raises(ParseError, match="more than one currency"):
        parse(page, text)


# --- missing sections ----------------------------------------------------------------------------


def test_no_front_matter_uses_the_fetched_url():
    page = llm(front_matter=False)
    rec = parse(page)
    assert rec.canonical_url == page.url
    assert rec.generated_at is None
    assert rec.name == "Meta: Llama 3.2 1B Instruct"
    assert rec.prices.get("input_per_mtok") == Decimal("0.027")


def test_canonical_falls_back_to_url_then_fetched():
    page = llm(canonical="https://modelslab.com/pricing")
    rec = parse(page)
    assert rec.canonical_url == page.url
    assert rec.warnings == ["canonical 'https://modelslab.com/pricing' is not a model page URL; using the url"]


def test_relative_canonical_is_made_absolute():
    page = llm(canonical="/models/together_ai/meta-llama-llama-3.2-1b-instruct")
    assert parse(page).canonical_url == page.url


def test_canonical_on_another_host_is_not_trusted():
    page = llm(canonical="https://evil.example/models/x/y.md")
    rec = parse(page)
    assert rec.canonical_url == page.url
    assert "is on another host; using the url" in rec.warnings[0]


def test_alias_page_is_keyed_by_its_canonical_url():
    page = llm()
    rec = parse(page, url="https://modelslab.com/models/meta-llama/meta-llama-llama-3.2-1b-instruct.md")
    assert rec.canonical_url == page.url and rec.provider == "together_ai"


def test_no_pricing_block():
    rec = parse(llm(pricing=False))
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (None, None)
    assert rec.prices.get("headline") == Decimal("0.113500")


def test_no_header_line():
    rec = parse(llm(header=False))
    assert rec.prices.get("headline") is None and rec.headline_unit is None and rec.open_source is None
    assert rec.creator == "meta-llama"  # from the line above "Copy model ID"
    assert rec.headline_unit_conflict is False
    assert rec.prices.get("input_per_mtok") == Decimal("0.027")


def test_no_specifications():
    rec = parse(llm(spec=False))
    assert (rec.category, rec.task, rec.date_added, rec.headline_spec_unit) == (None, None, None, None)
    assert rec.headline_unit_conflict is False
    assert rec.prices.get("input_per_mtok") == Decimal("0.027")


def test_specifications_without_price_or_date():
    rec = parse(llm(spec_price="", headline=None, added=None))
    assert (rec.category, rec.task) == ("LLM Models", "Text Generation")
    assert rec.date_added is None and rec.headline_spec_unit is None


def test_no_related_models():
    assert parse(llm(related=())).related == []


def test_no_header_and_no_pricing_is_not_a_model_page():
    with pytest.raises(ParseError, match="^not a model page: no header line and no pricing block"):
        parse(llm(header=False, pricing=False))


@pytest.mark.parametrize("text", ["", "\n\n", "# Pricing\n\nPay per use. Get $5 free.\n", "hello $0.20 / 1M tokens"])
def test_other_documents_are_not_model_pages(text):
    with pytest.raises(ParseError, match="^not a model page"):
        parse_model_page(text, "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md")


def test_no_model_url_anywhere_is_not_a_model_page():
    page = llm(front_matter=False)
    with pytest.raises(ParseError, match=r"^not a model page: no /models/<provider>/<model-id> URL"):
        parse(page, url="https://modelslab.com/pricing.md")


CUT_MARKERS = ["Meta: Llama 3.2 1B Instruct\n---\n\n [LLMs", "Closed Source Model $0.11", "PricingInput",
               "Output $0.20", "Related Models", "[VM", "About Meta", "Model IDmeta", "### Key Features"]


@pytest.mark.parametrize("marker", CUT_MARKERS)
@pytest.mark.parametrize("extra", [0, 7, 15])
def test_page_cut_off_in_the_middle(marker, extra):
    page = llm(related=pagegen.related(4))
    full = parse(page)
    text = render(page)
    text = text[: text.index(marker) + extra]
    try:
        rec = parse(page, text)
    except ParseError as exc:
        assert str(exc).startswith("not a model page")
        return
    for name, value in rec.prices.items():
        assert value == full.prices[name]
    assert rec.key == full.key
    assert [r.key for r in rec.related] == [r.key for r in full.related][: len(rec.related)]


def test_cut_after_the_header_keeps_the_headline():
    page = llm()
    text = render(page)
    rec = parse(page, text[: text.index("PricingInput")])
    assert rec.prices.get("headline") == Decimal("0.113500") and rec.prices.get("input_per_mtok") is None


# --- text that must not be read ------------------------------------------------------------------


def test_promotions_faq_and_code_dollars_are_never_prices():
    page = llm(noise=True)
    rec = parse(page)
    assert {str(v) for v in rec.prices.values()} == {"0.027", "0.20", "0.113500"}
    assert rec.warnings == []


def test_promotion_inside_the_header_region_is_not_a_price():
    lines = ("Get $5 free credits", "Input $5 free credits for new users", "Pricing from $0.01!")
    rec = parse(image(extra_head_lines=lines))
    assert rec.prices.get("per_image") == Decimal("0.04") and rec.prices.get("input_per_mtok") is None
    assert rec.warnings == []


def test_price_line_outside_the_pricing_block_is_ignored_with_a_warning():
    rec = parse(image(extra_head_lines=("Input $3.00 / 1M tokens", "")))
    assert rec.prices.get("input_per_mtok") is None
    assert rec.warnings == ["input price outside the pricing block ignored: 'Input $3.00 / 1M tokens'"]


def test_second_header_line_with_another_price_empties_the_headline():
    page = llm()
    text = render(page).replace("Send\n", "meta-llama-llama-3.2-1b-instruct meta-llama Closed Source Model $9.000000 / call\n")
    rec = parse(page, text)
    assert rec.prices.get("headline") is None
    assert any("two different header lines" in w for w in rec.warnings)


def test_conflicting_duplicate_component_is_left_empty():
    page = llm()
    text = render(page).replace("Output $0.20 / 1M tokens\n", "Output $0.20 / 1M tokens\n\nOutput $0.30 / 1M tokens\n")
    rec = parse(page, text)
    assert rec.prices.get("output_per_mtok") is None and rec.prices.get("input_per_mtok") == Decimal("0.027")
    assert "output price printed twice with different values; left empty" in rec.warnings


# --- broken bytes and characters -----------------------------------------------------------------


def test_invalid_utf8_is_replaced_with_a_warning():
    page = llm(name="Café: Model")
    data = render(page).encode("utf-8").replace("Café".encode(), b"Caf\xe9", 1)  # Latin-1 byte in the title
    rec = parse(page, data)
    assert rec.prices.get("input_per_mtok") == Decimal("0.027")
    assert rec.warnings[0].startswith("invalid UTF-8 at byte ")
    assert rec.name == "Café: Model"  # the first title line is the front matter's; the H1 is intact


def test_control_characters_are_stripped():
    page = llm(name="Meta: Llama 3.2 1B Instruct")
    text = render(page)
    # a whole escape sequence goes, not just its ESC (which left "[2J" in stored names)
    text = text.replace("Meta: Llama", "Meta:\x07 Llama\x1b[2J\x9b31m").replace("PricingInput $0.027", "Pricing\x00Input $0.0\x8527")
    text = text.replace("LLM Models", "LLM\x0c Models")
    rec = parse(page, text)
    assert rec.name == "Meta: Llama 3.2 1B Instruct"
    assert rec.prices.get("input_per_mtok") == Decimal("0.027")
    assert rec.category == "LLM Models"
    for value in (rec.name, rec.category, rec.task, rec.description, rec.creator):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value)


def _longest_regex_inputs(monkeypatch) -> list[int]:
    """Wrap every compiled pattern of the page and price parsers; returns the (growing) list of
    the lengths of the strings they are asked to match."""
    lengths: list[int] = []

    class Recording:
        def __init__(self, pattern):
            self._pattern = pattern

        def __getattr__(self, name):
            attr = getattr(self._pattern, name)
            if not callable(attr):
                return attr

            def call(*args, **kwargs):
                lengths.append(max((len(a) for a in args if isinstance(a, str)), default=0))
                return attr(*args, **kwargs)

            return call

    for module in (model_page, money):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, Recording(value))
    return lengths


@pytest.mark.parametrize("where", ["About Meta", "Choose a prompt", "### Key Features"])
def test_one_megabyte_line_is_opaque_and_harmless(where, monkeypatch):
    page = llm(related=pagegen.related(2))
    text = render(page)
    # a price line and a header line in one: unguarded, the scan would match it against both
    long_line = ("Input $9.99 Closed Source Model " * 32_000)[:1_000_000]
    text = text.replace(where, long_line + "\n\n" + where, 1)
    lengths = _longest_regex_inputs(monkeypatch)
    rec = parse(page, text)
    # the line is never matched against page structure (what could make parsing quadratic)
    assert lengths and max(lengths) <= MAX_LINE_CHARS
    _same_values(rec, parse(page))


def test_one_megabyte_description_is_cut():
    page = llm(description="x" * 1_000_000)
    rec = parse(page)
    assert len(rec.description) == 10_000
    assert "description cut at 10000 characters" in rec.warnings


@pytest.mark.parametrize("name", ["Zhipu: GLM-4.5 中文版", "Mistral: Ça Va Übermodell", "Café: Modèle ñ",
                                  "Stable Diffusion 🎨 XL", "Ａｌｉ: ｆｕｌｌｗｉｄｔｈ", "e\u0301 decomposed"])
def test_non_ascii_names_are_kept_exactly(name):
    rec = parse(llm(name=name, noise=False))
    assert rec.name == name  # no NFC/NFKC folding of letters


def test_non_ascii_model_id_in_the_url_is_kept():
    page = llm(model_id="Qwen-Qwen2.5-VL-72B_Instruct.v2")
    rec = parse(page)
    assert rec.model_id == "Qwen-Qwen2.5-VL-72B_Instruct.v2"
    assert rec.warnings == []


# --- cross-checks --------------------------------------------------------------------------------


def test_header_and_specification_price_disagree():
    rec = parse(llm(spec_price="0.200000"))
    assert rec.prices.get("headline") == Decimal("0.113500")
    assert rec.warnings == ["header price 0.113500 differs from the specifications price 0.200000; kept the header's"]


def test_headline_not_the_mean_of_input_and_output():
    rec = parse(llm(headline="0.500000", spec_price="0.500000"))
    assert rec.prices.get("headline") == Decimal("0.500000")
    assert rec.warnings == ["header price 0.500000 is not the mean of input 0.027 and output 0.20"]


def test_headline_rounded_mean_is_no_warning():
    # (0.000001 + 0.000002) / 2 = 0.0000015, printed with six places
    assert parse(llm(input="0.000001", output="0.000002", headline="0.000002")).warnings == []


def test_model_id_disagreements_are_warnings():
    page = llm()
    text = render(page).replace("Model IDmeta-llama-llama-3.2-1b-instruct", "Model IDmeta-llama-3.2-1b")
    rec = parse(page, text)
    assert rec.model_id == "meta-llama-llama-3.2-1b-instruct"
    assert rec.warnings == ["model ID 'meta-llama-3.2-1b' in the specifications differs from "
                            "'meta-llama-llama-3.2-1b-instruct' in the URL"]


def test_specifications_of_an_id_containing_a_label():
    rec = parse(llm(model_id="acme-Category-Task-Price-7b", creator="acme"))
    assert rec.model_id == "acme-Category-Task-Price-7b"
    assert (rec.category, rec.task, rec.date_added) == ("LLM Models", "Text Generation", dt.date(2026, 2, 20))
    assert rec.warnings == []


def test_name_falls_back_to_the_front_matter_title():
    page = llm()
    text = render(page).replace("\nMeta: Llama 3.2 1B Instruct\n---\n", "\n")  # both H1 titles
    assert "\nMeta: Llama 3.2 1B Instruct\n---" not in text
    assert parse(page, text).name == "Meta: Llama 3.2 1B Instruct"


def test_related_cards_deduplicated_and_own_offering_excluded():
    own = Card("together_ai", "meta-llama-llama-3.2-1b-instruct", "Together AI", "Meta: Llama 3.2 1B Instruct")
    a = Card("open_router", "a.1", "Open Router", "A")
    b = Card("deepseek", "deepseek-ai-DeepSeek-V3", "ModelsLab", "DeepSeek V3-0324")
    rec = parse(llm(related=(a, own, b, a, b)))
    assert [(r.provider, r.model_id, r.provider_label) for r in rec.related] == [
        ("open_router", "a.1", "Open Router"), ("deepseek", "deepseek-ai-DeepSeek-V3", "ModelsLab")]


def test_date_spellings():
    for text, day in [("Feb 20, 2026", dt.date(2026, 2, 20)), ("20 February 2026", dt.date(2026, 2, 20)),
                      ("2026-02-20", dt.date(2026, 2, 20)), ("September 3, 2025", dt.date(2025, 9, 3))]:
        assert parse(llm(added=text)).date_added == day
    rec = parse(llm(added="February 30, 2026"))
    assert rec.date_added is None and rec.warnings == ["date added unreadable: 'February 30, 2026'"]


def test_generated_at_in_another_zone_is_converted_to_utc():
    rec = parse(llm(generated_at="2026-05-05T23:39:51+02:00"))
    assert rec.generated_at == dt.datetime(2026, 5, 5, 21, 39, 51, tzinfo=dt.UTC)


def test_url_argument_that_is_not_text():
    with pytest.raises(ParseError, match="page URL must be text"):
        parse_model_page(render(llm()), None)  # type: ignore[arg-type]
