"""Issue 9, cases 5 and 6: odd but well-formed values on a page are read right, or that one value
is left unknown with a warning naming it, and the rest of the page is kept.

Case 5: decimal commas, thousands separators, digits of other scripts, a bare ``Free``.
Case 6: a value out of range (a datetime that underflows in UTC, a price with more digits than
catalog.records.Money keeps) never costs the page (or the llms.txt, or the sitemap).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from catalog.records import Money, PageRecord
from spiders.parsing import ParseError, merge_llms, parse_model_llms, parse_model_page, parse_sitemap
from spiders.parsing.money import MAX_DECIMAL_PLACES, MAX_WHOLE_DIGITS
from spiders.parsing.text import valid_record
from tests import pagegen
from tests.pagegen import image, llm, render

# on top of the conftest profile (blob printed; derandomized on CI)
SETTINGS = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
LLMS_URL = "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct/llms.txt"
LLMS = """# Meta: Llama 3.2 1B Instruct

- Model ID: meta-llama-llama-3.2-1b-instruct
- Provider: Together AI (together_ai)
- Input: {input}
- Output: {output}
- Added: {added}
"""


def parse(page: pagegen.Page, text: str | None = None):
    return parse_model_page(render(page) if text is None else text, page.url)


def llms(input: str = "$0.027 / 1M tokens", output: str = "$0.20 / 1M tokens", added: str = "February 20, 2026"):
    return parse_model_llms(LLMS.format(input=input, output=output, added=added), LLMS_URL)


def _rest(record, *changed: str) -> dict:
    """The record's values but CHANGED and its warnings: what one odd value must not touch."""
    values = record.model_dump(exclude={"warnings", *changed})
    changed_prices = {name.removesuffix("_price") for name in changed}  # headline_price -> headline
    values["prices"] = {k: v for k, v in values["prices"].items() if k not in changed_prices}
    return values


# --- case 5: commas -------------------------------------------------------------------------------


def test_decimal_comma_in_euros_is_a_decimal_comma():
    rec = parse(llm(money="€{}", input="0,200", output="0,400", headline="0,300000"))
    assert rec.currency == "EUR"
    assert str(rec.prices.get("input_per_mtok")) == "0.200" and rec.prices.get("input_per_mtok") == Decimal("0.200")
    assert str(rec.prices.get("output_per_mtok")) == "0.400"
    assert str(rec.prices.get("headline")) == "0.300000"
    assert rec.warnings == []
    assert _rest(rec, "currency", "input_per_mtok", "output_per_mtok", "headline_price") == _rest(parse(llm()),
        "currency", "input_per_mtok", "output_per_mtok", "headline_price")


@pytest.mark.parametrize(("printed", "stored"), [
    ("1,5", "1.5"), ("0,027", "0.027"), ("1.234,56", "1234.56"), ("12.345.678,9", "12345678.9"),
    ("1234,567", "1234.567"),  # a first group of four digits is no thousands grouping
    ("1,234,567", "1234567"), ("1,234.5", "1234.5"), ("1.234", "1.234"),
])
def test_euro_amounts_with_commas(printed, stored):
    rec = parse(image(money="€{}", per_image=printed, headline=printed))
    assert (rec.currency, str(rec.prices.get("per_image")), str(rec.prices.get("headline"))) == ("EUR", stored, stored)
    assert rec.warnings == []


@pytest.mark.parametrize(("printed", "stored"), [("1,000", "1000"), ("1,200.50", "1200.50"),
                                                 ("12,345,678.9", "12345678.9")])
def test_dollar_thousands_separators(printed, stored):
    rec = parse(image(per_image=printed, headline=printed))
    assert (rec.currency, str(rec.prices.get("per_image")), str(rec.prices.get("headline"))) == ("USD", stored, stored)
    assert rec.warnings == []


def test_one_comma_and_three_digits_in_euros_is_ambiguous_and_not_guessed():
    rec = parse(image(money="€{}", per_image="1,234", headline="0.040000"))
    assert rec.prices.get("per_image") is None
    assert rec.warnings == ["per-image price unreadable (price '1,234' in EUR is ambiguous "
                            "(a thousands separator or a decimal comma)); left empty"]
    assert (rec.currency, rec.prices.get("headline"), rec.category) == ("EUR", Decimal("0.040000"), "Image Generation")


@pytest.mark.parametrize("printed", ["0,200", "1,5", "1.234,56", "1,23,456"])
def test_dollar_comma_that_separates_no_thousands_is_unreadable(printed):
    rec = parse(llm(input=printed))
    assert rec.prices.get("input_per_mtok") is None
    assert rec.warnings == [f"input price unreadable (price {printed!r} in USD has a comma that does not "
                            "separate thousands); left empty",
                            "header price 0.113500 differs from the output price 0.20"]
    assert _rest(rec, "input_per_mtok") == _rest(parse(llm()), "input_per_mtok")


# --- case 5: digits of other scripts -------------------------------------------------------------


@pytest.mark.parametrize("printed", ["1٥.5", "١٥.٥", "１5.5", "１５.５", "१५.५", "0.0२7"])
def test_digits_of_other_scripts_are_refused(printed):
    rec = parse(llm(input=printed))
    assert rec.prices.get("input_per_mtok") is None
    assert rec.warnings == [f"input price unreadable (price {printed!r} has digits other than 0-9); left empty",
                            "header price 0.113500 differs from the output price 0.20"]
    assert _rest(rec, "input_per_mtok") == _rest(parse(llm()), "input_per_mtok")


def test_digits_of_other_scripts_in_the_header_and_llms_and_dates():
    rec = parse(llm(headline="0.11٣500", added="٢٠٢٦-02-20"))
    assert (rec.prices.get("headline"), rec.date_added) == (None, None)
    assert rec.warnings == [
        "header price unreadable (price '0.11٣500' has digits other than 0-9); headline left empty",
        "specifications price unreadable (price '0.11٣500' has digits other than 0-9)",
        "date added unreadable: '٢٠٢٦-02-20'"]
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (Decimal("0.027"), Decimal("0.20"))
    row = llms(input="$1٥.5 / 1M tokens")
    assert (row.prices.get("input_per_mtok"), row.prices.get("output_per_mtok")) == (None, Decimal("0.20"))
    assert row.warnings == ("input_per_mtok unreadable (price '1٥.5' has digits other than 0-9)",)


# --- case 5: a bare "Free" -------------------------------------------------------------------------


def test_bare_free_in_the_pricing_block_is_zero():
    page = llm(headline="Free")
    text = render(page).replace("PricingInput $0.027 / 1M tokens", "PricingInput Free")
    text = text.replace("\nOutput $0.20 / 1M tokens", "\nOutput FREE")
    rec = parse(page, text)
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok"), rec.prices.get("headline")) == (Decimal("0"), Decimal("0"), Decimal("0"))
    assert rec.currency == "USD"
    assert rec.warnings == []
    assert _rest(rec, "input_per_mtok", "output_per_mtok", "headline_price") == _rest(
        parse(llm()), "input_per_mtok", "output_per_mtok", "headline_price")


def test_bare_free_takes_the_page_currency():
    page = image(money="€{}", per_image="0,04", headline="0,04")
    rec = parse(page, render(page).replace("PricingPer Image €0,04 / image", "PricingPer Image free"))
    assert (rec.currency, rec.prices.get("per_image"), rec.prices.get("headline")) == ("EUR", Decimal("0"), Decimal("0.04"))
    assert rec.warnings == ["header price 0.04 differs from the per-image price 0"]


def test_free_with_a_unit_of_another_component_is_still_refused():
    page = llm()
    rec = parse(page, render(page).replace("PricingInput $0.027 / 1M tokens", "PricingInput Free / image"))
    assert rec.prices.get("input_per_mtok") is None
    assert rec.warnings[0] == "input price 'Free / image' has unit 'image', expected '1M tokens'; left empty"


def test_llms_bare_free_row_is_zero_and_merges_with_a_page_printing_zero():
    row = llms(input="Free", output="free")
    assert (row.prices.get("input_per_mtok"), row.prices.get("output_per_mtok"), row.currency, row.warnings) == (Decimal("0"), Decimal("0"), None, ())
    page = parse(llm(input="0", output="0.00", headline="0.000000"))
    merged = merge_llms(page, row)
    assert (merged.prices.get("input_per_mtok"), merged.prices.get("output_per_mtok"), merged.currency) == (Decimal("0"), Decimal("0"), "USD")
    assert merged.warnings == []


def test_llms_bare_free_row_fills_an_unknown_price_in_the_page_currency():
    page = parse(llm(money="€{}", input=None, output="0,20", headline="0,20"))
    merged = merge_llms(page, llms(input="Free", output="€0,20 / 1M tokens"))
    assert (merged.currency, merged.prices.get("input_per_mtok"), merged.prices.get("output_per_mtok")) == ("EUR", Decimal("0"), Decimal("0.20"))
    assert merged.warnings == []


# --- case 6: out-of-range values --------------------------------------------------------------------


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_generated_at_out_of_range_in_utc_keeps_the_page(stamp):
    rec = parse(llm(generated_at=stamp))
    assert rec.generated_at is None
    assert rec.warnings == [f"generated_at out of range: {stamp!r}; left empty"]
    assert _rest(rec, "generated_at") == _rest(parse(llm()), "generated_at")


def test_price_with_more_whole_digits_than_the_catalog_keeps_keeps_the_page():
    rec = parse(llm(input="1234567890123456789012345678"))
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (None, Decimal("0.20"))
    assert rec.warnings == [
        "input price unreadable (price '1234567890123456789012345678' has more than 18 digits before the "
        "decimal point, more than the catalog keeps); left empty",
        "header price 0.113500 differs from the output price 0.20"]
    assert _rest(rec, "input_per_mtok") == _rest(parse(llm()), "input_per_mtok")


def test_headline_with_too_many_digits_keeps_the_page():
    rec = parse(llm(headline="1234567890123456789012345678"))
    assert rec.prices.get("headline") is None
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok"), rec.category) == (Decimal("0.027"), Decimal("0.20"), "LLM Models")
    assert rec.warnings == [
        "header price unreadable (price '1234567890123456789012345678' has more than 18 digits before the "
        "decimal point, more than the catalog keeps); headline left empty",
        "specifications price unreadable (price '1234567890123456789012345678' has more than 18 digits before "
        "the decimal point, more than the catalog keeps)"]


def test_per_1k_price_that_overflows_once_converted_keeps_the_page():
    rec = parse(llm(input="999999999999999999", output="0.0002", headline="0.113500", token_unit="/ 1K tokens"))
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok")) == (None, Decimal("0.2"))
    assert rec.warnings[0] == (
        "input price unreadable (price 999999999999999999 per 1K tokens is 999999999999999999000 per 1M tokens: "
        "more than 18 digits before the decimal point, more than the catalog keeps); left empty")


def test_money_bounds_are_the_records_own():
    """The parser's bounds are read from catalog.records.Money: the largest figures it reads are
    the largest the record accepts, one digit more is refused by both."""
    money = TypeAdapter(Money)
    widest = "9" * MAX_WHOLE_DIGITS + "." + "9" * MAX_DECIMAL_PLACES
    assert money.validate_python(Decimal(widest)) == Decimal(widest)
    rec = parse(image(per_image=widest, headline="0.040000"))
    assert str(rec.prices.get("per_image")) == widest
    for wider in ["9" + widest, widest + "9"]:
        with pytest.raises(ValidationError):
            money.validate_python(Decimal(wider))
        assert parse(image(per_image=wider, headline="0.040000")).prices.get("per_image") is None


def test_llms_row_out_of_range_keeps_the_other_rows():
    row = llms(input="$1234567890123456789012345678 / 1M tokens")
    assert (row.prices.get("input_per_mtok"), row.prices.get("output_per_mtok"), row.provider_name) == (None, Decimal("0.20"), "Together AI")
    assert row.date_added == dt.date(2026, 2, 20)
    assert row.warnings == ("input_per_mtok unreadable (price '1234567890123456789012345678' has more than 18 "
                            "digits before the decimal point, more than the catalog keeps)",)


@pytest.mark.parametrize("added", ["0000-02-20", "10000-02-20", "February 20, 0000", "20 Feb 10000"])
def test_date_added_out_of_range(added):
    rec = parse(llm(added=added))
    assert (rec.date_added, rec.warnings) == (None, [f"date added unreadable: {added!r}"])
    row = llms(added=added)
    assert (row.date_added, row.warnings) == (None, (f"date added unreadable: {added!r}",))
    assert row.prices.get("input_per_mtok") == Decimal("0.027")


def test_sitemap_lastmod_out_of_range_keeps_the_sitemap():
    sitemap = parse_sitemap("<urlset><url><loc>https://x/a</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>"
                            "<url><loc>https://x/b</loc><lastmod>2026-11-01</lastmod></url></urlset>")
    assert sitemap.pages == ["https://x/a", "https://x/b"]
    assert sitemap.lastmod == {"https://x/b": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)}


class _Record(BaseModel):
    key: str = Field(max_length=5)
    note: str | None = Field(default=None, max_length=5)
    items: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def test_a_refused_optional_value_is_left_unknown_with_a_warning():
    rec = valid_record(_Record, {"key": "k", "note": "too long", "items": [1, "x", 3], "warnings": ["w"]}, "page")
    assert (rec.key, rec.note, rec.items) == ("k", None, [1, 3])
    assert rec.warnings == ["w", "note 'too long' refused (String should have at most 5 characters); left empty",
                            "items 'x' refused (Input should be a valid integer, unable to parse string as an "
                            "integer); left out"]
    with pytest.raises(ParseError, match=r"^page states an invalid key: String should have at most 5 characters$"):
        valid_record(_Record, {"key": "far too long", "warnings": []}, "page")


def test_a_refused_identity_still_refuses_the_page():
    with pytest.raises(ParseError, match="^page states an invalid model_id: String should have at most"):
        parse(llm(model_id="m" * 300))
    assert isinstance(parse(llm(model_id="m" * 200)), PageRecord)


@pytest.mark.parametrize("printed", ["NaN", "-1", "+0.5", "Infinity", "inf"])
def test_sign_or_nan_before_a_trailing_code_is_a_refused_price_not_text(printed):
    """"-1 EUR" was not taken for a price line at all: the pricing line was dropped without a
    word and the specifications' task swallowed "Price-1 EUR per million tokens"."""
    rec = parse(llm(money="{} EUR", input=printed, spec_price=printed))
    assert (rec.prices.get("input_per_mtok"), rec.task, rec.prices.get("headline")) == (None, "Text Generation", Decimal("0.113500"))
    assert rec.warnings == [f"input price unreadable (not a price: '{printed} EUR / 1M tokens'); left empty",
                            f"specifications price unreadable (not a price: '{printed} EUR per million tokens')",
                            "header price 0.113500 differs from the output price 0.20"]


# --- any single odd value --------------------------------------------------------------------------

DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９०१२३४५६७८९"
AMOUNTS = st.one_of(
    # a figure starts with a digit (or the specifications' "Price" label is not found at all)
    st.builds(str.__add__, st.sampled_from(DIGITS), st.text(alphabet=DIGITS + ".,", max_size=40)),
    st.from_regex(r"\A[1-9][0-9]{0,35}(\.[0-9]{0,20})?\Z"),
    st.sampled_from(["Free", "FREE", "1e400", "NaN", "-1", "Infinity", "0E-20", "1,234", "0,200"]),
)
STAMPS = st.builds("{:04d}-{:02d}-{:02d}T{:02d}:00:00{}{:02d}:00".format, st.integers(1, 9999), st.integers(1, 12),
                   st.integers(1, 28), st.integers(0, 23), st.sampled_from("+-"), st.integers(0, 23))
DATES = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 13), st.integers(0, 32)),
    st.builds("{} {}, {}".format, st.sampled_from(["Jan", "February", "Sept", "Foo"]), st.integers(0, 40),
              st.integers(0, 99999)),
    st.text(alphabet=DIGITS + "-, JanFeb", min_size=1, max_size=20),
)


@SETTINGS
@given(st.sampled_from(["input", "output", "headline", "spec_price"]), AMOUNTS,
       st.sampled_from(["${}", "€{}", "{} EUR", "£{}"]), st.sampled_from(["/ 1M tokens", "/ 1K tokens"]))
def test_any_single_odd_price_keeps_the_page(field, printed, money, unit):
    page = llm(**{field: printed}, money=money, token_unit=unit)
    rec = parse(page)  # never a ParseError: the page is whole, one value is odd
    plain = parse(llm(money=money, token_unit=unit))
    assert (rec.category, rec.task, rec.date_added, rec.generated_at) == (
        plain.category, plain.task, plain.date_added, plain.generated_at)
    others = {"input": "input_per_mtok", "output": "output_per_mtok"}
    for name in set(others) - {field}:
        assert rec.prices.get(others[name]) == plain.prices.get(others[name])


@SETTINGS
@given(STAMPS, DATES)
@example("0001-01-01T00:00:00+05:00", "0000-01-01")
@example("9999-12-31T23:00:00-05:00", "Jan 1, 10000")
def test_any_single_odd_date_keeps_the_page(stamp, added):
    rec = parse(llm(generated_at=stamp, added=added))
    assert (rec.prices.get("input_per_mtok"), rec.prices.get("output_per_mtok"), rec.prices.get("headline")) == (
        Decimal("0.027"), Decimal("0.20"), Decimal("0.113500"))
    assert rec.generated_at is None or rec.generated_at.tzinfo is dt.UTC
    sitemap = parse_sitemap(f"<urlset><url><loc>https://x/a</loc><lastmod>{stamp}</lastmod></url></urlset>")
    assert sitemap.pages == ["https://x/a"]


@SETTINGS
@given(AMOUNTS, DATES, st.sampled_from(["/ 1M tokens", "/ 1K tokens", ""]))
@example("1234567890123456789012345678", "2026-02-20", "/ 1M tokens")
@example("999999999999999999", "2026-02-20", "/ 1K tokens")
def test_any_single_odd_llms_row_keeps_the_others(printed, added, unit):
    row = llms(input=printed if printed.lower() == "free" else f"${printed} {unit}", added=added)
    assert (row.prices.get("output_per_mtok"), row.provider) == (Decimal("0.20"), "together_ai")
    merged = merge_llms(parse(llm()), row)
    assert merged.prices.get("output_per_mtok") == Decimal("0.20")
