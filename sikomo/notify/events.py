"""Who is told what when a report moves: submitted (the pengawas), returned and approved (the
cooperative's pengurus). Each message names the cooperative, tahun buku and version, quotes the
version's tanda terima and links to the page the reader acts on. Called inside the operation's
transaction, before its commit."""

from sqlalchemy import select

from sikomo import receipts
from sikomo.extensions import db
from sikomo.format import waktu
from sikomo.links import path_for
from sikomo.models import Assessment, Assignment, Receipt, Report, Role, User
from sikomo.notify.operations import tell
from sikomo.review.values import predikat_label

SUBMITTED, RETURNED, APPROVED = "report.submitted", "report.returned", "report.approved"


def about(report: Report) -> str:
    """'KSP Sejahtera, tahun buku 2025 versi 2'."""
    return f"{report.cooperative.nama}, tahun buku {report.tahun_buku} versi {report.version}"


def reviewers(report: Report) -> list[User]:
    """The report's pengawas when one is assigned and active, else every active pengawas."""
    with db.session.no_autoflush:
        row = db.session.get(Assignment, report.id)
        if row is not None and row.user.active:
            return [row.user]
        query = select(User).where(User.role == Role.PENGAWAS, User.active.is_(True))
        return list(db.session.scalars(query.order_by(User.id)))


def pengurus_of(cooperative_id: int) -> list[User]:
    """The cooperative's active pengurus (never another cooperative's)."""
    query = select(User).where(User.role == Role.PENGURUS, User.cooperative_id == cooperative_id,
                               User.active.is_(True))  # fmt: skip
    with db.session.no_autoflush:
        return list(db.session.scalars(query.order_by(User.id)))


def report_submitted(report: Report, receipt: Receipt) -> None:
    body = (f"{report.cooperative.nama} mengajukan laporan RAT tahun buku {report.tahun_buku} "
            f"versi {report.version} pada {waktu(receipt.submitted_at)}, diajukan oleh "
            f"{receipt.submitter_name}. Tanda terima {receipt.number}. Laporan menunggu "
            "penilaian.")  # fmt: skip
    tell(SUBMITTED, reviewers(report), f"Laporan RAT diajukan: {about(report)}", body,
         path_for("review.review", report_id=report.id))  # fmt: skip


def report_returned(report: Report, note: str) -> None:
    body = (f"Pengawas mengembalikan laporan RAT {about(report)} untuk diperbaiki. "
            f"{quoted(report)}\n\nCatatan pengawas: {note}\n\nBuka laporan, lalu pilih "
            "Perbaiki untuk membuat versi baru dan mengajukannya lagi.")  # fmt: skip
    tell(RETURNED, pengurus_of(report.cooperative_id), f"Laporan dikembalikan: {about(report)}",
         body, path_for("reports.summary", report_id=report.id))  # fmt: skip


def report_approved(report: Report, row: Assessment | None) -> None:
    decided = ""
    if row is not None and row.predikat is not None:
        decided = f" dengan predikat {predikat_label(row.predikat)}"
    certificate = ""
    if row is not None and row.certificate_number:
        certificate = f" Nomor surat keterangan kesehatan: {row.certificate_number}."
    body = (f"Laporan RAT {about(report)} telah disetujui{decided}. {quoted(report)}"
            f"{certificate}")  # fmt: skip
    tell(APPROVED, pengurus_of(report.cooperative_id), f"Laporan disetujui: {about(report)}",
         body, path_for("reports.summary", report_id=report.id))  # fmt: skip


NO_RECEIPT = (
    "Versi ini tidak memiliki tanda terima (diimpor, atau diajukan sebelum ada tanda terima)."
)


def quoted(report: Report) -> str:
    with db.session.no_autoflush:
        return receipts.quoted(report) or NO_RECEIPT
