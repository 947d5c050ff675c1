"""Review services: correct answers, confirm *tidak berlaku*, decide on a submitted report.

Each public function takes validated data and the acting user, records one audit event per state
change with before and after, and commits once. A stale `version_id` (another pengawas acted first)
raises ReviewConflict before anything is written; a race lost at commit time does the same.
Plain *Setujui* needs a complete result (decisions.md D8); an adjusted approval of a provisional
one may not rise above the best the blanks could give (`predikat_max`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

import scoring
from scoring.ruleset import all_item_codes
from scoring.schema import KUESIONER
from sikomo import audit, notify
from sikomo.assessments import LOOK_UP, is_health_scored, new_assessment, run_engine
from sikomo.conflicts import commit_or, lost_race_is
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.foureyes import rules as four_eyes
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Predikat,
    Report,
    ReportStatus,
    Review,
)
from sikomo.review import certificate
from sikomo.review.answers import (
    conflicts,
    correction_notes,
    correction_record,
    merged_answers,
    pengawas_answers,
    pengurus_answers,
    ruleset_of,
    scored_confirmations,
)
from sikomo.review.values import is_worse, predikat_label, provisional_refusal

CONFLICT_MESSAGE = (
    "Laporan ini telah diubah oleh pengguna lain sejak halaman ini dibuka. Tidak ada yang "
    "disimpan; muat ulang halaman, periksa perubahannya, lalu ulangi."
)
MIN_JUSTIFICATION = 20
MIN_NOTE = 10
MAX_TEXT = 500  # a correction note or a tidak-berlaku reason
SETUJUI, SESUAIKAN, KEMBALIKAN = "setujui", "sesuaikan", "kembalikan"
DECISION_WORDS = {SETUJUI: "Setujui", SESUAIKAN: "Setujui dengan penyesuaian"}
DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
PENDING_MESSAGE = (
    "Keputusan pertama menunggu persetujuan kedua; laporan tidak dapat diubah sampai keputusan "
    "itu dikonfirmasi, ditolak, atau ditarik."
)


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


def merged_data(report: Report) -> dict[str, Any]:
    """The report's data with the pengawas's corrections laid over the pengurus's answers."""
    data = dict(report.data or {})
    known = all_item_codes()  # an item a newer ruleset dropped is ignored, not refused
    data[KUESIONER] = {k: v for k, v in merged_answers(report).items() if k in known}
    return data


def live_result(report: Report, previous=LOOK_UP) -> scoring.Assessment | None:
    """The engine's result with the pengawas's corrections and *tidak berlaku* confirmations.

    None for a cooperative that is not health-scored; a ScoringError when the data is refused.
    `previous`: last tahun buku's report, when the caller fetched it with others.
    """
    if not is_health_scored(report.cooperative):
        return None
    confirmed = scored_confirmations(report) or None
    return run_engine(report, merged_data(report), confirmed, previous)


def ruleset_or_error(report: Report) -> scoring.Ruleset:
    try:
        return ruleset_of(report)
    except scoring.ScoringError as exc:
        raise ReviewError(f"Laporan tidak dapat dinilai: {exc}") from exc


def item_codes(report: Report) -> frozenset[str]:
    return ruleset_or_error(report).item_codes


def scored_indicators(report: Report) -> dict[str, str]:
    """The indicators the ruleset scores (the ones a pengawas may confirm tidak berlaku)."""
    return {i.code: i.name for i in ruleset_or_error(report).indicators if i.enabled}


def check_version(report: Report, version_id: int | None) -> None:
    if version_id is None or report.version_id != version_id:
        raise ReviewConflict()


def check_reviewable(report: Report) -> None:
    if report.status != ReportStatus.DIAJUKAN:
        raise ReviewError("Laporan ini tidak sedang diajukan untuk dinilai.")
    if pending_assessment(report) is not None:
        raise ReviewError(PENDING_MESSAGE)


def pending_assessment(report: Report) -> Assessment | None:
    """A first decision waiting for a second user's confirmation (four-eyes), if any."""
    return next((a for a in report.assessments if a.status == AssessmentStatus.PENDING), None)


def stale_is_conflict():
    """A write that lost the version race (at flush or commit) is rolled back as a conflict."""
    return lost_race_is(ReviewConflict)


def commit_or_conflict() -> None:
    commit_or(ReviewConflict)


def score_summary(report: Report) -> dict[str, Any]:
    """The live total and predikat for the audit trail; the range too while provisional."""
    try:
        result = live_result(report)
    except scoring.ScoringError as exc:
        return {"galat": str(exc)}
    if result is None:
        return {}
    summary: dict[str, Any] = {"total": result.total, "predikat": result.predikat}
    if result.provisional:
        summary |= {"total_min": result.total_min, "total_max": result.total_max}
    return summary


def review_of(actor, report: Report) -> Review:
    """The report's Review row (created on first use), stamped with the acting pengawas."""
    review = report.review
    if review is None:
        review = Review(answers_pengawas={}, correction_notes={}, not_applicable={})
        db.session.add(review)
        report.review = review
    review.updated_by_id = getattr(actor, "id", None)
    report.updated_at = datetime.now(UTC)  # bumps version_id: stale forms now conflict
    return review


def clean_text(text: str | None, what: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT:
        raise ReviewError(f"{what} terlalu panjang (paling banyak {MAX_TEXT} karakter).")
    return text


def correct_answers(
    actor,
    report: Report,
    answers: dict[str, bool | None],
    version_id: int,
    notes: dict[str, str] | None = None,
) -> bool:
    """Replace the pengawas's corrections (None = follow the pengurus), each with an optional note.

    A correction left as it was keeps its record (note, origin, the pengurus's answer then) unless
    `notes` gives it a new note; a new or changed one records the pengurus's answer now.
    False when nothing changed.
    """
    check_version(report, version_id)
    check_reviewable(report)
    unknown = sorted((set(answers) | set(notes or {})) - item_codes(report))
    if unknown:
        raise ReviewError(f"Butir kuesioner tidak dikenal: {', '.join(unknown)}")
    typed = {k: clean_text(v, "Catatan koreksi") for k, v in (notes or {}).items()}
    given, before, notes_before = (
        pengurus_answers(report),
        pengawas_answers(report),
        correction_notes(report),
    )
    new = {k: v for k, v in sorted(answers.items()) if v is not None and given.get(k) != v}
    new_notes = {}
    for code, answer in new.items():
        unchanged = before.get(code) == answer
        entry, note = notes_before.get(code) if unchanged else None, typed.get(code)
        if entry is None and unchanged and not note:
            continue  # a correction made before notes existed stays as it was
        entry = entry or {"note": "", "from_version": None, "pengurus_before": given.get(code)}
        new_notes[code] = entry | ({"note": note} if note is not None else {})
    if new == before and new_notes == {k: v for k, v in notes_before.items() if k in before}:
        return False
    score_before = score_summary(report)
    review = review_of(actor, report)
    review.answers_pengawas, review.correction_notes = new, new_notes
    audit.record(actor, "review.answers", report,
                 {"answers_pengawas": before, "correction_notes": notes_before, **score_before},
                 {"answers_pengawas": new, "correction_notes": new_notes, **score_summary(report)})  # fmt: skip
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
            if is_health_scored(report.cooperative) and four_eyes.required(report, decision.kind):
                return hold(actor, report, decision)  # sikomo/foureyes/ settles it
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
    notify.events.report_returned(report, note)  # the pengurus, in this commit
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
    action = "review.approve_adjusted" if decision.kind == SESUAIKAN else "review.approve"
    finalize(actor, report, row, now, action)
    return row


def hold(actor, report: Report, decision: Decision) -> Assessment:
    """The decision as a PENDING assessment for a second user; the report stays diajukan."""
    now = datetime.now(UTC)
    row = approved_assessment(actor, report, decision, now, AssessmentStatus.PENDING)
    report.updated_at = now  # bumps version_id: a page drawn before now conflicts
    db.session.flush()
    after = {"keputusan": DECISION_WORDS[decision.kind], **assessment_summary(row)}
    audit.record(actor, "review.approve_first", report, {}, after)  # the status stays diajukan
    commit_or_conflict()
    return row


def finalize(
    actor, report: Report, row: Assessment | None, now: datetime, action: str, **extra: Any
) -> None:
    """Approve the report with its assessment (numbered now), audit both and commit; `extra`
    joins the report event's after (four-eyes names both users there)."""
    before = {"status": report.status, "approved_at": report.approved_at}
    report.status = ReportStatus.DISETUJUI
    report.approved_at = now
    after: dict[str, Any] = {"status": report.status, "approved_at": now}
    if row is not None:
        db.session.flush()
        row.certificate_number = certificate_number(row, now)
        row.result = row.result | {certificate.SIGNED: certificate.signature_record(row)}
        after |= assessment_summary(row)
        audit.record(actor, "assessment.approve", row, None, audit.snapshot(row, ("result",)))
    audit.record(actor, action, report, before, after | extra)
    notify.events.report_approved(report, row)  # the pengurus, in this commit
    commit_or_conflict()


def refuse_adjustment(decision: Decision) -> None:
    if decision.kind == SESUAIKAN:
        raise ReviewError(
            "Koperasi ini tidak dinilai kesehatannya; tidak ada predikat untuk disesuaikan."
        )


def approved_assessment(
    actor,
    report: Report,
    decision: Decision,
    now: datetime,
    status: AssessmentStatus = AssessmentStatus.APPROVED,
) -> Assessment:
    """The decided assessment of the live result (PENDING while it waits for a second user)."""
    try:
        result = live_result(report)
    except scoring.ScoringError as exc:
        raise ReviewError(f"Laporan tidak dapat dinilai: {exc}") from exc
    assert result is not None  # a health-scored cooperative
    predikat, justification = chosen_predikat(decision, result, len(conflicts(report)))
    row = new_assessment(report, result, status)
    db.session.add(row)
    row.result = row.result | {"koreksi_pengawas": correction_record(report)}
    row.predikat = predikat
    row.justification = justification
    row.decided_by_id = getattr(actor, "id", None)
    row.decided_at = now
    return row


def chosen_predikat(
    decision: Decision, result: scoring.Assessment, open_conflicts: int = 0
) -> tuple[Predikat, str | None]:
    """The predikat to approve: the engine's on a complete result, else a justified adjustment."""
    if decision.kind == SETUJUI:
        if result.provisional or result.predikat is None:
            raise ReviewError(provisional_refusal(result, open_conflicts))
        return Predikat(result.predikat), None
    if decision.predikat is None:
        raise ReviewError("Pilih predikat penyesuaian.")
    if result.complete and decision.predikat == result.predikat:
        raise ReviewError("Predikat penyesuaian sama dengan hasil mesin; gunakan Setujui.")
    if result.provisional:
        check_ceiling(decision.predikat, result)
    justification = (decision.justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ReviewError(f"Alasan penyesuaian wajib diisi (minimal {MIN_JUSTIFICATION} karakter).")
    return decision.predikat, justification


def check_ceiling(predikat: Predikat, result: scoring.Assessment) -> None:
    """On a provisional result nothing left blank may raise the predikat above `predikat_max`."""
    if result.predikat_max is None:
        raise ReviewError(
            "Tidak ada indikator yang dapat dinilai; predikat tidak dapat ditetapkan."
        )
    if is_worse(result.predikat_max, predikat):
        raise ReviewError(
            f"Hasil masih sementara: predikat penyesuaian paling tinggi "
            f"{predikat_label(result.predikat_max)} ({angka(result.total_max, 2)}, batas atas bila "
            "semua yang belum lengkap di pita terbaik). Yang dibiarkan kosong tidak boleh "
            "menaikkan predikat."
        )


def assessment_summary(row: Assessment) -> dict[str, Any]:
    return {
        "assessment_id": row.id,
        "predikat": row.predikat,
        "engine_predikat": row.engine_predikat,
        "total_score": row.total_score,
        "justification": row.justification,
        "certificate_number": row.certificate_number,
    }


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
