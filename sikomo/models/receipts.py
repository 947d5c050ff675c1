"""Tanda terima: what a pengurus holds as proof that a report version was submitted, and when."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import utcnow
from sikomo.models.register import Cooperative, User
from sikomo.models.reports import Report


class Receipt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # TT/{year}/{id:06d}
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    tahun_buku: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitter_name: Mapped[str] = mapped_column(String(200))

    report: Mapped[Report] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    submitter: Mapped[User | None] = relationship()
