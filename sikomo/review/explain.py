"""The engine's explanation in a pengawas's words: a band as a range ("5 % sampai < 7,5 %"),
the way to a better band in the indicator's own direction, and where a rule comes from
(*sumber aturan*, sumber.toml) in Indonesian instead of the research's citation codes."""

import math
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from scoring.bands import parse_band
from scoring.errors import RulesetError
from sikomo.format import angka

SUMBER_PATH = Path(__file__).with_name("sumber.toml")
TAG = re.compile(r"\s*[\[(](INF|GAP|CONFLICT|REKONSTRUKSI|DECISION|C1|C2)[\])]")
TAG_WORDS = {"INF": "disimpulkan", "GAP": "belum ditemukan", "CONFLICT": "sumber berbeda",
             "REKONSTRUKSI": "disusun ulang", "DECISION": "keputusan", "C1": "satu sumber",
             "C2": "dua sumber atau lebih"}  # fmt: skip


def percent(value: float) -> str:
    """A band edge as written, without trailing zeros: 7.5 -> '7,5 %', 100 -> '100 %'."""
    exact = Decimal(repr(value)).normalize()
    digits = max(0, -exact.as_tuple().exponent)
    return f"{angka(value, digits)} %"


def band_words(label: str | None) -> str:
    """'[10, inf)' -> '≥ 10 %'; '[5, 7.5)' -> '5 % sampai < 7,5 %'; '(-inf, 25]' -> '≤ 25 %'.
    A label that is no interval (a linear rule's) is already words and is returned as it is."""
    if not label:
        return "–"
    try:
        band = parse_band(label, 0, label)
    except RulesetError:
        return label
    if band.upper == math.inf:
        return f"{'≥' if band.lower_closed else '>'} {percent(band.lower)}"
    upper = f"{'≤' if band.upper_closed else '<'} {percent(band.upper)}"
    if band.lower == -math.inf:
        return upper
    lower = percent(band.lower) if band.lower_closed else f"> {percent(band.lower)}"
    return f"{lower} sampai {upper}"


def next_band_hint(ratio: float | None, next_band: dict[str, Any] | None) -> str:
    """How far the ratio is from the nearest better band, in the direction that band lies:
    'naik 1,48 poin ke ≥ 5 %', 'turun 7,36 poin ke < 100 %' (a lower-is-better indicator)."""
    if not next_band:
        return "Sudah di pita terbaik."
    target, inclusive = next_band["target"], next_band["inclusive"]
    up = next_band["direction"] == "naik"
    edge = f"{('≥' if inclusive else '>') if up else ('≤' if inclusive else '<')} {percent(target)}"
    better = f"pita {band_words(next_band['band'])}, nilai {angka(next_band['nilai'])}"
    if ratio is None:
        return f"Ke {edge} ({better})."
    gap = abs(target - ratio)
    if gap == 0:  # on an open edge: any move in the band's direction is enough
        return (
            f"Tepat di batas: harus {'di atas' if up else 'di bawah'} {percent(target)} ({better})."
        )
    return f"{'Naik' if up else 'Turun'} {angka(gap, 2)} poin ke {edge} ({better})."


def _tag(match: re.Match, note: str) -> str:
    """A research tag in a note as words, unless the note already says them."""
    words = TAG_WORDS[match[1]]
    return "" if words in note else f" ({words})"


@dataclass(frozen=True)
class Sumber:
    keyakinan: str  # how sure the rule is (the ruleset's confidence tag, in words)
    asal: str  # the documents it comes from
    catatan: str  # the ruleset's own note on it, if any


@cache
def _sumber() -> dict[str, dict[str, str]]:
    with SUMBER_PATH.open("rb") as f:
        return tomllib.load(f)


def sumber(source: str, confidence: str, note: str = "") -> Sumber:
    """A rule's source, confidence and note in Indonesian; a source line sumber.toml does not
    know (a ruleset a Dinas uploaded) is shown as the ruleset wrote it."""
    known = _sumber()
    keyakinan = known["keyakinan"].get(confidence, confidence)
    asal = known["sumber"].get(source, source)
    catatan = known["catatan"].get(note) or TAG.sub(lambda m: _tag(m, note), note)
    return Sumber(keyakinan, asal, catatan)
