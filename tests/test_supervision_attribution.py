"""Cause attribution of a ratio's change: exact, and right when line items move apart."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikomo.supervision import attribution
from sikomo.supervision.config import config

EQUITY = (("total_ekuitas", 1.0),)
ASET = (("total_aset", 1.0),)


def equity_items(simpanan: int, shu: int, aset: int) -> dict:
    return {"total_ekuitas": simpanan + shu, "simpanan_wajib": simpanan, "shu_belum_dibagi": shu,
            "total_aset": aset}  # fmt: skip


def split(before: dict, after: dict):
    breakdown = config().breakdown
    return [attribution.expand(t, breakdown, v) for v in (before, after) for t in (EQUITY, ASET)]


def test_a_loss_that_cuts_equity_is_named_even_when_aset_falls_the_other_way():
    # Equity 250 of 1,000 (25 %) -> SHU from +50 to -120 juta while aset falls by 200 juta.
    before = equity_items(200_000_000, 50_000_000, 1_000_000_000)
    after = equity_items(200_000_000, -120_000_000, 800_000_000)
    num0, den0, num1, den1 = split(before, after)
    effects = attribution.decompose(num0, num1, den0, den1)
    change = 100 * 80_000_000 / 800_000_000 - 25.0  # 10 % - 25 % = -15 points
    assert sum(e.points for e in effects) == pytest.approx(change)
    by_key = {e.key: e for e in effects}
    shu, aset = by_key["shu_belum_dibagi"], by_key["total_aset"]
    assert shu.points < 0 < aset.points  # the loss pulls the ratio down, the smaller aset up
    assert shu.points == pytest.approx(100 * -170_000_000 * (1 / 1e9 + 1 / 8e8) / 2)
    coefficients = {e.key: 1.0 for e in effects}
    text = attribution.explain(effects, coefficients)
    assert text.startswith("terutama karena SHU belum dibagi turun Rp 170 juta")
    assert "meski Total aset turun Rp 200 juta (+" in text


def test_a_ratio_that_falls_because_aset_grew_says_so_and_not_the_equity():
    before = equity_items(300_000_000, 0, 1_000_000_000)
    after = equity_items(300_000_000, 1_000_000, 1_500_000_000)  # SHU barely moves
    num0, den0, num1, den1 = split(before, after)
    effects = attribution.decompose(num0, num1, den0, den1)
    text = attribution.explain(effects, {e.key: 1.0 for e in effects})
    assert text.startswith("terutama karena Total aset naik Rp 500 juta")
    assert "bukan karena SHU belum dibagi" in text


def test_a_total_its_items_do_not_explain_keeps_the_rest_apart():
    values = {"total_ekuitas": 500, "simpanan_wajib": 300, "shu_belum_dibagi": None}
    parts = attribution.expand(EQUITY, config().breakdown, values)
    assert parts["simpanan_wajib"] == 300 and parts["total_ekuitas:lain"] == 200
    assert attribution.expand(EQUITY, config().breakdown, {"total_ekuitas": None}) == {}


def test_a_cost_item_is_described_by_its_own_movement_not_its_sign_in_the_sum():
    shu = (("shu_setelah_pajak", 1.0),)
    breakdown = config().breakdown
    assert attribution.coefficient_of(shu, breakdown, "beban_usaha") == -1.0
    effect = attribution.Effect("beban_usaha", "pembilang", -5_000_000, -1.0)
    assert attribution.moved(effect, -1.0) == "Beban usaha naik Rp 5 juta"


money = st.integers(min_value=-(10**12), max_value=10**12)
positive = st.integers(min_value=1, max_value=10**12)


@given(money, money, money, money, positive, positive)
def test_the_split_always_adds_up_to_the_change(a0, b0, a1, b1, d0, d1):
    num0, num1 = {"a": float(a0), "b": float(b0)}, {"a": float(a1), "b": float(b1)}
    den0, den1 = {"d": float(d0)}, {"d": float(d1)}
    effects = attribution.decompose(num0, num1, den0, den1)
    before, after = Fraction(100 * (a0 + b0), d0), Fraction(100 * (a1 + b1), d1)
    total = sum(e.points for e in effects)
    # exact up to the rounding of floats the size of the ratios and of the shares themselves
    # (a small change made of two large opposite shares cancels their digits)
    scale = max(1, abs(float(before)), abs(float(after)), *(abs(e.points) for e in effects))
    assert math.isclose(total, float(after - before), rel_tol=1e-9, abs_tol=1e-14 * scale)
