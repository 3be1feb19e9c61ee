"""Properties of the model-page parser on any input and on damaged pages.

(a) Whatever the text, bytes or URL, the parser returns a record or raises ParseError (and never
    its "internal parser error" form, which would mean a bug behind the safety net).
(b) A valid page damaged line-wise (a line deleted, duplicated, swapped, random text inserted,
    whitespace changed) gives ParseError, or prices that are the original ones, or None, or a
    record that carries a warning: never a different price silently.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spiders.parsing import ParseError, parse_model_page
from tests import pagegen

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
URL = "https://modelslab.com/models/together_ai/meta-llama-llama-3.2-1b-instruct.md"
SEED_LINES = pagegen.render(pagegen.llm(related=pagegen.related(3))).split("\n")
STRUCTURE = ["---", "```", "Related Models", "### Technical Specifications", "About Meta: Llama 3.2 1B Instruct",
             "Pricing", "PricingInput", "Copy model ID", "Model ID", "Closed Source Model", "$", "Free", "\r", "\t",
             "\u00a0", "\x00", "\ufeff", "[", "](", ")[", "/models/", "/ 1M tokens", "€", "USD"]


def _must_not_fail_inside(call):
    try:
        return call()
    except ParseError as exc:
        assert not str(exc).startswith("internal parser error"), str(exc)
        assert "\n" not in str(exc)
        return None


# --- (a) any input --------------------------------------------------------------------------------


@SETTINGS
@given(st.text(max_size=3000))
def test_random_text_only_raises_parse_error(text):
    _must_not_fail_inside(lambda: parse_model_page(text, URL))


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_only_raise_parse_error(data):
    _must_not_fail_inside(lambda: parse_model_page(data, URL))


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(STRUCTURE), st.text(max_size=40)),
                max_size=120),
       st.sampled_from(["\n", "\r\n", "\r", "\n\n"]),
       st.one_of(st.just(URL), st.text(max_size=60),
                 st.sampled_from(["", "/models/a/b.md", "file:///models/a/b.md", "https://x/models//b",
                                  "http://[::1/models/a/b", "https://h:99999/models/a/b"])))
def test_page_like_text_and_any_url_only_raise_parse_error(lines, newline, url):
    _must_not_fail_inside(lambda: parse_model_page(newline.join(lines), url))


# --- (b) damaged valid pages ----------------------------------------------------------------------


def _amount(n: int, places: int) -> Decimal:
    return Decimal(n).scaleb(-places)


def _text(d: Decimal) -> str:
    text = format(d, "f")
    return text if "." in text else text + ".00"


@st.composite
def pages(draw) -> pagegen.Page:
    kind = draw(st.sampled_from(["llm", "embedding", "image", "video"]))
    money = draw(st.sampled_from(["${}", "€{}", "{} EUR", "USD {}", "£{}"]))
    unit = draw(st.sampled_from(["/ 1M tokens", "/1M tokens", "per 1M tokens", "per million tokens"]))
    a = _amount(draw(st.integers(0, 10**7)), draw(st.integers(0, 6)))
    b = _amount(draw(st.integers(0, 10**7)), draw(st.integers(0, 6)))
    # No exact pricing line in the code example: a swap could carry it into the header, and a page
    # whose header region says "PricingInput $7.77" does price input at $7.77.
    values = dict(money=money, token_unit=unit, open_source=draw(st.booleans()), code_prices=False,
                  related=pagegen.related(draw(st.integers(0, 5))), noise=draw(st.booleans()))
    if kind == "llm":
        head = ((a + b) / 2).quantize(Decimal("0.000001"))
        return pagegen.llm(input=_text(a), output=_text(b), headline=f"{head:.6f}", **values)
    if kind == "embedding":
        return pagegen.embedding(input=_text(a), headline=f"{a:.6f}", **values)
    if kind == "image":
        return pagegen.image(per_image=_text(a), headline=f"{a:.6f}", **values)
    return pagegen.video(per_second=_text(a), headline=f"{a:.6f}", **values)


@st.composite
def mutations(draw, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "whitespace"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            junk = draw(st.one_of(st.text(max_size=60).map(lambda t: t.replace("\n", " ")),
                                  st.sampled_from(STRUCTURE)))
            lines.insert(i, junk)
        else:
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            change = draw(st.sampled_from(["add", "remove", "replace"]))
            space = draw(st.sampled_from([" ", "  ", "\t", "\u00a0", "\u2009", "\u202f"]))
            if change == "add":
                lines[i] = line[:pos] + space + line[pos:]
            elif change == "remove":
                lines[i] = line[:pos] + line[pos:].replace(" ", "", 1)
            else:
                lines[i] = line.replace(" ", space)
        if not lines:
            lines = [""]
    return lines


@SETTINGS
@given(st.data())
def test_damaged_page_never_gives_a_wrong_price_silently(data):
    page = data.draw(pages())
    text = pagegen.render(page)
    original = parse_model_page(text, page.url)
    assert original.warnings == []  # the generator and the parser agree on an undamaged page
    damaged = "\n".join(data.draw(mutations(text.split("\n"))))
    record = _must_not_fail_inside(lambda: parse_model_page(damaged, page.url))
    if record is None:
        return
    assert record.key == original.key
    if record.warnings:
        return  # the record says it is unsure; a reader can see it
    for name, value in record.prices.items():
        assert value == original.prices.get(name), (name, value, original.prices.get(name))
    if record.prices:
        assert record.currency == original.currency
