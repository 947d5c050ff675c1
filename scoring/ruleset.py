"""Rulesets: a scoring method's aspects, indicators, bands and cut-offs, loaded from TOML."""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import schema
from .bands import BandTable, LinearRule
from .errors import MethodError, RulesetError

RULESET_DIR = Path(__file__).with_name("rulesets")
FORMULAS = frozenset({"ratio", "growth", "questionnaire", "item_count"})
SCALES = frozenset({"inverse", "weighted"})
CONFIDENCE = frozenset({"C2", "C1", "INF", "CONFLICT", "GAP", "REKONSTRUKSI", "DECISION"})
# Where a sign means a loss or that nothing is to be measured, the band it lands in (D8).
SIGN_RULES = frozenset({"terburuk", "terbaik"})

Terms = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    confidence: str = "C2"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    aspect: str
    component: str
    formula: str | None
    enabled: bool
    max_skor: float
    source: str
    confidence: str
    reason: str = ""
    note: str = ""
    numerator: Terms = ()
    denominator: Terms = ()
    numerator_name: str = ""
    denominator_name: str = ""
    bands: BandTable | None = None
    linear: LinearRule | None = None
    items: tuple[Item, ...] = ()
    value_per_item: float = 0.0
    weight: float | None = None
    # "terburuk" / "terbaik": the band when the denominator is ≤ 0 (a deficit, or nothing to
    # measure); unset, such a denominator makes the indicator not computable.
    denominator_not_positive: str = ""
    numerator_negative: str = ""  # "terburuk": a negative numerator is a loss
    # Reported figures that, when ≤ 0, put the indicator in its worst band (a deficit, D8),
    # e.g. total_ekuitas for the older method's modal sendiri ratios.
    guards: tuple[str, ...] = ()
    optimum: dict[str, Any] | None = None  # shown where no band table is published (D17)

    @property
    def scored(self) -> bool:
        return self.enabled and self.formula is not None

    @property
    def fields(self) -> tuple[str, ...]:
        seen = dict.fromkeys([*(f for f, _ in self.numerator + self.denominator), *self.guards])
        return tuple(seen)


@dataclass(frozen=True)
class Aspect:
    code: str
    name: str
    weight: float
    source: str
    confidence: str


@dataclass(frozen=True)
class Predikat:
    code: str
    label: str
    min: float


@dataclass(frozen=True)
class Ruleset:
    id: str
    version: str
    name: str
    regulation: str
    tahun_buku_from: int
    tahun_buku_to: int | None
    jenis: tuple[str, ...]
    scale: str
    nilai_max: float
    kategori: dict[str, str]
    components: dict[str, str]
    aspects: tuple[Aspect, ...]
    indicators: tuple[Indicator, ...]
    predikat: tuple[Predikat, ...]
    content_hash: str
    data: dict[str, Any] = field(repr=False, compare=False)
    # Optional fields that fall back to a fuller figure when blank (D16): {field: fallback}.
    fallbacks: dict[str, str] = field(default_factory=dict)

    @property
    def item_codes(self) -> frozenset[str]:
        return frozenset(i.code for ind in self.indicators for i in ind.items)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)

    def to_dict(self) -> dict[str, Any]:
        """Return the identity and the full ruleset content, JSON-ready."""
        return {
            "id": self.id,
            "version": self.version,
            "hash": self.content_hash,
            "ruleset": self.data,
        }

    def covers_year(self, year: int) -> bool:
        upper = self.tahun_buku_to if self.tahun_buku_to is not None else math.inf
        return self.tahun_buku_from <= year <= upper

    def predikat_for(self, score: float) -> Predikat:
        """Return the predikat whose lower cut-off (inclusive) the score reaches."""
        for p in self.predikat:
            if score >= p.min:
                return p
        return self.predikat[-1]

    def skor(self, nilai: float, indicator: Indicator) -> float:
        if self.scale == "inverse":
            return self.nilai_max + 1 - nilai
        return nilai * (indicator.weight or 0.0) / 100


def _need(entry: str, data: dict[str, Any], key: str) -> Any:
    if key not in data:
        raise RulesetError(entry, f"is missing '{key}'")
    return data[key]


def _expand(
    name: str, quantities: dict[str, Any], entry: str, stack: tuple[str, ...] = ()
) -> Terms:
    """Expand a field or quantity name into (schema field, coefficient) terms."""
    if name in schema.numeric_keys():
        return ((name, 1.0),)
    if name not in quantities:
        raise RulesetError(entry, f"unknown field or quantity '{name}'")
    if name in stack:
        raise RulesetError(entry, f"quantity '{name}' refers to itself")
    merged: dict[str, float] = {}
    for part, coef in quantities[name].items():
        for f, c in _expand(part, quantities, f"quantities.{name}", (*stack, name)):
            merged[f] = merged.get(f, 0.0) + float(coef) * c
    return tuple(merged.items())


def _lalu(terms: Terms, entry: str) -> Terms:
    out = []
    for f, c in terms:
        twin = f"{f}_lalu"
        if twin not in schema.fields():
            raise RulesetError(entry, f"growth needs '{twin}', which the schema does not have")
        out.append((twin, c))
    return tuple(out)


def _band_table(raw: Any, tables: dict[str, Any], higher_better: bool, entry: str) -> BandTable:
    if isinstance(raw, str):
        if raw not in tables:
            raise RulesetError(entry, f"unknown band table '{raw}'")
        raw = _need(f"band_tables.{raw}", tables[raw], "bands")
    rows = []
    for row in raw:
        rows.append((str(_need(entry, row, "range")), float(_need(entry, row, "nilai"))))
    return BandTable.build(rows, higher_better, entry)


def _linear(raw: Any, entry: str) -> LinearRule:
    rule = LinearRule(
        per_percent=float(_need(entry, raw, "per_percent")),
        step=float(raw.get("step", 1)),
        nilai_min=float(_need(entry, raw, "nilai_min")),
        nilai_max=float(_need(entry, raw, "nilai_max")),
    )
    if rule.per_percent <= 0 or rule.step <= 0 or rule.nilai_min >= rule.nilai_max:
        raise RulesetError(entry, "needs per_percent > 0, step > 0 and nilai_min < nilai_max")
    return rule


def _optimum(raw: Any, entry: str) -> dict[str, Any]:
    direction = _need(entry, raw, "direction")
    if direction not in ("naik", "turun"):
        raise RulesetError(entry, "direction must be 'naik' (higher is better) or 'turun'")
    return {"value": float(_need(entry, raw, "value")), "direction": direction,
            "text": str(_need(entry, raw, "text"))}  # fmt: skip


def _indicator(raw: dict[str, Any], rs: dict[str, Any], scale: str) -> Indicator:
    code = raw.get("code", "?")
    entry = f"indicators[{code}]"
    formula = raw.get("formula") or None
    enabled = bool(raw.get("enabled", True))
    if formula is not None and formula not in FORMULAS:
        raise RulesetError(
            entry, f"unknown formula '{formula}' (known: {', '.join(sorted(FORMULAS))})"
        )
    if enabled and formula is None:
        raise RulesetError(entry, "an enabled indicator needs a formula")
    if "linear" in raw and "bands" in raw:
        raise RulesetError(entry, "give either bands or a linear rule, not both")
    if not enabled and not raw.get("reason"):
        raise RulesetError(entry, "a disabled indicator needs a 'reason'")
    confidence = str(_need(entry, raw, "confidence"))
    if confidence not in CONFIDENCE:
        raise RulesetError(entry, f"unknown confidence tag '{confidence}'")
    quantities = rs.get("quantities", {})
    kwargs: dict[str, Any] = {}
    if formula == "ratio":
        kwargs["numerator_name"] = _need(entry, raw, "numerator")
        kwargs["denominator_name"] = _need(entry, raw, "denominator")
        kwargs["numerator"] = _expand(kwargs["numerator_name"], quantities, entry)
        kwargs["denominator"] = _expand(kwargs["denominator_name"], quantities, entry)
    elif formula == "growth":
        name = _need(entry, raw, "quantity")
        current = _expand(name, quantities, entry)
        kwargs.update(numerator_name=name, denominator_name=f"{name} (tahun lalu)")
        kwargs.update(numerator=current, denominator=_lalu(current, entry))
    elif formula in ("questionnaire", "item_count"):
        items = tuple(
            Item(
                str(_need(entry, i, "code")),
                str(_need(entry, i, "text")),
                i.get("confidence", confidence),
            )
            for i in _need(entry, raw, "items")
        )
        if not items:
            raise RulesetError(entry, "a questionnaire indicator needs at least one item")
        kwargs["items"] = items
    if formula == "item_count":
        if scale != "weighted":
            raise RulesetError(entry, "item_count needs a 'weighted' scale")
        kwargs["value_per_item"] = float(_need(entry, raw, "value_per_item"))
    elif formula is not None and "linear" in raw:
        kwargs["linear"] = _linear(raw["linear"], f"{entry}.linear")
    elif formula is not None and (enabled or "bands" in raw):
        kwargs["bands"] = _band_table(
            _need(entry, raw, "bands"),
            rs.get("band_tables", {}),
            scale == "weighted",
            f"{entry}.bands",
        )
    for key in ("denominator_not_positive", "numerator_negative"):
        rule = raw.get(key)
        if rule is not None and rule not in SIGN_RULES:
            raise RulesetError(entry, f"{key} must be one of {', '.join(sorted(SIGN_RULES))}")
        if rule is not None and formula not in ("ratio", "growth"):
            raise RulesetError(entry, f"{key} applies only to ratio and growth indicators")
        kwargs[key] = rule or ""
    if "worst_if_not_positive" in raw:
        guards = tuple(str(g) for g in raw["worst_if_not_positive"])
        unknown = [g for g in guards if g not in schema.numeric_keys()]
        if unknown or formula not in ("ratio", "growth"):
            raise RulesetError(entry, "worst_if_not_positive names ratio inputs of the schema")
        kwargs["guards"] = guards
    if "optimum" in raw:
        kwargs["optimum"] = _optimum(raw["optimum"], f"{entry}.optimum")
    weight = raw.get("weight")
    if scale == "weighted" and enabled and weight is None:
        raise RulesetError(entry, "a weighted-scale indicator needs a 'weight' (bobot)")
    nilai_max = float(rs["scale"].get("nilai_max", 4))
    return Indicator(
        code=code,
        name=str(_need(entry, raw, "name")),
        aspect=str(_need(entry, raw, "aspect")),
        component=str(raw.get("component", "")),
        formula=formula,
        enabled=enabled,
        max_skor=float(weight) if scale == "weighted" and weight is not None else nilai_max,
        source=str(_need(entry, raw, "source")),
        confidence=confidence,
        reason=str(raw.get("reason", "")),
        note=str(raw.get("note", "")),
        weight=float(weight) if weight is not None else None,
        **kwargs,
    )


def _check_structure(
    aspects: tuple[Aspect, ...], indicators: tuple[Indicator, ...], scale: str
) -> None:
    total = sum(a.weight for a in aspects)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise RulesetError("aspects", f"weights sum to {total:g}, not 1")
    codes = [i.code for i in indicators]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise RulesetError("indicators", f"duplicate codes: {', '.join(sorted(dupes))}")
    items = [it.code for i in indicators for it in i.items]
    dupe_items = {c for c in items if items.count(c) > 1}
    if dupe_items:
        raise RulesetError("indicators", f"duplicate item codes: {', '.join(sorted(dupe_items))}")
    known = {a.code for a in aspects}
    for ind in indicators:
        if ind.aspect not in known:
            raise RulesetError(f"indicators[{ind.code}]", f"unknown aspect '{ind.aspect}'")
    if scale == "weighted":
        for a in aspects:
            bobot = sum(i.weight or 0.0 for i in indicators if i.aspect == a.code and i.enabled)
            if not math.isclose(bobot, a.weight * 100, abs_tol=1e-9):
                raise RulesetError(
                    f"aspects[{a.code}]",
                    f"indicator weights sum to {bobot:g}, not {a.weight * 100:g}",
                )


def _predikat(raw: list[dict[str, Any]]) -> tuple[Predikat, ...]:
    out = []
    for i, p in enumerate(raw):
        entry = f"predikat[{p.get('code', i)}]"
        low = p.get("min")
        if low is None and i != len(raw) - 1:
            raise RulesetError(entry, "only the last (worst) predikat may have no 'min'")
        out.append(
            Predikat(
                str(_need(entry, p, "code")),
                str(_need(entry, p, "label")),
                -math.inf if low is None else float(low),
            )
        )
    mins = [p.min for p in out]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise RulesetError(
            "predikat", "cut-offs must be listed from best to worst, strictly falling"
        )
    return tuple(out)


def parse_ruleset(text: str, origin: str = "<string>") -> Ruleset:
    """Parse and validate a ruleset; raise RulesetError naming the offending entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError(origin, f"is not valid TOML: {exc}") from None
    scale_raw = _need("scale", data, "scale")
    scale = str(_need("scale", scale_raw, "kind"))
    if scale not in SCALES:
        raise RulesetError("scale.kind", f"unknown scale '{scale}'")
    aspects = tuple(
        Aspect(
            str(_need(f"aspects[{i}]", a, "code")),
            str(_need(f"aspects[{i}]", a, "name")),
            float(_need(f"aspects[{i}]", a, "weight")),
            str(a.get("source", "")),
            str(a.get("confidence", "")),
        )
        for i, a in enumerate(_need("ruleset", data, "aspects"))
    )
    indicators = tuple(_indicator(raw, data, scale) for raw in _need("ruleset", data, "indicators"))
    _check_structure(aspects, indicators, scale)
    fallbacks = _fallbacks(data.get("fallbacks", {}))
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Ruleset(
        id=str(_need("ruleset", data, "id")),
        version=str(_need("ruleset", data, "version")),
        name=str(_need("ruleset", data, "name")),
        regulation=str(data.get("regulation", "")),
        tahun_buku_from=int(_need("ruleset", data, "tahun_buku_from")),
        tahun_buku_to=data.get("tahun_buku_to"),
        jenis=tuple(_need("ruleset", data, "jenis")),
        scale=scale,
        nilai_max=float(scale_raw.get("nilai_max", 100)),
        kategori={str(k): str(v) for k, v in scale_raw.get("kategori", {}).items()},
        components={str(k): str(v) for k, v in data.get("components", {}).items()},
        aspects=aspects,
        indicators=indicators,
        predikat=_predikat(_need("ruleset", data, "predikat")),
        content_hash="sha256:" + hashlib.sha256(canonical.encode()).hexdigest(),
        data=data,
        fallbacks=fallbacks,
    )


def _fallbacks(raw: dict[str, Any]) -> dict[str, str]:
    numeric = schema.numeric_keys()
    for key, fallback in raw.items():
        if key not in numeric or fallback not in numeric:
            raise RulesetError(f"fallbacks.{key}", "names a field the schema does not have")
    return {str(k): str(v) for k, v in raw.items()}


def load_ruleset(path: str | Path) -> Ruleset:
    path = Path(path)
    return parse_ruleset(path.read_text(encoding="utf-8"), origin=path.name)


@cache
def builtin_rulesets() -> dict[str, Ruleset]:
    """Return the rulesets shipped with the package, keyed by id."""
    found = (load_ruleset(p) for p in sorted(RULESET_DIR.glob("*.toml")))
    return {rs.id: rs for rs in found}


def all_item_codes() -> frozenset[str]:
    return frozenset().union(*(rs.item_codes for rs in builtin_rulesets().values()))


def ruleset_for(method: str | None, tahun_buku: int | None) -> Ruleset:
    """Return the ruleset named by method, or the one that covers the tahun buku."""
    rulesets = builtin_rulesets()
    if method is not None:
        if method not in rulesets:
            raise MethodError("metode", f"metode '{method}' tidak dikenal ({', '.join(rulesets)})")
        return rulesets[method]
    if tahun_buku is None:
        raise MethodError("tahun_buku", "wajib diisi bila metode tidak disebutkan")
    for rs in rulesets.values():
        if rs.covers_year(tahun_buku):
            return rs
    raise MethodError("tahun_buku", f"tidak ada metode penilaian untuk tahun buku {tahun_buku}")
