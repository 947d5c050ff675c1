"""Report attachments: PDF, JPG or PNG up to 10 MB, checked by content, stored by random name."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Attachment, Report, ReportStatus, Role, utcnow

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class AttachmentError(ValueError):
    """The file cannot be attached; the message says why, in Indonesian."""


def upload_dir() -> Path:
    path = Path(
        current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> tuple[str, str]:
    for magic, content_type, suffix in SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    raise AttachmentError(
        "jenis berkas tidak didukung: hanya PDF, JPG atau PNG (diperiksa dari isinya)"
    )


def add(actor, report: Report, stream, filename: str, description: str | None) -> Attachment:
    """Validate and store one upload; nothing is written when it is refused."""
    if report.status != ReportStatus.DRAF:
        raise AttachmentError("lampiran hanya dapat ditambahkan pada draf")
    content = stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise AttachmentError("berkas lebih besar dari 10 MB")
    if not content:
        raise AttachmentError("berkas kosong")
    content_type, suffix = sniff(content[:16])
    quota = int(current_app.config["ATTACHMENT_QUOTA_MB"]) * 1024 * 1024
    if used_bytes(report.cooperative_id) + len(content) > quota:
        raise AttachmentError(
            f"kuota lampiran koperasi ini ({quota // 2**20} MB) penuh; hapus lampiran draf yang "
            "tidak diperlukan atau hubungi Dinas"
        )
    stored = secrets.token_hex(16) + suffix
    path = upload_dir() / stored
    path.write_bytes(content)
    try:
        return _attach(actor, report, filename, stored, content, content_type, description)
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)  # nothing kept of a refused upload
        raise


def _attach(actor, report, filename, stored, content, content_type, description) -> Attachment:
    # The report's own version check closes the race with a submission in the same instant:
    # a submission that committed first changed the version, and this UPDATE finds nothing.
    report.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise AttachmentError(
            "laporan baru saja diubah atau diajukan di tempat lain; muat ulang halaman"
        ) from None
    row = Attachment(
        report_id=report.id,
        filename=Path(filename or "lampiran").name[:255],
        stored_name=stored,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        description=description or None,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "attachment.add", report, None, {"lampiran": row.filename, "sha256": row.sha256}
    )
    db.session.commit()
    return row


def remove(actor, attachment: Attachment) -> None:
    """Delete the attachment; its file goes too once no other version's row points to it."""
    report, stored = attachment.report, attachment.stored_name
    if report.status != ReportStatus.DRAF:
        raise AttachmentError("lampiran laporan yang sudah diajukan tidak dapat dihapus")
    audit.record(actor, "attachment.remove", report, {"lampiran": attachment.filename}, None)
    db.session.delete(attachment)
    db.session.commit()
    still_used = db.session.scalar(select(Attachment.id).where(Attachment.stored_name == stored))
    if still_used is None:
        (upload_dir() / stored).unlink(missing_ok=True)


def used_bytes(cooperative_id: int) -> int:
    """What the cooperative's attachment files take on disk (a file shared by versions once)."""
    sizes = (
        select(Attachment.stored_name, func.max(Attachment.size).label("size"))
        .join(Report, Report.id == Attachment.report_id)
        .where(Report.cooperative_id == cooperative_id)
        .group_by(Attachment.stored_name)
        .subquery()
    )
    return int(db.session.scalar(select(func.coalesce(func.sum(sizes.c.size), 0))))


def may_download(user, attachment: Attachment) -> bool:
    """That cooperative's pengurus, and pengawas, dinas and admin."""
    if user.role == Role.PENGURUS:
        return user.cooperative_id == attachment.report.cooperative_id
    return user.role in (Role.PENGAWAS, Role.DINAS, Role.ADMIN)


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name
