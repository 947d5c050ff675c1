"""Which line items drove a ratio's change: an exact shift-share split over its terms (pure).

For R = 100 × N ÷ D moving from N0/D0 to N1/D1, the symmetric split

    numerator term i:    100 × Δn_i × ½ (1/D0 + 1/D1)
    denominator term j: −100 × ½ (N0 + N1) × Δd_j ÷ (D0 × D1)

adds up to R1 − R0 exactly, whatever the signs (a loss, a negative equity), unlike a log split.
A reported total with a known make-up (rasio.toml [rincian], e.g. ekuitas = simpanan + cadangan +
SHU belum dibagi) is split into its items first, so a fall in permodalan is put on the SHU that
turned negative rather than on "ekuitas"; what the items do not explain stays as "rincian lain".
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.schema import fields as schema_fields
from sikomo.format import angka, rupiah_singkat

Terms = tuple[tuple[str, float], ...]
REST = ":lain"  # suffix of the part of a total its items do not explain
MINOR = 0.2  # a side whose share of the change is below this is "not the reason"


@dataclass(frozen=True)
class Effect:
    key: str  # a report field, or "<total>:lain"
    side: str  # "pembilang" or "penyebut"
    change: float  # how much the field itself moved, in rupiah
    points: float  # its share of the ratio's change, in percentage points


def label(key: str) -> str:
    if key.endswith(REST):
        return f"{label(key.removesuffix(REST))} (rincian lain)"
    found = schema_fields().get(key)
    return found.label if found else key.replace("_", " ")


def number(value) -> float | None:
    """A figure as a float, None when blank or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def expand(terms: Terms, breakdown: Mapping[str, Terms], values: Mapping) -> dict[str, float]:
    """{field: coefficient × value} of the terms, a total with a make-up split into its items
    (blank items count 0) and the rest; {} when a term itself is blank."""
    out: dict[str, float] = {}
    for key, coefficient in terms:
        total = number(values.get(key))
        if total is None:
            return {}
        items = breakdown.get(key, ())
        explained = 0.0
        for item, sub in items:
            part = (number(values.get(item)) or 0.0) * sub
            out[item] = out.get(item, 0.0) + coefficient * part
            explained += part
        if items:
            out[key + REST] = out.get(key + REST, 0.0) + coefficient * (total - explained)
        else:
            out[key] = out.get(key, 0.0) + coefficient * total
    return out


def coefficient_of(terms: Terms, breakdown: Mapping[str, Terms], key: str) -> float:
    """The coefficient a field's own value carries in `terms` (through a make-up too)."""
    found = 0.0
    for total, coefficient in terms:
        if total == key or key == total + REST:
            found += coefficient
        for item, sub in breakdown.get(total, ()):
            if item == key:
                found += coefficient * sub
    return found or 1.0


def decompose(
    num0: Mapping[str, float], num1: Mapping[str, float],
    den0: Mapping[str, float], den1: Mapping[str, float],
) -> list[Effect]:  # fmt: skip
    """Each term's share of 100 × (N1/D1 − N0/D0), largest first; [] when a D is zero."""
    n0, n1, d0, d1 = sum(num0.values()), sum(num1.values()), sum(den0.values()), sum(den1.values())
    if not d0 or not d1:
        return []
    effects = []
    for key in dict.fromkeys([*num0, *num1]):
        delta = num1.get(key, 0.0) - num0.get(key, 0.0)
        effects.append(Effect(key, "pembilang", delta, 100 * delta * (1 / d0 + 1 / d1) / 2))
    for key in dict.fromkeys([*den0, *den1]):
        delta = den1.get(key, 0.0) - den0.get(key, 0.0)
        effects.append(Effect(key, "penyebut", delta, -100 * (n0 + n1) / 2 * delta / (d0 * d1)))
    return sorted(effects, key=lambda e: -abs(e.points))


def points(value: float) -> str:
    """+1,25 poin / −0,40 poin."""
    sign = "+" if value >= 0 else "−"
    return f"{sign}{angka(abs(value), 2)} poin"


def moved(effect: Effect, coefficient: float) -> str:
    """'SHU belum dibagi turun Rp 120 juta' (the field's own movement, not its signed term)."""
    own = effect.change / coefficient
    way = "naik" if own > 0 else "turun"
    return f"{label(effect.key)} {way} {rupiah_singkat(abs(round(own)))}"


def explain(effects: list[Effect], coefficients: Mapping[str, float], limit: int = 2) -> str:
    """The cause in words: the largest movers in the direction of the change, then the largest
    against it ("meski …"), and the side that hardly moved it ("bukan karena …")."""
    total = sum(e.points for e in effects)
    if not effects or abs(total) < 1e-9:
        return ""
    along = [e for e in effects if e.points * total > 0 and abs(e.points) >= 0.05 * abs(total)]
    against = [e for e in effects if e.points * total < 0 and abs(e.points) >= 0.1 * abs(total)]
    if not along:
        return ""

    def said(e: Effect) -> str:
        return f"{moved(e, coefficients.get(e.key, 1.0))} ({points(e.points)})"

    text = "terutama karena " + ", ".join(said(e) for e in along[:limit])
    if against:
        text += ", meski " + said(against[0])
    sides = {side: sum(e.points for e in effects if e.side == side)
             for side in ("pembilang", "penyebut")}  # fmt: skip
    main = along[0].side
    other = "penyebut" if main == "pembilang" else "pembilang"
    quiet = [e for e in effects if e.side == other and e.change]
    if quiet and abs(sides[other]) < MINOR * abs(total) and not any(e in against for e in quiet):
        text += f"; bukan karena {label(quiet[0].key)} ({points(sides[other])})"
    return text
