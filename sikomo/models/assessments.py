"""Assessments and the per-cooperative indicator facts."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import AssessmentStatus, Jenis, JSONType, Method, Predikat, str_enum, utcnow
from sikomo.models.register import User
from sikomo.models.reports import Report


class Assessment(db.Model):
    # Found by report, often only to ask whether it is decided: the status is read from the
    # index, never from the row behind the large `result`.
    __table_args__ = (Index("ix_assessment_report_id_status", "report_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    method: Mapped[Method] = mapped_column(str_enum(Method))
    ruleset_id: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[str] = mapped_column(String(50))
    ruleset_hash: Mapped[str] = mapped_column(String(128))
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    total_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    predikat: Mapped[Predikat | None] = mapped_column(str_enum(Predikat))
    engine_predikat: Mapped[Predikat | None] = mapped_column(str_enum(Predikat))
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus), default=AssessmentStatus.PROVISIONAL
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    justification: Mapped[str | None] = mapped_column(Text)
    # Four-eyes: the second user who confirmed (or refused) the decision of `decided_by`.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # SKK/{year}/{id:05d}, given when a pengawas approves; printed on the certificate.
    certificate_number: Mapped[str | None] = mapped_column(String(32), unique=True)

    report: Mapped[Report] = relationship(back_populates="assessments")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class IndicatorFact(db.Model):
    """What one cooperative contributes to the Dinas indicators of one year: derived data.

    Kept in step with reports, assessments and the register by sikomo/indicators/facts.py, so the
    indicators read one narrow row per cooperative instead of its report versions.
    """

    __table_args__ = (
        # The indicators read only these columns of one year, grouped by kecamatan and jenis.
        Index(
            "ix_indicator_fact_year",
            "year",
            "region_id",
            "jenis",
            "tanggal_badan_hukum",
            "ksp",
            "streak",
            "sehat",
            "grew_volume_usaha",
            "grew_total_aset",
            "grew_volume_usaha_dan_aset",
            "volume",
            "volume_prev",
            "cooperative_id",
        ),
    )

    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperative.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # the indicator year
    # Copies of the cooperative's register entry.
    region_id: Mapped[int] = mapped_column(Integer)
    jenis: Mapped[Jenis] = mapped_column(str_enum(Jenis))
    ksp: Mapped[bool] = mapped_column(Boolean)  # a KSP or USP, or keeps a simpan pinjam unit
    tanggal_badan_hukum: Mapped[date | None] = mapped_column(Date)
    # RAT held in `year` and in each year before it, without a gap: 0 when not held in `year`.
    streak: Mapped[int] = mapped_column(Integer)
    volume: Mapped[int] = mapped_column(BigInteger)  # volume usaha of the RATs held in `year`
    volume_prev: Mapped[int] = mapped_column(BigInteger)  # ... and in `year` - 1
    # A report of a RAT held in `year` grew, by each berkualitas criterion.
    grew_volume_usaha: Mapped[bool] = mapped_column(Boolean)
    grew_total_aset: Mapped[bool] = mapped_column(Boolean)
    grew_volume_usaha_dan_aset: Mapped[bool] = mapped_column(Boolean)
    # The latest decided assessment of the tahun buku `year` counts: 1 sehat, 0 not, None none.
    sehat: Mapped[int | None] = mapped_column(Integer)
