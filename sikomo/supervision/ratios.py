"""The key ratios of every cooperative and year at once (numpy), with their bands: pure functions.

Figures come as arrays of shape (years, cooperatives): row 0 the tahun buku, row k the k-th year
before it, NaN where no counted report gives the figure. A ratio is the ruleset's own (numerator
and denominator as linear terms of report fields, ×100), so it is the figure the engine scores; a
blank term makes it not computable (NaN), never 0. The band is looked up in the ruleset's band
table (lower-inclusive edges, as `np.searchsorted` reads them in scoring/frame.py) with the
ruleset's sign rules (decisions.md D8): a loss in the worst band, a base of zero or below in the
band the indicator names.
"""

from dataclasses import dataclass

import numpy as np

from sikomo.supervision.config import Config, Ratio, Terms

Figures = dict[str, np.ndarray]


@dataclass(frozen=True)
class Computed:
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    nilai: np.ndarray  # the ruleset band's nilai; NaN when not computable or no band table


def with_fallbacks(items: Figures, fallbacks: dict[str, str]) -> Figures:
    """A blank member share of a cost takes the full figure (D16), as the engine does."""
    items = dict(items)
    for key, full in fallbacks.items():
        if key in items and full in items:
            items[key] = np.where(np.isnan(items[key]), items[full], items[key])
    return items


def linear(items: Figures, terms: Terms) -> np.ndarray:
    """Σ coefficient × field; NaN where any field is blank."""
    shape = next(iter(items.values())).shape
    total = np.zeros(shape)
    for key, coefficient in terms:
        total = total + coefficient * items[key]
    return total


def last_year(now: np.ndarray) -> np.ndarray:
    """Each year's figure of the year before (row k + 1); the oldest row has none loaded."""
    shifted = np.full_like(now, np.nan)
    shifted[:-1] = now[1:]
    return shifted


def quotient(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100.0 * numerator / denominator
    return np.where(denominator > 0, value, np.nan)


def parts(ratio: Ratio, items: Figures) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) of the ratio; a growth ratio: (this year, last year's figure:
    the report's `_lalu` twin, else last year's report, decisions.md D20)."""
    if ratio.growth:
        now = items[ratio.growth]
        lalu = items[f"{ratio.growth}_lalu"]
        return now, np.where(np.isnan(lalu), last_year(now), lalu)
    return linear(items, ratio.numerator), linear(items, ratio.denominator)


def band_nilai(ratio: Ratio, values: np.ndarray, numerator, denominator) -> np.ndarray:
    """The ruleset's nilai of each value (NaN: not computable, or no band table)."""
    table = ratio.bands
    if table is None:
        return np.full_like(values, np.nan)
    positions = np.searchsorted(np.asarray(table.edges), values, side="right")
    nilai = np.asarray(table.values)[np.minimum(positions, len(table.values) - 1)]
    result = np.where(np.isnan(values), np.nan, nilai)
    worst, best = table.worst.nilai, table.best.nilai
    with np.errstate(invalid="ignore"):
        no_base = ~np.isnan(denominator) & ~np.isnan(numerator) & (denominator <= 0)
        if ratio.growth:  # growth from nothing (D8): up is best, else worst
            result = np.where(no_base, np.where(numerator > 0, best, worst), result)
        elif ratio.denominator_not_positive in ("terburuk", "terbaik"):
            side = worst if ratio.denominator_not_positive == "terburuk" else best
            result = np.where(no_base, side, result)
        if ratio.numerator_negative == "terburuk":
            result = np.where(numerator < 0, worst, result)
    return result


def compute(ratio: Ratio, items: Figures) -> Computed:
    numerator, denominator = parts(ratio, items)
    if ratio.growth:
        value = quotient(numerator - denominator, denominator)
    else:
        value = quotient(numerator, denominator)
    return Computed(value, numerator, denominator, band_nilai(ratio, value, numerator, denominator))


def all_ratios(cfg: Config, items: Figures) -> dict[str, Computed]:
    items = with_fallbacks(items, cfg.fallbacks)
    return {ratio.code: compute(ratio, items) for ratio in cfg.ratios}


def is_worse(ratio: Ratio, now: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Elementwise: `now` is a worse value than `before` (NaN on either side: never)."""
    with np.errstate(invalid="ignore"):
        return now < before if ratio.higher_is_better else now > before


def band_is_worse(ratio: Ratio, now: np.ndarray, before: np.ndarray) -> np.ndarray:
    if ratio.bands is None:
        return np.zeros(now.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return now < before if ratio.bands.higher_nilai_is_better else now > before


def size_codes(cfg: Config, total_aset: np.ndarray) -> np.ndarray:
    """The position of each total aset's size class in cfg.sizes (blank: -1)."""
    lowers = np.asarray([s.lower for s in cfg.sizes[1:]], dtype="float64")
    found = np.searchsorted(lowers, np.nan_to_num(total_aset, nan=0.0), side="right")
    return np.where(np.isnan(total_aset), -1, found)


def size_class(cfg: Config, total_aset: np.ndarray) -> np.ndarray:
    """The size class code of each total aset (blank: None)."""
    codes = np.asarray([s.code for s in cfg.sizes] + [None], dtype=object)
    return codes[size_codes(cfg, total_aset)]
