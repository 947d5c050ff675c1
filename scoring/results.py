"""Assessment results: frozen dataclasses that explain every figure and serialise to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK = "ok"
NOT_COMPUTABLE = "tidak_dapat_dihitung"
NOT_SET = "belum_ditetapkan"


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
    kategori: str | None = None
    next_band: dict[str, Any] | None = None
    items_answered: int | None = None
    items_total: int | None = None
    unanswered: tuple[str, ...] = ()
    source: str = ""
    confidence: str = ""
    note: str = ""

    @property
    def scored(self) -> bool:
        return self.status == OK and self.skor is not None


@dataclass(frozen=True)
class AspectResult:
    code: str
    name: str
    weight: float
    score: float | None
    skor_sum: float
    skor_max: float
    indicators_scored: int
    indicators_defined: int
    predikat: str | None
    predikat_label: str | None


@dataclass(frozen=True)
class Assessment:
    method: str
    ruleset_id: str
    ruleset_version: str
    ruleset_hash: str
    tahun_buku: int | None
    total: float | None
    predikat: str | None
    predikat_label: str | None
    provisional: bool
    provisional_reasons: tuple[str, ...]
    next_predikat: dict[str, Any] | None
    indicators_scored: int
    indicators_defined: int
    aspects: tuple[AspectResult, ...]
    indicators: tuple[IndicatorResult, ...]

    def indicator(self, code: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.code == code)

    def aspect(self, code: str) -> AspectResult:
        return next(a for a in self.aspects if a.code == code)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (tuples become lists)."""
        return asdict(self)
