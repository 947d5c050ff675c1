"""Predikat labels and order, shared by the review pages, the certificate and the CLI."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import scoring
from sikomo.format import angka
from sikomo.models import Predikat

PREDIKAT_LABELS = {
    Predikat.SEHAT: "Sehat",
    Predikat.CUKUP_SEHAT: "Cukup Sehat",
    Predikat.DALAM_PENGAWASAN: "Dalam Pengawasan",
    Predikat.DALAM_PENGAWASAN_KHUSUS: "Dalam Pengawasan Khusus",
}
# 0 is best; a higher rank is a worse predikat.
PREDIKAT_RANK = {p: i for i, p in enumerate(PREDIKAT_LABELS)}


def predikat_label(value) -> str:
    """'cukup_sehat' or Predikat.CUKUP_SEHAT -> 'Cukup Sehat'; '–' when there is none."""
    if not value:
        return "–"
    try:
        return PREDIKAT_LABELS[Predikat(value)]
    except ValueError:
        return str(value)


def parse_predikat(text: str) -> Predikat | None:
    """Read a predikat written as its code or its label, in any case: 'Cukup Sehat' -> CUKUP_SEHAT."""
    key = " ".join(str(text).strip().lower().replace("_", " ").split())
    for predikat, label in PREDIKAT_LABELS.items():
        if key == label.lower():
            return predikat
    return None


def is_worse(predikat, than) -> bool:
    if not predikat or not than:
        return False
    return PREDIKAT_RANK[Predikat(predikat)] > PREDIKAT_RANK[Predikat(than)]


@dataclass(frozen=True)
class EngineScore:
    """What the engine said, read tolerantly from a result (object or stored JSON, old or new).

    Complete: a total and a predikat. Provisional: only the range from `total_min` (every missing
    indicator at its worst) to `total_max`; rows stored before ranges existed have none.
    """

    complete: bool
    total: float | None = None
    predikat: str | None = None
    total_min: float | None = None
    total_max: float | None = None
    predikat_min: str | None = None
    predikat_max: str | None = None

    @property
    def provisional(self) -> bool:
        return not self.complete

    @property
    def has_range(self) -> bool:
        return self.total_min is not None and self.total_max is not None

    @property
    def lower_predikat(self) -> str:
        """The predikat to weigh risk by: a blank never makes a report look safer."""
        if self.complete and self.predikat:
            return self.predikat
        return self.predikat_min or WORST.value

    def spans(self, predikat) -> bool:
        """Is `predikat` this result's predikat, or within its provisional range?"""
        value = Predikat(predikat)
        if self.complete:
            return self.predikat == value.value
        if not self.predikat_min or not self.predikat_max:
            return False
        rank = PREDIKAT_RANK[value]
        return (
            PREDIKAT_RANK[Predikat(self.predikat_max)]
            <= rank
            <= PREDIKAT_RANK[Predikat(self.predikat_min)]
        )

    def score_text(self) -> str:
        """'81,30', 'Sementara 60,16–81,30', or 'Sementara' when no range was stored."""
        if self.complete:
            return angka(self.total, 2)
        if self.has_range:
            return f"Sementara {angka(self.total_min, 2)}–{angka(self.total_max, 2)}"
        return "Sementara"

    def predikat_text(self) -> str:
        """'Sehat', 'Sementara: antara Dalam Pengawasan dan Sehat', or why there is no range."""
        if self.complete:
            return predikat_label(self.predikat)
        low, high = predikat_label(self.predikat_min), predikat_label(self.predikat_max)
        if not self.predikat_min or not self.predikat_max:
            return "Sementara: rentang tidak tersedia"
        if low == high:
            return f"Sementara: {low} pada kedua ujung rentang"
        return f"Sementara: antara {low} dan {high}"

    def short_text(self) -> str:
        """'Sehat', 'sementara Dalam Pengawasan–Sehat' or 'sementara Sehat': for a narrow cell."""
        if self.complete:
            return predikat_label(self.predikat)
        if not self.predikat_min or not self.predikat_max:
            return "sementara, rentang tidak tersedia"
        low, high = predikat_label(self.predikat_min), predikat_label(self.predikat_max)
        return f"sementara {low}" if low == high else f"sementara {low}–{high}"

    def range_text(self) -> str:
        """'sementara antara Dalam Pengawasan (60,16) dan Sehat (81,30)' for a sentence;
        'sementara Cukup Sehat (67,15–70,90)' when both ends share a predikat."""
        if self.complete:
            return f"{predikat_label(self.predikat)} ({angka(self.total, 2)})"
        if not self.has_range or not self.predikat_min or not self.predikat_max:
            return "sementara, rentang tidak tersedia"
        low, high = predikat_label(self.predikat_min), predikat_label(self.predikat_max)
        if low == high:
            return f"sementara {low} ({angka(self.total_min, 2)}–{angka(self.total_max, 2)})"
        return (
            f"sementara antara {low} ({angka(self.total_min, 2)}) "
            f"dan {high} ({angka(self.total_max, 2)})"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


WORST = Predikat.DALAM_PENGAWASAN_KHUSUS
RANGE_KEYS = ("total_min", "total_max", "predikat_min", "predikat_max")


def _get(source, key: str):
    return source.get(key) if isinstance(source, Mapping) else getattr(source, key, None)


def _number(value) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def predikat_code(value) -> str | None:
    """A predikat code, or None for anything that is not one (a stored row may hold anything)."""
    try:
        return Predikat(getattr(value, "value", value)).value if value else None
    except ValueError:
        return None


def engine_score(result) -> EngineScore:
    """Read an engine result: a scoring.Assessment, its to_dict(), or an older stored dict."""
    if result is None:
        return EngineScore(complete=False)
    complete = _get(result, "complete")
    if complete is None:  # stored before results were complete or provisional
        complete = not _get(result, "provisional")
    ranged = {k: _get(result, k) for k in RANGE_KEYS}
    return EngineScore(
        complete=bool(complete),
        total=_number(_get(result, "total")) if complete else None,
        predikat=predikat_code(_get(result, "predikat")) if complete else None,
        total_min=_number(ranged["total_min"]),
        total_max=_number(ranged["total_max"]),
        predikat_min=predikat_code(ranged["predikat_min"]),
        predikat_max=predikat_code(ranged["predikat_max"]),
    )


def stored_score(row, result=None) -> EngineScore:
    """The engine's part of a stored Assessment (or of `result`, its JSON loaded apart); an
    imported one is complete as imported."""
    result = row.result if result is None else result
    result = result if isinstance(result, Mapping) else {}
    if result.get("imported") or not result:
        total = _number(row.total_score)
        code = predikat_code(row.engine_predikat or row.predikat)
        return EngineScore(True, total, code, total, total, code, code)
    return engine_score(result)


def provisional_refusal(result: scoring.Assessment, open_conflicts: int = 0, shown: int = 3) -> str:
    """Why plain Setujui is refused, naming briefly what is missing and the three ways on."""
    names = [f"{m['name']} ({m['reason']})" for m in result.missing[:shown]]
    more = len(result.missing) - shown
    listed = "; ".join(names) + (f"; dan {more} indikator lainnya" if more > 0 else "")
    listed = listed or "tidak ada indikator yang dapat dinilai"
    range_text = engine_score(result).range_text()
    clash = f" {open_conflicts} konflik jawaban belum diselesaikan." if open_conflicts else ""
    return (
        f"Setujui ditolak: hasil penilaian masih {range_text}.{clash} "
        f"Belum lengkap: {listed}. Lengkapi lewat koreksi jawaban, tetapkan indikator tidak "
        "berlaku dengan alasan, selesaikan konflik, atau gunakan Setujui dengan penyesuaian."
    )
