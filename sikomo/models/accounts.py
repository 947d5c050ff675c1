"""One-time links for an invitation or a password reset: only a hash of the token is kept."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import str_enum, utcnow
from sikomo.models.register import User


class LinkPurpose(enum.StrEnum):
    UNDANGAN = "undangan"  # a new account sets its first password
    RESET = "reset"  # an existing account sets a new one

    @property
    def label(self) -> str:
        return {"undangan": "Undangan", "reset": "Atur ulang kata sandi"}[self.value]


class AccountLink(db.Model):
    __table_args__ = (Index("ix_account_link_user", "user_id", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def expires_at_aware(self) -> datetime:
        """expires_at with its zone (SQLite hands it back naive, in UTC)."""
        at = self.expires_at
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "sudah dipakai"
        return "kedaluwarsa" if self.expires_at_aware <= utcnow() else "berlaku"
