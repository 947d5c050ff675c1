"""Capaian (achievement against target) as the LKjIP computes it, with its category bands as data."""

import bisect
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "indikator.toml"
CENT = Decimal("0.01")


@cache
def indicator_data() -> dict:
    with DATA_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def bands() -> tuple[tuple[Decimal, ...], tuple[str, ...], str]:
    """(ascending lower edges, their categories, the category below the lowest edge)."""
    rows = indicator_data()["kategori_capaian"]
    edged = sorted((Decimal(str(r["mulai"])), r["kategori"]) for r in rows if "mulai" in r)
    lowest = next(r["kategori"] for r in rows if "mulai" not in r)
    return tuple(e for e, _ in edged), tuple(k for _, k in edged), lowest


def capaian(realisasi: Decimal | None, target: Decimal | None, lower_is_better: bool = False):
    """Normal: realisasi ÷ target × 100; inverse: (2 × target − realisasi) ÷ target × 100."""
    if realisasi is None or target is None or target == 0:
        return None
    achieved = (2 * target - realisasi) if lower_is_better else realisasi
    return (achieved / target * 100).quantize(CENT, ROUND_HALF_UP)


def kategori(value: Decimal | None) -> str | None:
    """The band whose lower edge is the highest one not above `value`."""
    if value is None:
        return None
    edges, names, lowest = bands()
    index = bisect.bisect_right(edges, value)
    return names[index - 1] if index else lowest
