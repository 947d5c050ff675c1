"""Letter templates (versioned) and letters (numbered, frozen as sent), with their audit trail.

A letter's number takes the next `seq` of its year: the highest so far plus one, written under
the (year, seq) unique constraint. Two letters made at the same moment may read the same highest
number; the second insert then fails on the constraint and is tried again with a fresh reading,
so no number is ever given twice and none is skipped.
"""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sikomo import audit
from sikomo import format as fmt
from sikomo.extensions import db
from sikomo.letters import text
from sikomo.links import path_for
from sikomo.models import Assessment, Cooperative, Predikat, Role, User
from sikomo.models.letters import Letter, LetterKind, LetterTemplate
from sikomo.notify.events import pengurus_of
from sikomo.notify.operations import tell
from sikomo.office.operations import letterhead
from sikomo.public.operations import DECIDED, latest_decided
from sikomo.review.values import predikat_label
from sikomo.settings import get_setting, set_setting

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
NUMBER_SETTING = "nomor_surat_format"
ATTEMPTS = 5  # tries at a free number before giving up (each lost race is one)
SIGNERS = (Role.PENGAWAS, Role.DINAS, Role.ADMIN)
NOT_YET_NUMBERED = "(nomor diberikan saat surat dibuat)"
MADE = "letter.made"


class LetterError(ValueError):
    """A letter that cannot be made as asked, with the reason in Indonesian."""


@cache
def default_texts() -> dict[LetterKind, tuple[str, str]]:
    raw = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    return {
        kind: (raw[kind.value]["subject"], raw[kind.value]["body"].strip()) for kind in LetterKind
    }


def ensure_templates(actor="sistem") -> int:
    """Give every kind without a template its default text as version 1; how many were added."""
    have = set(db.session.scalars(select(LetterTemplate.kind).distinct()))
    missing = [kind for kind in LetterKind if kind not in have]
    for kind in missing:
        subject, body = default_texts()[kind]
        row = LetterTemplate(kind=kind, version=1, subject=subject, body=body, current=True)
        db.session.add(row)
        db.session.flush()
        audit.record(actor, "letter.template_default", row, None,
                     {"jenis_surat": kind.label, "versi": 1})  # fmt: skip
    if missing:
        try:
            db.session.commit()
        except IntegrityError:  # another request loaded them at the same moment
            db.session.rollback()
            return 0
    return len(missing)


def current_template(kind: LetterKind) -> LetterTemplate:
    query = select(LetterTemplate).where(LetterTemplate.kind == kind, LetterTemplate.current)
    row = db.session.scalars(query.order_by(LetterTemplate.version.desc()).limit(1)).first()
    if row is None:
        ensure_templates()
        row = db.session.scalars(query.limit(1)).one()
    return row


def versions(kind: LetterKind) -> list[LetterTemplate]:
    query = select(LetterTemplate).where(LetterTemplate.kind == kind)
    return list(db.session.scalars(query.order_by(LetterTemplate.version.desc())))


def normalised(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def save_template(actor: User, kind: LetterKind, subject: str, body: str) -> LetterTemplate | None:
    """A new current version of `kind` (the old one kept); None when nothing changed."""
    subject, body = " ".join(subject.split()), normalised(body)
    found = text.problems(subject) + text.problems(body)
    if found:
        raise LetterError(" ".join(found))
    old = current_template(kind)
    if (old.subject, old.body) == (subject, body):
        return None
    old.current = False
    row = LetterTemplate(kind=kind, version=old.version + 1, subject=subject, body=body,
                         current=True, created_by_id=actor.id)  # fmt: skip
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "letter.template", row,
                 {"versi": old.version, "perihal": old.subject, "isi": old.body},
                 {"versi": row.version, "perihal": subject, "isi": body})  # fmt: skip
    db.session.commit()
    return row


def number_format() -> str:
    return str(get_setting(NUMBER_SETTING))


def set_number_format(actor: User, pattern: str) -> bool:
    pattern = pattern.strip()
    found = text.number_problems(pattern)
    if found:
        raise LetterError(" ".join(found))
    before = number_format()
    if before == pattern:
        return False
    set_setting(NUMBER_SETTING, pattern)
    audit.record(actor, "letter.number_format", None, {"format_nomor": before},
                 {"format_nomor": pattern})  # fmt: skip
    db.session.commit()
    return True


# --- Making a letter ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Draft:
    kind: LetterKind
    cooperative: Cooperative
    assessment: Assessment | None
    template: LetterTemplate
    signer: User
    batas_waktu: date | None = None
    keterangan: str = ""


def latest_assessment(cooperative_id: int) -> Assessment | None:
    """The cooperative's latest approved (or imported) assessment, as the public sees it."""
    return latest_decided([cooperative_id]).get(cooperative_id)


def kinds_for(cooperative_id: int) -> list[LetterKind]:
    """The kinds offered for a cooperative: the result needs an approved assessment, the summons
    a latest predikat of dalam pengawasan khusus."""
    latest = latest_assessment(cooperative_id)
    kinds = [LetterKind.HASIL] if latest is not None else []
    kinds += [LetterKind.TEGURAN_1, LetterKind.TEGURAN_2]
    if latest is not None and latest.predikat == Predikat.DALAM_PENGAWASAN_KHUSUS:
        kinds.append(LetterKind.PANGGILAN)
    return kinds


def signers() -> list[User]:
    query = select(User).where(User.role.in_(SIGNERS), User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def draft(kind: LetterKind, coop: Cooperative, signer: User, assessment: Assessment | None = None,
          batas_waktu: date | None = None, keterangan: str = "",
          template_id: int | None = None) -> Draft:  # fmt: skip
    """A letter ready to preview, or LetterError saying why it cannot be made."""
    if kind not in kinds_for(coop.id):
        raise LetterError(refusal(kind))
    if assessment is not None and (assessment.report.cooperative_id != coop.id
                                   or assessment.status not in DECIDED):  # fmt: skip
        assessment = None
    assessment = assessment or latest_assessment(coop.id)
    if signer.role not in SIGNERS or not signer.active:
        raise LetterError("Penanda tangan harus pengawas, staf Dinas atau admin yang aktif.")
    template = current_template(kind)
    if template_id is not None and template_id != template.id:
        raise LetterError("Templat surat ini baru saja diubah. Periksa pratinjau dengan teks "
                          "terbaru sebelum membuat surat.")  # fmt: skip
    made = Draft(kind, coop, assessment, template, signer, batas_waktu, keterangan.strip())
    used = {
        name for part in (template.subject, template.body) for _, name, _, _ in text.parts(part)
    }
    if "batas_waktu" in used and batas_waktu is None:
        raise LetterError("Batas waktu wajib diisi untuk surat ini.")
    return made


def refusal(kind: LetterKind) -> str:
    if kind == LetterKind.HASIL:
        return (
            "Koperasi ini belum memiliki penilaian yang disetujui; surat hasil belum dapat dibuat."
        )
    return ("Surat panggilan hanya untuk koperasi yang predikat terakhirnya Dalam Pengawasan "
            "Khusus.")  # fmt: skip


def values(d: Draft, number: str, day: date) -> dict[str, str]:
    coop, row, s = d.cooperative, d.assessment, d.signer
    return {
        "nama_koperasi": coop.nama,
        "nik": coop.nik or "–",
        "alamat": ", ".join(x for x in (coop.alamat, coop.desa) if x) or "–",
        "kecamatan": coop.kecamatan,
        "jenis_koperasi": coop.jenis.label,
        "tahun_buku": str(row.report.tahun_buku) if row else "–",
        "predikat": predikat_label(row.predikat) if row else "–",
        "nilai_total": fmt.angka(row.total_score, 2)
        if row and row.total_score is not None
        else "–",
        "nomor_sertifikat": (row.certificate_number if row else None) or "–",
        "tanggal": fmt.tanggal(day),
        "nomor_surat": number,
        "batas_waktu": fmt.tanggal(d.batas_waktu) if d.batas_waktu else "–",
        "keterangan": d.keterangan or "",
        "nama_penandatangan": s.name or s.email,
        "jabatan": s.jabatan or s.role.label,
        "nip": s.nip or "–",
        "nama_dinas": letterhead().dinas,
    }


def filled(d: Draft, number: str, day: date) -> tuple[str, str]:
    """The subject and body of the letter as it would be sent."""
    given = values(d, number, day)
    return text.fill(d.template.subject, given), text.fill(d.template.body, given)


def preview(d: Draft) -> tuple[str, str]:
    return filled(d, NOT_YET_NUMBERED, today())


def today() -> date:
    return fmt.local(datetime.now(UTC)).date()


def digest(number: str, subject: str, body: str) -> str:
    """What the public page shows and the PDF prints: the letter as sent, hashed."""
    return hashlib.sha256("\n".join((number, subject, body)).encode("utf-8")).hexdigest()


def next_seq(year: int) -> int:
    return (db.session.scalar(select(func.max(Letter.seq)).where(Letter.year == year)) or 0) + 1


def make(actor: User, d: Draft) -> Letter:
    """Number, freeze, audit and announce the letter, in one commit (retried on a lost race)."""
    for _ in range(ATTEMPTS):
        try:
            letter = numbered(actor, d)
            db.session.commit()
            return letter
        except IntegrityError:  # another letter took this number first: read again
            db.session.rollback()  # the draft's rows are expired, and read again when used
    raise LetterError("Nomor surat sedang diperebutkan banyak permintaan; coba lagi sebentar.")


def numbered(actor: User, d: Draft) -> Letter:
    now = datetime.now(UTC)
    day = fmt.local(now).date()
    seq = next_seq(day.year)
    number = text.number(number_format(), seq, day)
    subject, body = filled(d, number, day)
    s = d.signer
    letter = Letter(
        number=number, year=day.year, seq=seq, kind=d.kind, template_id=d.template.id,
        cooperative_id=d.cooperative.id, assessment_id=d.assessment.id if d.assessment else None,
        subject=subject[:300], body=body, signer_name=(s.name or s.email)[:200],
        signer_nip=s.nip, signer_jabatan=(s.jabatan or s.role.label)[:200],
        sha256=digest(number, subject[:300], body), created_by_id=actor.id, created_at=now,
    )  # fmt: skip
    db.session.add(letter)
    db.session.flush()  # the constraint answers here: a lost race is an IntegrityError
    audit.record(actor, "letter.make", letter, None, {
        "nomor_surat": number, "jenis_surat": d.kind.label, "koperasi": d.cooperative.nama,
        "cooperative_id": d.cooperative.id, "templat_versi": d.template.version,
        "penandatangan": letter.signer_name, "sha256": letter.sha256,
    })  # fmt: skip
    tell(MADE, pengurus_of(d.cooperative.id), f"Surat baru: {d.kind.label} {number}",
         f"{d.cooperative.nama} menerima surat dari Dinas: {d.kind.label}, nomor {number}, "
         f"perihal {letter.subject}. Surat dapat dibaca dan diunduh di SIKOMO.",
         path_for("letters.show", letter_id=letter.id))  # fmt: skip
    return letter
