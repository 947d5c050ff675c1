"""Who reviews a report: one pengawas per report version, carried to the versions after it."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import utcnow
from sikomo.models.register import User


class Assignment(db.Model):
    """The pengawas a report is assigned to (by the Dinas, or taken by the pengawas: "ambil").

    Kept apart from `Review`: reassigning changes nothing the engine reads, so the stored rows
    of the queue stay. Every change is in the audit trail (review.assign)."""

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
