from datetime import date

import pytest

from sikomo.format import angka, persen, rupiah, tanggal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (487479523077, "Rp 487.479.523.077"),
        (1234567, "Rp 1.234.567"),
        (0, "Rp 0"),
        (-1500, "-Rp 1.500"),
        (None, "–"),
    ],
)
def test_rupiah_uses_dots_for_thousands(value, expected):
    assert rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(45.2134, "45,21 %"), (80.895, "80,90 %"), (0.43, "0,43 %"), (107.6419, "107,64 %")],
)
def test_persen_uses_a_decimal_comma_and_rounds_half_up(value, expected):
    assert persen(value) == expected


def test_angka_groups_thousands_and_keeps_decimals():
    assert angka(1234567.5, 1) == "1.234.567,5"


@pytest.mark.parametrize("value", [0, 7, -999, 1000, -1234567, 10**18 + 1])
def test_angka_of_an_integer_is_the_same_with_or_without_its_fast_path(value):
    assert angka(value) == angka(str(value))  # a string takes the general path
    assert angka(value, 2) == angka(str(value), 2) == angka(value) + ",00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 28), "28 November 2026"),
        ("2025-01-05", "5 Januari 2025"),
        ("2024-08-17T10:00:00", "17 Agustus 2024"),
    ],
)
def test_tanggal_uses_indonesian_month_names(value, expected):
    assert tanggal(value) == expected
