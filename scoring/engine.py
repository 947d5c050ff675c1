"""The single-report path: one RAT report in, one explained Assessment out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import schema
from .errors import MethodError, ReportError
from .measure import BEST, WORST, extreme, grade, label, measure, side_skor
from .results import (
    NOT_APPLICABLE,
    NOT_COMPUTABLE,
    NOT_SET,
    OK,
    AspectResult,
    Assessment,
    IndicatorResult,
)
from .ruleset import Indicator, Ruleset, all_item_codes, ruleset_for

QUESTIONNAIRES = ("questionnaire", "item_count")


def round2(x: float) -> float:
    """Round half to even on x*100, exactly as numpy.rint does in the batch path."""
    return round(x * 100) / 100


def _base(ind: Indicator) -> dict[str, Any]:
    return dict(
        code=ind.code,
        name=ind.name,
        aspect=ind.aspect,
        component=ind.component,
        formula=ind.formula,
        source=ind.source,
        confidence=ind.confidence,
        note=ind.note,
        max_skor=ind.max_skor if ind.enabled else None,
        optimum=ind.optimum,
    )


def evaluate(
    ind: Indicator,
    report: Mapping[str, Any],
    rs: Ruleset,
    not_applicable: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> IndicatorResult:
    """Explain one indicator: inputs, ratio, band, nilai, skor, kategori and next better band."""
    base = _base(ind)
    if ind.formula is None:
        return IndicatorResult(status=NOT_SET, reason=ind.reason, **base)
    if ind.formula in QUESTIONNAIRES:
        return _questionnaire(ind, report[schema.KUESIONER], rs, not_applicable or {}, base)
    m = measure(ind, report)
    notes = notes or {}
    base.update(
        inputs=m.inputs,
        numerator=m.numerator,
        denominator=m.denominator,
        ratio=m.ratio,
        rule=m.rule,
        notes=tuple(notes[f] for f in ind.fields if f in notes),
    )
    if not ind.enabled:
        reason = " ".join(filter(None, (ind.reason, m.reason)))
        return IndicatorResult(status=NOT_SET, reason=reason, **base)
    if ind.code in (not_applicable or {}):
        return IndicatorResult(status=NOT_APPLICABLE, reason=not_applicable[ind.code], **base)
    if m.missing:
        return _missing(ind, rs, m.reason, base)
    if m.side:
        g = extreme(ind, m.side)
        return _scored(ind, rs, g.band, g.nilai, m.reason, None, base)
    assert m.ratio is not None
    g = grade(ind, m.ratio, m.exact)
    return _scored(ind, rs, g.band, g.nilai, "", _next_band(ind, m.ratio, g.nilai), base)


def _next_band(ind: Indicator, ratio: float, nilai: float) -> dict[str, Any] | None:
    if ind.linear is not None:
        return ind.linear.next_better(nilai)
    assert ind.bands is not None
    return ind.bands.next_better(ratio)


def _scored(ind, rs, band, nilai, reason, next_band, base) -> IndicatorResult:
    skor = rs.skor(nilai, ind)
    return IndicatorResult(
        status=OK,
        reason=reason,
        band=band,
        nilai=nilai,
        skor=skor,
        skor_min=skor,
        skor_max=skor,
        kategori=rs.kategori.get(f"{nilai:g}"),
        next_band=next_band,
        **base,
    )


def _missing(ind: Indicator, rs: Ruleset, reason: str, base: dict[str, Any]) -> IndicatorResult:
    return IndicatorResult(
        status=NOT_COMPUTABLE,
        reason=reason,
        skor_min=side_skor(rs, ind, WORST),
        skor_max=side_skor(rs, ind, BEST),
        **base,
    )


def _questionnaire(ind, kuesioner, rs, not_applicable, base) -> IndicatorResult:
    answered = [kuesioner[i.code] for i in ind.items if i.code in kuesioner]
    unanswered = tuple(i.code for i in ind.items if i.code not in kuesioner)
    yes, total = sum(answered), len(ind.items)
    base.update(items_answered=len(answered), items_total=total, unanswered=unanswered)
    if answered:
        base.update(ratio=yes * 100 / len(answered), numerator=float(yes))
        base.update(denominator=float(len(answered)))
    if not ind.enabled:
        return IndicatorResult(status=NOT_SET, reason=ind.reason, **base)
    if ind.code in not_applicable:
        return IndicatorResult(status=NOT_APPLICABLE, reason=not_applicable[ind.code], **base)
    if unanswered:
        base["ratio"] = None
        low, high = (
            _item_skor(ind, rs, yes, total),
            _item_skor(ind, rs, yes + len(unanswered), total),
        )
        reason = f"{len(unanswered)} dari {total} butir belum dijawab"
        return IndicatorResult(
            status=NOT_COMPUTABLE, reason=reason, skor_min=low, skor_max=high, **base
        )
    if ind.formula == "item_count":
        skor = _item_skor(ind, rs, yes, total)
        return IndicatorResult(status=OK, nilai=skor * 100 / ind.max_skor, skor=skor,
                               skor_min=skor, skor_max=skor, **base)  # fmt: skip
    g = grade(ind, yes * 100 / total, None)
    return _scored(ind, rs, g.band, g.nilai, "", _next_band(ind, yes * 100 / total, g.nilai), base)


def _item_skor(ind: Indicator, rs: Ruleset, yes: int, total: int) -> float:
    """Skor with `yes` items terpenuhi of `total` (the others counted "tidak")."""
    if ind.formula == "item_count":
        return min(yes * ind.value_per_item, ind.max_skor)
    return rs.skor(grade(ind, yes * 100 / total, None).nilai, ind)


def pooled(skor_sum: float, skor_max: float) -> float | None:
    """Aspect score on 0–100: Σ skor ÷ Σ maximum skor of the indicators in the pool (D3)."""
    return skor_sum * 100 / skor_max if skor_max > 0 else None


def _in_pool(r: IndicatorResult, ind: Indicator) -> bool:
    return ind.enabled and r.status in (OK, NOT_COMPUTABLE)


def _aspect(rs: Ruleset, code: str, results: list[IndicatorResult]) -> AspectResult:
    aspect = next(a for a in rs.aspects if a.code == code)
    defined = [(r, i) for r, i in zip(results, rs.indicators, strict=True) if i.aspect == code]
    mine = [r for r, ind in defined if _in_pool(r, ind)]
    low, high, most = 0.0, 0.0, 0.0
    for r in mine:
        assert r.skor_min is not None and r.skor_max is not None and r.max_skor is not None
        low, high, most = low + r.skor_min, high + r.skor_max, most + r.max_skor
    complete = all(r.status == OK for r in mine)
    score_min, score_max = _rounded(pooled(low, most)), _rounded(pooled(high, most))
    p_min, p_max = _predikat(rs, score_min), _predikat(rs, score_max)
    return AspectResult(
        code=code,
        name=aspect.name,
        weight=aspect.weight,
        complete=complete and most > 0,
        score=score_min if complete else None,
        score_min=score_min,
        score_max=score_max,
        skor_sum_min=low,
        skor_sum_max=high,
        skor_max=most,
        indicators_scored=sum(r.status == OK for r in mine),
        indicators_missing=sum(r.status == NOT_COMPUTABLE for r in mine),
        indicators_defined=sum(ind.enabled for _, ind in defined),
        predikat=p_min.code if complete and p_min else None,
        predikat_label=p_min.label if complete and p_min else None,
        predikat_min=p_min.code if p_min else None,
        predikat_max=p_max.code if p_max else None,
    )


def _rounded(x: float | None) -> float | None:
    return round2(x) if x is not None else None


def _predikat(rs: Ruleset, score: float | None):
    return rs.predikat_for(score) if score is not None else None


def weighted_total(rs: Ruleset, raw_scores: list[float | None]) -> float | None:
    """Weighted total of the aspect scores, over the aspects that have a pool."""
    acc, weights = 0.0, 0.0
    for aspect, score in zip(rs.aspects, raw_scores, strict=True):
        if score is not None:
            acc = acc + aspect.weight * score
            weights = weights + aspect.weight
    return round2(acc / weights) if weights > 0 else None


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


def _missing_list(results: list[IndicatorResult], rs: Ruleset) -> tuple[dict[str, Any], ...]:
    out = []
    for r, ind in zip(results, rs.indicators, strict=True):
        if ind.enabled and r.status == NOT_COMPUTABLE:
            fields = [f for f, v in r.inputs.items() if v is None]
            out.append({"code": r.code, "name": r.name, "aspect": r.aspect, "reason": r.reason,
                        "kind": "kuesioner" if r.unanswered else "data",
                        "fields": fields, "items": list(r.unanswered)})  # fmt: skip
    return tuple(out)


def check_scope(rs: Ruleset, report: Mapping[str, Any]) -> None:
    jenis = report.get("jenis")
    if jenis is not None and jenis not in rs.jenis:
        raise MethodError(
            "jenis", f"koperasi jenis '{jenis}' tidak dinilai kesehatannya dengan {rs.id}"
        )


def check_not_applicable(rs: Ruleset, given: Mapping[str, str] | None) -> dict[str, str]:
    """Validate the pengawas's *tidak berlaku* confirmations: {enabled indicator: reason}."""
    if not given:
        return {}
    if not isinstance(given, Mapping):
        raise ReportError("tidak_berlaku", "harus berupa pemetaan kode indikator → alasan")
    enabled = {i.code for i in rs.indicators if i.enabled}
    out = {}
    for code, reason in given.items():
        if code not in enabled:
            raise ReportError(f"tidak_berlaku.{code}", f"bukan indikator yang dinilai di {rs.id}")
        if not isinstance(reason, str) or not reason.strip():
            raise ReportError(f"tidak_berlaku.{code}", "alasan wajib diisi")
        out[code] = reason.strip()
    return out


def with_fallbacks(rs: Ruleset, report: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Blank member-share fields take the full figure (D16), each with a note saying so."""
    values, notes = dict(report), {}
    for key, fallback in rs.fallbacks.items():
        if values.get(key) is None and values.get(fallback) is not None:
            values[key] = values[fallback]
            notes[key] = f"{label(key)} tidak diisi: dipakai {label(fallback)} seluruhnya"
    return values, notes


def assess_with(
    rs: Ruleset,
    report: Mapping[str, Any],
    not_applicable: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
) -> Assessment:
    """Score a validated report with the given ruleset."""
    check_scope(rs, report)
    confirmed = check_not_applicable(rs, not_applicable)
    values, notes = with_fallbacks(rs, report)
    notes |= {k: f"{label(k)} {v}" for k, v in (sources or {}).items() if k in schema.fields()}
    results = [evaluate(ind, values, rs, confirmed, notes) for ind in rs.indicators]
    aspects = [_aspect(rs, a.code, results) for a in rs.aspects]
    lows = [pooled(a.skor_sum_min, a.skor_max) for a in aspects]
    highs = [pooled(a.skor_sum_max, a.skor_max) for a in aspects]
    total_min, total_max = weighted_total(rs, lows), weighted_total(rs, highs)
    complete = total_min is not None and all(a.complete or a.skor_max == 0 for a in aspects)
    p_min, p_max = _predikat(rs, total_min), _predikat(rs, total_max)
    missing = _missing_list(results, rs)
    return Assessment(
        method=rs.id,
        ruleset_id=rs.id,
        ruleset_version=rs.version,
        ruleset_hash=rs.content_hash,
        tahun_buku=report.get("tahun_buku"),
        complete=complete,
        total=total_min if complete else None,
        predikat=p_min.code if complete and p_min else None,
        predikat_label=p_min.label if complete and p_min else None,
        total_min=total_min,
        total_max=total_max,
        predikat_min=p_min.code if p_min else None,
        predikat_min_label=p_min.label if p_min else None,
        predikat_max=p_max.code if p_max else None,
        predikat_max_label=p_max.label if p_max else None,
        missing=missing,
        provisional_reasons=tuple(f"{m['name']}: {m['reason']}" for m in missing),
        not_applicable=confirmed,
        next_predikat=next_predikat(rs, total_min) if complete and total_min is not None else None,
        indicators_scored=sum(r.status == OK for r in results),
        indicators_defined=sum(ind.enabled for ind in rs.indicators),
        aspects=tuple(aspects),
        indicators=tuple(results),
    )


def assess(
    report: Mapping[str, Any],
    method: str | None = None,
    ruleset: Ruleset | None = None,
    *,
    not_applicable: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
) -> Assessment:
    """Assess one report in the canonical schema; the method follows tahun_buku when omitted.

    `not_applicable` holds the indicators a pengawas confirmed *tidak berlaku*, with the reason;
    `sources` says where prefilled inputs came from (e.g. "dari laporan tahun buku 2024").
    """
    known = all_item_codes() | (ruleset.item_codes if ruleset else frozenset())
    clean = schema.validate_report(report, known)
    rs = ruleset or ruleset_for(method or clean.get("metode"), clean.get("tahun_buku"))
    return assess_with(rs, clean, not_applicable, sources)
