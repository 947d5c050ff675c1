"""Surat: numbered letters from templates the Dinas edits, and the register of letters sent.

A template is text with placeholders, kept in the database and versioned: editing one adds a
version, and a letter keeps the version it was made from and its text as sent (frozen). A letter's
number is unique per year (`seq` under a unique constraint: two letters made at the same moment
cannot take the same number), and it is verified publicly like a certificate (QR code).
"""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.assessments import Assessment
from sikomo.models.base import str_enum, utcnow
from sikomo.models.register import Cooperative, User


class LetterKind(enum.StrEnum):
    HASIL = "hasil"  # notification of the assessment result
    TEGURAN_1 = "teguran_1"
    TEGURAN_2 = "teguran_2"
    PANGGILAN = "panggilan"  # summons of a dalam-pengawasan-khusus cooperative

    @property
    def label(self) -> str:
        return {
            "hasil": "Pemberitahuan hasil penilaian kesehatan",
            "teguran_1": "Surat teguran I",
            "teguran_2": "Surat teguran II",
            "panggilan": "Surat panggilan",
        }[self.value]


class LetterTemplate(db.Model):
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(str_enum(LetterKind))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))  # perihal, with placeholders
    body: Mapped[str] = mapped_column(Text)  # with placeholders such as {nama_koperasi}
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # the version new letters use
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Letter(db.Model):
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_letter_cooperative", "cooperative_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # printed and verified
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LetterKind] = mapped_column(str_enum(LetterKind))
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_template.id"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    subject: Mapped[str] = mapped_column(String(300))  # as sent
    body: Mapped[str] = mapped_column(Text)  # as sent: the template filled in, frozen
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_nip: Mapped[str | None] = mapped_column(String(30))
    signer_jabatan: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))  # of number, subject and body: verified
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    template: Mapped[LetterTemplate] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    assessment: Mapped[Assessment | None] = relationship()
    created_by: Mapped[User | None] = relationship()
