"""Candidate moves for the what-if plan: one figure or a few questionnaire items per indicator.

Each candidate lifts one scored indicator into one better band by changing ONE reported figure
(or by fulfilling the fewest further questionnaire items), found in exact arithmetic and checked
with the engine's own `evaluate`, so band edges land exactly as `assess` decides them (D19).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from . import schema
from .engine import evaluate, pooled, weighted_total, with_fallbacks
from .measure import linear_exact
from .results import OK, RULE_LOSS, Assessment, IndicatorResult
from .ruleset import Indicator, Ruleset

QUESTIONNAIRES = ("questionnaire", "item_count")
# Steps tried on a "+1 nilai per 1 %" rule (D18): the next step up to the rule's maximum.
LINEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)
# Figures a plan only raises: lowering them weakens (or, for total aset, shrinks) the
# cooperative whatever a ratio says.
RAISE_ONLY = frozenset(
    {"total_ekuitas", "simpanan_pokok", "simpanan_wajib", "swpm", "hibah", "cadangan_umum",
     "cadangan_tujuan_risiko", "modal_penyertaan", "modal_penyetaraan", "shu_kotor",
     "shu_sebelum_pajak", "shu_setelah_pajak", "shu_bagian_anggota", "shu_belum_dibagi",
     "partisipasi_bruto", "pendapatan_non_anggota", "pendapatan_lain", "total_pendapatan",
     "ppap", "modal_tertimbang", "meppp", "volume_pinjaman_anggota", "pinjaman_anggota",
     "simpanan_sukarela_anggota", "simpanan_berjangka_anggota", "total_aset"}
)  # fmt: skip
# Figures a plan only lowers: more problem loans, costs or debts are never a way up.
LOWER_ONLY = frozenset(
    {"pinjaman_kurang_lancar", "pinjaman_diragukan", "pinjaman_macet", "pinjaman_berisiko",
     "beban_pokok", "beban_usaha", "beban_usaha_anggota", "beban_perkoperasian",
     "beban_perkoperasian_anggota", "beban_karyawan", "beban_lain", "pajak", "atmr",
     "hutang_pajak", "beban_masih_harus_dibayar", "hutang_biaya", "kewajiban_lancar_lain",
     "total_kewajiban_lancar", "pinjaman_bank_jangka_panjang", "kewajiban_jangka_panjang_lain",
     "total_kewajiban"}
)  # fmt: skip


@dataclass(frozen=True)
class Level:
    """A better band of one indicator: its label, skor, and the ratio edge that opens it."""

    band: str
    nilai: float
    skor: float
    edge: Fraction | None  # None for questionnaires (counted in items)
    inclusive: bool = True


@dataclass(frozen=True)
class Candidate:
    """One move: the indicator, the level it reaches, and the one figure (or items) it changes."""

    code: str
    level: Level
    field: str  # schema key, or "kuesioner" for questionnaire items
    current: int
    new: int
    items: tuple[str, ...]  # questionnaire item codes fulfilled by the move
    result: IndicatorResult  # the indicator after the move
    touched: frozenset[str]  # every pooled indicator that reads the changed figure
    changed: dict[str, IndicatorResult]  # those whose skor the move changes (the target too)
    deltas: dict[str, float]  # Δ skor per aspect
    gain: float  # points of the weighted total, this move alone
    isolated: bool  # the figure feeds no other pooled indicator

    @property
    def relative(self) -> float:
        """Size of the change: items ÷ all items, or |Δ| ÷ |current| (a figure now 0: |Δ|)."""
        if self.items:
            return len(self.items) / (self.result.items_total or 1)
        delta = abs(self.new - self.current)
        return delta / abs(self.current) if self.current else float(delta)


@dataclass
class Context:
    """The report as the engine sees it, and who reads which figure."""

    rs: Ruleset
    clean: dict[str, Any]  # validated report
    base: Assessment
    not_applicable: Mapping[str, str]

    def __post_init__(self) -> None:
        self.values, notes = with_fallbacks(self.rs, self.clean)
        self.source = {f: self.rs.fallbacks[f] for f in notes}  # blank field -> figure used
        self.readers: dict[str, set[str]] = {}
        for ind in self.pooled():
            for f in ind.fields:
                self.readers.setdefault(self.source.get(f, f), set()).add(ind.code)

    def pooled(self) -> list[Indicator]:
        return [i for i in self.rs.indicators if self.base.indicator(i.code).status == OK]

    def score(self, deltas: Mapping[str, float]) -> float | None:
        """The weighted total after adding Δ skor per aspect, as the engine sums it."""
        raw = [pooled(a.skor_sum_min + deltas.get(a.code, 0.0), a.skor_max)
               for a in self.base.aspects]  # fmt: skip
        return weighted_total(self.rs, raw)


def levels(ind: Indicator, r: IndicatorResult, rs: Ruleset) -> list[Level]:
    """Every band better than the current one, with the edge to cross to reach it."""
    assert r.skor is not None and r.nilai is not None
    if ind.linear is not None:
        rule, out = ind.linear, []
        for step in LINEAR_STEPS:
            nilai = min(r.nilai + step * rule.step, rule.nilai_max)
            edge = Fraction(repr(nilai)) / Fraction(repr(rule.per_percent))
            if all(lv.nilai != nilai for lv in out):
                out.append(Level(rule.label, nilai, rs.skor(nilai, ind), edge))
        return [lv for lv in out if lv.skor > r.skor]
    assert ind.bands is not None
    bands = ind.bands.bands
    here = next(i for i, b in enumerate(bands) if b.label == r.band)
    out = []
    for i, band in enumerate(bands):
        skor = rs.skor(band.nilai, ind)
        if skor <= r.skor:
            continue
        if i > here:  # above: cross the band's lower edge
            edge, inclusive = band.lower_exact, band.lower_closed
        else:  # below: cross its upper edge, the next band's lower one
            edge, inclusive = bands[i + 1].lower_exact, band.upper_closed
        out.append(Level(band.label, band.nilai, skor, edge, inclusive))
    return out


def allowed(field: str, new: int, current: int) -> bool:
    if new < 0 or new > schema.MAX_AMOUNT or new == current:
        return False
    return not (field in RAISE_ONLY and new < current or field in LOWER_ONLY and new > current)


def movable(ind: Indicator, ctx: Context) -> list[str]:
    """The reported figures a move may change: this year's, never a blank, never a prior year."""
    out = []
    for f in ind.fields:
        src = ctx.source.get(f, f)
        if src in schema.lalu_twins() or ctx.clean.get(src) is None or src in out:
            continue
        out.append(src)
    return out


def _coef(ind_terms: tuple[tuple[str, float], ...], field: str, ctx: Context) -> Fraction:
    return sum((Fraction(repr(c)) for f, c in ind_terms if ctx.source.get(f, f) == field),
               Fraction(0))  # fmt: skip


def solve(ind: Indicator, field: str, edge: Fraction, ctx: Context) -> Fraction | None:
    """The exact figure at which the ratio equals `edge`, all other figures unchanged."""
    cn, cd = _coef(ind.numerator, field, ctx), _coef(ind.denominator, field, ctx)
    x0 = int(ctx.values[field])
    a = linear_exact(ind.numerator, ctx.values) - cn * x0
    b = linear_exact(ind.denominator, ctx.values) - cd * x0
    if ind.formula == "growth":
        if b + cd * x0 <= 0:
            return None  # growth from a base ≤ 0 follows a sign rule (D8), not a ratio
        edge = edge + 100  # (num − den) ÷ den = e  ⇔  num ÷ den = e + 100 %
    slope = 100 * cn - edge * cd
    return (edge * b - 100 * a) / slope if slope else None


def _changed(ctx: Context, field: str, new: int) -> dict[str, Any]:
    values, _ = with_fallbacks(ctx.rs, {**ctx.clean, field: new})
    return values


def _reaches(ind: Indicator, values: Mapping[str, Any], level: Level, ctx: Context):
    r = evaluate(ind, values, ctx.rs, ctx.not_applicable)
    ok = r.status == OK and not r.rule and r.skor is not None and r.skor >= level.skor
    return r if ok else None


def money_candidate(ind: Indicator, field: str, level: Level, ctx: Context) -> Candidate | None:
    """The smallest whole-rupiah change of `field` that puts `ind` in `level`, if valid."""
    assert level.edge is not None
    x = solve(ind, field, level.edge, ctx)
    current = int(ctx.values[field])
    if x is None:
        return None
    best: tuple[int, IndicatorResult] | None = None
    for new in range(math.floor(x) - 2, math.ceil(x) + 3):
        if not allowed(field, new, current):
            continue
        hit = _reaches(ind, _changed(ctx, field, new), level, ctx)
        if hit and (best is None or abs(new - current) < abs(best[0] - current)):
            best = (new, hit)
    if best is None:
        return None
    return _candidate(ind, level, field, current, best[0], (), _changed(ctx, field, best[0]), ctx)


def questionnaire_candidates(ind: Indicator, ctx: Context) -> list[Candidate]:
    """For each better skor: the fewest further items fulfilled, in the ruleset's order."""
    answers = ctx.clean[schema.KUESIONER]
    open_items = [i.code for i in ind.items if answers.get(i.code) is False]
    yes = sum(bool(answers.get(i.code)) for i in ind.items)
    r = ctx.base.indicator(ind.code)
    out: list[Candidate] = []
    top = r.skor or 0.0
    for k in range(1, len(open_items) + 1):
        items = tuple(open_items[:k])
        values = {**ctx.values, schema.KUESIONER: {**answers, **dict.fromkeys(items, True)}}
        new = evaluate(ind, values, ctx.rs, ctx.not_applicable)
        if new.status != OK or new.skor is None or new.skor <= top:
            continue
        top = new.skor
        level = Level(new.band or "", new.nilai or 0.0, new.skor, None)
        cand = _candidate(ind, level, schema.KUESIONER, yes, yes + k, items, values, ctx)
        if cand is not None:
            out.append(cand)
    return out


def _candidate(ind, level, field, current, new, items, values, ctx) -> Candidate | None:
    """Re-evaluate every pooled indicator that reads the figure; refuse new losses or blanks."""
    readers = {ind.code} if items else ctx.readers.get(field, {ind.code})
    changed: dict[str, IndicatorResult] = {}
    deltas: dict[str, float] = {}
    for code in sorted(readers):
        other, before = ctx.rs.indicator(code), ctx.base.indicator(code)
        after = evaluate(other, values, ctx.rs, ctx.not_applicable)
        if after.status != OK or after.skor is None or before.skor is None:
            return None  # the change would make an indicator not computable
        if after.rule == RULE_LOSS and before.rule != RULE_LOSS:
            return None  # never a plan that turns a figure into a loss or deficit
        if after.skor != before.skor:
            changed[code] = after
            deltas[other.aspect] = deltas.get(other.aspect, 0.0) + after.skor - before.skor
    total = ctx.score(deltas)
    if ind.code not in changed or total is None or ctx.base.total is None:
        return None
    gain = total - ctx.base.total
    if gain <= 0:
        return None
    return Candidate(code=ind.code, level=level, field=field, current=current, new=new,
                     items=items, result=changed[ind.code], touched=frozenset(readers),
                     changed=changed, deltas=deltas, gain=gain,
                     isolated=len(readers) == 1)  # fmt: skip


def candidates(ctx: Context) -> list[Candidate]:
    """Per pooled indicator and better band: the best move — a figure that feeds only this
    indicator where one works, else any figure; then the smallest relative change."""
    out: list[Candidate] = []
    for ind in ctx.pooled():
        if ind.formula in QUESTIONNAIRES:
            out.extend(questionnaire_candidates(ind, ctx))
            continue
        r = ctx.base.indicator(ind.code)
        if r.skor is None or r.nilai is None or not ind.fields:
            continue
        for level in levels(ind, r, ctx.rs):
            found = [money_candidate(ind, f, level, ctx) for f in movable(ind, ctx)]
            ranked = sorted((c for c in found if c is not None),
                            key=lambda c: (not c.isolated, c.relative, c.field))  # fmt: skip
            if ranked:
                out.append(ranked[0])
    return out
