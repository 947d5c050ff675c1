"""Who is told what of a finding: recorded, closed or reopened -> the cooperative's active
pengurus; answered or followed up -> the report's assigned pengawas, else the finding's author;
past its due date -> both, once a day. Called inside the operation's transaction."""

from datetime import date

from sqlalchemy import select

from sikomo import audit
from sikomo.extensions import db
from sikomo.format import tanggal
from sikomo.links import path_for
from sikomo.models import Assignment, Finding, FindingStatus, Notification, StepKind, User
from sikomo.notify.events import pengurus_of
from sikomo.notify.operations import tell

RECORDED, ANSWERED, CLOSED, REOPENED = ("finding.recorded", "finding.answered", "finding.closed",
                                        "finding.reopened")  # fmt: skip
OVERDUE = "finding.overdue"


def about(f: Finding) -> str:
    """'KSP Sejahtera, laporan tahun buku 2025 versi 2'."""
    r = f.report
    return f"{f.cooperative.nama}, laporan tahun buku {r.tahun_buku} versi {r.version}"


def page(f: Finding) -> str:
    return path_for("findings.detail", finding_id=f.id)


def reviewers(f: Finding) -> list[User]:
    """The report's assigned pengawas when active, else the finding's author."""
    with db.session.no_autoflush:
        row = db.session.get(Assignment, f.report_id)
        if row is not None and row.user.active:
            return [row.user]
        author = db.session.get(User, f.created_by_id) if f.created_by_id else None
        return [author] if author is not None else []


def recorded(f: Finding) -> None:
    body = (f"Pengawas mencatat temuan ({f.severity.label.lower()}) pada {about(f)}: "
            f"{f.criterion}.\n\n{f.description}\n\nRekomendasi: {f.recommendation}\n\nBatas "
            f"tindak lanjut: {tanggal(f.due_date)}. Buka temuan untuk menanggapi.")  # fmt: skip
    tell(RECORDED, pengurus_of(f.cooperative_id), f"Temuan baru: {f.criterion}", body, page(f))


def answered(f: Finding, kind: StepKind, text: str) -> None:
    body = f"{kind.label} atas temuan “{f.criterion}” pada {about(f)}.\n\n{text}"
    tell(ANSWERED, reviewers(f), f"Tanggapan temuan: {f.cooperative.nama}", body, page(f))


def closed(f: Finding, note: str) -> None:
    body = f"Temuan “{f.criterion}” pada {about(f)} ditutup pengawas.\n\nCatatan: {note}"
    tell(CLOSED, pengurus_of(f.cooperative_id), f"Temuan ditutup: {f.criterion}", body, page(f))


def reopened(f: Finding, reason: str) -> None:
    body = (f"Temuan “{f.criterion}” pada {about(f)} dibuka kembali.\n\nAlasan: {reason}\n\n"
            f"Batas tindak lanjut: {tanggal(f.due_date)}.")  # fmt: skip
    tell(REOPENED, pengurus_of(f.cooperative_id), f"Temuan dibuka kembali: {f.criterion}", body,
         page(f))  # fmt: skip


def remind_overdue(today: date) -> int:
    """Tell the pengurus and the pengawas of each finding past its due date, once a day (the
    dedup key names the finding and the day); how many notifications are new (committed)."""
    query = select(Finding).where(Finding.status != FindingStatus.DITUTUP,
                                  Finding.due_date < today).order_by(Finding.id)  # fmt: skip
    found = list(db.session.scalars(query))
    keys = [key(f, today) for f in found]
    before = told(keys)
    for f in found:
        late = (today - f.due_date).days
        body = (f"Temuan “{f.criterion}” pada {about(f)} belum ditutup, padahal batas tindak "
                f"lanjutnya {tanggal(f.due_date)} (lewat {late} hari). Status: "
                f"{f.status.label}.")  # fmt: skip
        tell(OVERDUE, [*pengurus_of(f.cooperative_id), *reviewers(f)],
             f"Temuan lewat batas {late} hari: {f.criterion}", body, page(f),
             dedup_key=key(f, today))  # fmt: skip
    new = told(keys) - before
    if new:
        audit.record(
            "sistem", "notify.remind_findings", None, None, {"tanggal": today, "baru": new}
        )
    db.session.commit()
    return new


def key(f: Finding, today: date) -> str:
    return f"temuan-lewat:{f.id}:{today.isoformat()}"


def told(keys: list[str]) -> int:
    if not keys:
        return 0
    query = (
        select(db.func.count()).select_from(Notification).where(Notification.dedup_key.in_(keys))
    )
    return db.session.scalar(query) or 0
