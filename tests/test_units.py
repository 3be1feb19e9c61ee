"""Counts as users type them, and the click type that reports bad ones."""

from __future__ import annotations

import re
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from catalog.cli.params import Count
from catalog.units import group_digits, parse_count


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000", "1000"), ("1,000", "1000"), ("1_000", "1000"), ("1,000,000", "1000000"), ("200k", "200000"),
        ("200K", "200000"), ("1.5M", "1500000"), ("1.5m", "1500000"), ("3e6", "3000000"), ("3E6", "3000000"),
        ("2B", "2000000000"), ("0", "0"), (" 7 ", "7"), ("2.5k", "2500"), ("1e0", "1"), ("0.5k", "500"),
    ],
)
def test_whole_counts(text, value):
    result = parse_count(text)
    assert result == Decimal(value) and str(result) == value


@pytest.mark.parametrize(("text", "value"), [("2.5", "2.5"), ("90", "90"), (".5", "0.5"), ("1.5k", "1500"), ("1e-3", "0.001")])
def test_fractional_counts(text, value):
    assert str(parse_count(text, whole=False)) == value


WHOLE = "use a whole number such as 1000, 1,000, 200k, 1.5M or 3e6"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", f"'abc' is not a count; {WHOLE}"),
        ("", f"'' is not a count; {WHOLE}"),
        ("-5", f"'-5' is not a count; {WHOLE}"),
        ("1,00", f"'1,00' is not a count; {WHOLE}"),
        ("1e3k", f"'1e3k' is not a count; {WHOLE}"),
        ("1.5x", f"'1.5x' is not a count; {WHOLE}"),
        ("nan", f"'nan' is not a count; {WHOLE}"),
        ("inf", f"'inf' is not a count; {WHOLE}"),
        ("1.5", f"'1.5' is not a whole number; {WHOLE}"),
        ("1.2345k", f"'1.2345k' is not a whole number; {WHOLE}"),
        ("1e16", f"'1e16' is more than 10^15; {WHOLE}"),
        ("1e999", f"'1e999' is more than 10^15; {WHOLE}"),
    ],
)
def test_bad_counts_name_the_accepted_forms(text, message):
    with pytest.raises(ValueError) as info:
        parse_count(text)
    assert str(info.value) == message


def test_group_digits():
    assert [group_digits(Decimal(x)) for x in ("1000000", "7", "2.5", "12345.25")] == [
        "1,000,000", "7", "2.5", "12,345.25"
    ]


def test_count_type_reports_the_option_and_exits_2():
    @click.command()
    @click.option("--images", type=Count())
    @click.option("--calls", type=Count(minimum=1), default="1")
    def command(images, calls):
        click.echo(f"{images!r} {calls!r}")

    runner = CliRunner()
    ok = runner.invoke(command, ["--images", "1.5k", "--calls", "2"])
    assert (ok.exit_code, ok.output) == (0, "Decimal('1500') Decimal('2')\n")
    bad = runner.invoke(command, ["--images", "many"])
    assert bad.exit_code == 2
    assert bad.output.splitlines()[-1] == f"Error: Invalid value for '--images': 'many' is not a count; {WHOLE}"
    zero = runner.invoke(command, ["--calls", "0"])
    assert zero.exit_code == 2
    assert zero.output.splitlines()[-1] == f"Error: Invalid value for '--calls': '0' is less than 1; {WHOLE}"


@pytest.mark.parametrize(("value", "expected"), [("5", "5"), ("2.5%", "2.5"), (0, "0"), (Decimal("1.25"), "1.25")])
def test_a_percentage_is_read_exactly(value, expected):
    from catalog.units import parse_percent

    assert parse_percent(value) == Decimal(expected)


@pytest.mark.parametrize(("value", "message"), [
    ("five", "'five' is not a percentage; give a number such as 5 or 2.5"),
    ("-5", "'-5' is not a percentage >= 0"), ("nan", "'nan' is not a percentage >= 0"),
])
def test_what_is_no_percentage_is_refused_naming_it(value, message):
    from catalog.units import parse_percent

    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_percent(value)
