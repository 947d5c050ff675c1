"""Failed sign-ins, shared by every worker when no Redis is configured (sikomo/auth/throttle.py)."""

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sikomo.extensions import db
from sikomo.models.base import utcnow


class LoginFailure(db.Model):
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))  # "akun:<email>" or "ip:<address>"
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
