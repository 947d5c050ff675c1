"""The single-report path: one RAT report in, one explained Assessment out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import schema
from .errors import MethodError
from .results import NOT_COMPUTABLE, NOT_SET, OK, AspectResult, Assessment, IndicatorResult
from .ruleset import Indicator, Ruleset, Terms, all_item_codes, ruleset_for


def round2(x: float) -> float:
    """Round half to even on x*100, exactly as numpy.rint does in the batch path."""
    return round(x * 100) / 100


def linear(terms: Terms, report: Mapping[str, Any]) -> float | None:
    acc = 0.0
    for key, coef in terms:
        value = report.get(key)
        if value is None:
            return None
        acc = acc + coef * value
    return acc


def _missing(ind: Indicator, report: Mapping[str, Any]) -> list[str]:
    return [f for f in ind.fields if report.get(f) is None]


def _ratio(ind: Indicator, report: Mapping[str, Any]) -> tuple[float | None, dict[str, Any]]:
    """Compute a ratio or growth indicator's value, or say why it cannot be computed."""
    info: dict[str, Any] = {"inputs": {f: report.get(f) for f in ind.fields}}
    missing = _missing(ind, report)
    if missing:
        return None, {**info, "reason": "data belum diisi: " + ", ".join(missing)}
    num, den = linear(ind.numerator, report), linear(ind.denominator, report)
    assert num is not None and den is not None
    info.update(numerator=num, denominator=den)
    if den <= 0:
        return None, {
            **info,
            "reason": f"{ind.denominator_name} = {den:,.0f} (≤ 0): rasio tidak bermakna",
        }
    if ind.formula == "growth":
        return (num - den) * 100 / den, info
    return num * 100 / den, info


def _answers(ind: Indicator, kuesioner: Mapping[str, bool]) -> tuple[int, int, tuple[str, ...]]:
    answered = [kuesioner[i.code] for i in ind.items if i.code in kuesioner]
    unanswered = tuple(i.code for i in ind.items if i.code not in kuesioner)
    return sum(answered), len(answered), unanswered


def evaluate(ind: Indicator, report: Mapping[str, Any], rs: Ruleset) -> IndicatorResult:
    """Explain one indicator: inputs, ratio, band, nilai, skor, kategori and next better band."""
    base: dict[str, Any] = dict(
        code=ind.code,
        name=ind.name,
        aspect=ind.aspect,
        component=ind.component,
        formula=ind.formula,
        source=ind.source,
        confidence=ind.confidence,
        note=ind.note,
        max_skor=ind.max_skor if ind.enabled else None,
    )
    if ind.formula is None:
        return IndicatorResult(status=NOT_SET, reason=ind.reason, **base)
    if ind.formula in ("questionnaire", "item_count"):
        yes, answered, unanswered = _answers(ind, report[schema.KUESIONER])
        base.update(items_answered=answered, items_total=len(ind.items), unanswered=unanswered)
        ratio = yes * 100 / answered if answered else None
        info: dict[str, Any] = {"numerator": float(yes), "denominator": float(answered)}
        if not answered:
            info = {"reason": "kuesioner belum dijawab"}
    else:
        ratio, info = _ratio(ind, report)
        base.update(inputs=info.pop("inputs"))
    if not ind.enabled:
        reason = ind.reason if ratio is not None else f"{ind.reason} {info['reason']}"
        return IndicatorResult(status=NOT_SET, ratio=ratio, **{**info, "reason": reason}, **base)
    if ratio is None:
        return IndicatorResult(status=NOT_COMPUTABLE, **info, **base)
    if ind.formula == "item_count":
        skor = min(yes * ind.value_per_item, ind.max_skor)
        return IndicatorResult(
            status=OK, ratio=ratio, nilai=skor * 100 / ind.max_skor, skor=skor, **info, **base
        )
    assert ind.bands is not None
    band = ind.bands.lookup(ratio)
    return IndicatorResult(
        status=OK,
        ratio=ratio,
        band=band.label,
        nilai=band.nilai,
        skor=rs.skor(band.nilai, ind),
        kategori=rs.kategori.get(f"{band.nilai:g}"),
        next_band=ind.bands.next_better(ratio),
        **info,
        **base,
    )


def _aspect(rs: Ruleset, code: str, results: list[IndicatorResult]) -> AspectResult:
    aspect = next(a for a in rs.aspects if a.code == code)
    mine = [
        r
        for r, ind in zip(results, rs.indicators, strict=True)
        if ind.aspect == code and ind.enabled
    ]
    skor_sum, skor_max = 0.0, 0.0
    for r in mine:
        if r.scored:
            assert r.skor is not None and r.max_skor is not None
            skor_sum = skor_sum + r.skor
            skor_max = skor_max + r.max_skor
    score = pooled(skor_sum, skor_max)
    p = rs.predikat_for(round2(score)) if score is not None else None
    return AspectResult(
        code=code,
        name=aspect.name,
        weight=aspect.weight,
        score=round2(score) if score is not None else None,
        skor_sum=skor_sum,
        skor_max=skor_max,
        indicators_scored=sum(r.scored for r in mine),
        indicators_defined=len(mine),
        predikat=p.code if p else None,
        predikat_label=p.label if p else None,
    )


def pooled(skor_sum: float, skor_max: float) -> float | None:
    """Aspect score on 0–100: Σ skor ÷ Σ maximum skor of the scored indicators (D3)."""
    return skor_sum * 100 / skor_max if skor_max > 0 else None


def weighted_total(rs: Ruleset, raw_scores: list[float | None]) -> float | None:
    """Weighted total of the aspect scores, over the aspects that could be scored."""
    acc, weights = 0.0, 0.0
    for aspect, score in zip(rs.aspects, raw_scores, strict=True):
        if score is not None:
            acc = acc + aspect.weight * score
            weights = weights + aspect.weight
    return round2(acc / weights) if weights > 0 else None


def _provisional(results: list[IndicatorResult], rs: Ruleset) -> tuple[str, ...]:
    reasons = []
    for r, ind in zip(results, rs.indicators, strict=True):
        if not ind.enabled:
            continue
        if r.status == NOT_COMPUTABLE:
            reasons.append(f"{r.code}: tidak dapat dihitung ({r.reason})")
        elif r.unanswered:
            reasons.append(f"{r.code}: {len(r.unanswered)} butir kuesioner belum dijawab")
    return tuple(reasons)


def next_predikat(rs: Ruleset, total: float) -> dict[str, Any] | None:
    current = rs.predikat_for(total)
    better = [p for p in rs.predikat if p.min > current.min]
    if not better:
        return None
    nxt = better[-1]
    return {
        "predikat": nxt.code,
        "label": nxt.label,
        "min": nxt.min,
        "distance": round2(nxt.min - total),
    }


def check_scope(rs: Ruleset, report: Mapping[str, Any]) -> None:
    jenis = report.get("jenis")
    if jenis is not None and jenis not in rs.jenis:
        raise MethodError(
            "jenis", f"koperasi jenis '{jenis}' tidak dinilai kesehatannya dengan {rs.id}"
        )


def assess_with(rs: Ruleset, report: Mapping[str, Any]) -> Assessment:
    """Score a validated report with the given ruleset."""
    check_scope(rs, report)
    results = [evaluate(ind, report, rs) for ind in rs.indicators]
    aspects = [_aspect(rs, a.code, results) for a in rs.aspects]
    total = weighted_total(rs, [pooled(a.skor_sum, a.skor_max) for a in aspects])
    p = rs.predikat_for(total) if total is not None else None
    reasons = _provisional(results, rs)
    return Assessment(
        method=rs.id,
        ruleset_id=rs.id,
        ruleset_version=rs.version,
        ruleset_hash=rs.content_hash,
        tahun_buku=report.get("tahun_buku"),
        total=total,
        predikat=p.code if p else None,
        predikat_label=p.label if p else None,
        provisional=bool(reasons),
        provisional_reasons=reasons,
        next_predikat=next_predikat(rs, total) if total is not None else None,
        indicators_scored=sum(r.scored for r in results),
        indicators_defined=sum(ind.enabled for ind in rs.indicators),
        aspects=tuple(aspects),
        indicators=tuple(results),
    )


def assess(
    report: Mapping[str, Any], method: str | None = None, ruleset: Ruleset | None = None
) -> Assessment:
    """Assess one report in the canonical schema; the method follows tahun_buku when omitted."""
    known = all_item_codes() | (ruleset.item_codes if ruleset else frozenset())
    clean = schema.validate_report(report, known)
    rs = ruleset or ruleset_for(method or clean.get("metode"), clean.get("tahun_buku"))
    return assess_with(rs, clean)
