"""What SIKOMO tells its users: e-mail waiting in the outbox and the in-app notification list."""

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
from sikomo.models.base import str_enum, utcnow
from sikomo.models.register import User


class OutboxStatus(enum.StrEnum):
    ANTRE = "antre"  # waiting for its first or next attempt
    TERKIRIM = "terkirim"
    GAGAL = "gagal"  # gave up after the last attempt; kept, and can be queued again

    @property
    def label(self) -> str:
        return {"antre": "Dalam antrean", "terkirim": "Terkirim", "gagal": "Gagal"}[self.value]


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change it tells of, sent afterwards."""

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recipient_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The body holds a one-time link (an invitation, a reset): replaced once sent or given up.
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.ANTRE)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recipient: Mapped[User | None] = relationship()


class Notification(db.Model):
    """One line in a user's notification list, with a deep link to the page it is about.

    `dedup_key` makes a repeated event (a daily reminder run) write its notification once."""

    __table_args__ = (
        Index("ix_notification_user", "user_id", "read_at", "id"),
        UniqueConstraint("user_id", "dedup_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dedup_key: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
