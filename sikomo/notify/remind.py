"""Daily reminders to the pengurus: the report of the current tahun buku is due within a week,
or overdue, and not yet submitted. Told once per kind, cooperative, tahun buku and day
(`dedup_key`), so a second run the same day tells nobody again."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from sikomo import audit
from sikomo.deadlines import days_late, report_due
from sikomo.extensions import db
from sikomo.findings import notices as finding_notices
from sikomo.format import tanggal
from sikomo.links import path_for
from sikomo.models import Cooperative, Notification, Report, ReportStatus, Role, User
from sikomo.notify.operations import tell

SOON_DAYS = 7  # remind this many days before the due day, and on it
SOON, OVERDUE = "batas_lapor", "terlambat"


@dataclass(frozen=True)
class Reminder:
    cooperative: Cooperative
    tahun_buku: int
    due: date
    kind: str  # SOON or OVERDUE
    days: int  # days left (SOON) or days late (OVERDUE)
    draft: Report | None  # the year's draft, when one was started

    def dedup_key(self, today: date) -> str:
        return f"pengingat:{self.kind}:{self.cooperative.id}:{self.tahun_buku}:{today.isoformat()}"


def current_tahun_buku(today: date) -> int:
    """The book year whose RAT and report fall in this calendar year."""
    return today.year - 1


def pending(today: date) -> list[Reminder]:
    """Every cooperative with an active pengurus whose current report is due soon or late."""
    tahun_buku = current_tahun_buku(today)
    has_pengurus = select(User.id).where(User.role == Role.PENGURUS, User.active.is_(True),
                                         User.cooperative_id == Cooperative.id).exists()  # fmt: skip
    coops = list(
        db.session.scalars(select(Cooperative).where(has_pengurus).order_by(Cooperative.id))
    )
    versions: dict[int, list[Report]] = defaultdict(list)
    query = select(Report).where(Report.tahun_buku == tahun_buku,
                                 Report.cooperative_id.in_([c.id for c in coops]))  # fmt: skip
    for report in db.session.scalars(query.order_by(Report.version.desc())):
        versions[report.cooperative_id].append(report)
    found = [reminder(c, tahun_buku, versions[c.id], today) for c in coops]
    return [r for r in found if r is not None]


def reminder(coop: Cooperative, tahun_buku: int, versions: list[Report], today: date):
    if any(r.status != ReportStatus.DRAF for r in versions):
        return None  # submitted (whatever became of it since)
    draft = versions[0] if versions else None
    held = draft.tanggal_rat if draft is not None else None
    due = report_due(tahun_buku, held if held is not None and held <= today else None)
    left = (due - today).days
    if left < 0:
        return Reminder(coop, tahun_buku, due, OVERDUE, days_late(due, None, today), draft)
    if left <= SOON_DAYS:
        return Reminder(coop, tahun_buku, due, SOON, left, draft)
    return None


def words(r: Reminder) -> tuple[str, str]:
    """The title and body of a reminder."""
    what = f"Laporan RAT {r.cooperative.nama} tahun buku {r.tahun_buku} belum diajukan"
    if r.kind == OVERDUE:
        return (f"Laporan RAT tahun buku {r.tahun_buku} terlambat {r.days} hari",
                f"{what}, padahal batas lapornya {tanggal(r.due)} (terlambat {r.days} hari). "
                "Segera lengkapi dan ajukan laporan.")  # fmt: skip
    when = "hari ini" if r.days == 0 else f"{r.days} hari lagi"
    return (f"Batas lapor RAT tahun buku {r.tahun_buku}: {tanggal(r.due)}",
            f"{what}. Batas lapornya {tanggal(r.due)} ({when}). Lengkapi dan ajukan laporan "
            "sebelum batas itu.")  # fmt: skip


def remind_deadlines(today: date) -> int:
    """Tell the pengurus of every pending reminder; how many notifications are new (committed)."""
    found = pending(today)
    keys = [r.dedup_key(today) for r in found]
    before = told(keys)
    for r in found:
        pengurus = select(User).where(User.role == Role.PENGURUS, User.active.is_(True),
                                      User.cooperative_id == r.cooperative.id)  # fmt: skip
        path = (path_for("reports.summary", report_id=r.draft.id) if r.draft is not None
                else path_for("reports.dashboard"))  # fmt: skip
        title, body = words(r)
        tell(f"remind.{r.kind}", db.session.scalars(pengurus.order_by(User.id)), title, body,
             path, dedup_key=r.dedup_key(today))  # fmt: skip
    new = told(keys) - before
    if new:
        audit.record("sistem", "notify.remind", None, None, {"tanggal": today, "baru": new})
    db.session.commit()
    return new


def told(keys: list[str]) -> int:
    if not keys:
        return 0
    query = select(func.count()).select_from(Notification).where(Notification.dedup_key.in_(keys))
    return db.session.scalar(query) or 0


def remind_overdue_findings(today: date) -> int:
    """Tell the pengurus and the pengawas of each finding (temuan) past its due date, once a day
    (sikomo/findings/notices.py); how many notifications are new."""
    return finding_notices.remind_overdue(today)
