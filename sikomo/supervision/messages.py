"""A flag in Indonesian, with the line items that drove it: written only for the flags shown."""

import math

import pandas as pd

from scoring.bands import Band
from sikomo.format import angka, persen, rupiah, rupiah_singkat, tanggal
from sikomo.models import Predikat
from sikomo.review.values import PREDIKAT_RANK, predikat_label
from sikomo.supervision import attribution
from sikomo.supervision.config import Ratio, Rule
from sikomo.supervision.rules import YearData

BY_RANK: dict[int, Predikat] = {rank: p for p, rank in PREDIKAT_RANK.items()}


def none(value):
    return None if blank(value) else value


def blank(value) -> bool:
    return value is None or bool(pd.isna(value))


def band_text(band: Band) -> str:
    """'[10, 20)' -> '10–20 %', '(-inf, 10)' -> '< 10 %', '[30, inf)' -> '≥ 30 %'."""

    def edge(x: float) -> str:
        return angka(x, 2).removesuffix(",00")

    if math.isinf(band.lower):
        high = edge(band.upper)
        return f"{'≤' if band.upper_closed else '<'} {high} %"
    if math.isinf(band.upper):
        return f"{'≥' if band.lower_closed else '>'} {edge(band.lower)} %"
    return f"{edge(band.lower)}–{edge(band.upper)} %"


def band_of(ratio: Ratio, nilai: float) -> str:
    if ratio.bands is None or blank(nilai):
        return "–"
    return next((band_text(b) for b in ratio.bands.bands if b.nilai == nilai), "–")


def items(data: YearData, cooperative_id: int, offset: int) -> dict:
    """The line items of the cooperative's counted report of year − offset (NaN: blank)."""
    at = data.position(cooperative_id)
    if at is None or offset >= data.items["held"].shape[0]:
        return {}
    values = {key: float(grid[offset, at]) for key, grid in data.items.items()}
    for key, full in data.cfg.fallbacks.items():
        if math.isnan(values.get(key, 0.0)):
            values[key] = values.get(full, math.nan)
    return values


def ratio_at(data: YearData, code: str, what: str, cooperative_id: int, offset: int) -> float:
    at = data.position(cooperative_id)
    if at is None or offset >= data.items["held"].shape[0]:
        return math.nan
    return float(getattr(data.ratios[code], what)[offset, at])


def series(data: YearData, ratio: Ratio, cooperative_id: int, years: int) -> str:
    shown = []
    for offset in range(years, -1, -1):
        value = ratio_at(data, ratio.code, "value", cooperative_id, offset)
        shown.append(f"{data.year - offset}: {persen(None if blank(value) else value)}")
    return " → ".join(shown)


def ratio_cause(data: YearData, ratio: Ratio, cooperative_id: int) -> str:
    """Why the ratio moved since last year, by line item ('' for growth or when unknown)."""
    if ratio.growth:
        return ""
    now, before = items(data, cooperative_id, 0), items(data, cooperative_id, 1)
    breakdown = data.cfg.breakdown
    parts = [attribution.expand(terms, breakdown, values)
             for values in (before, now) for terms in (ratio.numerator, ratio.denominator)]  # fmt: skip
    if not all(parts):
        return ""
    effects = attribution.decompose(parts[0], parts[2], parts[1], parts[3])
    coefficients = {
        e.key: attribution.coefficient_of(
            ratio.numerator if e.side == "pembilang" else ratio.denominator, breakdown, e.key
        )
        for e in effects
    }
    text = attribution.explain(effects, coefficients)
    if not text:
        return ""
    change = sum(e.points for e in effects)
    way = "naik" if change > 0 else "turun"
    return f"Dibanding tahun lalu {way} {angka(abs(change), 2)} poin, {text}."


def loss_cause(data: YearData, cooperative_id: int) -> str:
    """Which income-statement items moved the SHU since last year."""
    terms = (("shu_setelah_pajak", 1.0),)
    now = attribution.expand(terms, data.cfg.breakdown, items(data, cooperative_id, 0))
    before = attribution.expand(terms, data.cfg.breakdown, items(data, cooperative_id, 1))
    if not now or not before:
        return ""
    moves = sorted(
        ((key, now.get(key, 0.0) - before.get(key, 0.0)) for key in dict.fromkeys([*before, *now])),
        key=lambda pair: pair[1],
    )
    change = sum(d for _, d in moves)
    worst = [(k, d) for k, d in moves if d < 0][:2]
    if change >= 0 or not worst:
        return ""
    said = []
    for key, delta in worst:
        coefficient = attribution.coefficient_of(terms, data.cfg.breakdown, key)
        own = delta / coefficient
        way = "naik" if own > 0 else "turun"
        said.append(f"{attribution.label(key)} {way} {rupiah_singkat(abs(round(own)))}")
    return (
        f"SHU turun {rupiah_singkat(abs(round(change)))} dari tahun lalu, terutama karena "
        + " dan ".join(said) + "."
    )  # fmt: skip


def predikat_cause(data: YearData, cooperative_id: int) -> str:
    fell = []
    for ratio in data.cfg.ratios:
        if ratio.bands is None:
            continue
        a = ratio_at(data, ratio.code, "nilai", cooperative_id, 0)
        b = ratio_at(data, ratio.code, "nilai", cooperative_id, 1)
        if not blank(a) and not blank(b) and ratio.bands.is_better(b, a):
            fell.append(ratio.short.lower())
    return f"Rasio yang turun pita: {', '.join(fell)}." if fell else ""


def predikat_at(data: YearData, cooperative_id: int, offset: int) -> str:
    rank = items(data, cooperative_id, offset).get("rank", math.nan)
    return "–" if blank(rank) else predikat_label(BY_RANK[int(rank)])


def describe(data: YearData, rule: Rule, flag) -> str:
    """The flag's wording from peringatan.toml, then its cause."""
    cid = int(flag.cooperative_id)
    ratio = data.cfg.ratio(flag.rasio) if flag.rasio else None
    values = {
        "tahun": data.year, "lalu": data.year - rule.years + 1 if rule.check == "tanpa_rat"
        else data.year - 1, "batas": persen(rule.limit) if ratio else angka(rule.limit),
        "hari": angka(None if blank(flag.hari) else int(flag.hari)),
        "batas_tanggal": "–" if blank(flag.batas_tanggal)
        else tanggal(pd.Timestamp(flag.batas_tanggal).date()),
        "rasio": ratio.label if ratio else "", "deret": "", "nilai": "", "dari": "", "ke": "",
    }  # fmt: skip
    cause = ""
    if ratio is not None:
        years = rule.years if rule.check == "memburuk_berturut" else 1
        values["deret"] = series(data, ratio, cid, years)
        values["nilai"] = persen(none(ratio_at(data, ratio.code, "value", cid, 0)))
        values["dari"] = band_of(ratio, ratio_at(data, ratio.code, "nilai", cid, 1))
        values["ke"] = band_of(ratio, ratio_at(data, ratio.code, "nilai", cid, 0))
        cause = ratio_cause(data, ratio, cid)
    elif rule.check == "rugi":
        values["nilai"] = rupiah(none(items(data, cid, 0).get("shu_setelah_pajak")))
        cause = loss_cause(data, cid)
    elif rule.check == "predikat_turun":
        values["dari"], values["ke"] = predikat_at(data, cid, 1), predikat_at(data, cid, 0)
        cause = predikat_cause(data, cid)
    text = rule.message.format(**values)
    return f"{text} {cause}".strip()
