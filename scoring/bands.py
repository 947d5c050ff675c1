"""Band tables: ratio intervals mapped to a nilai, looked up with bisect (one or many ratios)."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from .errors import RulesetError

# Relative distance from an edge within which a float ratio is re-decided in exact arithmetic.
EDGE_TOLERANCE = 1e-9

_INTERVAL = re.compile(
    r"^\s*(?P<lo_br>[\[(])\s*(?P<lo>-inf|[-+]?\d+(?:\.\d+)?)\s*,"
    r"\s*(?P<hi>\+?inf|[-+]?\d+(?:\.\d+)?)\s*(?P<hi_br>[\])])\s*$"
)


@dataclass(frozen=True)
class Band:
    """One interval of a band table, as written in the ruleset, e.g. "[5, 7)"."""

    label: str
    lower: float
    upper: float
    lower_closed: bool
    upper_closed: bool
    nilai: float
    lower_exact: Fraction | None = None  # the lower end as written (decimal), None for -inf

    def contains(self, x: float) -> bool:
        above = x >= self.lower if self.lower_closed else x > self.lower
        below = x <= self.upper if self.upper_closed else x < self.upper
        return above and below


def parse_band(text: str, nilai: float, entry: str) -> Band:
    m = _INTERVAL.match(text)
    if not m:
        raise RulesetError(entry, f"band {text!r} is not an interval like '[5, 7)' or '(-inf, 25]'")
    lower, upper = float(m["lo"]), float(m["hi"])
    if lower >= upper:
        raise RulesetError(
            entry, f"band {text!r} is empty: its lower end is not below its upper end"
        )
    return Band(
        label=text.strip(),
        lower=lower,
        upper=upper,
        lower_closed=m["lo_br"] == "[" and math.isfinite(lower),
        upper_closed=m["hi_br"] == "]" and math.isfinite(upper),
        nilai=nilai,
        lower_exact=Fraction(m["lo"]) if math.isfinite(lower) else None,
    )


@dataclass(frozen=True)
class BandTable:
    """Bands covering the whole real line, in ascending order, without gaps or overlaps."""

    bands: tuple[Band, ...]
    higher_nilai_is_better: bool

    @classmethod
    def build(cls, rows: list[tuple[str, float]], higher_is_better: bool, entry: str) -> BandTable:
        if not rows:
            raise RulesetError(entry, "has no bands")
        bands = tuple(parse_band(text, nilai, entry) for text, nilai in rows)
        if bands[0].lower != -math.inf:
            raise RulesetError(entry, f"first band {bands[0].label!r} must start at -inf")
        if bands[-1].upper != math.inf:
            raise RulesetError(entry, f"last band {bands[-1].label!r} must end at inf")
        for prev, nxt in zip(bands, bands[1:], strict=False):
            if nxt.lower <= prev.lower:
                raise RulesetError(
                    entry, f"bands are unsorted: {prev.label!r} is listed before {nxt.label!r}"
                )
        for prev, nxt in zip(bands, bands[1:], strict=False):
            if prev.upper > nxt.lower:
                raise RulesetError(entry, f"bands {prev.label!r} and {nxt.label!r} overlap")
            if prev.upper < nxt.lower or not (prev.upper_closed or nxt.lower_closed):
                raise RulesetError(
                    entry, f"band gap between {prev.label!r} and {nxt.label!r}: no band holds it"
                )
            if prev.upper_closed and nxt.lower_closed:
                raise RulesetError(
                    entry, f"bands {prev.label!r} and {nxt.label!r} both hold {nxt.lower:g}"
                )
        return cls(bands, higher_is_better)

    @cached_property
    def edges(self) -> tuple[float, ...]:
        """Boundaries as lower-inclusive edges, so bisect_right / searchsorted('right') apply."""
        return tuple(
            b.lower if b.lower_closed else math.nextafter(b.lower, math.inf) for b in self.bands[1:]
        )

    @cached_property
    def values(self) -> tuple[float, ...]:
        return tuple(b.nilai for b in self.bands)

    def index(self, x: float) -> int:
        return bisect_right(self.edges, x)

    def index_exact(self, x: Fraction) -> int:
        """The band of an exact ratio, compared with each edge as the ruleset writes it (D19)."""
        index = 0
        for band in self.bands[1:]:
            assert band.lower_exact is not None
            if x > band.lower_exact or (band.lower_closed and x == band.lower_exact):
                index += 1
        return index

    def near_edge(self, x: float) -> bool:
        """True where float rounding could put x on the wrong side of an edge."""
        return any(abs(x - e) <= EDGE_TOLERANCE * max(1.0, abs(e)) for e in self.edges)

    def lookup(self, x: float) -> Band:
        return self.bands[self.index(x)]

    def lookup_exact(self, x: Fraction) -> Band:
        return self.bands[self.index_exact(x)]

    @cached_property
    def worst(self) -> Band:
        pick = min if self.higher_nilai_is_better else max
        return next(b for b in self.bands if b.nilai == pick(self.values))

    @cached_property
    def best(self) -> Band:
        pick = max if self.higher_nilai_is_better else min
        return next(b for b in self.bands if b.nilai == pick(self.values))

    def is_better(self, a: float, b: float) -> bool:
        return a > b if self.higher_nilai_is_better else a < b

    def next_better(self, x: float) -> dict[str, object] | None:
        """Return the nearest ratio value at which x would fall into a better band, if any."""
        current = self.bands[self.index(x)]
        best: tuple[float, Band, float, bool, bool] | None = None
        for band in self.bands:
            if not self.is_better(band.nilai, current.nilai):
                continue
            above = band.lower >= current.upper
            target, closed = (
                (band.lower, band.lower_closed) if above else (band.upper, band.upper_closed)
            )
            distance = abs(target - x)
            if best is None or distance < best[0]:
                best = (distance, band, target, closed, above)
        if best is None:
            return None
        _, band, target, closed, above = best
        return {
            "target": target,
            "inclusive": closed,
            "direction": "naik" if above else "turun",  # also when x sits on an open edge
            "band": band.label,
            "nilai": band.nilai,
        }


@dataclass(frozen=True)
class LinearRule:
    """A rule instead of a step table (D18): nilai = ⌊ratio × per_percent ÷ step⌋ × step, clamped.

    E.g. the older method's 2c, "each +1 % adds +1 nilai, max 100": per_percent 1, step 1.
    """

    per_percent: float
    step: float
    nilai_min: float
    nilai_max: float

    @property
    def label(self) -> str:
        return f"{self.per_percent:g} nilai per 1 %, {self.nilai_min:g}–{self.nilai_max:g}"

    def clamp(self, steps: int) -> float:
        return min(max(steps * self.step, self.nilai_min), self.nilai_max)

    def steps(self, x: float) -> int:
        return math.floor(x * self.per_percent / self.step)

    def steps_exact(self, x: Fraction) -> int:
        return math.floor(x * Fraction(repr(self.per_percent)) / Fraction(repr(self.step)))

    def near_edge(self, x: float) -> bool:
        scaled = x * self.per_percent / self.step
        return abs(scaled - round(scaled)) <= EDGE_TOLERANCE * max(1.0, abs(scaled))

    def next_better(self, nilai: float) -> dict[str, object] | None:
        if nilai >= self.nilai_max:
            return None
        target = (nilai + self.step) / self.per_percent
        return {
            "target": target,
            "inclusive": True,
            "direction": "naik",
            "band": self.label,
            "nilai": nilai + self.step,
        }
