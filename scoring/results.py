"""Assessment results: frozen dataclasses that explain every figure and serialise to JSON.

A result is *complete* (every indicator in the pool computed: it has a total and a predikat) or
*provisional* (inputs are missing: no predikat, only the range from `total_min` — every missing
indicator at its worst band, every unanswered item "tidak" — to `total_max`, every missing
indicator at its best). Nothing a user leaves blank can raise a predikat (decisions.md D8).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

OK = "ok"
NOT_COMPUTABLE = "tidak_dapat_dihitung"
NOT_SET = "belum_ditetapkan"
NOT_APPLICABLE = "tidak_berlaku"

# Why an indicator sits in a band its ratio alone would not give (D8).
RULE_LOSS = "kerugian"  # the figure measures a loss or deficit: worst band
RULE_NOTHING = "tidak_ada_yang_diukur"  # nothing to measure (no problem loans): best band
RULE_TURNAROUND = "pertumbuhan_dari_basis_nol"  # growth from a base ≤ 0


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    aspect: str
    component: str
    formula: str | None
    status: str
    reason: str = ""
    inputs: dict[str, int | None] = field(default_factory=dict)
    numerator: float | None = None
    denominator: float | None = None
    ratio: float | None = None
    band: str | None = None
    nilai: float | None = None
    skor: float | None = None
    max_skor: float | None = None
    # The indicator's place in the range: equal to skor when computed; worst and best possible
    # skor when an input is missing; None when the indicator is not in the pool.
    skor_min: float | None = None
    skor_max: float | None = None
    kategori: str | None = None
    next_band: dict[str, Any] | None = None
    rule: str = ""  # one of the RULE_* codes when a sign rule chose the band
    optimum: dict[str, Any] | None = None  # for indicators without a band table (D17)
    notes: tuple[str, ...] = ()  # where inputs came from (prior-year report, fallbacks)
    items_answered: int | None = None
    items_total: int | None = None
    unanswered: tuple[str, ...] = ()
    source: str = ""
    confidence: str = ""
    note: str = ""

    @property
    def scored(self) -> bool:
        return self.status == OK and self.skor is not None

    @property
    def missing(self) -> bool:
        return self.status == NOT_COMPUTABLE and self.skor_min is not None


@dataclass(frozen=True)
class AspectResult:
    code: str
    name: str
    weight: float
    complete: bool
    score: float | None  # None while an indicator of the aspect is missing
    score_min: float | None
    score_max: float | None
    skor_sum_min: float
    skor_sum_max: float
    skor_max: float
    indicators_scored: int
    indicators_missing: int
    indicators_defined: int
    predikat: str | None
    predikat_label: str | None
    predikat_min: str | None
    predikat_max: str | None


@dataclass(frozen=True)
class Assessment:
    method: str
    ruleset_id: str
    ruleset_version: str
    ruleset_hash: str
    tahun_buku: int | None
    complete: bool
    total: float | None  # None unless complete
    predikat: str | None  # None unless complete
    predikat_label: str | None
    total_min: float | None
    total_max: float | None
    predikat_min: str | None
    predikat_min_label: str | None
    predikat_max: str | None
    predikat_max_label: str | None
    missing: tuple[dict[str, Any], ...]
    provisional_reasons: tuple[str, ...]
    not_applicable: dict[str, str]
    next_predikat: dict[str, Any] | None
    indicators_scored: int
    indicators_defined: int
    aspects: tuple[AspectResult, ...]
    indicators: tuple[IndicatorResult, ...]

    @property
    def provisional(self) -> bool:
        return not self.complete

    def indicator(self, code: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.code == code)

    def aspect(self, code: str) -> AspectResult:
        return next(a for a in self.aspects if a.code == code)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (tuples become lists); what `asdict` gives, 3× faster."""
        return {**_plain(self), "provisional": self.provisional}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        """The result `to_dict` gave (also after a JSON round trip); a KeyError or TypeError
        when `data` is not one, e.g. stored by an older version."""
        values = _known(cls, data)
        values["aspects"] = tuple(AspectResult(**_known(AspectResult, a)) for a in data["aspects"])
        values["indicators"] = tuple(_indicator(i) for i in data["indicators"])
        values["missing"] = tuple(data["missing"])
        values["provisional_reasons"] = tuple(data["provisional_reasons"])
        return cls(**values)


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples and lists to lists, dicts copied: recursively, no deepcopy."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _known(cls, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of dataclass `cls` found in `data`; a missing required one fails in `cls()`."""
    return {f.name: data[f.name] for f in fields(cls) if f.name in data}


def _indicator(data: dict[str, Any]) -> IndicatorResult:
    values = _known(IndicatorResult, data)
    for name in ("notes", "unanswered"):
        values[name] = tuple(values.get(name) or ())
    return IndicatorResult(**values)
