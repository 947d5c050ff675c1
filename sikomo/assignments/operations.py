"""Who reviews which report. The Dinas (or an admin) assigns any active pengawas, or none; a
pengawas takes an unassigned report for themselves or releases their own. Every change is
audited as review.assign; a new version of the report keeps its pengawas (`carry`)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sikomo import audit
from sikomo.auth.access import MANAGERS
from sikomo.extensions import db
from sikomo.models import Assignment, Report, ReportStatus, Role, User

OPEN = (ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN)  # a decided report needs nobody


class AssignmentError(ValueError):
    """A refused assignment, with the reason shown to the user."""


def pengawas_list() -> list[User]:
    """The active pengawas, by name: whom the Dinas can assign."""
    query = select(User).where(User.role == Role.PENGAWAS, User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def assignee(report: Report) -> User | None:
    row = db.session.get(Assignment, report.id)
    return row.user if row is not None else None


def assignees(report_ids: Sequence[int]) -> dict[int, User]:
    """The pengawas of each of these reports that has one, in one query (a queue page)."""
    if not report_ids:
        return {}
    query = select(Assignment.report_id, User).join(User, User.id == Assignment.user_id)
    rows = db.session.execute(query.where(Assignment.report_id.in_(report_ids)))
    return {report_id: user for report_id, user in rows}


def assign(actor: User, report: Report, pengawas_id: int | None) -> bool:
    """Give the report to this pengawas (None: to nobody); False when it already is so."""
    if report.status not in OPEN:
        raise AssignmentError("Hanya laporan yang diajukan atau dikembalikan yang ditugaskan.")
    current = db.session.get(Assignment, report.id)
    before = current.user if current is not None else None
    chosen = _allowed(actor, before, pengawas_id)
    if (before.id if before else None) == (chosen.id if chosen else None):
        return False
    if chosen is None:
        db.session.delete(current)
    elif current is None:
        db.session.add(Assignment(report_id=report.id, user_id=chosen.id, assigned_by_id=actor.id))
    else:
        current.user_id, current.assigned_by_id = chosen.id, actor.id
    audit.record(actor, "review.assign", report, {"ditugaskan": _name(before)},
                 {"ditugaskan": _name(chosen)})  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError:  # someone assigned it in the same instant: theirs stands
        db.session.rollback()
        raise AssignmentError(
            "Laporan baru saja ditugaskan pengguna lain; muat ulang halaman."
        ) from None
    return True


def _allowed(actor: User, before: User | None, pengawas_id: int | None) -> User | None:
    if actor.role in MANAGERS:
        if pengawas_id is None:
            return None
        chosen = db.session.get(User, pengawas_id)
        if chosen is None or chosen.role != Role.PENGAWAS or not chosen.active:
            raise AssignmentError("Pilih pengawas yang aktif.")
        return chosen
    if actor.role != Role.PENGAWAS:
        raise AssignmentError("Hanya Dinas atau pengawas yang menugaskan laporan.")
    if pengawas_id == actor.id:  # ambil
        if before is not None and before.id != actor.id:
            raise AssignmentError(f"Laporan ini sudah ditugaskan ke {_name(before)}; "
                                  "minta Dinas untuk memindahkannya.")  # fmt: skip
        return actor
    if pengawas_id is None and before is not None and before.id == actor.id:  # lepaskan
        return None
    raise AssignmentError("Pengawas hanya dapat mengambil laporan untuk dirinya sendiri atau "
                          "melepaskan tugasnya sendiri.")  # fmt: skip


def carry(report: Report, draft: Report) -> None:
    """The new version keeps the pengawas of the one it corrects (a returned report comes back
    to whoever returned it); added to the session, committed with the new version."""
    current = db.session.get(Assignment, report.id)
    if current is not None:
        db.session.add(Assignment(report_id=draft.id, user_id=current.user_id,
                                  assigned_by_id=current.assigned_by_id))  # fmt: skip


def _name(user: User | None) -> str | None:
    """How the audit trail and messages name a pengawas: two may share a name, not an e-mail."""
    return f"{user.name} ({user.email})" if user is not None else None
