"""Confirm, refuse or withdraw a decision held for a second user (held by review.operations.decide).

Each function takes validated data and the acting user, checks the version the page was drawn
with (ReviewConflict when another user acted first), records one audit event and commits once.
"""

from datetime import UTC, datetime

from sikomo import audit
from sikomo.foureyes.rules import CONFIRMERS, KONFIRMASI, TARIK, TOLAK
from sikomo.models import Assessment, AssessmentStatus, Report, ReportStatus, User
from sikomo.review import operations as ops

KINDS = ops.DECISION_WORDS
__all__ = ["CONFIRMERS", "KONFIRMASI", "TARIK", "TOLAK", "confirm", "may_settle"]


def may_settle(actor: User, row: Assessment) -> bool:
    """Another active pengawas, or the Dinas: never the author of the decision."""
    return actor.role in CONFIRMERS and actor.is_active and actor.id != row.decided_by_id


def confirm(actor: User, report: Report, version_id: int) -> Assessment:
    """The second user confirms: the report is approved, its certificate names both users."""
    row = _settled(actor, report, version_id)
    now = datetime.now(UTC)
    row.status, row.confirmed_by_id, row.confirmed_at = AssessmentStatus.APPROVED, actor.id, now
    with ops.stale_is_conflict():
        ops.finalize(actor, report, row, now, "review.confirm", keputusan=_kind(row),
                     diputuskan_oleh=_name(row.decided_by), dikonfirmasi_oleh=_name(actor))  # fmt: skip
    return row


def refuse(actor: User, report: Report, version_id: int, note: str) -> None:
    """The second user refuses, with a note for the pengawas: the report is open for review again."""
    row = _settled(actor, report, version_id)
    note = ops.clean_text(note, "Alasan penolakan")
    if len(note) < ops.MIN_NOTE:
        raise ops.ReviewError(f"Alasan penolakan wajib diisi (minimal {ops.MIN_NOTE} karakter).")
    _close(actor, report, row, "review.reject_first", {"alasan_penolakan": note})


def withdraw(actor: User, report: Report, version_id: int) -> None:
    """The author takes back their own decision before anyone confirmed it."""
    ops.check_version(report, version_id)
    row = _pending_or_error(report)
    if actor.id != row.decided_by_id:
        raise ops.ReviewError("Hanya pengawas yang memutuskan yang dapat menarik keputusannya.")
    _close(actor, report, row, "review.withdraw_first", {})


def _settled(actor: User, report: Report, version_id: int) -> Assessment:
    ops.check_version(report, version_id)
    row = _pending_or_error(report)
    if actor.id == row.decided_by_id:
        raise ops.ReviewError(
            "Anda tidak dapat mengonfirmasi keputusan Anda sendiri; persetujuan kedua diberikan "
            "oleh pengawas lain atau Dinas."
        )
    if not may_settle(actor, row):
        raise ops.ReviewError("Persetujuan kedua diberikan oleh pengawas lain atau Dinas.")
    return row


def _pending_or_error(report: Report) -> Assessment:
    row = ops.pending_assessment(report)
    if row is None or report.status != ReportStatus.DIAJUKAN:
        raise ops.ReviewError("Tidak ada keputusan yang menunggu persetujuan kedua.")
    return row


def _close(actor: User, report: Report, row: Assessment, action: str, extra: dict) -> None:
    """The held decision set aside; the event says which decision (nothing else changed)."""
    what = {"keputusan": _kind(row),
            "predikat": row.predikat, "diputuskan_oleh": _name(row.decided_by)}  # fmt: skip
    now = datetime.now(UTC)
    with ops.stale_is_conflict():  # a race lost at any flush from here on is a conflict
        row.status = AssessmentStatus.REJECTED
        if action == "review.reject_first":
            row.confirmed_by_id, row.confirmed_at = actor.id, now
        report.updated_at = now
        audit.record(actor, action, report, {}, what | extra)
        ops.commit_or_conflict()


def _kind(row: Assessment) -> str:
    """The words of the held decision: a justification is what an adjusted approval carries."""
    return KINDS[ops.SESUAIKAN if row.justification else ops.SETUJUI]


def _name(user: User | None) -> str:
    return (user.name or user.email) if user is not None else "–"
