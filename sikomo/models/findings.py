"""Temuan: what a pengawas found on a report version, and its follow-up until it is closed.

A finding names its criterion (an indicator or questionnaire item of the method where it applies,
else free text), a severity, a recommendation and a due date. The pengurus answers (agree or
disagree, with a response) and uploads evidence of the follow-up; the pengawas closes or reopens
it. Every step is one FindingStep row, so the history reads in order; the audit trail has it too.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import str_enum, utcnow
from sikomo.models.register import Cooperative, User
from sikomo.models.reports import Report


class Severity(enum.StrEnum):
    TINGGI = "tinggi"
    SEDANG = "sedang"
    RENDAH = "rendah"

    @property
    def label(self) -> str:
        return {"tinggi": "Tinggi", "sedang": "Sedang", "rendah": "Rendah"}[self.value]


class FindingStatus(enum.StrEnum):
    TERBUKA = "terbuka"  # waiting for the pengurus
    DITANGGAPI = "ditanggapi"  # the pengurus answered; waiting for the pengawas
    DITUTUP = "ditutup"  # the pengawas found it settled

    @property
    def label(self) -> str:
        return {"terbuka": "Terbuka", "ditanggapi": "Ditanggapi", "ditutup": "Ditutup"}[self.value]


class CriterionKind(enum.StrEnum):
    INDIKATOR = "indikator"
    KUESIONER = "kuesioner"
    LAINNYA = "lainnya"


class StepKind(enum.StrEnum):
    DICATAT = "dicatat"  # recorded by the pengawas
    SETUJU = "setuju"  # the pengurus agrees (and says what they do)
    TIDAK_SETUJU = "tidak_setuju"  # the pengurus disagrees, with a response
    TINDAK_LANJUT = "tindak_lanjut"  # the pengurus reports follow-up, evidence attached
    DITUTUP = "ditutup"  # the pengawas closes it
    DIBUKA_KEMBALI = "dibuka_kembali"  # the pengawas reopens it

    @property
    def label(self) -> str:
        return {
            "dicatat": "Temuan dicatat",
            "setuju": "Pengurus setuju",
            "tidak_setuju": "Pengurus tidak setuju",
            "tindak_lanjut": "Tindak lanjut dilaporkan",
            "ditutup": "Ditutup pengawas",
            "dibuka_kembali": "Dibuka kembali",
        }[self.value]


class Finding(db.Model):
    __table_args__ = (
        Index("ix_finding_cooperative", "cooperative_id", "status", "due_date"),
        # The worklist and the compliance board count the open findings past their due date.
        Index("ix_finding_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    criterion_kind: Mapped[CriterionKind] = mapped_column(str_enum(CriterionKind))
    criterion_code: Mapped[str | None] = mapped_column(String(64))
    criterion: Mapped[str] = mapped_column(String(300))  # the words shown (indicator/item name)
    severity: Mapped[Severity] = mapped_column(str_enum(Severity))
    description: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[FindingStatus] = mapped_column(
        str_enum(FindingStatus), default=FindingStatus.TERBUKA
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # two pages acting at once: one conflicts

    report: Mapped[Report] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    created_by: Mapped[User | None] = relationship()
    steps: Mapped[list["FindingStep"]] = relationship(
        back_populates="finding", order_by="FindingStep.id"
    )


class FindingStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    kind: Mapped[StepKind] = mapped_column(str_enum(StepKind))
    text: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="steps")
    user: Mapped[User | None] = relationship()
    evidence: Mapped[list["FindingEvidence"]] = relationship(back_populates="step")


class FindingEvidence(db.Model):
    """A file the pengurus attached to a follow-up step, stored by random name like attachments."""

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("finding_step.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    step: Mapped[FindingStep] = relationship(back_populates="evidence")
