"""The review queue: reports with their risk flags, filtered, ordered by risk and paginated."""

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

import scoring
from sikomo import prior_year
from sikomo.assessments import LOOK_UP
from sikomo.extensions import db
from sikomo.models import Assessment, Cooperative, Jenis, Predikat, Report, ReportStatus
from sikomo.review.operations import DECIDED, decided_assessment, live_result
from sikomo.review.values import PREDIKAT_RANK, EngineScore, engine_score, is_worse, stored_score

KEY_RATIOS = ("roa", "npl", "ekuitas_total_aset")
RATIO_CHANGE = 10.0  # percentage points
QUEUE_STATUSES = (ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN, ReportStatus.DISETUJUI)
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


@dataclass(frozen=True)
class QueueFilters:
    region_id: int | None = None
    jenis: Jenis | None = None
    status: ReportStatus | None = ReportStatus.DIAJUKAN  # None: every queue status
    predikat: Predikat | None = None
    flag: str = ""
    tahun: int | None = None


@dataclass
class QueueRow:
    report: Report
    engine: EngineScore | None = None  # None when not scored (not a KSP/USP, or refused)
    decided: str | None = None  # the approved (or imported) predikat
    justification: str = ""  # set when the approved predikat differs from the engine's
    ratios: dict[str, float | None] = field(default_factory=dict)
    previous: Assessment | None = None
    ratio_changes: dict[str, float] = field(default_factory=dict)
    warnings: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    flags: list[Flag] = field(default_factory=list)

    @property
    def predikat(self) -> str | None:
        """The approved predikat once decided, else the engine's; None while provisional."""
        return self.decided or (self.engine.predikat if self.engine else None)

    @property
    def provisional(self) -> bool:
        return self.engine is not None and self.engine.provisional

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


@dataclass(frozen=True)
class Page:
    items: list[QueueRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def queue_query(filters: QueueFilters) -> Select:
    statuses = (filters.status,) if filters.status else QUEUE_STATUSES
    query = (
        select(Report)
        .join(Report.cooperative)
        .where(Report.status.in_(statuses))
        .options(
            joinedload(Report.cooperative).joinedload(Cooperative.region),
            selectinload(Report.review),
            selectinload(Report.assessments),
        )
    )
    if filters.region_id:
        query = query.where(Cooperative.region_id == filters.region_id)
    if filters.jenis:
        query = query.where(Cooperative.jenis == filters.jenis)
    if filters.tahun:
        query = query.where(Report.tahun_buku == filters.tahun)
    return query


def build_queue(filters: QueueFilters) -> list[QueueRow]:
    """Every matching report with its flags, the riskiest first, then the longest waiting."""
    reports = list(db.session.scalars(queue_query(filters)).unique())
    previous = previous_assessments(reports)
    last_year = prior_year.previous_reports((r.cooperative_id, r.tahun_buku) for r in reports)
    rows = [
        queue_row(r, previous.get((r.cooperative_id, r.tahun_buku - 1)),
                  last_year.get((r.cooperative_id, r.tahun_buku)))
        for r in reports
    ]  # fmt: skip
    rows = [r for r in rows if matches(r, filters)]
    return sorted(rows, key=sort_key)


def sort_key(row: QueueRow) -> tuple:
    waiting = row.report.submitted_at or row.report.updated_at or row.report.created_at
    return (-row.risk, waiting.timestamp() if waiting else 0, row.report.id)


def matches(row: QueueRow, filters: QueueFilters) -> bool:
    """A provisional report matches every predikat its range spans."""
    if filters.predikat and not has_predikat(row, filters.predikat):
        return False
    return not filters.flag or any(f.code == filters.flag for f in row.flags)


def has_predikat(row: QueueRow, predikat: Predikat) -> bool:
    if row.decided:
        return row.decided == predikat.value
    return row.engine is not None and row.engine.spans(predikat)


def paginate(rows: list[QueueRow], page: int, per_page: int) -> Page:
    page = max(1, page)
    start = (page - 1) * per_page
    return Page(rows[start : start + per_page], page, per_page, len(rows))


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
    row = QueueRow(report=report, previous=previous)
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
