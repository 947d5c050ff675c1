"""Review services: correct questionnaire answers and decide on a submitted report (audited).

Each public function takes validated data and the acting user, records one audit event per state
change with before and after, and commits once. A stale `version_id` (another pengawas acted first)
raises ReviewConflict before anything is written; a race lost at commit time does the same.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

import scoring
from scoring.schema import KUESIONER
from sikomo import audit
from sikomo.assessments import is_health_scored, new_assessment, run_engine
from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Predikat,
    Report,
    ReportStatus,
    Review,
)

CONFLICT_MESSAGE = (
    "Laporan ini telah diubah oleh pengguna lain sejak halaman ini dibuka. Tidak ada yang "
    "disimpan; muat ulang halaman, periksa perubahannya, lalu ulangi."
)
MIN_JUSTIFICATION = 20
MIN_NOTE = 10
SETUJUI, SESUAIKAN, KEMBALIKAN = "setujui", "sesuaikan", "kembalikan"
DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)


class ReviewError(ValueError):
    """A review action refused with a message for the pengawas."""


class ReviewConflict(ReviewError):
    def __init__(self, message: str = CONFLICT_MESSAGE):
        super().__init__(message)


@dataclass(frozen=True)
class Decision:
    kind: str  # setujui | sesuaikan | kembalikan
    version_id: int
    predikat: Predikat | None = None
    justification: str = ""
    note: str = ""


def pengurus_answers(report: Report) -> dict[str, bool]:
    return dict((report.data or {}).get(KUESIONER) or {})


def pengawas_answers(report: Report) -> dict[str, bool]:
    return dict(report.review.answers_pengawas or {}) if report.review else {}


def merged_data(report: Report) -> dict[str, Any]:
    """The report's data with the pengawas's corrected answers laid over the pengurus's."""
    data = dict(report.data or {})
    data[KUESIONER] = pengurus_answers(report) | pengawas_answers(report)
    return data


def live_result(report: Report) -> scoring.Assessment | None:
    """The engine's result with the pengawas's corrections; None for a cooperative not scored."""
    if not is_health_scored(report.cooperative):
        return None
    return run_engine(report, merged_data(report))


def item_codes(report: Report) -> frozenset[str]:
    return scoring.ruleset_for(None, report.tahun_buku).item_codes


def check_version(report: Report, version_id: int | None) -> None:
    if version_id is None or report.version_id != version_id:
        raise ReviewConflict()


def check_reviewable(report: Report) -> None:
    if report.status != ReportStatus.DIAJUKAN:
        raise ReviewError("Laporan ini tidak sedang diajukan untuk dinilai.")


@contextmanager
def stale_is_conflict():
    """A write that lost the version race (at flush or commit) is rolled back as a conflict."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise ReviewConflict() from exc


def commit_or_conflict() -> None:
    with stale_is_conflict():
        db.session.commit()


def score_summary(report: Report) -> dict[str, Any]:
    result = live_result(report)
    if result is None:
        return {}
    return {"total": result.total, "predikat": result.predikat}


def correct_answers(
    actor, report: Report, answers: dict[str, bool | None], version_id: int
) -> bool:
    """Replace the pengawas's corrections (None = follow the pengurus); False when nothing changed."""
    check_version(report, version_id)
    check_reviewable(report)
    unknown = sorted(set(answers) - item_codes(report))
    if unknown:
        raise ReviewError(f"Butir kuesioner tidak dikenal: {', '.join(unknown)}")
    given = pengurus_answers(report)
    new = {k: v for k, v in sorted(answers.items()) if v is not None and given.get(k) != v}
    before = pengawas_answers(report)
    if new == before:
        return False
    score_before = score_summary(report)
    review = report.review
    if review is None:
        review = Review()
        db.session.add(review)
        report.review = review
    review.answers_pengawas = new
    review.updated_by_id = getattr(actor, "id", None)
    report.updated_at = datetime.now(UTC)  # bumps version_id: stale forms now conflict
    audit.record(
        actor,
        "review.answers",
        report,
        {"answers_pengawas": before, **score_before},
        {"answers_pengawas": new, **score_summary(report)},
    )
    commit_or_conflict()
    return True


def decide(actor, report: Report, decision: Decision) -> Assessment | None:
    """Approve (as the engine rates it or adjusted) or return a submitted report."""
    check_version(report, decision.version_id)
    check_reviewable(report)
    if decision.kind == KEMBALIKAN:
        return_report(actor, report, decision.note)
        return None
    if decision.kind in (SETUJUI, SESUAIKAN):
        with stale_is_conflict():
            return approve(actor, report, decision)
    raise ReviewError("Keputusan tidak dikenal.")


def return_report(actor, report: Report, note: str) -> None:
    note = (note or "").strip()
    if len(note) < MIN_NOTE:
        raise ReviewError(f"Catatan pengembalian wajib diisi (minimal {MIN_NOTE} karakter).")
    before = {"status": report.status, "review_note": report.review_note}
    report.status = ReportStatus.DIKEMBALIKAN
    report.review_note = note
    audit.record(
        actor, "review.return", report, before, {"status": report.status, "review_note": note}
    )
    commit_or_conflict()


def certificate_number(row: Assessment, decided: datetime) -> str:
    """SKK/{year of decision}/{assessment id}: unique, printed and verified publicly."""
    return f"SKK/{decided.year}/{row.id:05d}"


def approve(actor, report: Report, decision: Decision) -> Assessment | None:
    now = datetime.now(UTC)
    row = (
        approved_assessment(actor, report, decision, now)
        if is_health_scored(report.cooperative)
        else refuse_adjustment(decision)
    )
    before = {"status": report.status, "approved_at": report.approved_at}
    report.status = ReportStatus.DISETUJUI
    report.approved_at = now
    after: dict[str, Any] = {"status": report.status, "approved_at": now}
    if row is not None:
        db.session.flush()
        row.certificate_number = certificate_number(row, now)
        after |= assessment_summary(row)
        audit.record(actor, "assessment.approve", row, None, audit.snapshot(row, ("result",)))
    action = "review.approve_adjusted" if decision.kind == SESUAIKAN else "review.approve"
    audit.record(actor, action, report, before, after)
    commit_or_conflict()
    return row


def refuse_adjustment(decision: Decision) -> None:
    if decision.kind == SESUAIKAN:
        raise ReviewError(
            "Koperasi ini tidak dinilai kesehatannya; tidak ada predikat untuk disesuaikan."
        )


def approved_assessment(actor, report: Report, decision: Decision, now: datetime) -> Assessment:
    result = live_result(report)
    engine = Predikat(result.predikat) if result.predikat else None
    predikat, justification = chosen_predikat(decision, engine)
    row = new_assessment(report, result, AssessmentStatus.APPROVED)
    db.session.add(row)
    row.result = row.result | {"koreksi_pengawas": corrections(report)}
    row.predikat = predikat
    row.justification = justification
    row.decided_by_id = getattr(actor, "id", None)
    row.decided_at = now
    return row


def chosen_predikat(decision: Decision, engine: Predikat | None) -> tuple[Predikat, str | None]:
    if decision.kind == SETUJUI:
        if engine is None:
            raise ReviewError(
                "Mesin tidak dapat menghitung predikat; gunakan Setujui dengan penyesuaian."
            )
        return engine, None
    if decision.predikat is None:
        raise ReviewError("Pilih predikat penyesuaian.")
    if decision.predikat == engine:
        raise ReviewError("Predikat penyesuaian sama dengan hasil mesin; gunakan Setujui.")
    justification = (decision.justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ReviewError(f"Alasan penyesuaian wajib diisi (minimal {MIN_JUSTIFICATION} karakter).")
    return decision.predikat, justification


def corrections(report: Report) -> dict[str, dict[str, bool | None]]:
    """Each corrected item with both answers, kept in the approved assessment's result."""
    given = pengurus_answers(report)
    return {
        k: {"pengurus": given.get(k), "pengawas": v} for k, v in pengawas_answers(report).items()
    }


def assessment_summary(row: Assessment) -> dict[str, Any]:
    return {
        "assessment_id": row.id,
        "predikat": row.predikat,
        "engine_predikat": row.engine_predikat,
        "total_score": row.total_score,
        "justification": row.justification,
        "certificate_number": row.certificate_number,
    }


def audit_trail(report: Report) -> list[AuditEvent]:
    """Every audit event about the report and its assessments, oldest first."""
    assessment_ids = [str(a.id) for a in report.assessments]
    about_report = (AuditEvent.object_type == "report") & (AuditEvent.object_id == str(report.id))
    about_assessments = (AuditEvent.object_type == "assessment") & AuditEvent.object_id.in_(
        assessment_ids
    )
    query = select(AuditEvent).where(or_(about_report, about_assessments))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def decided_assessment(report: Report) -> Assessment | None:
    """The report's latest approved (or imported) assessment."""
    decided = [a for a in report.assessments if a.status in DECIDED]
    return max(decided, key=lambda a: a.id) if decided else None


def previous_assessment(report: Report) -> Assessment | None:
    """Last year's approved assessment of the same cooperative (the latest report version's)."""
    query = (
        select(Assessment)
        .join(Assessment.report)
        .where(
            Report.cooperative_id == report.cooperative_id,
            Report.tahun_buku == report.tahun_buku - 1,
            Assessment.status.in_(DECIDED),
        )
        .order_by(Report.version.desc(), Assessment.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()
