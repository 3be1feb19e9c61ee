"""Workload costs: exact decimals, missing components, currencies kept apart, no headline prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.costing import Workload, cost, rank
from catalog.reader import Amount, Brief

M = Decimal(1_000_000)


def offer(key: str, currency: str = "USD", **prices: str) -> Brief:
    provider, model_id = key.split("/")
    return Brief(0, provider, model_id, model_id.title(), {c: Amount(Decimal(v), currency) for c, v in prices.items()})


def test_token_cost_is_exact():
    result = cost(offer("p/a", input_per_mtok="0.027", output_per_mtok="0.20"), Workload(input_tokens=M, output_tokens=Decimal(200_000)))
    assert result.parts == {"input_per_mtok": Decimal("0.027"), "output_per_mtok": Decimal("0.04")}
    assert result.cost == Decimal("0.067") and result.currency == "USD" and result.missing == []


def test_huge_counts_and_long_prices_lose_no_digit():
    price = "0.123456789012345678901234567891"  # 30 digits
    result = cost(offer("p/a", input_per_mtok=price), Workload(input_tokens=Decimal(10) ** 15 - 1))
    digits = (10**15 - 1) * 123456789012345678901234567891  # the exact product, in integers
    assert result.cost == Decimal(f"{digits}E-36")  # the constructor is exact; arithmetic rounds
    assert result.cost != (Decimal(10) ** 15 - 1) * Decimal(price) / M  # the default 28 digits would round


def test_images_seconds_and_calls():
    workload = Workload(images=Decimal(4), seconds=Decimal("2.5"), calls=Decimal(10))
    result = cost(offer("p/a", per_image="0.04", per_second="0.10"), workload)
    assert result.parts == {"per_image": Decimal("1.60"), "per_second": Decimal("2.500")}
    assert result.cost == Decimal("4.1")


def test_calls_multiply_every_component():
    one = cost(offer("p/a", input_per_mtok="2", output_per_mtok="8"), Workload(input_tokens=Decimal(1000), output_tokens=Decimal(500)))
    many = cost(offer("p/a", input_per_mtok="2", output_per_mtok="8"), Workload(input_tokens=Decimal(1000), output_tokens=Decimal(500), calls=Decimal(3)))
    assert one.cost == Decimal("0.006") and many.cost == 3 * one.cost


def test_missing_component_is_named_never_zero():
    result = cost(offer("p/a", input_per_mtok="0.10"), Workload(input_tokens=M, output_tokens=M))
    assert result.missing == ["output_per_mtok"] and result.cost is None
    assert result.parts == {"input_per_mtok": Decimal("0.10"), "output_per_mtok": None}


def test_headline_is_never_a_price():
    """An offering priced only by its blended '/ call' headline has no price for a token workload."""
    headline_only = offer("p/a", headline="0.113500")
    result = cost(headline_only, Workload(input_tokens=M, output_tokens=M, calls=Decimal(5)))
    assert result.cost is None and result.missing == ["input_per_mtok", "output_per_mtok"]
    with_tokens = cost(offer("p/b", input_per_mtok="0.027", output_per_mtok="0.20", headline="0.113500"),
                       Workload(input_tokens=M, calls=Decimal(2)))
    assert with_tokens.cost == Decimal("0.054")


def test_mixed_currencies_have_no_total():
    mixed = Brief(0, "p", "a", None, {"input_per_mtok": Amount(Decimal(1), "USD"),
                                      "output_per_mtok": Amount(Decimal(1), "EUR")})
    result = cost(mixed, Workload(input_tokens=M, output_tokens=M))
    assert result.cost is None and result.currency is None and result.mixed_currencies and result.missing == []


def test_ranking_keeps_currencies_apart_and_lists_unpriced_last():
    offers = [
        offer("b/expensive", input_per_mtok="5"),
        offer("a/cheap", input_per_mtok="1"),
        offer("c/euro", "EUR", input_per_mtok="0.01"),
        offer("a/tie", input_per_mtok="1"),
        offer("d/none", per_image="0.01"),
        offer("e/yen", "JPY", input_per_mtok="100"),
    ]
    ranking = rank(offers, Workload(input_tokens=M))
    assert ranking.currencies == ["USD", "EUR", "JPY"]
    assert [c.offering.key for c in ranking.ordered()] == [
        "a/cheap", "a/tie", "b/expensive", "c/euro", "e/yen", "d/none"
    ]
    assert [c.offering.key for c in ranking.unpriced] == ["d/none"] and len(ranking) == 6


def test_unpriced_sorted_by_how_much_is_missing():
    ranking = rank([offer("a/none"), offer("b/half", input_per_mtok="1")], Workload(input_tokens=M, output_tokens=M))
    assert [(c.offering.key, c.missing) for c in ranking.unpriced] == [
        ("b/half", ["output_per_mtok"]), ("a/none", ["input_per_mtok", "output_per_mtok"])
    ]


def test_empty_or_negative_workload_is_refused():
    with pytest.raises(ValueError, match="the workload is empty"):
        rank([], Workload(calls=0))
    with pytest.raises(ValueError, match="no workload quantity tokens; known: input_tokens, "):
        Workload(tokens=1)
    with pytest.raises(TypeError, match="not a float"):
        Workload(input_tokens=0.1)
    with pytest.raises(ValueError, match="input_tokens must be a finite number >= 0"):
        Workload(input_tokens=Decimal(-1))
    assert Workload(images=Decimal(2)).components == ("per_image",)


# --- exact beyond 28 digits; rounding only for display (issue 9, case 7) -------------------------------


def test_every_cost_within_the_bounds_is_exact():
    """The largest counts the CLI accepts times the widest prices a page may give: 67 digits, none lost."""
    big, small = "999999999999999999.999999999999", "0.000000000001"
    offering = offer("p/a", input_per_mtok=big, output_per_mtok=small, per_image=small, per_second=big)
    workload = Workload(input_tokens=Decimal("999999999999999"), output_tokens=Decimal(1), images=Decimal(1), seconds=Decimal("999999999999999.999999"), calls=Decimal(10) ** 15)
    result = cost(offering, workload)
    assert str(result.cost) == "1000000999999999999997999999998999999000000001000.003000000000000000"
    assert str(workload.quantity("per_second")) == "999999999999999999999000000000.000000"


def test_a_cost_that_would_need_rounding_is_refused_not_rounded():
    from catalog.costing import PrecisionExceeded

    too_long = offer("p/a", per_second="1." + "1" * 80)  # beyond any price a page may give
    message = ("a cost of this workload would need more than 80 significant digits; use counts up to 10^15 "
               "with at most 6 decimals")
    with pytest.raises(PrecisionExceeded) as info:
        cost(too_long, Workload(seconds=Decimal(3)))
    assert str(info.value) == message
    with pytest.raises(PrecisionExceeded):
        rank([too_long], Workload(seconds=Decimal(3)))


def test_display_rounding_is_half_up_and_never_fails():
    from catalog.cli.render import plain_cost, rounded
    from catalog.costing import round_for_display

    # half up, as money tables do (Decimal's default half-even would give 0.01234, 12.34, 2)
    assert str(round_for_display(Decimal("0.012345"), 5)) == "0.01235"
    assert [rounded(Decimal(x)) for x in ("0.012345", "12.345", "2.5", "1234.565")] == [
        "0.01235", "12.35", "2.50", "1,234.57"]
    # a cost of 3 * 10^27 has 30 digits in cents: the default 28-digit context raised InvalidOperation
    assert rounded(Decimal("3E+27")) == "3,000,000,000,000,000,000,000,000,000.00"
    assert rounded(Decimal("15053411129551453208541304291863870062774.21664245203213356")) == (
        "15,053,411,129,551,453,208,541,304,291,863,870,062,774.22")
    # full precision elsewhere: only insignificant zeros go (normalize() rounded to 28 digits)
    assert plain_cost(Decimal("15053411129551453208541304291863870062774.2166424520321335600")) == (
        "15053411129551453208541304291863870062774.21664245203213356")
    assert [plain_cost(Decimal(x)) for x in ("0.040", "1E+2", "0E-18", "7")] == ["0.04", "100", "0", "7"]


@pytest.mark.parametrize(
    ("text", "whole", "outcome"),
    [
        # 32 digits: read whole, not rounded to 28 (which made this 1000 and accepted it)
        ("1000.0000000000000000000000000001", True, "'1000.0000000000000000000000000001' is not a whole number; "
                                                    "use a whole number such as 1000, 1,000, 200k, 1.5M or 3e6"),
        ("123456789012345.123456", False, "123456789012345.123456"),
        ("1.0000001", False, "'1.0000001' has more than 6 decimals; use a number such as 90, 2.5, 1,200, 1.5k or 3e3"),
        ("1234567890123456789012345678901e-20", False, "'1234567890123456789012345678901e-20' has more than 6 "
                                                       "decimals; use a number such as 90, 2.5, 1,200, 1.5k or 3e3"),
        ("0.0000005k", False, "0.0005"),
    ],
)
def test_counts_are_read_exactly(text, whole, outcome):
    from catalog.units import parse_count

    try:
        assert str(parse_count(text, whole=whole)) == outcome
    except ValueError as exc:
        assert str(exc) == outcome


# --- components of the registry: per call, cached input --------------------------------------------


def test_calls_alone_price_what_charges_per_call():
    """A page priced per call (header and specifications agree, no token price) costs calls x price."""
    endpoint = offer("modelslab/flux-endpoint", per_call="0.470000", headline="0.470000")
    llm = offer("p/llm", input_per_mtok="1", output_per_mtok="2", headline="1.5")
    workload = Workload(calls=1000)
    assert workload.components == ("per_call",)
    ranking = rank([llm, endpoint], workload)
    assert [(q.offering.key, q.cost) for q in ranking.by_currency["USD"]] == [("modelslab/flux-endpoint", Decimal("470.000000"))]
    assert [(q.offering.key, q.missing) for q in ranking.unpriced] == [("p/llm", ["per_call"])]


def test_a_price_per_call_is_charged_beside_token_prices():
    with_fee = cost(offer("p/a", input_per_mtok="1", per_call="0.01"), Workload(input_tokens=M, calls=2))
    assert with_fee.parts == {"input_per_mtok": Decimal("2"), "per_call": Decimal("0.02")}
    assert (with_fee.cost, with_fee.missing) == (Decimal("2.02"), [])
    without = cost(offer("p/b", input_per_mtok="1"), Workload(input_tokens=M, calls=2))
    assert (without.parts, without.cost, without.missing) == ({"input_per_mtok": Decimal("2")}, Decimal("2"), [])


def test_cached_input_tokens_are_priced_by_cached_input():
    workload = Workload(input_tokens=M, cached_input_tokens=4 * M)
    assert workload.components == ("input_per_mtok", "cache_read_per_mtok")
    result = cost(offer("p/a", input_per_mtok="0.50", cache_read_per_mtok="0.05"), workload)
    assert (result.parts, result.cost) == ({"input_per_mtok": Decimal("0.50"), "cache_read_per_mtok": Decimal("0.20")},
                                           Decimal("0.70"))
    assert cost(offer("p/b", input_per_mtok="0.50"), workload).missing == ["cache_read_per_mtok"]
