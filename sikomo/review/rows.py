"""One review-queue row: the engine's score or the decided predikat, key ratios and risk flags.

Built from the live engine result (or the decided assessment) by `queue_row`; stored once per
report version by sikomo/review/scores.py as `to_summary`, read back by `from_summary`.
"""

from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import select

import scoring
from sikomo.extensions import db
from sikomo.format import WIB
from sikomo.models import Assessment, Predikat, Report, ReportStatus
from sikomo.prior_year import LOOK_UP
from sikomo.review.operations import DECIDED, decided_assessment, live_result
from sikomo.review.values import (
    PREDIKAT_RANK,
    EngineScore,
    engine_score,
    is_worse,
    predikat_code,
    stored_score,
)

KEY_RATIOS = ("roa", "npl", "ekuitas_total_aset")
RATIO_CHANGE = 10.0  # percentage points
WARNINGS_KEY = "_peringatan"  # accepted quality-edit warnings stored by the submission side


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    help: str
    weight: int


FLAGS = {
    f.code: f
    for f in (
        Flag("galat", "Tidak dapat dinilai", "Data laporan ditolak mesin penilaian", 6),
        Flag("turun", "Predikat turun", "Predikat lebih buruk daripada tahun lalu", 4),
        Flag("rasio", "Rasio berubah tajam", "ROA, NPL atau ekuitas/aset berubah > 10 poin", 3),
        Flag("peringatan", "Peringatan mutu", "Pengurus menerima peringatan pemeriksaan mutu", 2),
        Flag(
            "sementara", "Sementara", "Ada indikator tidak dapat dihitung / butir belum dijawab", 2
        ),
    )
}


@dataclass
class QueueRow:
    report: Report
    engine: EngineScore | None = None  # None when not scored (not a KSP/USP, or refused)
    decided: str | None = None  # the approved (or imported) predikat
    justification: str = ""  # set when the approved predikat differs from the engine's
    ratios: dict[str, float | None] = field(default_factory=dict)
    previous_predikat: str | None = None  # last year's decided predikat
    ratio_changes: dict[str, float] = field(default_factory=dict)
    warnings: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    flags: list[Flag] = field(default_factory=list)

    @property
    def predikat(self) -> str | None:
        """The approved predikat once decided, else the engine's; None while provisional."""
        return self.decided or (self.engine.predikat if self.engine else None)

    @property
    def sort_score(self) -> float | None:
        """The score the queue sorts by: the total, or the lower end of a provisional range."""
        if self.engine is None:
            return None
        return self.engine.total if self.engine.complete else self.engine.total_min

    @property
    def provisional(self) -> bool:
        return self.engine is not None and self.engine.provisional

    def waiting_days(self, today: date) -> int | None:
        """Whole days a diajukan report has waited since it was submitted (None otherwise); the
        queue's own `waiting` fallback for a report without a submission time (an old import)."""
        r = self.report
        submitted = r.submitted_at or r.updated_at or r.created_at
        if r.status != ReportStatus.DIAJUKAN or submitted is None:
            return None
        if submitted.tzinfo is None:  # SQLite gives it back without its zone: it is UTC
            submitted = submitted.replace(tzinfo=UTC)
        return max(0, (today - submitted.astimezone(WIB).date()).days)

    @property
    def risk_predikat(self) -> str | None:
        """Decided predikat, else the engine's, else the lower end of its provisional range."""
        if self.decided:
            return self.decided
        return self.engine.lower_predikat if self.engine else None

    @property
    def risk(self) -> int:
        severity = PREDIKAT_RANK[Predikat(self.risk_predikat)] if self.risk_predikat else 0
        return sum(f.weight for f in self.flags) + severity

    def ranks(self) -> tuple[int | None, int | None]:
        """The best and worst predikat rank the row can have, as `has_predikat` reads it."""
        if self.decided:
            rank = PREDIKAT_RANK[Predikat(self.decided)]
            return rank, rank
        e = self.engine
        if e is None or not (e.predikat if e.complete else e.predikat_min and e.predikat_max):
            return None, None
        if e.complete:
            rank = PREDIKAT_RANK[Predikat(e.predikat)]
            return rank, rank
        return PREDIKAT_RANK[Predikat(e.predikat_max)], PREDIKAT_RANK[Predikat(e.predikat_min)]

    def to_summary(self) -> dict[str, Any]:
        """Everything but the report, JSON-ready."""
        return {
            "engine": self.engine.to_json() if self.engine else None,
            "decided": self.decided,
            "justification": self.justification,
            "ratios": self.ratios,
            "previous_predikat": self.previous_predikat,
            "ratio_changes": self.ratio_changes,
            "warnings": self.warnings,
            "error": self.error,
            "flags": [f.code for f in self.flags],
        }

    @classmethod
    def from_summary(cls, report: Report, summary: dict[str, Any]) -> "QueueRow":
        engine = summary.get("engine")
        return cls(
            report=report,
            engine=EngineScore(**engine) if engine else None,
            decided=summary.get("decided"),
            justification=summary.get("justification") or "",
            ratios=summary.get("ratios") or {},
            previous_predikat=summary.get("previous_predikat"),
            ratio_changes=summary.get("ratio_changes") or {},
            warnings=summary.get("warnings") or {},
            error=summary.get("error") or "",
            flags=[FLAGS[c] for c in summary.get("flags") or () if c in FLAGS],
        )


def previous_assessments(reports: list[Report]) -> dict[tuple[int, int], Assessment]:
    """Last year's decided assessment per (cooperative, year), in one query."""
    coop_ids = {r.cooperative_id for r in reports}
    years = {r.tahun_buku - 1 for r in reports}
    if not coop_ids:
        return {}
    query = (
        select(Assessment, Report.cooperative_id, Report.tahun_buku)
        .join(Assessment.report)
        .where(
            Report.cooperative_id.in_(coop_ids),
            Report.tahun_buku.in_(years),
            Assessment.status.in_(DECIDED),
        )
        .order_by(Report.version, Assessment.id)
    )
    # later versions and later assessments overwrite earlier ones
    return {(coop, year): a for a, coop, year in db.session.execute(query)}


def queue_row(
    report: Report, previous: Assessment | None, last_year=LOOK_UP, result=LOOK_UP
) -> QueueRow:
    """One queue row; `result` is the live engine result when the caller has it already."""
    row = QueueRow(
        report=report, previous_predikat=predikat_code(previous.predikat) if previous else None
    )
    row.warnings = dict((report.data or {}).get(WARNINGS_KEY) or {})
    decided = decided_assessment(report) if report.status == ReportStatus.DISETUJUI else None
    if decided is not None:
        fill_from_assessment(row, decided)
    else:
        fill_from_engine(row, report, last_year, result)
    row.ratio_changes = ratio_changes(row.ratios, previous)
    row.flags = flags_of(row, previous)
    return row


def fill_from_assessment(row: QueueRow, decided: Assessment) -> None:
    result = decided.result if isinstance(decided.result, dict) else {}
    row.engine = stored_score(decided)
    row.decided = decided.predikat.value if decided.predikat else None
    row.ratios = stored_ratios(result)
    row.justification = decided.justification or ""


def fill_from_engine(row: QueueRow, report: Report, last_year=LOOK_UP, result=LOOK_UP) -> None:
    if result is LOOK_UP:
        try:
            result = live_result(report, last_year)
        except scoring.ScoringError as exc:
            row.error = str(exc)
            return
    if result is None:
        return
    row.engine = engine_score(result)
    row.ratios = {i.code: i.ratio for i in result.indicators if i.code in KEY_RATIOS}


def stored_ratios(result) -> dict[str, float | None]:
    if not isinstance(result, dict):
        return {}
    return {
        i["code"]: i.get("ratio")
        for i in result.get("indicators") or []
        if isinstance(i, dict) and i.get("code") in KEY_RATIOS
    }


def ratio_changes(ratios: dict, previous: Assessment | None) -> dict[str, float]:
    """Key ratios that moved more than RATIO_CHANGE points since last year's assessment."""
    if previous is None:
        return {}
    before = stored_ratios(previous.result)
    changes = {}
    for code, now in ratios.items():
        then = before.get(code)
        if now is not None and then is not None and abs(now - then) > RATIO_CHANGE:
            changes[code] = now - then
    return changes


def flags_of(row: QueueRow, previous: Assessment | None) -> list[Flag]:
    codes = []
    if row.error:
        codes.append("galat")
    if previous is not None and is_worse(row.risk_predikat, previous.predikat):
        codes.append("turun")
    if row.ratio_changes:
        codes.append("rasio")
    if row.warnings:
        codes.append("peringatan")
    if row.provisional:
        codes.append("sementara")
    return [FLAGS[c] for c in codes]
