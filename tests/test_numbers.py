"""Amounts as people type them: accepted forms and clear Indonesian refusals."""

import pytest

from sikomo.numbers import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234567", 1234567),
        ("1.234.567", 1234567),
        ("Rp 1.234.567", 1234567),
        ("rp1.234.567", 1234567),
        ("Rp. 1.234.567", 1234567),
        ("  12 ", 12),
        ("0", 0),
        ("1.234.567,00", 1234567),
        ("", None),
        ("   ", None),
        (None, None),
        (5, 5),
        (5.0, 5),
        (float("nan"), None),
    ],
)
def test_accepted_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(("text", "value"), [("-1.000", -1000), ("(1.000)", -1000), ("- Rp 5", -5)])
def test_a_loss_may_be_negative_where_the_field_allows_it(text, value):
    assert parse_amount(text, signed=True) == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1,5", "tanpa sen"),
        ("1.234.567,50", "tanpa sen"),
        (5.5, "tanpa sen"),
        ("1.23.456", "1.234.567"),
        ("12.34", "1.234.567"),
        ("abc", "1.234.567"),
        ("1 234", "1.234.567"),
        ("Rp", "1.234.567"),
        ("-5", "negatif"),
        (-5, "negatif"),
        (True, "angka"),
    ],
)
def test_refused_amounts_say_why(text, words):
    with pytest.raises(AmountError, match=words):
        parse_amount(text)
