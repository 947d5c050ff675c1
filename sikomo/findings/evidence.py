"""Evidence of a follow-up: the report attachments' checks and storage (PDF, JPG or PNG by
content, 10 MB each, the cooperative's quota, stored by random name) for a finding's files."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from sikomo import audit
from sikomo.extensions import db
from sikomo.findings import notices
from sikomo.findings.operations import FindingError, commit, pengurus_step
from sikomo.models import Finding, FindingEvidence, FindingStep, Role, StepKind
from sikomo.reports import attachments
from sikomo.reports.attachments import MAX_BYTES, AttachmentError, sniff, upload_dir

MAX_FILES = 5


def read(uploads) -> list[tuple[str, bytes, str, str]]:
    """(filename, content, content type, suffix) of each chosen file, each checked; refused whole."""
    files = [u for u in uploads if u is not None and u.filename]
    if len(files) > MAX_FILES:
        raise FindingError(f"Paling banyak {MAX_FILES} berkas bukti sekali unggah.")
    read = []
    for upload in files:
        content = upload.stream.read(MAX_BYTES + 1)
        name = Path(upload.filename).name[:255] or "bukti"
        try:
            if len(content) > MAX_BYTES:
                raise AttachmentError("berkas lebih besar dari 10 MB")
            if not content:
                raise AttachmentError("berkas kosong")
            content_type, suffix = sniff(content[:16])
        except AttachmentError as exc:
            raise FindingError(f"{name}: {exc}.") from None
        read.append((name, content, content_type, suffix))
    return read


def used_bytes(cooperative_id: int) -> int:
    """The cooperative's report attachments and finding evidence on disk."""
    evidence = (select(func.coalesce(func.sum(FindingEvidence.size), 0))
                .join(FindingStep, FindingStep.id == FindingEvidence.step_id)
                .join(Finding, Finding.id == FindingStep.finding_id)
                .where(Finding.cooperative_id == cooperative_id))  # fmt: skip
    return attachments.used_bytes(cooperative_id) + int(db.session.scalar(evidence))


def follow_up(actor, finding: Finding, text: str, uploads, version_id: int | None) -> FindingStep:
    """Report follow-up with its evidence files; nothing is kept of a refused one."""
    files = read(uploads)
    quota = int(current_app.config["ATTACHMENT_QUOTA_MB"]) * 1024 * 1024
    if files and used_bytes(finding.cooperative_id) + sum(len(f[1]) for f in files) > quota:
        raise FindingError(f"Kuota berkas koperasi ini ({quota // 2**20} MB) penuh; hubungi Dinas.")
    step, before = pengurus_step(actor, finding, StepKind.TINDAK_LANJUT, text, version_id)
    written: list[Path] = []
    try:
        for name, content, content_type, suffix in files:
            stored = secrets.token_hex(16) + suffix
            (upload_dir() / stored).write_bytes(content)
            written.append(upload_dir() / stored)
            step.evidence.append(FindingEvidence(
                filename=name, stored_name=stored, content_type=content_type, size=len(content),
                sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=actor.id))  # fmt: skip
        audit.record(actor, "finding.follow_up", finding, {"status": before},
                     {"status": finding.status, "tindak_lanjut": text,
                      "bukti": ", ".join(f"{e.filename} (SHA-256 {e.sha256[:12]}…)"
                                        for e in step.evidence) or None})  # fmt: skip
        notices.answered(finding, StepKind.TINDAK_LANJUT, text)
        commit()
    except BaseException:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return step


def may_download(user, evidence: FindingEvidence) -> bool:
    """That cooperative's pengurus, and pengawas, dinas and admin."""
    if user.role == Role.PENGURUS:
        return user.cooperative_id == evidence.step.finding.cooperative_id
    return user.role in (Role.PENGAWAS, Role.DINAS, Role.ADMIN)


def path_of(evidence: FindingEvidence) -> Path:
    return upload_dir() / evidence.stored_name
