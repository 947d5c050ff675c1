"""Capaian as the LKjIP computes it, and every category edge on both sides (no app needed)."""

from decimal import Decimal

import pytest

from sikomo.indicators.capaian import capaian, kategori

D = Decimal


@pytest.mark.parametrize(
    ("realisasi", "target", "lower_is_better", "expected"),
    [
        ("45.21", "42", False, "107.64"),  # the IKU 2025 example
        ("0.43", "0.37", False, "116.22"),  # rasio volume usaha / PDRB 2025
        ("21", "42", False, "50.00"),
        ("12", "10", True, "80.00"),  # lower is better: (2 × 10 − 12) ÷ 10
        ("8", "10", True, "120.00"),
        ("25", "10", True, "-50.00"),
    ],
)
def test_capaian_uses_the_normal_or_inverse_formula(realisasi, target, lower_is_better, expected):
    assert capaian(D(realisasi), D(target), lower_is_better) == D(expected)


@pytest.mark.parametrize(("realisasi", "target"), [(None, D(1)), (D(1), None), (D(1), D(0))])
def test_capaian_is_not_computable_without_both_figures(realisasi, target):
    assert capaian(realisasi, target) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("107.64", "Sangat Tinggi"),
        ("91.00", "Sangat Tinggi"),
        ("90.99", "Tinggi"),
        ("76.00", "Tinggi"),
        ("75.99", "Sedang"),
        ("66.00", "Sedang"),
        ("65.99", "Rendah"),
        ("51.00", "Rendah"),
        ("50.99", "Sangat Rendah"),
        ("-50.00", "Sangat Rendah"),
    ],
)
def test_each_category_band_starts_at_its_lower_edge(value, expected):
    assert kategori(D(value)) == expected


def test_no_capaian_has_no_category():
    assert kategori(None) is None
