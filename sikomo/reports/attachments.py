"""Report attachments: PDF, JPG or PNG up to 10 MB, checked by content, stored by random name."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Attachment, Report, ReportStatus, Role

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
    stored = secrets.token_hex(16) + suffix
    (upload_dir() / stored).write_bytes(content)
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
    report = attachment.report
    if report.status != ReportStatus.DRAF:
        raise AttachmentError("lampiran laporan yang sudah diajukan tidak dapat dihapus")
    audit.record(actor, "attachment.remove", report, {"lampiran": attachment.filename}, None)
    db.session.delete(attachment)  # the file stays: older versions may point to it
    db.session.commit()


def may_download(user, attachment: Attachment) -> bool:
    """That cooperative's pengurus, and pengawas, dinas and admin."""
    if user.role == Role.PENGURUS:
        return user.cooperative_id == attachment.report.cooperative_id
    return user.role in (Role.PENGAWAS, Role.DINAS, Role.ADMIN)


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name
