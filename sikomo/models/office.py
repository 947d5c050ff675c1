"""The office's own records: audit trail, settings, PDRB, targets, indicator definitions."""

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo import audit_guard
from sikomo.extensions import db
from sikomo.models.base import (
    JSONType,
    str_enum,
    utcnow,
)
from sikomo.models.register import User


class AuditEvent(db.Model):
    """Append-only record of a change: who, when, what, before and after."""

    # A review page lists the events about its report and assessments.
    # Jejak Audit filters by user: one user's events, newest first, without reading the table.
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id", "id"),
        Index("ix_audit_event_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # SHA-256 of the previous row's chain and this row's content (sikomo/audit_guard.py)
    chain: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


audit_guard.attach(AuditEvent.__table__)  # UPDATE and DELETE refused in the database itself


class AuditHead(db.Model):
    """The audit chain's last value; writers take this one row first, so they chain in turn."""

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    chain: Mapped[str] = mapped_column(String(64))


audit_guard.attach_head(AuditHead.__table__)  # the head row exists from the start


class Setting(db.Model):
    """Key/value settings such as aktif_window; their defaults live in settings.py."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)


class OfficeLogo(db.Model):
    """The Dinas's logo on the letterhead: one PNG, re-encoded at upload (sikomo/office/)."""

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    png: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Pdrb(db.Model):
    """PDRB ADHB (regional GDP at current prices) of the district for one year."""

    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    nilai: Mapped[int] = mapped_column(BigInteger)


class Target(db.Model):
    """Target value of a Dinas indicator for one year."""

    indicator_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    nilai: Mapped[Decimal] = mapped_column(Numeric(20, 4))


class IndicatorDirection(enum.StrEnum):
    NAIK = "naik"  # higher is better
    TURUN = "turun"  # lower is better

    @property
    def label(self) -> str:
        return {"naik": "Makin tinggi makin baik", "turun": "Makin rendah makin baik"}[self.value]


class IndicatorDefinition(db.Model):
    """A Dinas indicator's words as data; how it is computed lives in sikomo/indicators/compute.py."""

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    pembilang: Mapped[str] = mapped_column(Text)
    penyebut: Mapped[str | None] = mapped_column(Text)
    satuan: Mapped[str] = mapped_column(String(32))
    arah: Mapped[IndicatorDirection] = mapped_column(
        str_enum(IndicatorDirection), default=IndicatorDirection.NAIK
    )
    sumber: Mapped[str | None] = mapped_column(Text)
    urutan: Mapped[int] = mapped_column(Integer, default=0)
    iku: Mapped[bool] = mapped_column(Boolean, default=False)
