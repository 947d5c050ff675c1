"""What a ratio or growth indicator measures, and the nilai it earns: shared by both paths.

The float ratio is computed in the same order as the batch path, so both show the same figure;
the band is decided in exact arithmetic wherever the float sits within rounding of an edge (D19).
Sign rules (D8) come from the ruleset: a deficit lands in the worst band, nothing to measure in
the best, and growth from a base ≤ 0 is best when this year is positive, worst otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

from . import schema
from .results import RULE_LOSS, RULE_NOTHING, RULE_TURNAROUND
from .ruleset import Indicator, Ruleset, Terms

WORST, BEST = "terburuk", "terbaik"


@dataclass(frozen=True)
class Measure:
    """A ratio indicator's inputs and value, or the band a sign rule puts it in, or what is missing."""

    inputs: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    numerator: float | None = None
    denominator: float | None = None
    ratio: float | None = None
    exact: Fraction | None = None
    side: str = ""  # WORST or BEST when a sign rule chose the band
    rule: str = ""
    reason: str = ""


def label(key: str) -> str:
    return schema.fields()[key].label


ACRONYMS = {"shu": "SHU", "ppap": "PPAP", "ppapwd": "PPAPWD", "swpm": "SWPM", "pea": "PEA",
            "meppp": "MEPPP", "bopo": "BOPO"}  # fmt: skip


def name_label(name: str) -> str:
    """A ruleset's field or quantity name as a reader writes it: 'shu_setelah_pajak' -> the
    schema's label, 'aset_likuid' -> 'Aset likuid', 'shu_kotor (tahun lalu)' kept as such."""
    base, suffix = (
        (name[: -len(" (tahun lalu)")], " (tahun lalu)")
        if name.endswith(" (tahun lalu)")
        else (name, "")
    )
    if base in schema.fields():
        return label(base) + suffix
    words = [ACRONYMS.get(w, w) for w in base.split("_")]
    return " ".join(words)[:1].upper() + " ".join(words)[1:] + suffix


def linear(terms: Terms, values: Mapping[str, Any]) -> float:
    acc = 0.0
    for key, coef in terms:
        acc = acc + coef * values[key]
    return acc


@cache
def _coef(coef: float) -> Fraction:
    return Fraction(repr(coef))


def linear_exact(terms: Terms, values: Mapping[str, Any]) -> Fraction:
    return sum((_coef(coef) * int(values[key]) for key, coef in terms), Fraction(0))


def rupiah(x: float) -> str:
    return f"Rp {x:,.0f}".replace(",", ".")


def measure(ind: Indicator, values: Mapping[str, Any]) -> Measure:
    """Compute the indicator's ratio from complete or partial report values."""
    inputs = {f: values.get(f) for f in ind.fields}
    missing = tuple(f for f, v in inputs.items() if v is None)
    if missing:
        reason = "data belum diisi: " + ", ".join(label(f) for f in missing)
        return Measure(inputs=inputs, missing=missing, reason=reason)
    num, den = linear(ind.numerator, inputs), linear(ind.denominator, inputs)
    num_x, den_x = linear_exact(ind.numerator, inputs), linear_exact(ind.denominator, inputs)
    known = {"inputs": inputs, "numerator": num, "denominator": den}
    ratio = exact = None
    if den_x > 0:
        if ind.formula == "growth":
            ratio, exact = (num - den) * 100 / den, (num_x - den_x) * 100 / den_x
        else:
            ratio, exact = num * 100 / den, num_x * 100 / den_x
    known |= {"ratio": ratio, "exact": exact}
    # A loss or deficit is worst whatever the denominator (checked before it, D8).
    deficit = [g for g in ind.guards if inputs[g] <= 0]
    if deficit:
        reason = f"{label(deficit[0])} = {rupiah(inputs[deficit[0]])} (≤ 0): defisit, masuk kelompok terburuk"
        return Measure(**known, side=WORST, rule=RULE_LOSS, reason=reason)
    if num_x < 0 and ind.numerator_negative == WORST:
        reason = f"{name_label(ind.numerator_name)} negatif ({rupiah(num)}): kerugian, masuk kelompok terburuk"
        return Measure(**known, side=WORST, rule=RULE_LOSS, reason=reason)
    if den_x <= 0:
        return Measure(**{**known, **_not_positive(ind, num_x, den)})
    return Measure(**known)


def _not_positive(ind: Indicator, num_x: Fraction, den: float) -> dict[str, Any]:
    where = f"{name_label(ind.denominator_name)} = {rupiah(den)} (≤ 0)"
    if ind.formula == "growth":
        if num_x > 0:
            return {"side": BEST, "rule": RULE_TURNAROUND,
                    "reason": f"{where}, tahun ini positif: berbalik tumbuh, kelompok terbaik"}  # fmt: skip
        return {"side": WORST, "rule": RULE_LOSS,
                "reason": f"{where}, tahun ini tidak positif: kelompok terburuk"}  # fmt: skip
    if ind.denominator_not_positive == WORST:
        return {"side": WORST, "rule": RULE_LOSS,
                "reason": f"{where}: defisit/kerugian, masuk kelompok terburuk"}  # fmt: skip
    if ind.denominator_not_positive == BEST:
        return {"side": BEST, "rule": RULE_NOTHING,
                "reason": f"{where}: tidak ada yang perlu ditutup, kelompok terbaik"}  # fmt: skip
    return {"reason": f"{where}: rasio tidak dapat dihitung", "missing": ("penyebut",)}


@dataclass(frozen=True)
class Grade:
    band: str
    nilai: float


def grade(ind: Indicator, ratio: float, exact: Fraction | None) -> Grade:
    """The band and nilai of a ratio: float lookup, re-decided exactly near an edge."""
    if ind.linear is not None:
        rule = ind.linear
        near = exact is not None and rule.near_edge(ratio)
        steps = rule.steps_exact(exact) if near else rule.steps(ratio)  # type: ignore[arg-type]
        return Grade(rule.label, rule.clamp(steps))
    assert ind.bands is not None
    near = exact is not None and ind.bands.near_edge(ratio)
    band = ind.bands.lookup_exact(exact) if near else ind.bands.lookup(ratio)  # type: ignore[arg-type]
    return Grade(band.label, band.nilai)


def extreme(ind: Indicator, side: str) -> Grade:
    """The worst or best band of the indicator's table or rule."""
    if ind.linear is not None:
        rule = ind.linear
        value = rule.nilai_min if side == WORST else rule.nilai_max
        return Grade(rule.label, value)
    assert ind.bands is not None
    band = ind.bands.worst if side == WORST else ind.bands.best
    return Grade(band.label, band.nilai)


def side_skor(rs: Ruleset, ind: Indicator, side: str) -> float:
    if ind.formula == "item_count":
        return 0.0 if side == WORST else ind.max_skor
    return rs.skor(extreme(ind, side).nilai, ind)
